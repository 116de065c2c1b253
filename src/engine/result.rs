//! The result types of a run — statistics rows, history points, settings, the generator's
//! notes and [`RunResult`] itself — as the console, the reports, `explain` and `compare` read
//! them and as the `--json` file stores them (schema: `report/json.rs`). The collector in
//! [`super::stats`] builds them; they are re-exported there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::wait_time::WaitTime;

/// Request names passed [`super::stats::MAX_NAMES`]: later names were counted in the [`super::stats::OVERFLOW_NAME`] row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NameLimit {
    /// The limit ([`super::stats::MAX_NAMES`] when the run was made).
    pub limit: usize,
    /// Requests counted in the overflow row (each under a name the table does not show).
    pub overflow_requests: u64,
    /// The first few names that did not get their own row.
    pub examples: Vec<String>,
}

/// The generating process used more CPU than it may: its own delays were in the measurements.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CpuOverload {
    /// Seconds since the start of the run when the warning was given.
    pub first_at: f64,
    /// The highest one-second share of the usable CPU, in percent of all usable cores.
    pub peak_percent: f64,
    /// Seconds the share stayed above the threshold.
    pub seconds_over: u32,
    /// Cores the generator may use.
    pub cores: usize,
}

/// What the run learned about the load generator itself, rather than the target.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GeneratorNotes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_limit: Option<NameLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_overload: Option<CpuOverload>,
}

impl GeneratorNotes {
    /// Nothing to say about the generator.
    pub fn is_empty(&self) -> bool {
        self.name_limit.is_none() && self.cpu_overload.is_none()
    }
}

/// Statistics of one request name (or of all, in the aggregated row). Times in milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EndpointStats {
    pub method: String,
    pub name: String,
    pub num_requests: u64,
    pub num_failures: u64,
    pub avg_response_time: f64,
    pub min_response_time: f64,
    pub max_response_time: f64,
    pub median_response_time: f64,
    pub avg_content_length: f64,
    pub total_content_length: u64,
    pub requests_per_second: f64,
    pub failures_per_second: f64,
    pub percentiles: Vec<Percentile>,
    /// How many answers came with each status (0: no answer).
    pub status_codes: BTreeMap<u16, u64>,
    /// Response times measured from each request's intended start, when fixed-rate users
    /// (`constant_throughput`) sent requests under this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<CorrectedTimes>,
}

/// Response times from when each request should have been sent: for a fixed-rate user, a task
/// that overran its interval delays the next one, and a closed-loop generator does not see
/// that delay (coordinated omission). Requests of other users count as sent on time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CorrectedTimes {
    pub avg_response_time: f64,
    pub max_response_time: f64,
    pub median_response_time: f64,
    pub percentiles: Vec<Percentile>,
}

impl CorrectedTimes {
    /// The corrected response time at quantile `q`, in ms.
    pub fn percentile(&self, q: f64) -> f64 {
        self.percentiles.iter().find(|p| (p.quantile - q).abs() < 1e-9).map_or(0.0, |p| p.response_time)
    }
}

impl EndpointStats {
    /// The response time at quantile `q` (0.95 for p95), in ms.
    pub fn percentile(&self, q: f64) -> f64 {
        self.percentiles.iter().find(|p| (p.quantile - q).abs() < 1e-9).map_or(0.0, |p| p.response_time)
    }

    /// The corrected times when they differ from the measured ones (some request started late).
    pub fn corrected_if_different(&self) -> Option<&CorrectedTimes> {
        self.corrected.as_ref().filter(|corrected| {
            (corrected.avg_response_time - self.avg_response_time).abs() > 1e-6
                || corrected
                    .percentiles
                    .iter()
                    .zip(&self.percentiles)
                    .any(|(a, b)| a.response_time != b.response_time)
        })
    }

    /// Failures as a share of requests, 0.0 ..= 1.0.
    pub fn failure_ratio(&self) -> f64 {
        if self.num_requests == 0 { 0.0 } else { self.num_failures as f64 / self.num_requests as f64 }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Percentile {
    pub quantile: f64,
    pub response_time: f64,
}

/// Failures grouped by method, name and message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorRow {
    pub method: String,
    pub name: String,
    pub error: String,
    pub occurrences: u64,
}

/// Panics inside tasks, grouped by message and source location.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExceptionRow {
    pub count: u64,
    pub message: String,
    pub location: String,
    pub task: String,
    pub user_class: String,
}

/// One second of the run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryPoint {
    /// Seconds since the start of the run.
    pub elapsed: f64,
    pub timestamp: chrono::DateTime<chrono::Utc>,
    pub users: usize,
    /// The users the shape asked for at this moment.
    pub target_users: usize,
    pub requests_per_second: f64,
    pub failures_per_second: f64,
    pub p50_response_time: f64,
    pub p95_response_time: f64,
    pub total_requests: u64,
    pub total_failures: u64,
    /// Seconds this point's window really lasted (its rates are counts divided by this); it
    /// ends at `elapsed`.
    #[serde(default = "one_second")]
    pub window: f64,
    /// The lab server's own view at this second, when the target is a lab server.
    #[serde(default)]
    pub server: Option<super::server_metrics::ServerSample>,
}

fn one_second() -> f64 {
    1.0
}

/// A user class as it ran.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClassInfo {
    pub name: String,
    pub weight: u32,
    pub wait_time: WaitTime,
    pub users: usize,
    pub tasks: Vec<(String, u32)>,
}

/// The settings a run was started with, as its result records them (the `settings` of the
/// `--json` file).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordedSettings {
    pub users: usize,
    pub spawn_rate: f64,
    pub run_time: Option<f64>,
    pub host: String,
    pub classes: Vec<ClassInfo>,
    pub shape: Option<String>,
    /// Wait times were multiplied by this (1.0 normally; smaller when a grader fast-forwards).
    pub time_scale: f64,
    /// Whether the target was the embedded lab server.
    pub embedded_server: bool,
}

/// How a result read from Locust's `--csv` files begins its `loadlab_version`: its
/// percentiles are Locust's rounded ones, not this engine's.
pub const LOCUST_CSV_ORIGIN: &str = "Locust CSV";

impl RunResult {
    /// Whether the numbers came from Locust's `--csv` files (Locust's rounding, not HDR's).
    pub fn from_locust_csv(&self) -> bool {
        self.loadlab_version.starts_with(LOCUST_CSV_ORIGIN)
    }
}

/// Everything about one run: the input of the console tables, the reports, `explain` and
/// `compare`. Serialized as the `--json` file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunResult {
    /// The loadlab that ran it, or [`LOCUST_CSV_ORIGIN`] and the prefix for a Locust `--csv` file.
    pub loadlab_version: String,
    pub settings: RecordedSettings,
    pub start_time: chrono::DateTime<chrono::Utc>,
    pub end_time: chrono::DateTime<chrono::Utc>,
    pub duration: f64,
    /// True when Ctrl-C ended the run early.
    pub interrupted: bool,
    pub stats: Vec<EndpointStats>,
    pub total: EndpointStats,
    pub errors: Vec<ErrorRow>,
    pub exceptions: Vec<ExceptionRow>,
    pub history: Vec<HistoryPoint>,
    /// Warnings about the load generator (too many names, CPU saturated); absent from the JSON
    /// when there are none.
    #[serde(default, skip_serializing_if = "GeneratorNotes::is_empty")]
    pub generator: GeneratorNotes,
}
