//! The wait time a recording suggests: the pauses the user took between requests, as the range
//! of separate tasks or the turn time of one ordered flow.

use serde_json::Value;

use super::entries::Entry;
use crate::import::Wait;

/// The pauses between one request's end and the next request's start, in seconds.
pub(super) fn recorded_pauses(entries: &[Entry]) -> Vec<f64> {
    let times: Vec<(f64, f64)> = entries
        .iter()
        .filter_map(|entry| {
            let started = entry.json.get("startedDateTime").and_then(Value::as_str)?;
            let started = chrono::DateTime::parse_from_rfc3339(started).ok()?;
            let took = entry.json.get("time").and_then(Value::as_f64).unwrap_or(0.0).max(0.0) / 1000.0;
            Some((started.timestamp_millis() as f64 / 1000.0, took))
        })
        .collect();
    times
        .windows(2)
        .map(|pair| (pair[1].0 - (pair[0].0 + pair[0].1)).max(0.0))
        .filter(|pause| pause.is_finite())
        .collect()
}

/// The wait time from the pauses: between the shortest and the longest for separate tasks; for
/// one ordered flow, their sum around each turn (±20 %), so a user's request rate stays the
/// recording's.
pub(super) fn wait_for(pauses: &[f64], one_flow: bool) -> Option<Wait> {
    if pauses.is_empty() || pauses.iter().all(|pause| *pause < 0.05) {
        return None;
    }
    let round = |seconds: f64| (seconds * 10.0).round() / 10.0;
    if one_flow {
        let total = pauses.iter().sum::<f64>().clamp(0.1, 600.0);
        return Some(Wait { min: round(total * 0.8), max: round(total * 1.2) });
    }
    let min = pauses.iter().copied().fold(f64::INFINITY, f64::min).clamp(0.1, 30.0);
    let max = pauses.iter().copied().fold(0.0, f64::max).clamp(min, 30.0);
    Some(Wait { min: round(min), max: round(max) })
}
