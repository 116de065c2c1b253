//! The lab server's switchable bottlenecks, over HTTP: each one does its bad thing for real,
//! and none changes what a request answers (no-pagination aside, whose point is to ignore
//! skip/limit).

use crate::common;

use std::time::Instant;

use common::lab::Lab;
use loadlab::lab_metrics as names;
use loadlab::server::bottlenecks::{LEAK_PER_REQUEST, POOL_HOLD, SLOW_POLL};
use loadlab::server::{Bottleneck, ServerConfig, Storage};
use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

async fn lab_with(bottlenecks: &[Bottleneck]) -> Lab {
    Lab::with(ServerConfig { bottlenecks: bottlenecks.to_vec(), ..ServerConfig::in_memory() }).await
}

/// Creates a todo whose 40-syllable description makes lists worth compressing; its id.
async fn create(lab: &Lab, title: &str) -> i64 {
    lab.create(json!({"title": title, "description": "가".repeat(40)})).await["id"].as_i64().unwrap()
}

/// A short scripted session; returns every (status, body) with timestamps masked.
async fn script(lab: &Lab) -> Vec<(u16, Value)> {
    let client = &lab.http;
    let url = |p: &str| lab.url(p);
    let mut out = Vec::new();
    let mut push = |status: StatusCode, mut body: Value| {
        mask(&mut body);
        out.push((status.as_u16(), body));
    };
    for i in 0..3 {
        let res = client.post(url("/todos/")).json(&json!({"title": format!("t{i}")})).send().await.unwrap();
        push(res.status(), res.json().await.unwrap());
    }
    for path in ["/todos/", "/todos/2", "/todos/99", "/todos/abc"] {
        let res = client.get(url(path)).send().await.unwrap();
        push(res.status(), res.json().await.unwrap());
    }
    let res = client.put(url("/todos/1")).json(&json!({"completed": "yes"})).send().await.unwrap();
    push(res.status(), res.json().await.unwrap());
    let res = client.delete(url("/todos/3")).send().await.unwrap();
    push(res.status(), Value::Null);
    let res = client.get(url("/todos/")).send().await.unwrap();
    push(res.status(), res.json().await.unwrap());
    out
}

fn mask(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k.ends_with("_at") {
                    *x = json!("<time>");
                } else {
                    mask(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask),
        _ => {}
    }
}

#[tokio::test]
async fn bottlenecks_change_how_not_what_the_server_answers() {
    let healthy = script(&lab_with(&[]).await).await;
    for b in Bottleneck::ALL {
        assert_eq!(script(&lab_with(&[b]).await).await, healthy, "{b} changed an answer");
    }
    assert_eq!(script(&lab_with(&Bottleneck::ALL).await).await, healthy, "all together changed an answer");
}

