//! Samples the lab server's own `/metrics` (Prometheus text) once a second while a run goes,
//! so a result can show what the server felt — memory, open connections, database queries —
//! next to what the users saw. Used only when the target is a loadlab lab server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What the server reported at one moment.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct ServerSample {
    /// Resident memory of the server process, in bytes.
    pub memory_bytes: u64,
    pub open_connections: u64,
    /// Database queries since the server started.
    pub db_queries_total: u64,
    /// Todos in the database.
    pub todos: u64,
}

/// Reads the gauges loadlab cares about from a Prometheus text exposition.
pub fn parse(text: &str) -> Option<ServerSample> {
    let value = |name: &str| {
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse::<f64>().ok())
    };
    Some(ServerSample {
        memory_bytes: value("loadlab_process_resident_memory_bytes")? as u64,
        open_connections: value("loadlab_http_open_connections").unwrap_or(0.0) as u64,
        db_queries_total: value("loadlab_db_queries_total").unwrap_or(0.0) as u64,
        todos: value("loadlab_todos").unwrap_or(0.0) as u64,
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

async fn fetch(client: &reqwest::Client, host: &str) -> Option<ServerSample> {
    let response = client.get(format!("{host}/metrics")).send().await.ok()?;
    parse(&response.text().await.ok()?)
}

/// Starts sampling `host` every second into the returned slot, until the task is aborted.
pub fn spawn_sampler(host: String) -> (Latest, tokio::task::JoinHandle<()>) {
    let latest: Latest = Arc::default();
    let slot = Arc::clone(&latest);
    let handle = tokio::spawn(async move {
        let client = client();
        let mut ticker = tokio::time::interval(Duration::from_secs(1));
        loop {
            ticker.tick().await;
            if let Some(sample) = fetch(&client, &host).await {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(sample);
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
                    loadlab_db_queries_total 42\nloadlab_todos 7\nother_metric 9\n";
        let sample = parse(text).unwrap();
        assert_eq!(
            sample,
            ServerSample { memory_bytes: 1_048_576, open_connections: 3, db_queries_total: 42, todos: 7 }
        );
        assert_eq!(parse("other_metric 1\n"), None);
    }
}
