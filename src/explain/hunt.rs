//! What a run shows of one of the lab server's bottlenecks, as `explain`'s detectors see it:
//! the hunt's proof (`hunt prove`) reads a bottleneck's own evidence — queries per request for
//! N+1, bytes on the wire for compression, memory growth for the leak, … — instead of latency
//! alone, which a fix of bytes or memory need not move.
//!
//! Promises: [`trace`] speaks only from the lab server's counters (a run without them is
//! [`Trace::NoServerData`]); the thresholds are the detectors' own (see [`super::bottlenecks`]).

use super::FindingId;
use crate::engine::RunResult;
use crate::server::Bottleneck;

/// Whether a run shows a bottleneck.
#[derive(Debug)]
pub enum Trace {
    /// No lab-server samples (another host, or fewer than 30 requests between samples).
    NoServerData,
    /// The detector fires; its evidence lines, in Korean.
    Seen(Vec<String>),
    NotSeen,
}

/// The finding id `explain` gives `bottleneck`.
fn finding_id(bottleneck: Bottleneck) -> FindingId {
    match bottleneck {
        Bottleneck::NPlusOne => FindingId::NPlusOne,
        Bottleneck::MissingIndex => FindingId::MissingIndex,
        Bottleneck::NoPagination => FindingId::NoPagination,
        Bottleneck::PoolStarvation => FindingId::PoolStarvation,
        Bottleneck::BlockingIo => FindingId::BlockingIo,
        Bottleneck::SlowEndpoint => FindingId::SlowEndpoint,
        Bottleneck::MemoryLeak => FindingId::MemoryLeak,
        Bottleneck::NoCompression => FindingId::NoCompression,
    }
}

/// Whether `result` shows `bottleneck`, judged by the evidence that bottleneck leaves.
pub fn trace(result: &RunResult, bottleneck: Bottleneck) -> Trace {
    if !super::bottlenecks::has_server_evidence(result) {
        return Trace::NoServerData;
    }
    let finding = match bottleneck {
        // The one slow route: a route that touches the database, far slower than the rest
        // (`/health`, slow only while every user starts at once, does not count).
        Bottleneck::SlowEndpoint => super::findings::slow_endpoint(result)
            .filter(|finding| finding.names.iter().any(|name| !name.contains("/health"))),
        other => super::bottlenecks::finding(result, finding_id(other)),
    };
    match finding {
        Some(finding) => Trace::Seen(finding.evidence),
        None => Trace::NotSeen,
    }
}

/// The figure that tells `bottleneck` apart, in Korean, and its value in `result`; `None`
/// without server samples.
pub fn figure(result: &RunResult, bottleneck: Bottleneck) -> Option<(&'static str, String)> {
    super::bottlenecks::figure(result, bottleneck)
}

/// Whether the target was the lab server running the hunt's secret bottleneck.
pub fn against_secret(result: &RunResult) -> bool {
    result.history.iter().any(|point| point.server.is_some_and(|sample| sample.secret_bottleneck))
}

/// Todos in the lab server's table at the run's first sample.
pub fn starting_todos(result: &RunResult) -> Option<u64> {
    result.history.iter().find_map(|point| point.server).map(|sample| sample.todos)
}
