//! A lab server started for one test, and the HTTP calls the server tests make against it.
//!
//! Owns: [`Lab`] — the server on a free loopback port plus a client that does not follow
//! redirects (tests look at the 307s themselves) — and its JSON helpers. Promises: the server
//! stops when the `Lab` is dropped; every helper panics with the body it got when an answer is
//! not what the helper's name says, so a failing test shows what the server sent.

use std::time::Duration;

use loadlab::server::{LabServer, ServerConfig, start};
use reqwest::{Client, Method, StatusCode, header};
use serde_json::Value;

pub struct Lab {
    pub server: LabServer,
    pub http: Client,
}

impl Lab {
    pub async fn with(config: ServerConfig) -> Lab {
        let server = start(config).await.expect("server starts");
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .unwrap();
        Lab { server, http }
    }

    /// In memory, no faults, no bottlenecks.
    pub async fn new() -> Lab {
        Lab::with(ServerConfig::in_memory()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// Status and body text; `body` is sent as JSON.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, String) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        (status, res.text().await.unwrap())
    }

    /// Status and body as JSON (`null` for an empty body); panics on a body that is not JSON.
    pub async fn json(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (status, text) = self.call(method, path, body).await;
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"))
        };
        (status, value)
    }

    /// Sends raw bytes with an optional content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        ct: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path)).body(body);
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}")))
    }

    /// `POST /todos/`, which must answer 201; the created todo.
    pub async fn create(&self, body: Value) -> Value {
        let (status, todo) = self.json(Method::POST, "/todos/", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{todo}");
        todo
    }

    /// The `/metrics` text.
    pub async fn metrics(&self) -> String {
        let (status, text) = self.call(Method::GET, "/metrics", None).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        text
    }

    /// The value of the unlabelled series `name` in `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self.metrics().await;
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
            .parse()
            .unwrap()
    }
}

/// An ISO-8601 timestamp without zone, as the original writes `created_at`/`updated_at`:
/// `2026-11-27T06:46:18.886508` (the fraction is absent only when it would be .000000).
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let base = b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    base && (b.len() == 19 || (b.len() == 26 && b[19] == b'.' && digits(20..26)))
}

/// The keys of a JSON object, in the order serde_json holds them (sorted).
pub fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}
