//! Statistics deltas in Locust's wire format: the engine's [`IntervalStats`] (already bucketed
//! with Locust's response-time rounding, `engine::interval::locust_bucket`) become the `stats`
//! message's rows, total and errors, with errors keyed as Locust's `StatsError.create_key`
//! keys them, so a master merges them with a Python worker's.

use crate::engine::interval::{IntervalRow, IntervalStats};

use super::protocol::{StatsEntry, StatsError, StatsReport};

fn entry(row: IntervalRow) -> StatsEntry {
    StatsEntry {
        name: row.name,
        method: row.method,
        last_request_timestamp: row.last_request,
        start_time: row.start_time,
        num_requests: row.requests,
        num_none_requests: 0,
        num_failures: row.failures,
        total_response_time: row.total_ms,
        max_response_time: row.max_ms,
        min_response_time: row.min_ms,
        total_content_length: row.content_length,
        response_times: row.response_times,
        num_reqs_per_sec: row.per_second,
        num_fail_per_sec: row.failures_per_second,
    }
}

/// Python's `repr` of a string: what Locust hashes into an error's key.
fn python_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Locust's `StatsError.create_key`: sha256 of `"{method}.{name}.{error!r}"`, in hex.
pub fn error_key(method: &str, name: &str, error: &str) -> String {
    let text = format!("{method}.{name}.{}", python_repr(error));
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    digest.as_ref().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The `stats` message for `interval`, with the users running now.
pub fn stats_report(interval: IntervalStats, user_classes_count: Vec<(String, usize)>) -> StatsReport {
    let errors = interval
        .errors
        .into_iter()
        .map(|error| {
            (
                error_key(&error.method, &error.name, &error.error),
                StatsError {
                    name: error.name,
                    method: error.method,
                    error: error.error,
                    occurrences: error.occurrences,
                    first_seen: Some(error.first_seen),
                    last_seen: Some(error.last_seen),
                },
            )
        })
        .collect();
    let user_count = user_classes_count.iter().map(|(_, n)| n).sum();
    StatsReport {
        stats: interval.rows.into_iter().map(entry).collect(),
        stats_total: entry(interval.total),
        errors,
        user_classes_count,
        user_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_keys_match_locust() {
        // hashlib.sha256("GET./todos/.'HTTPError: 500'".encode()).hexdigest()
        assert_eq!(
            error_key("GET", "/todos/", "HTTPError: 500"),
            "3dc636792611e0a416dcadc151fe7e3cb64df9eb17f268c65f7007fef32631ce"
        );
        assert_eq!(python_repr("it's"), "\"it's\"");
        assert_eq!(python_repr("a\nb'\""), "'a\\nb\\'\"'");
    }
}
