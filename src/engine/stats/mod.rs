//! Request statistics: the one owner of a run's counters. Every request, failure and exception
//! of a run lands here; the console tables, the JSON/CSV/HTML reports and `explain` all read the
//! [`RunResult`] this module builds, so they always agree.
//!
//! Latencies go into a [`Histogram`] per name at microsecond resolution with three significant
//! digits, so every percentile is within 0.1 % of the true value — not Locust's bucketed
//! approximation — and a row costs only the counters its latencies touched.
//!
//! Past [`MAX_NAMES`] distinct rows (an id left in a request name), new names are counted in one
//! overflow row per method, so a run's memory stays bounded and the run goes on; the result
//! says so ([`NameLimit`]) and the runner warns the learner.
//!
//! Requests of fixed-rate users (`constant_throughput`) also get a corrected latency, measured
//! from when the request should have started had the previous one not run late (coordinated
//! omission): see [`CorrectedTimes`].

mod row;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::histogram::Histogram;
use super::interval::{IntervalStats, Intervals};
pub use super::record::{RequestRecord, TraceLine, TracedDetail};
pub use super::result::{
    ClassInfo, CorrectedTimes, CpuOverload, EndpointStats, ErrorRow, ExceptionRow, GeneratorNotes,
    HistoryPoint, NameLimit, Percentile, RecordedSettings, RunResult,
};
pub use row::PERCENTILES;
use row::{Entry, micros};

/// Distinct statistics rows a run keeps before new names go to the overflow row. Locust warns
/// at a few hundred names; a real API rarely has more than a hundred endpoints.
pub const MAX_NAMES: usize = 500;

/// The row that counts requests whose names came after [`MAX_NAMES`].
pub const OVERFLOW_NAME: &str = "(이름이 너무 많아 한 줄에 모은 요청)";

/// How many overflowing names the result keeps as examples.
const OVERFLOW_EXAMPLES: usize = 5;

#[derive(Default)]
struct Window {
    requests: u64,
    failures: u64,
    histogram: Histogram,
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
    name_limit: Option<NameLimit>,
    /// Deltas for a front end that reports them (a Locust worker); `None` costs nothing.
    intervals: Option<Intervals>,
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
    /// Whether request names have passed [`MAX_NAMES`] (so far in the run).
    pub names_over_limit: bool,
}

