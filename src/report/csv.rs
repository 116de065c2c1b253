//! `--csv PREFIX`: Locust's four CSV files with Locust's exact column names and order, so tools
//! built for Locust's `--csv` output read them unchanged.
//!
//! - `PREFIX_stats.csv`: one row per request name, then the `Aggregated` row.
//! - `PREFIX_stats_history.csv`: one `Aggregated` row per second of the run.
//! - `PREFIX_failures.csv`: failures grouped by method, name and message.
//! - `PREFIX_exceptions.csv`: panics inside tasks.
//! - `PREFIX_stats_corrected.csv` (loadlab's own, only when fixed-rate users started late):
//!   the response times measured from each request's intended start (coordinated omission),
//!   for the rows where they differ; Locust's four files stay exactly Locust's.
//!
//! Values follow Locust's types: percentile and median columns are whole milliseconds (Locust
//! writes `int`s there; the JSON result keeps the exact values), the other times are decimals.
//! The history keeps per second only the requests, failures, p50 and p95 of that second and the
//! running totals of requests and failures; the other columns say `N/A`, Locust's own marker for
//! a value it does not have, rather than a made-up number.

use std::path::PathBuf;

use anyhow::Context;

use crate::engine::stats::{EndpointStats, PERCENTILES, RunResult};
use crate::text::percent_label;

/// Locust's `_stats.csv` header, before the percentile columns.
pub const STATS_COLUMNS: [&str; 11] = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "Median Response Time",
    "Average Response Time",
    "Min Response Time",
    "Max Response Time",
    "Average Content Size",
    "Requests/s",
    "Failures/s",
];

/// Locust's `_stats_history.csv` columns before the percentiles …
pub const HISTORY_LEADING_COLUMNS: [&str; 6] =
    ["Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s"];

/// … and after them.
pub const HISTORY_TRAILING_COLUMNS: [&str; 7] = [
    "Total Request Count",
    "Total Failure Count",
    "Total Median Response Time",
    "Total Average Response Time",
    "Total Min Response Time",
    "Total Max Response Time",
    "Total Average Content Size",
];

/// `_stats_corrected.csv`'s columns before the percentiles (loadlab's own file).
pub const CORRECTED_COLUMNS: [&str; 6] =
    ["Type", "Name", "Request Count", "Median Response Time", "Average Response Time", "Max Response Time"];

/// Locust's `_failures.csv` header.
pub const FAILURES_COLUMNS: [&str; 4] = ["Method", "Name", "Error", "Occurrences"];

/// Locust's `_exceptions.csv` header.
pub const EXCEPTIONS_COLUMNS: [&str; 4] = ["Count", "Message", "Traceback", "Nodes"];

const NOT_AVAILABLE: &str = "N/A";

/// The full `_stats.csv` header row.
pub fn stats_header() -> Vec<String> {
    let mut header: Vec<String> = STATS_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(PERCENTILES.iter().map(|q| percent_label(*q)));
    header
}

/// The full `_stats_history.csv` header row.
pub fn history_header() -> Vec<String> {
    let mut header: Vec<String> = HISTORY_LEADING_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(PERCENTILES.iter().map(|q| percent_label(*q)));
    header.extend(HISTORY_TRAILING_COLUMNS.iter().map(|c| c.to_string()));
    header
}

