//! What the runner hands down to its users: [`Shared`], the state every user of a run shares
//! (where requests go, where they are recorded, the trace), and [`UserContext`], what one
//! spawned user gets. The runner builds both; the client and a user's life only read them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::watch;

use super::http::{Destination, TlsOptions};
use super::record::{RequestRecord, TraceLine};
use super::stats::StatsCollector;

/// State every user of a run shares: where to send requests and where to record them.
pub struct Shared {
    pub(crate) host: String,
    /// The host parsed once, with the run's TLS settings (engine::http).
    pub(crate) destination: Arc<Destination>,
    pub(crate) stats: Arc<StatsCollector>,
    trace: Option<Mutex<BufWriter<File>>>,
    /// The wall-clock start, for the trace's times (requests are timed with `std`'s clock).
    started: std::time::Instant,
}

impl Shared {
    /// The state of a run against `host` (no trailing slash) with `tls`, each answer's body
    /// limited to `max_body` bytes, recording into `stats` and, when asked, a trace file.
    pub(crate) fn new(
        host: String,
        tls: &TlsOptions,
        max_body: usize,
        stats: Arc<StatsCollector>,
        trace: Option<&Path>,
    ) -> anyhow::Result<Shared> {
        let trace = match trace {
            Some(path) => Some(Mutex::new(BufWriter::new(
                File::create(path)
                    .with_context(|| format!("trace 파일을 만들 수 없어요: {}", path.display()))?,
            ))),
            None => None,
        };
        let destination = Arc::new(Destination::new(&host, tls, max_body)?);
        Ok(Shared { host, destination, stats, trace, started: std::time::Instant::now() })
    }

    /// Writes out what the trace file still buffers (at the end of the run).
    pub(crate) fn flush_trace(&self) -> anyhow::Result<()> {
        if let Some(trace) = &self.trace {
            crate::process::lock(trace).flush().context("trace 파일 쓰기 실패")?;
        }
        Ok(())
    }

    pub(crate) fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    pub(crate) fn record(&self, record: RequestRecord) {
        self.stats.record_paced(&record, super::task_guard::current_lateness());
        if let Some(trace) = &self.trace {
            let line = TraceLine {
                t: record.started.saturating_duration_since(self.started).as_secs_f64(),
                user: record.user_id,
                task: record.task.to_string(),
                method: record.method.clone(),
                path: record.path.clone(),
                name: record.name.clone(),
                status: record.status,
                ms: record.elapsed.as_secs_f64() * 1000.0,
                failure: record.failure.clone(),
                body: record.traced.as_ref().and_then(|t| t.request_body.clone()),
                id: record.traced.as_ref().and_then(|t| t.response_id),
            };
            let line = serde_json::to_string(&line).unwrap_or_default();
            let mut writer = crate::process::lock(trace);
            // A trace line lost to a full disk must not stop the load test.
            let _ = writeln!(writer, "{line}");
        }
    }
}

/// What one spawned user gets from the runner.
pub struct UserContext {
    pub(crate) shared: Arc<Shared>,
    pub(crate) user_id: usize,
    pub(crate) class_name: &'static str,
    pub(crate) stop: watch::Receiver<bool>,
    pub(crate) stop_timeout: Duration,
    pub(crate) time_scale: f64,
    pub(crate) task_filter: Option<Arc<Vec<String>>>,
}
