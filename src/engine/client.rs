//! The HTTP client a task uses: Locust's `self.client`, with `.json(..)`, `.name(..)`, and
//! responses that can be marked `success()` / `failure(msg)` (`catch_response=True`).
//!
//! Every request is recorded exactly once: when the task marks its response, or otherwise when
//! the response is dropped, with Locust's rule (status 0 or >= 400 is a failure). A request
//! never returns an error to the task: a refused connection or a time-out is a response with
//! status 0 and [`Response::error`] set, as in Locust.
//!
//! The wire side (connection, cookies, redirects, gzip, time-outs) is [`super::http`]'s.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::context::Shared;
use super::http::{Outgoing, Session};
use super::record::{RequestRecord, TracedDetail};

/// One virtual user's HTTP session: its own keep-alive connection and cookies, like a Locust
/// user's session.
pub struct Client {
    http: Session,
    shared: Arc<Shared>,
    user_id: usize,
    current_task: Mutex<&'static str>,
}

impl Client {
    pub(crate) fn new(shared: Arc<Shared>, user_id: usize) -> Self {
        let http = Session::new(Arc::clone(&shared.destination));
        Client { http, shared, user_id, current_task: Mutex::new("on_start") }
    }

    pub(crate) fn set_task(&self, name: &'static str) {
        *crate::process::lock(&self.current_task) = name;
    }

    fn task(&self) -> &'static str {
        *crate::process::lock(&self.current_task)
    }

    /// The host this run targets (`-H`), without a trailing slash.
    pub fn host(&self) -> &str {
        &self.shared.host
    }

    /// This user's number within the run (0, 1, 2 … in spawn order).
    pub fn user_id(&self) -> usize {
        self.user_id
    }

    pub fn get(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::GET, path)
    }
    pub fn post(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }
    pub fn put(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::PUT, path)
    }
    pub fn patch(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::PATCH, path)
    }
    pub fn delete(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::DELETE, path)
    }

    /// A request with any method.
    pub fn request(&self, method: Method, path: impl Into<String>) -> RequestBuilder<'_> {
        RequestBuilder {
            client: self,
            method,
            path: path.into(),
            name: None,
            body: None,
            query: Vec::new(),
            headers: Vec::new(),
        }
    }
}

/// A request being built; nothing is sent until [`RequestBuilder::send`].
#[must_use = "a request does nothing until .send().await"]
pub struct RequestBuilder<'c> {
    client: &'c Client,
    method: Method,
    path: String,
    name: Option<String>,
    body: Option<Result<Vec<u8>, String>>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl<'c> RequestBuilder<'c> {
    /// Sends `body` as JSON (`json=...`).
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.body = Some(serde_json::to_vec(body).map_err(|e| format!("JSON 직렬화 실패: {e}")));
        self
    }

    /// Groups this request in the statistics under `name` instead of its URL (`name=...`),
    /// so `/todos/17` and `/todos/18` share one row.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds a query parameter (`params={...}`).
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    pub fn header(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((key.into(), value.into()));
        self
    }

    /// Sends the request and reads the whole body. Never fails: see [`Response::error`].
    pub async fn send(self) -> Response<'c> {
        let client = self.client;
        let traced_body = match (&self.body, client.shared.tracing()) {
            (Some(Ok(bytes)), true) => serde_json::from_slice(bytes).ok(),
            _ => None,
        };
        let started = Instant::now();
        let outcome = match self.body {
            Some(Err(message)) => Err(message),
            body => client
                .http
                .send(Outgoing {
                    method: self.method.clone(),
                    path: &self.path,
                    query: &self.query,
                    headers: &self.headers,
                    json: body.and_then(Result::ok).map(bytes::Bytes::from),
                })
                .await
                .map_err(|failure| failure.message()),
        };
        let elapsed = started.elapsed();
        let (status, headers, body, error) = match outcome {
            Ok(answer) => (answer.status, answer.headers, answer.body, None),
            Err(message) => (0, http::HeaderMap::new(), bytes::Bytes::new(), Some(message)),
        };
        let display_path =
            if self.query.is_empty() { self.path } else { path_with_query(&self.path, &self.query) };
        let name = self.name.unwrap_or_else(|| display_path.clone());
        Response {
            client,
            method: self.method,
            path: display_path,
            name,
            status,
            headers,
            body,
            started,
            elapsed,
            error,
            traced_body,
            recorded: AtomicBool::new(false),
        }
    }
}

/// The path as the statistics and the trace show it (`/todos/?skip=1`), query unencoded.
fn path_with_query(path: &str, query: &[(String, String)]) -> String {
    let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}{}", pairs.join("&"))
}

/// A finished request. Mark it with [`Response::success`] or [`Response::failure`]; unmarked, it
/// counts as a failure when the status is 0 or >= 400.
pub struct Response<'c> {
    client: &'c Client,
    method: Method,
    path: String,
    name: String,
    status: u16,
    headers: http::HeaderMap,
    body: bytes::Bytes,
    started: Instant,
    elapsed: Duration,
    error: Option<String>,
    traced_body: Option<serde_json::Value>,
    recorded: AtomicBool,
}

impl Response<'_> {
    /// The HTTP status code, or 0 when no answer came (`response.status_code`).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is below 400 and an answer came.
    pub fn ok(&self) -> bool {
        self.status != 0 && self.status < 400
    }

    /// The body parsed as JSON, or `None` when it is not valid JSON of that shape
    /// (`response.json()`).
    pub fn json<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text (`response.text`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Time from sending the request to the last byte of the body.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The transport error when no answer came (refused, timed out, reset).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Counts this request as a success whatever its status (`response.success()`).
    pub fn success(&self) {
        self.record(None);
    }

    /// Counts this request as a failure with `message` (`response.failure(msg)`).
    pub fn failure(&self, message: impl Into<String>) {
        self.record(Some(message.into()));
    }

    fn default_failure(&self) -> Option<String> {
        if let Some(error) = &self.error {
            return Some(error.clone());
        }
        if self.status >= 400 {
            let reason = http::StatusCode::from_u16(self.status)
                .ok()
                .and_then(|code| code.canonical_reason())
                .unwrap_or("");
            return Some(format!("HTTPError: {} {reason}", self.status));
        }
        None
    }

    fn record(&self, failure: Option<String>) {
        if self.recorded.swap(true, Ordering::SeqCst) {
            return;
        }
        self.client.shared.record(RequestRecord {
            user_id: self.client.user_id,
            task: self.client.task(),
            method: self.method.as_str().to_string(),
            path: self.path.clone(),
            name: self.name.clone(),
            status: self.status,
            started: self.started,
            elapsed: self.elapsed,
            content_length: self.body.len() as u64,
            failure,
            traced: self.client.shared.tracing().then(|| TracedDetail {
                request_body: self.traced_body.clone(),
                response_id: self.json::<serde_json::Value>().and_then(|body| body.get("id")?.as_i64()),
            }),
        });
    }
}

impl Drop for Response<'_> {
    fn drop(&mut self) {
        if !self.recorded.load(Ordering::SeqCst) {
            self.record(self.default_failure());
        }
    }
}
