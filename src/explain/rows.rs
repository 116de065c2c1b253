//! What the detectors of `findings` and `bottlenecks` share about a run's rows: how many
//! requests a row needs before its figures count, and how a row is named in evidence. Both
//! import from here, so neither imports the other's helpers (findings reads the lab server's
//! evidence from bottlenecks; bottlenecks imports nothing from findings).

use crate::engine::stats::EndpointStats;

/// A row needs this many requests before its latency or size counts.
pub(crate) const MIN_REQUESTS: u64 = 5;

/// `GET /todos/ [GET - List]`, or the bare name for the aggregated row.
pub(crate) fn label(stats: &EndpointStats) -> String {
    if stats.method.is_empty() { stats.name.clone() } else { format!("{} {}", stats.method, stats.name) }
}
