//! What the web tests share: a dashboard on a free loopback port for the finished scenarios,
//! same-origin JSON requests, and a reader of the Server-Sent Events stream.
#![allow(dead_code)]

use std::time::Duration;

use loadlab::web::{WebOptions, WebServer};
use serde_json::Value;

/// How long any one wait may take before the test gives up (a bound, not a measurement).
pub const PATIENCE: Duration = Duration::from_secs(90);

pub async fn dashboard() -> WebServer {
    let options = WebOptions { port: 0, ..WebOptions::default() };
    loadlab::web::start(loadlab::solutions::workbook(), options).await.expect("dashboard starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("client")
}

/// A POST as the dashboard's own page sends it.
pub async fn post(server: &WebServer, path: &str, body: Value) -> (u16, Value) {
    let url = server.url();
    let response = client()
        .post(format!("{url}{path}"))
        .header("Origin", url.clone())
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The event stream, one snapshot at a time.
pub struct Events {
    response: reqwest::Response,
    buffer: String,
    /// The history so far, put together from the events' increments.
    pub history: Vec<Value>,
}

impl Events {
    pub async fn open(server: &WebServer) -> Events {
        let response = client().get(format!("{}/events", server.url())).send().await.expect("events");
        assert_eq!(response.status().as_u16(), 200);
        let content_type = response.headers()["content-type"].to_str().unwrap_or_default().to_string();
        assert!(content_type.starts_with("text/event-stream"), "{content_type}");
        Events { response, buffer: String::new(), history: Vec::new() }
    }

    /// The next snapshot event's JSON.
    pub async fn next(&mut self) -> Value {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                let data: String = event
                    .lines()
                    .filter_map(|line| line.strip_prefix("data: "))
                    .collect::<Vec<_>>()
                    .join("\n");
                if event.lines().any(|line| line == "event: snapshot") {
                    let snapshot: Value = serde_json::from_str(&data).expect("snapshot JSON");
                    let fresh = snapshot["history"].as_array().cloned().unwrap_or_default();
                    if snapshot["history_from"] == 0 {
                        self.history = fresh;
                    } else {
                        self.history.extend(fresh);
                    }
                    return snapshot;
                }
                continue;
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .expect("an event within the patience")
                .expect("stream")
                .expect("stream still open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads snapshots until `wanted` holds for one; returns it.
    pub async fn until(&mut self, what: &str, wanted: impl Fn(&Value, &[Value]) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let snapshot = self.next().await;
            if wanted(&snapshot, &self.history) {
                return snapshot;
            }
            assert!(tokio::time::Instant::now() < deadline, "never saw: {what}; last: {snapshot}");
        }
    }
}

/// The TodoUser form the tests start with: `users` users, no run time (until stopped).
pub fn todo_form(users: u64) -> Value {
    serde_json::json!({
        "users": users, "spawn_rate": 10, "host": "", "run_time": "",
        "classes": [{"name": "TodoUser", "weight": 1}],
    })
}
