//! Request statistics: the one owner of a run's counters. Every request, failure and exception
//! of a run lands here; the console tables, the JSON/CSV/HTML reports and `explain` all read the
//! [`RunResult`] this module builds, so they always agree.
//!
//! Latencies go into an HDR histogram per name at microsecond resolution with three significant
//! digits, so every percentile is within 0.1 % of the true value — not Locust's bucketed
//! approximation.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::user::WaitTime;

/// The percentiles of Locust's percentile table.
pub const PERCENTILES: [f64; 11] = [0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0];

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

struct Entry {
    requests: u64,
    failures: u64,
    total_ms: f64,
    min_ms: f64,
    max_ms: f64,
    total_content: u64,
    histogram: Histogram<u64>,
    status_codes: BTreeMap<u16, u64>,
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs to 1 hour at 3 significant digits: about 30 KB per name.
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

impl Entry {
    fn new() -> Self {
        Entry {
            requests: 0,
            failures: 0,
            total_ms: 0.0,
            min_ms: f64::INFINITY,
            max_ms: 0.0,
            total_content: 0,
            histogram: new_histogram(),
            status_codes: BTreeMap::new(),
        }
    }

    fn add(&mut self, record: &RequestRecord) {
        let micros = record.elapsed.as_micros().clamp(1, u64::MAX as u128) as u64;
        let ms = record.elapsed.as_secs_f64() * 1000.0;
        self.requests += 1;
        if record.failure.is_some() {
            self.failures += 1;
        }
        self.total_ms += ms;
        self.min_ms = self.min_ms.min(ms);
        self.max_ms = self.max_ms.max(ms);
        self.total_content += record.content_length;
        self.histogram.saturating_record(micros);
        *self.status_codes.entry(record.status).or_default() += 1;
    }

    fn summarize(&self, method: &str, name: &str, seconds: f64) -> EndpointStats {
        let per_second = |count: u64| if seconds > 0.0 { count as f64 / seconds } else { 0.0 };
        let percentile = |q: f64| {
            if self.requests == 0 { 0.0 } else { self.histogram.value_at_quantile(q) as f64 / 1000.0 }
        };
        EndpointStats {
            method: method.to_string(),
            name: name.to_string(),
            num_requests: self.requests,
            num_failures: self.failures,
            avg_response_time: if self.requests == 0 { 0.0 } else { self.total_ms / self.requests as f64 },
            min_response_time: if self.requests == 0 { 0.0 } else { self.min_ms },
            max_response_time: self.max_ms,
            median_response_time: percentile(0.5),
            avg_content_length: if self.requests == 0 {
                0.0
            } else {
                self.total_content as f64 / self.requests as f64
            },
            total_content_length: self.total_content,
            requests_per_second: per_second(self.requests),
            failures_per_second: per_second(self.failures),
            percentiles: PERCENTILES
                .iter()
                .map(|&q| Percentile { quantile: q, response_time: percentile(q) })
                .collect(),
            status_codes: self.status_codes.clone(),
        }
    }
}

#[derive(Default)]
struct Window {
    requests: u64,
    failures: u64,
    histogram: Option<Histogram<u64>>,
}

struct ExceptionEntry {
    count: u64,
    task: String,
    class: String,
}

#[derive(Default)]
struct Counters {
    /// `(method, name, counters)` per statistics row, in first-seen order.
    entries: Vec<(String, String, Entry)>,
    /// Rows by name: finding a row costs no allocation on the hot path.
    rows_by_name: HashMap<String, Vec<usize>>,
    total: Option<Entry>,
    window: Window,
    errors: HashMap<(String, String, String), u64>,
    exceptions: HashMap<(String, String), ExceptionEntry>,
}

/// The shared collector a run's users record into.
#[derive(Default)]
pub struct StatsCollector {
    counters: Mutex<Counters>,
}

/// Requests and failures since the previous [`StatsCollector::take_window`], with percentiles.
#[derive(Debug, Clone, Copy)]
pub struct WindowSnapshot {
    pub requests: u64,
    pub failures: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub total_requests: u64,
    pub total_failures: u64,
}

impl StatsCollector {
    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn record(&self, record: &RequestRecord) {
        let mut counters = self.lock();
        let counters = &mut *counters;
        let known = counters
            .rows_by_name
            .get(record.name.as_str())
            .and_then(|rows| rows.iter().copied().find(|&row| counters.entries[row].0 == record.method));
        let row = known.unwrap_or_else(|| {
            counters.entries.push((record.method.clone(), record.name.clone(), Entry::new()));
            let row = counters.entries.len() - 1;
            counters.rows_by_name.entry(record.name.clone()).or_default().push(row);
            row
        });
        counters.entries[row].2.add(record);
        counters.total.get_or_insert_with(Entry::new).add(record);
        let window = &mut counters.window;
        window.requests += 1;
        if let Some(message) = &record.failure {
            window.failures += 1;
            let key = (record.method.clone(), record.name.clone(), message.clone());
            *counters.errors.entry(key).or_default() += 1;
        }
        let micros = record.elapsed.as_micros().clamp(1, u64::MAX as u128) as u64;
        window.histogram.get_or_insert_with(new_histogram).saturating_record(micros);
    }

    pub fn record_exception(&self, class: &str, task: &str, message: &str, location: &str) {
        let mut counters = self.lock();
        let entry = counters
            .exceptions
            .entry((message.to_string(), location.to_string()))
            .or_insert_with(|| ExceptionEntry { count: 0, task: task.to_string(), class: class.to_string() });
        entry.count += 1;
    }