impl StatsCollector {
    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        crate::process::lock(&self.counters)
    }

    /// Counts one finished request (of a user that is not paced to a fixed rate).
    pub fn record(&self, record: &RequestRecord) {
        self.record_paced(record, None);
    }

    /// Counts one finished request. `lateness` is `Some` for a fixed-rate user: how much later
    /// than intended its task started because the previous one overran its interval.
    pub fn record_paced(&self, record: &RequestRecord, lateness: Option<Duration>) {
        let mut counters = self.lock();
        let counters = &mut *counters;
        let row = counters.row_for(&record.method, &record.name);
        counters.entries[row].2.add(record, lateness);
        counters.total.get_or_insert_with(Entry::new).add(record, lateness);
        let window = &mut counters.window;
        window.requests += 1;
        window.histogram.record(micros(record.elapsed));
        if let Some(message) = &record.failure {
            window.failures += 1;
            let name = counters.entries[row].1.clone();
            let key = (record.method.clone(), name, message.clone());
            *counters.errors.entry(key).or_default() += 1;
        }
        if let Some(intervals) = &mut counters.intervals {
            intervals.add(row, record);
        }
    }

    pub fn record_exception(&self, class: &str, task: &str, message: &str, location: &str) {
        let mut counters = self.lock();
        let entry = counters
            .exceptions
            .entry((message.to_string(), location.to_string()))
            .or_insert_with(|| ExceptionEntry { count: 0, task: task.to_string(), class: class.to_string() });
        entry.count += 1;
        if let Some(intervals) = &mut counters.intervals {
            intervals.add_exception(message, location, task, class);
        }
    }

    /// Starts keeping deltas for [`StatsCollector::take_interval`] (from now on).
    pub fn report_intervals(&self) {
        self.lock().intervals.get_or_insert_with(Intervals::new);
    }

    /// What was recorded since the previous call (or since [`StatsCollector::report_intervals`]);
    /// `None` when deltas are not kept.
    pub fn take_interval(&self) -> Option<IntervalStats> {
        let mut counters = self.lock();
        let counters = &mut *counters;
        let names = counters.entries.iter().map(|(method, name, _)| (method.as_str(), name.as_str()));
        counters.intervals.as_mut().map(|intervals| intervals.take(names))
    }

    /// Forgets every request, failure and exception so far, as Locust's "Reset stats" does.
    /// Deltas not yet taken are dropped too; a front end that reports them keeps doing so.
    pub fn reset(&self) {
        let mut counters = self.lock();
        let reporting = counters.intervals.is_some();
        *counters = Counters::default();
        if reporting {
            counters.intervals = Some(Intervals::new());
        }
    }

    /// Hands over the counters of the interval since the last call and starts a new interval.
    pub fn take_window(&self) -> WindowSnapshot {
        let mut counters = self.lock();
        let window = std::mem::take(&mut counters.window);
        let quantile = |q: f64| window.histogram.value_at_quantile(q) as f64 / 1000.0;
        let (total_requests, total_failures) =
            counters.total.as_ref().map_or((0, 0), |t| (t.requests, t.failures));
        WindowSnapshot {
            requests: window.requests,
            failures: window.failures,
            p50_ms: quantile(0.5),
            p95_ms: quantile(0.95),
            total_requests,
            total_failures,
            names_over_limit: counters.name_limit.is_some(),
        }
    }

    /// Heap bytes of the counters of each statistics row, in first-seen order.
    pub fn row_heap_bytes(&self) -> Vec<usize> {
        self.lock().entries.iter().map(|(_, _, entry)| entry.heap_bytes()).collect()
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
        Summary { stats, total, errors, exceptions, name_limit: counters.name_limit.clone() }
    }
}

impl Counters {
    /// The row of `(method, name)`: its own until [`MAX_NAMES`] rows exist, then the method's
    /// overflow row.
    fn row_for(&mut self, method: &str, name: &str) -> usize {
        let find = |counters: &Counters, name: &str| {
            counters
                .rows_by_name
                .get(name)
                .and_then(|rows| rows.iter().copied().find(|&row| counters.entries[row].0 == method))
        };
        if let Some(row) = find(self, name) {
            return row;
        }
        let name = if self.entries.len() < MAX_NAMES {
            name
        } else {
            let limit = self.name_limit.get_or_insert_with(|| NameLimit {
                limit: MAX_NAMES,
                overflow_requests: 0,
                examples: Vec::new(),
            });
            limit.overflow_requests += 1;
            if limit.examples.len() < OVERFLOW_EXAMPLES && !limit.examples.iter().any(|e| e == name) {
                limit.examples.push(name.to_string());
            }
            if let Some(row) = find(self, OVERFLOW_NAME) {
                return row;
            }
            OVERFLOW_NAME
        };
        self.entries.push((method.to_string(), name.to_string(), Entry::new()));
        let row = self.entries.len() - 1;
        self.rows_by_name.entry(name.to_string()).or_default().push(row);
        row
    }
}

