//! Statistics deltas: what a run recorded since the previous [`Intervals::take`], per row, in
//! the shape a Locust worker reports to its master every few seconds (Locust's
//! `get_stripped_report`). Owned by the [`super::stats::StatsCollector`], which feeds it the same
//! records as the run's own tables, only while a front end asked for it
//! ([`super::control::RunControl::report_intervals`]).
//!
//! Promises: response times are counted under Locust's own bucketing ([`locust_bucket`]), so the
//! master's percentiles are what a Python worker would have given it; counting a request
//! allocates nothing once a key has been seen (maps are cleared, not dropped, at each take).

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use super::record::RequestRecord;

/// Locust's `bucket_response_time`: about two significant digits (147 → 150, 3432 → 3400,
/// 58760 → 59000), rounding halves to even as Python's `round` does.
pub fn locust_bucket(ms: f64) -> u64 {
    let round_to = |power: f64| ((ms / power).round_ties_even() * power).max(0.0) as u64;
    if ms < 100.0 {
        round_to(1.0)
    } else if ms < 1_000.0 {
        round_to(10.0)
    } else if ms < 10_000.0 {
        round_to(100.0)
    } else {
        round_to(1_000.0)
    }
}

/// The pairs of `map` in key order; empties `map` but keeps its memory.
fn drain_sorted<K: Ord + Copy>(map: &mut HashMap<K, u64>) -> Vec<(K, u64)> {
    let mut pairs: Vec<(K, u64)> = map.drain().collect();
    pairs.sort_unstable();
    pairs
}

/// One row's counters over an interval.
#[derive(Default)]
struct Row {
    requests: u64,
    failures: u64,
    total_ms: f64,
    min_ms: Option<f64>,
    max_ms: f64,
    content_length: u64,
    response_times: HashMap<u64, u64>,
    per_second: HashMap<i64, u64>,
    failures_per_second: HashMap<i64, u64>,
    /// Unix seconds of the last request.
    last_request: Option<f64>,
    /// Failure messages and their counts.
    errors: Vec<(String, u64, f64, f64)>,
}

impl Row {
    fn add(&mut self, record: &RequestRecord, now: f64) {
        let ms = record.elapsed.as_secs_f64() * 1000.0;
        let second = now as i64;
        self.requests += 1;
        self.total_ms += ms;
        self.min_ms = Some(self.min_ms.map_or(ms, |min| min.min(ms)));
        self.max_ms = self.max_ms.max(ms);
        self.content_length += record.content_length;
        *self.response_times.entry(locust_bucket(ms)).or_default() += 1;
        *self.per_second.entry(second).or_default() += 1;
        self.last_request = Some(now);
        if let Some(message) = &record.failure {
            self.failures += 1;
            *self.failures_per_second.entry(second).or_default() += 1;
            match self.errors.iter_mut().find(|(known, ..)| known == message) {
                Some((_, count, _, last)) => {
                    *count += 1;
                    *last = now;
                }
                None => self.errors.push((message.clone(), 1, now, now)),
            }
        }
    }

    /// The delta so far; clears the counters but keeps the maps' memory.
    fn take(&mut self, method: &str, name: &str, start_time: f64) -> IntervalRow {
        let row = IntervalRow {
            method: method.to_string(),
            name: name.to_string(),
            start_time,
            last_request: self.last_request,
            requests: self.requests,
            failures: self.failures,
            total_ms: self.total_ms,
            min_ms: self.min_ms,
            max_ms: self.max_ms,
            content_length: self.content_length,
            response_times: drain_sorted(&mut self.response_times),
            per_second: drain_sorted(&mut self.per_second),
            failures_per_second: drain_sorted(&mut self.failures_per_second),
        };
        self.requests = 0;
        self.failures = 0;
        self.total_ms = 0.0;
        self.min_ms = None;
        self.max_ms = 0.0;
        self.content_length = 0;
        self.last_request = None;
        row
    }
}

/// One statistics row's delta.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    pub method: String,
    pub name: String,
    /// Unix seconds when the interval began.
    pub start_time: f64,
    /// Unix seconds of the interval's last request.
    pub last_request: Option<f64>,
    pub requests: u64,
    pub failures: u64,
    pub total_ms: f64,
    pub min_ms: Option<f64>,
    pub max_ms: f64,
    pub content_length: u64,
    /// `(bucket in ms, count)` by [`locust_bucket`], ascending.
    pub response_times: Vec<(u64, u64)>,
    /// `(unix second, count)`, ascending.
    pub per_second: Vec<(i64, u64)>,
    pub failures_per_second: Vec<(i64, u64)>,
}

/// A failure message's delta.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalError {
    pub method: String,
    pub name: String,
    pub error: String,
    pub occurrences: u64,
    pub first_seen: f64,
    pub last_seen: f64,
}

/// A task panic's delta.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalException {
    pub message: String,
    pub location: String,
    pub task: String,
    pub user_class: String,
    pub count: u64,
}

/// Everything recorded since the previous take.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalStats {
    /// Rows that saw a request, in first-seen order.
    pub rows: Vec<IntervalRow>,
    /// All rows together (Locust's `stats_total`).
    pub total: IntervalRow,
    pub errors: Vec<IntervalError>,
    pub exceptions: Vec<IntervalException>,
}

