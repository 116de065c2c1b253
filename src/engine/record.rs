//! What one finished request leaves behind: the [`RequestRecord`] a client hands to the
//! statistics, and the [`TraceLine`] a `--trace` file keeps of it. Plain data, below the
//! statistics, the intervals and the runtime that produce or read it.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// One finished request as the client reports it.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub user_id: usize,
    pub task: &'static str,
    pub method: String,
    pub path: String,
    pub name: String,
    pub status: u16,
    pub started: Instant,
    pub elapsed: Duration,
    pub content_length: u64,
    /// `Some(message)` when the request counts as a failure.
    pub failure: Option<String>,
    /// Only when tracing: the JSON request body, and the `id` of a JSON object answer.
    pub traced: Option<TracedDetail>,
}

#[cfg(test)]
impl RequestRecord {
    /// A finished `GET name` for the unit tests of what records are summed into: 7 bytes long,
    /// answered 200, or 500 with `failure`.
    pub(crate) fn finished(name: &str, elapsed: Duration, failure: Option<&str>) -> Self {
        RequestRecord {
            user_id: 0,
            task: "t",
            method: "GET".into(),
            path: name.into(),
            name: name.into(),
            status: if failure.is_some() { 500 } else { 200 },
            started: Instant::now(),
            elapsed,
            content_length: 7,
            failure: failure.map(str::to_string),
            traced: None,
        }
    }
}

/// One line of a `--trace` file: one request, in the order requests finished.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TraceLine {
    /// Seconds from the start of the run to the start of the request.
    pub t: f64,
    pub user: usize,
    pub task: String,
    pub method: String,
    /// The path with its query string, as sent.
    pub path: String,
    /// The statistics row it was counted in.
    pub name: String,
    /// 0 when no answer came.
    pub status: u16,
    pub ms: f64,
    /// The failure message, or `None` when it counted as a success.
    pub failure: Option<String>,
    /// The JSON request body, if any.
    pub body: Option<serde_json::Value>,
    /// The `id` field of a JSON object answer (a created todo's id).
    pub id: Option<i64>,
}

/// What a trace keeps beyond the statistics, so a grader can follow ids and bodies.
#[derive(Debug, Clone, Default)]
pub struct TracedDetail {
    pub request_body: Option<serde_json::Value>,
    pub response_id: Option<i64>,
}
