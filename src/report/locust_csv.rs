//! Reads Locust's `--csv` files back into a [`RunResult`], so `explain` can explain a run that
//! Locust recorded: a distributed run's master (`master_stats.csv`), or a Python Locust run.
//! Reads `PREFIX_stats.csv` (rows and the aggregated row), and when they sit beside it,
//! `PREFIX_failures.csv` (errors) and `PREFIX_stats_history.csv` (the Aggregated rows, one per
//! second). Columns are found by their header names, so Locust versions that add columns work.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;

use crate::engine::stats::{
    EndpointStats, ErrorRow, GeneratorNotes, HistoryPoint, PERCENTILES, Percentile, RunResult, RunSettings,
};

/// One line of a CSV file, with Locust's (Python `csv`'s) quoting.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// The rows of `text` as maps from header name to value.
fn table(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let header = lines.next().map(fields).unwrap_or_default();
    lines.map(|line| header.iter().cloned().zip(fields(line)).collect()).collect()
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    row.get(column)
        .and_then(|value| value.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .unwrap_or(0.0)
}

fn endpoint(row: &HashMap<String, String>) -> EndpointStats {
    let text = |column: &str| row.get(column).cloned().unwrap_or_default();
    let requests = number(row, "Request Count") as u64;
    let content = number(row, "Average Content Size");
    EndpointStats {
        method: text("Type"),
        name: text("Name"),
        num_requests: requests,
        num_failures: number(row, "Failure Count") as u64,
        avg_response_time: number(row, "Average Response Time"),
        min_response_time: number(row, "Min Response Time"),
        max_response_time: number(row, "Max Response Time"),
        median_response_time: number(row, "Median Response Time"),
        avg_content_length: content,
        total_content_length: (content * requests as f64).round() as u64,
        requests_per_second: number(row, "Requests/s"),
        failures_per_second: number(row, "Failures/s"),
        percentiles: PERCENTILES
            .iter()
            .map(|&quantile| Percentile {
                quantile,
                response_time: number(row, &crate::text::percent_label(quantile)),
            })
            .collect(),
        status_codes: Default::default(),
        corrected: None,
    }
}

/// Whether `path` is a Locust stats CSV (by name).
pub fn is_stats_csv(path: &Path) -> bool {
    path.to_string_lossy().ends_with("_stats.csv")
}

/// Reads `PREFIX_stats.csv` and its siblings.
pub fn read(path: &Path) -> anyhow::Result<RunResult> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("파일을 읽을 수 없어요: {}", path.display()))?;
    let rows = table(&text);
    anyhow::ensure!(
        rows.first().is_some_and(|row| row.contains_key("Request Count") && row.contains_key("Name")),
        "Locust의 _stats.csv 형식이 아니에요: {}",
        path.display()
    );
    let (total_rows, rows): (Vec<_>, Vec<_>) =
        rows.iter().partition(|row| row.get("Name").is_some_and(|n| n == "Aggregated"));
    let total = total_rows.first().map(|row| endpoint(row)).context("Aggregated 행이 없어요")?;
    let prefix = path.to_string_lossy().trim_end_matches("_stats.csv").to_string();
    let sibling = |suffix: &str| std::fs::read_to_string(format!("{prefix}{suffix}")).ok();
    let errors = sibling("_failures.csv")
        .map(|text| {
            table(&text)
                .iter()
                .map(|row| ErrorRow {
                    method: row.get("Method").cloned().unwrap_or_default(),
                    name: row.get("Name").cloned().unwrap_or_default(),
                    error: row.get("Error").cloned().unwrap_or_default(),
                    occurrences: number(row, "Occurrences") as u64,
                })
                .collect()
        })
        .unwrap_or_default();
    let history_rows: Vec<HashMap<String, String>> = sibling("_stats_history.csv")
        .map(|text| {
            table(&text)
                .into_iter()
                .filter(|row| row.get("Name").is_some_and(|n| n == "Aggregated"))
                .collect()
        })
        .unwrap_or_default();
    let first = history_rows.first().map(|row| number(row, "Timestamp")).unwrap_or(0.0);
    let mut previous = first;
    let history: Vec<HistoryPoint> = history_rows
        .iter()
        .map(|row| {
            let at = number(row, "Timestamp");
            let window = (at - previous).max(1.0);
            previous = at;
            HistoryPoint {
                elapsed: at - first,
                timestamp: chrono::DateTime::from_timestamp(at as i64, 0).unwrap_or_default(),
                users: number(row, "User Count") as usize,
                target_users: number(row, "User Count") as usize,
                requests_per_second: number(row, "Requests/s"),
                failures_per_second: number(row, "Failures/s"),
                p50_response_time: number(row, "50%"),
                p95_response_time: number(row, "95%"),
                total_requests: number(row, "Total Request Count") as u64,
                total_failures: number(row, "Total Failure Count") as u64,
                window,
                server: None,
            }
        })
        .collect();
    let duration = if total.requests_per_second > 0.0 {
        total.num_requests as f64 / total.requests_per_second
    } else {
        history.last().map_or(0.0, |point| point.elapsed)
    };
    let start_time = history.first().map_or_else(chrono::Utc::now, |point| point.timestamp);
    Ok(RunResult {
        loadlab_version: format!("Locust CSV ({})", path.display()),
        settings: RunSettings {
            users: history.iter().map(|point| point.users).max().unwrap_or(0),
            spawn_rate: 0.0,
            run_time: Some(duration),
            host: "Locust --csv".to_string(),
            classes: Vec::new(),
            shape: None,
            time_scale: 1.0,
            embedded_server: false,
        },
        start_time,
        end_time: start_time + chrono::Duration::milliseconds((duration * 1000.0) as i64),
        duration,
        interrupted: false,
        stats: rows.into_iter().map(endpoint).collect(),
        total,
        errors,
        exceptions: Vec::new(),
        history,
        generator: GeneratorNotes::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_masters_stats_and_failures() {
        let dir = tempfile::tempdir().unwrap();
        let stats = dir.path().join("master_stats.csv");
        std::fs::write(
            &stats,
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
             GET,\"/todos/, list\",10,1,2,2.5,0.9,4.5,20.0,2.0,0.2,2,2,4,4,5,5,5,5,5,5,5\n\
             ,Aggregated,10,1,2,2.5,0.9,4.5,20.0,2.0,0.2,2,2,4,4,5,7,5,5,5,5,5\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("master_failures.csv"),
            "Method,Name,Error,Occurrences\nGET,\"/todos/, list\",HTTPError('500 Server Error'),1\n",
        )
        .unwrap();
        let result = read(&stats).unwrap();
        assert_eq!(result.stats.len(), 1);
        assert_eq!(result.stats[0].name, "/todos/, list");
        assert_eq!((result.total.num_requests, result.total.num_failures), (10, 1));
        assert_eq!(result.total.percentile(0.95), 7.0);
        assert!((result.duration - 5.0).abs() < 1e-9);
        assert_eq!(result.errors[0].occurrences, 1);
        assert!(read(&dir.path().join("master_failures.csv")).is_err(), "not a stats file");
    }
}