/// The running deltas, indexed like the collector's rows.
pub(crate) struct Intervals {
    rows: Vec<Row>,
    total: Row,
    exceptions: Vec<IntervalException>,
    start_time: f64,
}

pub(crate) fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |since| since.as_secs_f64())
}

impl Intervals {
    pub(crate) fn new() -> Self {
        Intervals { rows: Vec::new(), total: Row::default(), exceptions: Vec::new(), start_time: unix_now() }
    }

    /// Counts `record` in row `row` (the collector's index) and in the total.
    pub(crate) fn add(&mut self, row: usize, record: &RequestRecord) {
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Row::default);
        }
        let now = unix_now();
        self.rows[row].add(record, now);
        self.total.add(record, now);
    }

    pub(crate) fn add_exception(&mut self, message: &str, location: &str, task: &str, class: &str) {
        match self.exceptions.iter_mut().find(|e| e.message == message && e.location == location) {
            Some(known) => known.count += 1,
            None => self.exceptions.push(IntervalException {
                message: message.to_string(),
                location: location.to_string(),
                task: task.to_string(),
                user_class: class.to_string(),
                count: 1,
            }),
        }
    }

    /// The deltas of every row that saw a request; `names[i]` is row `i`'s `(method, name)`.
    pub(crate) fn take<'a>(&mut self, names: impl Iterator<Item = (&'a str, &'a str)>) -> IntervalStats {
        let start_time = std::mem::replace(&mut self.start_time, unix_now());
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for (row, (method, name)) in self.rows.iter_mut().zip(names) {
            for (error, occurrences, first_seen, last_seen) in row.errors.drain(..) {
                errors.push(IntervalError {
                    method: method.to_string(),
                    name: name.to_string(),
                    error,
                    occurrences,
                    first_seen,
                    last_seen,
                });
            }
            if row.requests > 0 {
                rows.push(row.take(method, name, start_time));
            }
        }
        self.total.errors.clear();
        IntervalStats {
            rows,
            total: self.total.take("", "Aggregated", start_time),
            errors,
            exceptions: std::mem::take(&mut self.exceptions),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stats::StatsCollector;
    use std::time::Duration;

    fn record(name: &str, micros: u64, failure: Option<&str>) -> RequestRecord {
        RequestRecord::finished(name, Duration::from_micros(micros), failure)
    }

    #[test]
    fn deltas_are_kept_only_when_asked_and_start_over_at_each_take() {
        let stats = StatsCollector::default();
        stats.record(&record("/a", 5_000, None));
        assert!(stats.take_interval().is_none(), "no deltas unless a front end asked");
        stats.report_intervals();
        for micros in [1_400, 1_600, 147_000, 3_432_000] {
            stats.record(&record("/a", micros, None));
        }
        stats.record(&record("/b", 2_000, Some("HTTPError: 500")));
        stats.record(&record("/b", 2_000, Some("HTTPError: 500")));
        stats.record_exception("U", "t", "boom", "src/x.rs:1");
        let delta = stats.take_interval().unwrap();
        let a = &delta.rows[0];
        assert_eq!((a.name.as_str(), a.requests, a.failures, a.content_length), ("/a", 4, 0, 28));
        assert_eq!(a.response_times, [(1, 1), (2, 1), (150, 1), (3400, 1)]);
        assert_eq!((a.min_ms, a.max_ms), (Some(1.4), 3432.0));
        assert!((a.total_ms - 3582.0).abs() < 1e-9);
        assert_eq!(a.per_second.iter().map(|(_, n)| n).sum::<u64>(), 4);
        assert_eq!(delta.rows[1].failures_per_second.iter().map(|(_, n)| n).sum::<u64>(), 2);
        assert_eq!(delta.total.requests, 6);
        assert_eq!(delta.errors.len(), 1);
        assert_eq!((delta.errors[0].name.as_str(), delta.errors[0].occurrences), ("/b", 2));
        assert_eq!(delta.exceptions[0].count, 1);
        // The next take holds only what came after.
        stats.record(&record("/b", 3_000, None));
        let delta = stats.take_interval().unwrap();
        assert_eq!(delta.rows.len(), 1);
        assert_eq!((delta.rows[0].name.as_str(), delta.rows[0].requests), ("/b", 1));
        assert!(delta.errors.is_empty() && delta.exceptions.is_empty());
        // The run's own totals are untouched by the takes; a reset forgets them.
        assert_eq!(stats.summarize(1.0).total.num_requests, 8);
        stats.reset();
        assert_eq!(stats.summarize(1.0).total.num_requests, 0);
        assert!(stats.take_interval().is_some(), "still reporting after a reset");
    }

    #[test]
    fn buckets_follow_locust() {
        // Locust's own examples, and Python's half-to-even rounding.
        assert_eq!(locust_bucket(147.0), 150);
        assert_eq!(locust_bucket(3432.0), 3400);
        assert_eq!(locust_bucket(58760.0), 59000);
        assert_eq!(locust_bucket(0.4), 0);
        assert_eq!(locust_bucket(2.5), 2);
        assert_eq!(locust_bucket(3.5), 4);
        assert_eq!(locust_bucket(99.4), 99);
        assert_eq!(locust_bucket(99.6), 100);
        assert_eq!(locust_bucket(145.0), 140);
        assert_eq!(locust_bucket(155.0), 160);
        assert_eq!(locust_bucket(999.0), 1000);
        assert_eq!(locust_bucket(1250.0), 1200);
    }
}
