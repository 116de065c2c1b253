//! What a run recorded about a lab server, ready for the detectors: its `/metrics` samples
//! (distinct ones, in order), counters turned into per-request figures between the first and
//! the last sample, the table's size, one todo's JSON size and the rows that answer with lists;
//! plus the small formatters the detectors' evidence shares. Promises: [`Lab::of`] is `None`
//! for a target without samples or with fewer than 30 requests between them.

use super::{COMPRESSIBLE_BYTES, MIN_WINDOW_REQUESTS};
use crate::engine::RunResult;
use crate::engine::server_metrics::ServerSample;
use crate::engine::stats::EndpointStats;
use crate::explain::Severity;
use crate::explain::metrics::P95_TARGET_MS;
use crate::explain::rows::MIN_REQUESTS;
use crate::text::short_number;

/// One sample of the server's counters and the history point it came with.
#[derive(Clone, Copy)]
pub(super) struct Sampled {
    pub(super) elapsed: f64,
    pub(super) users: usize,
    pub(super) sample: ServerSample,
}

/// What the run recorded about a lab server, ready for the detectors.
pub(super) struct Lab<'a> {
    pub(super) result: &'a RunResult,
    /// Distinct samples in order (the sampler and the history tick independently, so one
    /// sample may stand in two points).
    pub(super) samples: Vec<Sampled>,
    pub(super) first: ServerSample,
    pub(super) last: ServerSample,
    /// Requests the server answered between the first and the last sample.
    pub(super) requests: f64,
    /// Todos in the table, averaged over the samples.
    pub(super) rows: f64,
    pub(super) rows_min: f64,
    pub(super) rows_max: f64,
    /// The JSON size of one todo, from the rows that answer with one.
    pub(super) todo_bytes: Option<f64>,
    /// Rows that answer with many todos.
    pub(super) lists: Vec<&'a EndpointStats>,
}

pub(super) fn success_share(stats: &EndpointStats) -> f64 {
    let ok: u64 = stats.status_codes.range(200..300).map(|(_, n)| n).sum();
    ok as f64 / stats.num_requests.max(1) as f64
}

pub(super) fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

pub(super) fn is_health(stats: &EndpointStats) -> bool {
    stats.name.contains("/health")
}

impl<'a> Lab<'a> {
    pub(super) fn of(result: &'a RunResult) -> Option<Lab<'a>> {
        let mut samples: Vec<Sampled> = Vec::new();
        for point in &result.history {
            let Some(sample) = point.server else { continue };
            if samples.last().is_none_or(|last| last.sample != sample) {
                samples.push(Sampled { elapsed: point.elapsed, users: point.users, sample });
            }
        }
        let (first, last) = (samples.first()?.sample, samples.last()?.sample);
        let requests = last.requests_total.saturating_sub(first.requests_total) as f64;
        if requests < MIN_WINDOW_REQUESTS {
            return None;
        }
        let todos: Vec<f64> = samples.iter().map(|s| s.sample.todos as f64).collect();
        let rows = todos.iter().sum::<f64>() / todos.len() as f64;
        let rows_min = todos.iter().copied().fold(f64::INFINITY, f64::min);
        let rows_max = todos.iter().copied().fold(0.0, f64::max);
        let counted = || result.stats.iter().filter(|s| s.num_requests >= MIN_REQUESTS);
        let todo_bytes = median(
            counted()
                .filter(|s| success_share(s) >= 0.8 && (50.0..=2048.0).contains(&s.avg_content_length))
                .map(|s| s.avg_content_length)
                .collect(),
        );
        let list_from = todo_bytes.map_or(COMPRESSIBLE_BYTES, |b| (3.0 * b).max(COMPRESSIBLE_BYTES));
        let lists = counted().filter(|s| s.method == "GET" && s.avg_content_length >= list_from).collect();
        Some(Lab { result, samples, first, last, requests, rows, rows_min, rows_max, todo_bytes, lists })
    }

    /// A counter's growth between the first and the last sample, per request answered.
    pub(super) fn per_request(&self, counter: impl Fn(&ServerSample) -> f64) -> f64 {
        (counter(&self.last) - counter(&self.first)) / self.requests
    }

    /// Todos in one answer of `list`.
    pub(super) fn items(&self, list: &EndpointStats) -> Option<f64> {
        Some(list.avg_content_length / self.todo_bytes?)
    }

    /// Share of all the run's requests that went to `stats`.
    pub(super) fn share(&self, stats: &EndpointStats) -> f64 {
        stats.num_requests as f64 / self.result.total.num_requests.max(1) as f64
    }

    /// Rows that reach the database (everything but `/health`), with enough requests.
    pub(super) fn db_rows(&self) -> Vec<&'a EndpointStats> {
        self.result.stats.iter().filter(|s| s.num_requests >= MIN_REQUESTS && !is_health(s)).collect()
    }