/// Writes the four files next to `prefix` (`result` → `result_stats.csv`, …) and returns their
/// paths in that order.
pub fn write(prefix: &str, result: &RunResult) -> anyhow::Result<Vec<PathBuf>> {
    let files = [
        ("_stats.csv", stats_rows(result)),
        ("_stats_history.csv", history_rows(result)),
        ("_failures.csv", failure_rows(result)),
        ("_exceptions.csv", exception_rows(result)),
    ];
    let corrected = corrected_rows(result);
    let extra = (corrected.len() > 1).then_some(("_stats_corrected.csv", corrected));
    let mut paths = Vec::new();
    for (suffix, rows) in files.into_iter().chain(extra) {
        let path = PathBuf::from(format!("{prefix}{suffix}"));
        write_rows(&path, &rows).with_context(|| format!("CSV 파일을 쓸 수 없어요: {}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

fn write_rows(path: &PathBuf, rows: &[Vec<String>]) -> ::csv::Result<()> {
    write_csv(std::fs::File::create(path)?, rows)
}

/// Writes Locust's CSV dialect (Python's `csv.writer`): quotes only the cells that need them,
/// lines end with `\r\n`.
fn write_csv(out: impl std::io::Write, rows: &[Vec<String>]) -> ::csv::Result<()> {
    let mut writer =
        ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).flexible(true).from_writer(out);
    for row in rows {
        writer.write_record(row)?;
    }
    writer.flush()?;
    Ok(())
}

/// A decimal as Python prints a float: shortest round-trip form, `.0` on whole numbers.
fn float(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

fn whole_ms(value: f64) -> String {
    format!("{}", value.round() as i64)
}

fn stats_rows(result: &RunResult) -> Vec<Vec<String>> {
    let mut rows = vec![stats_header()];
    for stats in result.stats.iter().chain(std::iter::once(&result.total)) {
        rows.push(stats_row(stats));
    }
    rows
}

fn stats_row(stats: &EndpointStats) -> Vec<String> {
    let mut row = vec![
        stats.method.clone(),
        stats.name.clone(),
        stats.num_requests.to_string(),
        stats.num_failures.to_string(),
        whole_ms(stats.median_response_time),
        float(stats.avg_response_time),
        float(stats.min_response_time),
        float(stats.max_response_time),
        float(stats.avg_content_length),
        float(stats.requests_per_second),
        float(stats.failures_per_second),
    ];
    if stats.num_requests == 0 {
        row.extend(PERCENTILES.iter().map(|_| NOT_AVAILABLE.to_string()));
    } else {
        row.extend(PERCENTILES.iter().map(|q| whole_ms(stats.percentile(*q))));
    }
    row
}

/// The header and one row per statistics row whose corrected times differ (the header alone
/// when none does).
fn corrected_rows(result: &RunResult) -> Vec<Vec<String>> {
    let mut header: Vec<String> = CORRECTED_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(PERCENTILES.iter().map(|q| percent_label(*q)));
    let mut rows = vec![header];
    for stats in result.stats.iter().chain(std::iter::once(&result.total)) {
        if let Some(corrected) = stats.corrected_if_different() {
            let mut row = vec![
                stats.method.clone(),
                stats.name.clone(),
                stats.num_requests.to_string(),
                whole_ms(corrected.median_response_time),
                float(corrected.avg_response_time),
                float(corrected.max_response_time),
            ];
            row.extend(PERCENTILES.iter().map(|q| whole_ms(corrected.percentile(*q))));
            rows.push(row);
        }
    }
    rows
}

fn history_rows(result: &RunResult) -> Vec<Vec<String>> {
    let mut rows = vec![history_header()];
    for point in &result.history {
        let mut row = vec![
            point.timestamp.timestamp().to_string(),
            point.users.to_string(),
            String::new(),
            "Aggregated".to_string(),
            format!("{:.6}", point.requests_per_second),
            format!("{:.6}", point.failures_per_second),
        ];
        for quantile in PERCENTILES {
            let value = if point.requests_per_second <= 0.0 {
                None
            } else if quantile == 0.5 {
                Some(point.p50_response_time)
            } else if quantile == 0.95 {
                Some(point.p95_response_time)
            } else {
                None
            };
            row.push(value.map_or_else(|| NOT_AVAILABLE.to_string(), whole_ms));
        }
        row.push(point.total_requests.to_string());
        row.push(point.total_failures.to_string());
        row.extend((0..5).map(|_| NOT_AVAILABLE.to_string()));
        rows.push(row);
    }
    rows
}

fn failure_rows(result: &RunResult) -> Vec<Vec<String>> {
    let mut rows = vec![FAILURES_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for error in &result.errors {
        rows.push(vec![
            error.method.clone(),
            error.name.clone(),
            error.error.clone(),
            error.occurrences.to_string(),
        ]);
    }
    rows
}

fn exception_rows(result: &RunResult) -> Vec<Vec<String>> {
    let mut rows = vec![EXCEPTIONS_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for exception in &result.exceptions {
        // Rust panics carry a source location, not a Python traceback; this is the closest
        // equivalent: where it panicked and in which task of which class.
        let traceback =
            format!("{} (작업 {}, 클래스 {})", exception.location, exception.task, exception.user_class);
        rows.push(vec![
            exception.count.to_string(),
            exception.message.clone(),
            traceback,
            "local".to_string(),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_needed() {
        let row = ["/todos/ [GET - List]", "a,b", "say \"hi\"", "two\nlines", ""].map(String::from).to_vec();
        let mut out = Vec::new();
        write_csv(&mut out, &[row]).expect("written to memory");
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            "/todos/ [GET - List],\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn corrected_rows_only_for_rows_that_ran_late() {
        let mut result: RunResult =
            serde_json::from_str(include_str!("../../tests/fixtures/report/result.json")).expect("fixture");
        assert_eq!(corrected_rows(&result).len(), 1, "no corrected file without late requests");
        let late = |stats: &EndpointStats| crate::engine::stats::CorrectedTimes {
            avg_response_time: stats.avg_response_time + 100.0,
            max_response_time: stats.max_response_time + 100.0,
            median_response_time: stats.median_response_time + 100.0,
            percentiles: stats
                .percentiles
                .iter()
                .map(|p| crate::engine::stats::Percentile {
                    quantile: p.quantile,
                    response_time: p.response_time + 100.0,
                })
                .collect(),
        };
        result.total.corrected = Some(late(&result.total));
        let rows = corrected_rows(&result);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1], "Aggregated");
        assert_eq!(rows[1][3], whole_ms(result.total.median_response_time + 100.0));
        // Locust's own header is untouched.
        assert_eq!(stats_rows(&result)[0], stats_header());
    }

    #[test]
    fn floats_print_like_python() {
        assert_eq!(float(3.0), "3.0");
        assert_eq!(float(2.5), "2.5");
        assert_eq!(float(0.1), "0.1");
    }
}
