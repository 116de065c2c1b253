//! One statistics row's counters ([`Entry`]): requests, failures, response times in a
//! [`Histogram`], content sizes and status codes, and the corrected times of fixed-rate users;
//! and how a row becomes the [`EndpointStats`] of a result. The collector in [`super`] keeps
//! one per request name and one for the aggregated row.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::engine::histogram::Histogram;
use crate::engine::record::RequestRecord;
use crate::engine::result::{CorrectedTimes, EndpointStats, Percentile};

/// The percentiles of Locust's percentile table.
pub const PERCENTILES: [f64; 11] = [0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0];

pub(super) struct Entry {
    pub(super) requests: u64,
    pub(super) failures: u64,
    total_ms: f64,
    min_ms: f64,
    max_ms: f64,
    total_content: u64,
    histogram: Histogram,
    /// Only once a fixed-rate user's request landed here: latencies from the intended start.
    corrected: Option<Corrected>,
    status_codes: BTreeMap<u16, u64>,
}

/// Latencies from each request's intended start; requests of other users count as on time.
#[derive(Clone)]
struct Corrected {
    histogram: Histogram,
    total_ms: f64,
    max_ms: f64,
}

pub(super) fn micros(duration: Duration) -> u64 {
    duration.as_micros().min(u64::MAX as u128) as u64
}

impl Entry {
    pub(super) fn new() -> Self {
        Entry {
            requests: 0,
            failures: 0,
            total_ms: 0.0,
            min_ms: f64::INFINITY,
            max_ms: 0.0,
            total_content: 0,
            histogram: Histogram::default(),
            corrected: None,
            status_codes: BTreeMap::new(),
        }
    }

    pub(super) fn add(&mut self, record: &RequestRecord, lateness: Option<Duration>) {
        let ms = record.elapsed.as_secs_f64() * 1000.0;
        self.requests += 1;
        if record.failure.is_some() {
            self.failures += 1;
        }
        if lateness.is_some() && self.corrected.is_none() {
            // Everything before the first fixed-rate request was on time by definition.
            self.corrected = Some(Corrected {
                histogram: self.histogram.clone(),
                total_ms: self.total_ms,
                max_ms: self.max_ms,
            });
        }
        self.total_ms += ms;
        self.min_ms = self.min_ms.min(ms);
        self.max_ms = self.max_ms.max(ms);
        self.total_content += record.content_length;
        self.histogram.record(micros(record.elapsed));
        if let Some(corrected) = &mut self.corrected {
            let from_intended = record.elapsed + lateness.unwrap_or_default();
            let corrected_ms = from_intended.as_secs_f64() * 1000.0;
            corrected.histogram.record(micros(from_intended));
            corrected.total_ms += corrected_ms;
            corrected.max_ms = corrected.max_ms.max(corrected_ms);
        }
        *self.status_codes.entry(record.status).or_default() += 1;
    }

    /// Heap bytes of this row's counters (histograms and status codes).
    pub(super) fn heap_bytes(&self) -> usize {
        self.histogram.heap_bytes()
            + self.corrected.as_ref().map_or(0, |c| c.histogram.heap_bytes())
            + self.status_codes.len() * (std::mem::size_of::<(u16, u64)>() + 16)
    }

    pub(super) fn summarize(&self, method: &str, name: &str, seconds: f64) -> EndpointStats {
        let per_second = |count: u64| if seconds > 0.0 { count as f64 / seconds } else { 0.0 };
        let percentiles = |histogram: &Histogram| -> Vec<Percentile> {
            PERCENTILES
                .iter()
                .map(|&q| Percentile {
                    quantile: q,
                    response_time: if histogram.is_empty() {
                        0.0
                    } else {
                        histogram.value_at_quantile(q) as f64 / 1000.0
                    },
                })
                .collect()
        };
        let average = |total: f64| if self.requests == 0 { 0.0 } else { total / self.requests as f64 };
        let percentiles_now = percentiles(&self.histogram);
        EndpointStats {
            method: method.to_string(),
            name: name.to_string(),
            num_requests: self.requests,
            num_failures: self.failures,
            avg_response_time: average(self.total_ms),
            min_response_time: if self.requests == 0 { 0.0 } else { self.min_ms },
            max_response_time: self.max_ms,
            median_response_time: percentiles_now[0].response_time,
            avg_content_length: if self.requests == 0 {
                0.0
            } else {
                self.total_content as f64 / self.requests as f64
            },
            total_content_length: self.total_content,
            requests_per_second: per_second(self.requests),
            failures_per_second: per_second(self.failures),
            percentiles: percentiles_now,
            status_codes: self.status_codes.clone(),
            corrected: self.corrected.as_ref().map(|corrected| {
                let percentiles = percentiles(&corrected.histogram);
                CorrectedTimes {
                    avg_response_time: average(corrected.total_ms),
                    max_response_time: corrected.max_ms,
                    median_response_time: percentiles[0].response_time,
                    percentiles,
                }
            }),
        }
    }
}
