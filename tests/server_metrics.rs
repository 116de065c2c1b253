//! The lab server's `/metrics` and the engine's sampler speak the same names: every series in
//! `loadlab::lab_metrics::ALL` is written by a running server, and the sampler's parser reads
//! each value the sampler keeps exactly as the server wrote it; requests are counted by route
//! pattern and status, with their latency histogram.

use crate::common;

use common::lab::Lab;
use loadlab::engine::server_metrics;
use loadlab::lab_metrics::{self as names, ALL};
use loadlab::server::{Bottleneck, ServerConfig};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

/// The values of the sample lines of series `name` (a histogram's too), in text order.
fn values(text: &str, name: &str) -> Vec<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let series = line.split(['{', ' ']).next()?;
            let histogram_part =
                ["_bucket", "_sum", "_count"].iter().any(|suffix| series.strip_suffix(suffix) == Some(name));
            (series == name || histogram_part).then(|| line.rsplit(' ').next()?.parse::<f64>().ok())?
        })
        .collect()
}

/// The one value of an unlabelled series.
fn single(text: &str, name: &str) -> f64 {
    match values(text, name)[..] {
        [v] => v,
        ref other => panic!("{name}: expected one value, found {other:?} in\n{text}"),
    }
}

#[tokio::test]
async fn the_sampler_reads_every_series_the_server_writes() {
    // The bottlenecks that add the optional series, and the hunt's secret flag.
    let mut config = ServerConfig::in_memory();
    config.bottlenecks = vec![Bottleneck::PoolStarvation, Bottleneck::MemoryLeak];
    config.secret_bottlenecks = true;
    let lab = Lab::with(config).await;
    for title in ["a", "b", "c"] {
        lab.create(json!({ "title": title })).await;
    }
    for path in ["/todos/1", "/todos/2", "/todos/999"] {
        lab.call(Method::GET, path, None).await;
    }
    let text = lab.metrics().await;

    for name in ALL {
        assert!(!values(&text, name).is_empty(), "the server writes no {name}:\n{text}");
    }

    let sample = server_metrics::parse(&text).expect("the sampler recognises a lab server");
    assert_eq!(sample.requests_total, 6, "every request but /metrics itself");
    assert_eq!(sample.requests_total as f64, values(&text, names::HTTP_REQUESTS_TOTAL).iter().sum::<f64>());
    assert_eq!(sample.todos, 3);
    assert_eq!(sample.todos as f64, single(&text, names::TODOS));
    assert!(sample.memory_bytes > 0);
    assert_eq!(sample.memory_bytes as f64, single(&text, names::PROCESS_RESIDENT_MEMORY_BYTES));
    assert!(sample.open_connections >= 1, "the connection asking is open");
    assert_eq!(sample.open_connections as f64, single(&text, names::HTTP_OPEN_CONNECTIONS));
    assert!(sample.db_queries_total >= 6);
    assert_eq!(sample.db_queries_total as f64, single(&text, names::DB_QUERIES_TOTAL));
    assert!(sample.sent_body_bytes_total > 0 && sample.body_bytes_total > 0);
    assert_eq!(sample.sent_body_bytes_total as f64, single(&text, names::HTTP_SENT_BODY_BYTES_TOTAL));
    assert_eq!(sample.body_bytes_total as f64, single(&text, names::HTTP_BODY_BYTES_TOTAL));
    assert_eq!(sample.db_rows_scanned_total as f64, single(&text, names::DB_ROWS_SCANNED_TOTAL));
    assert_eq!(
        sample.db_session_wait_seconds_total,
        Some(single(&text, names::DB_SESSION_WAIT_SECONDS_TOTAL))
    );
    assert_eq!(sample.async_blocked_seconds_total, single(&text, names::ASYNC_BLOCKED_SECONDS_TOTAL));
    assert!(sample.secret_bottleneck);
    assert_eq!(single(&text, names::LAB_SECRET_BOTTLENECK), 1.0);
}

#[tokio::test]
async fn a_healthy_server_leaves_out_only_the_optional_series() {
    let lab = Lab::new().await;
    lab.call(Method::GET, "/health", None).await;
    let text = lab.metrics().await;
    let optional = [
        names::REQUEST_HISTORY_BYTES,
        names::DB_POOL_SIZE,
        names::DB_SESSION_WAIT_SECONDS_TOTAL,
        names::LAB_SECRET_BOTTLENECK,
    ];
    for name in ALL {
        assert_eq!(values(&text, name).is_empty(), optional.contains(&name), "{name} in\n{text}");
    }
    let sample = server_metrics::parse(&text).expect("the sampler recognises a lab server");
    assert_eq!(sample.db_session_wait_seconds_total, None);
    assert!(!sample.secret_bottleneck);
    assert_eq!(sample.requests_total, 1);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let lab = Lab::new().await;
    let id = lab.create(json!({"title": "m"})).await["id"].as_i64().unwrap();
    lab.call(Method::GET, &format!("/todos/{id}"), None).await;
    lab.call(Method::GET, &format!("/todos/{id}"), None).await;
    lab.call(Method::GET, "/todos/999999", None).await;
    lab.call(Method::GET, "/nope", None).await;
    let res = lab.http.get(lab.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let value = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        value(r#"loadlab_http_requests_total{method="GET",route="/todos/{todo_id}",status="200"}"#),
        2.0
    );
    assert_eq!(
        value(r#"loadlab_http_requests_total{method="GET",route="/todos/{todo_id}",status="404"}"#),
        1.0
    );
    assert_eq!(value(r#"loadlab_http_requests_total{method="POST",route="/todos/",status="201"}"#), 1.0);
    assert_eq!(value(r#"loadlab_http_requests_total{method="GET",route="unmatched",status="404"}"#), 1.0);
    assert_eq!(
        value(r#"loadlab_http_request_duration_seconds_count{method="GET",route="/todos/{todo_id}"}"#),
        3.0
    );
    assert_eq!(
        value(
            r#"loadlab_http_request_duration_seconds_bucket{method="GET",route="/todos/{todo_id}",le="+Inf"}"#
        ),
        3.0
    );
    assert!(value("loadlab_http_open_connections ") >= 1.0);
    assert!(value("loadlab_process_resident_memory_bytes ") > 0.0);
    assert_eq!(value("loadlab_todos "), 1.0);
    assert!(text.contains("# TYPE loadlab_http_request_duration_seconds histogram"));
}