#[tokio::test]
async fn missing_index_scans_the_table_for_every_lookup() {
    for (bottlenecks, scans) in [(vec![], false), (vec![Bottleneck::MissingIndex], true)] {
        let lab = lab_with(&bottlenecks).await;
        let mut last = 0;
        for i in 0..150 {
            last = create(&lab, &format!("t{i}")).await;
        }
        let before = lab.metric(names::DB_ROWS_SCANNED_TOTAL).await;
        let res = lab.http.get(lab.url(&format!("/todos/{last}"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let scanned = lab.metric(names::DB_ROWS_SCANNED_TOTAL).await - before;
        // The newest todo is the last row a scan reaches (149 steps past the first of 150); the
        // primary key finds it directly.
        if scans {
            assert!(scanned >= 149.0, "{scanned} rows for one lookup");
        } else {
            assert_eq!(scanned, 0.0, "{bottlenecks:?}");
        }
    }
}

#[tokio::test]
async fn n_plus_one_sends_a_query_per_listed_todo() {
    for (bottlenecks, per_list) in [(vec![], 1.0), (vec![Bottleneck::NPlusOne], 1.0 + 20.0)] {
        let lab = lab_with(&bottlenecks).await;
        for i in 0..25 {
            create(&lab, &format!("t{i}")).await;
        }
        let before = lab.metric(names::DB_QUERIES_TOTAL).await;
        let res = lab.http.get(lab.url("/todos/?limit=20")).send().await.unwrap();
        assert_eq!(res.json::<Value>().await.unwrap().as_array().unwrap().len(), 20);
        let after = lab.metric(names::DB_QUERIES_TOTAL).await;
        assert_eq!(after - before, per_list, "{bottlenecks:?}");
    }
}

#[tokio::test]
async fn no_pagination_sends_everything() {
    let lab = lab_with(&[Bottleneck::NoPagination]).await;
    for i in 0..120 {
        create(&lab, &format!("t{i}")).await;
    }
    let res = lab.http.get(lab.url("/todos/?skip=0&limit=10")).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap().as_array().unwrap().len(), 120);
}

#[tokio::test]
async fn no_compression_sends_large_answers_plain() {
    let raw = Client::builder().no_gzip().build().unwrap();
    for (bottlenecks, gzipped) in [(vec![], true), (vec![Bottleneck::NoCompression], false)] {
        let lab = lab_with(&bottlenecks).await;
        for i in 0..30 {
            create(&lab, &format!("t{i}")).await;
        }
        let res = raw.get(lab.url("/todos/")).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
        assert_eq!(res.headers().get(header::CONTENT_ENCODING).is_some(), gzipped, "{bottlenecks:?}");
        // What left the server, against the JSON the client got after unpacking it (the
        // /metrics answers that read the counter are not counted).
        let before = lab.metric(names::HTTP_SENT_BODY_BYTES_TOTAL).await;
        let res = lab.http.get(lab.url("/todos/")).send().await.unwrap();
        let json = res.bytes().await.unwrap().len() as f64;
        let sent = lab.metric(names::HTTP_SENT_BODY_BYTES_TOTAL).await - before;
        if gzipped {
            assert!(sent < json / 2.0, "compressed: {sent} bytes sent for {json} bytes of JSON");
        } else {
            assert_eq!(sent, json, "plain: every byte of the JSON went out");
        }
    }
}

#[tokio::test]
async fn slow_endpoint_computes_an_etag_on_every_single_todo_read() {
    let lab = lab_with(&[Bottleneck::SlowEndpoint]).await;
    let id = create(&lab, "느림").await;
    let res = lab.http.get(lab.url(&format!("/todos/{id}"))).send().await.unwrap();
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() == 18, "{etag}");
    let res = lab.http.get(lab.url("/todos/")).send().await.unwrap();
    assert!(res.headers().get(header::ETAG).is_none(), "only the one endpoint is slow");
    // Healthy servers skip the work entirely.
    let healthy = lab_with(&[]).await;
    let id = create(&healthy, "빠름").await;
    let res = healthy.http.get(healthy.url(&format!("/todos/{id}"))).send().await.unwrap();
    assert!(res.headers().get(header::ETAG).is_none());
}

#[tokio::test]
async fn memory_leak_keeps_every_request_resident() {
    let lab = lab_with(&[Bottleneck::MemoryLeak]).await;
    let id = create(&lab, "누수").await;
    for _ in 0..99 {
        lab.http.get(lab.url(&format!("/todos/{id}"))).send().await.unwrap();
    }
    let kept = lab.metric(names::REQUEST_HISTORY_BYTES).await;
    assert_eq!(kept, (100 * LEAK_PER_REQUEST) as f64);
    let rss = lab.metric(names::PROCESS_RESIDENT_MEMORY_BYTES).await;
    assert!(rss >= kept, "the retained records are resident: rss {rss} < {kept}");
    // Healthy servers keep no history at all.
    let healthy = lab_with(&[]).await;
    assert!(!healthy.metrics().await.contains(names::REQUEST_HISTORY_BYTES));
}

#[tokio::test]
async fn blocking_io_fsyncs_an_audit_line_per_todos_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let config = ServerConfig {
        storage: Storage::File(db.clone()),
        bottlenecks: vec![Bottleneck::BlockingIo],
        ..ServerConfig::in_memory()
    };
    let lab = Lab::with(config).await;
    let id = create(&lab, "감사").await;
    lab.http.get(lab.url(&format!("/todos/{id}"))).send().await.unwrap();
    lab.http.get(lab.url("/health")).send().await.unwrap();
    // Both /todos requests held their async thread for the audit record.
    assert_eq!(lab.metric(names::ASYNC_SLOW_POLLS_TOTAL).await, 2.0);
    let blocked = lab.metric(names::ASYNC_BLOCKED_SECONDS_TOTAL).await;
    assert!(blocked >= 2.0 * SLOW_POLL.as_secs_f64(), "{blocked}");
    let journal = loadlab::server::bottlenecks::journal_path(lab.server.addr().port());
    let log = std::fs::read_to_string(&journal).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].ends_with("POST /todos/"), "{log}");
    assert!(lines[1].ends_with(&format!("GET /todos/{id}")), "{log}");
    // Nothing beside the database names the bottleneck, and the log goes with the server.
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert!(beside.iter().all(|name| name.starts_with("b.db") && !name.contains("audit")), "{beside:?}");
    lab.server.shutdown().await;
    assert!(!journal.exists());
}

#[tokio::test]
async fn healthy_handlers_never_hold_their_thread() {
    let lab = lab_with(&[]).await;
    for i in 0..20 {
        let id = create(&lab, &format!("t{i}")).await;
        lab.http.get(lab.url(&format!("/todos/{id}"))).send().await.unwrap();
    }
    // The OS may pause a thread mid-poll now and then; a handler that blocks does it every time.
    let slow = lab.metric(names::ASYNC_SLOW_POLLS_TOTAL).await;
    assert!(slow <= 4.0, "{slow} of 40 requests held their thread");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_starvation_serves_one_todos_request_at_a_time() {
    let lab = lab_with(&[Bottleneck::PoolStarvation]).await;
    let id = create(&lab, "세션").await;
    assert_eq!(lab.metric(names::DB_POOL_SIZE).await, 1.0);
    // Alone, a request still does its session's work.
    let started = Instant::now();
    let res = lab.http.get(lab.url(&format!("/todos/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(started.elapsed() >= POOL_HOLD, "{:?}", started.elapsed());
    // Together, they queue for the one session: n requests take at least n holds.
    let n = 30;
    let started = Instant::now();
    let todos = (0..n).map(|_| {
        let (client, url) = (lab.http.clone(), lab.url(&format!("/todos/{id}")));
        tokio::spawn(async move { client.get(url).send().await.unwrap().status() })
    });
    let todos: Vec<_> = todos.collect();
    // Meanwhile a route without a session answers at once, long before the queue is through.
    tokio::time::sleep(POOL_HOLD * 2).await;
    let res = lab.http.get(lab.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let health_done = started.elapsed();
    for todo in todos {
        assert_eq!(todo.await.unwrap(), StatusCode::OK);
    }
    let all_done = started.elapsed();
    assert!(all_done >= POOL_HOLD * n, "{n} requests in {all_done:?}: not one at a time");
    assert!(health_done < all_done / 2, "/health waited: {health_done:?} of {all_done:?}");
    let waited = lab.metric(names::DB_SESSION_WAIT_SECONDS_TOTAL).await;
    // Queued requests waited for each other: on average half the queue.
    assert!(waited >= (POOL_HOLD * n * (n - 1) / 4).as_secs_f64(), "{waited}");
}
