//! Samples the lab server's own `/metrics` (Prometheus text) once a second while a run goes,
//! so a result can show what the server felt — memory, open connections, database queries —
//! next to what the users saw. Used only when the target is a loadlab lab server. The series
//! names come from [`crate::lab_metrics`], the table the server writes them from.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::lab_metrics as names;

/// What the server reported at one moment. Fields after `todos` came later: older results
/// read them as zero.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct ServerSample {
    /// Resident memory of the server process, in bytes.
    pub memory_bytes: u64,
    pub open_connections: u64,
    /// Database queries since the server started.
    pub db_queries_total: u64,
    /// Todos in the database.
    pub todos: u64,
    /// HTTP requests the server answered, not counting its own `/metrics`.
    #[serde(default)]
    pub requests_total: u64,
    /// Response body bytes the server sent, after compression (its `/metrics` left out).
    #[serde(default)]
    pub sent_body_bytes_total: u64,
    /// Response body bytes before compression (the same requests as `sent_body_bytes_total`).
    #[serde(default)]
    pub body_bytes_total: u64,
    /// Rows stepped over by full table scans (the cost of missing indexes).
    #[serde(default)]
    pub db_rows_scanned_total: u64,
    /// Seconds requests spent waiting for a database session (`None`: no such pool).
    #[serde(default)]
    pub db_session_wait_seconds_total: Option<f64>,
    /// Seconds request handlers kept an async worker thread without yielding (polls over 1 ms).
    #[serde(default)]
    pub async_blocked_seconds_total: f64,
    /// The server runs the hunt's secret bottleneck: explanations hold back its name.
    #[serde(default)]
    pub secret_bottleneck: bool,
}

/// Reads the gauges loadlab cares about from a Prometheus text exposition.
pub fn parse(text: &str) -> Option<ServerSample> {
    let value = |name: &str| {
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse::<f64>().ok())
    };
    // One series per method, route and status; the sampler's own `/metrics` calls left out.
    let requests_total = text
        .lines()
        .filter(|line| {
            line.strip_prefix(names::HTTP_REQUESTS_TOTAL).is_some_and(|rest| rest.starts_with('{'))
                && !line.contains("route=\"/metrics\"")
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>();
    Some(ServerSample {
        memory_bytes: value(names::PROCESS_RESIDENT_MEMORY_BYTES)? as u64,
        open_connections: value(names::HTTP_OPEN_CONNECTIONS).unwrap_or(0.0) as u64,
        db_queries_total: value(names::DB_QUERIES_TOTAL).unwrap_or(0.0) as u64,
        todos: value(names::TODOS).unwrap_or(0.0) as u64,
        requests_total: requests_total as u64,
        sent_body_bytes_total: value(names::HTTP_SENT_BODY_BYTES_TOTAL).unwrap_or(0.0) as u64,
        body_bytes_total: value(names::HTTP_BODY_BYTES_TOTAL).unwrap_or(0.0) as u64,
        db_rows_scanned_total: value(names::DB_ROWS_SCANNED_TOTAL).unwrap_or(0.0) as u64,
        db_session_wait_seconds_total: value(names::DB_SESSION_WAIT_SECONDS_TOTAL),
        async_blocked_seconds_total: value(names::ASYNC_BLOCKED_SECONDS_TOTAL).unwrap_or(0.0),
        secret_bottleneck: value(names::LAB_SECRET_BOTTLENECK) == Some(1.0),
    })
}

/// The latest sample, shared with the runner.
pub type Latest = Arc<Mutex<Option<ServerSample>>>;

/// Whether `host` is a loadlab lab server (it answers `/metrics` with loadlab's gauges).
pub async fn probe(host: &str) -> bool {
    fetch(&client(), host).await.is_some()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(1)).no_proxy().build().unwrap_or_default()
}

/// A lab server's `/metrics` is a few KB; a target that answers with more is not one (and must
/// not cost the generator the memory of an endless body).
const MAX_METRICS: usize = 1024 * 1024;

async fn fetch(client: &reqwest::Client, host: &str) -> Option<ServerSample> {
    let mut response = client.get(format!("{host}/metrics")).send().await.ok()?;
    if response.content_length().is_some_and(|length| length > MAX_METRICS as u64) {
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_METRICS {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    parse(std::str::from_utf8(&body).ok()?)
}

/// Starts sampling `host` every second into the returned slot, until the task is aborted: once
/// at the start, then half a second off the runner's whole seconds, so that each history point
/// finds a sample taken since the previous one instead of racing the sampler for it.
pub fn spawn_sampler(host: String) -> (Latest, tokio::task::JoinHandle<()>) {
    let latest: Latest = Arc::default();
    let slot = Arc::clone(&latest);
    let handle = tokio::spawn(async move {
        let client = client();
        if let Some(sample) = fetch(&client, &host).await {
            *crate::process::lock(&slot) = Some(sample);
        }
        let first = tokio::time::Instant::now() + Duration::from_millis(500);
        let mut ticker = tokio::time::interval_at(first, Duration::from_secs(1));
        loop {
            ticker.tick().await;
            if let Some(sample) = fetch(&client, &host).await {
                *crate::process::lock(&slot) = Some(sample);
            }
        }
    });
    (latest, handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_loadlab_gauges_and_ignores_others() {
        let text = "# HELP x\nloadlab_http_open_connections 3\nloadlab_process_resident_memory_bytes 1048576\n\
                    loadlab_db_queries_total 42\nloadlab_todos 7\nother_metric 9\n\
                    loadlab_http_requests_total{method=\"GET\",route=\"/todos/\",status=\"200\"} 5\n\
                    loadlab_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"} 9\n\
                    loadlab_http_requests_total{method=\"POST\",route=\"/todos/\",status=\"201\"} 2\n\
                    loadlab_http_sent_body_bytes_total 1000\nloadlab_db_rows_scanned_total 77\n\
                    loadlab_async_blocked_seconds_total 0.25\n";
        let sample = parse(text).unwrap();
        assert_eq!(
            sample,
            ServerSample {
                memory_bytes: 1_048_576,
                open_connections: 3,
                db_queries_total: 42,
                todos: 7,
                requests_total: 7,
                sent_body_bytes_total: 1000,
                body_bytes_total: 0,
                db_rows_scanned_total: 77,
                db_session_wait_seconds_total: None,
                async_blocked_seconds_total: 0.25,
                secret_bottleneck: false,
            }
        );
        assert_eq!(parse("other_metric 1\n"), None);
    }
}