/// What [`StatsCollector::summarize`] returns.
pub struct Summary {
    pub stats: Vec<EndpointStats>,
    pub total: EndpointStats,
    pub errors: Vec<ErrorRow>,
    pub exceptions: Vec<ExceptionRow>,
    pub name_limit: Option<NameLimit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, ms: u64, failure: Option<&str>) -> RequestRecord {
        RequestRecord::finished(name, Duration::from_millis(ms), failure)
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

    #[test]
    fn names_past_the_limit_share_one_row_and_are_reported() {
        let collector = StatsCollector::default();
        for id in 0..MAX_NAMES + 40 {
            collector.record(&record(&format!("/todos/{id}"), 2, Some("HTTPError: 404")));
        }
        let summary = collector.summarize(1.0);
        assert_eq!(summary.stats.len(), MAX_NAMES + 1, "500 rows of their own and one overflow row");
        let overflow = summary.stats.iter().find(|row| row.name == OVERFLOW_NAME).expect("overflow row");
        assert_eq!(overflow.num_requests, 40);
        assert_eq!(summary.total.num_requests, (MAX_NAMES + 40) as u64);
        let limit = summary.name_limit.expect("the limit is reported");
        assert_eq!(limit.overflow_requests, 40);
        assert_eq!(limit.examples[0], format!("/todos/{MAX_NAMES}"));
        // Failures of overflowing names group under the overflow row too, bounded as well.
        assert_eq!(summary.errors.len(), MAX_NAMES + 1);
        collector.record(&record("/todos/0", 2, None));
        assert_eq!(collector.summarize(1.0).stats.len(), MAX_NAMES + 1, "known names keep their rows");
    }

    #[test]
    fn the_window_says_when_names_passed_the_limit() {
        let collector = StatsCollector::default();
        collector.record(&record("/a", 1, None));
        assert!(!collector.take_window().names_over_limit);
        for id in 0..=MAX_NAMES {
            collector.record(&record(&format!("/todos/{id}"), 1, None));
        }
        assert!(collector.take_window().names_over_limit);
    }

    #[test]
    fn a_typical_row_costs_at_most_16_kib() {
        // Many rows of a run with an id in the name: each saw a few requests.
        let collector = StatsCollector::default();
        for id in 0..200u64 {
            for ms in [3, 5, 40] {
                collector.record(&record(&format!("/todos/{id}"), ms + id % 7, None));
            }
        }
        let bytes = collector.row_heap_bytes();
        assert_eq!(bytes.len(), 200);
        assert!(bytes.iter().all(|&b| b <= 16 * 1024), "largest row {} bytes", bytes.iter().max().unwrap());
        // The old histograms (1 µs – 1 h, 3 digits) cost 184 KiB a row whatever they held.
        assert!(bytes.iter().sum::<usize>() / bytes.len() <= 2 * 1024, "{bytes:?}");
    }

    #[test]
    fn late_fixed_rate_requests_get_a_corrected_latency() {
        let collector = StatsCollector::default();
        // A plain user's request first: on time in the corrected view.
        collector.record(&record("/slow", 100, None));
        for _ in 0..9 {
            collector.record_paced(&record("/slow", 100, None), Some(Duration::from_millis(400)));
        }
        let summary = collector.summarize(1.0);
        let row = &summary.stats[0];
        assert!((row.percentile(0.95) - 100.0).abs() < 0.1, "service time stays {}", row.percentile(0.95));
        let corrected = row.corrected_if_different().expect("corrected times differ");
        assert!((corrected.percentile(0.95) - 500.0).abs() < 0.5, "{}", corrected.percentile(0.95));
        assert!((corrected.max_response_time - 500.0).abs() < 0.01);
        assert!((row.avg_response_time - 100.0).abs() < 0.01);
        assert!((corrected.avg_response_time - 460.0).abs() < 0.01);
        // On time all along: both views agree, and the report shows only one.
        let collector = StatsCollector::default();
        collector.record_paced(&record("/fast", 1, None), Some(Duration::ZERO));
        let row = &collector.summarize(1.0).stats[0];
        assert!(row.corrected.is_some());
        assert!(row.corrected_if_different().is_none());
        // Plain users only: no corrected view at all.
        let collector = StatsCollector::default();
        collector.record(&record("/plain", 1, None));
        assert!(collector.summarize(1.0).stats[0].corrected.is_none());
    }
}
