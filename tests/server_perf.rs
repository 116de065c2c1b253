//! A lab server to point `wrk` at, for measuring throughput by hand (ignored by `cargo test`).
//!
//! ```text
//! LOADLAB_PERF_SECS=120 LOADLAB_PERF_DB=/tmp/perf.db \
//!   cargo test --release --test parts server_perf -- --ignored --nocapture
//! wrk -c20 -t2 -d10s http://127.0.0.1:PORT/todos/1
//! ```
//! Without `LOADLAB_PERF_DB` the database is in memory. With `LOADLAB_PERF_SERVE_FOREVER=PORT`
//! it runs [`serve_forever`] on that port instead (banner, Ctrl-C), unseeded.
//! `LOADLAB_PERF_BOTTLENECKS=n-plus-one,missing-index` switches bottlenecks on. The URL is printed, and written to
//! `LOADLAB_PERF_URL_FILE` if set. The server is seeded with 100 todos.

use std::time::Duration;

use loadlab::server::{ServerConfig, Storage, serve_forever, start};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "manual throughput measurement; runs for LOADLAB_PERF_SECS"]
async fn serve_for_wrk() {
    let secs: u64 = std::env::var("LOADLAB_PERF_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let mut config = ServerConfig::in_memory();
    if let Ok(path) = std::env::var("LOADLAB_PERF_DB") {
        config.storage = Storage::File(path.into());
    }
    if let Ok(list) = std::env::var("LOADLAB_PERF_BOTTLENECKS") {
        config.bottlenecks = list.split(',').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
    }
    if let Some(port) = std::env::var("LOADLAB_PERF_SERVE_FOREVER").ok().and_then(|p| p.parse().ok()) {
        config.port = port;
        serve_forever(config).await.unwrap();
        return;
    }
    let server = start(config).await.unwrap();
    let client = reqwest::Client::new();
    for i in 0..100 {
        let res = client
            .post(format!("{}/todos/", server.url()))
            .json(&serde_json::json!({"title": format!("할 일 {i}"), "description": "성능 측정"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    println!("{}", server.url());
    if let Ok(file) = std::env::var("LOADLAB_PERF_URL_FILE") {
        std::fs::write(file, server.url()).unwrap();
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    server.shutdown().await;
}