    /// Hands over the counters of the interval since the last call and starts a new interval.
    pub fn take_window(&self) -> WindowSnapshot {
        let mut counters = self.lock();
        let window = std::mem::take(&mut counters.window);
        let quantile =
            |q: f64| window.histogram.as_ref().map_or(0.0, |h| h.value_at_quantile(q) as f64 / 1000.0);
        let (total_requests, total_failures) =
            counters.total.as_ref().map_or((0, 0), |t| (t.requests, t.failures));
        WindowSnapshot {
            requests: window.requests,
            failures: window.failures,
            p50_ms: quantile(0.5),
            p95_ms: quantile(0.95),
            total_requests,
            total_failures,
        }
    }

    /// The per-name rows (sorted by name, then method), the aggregated row, errors and exceptions.
    pub fn summarize(&self, seconds: f64) -> Summary {
        let counters = self.lock();
        let mut rows: Vec<&(String, String, Entry)> = counters.entries.iter().collect();
        rows.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        let stats = rows.iter().map(|(method, name, entry)| entry.summarize(method, name, seconds)).collect();
        let total = counters.total.as_ref().map_or_else(
            || Entry::new().summarize("", "Aggregated", seconds),
            |t| t.summarize("", "Aggregated", seconds),
        );
        let mut errors: Vec<ErrorRow> = counters
            .errors
            .iter()
            .map(|((method, name, error), occurrences)| ErrorRow {
                method: method.clone(),
                name: name.clone(),
                error: error.clone(),
                occurrences: *occurrences,
            })
            .collect();
        errors.sort_by(|a, b| b.occurrences.cmp(&a.occurrences).then(a.name.cmp(&b.name)));
        let mut exceptions: Vec<ExceptionRow> = counters
            .exceptions
            .iter()
            .map(|((message, location), entry)| ExceptionRow {
                count: entry.count,
                message: message.clone(),
                location: location.clone(),
                task: entry.task.clone(),
                user_class: entry.class.clone(),
            })
            .collect();
        exceptions.sort_by(|a, b| b.count.cmp(&a.count).then(a.message.cmp(&b.message)));
        Summary { stats, total, errors, exceptions }
    }
}

/// What [`StatsCollector::summarize`] returns.
pub struct Summary {
    pub stats: Vec<EndpointStats>,
    pub total: EndpointStats,
    pub errors: Vec<ErrorRow>,
    pub exceptions: Vec<ExceptionRow>,
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
}

impl EndpointStats {
    /// The response time at quantile `q` (0.95 for p95), in ms.
    pub fn percentile(&self, q: f64) -> f64 {
        self.percentiles.iter().find(|p| (p.quantile - q).abs() < 1e-9).map_or(0.0, |p| p.response_time)
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
    /// The lab server's own view at this second, when the target is a lab server.
    #[serde(default)]
    pub server: Option<super::server_metrics::ServerSample>,
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

/// The settings a run was started with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunSettings {
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

/// Everything about one run: the input of the console tables, the reports, `explain` and
/// `compare`. Serialized as the `--json` file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunResult {
    pub loadlab_version: String,
    pub settings: RunSettings,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, ms: u64, failure: Option<&str>) -> RequestRecord {
        RequestRecord {
            user_id: 0,
            task: "t",
            method: "GET".into(),
            path: name.into(),
            name: name.into(),
            status: if failure.is_some() { 500 } else { 200 },
            started: Instant::now(),
            elapsed: Duration::from_millis(ms),
            content_length: 10,
            failure: failure.map(str::to_string),
            traced: None,
        }
    }

    #[test]
    fn percentiles_are_exact_for_known_latencies() {
        let collector = StatsCollector::default();
        for ms in 1..=100 {
            collector.record(&record("/a", ms, None));
        }
        let summary = collector.summarize(10.0);
        let row = &summary.stats[0];
        assert_eq!(row.num_requests, 100);
        assert!((row.percentile(0.5) - 50.0).abs() < 0.1, "{}", row.percentile(0.5));
        assert!((row.percentile(0.95) - 95.0).abs() < 0.1);
        assert!((row.percentile(1.0) - 100.0).abs() < 0.1);
        assert!((row.avg_response_time - 50.5).abs() < 0.01);
        assert!((row.requests_per_second - 10.0).abs() < 1e-9);
    }

    #[test]
    fn failures_group_by_method_name_and_message() {
        let collector = StatsCollector::default();
        collector.record(&record("/a", 1, Some("boom")));
        collector.record(&record("/a", 1, Some("boom")));
        collector.record(&record("/b", 1, Some("boom")));
        collector.record(&record("/b", 1, None));
        let summary = collector.summarize(1.0);
        assert_eq!(summary.errors.len(), 2);
        assert_eq!(summary.errors[0].occurrences, 2);
        assert_eq!(summary.total.num_failures, 3);
        assert_eq!(summary.total.num_requests, 4);
    }

    #[test]
    fn window_resets_after_each_take() {
        let collector = StatsCollector::default();
        collector.record(&record("/a", 5, None));
        let first = collector.take_window();
        assert_eq!(first.requests, 1);
        assert!((first.p50_ms - 5.0).abs() < 0.01);
        let second = collector.take_window();
        assert_eq!(second.requests, 0);
        assert_eq!(second.total_requests, 1);
    }
}