    pub(super) fn health(&self) -> Option<&'a EndpointStats> {
        self.result.stats.iter().find(|s| s.num_requests >= MIN_REQUESTS && is_health(s))
    }

    /// The request-weighted average response time of `rows`, in ms.
    pub(super) fn average_ms(rows: &[&EndpointStats]) -> f64 {
        let n: u64 = rows.iter().map(|s| s.num_requests).sum();
        rows.iter().map(|s| s.avg_response_time * s.num_requests as f64).sum::<f64>() / n.max(1) as f64
    }

    /// The slowest p95 among `rows`.
    pub(super) fn worst_p95(rows: &[&EndpointStats]) -> f64 {
        rows.iter().map(|s| s.percentile(0.95)).fold(0.0, f64::max)
    }

    pub(super) fn wire_ratio(&self) -> Option<f64> {
        let sent = self.last.sent_body_bytes_total.checked_sub(self.first.sent_body_bytes_total)?;
        if sent == 0 {
            return None;
        }
        // Bytes out against the same bodies before compression, over the same samples.
        let plain = self.last.body_bytes_total.saturating_sub(self.first.body_bytes_total);
        if plain > 0 {
            return Some(sent as f64 / plain as f64);
        }
        // A server without the before-compression counter: against what the users unpacked.
        let total = &self.result.total;
        if total.total_content_length == 0 {
            return None;
        }
        let body = total.total_content_length as f64 / total.num_requests.max(1) as f64;
        Some(self.per_request(|s| s.sent_body_bytes_total as f64) / body)
    }

    /// The median requests per second over the seconds at the run's peak users (the first
    /// second left out: it holds the start).
    pub(super) fn steady_rps(&self) -> Option<f64> {
        let history = &self.result.history;
        let peak = history.iter().map(|p| p.users).max()?;
        median(history.iter().skip(1).filter(|p| p.users == peak).map(|p| p.requests_per_second).collect())
    }
}

pub(super) fn severity(p95: f64) -> Severity {
    if p95 >= P95_TARGET_MS { Severity::Problem } else { Severity::Warning }
}

pub(super) fn bytes(value: f64) -> String {
    const KB: f64 = 1024.0;
    let scaled = |unit: f64, name: &str| {
        let v = value / unit;
        if v >= 10.0 { format!("{v:.0} {name}") } else { format!("{v:.1} {name}") }
    };
    if value >= KB * KB * KB {
        scaled(KB * KB * KB, "GB")
    } else if value >= KB * KB {
        scaled(KB * KB, "MB")
    } else if value >= KB {
        scaled(KB, "KB")
    } else {
        format!("{} 바이트", value.round())
    }
}

/// A share as a whole percentage: `49%`.
pub(super) fn share(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// A small figure with one decimal: `9.0`.
pub(super) fn tenths(value: f64) -> String {
    format!("{value:.1}")
}

pub(super) fn count(value: f64) -> String {
    short_number(value.round())
}

pub(super) fn names(rows: &[&EndpointStats]) -> Vec<String> {
    rows.iter().map(|s| s.name.clone()).collect()
}
