//! Reading Locust's `--csv` files back into a [`RunResult`], so `explain` speaks about any
//! Locust run — a Locust master's aggregated files after a distributed run with loadlab workers,
//! or loadlab's own `--csv` output — the way it speaks about a `--json` result.
//!
//! Given `PREFIX_stats.csv`, the reader also takes `PREFIX_stats_history.csv`,
//! `PREFIX_failures.csv` and `PREFIX_exceptions.csv` when they sit next to it. Columns are found
//! by their header names (Locust's, see [`super::csv`]), so column order and extra columns do not
//! matter. What the files do not hold stays empty: status codes, the classes that ran, the lab
//! server's samples; `explain` then says less, never something false.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::engine::stats::{
    EndpointStats, ErrorRow, ExceptionRow, HistoryPoint, PERCENTILES, Percentile, RecordedSettings, RunResult,
};
use crate::explain::NO_ANSWER_KINDS;
use crate::text::percent_label;

const STATS_SUFFIX: &str = "_stats.csv";

/// A table read by header name.
struct Table {
    /// The file's name, for messages.
    name: String,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path) -> anyhow::Result<Table> {
        let bytes = crate::limits::read_file(path)
            .with_context(|| format!("CSV 파일을 열 수 없어요: '{}'", path.display()))?;
        let mut reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(&bytes[..]);
        let header = reader
            .headers()
            .with_context(|| format!("CSV 머리줄을 읽을 수 없어요: '{}'", path.display()))?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("CSV 줄을 읽을 수 없어요: '{}'", path.display()))?;
        Ok(Table { name: path.display().to_string(), header, rows })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|column| column == name)
    }

    fn text<'a>(&self, row: &'a csv::StringRecord, name: &str) -> &'a str {
        self.column(name).and_then(|index| row.get(index)).unwrap_or("")
    }

    /// A measurement; `N/A` and empty cells are 0. A number outside [`crate::limits`]
    /// (infinite, negative, 1e308) is an error naming the file, column and value.
    fn number(&self, row: &csv::StringRecord, name: &str) -> anyhow::Result<f64> {
        let text = self.text(row, name).trim();
        let Ok(value) = text.parse::<f64>() else { return Ok(0.0) };
        crate::limits::file_measure(value).ok_or_else(|| self.out_of_range(name, text))
    }

    /// A count (requests, failures, users), checked as [`Table::number`].
    fn count(&self, row: &csv::StringRecord, name: &str) -> anyhow::Result<u64> {
        let text = self.text(row, name).trim();
        let Ok(value) = text.parse::<f64>() else { return Ok(0) };
        crate::limits::file_count(value).ok_or_else(|| self.out_of_range(name, text))
    }

    fn out_of_range(&self, column: &str, text: &str) -> anyhow::Error {
        anyhow::anyhow!(
            "'{}'의 '{column}' 값 '{text}'는 받을 수 없어요 (0 이상, 10^15 이하의 숫자만 읽어요)",
            self.name
        )
    }
}

/// Whether `path` names a Locust stats file (`…_stats.csv`).
pub fn is_stats_file(path: &Path) -> bool {
    path.to_string_lossy().ends_with(STATS_SUFFIX)
}

/// Reads `PREFIX_stats.csv` and the files next to it.
pub fn read(stats_path: &Path) -> anyhow::Result<RunResult> {
    let path_text = stats_path.to_string_lossy();
    let Some(prefix) = path_text.strip_suffix(STATS_SUFFIX) else {
        bail!("Locust 통계 파일은 이름이 _stats.csv로 끝나요: '{}'", stats_path.display())
    };
    if !stats_path.exists() {
        bail!(
            "통계 파일이 없어요: '{}' — Locust나 loadlab을 --csv {prefix} 로 실행하면 생겨요",
            stats_path.display()
        );
    }
    let sibling = |suffix: &str| PathBuf::from(format!("{prefix}{suffix}"));
    let stats = Table::read(stats_path)?;
    for required in ["Name", "Request Count", "Failure Count"] {
        if stats.column(required).is_none() {
            bail!("Locust 통계 파일이 아니에요: '{}'에 '{required}' 열이 없어요", stats_path.display());
        }
    }
    let mut rows: Vec<EndpointStats> =
        stats.rows.iter().map(|row| endpoint(&stats, row)).collect::<anyhow::Result<_>>()?;
    let mut total = match rows.iter().position(|row| row.name == "Aggregated") {
        Some(index) => rows.remove(index),
        None => bail!("'{}'에 Aggregated 줄이 없어요", stats_path.display()),
    };
    let history = optional(&sibling("_stats_history.csv"))?
        .map(|table| history(&table))
        .transpose()?
        .unwrap_or_default();
    let errors =
        optional(&sibling("_failures.csv"))?.map(|table| failures(&table)).transpose()?.unwrap_or_default();
    for error in &errors {
        let Some(code) = failure_status(&error.error) else { continue };
        let entry = total.status_codes.entry(code).or_default();
        *entry = entry.saturating_add(error.occurrences);
        if let Some(row) = rows.iter_mut().find(|row| row.name == error.name && row.method == error.method) {
            let entry = row.status_codes.entry(code).or_default();
            *entry = entry.saturating_add(error.occurrences);
        }
    }
    let exceptions = optional(&sibling("_exceptions.csv"))?
        .map(|table| exceptions(&table))
        .transpose()?
        .unwrap_or_default();

    let duration = match (history.first(), history.last()) {
        (Some(first), Some(last)) if history.len() > 1 => last.elapsed - first.elapsed + 1.0,
        _ if total.requests_per_second > 0.0 => total.num_requests as f64 / total.requests_per_second,
        _ => 0.0,
    };
    // Counts and rates are bounded, but their quotient need not be: at most the longest duration.
    let duration = duration.clamp(0.0, crate::limits::MAX_DURATION.as_secs_f64());
    let end_time = history.last().map_or_else(chrono::Utc::now, |point| point.timestamp);
    let start_time = chrono::Duration::try_milliseconds((duration * 1000.0) as i64)
        .and_then(|length| end_time.checked_sub_signed(length))
        .unwrap_or(end_time);
    let users = history.iter().map(|point| point.users).max().unwrap_or(0);
    Ok(RunResult {
        loadlab_version: format!("{} ({prefix})", crate::engine::result::LOCUST_CSV_ORIGIN),
        settings: RecordedSettings {
            users,
            spawn_rate: 0.0,
            run_time: Some(duration),
            host: "Locust --csv".to_string(),
            classes: Vec::new(),
            shape: None,
            time_scale: 1.0,
            embedded_server: false,
        },
        start_time,
        end_time,
        duration,
        interrupted: false,
        stats: rows,
        total,
        errors,
        exceptions,
        history,
        generator: Default::default(),
    })
}

/// The status a failure's message names: Locust's `HTTPError('404 Client Error: …')`, or 0 for
/// the kinds that got no answer at all (refused, reset, time-out …). Other failures (a
/// scenario's own `failure(..)` message) keep no status: the CSV does not say which it had.
fn failure_status(message: &str) -> Option<u16> {
    if NO_ANSWER_KINDS.iter().any(|(prefix, _)| message.starts_with(prefix)) {
        return Some(0);
    }
    let at = message.find(" Client Error").or_else(|| message.find(" Server Error"))?;
    message.get(at.checked_sub(3)?..at)?.parse().ok()
}

fn optional(path: &Path) -> anyhow::Result<Option<Table>> {
    if path.exists() { Table::read(path).map(Some) } else { Ok(None) }
}

fn endpoint(table: &Table, row: &csv::StringRecord) -> anyhow::Result<EndpointStats> {
    let num_requests = table.count(row, "Request Count")?;
    let avg_content_length = table.number(row, "Average Content Size")?;
    let percentiles = PERCENTILES
        .iter()
        .map(|&quantile| {
            Ok(Percentile { quantile, response_time: table.number(row, &percent_label(quantile))? })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(EndpointStats {
        method: table.text(row, "Type").to_string(),
        name: table.text(row, "Name").to_string(),
        num_requests,
        num_failures: table.count(row, "Failure Count")?,
        avg_response_time: table.number(row, "Average Response Time")?,
        min_response_time: table.number(row, "Min Response Time")?,
        max_response_time: table.number(row, "Max Response Time")?,
        median_response_time: table.number(row, "Median Response Time")?,
        avg_content_length,
        // Both bounded by 10^15: the product saturates instead of wrapping.
        total_content_length: (avg_content_length * num_requests as f64) as u64,
        requests_per_second: table.number(row, "Requests/s")?,
        failures_per_second: table.number(row, "Failures/s")?,
        percentiles,
        status_codes: BTreeMap::new(),
        corrected: None,
    })
}

/// The `Aggregated` rows of the history, one per second.
fn history(table: &Table) -> anyhow::Result<Vec<HistoryPoint>> {
    let rows: Vec<&csv::StringRecord> =
        table.rows.iter().filter(|row| table.text(row, "Name") == "Aggregated").collect();
    let first = match rows.first() {
        Some(row) => table.number(row, "Timestamp")?,
        None => 0.0,
    };
    rows.iter()
        .map(|row| {
            let seconds = table.number(row, "Timestamp")?;
            let users = table.count(row, "User Count")? as usize;
            Ok(HistoryPoint {
                elapsed: seconds - first,
                timestamp: chrono::DateTime::from_timestamp(seconds as i64, 0).unwrap_or_default(),
                users,
                target_users: users,
                requests_per_second: table.number(row, "Requests/s")?,
                failures_per_second: table.number(row, "Failures/s")?,
                p50_response_time: table.number(row, "50%")?,
                p95_response_time: table.number(row, "95%")?,
                total_requests: table.count(row, "Total Request Count")?,
                total_failures: table.count(row, "Total Failure Count")?,
                window: 1.0,
                server: None,
            })
        })
        .collect()
}

fn failures(table: &Table) -> anyhow::Result<Vec<ErrorRow>> {
    table
        .rows
        .iter()
        .map(|row| {
            Ok(ErrorRow {
                method: table.text(row, "Method").to_string(),
                name: table.text(row, "Name").to_string(),
                error: table.text(row, "Error").to_string(),
                occurrences: table.count(row, "Occurrences")?,
            })
        })
        .collect()
}

fn exceptions(table: &Table) -> anyhow::Result<Vec<ExceptionRow>> {
    table
        .rows
        .iter()
        .map(|row| {
            Ok(ExceptionRow {
                count: table.count(row, "Count")?,
                message: table.text(row, "Message").to_string(),
                location: table.text(row, "Traceback").lines().last().unwrap_or("").trim().to_string(),
                task: String::new(),
                user_class: String::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::failure_status;
    use proptest::strategy::Strategy as _;

    const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%";
    const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,Total Request Count,Total Failure Count";

    /// Writes a stats file (and a history file) whose number cells are `cells`, and reads them.
    fn read_cells(cells: &[String]) -> anyhow::Result<crate::engine::RunResult> {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("hostile");
        let cell = |index: usize| cells.get(index % cells.len().max(1)).cloned().unwrap_or_default();
        let row: Vec<String> = (0..12).map(cell).collect();
        let stats = format!("{STATS_HEADER}\nGET,/x,{}\n,Aggregated,{}\n", row.join(","), row.join(","));
        std::fs::write(format!("{}_stats.csv", prefix.display()), stats).unwrap();
        let history: Vec<String> = (12..18).map(cell).collect();
        let history = format!(
            "{HISTORY_HEADER}\n{},{},,Aggregated,{}\n{},1,,Aggregated,{}\n",
            cell(18),
            cell(19),
            history.join(","),
            cell(20),
            history.join(",")
        );
        std::fs::write(format!("{}_stats_history.csv", prefix.display()), history).unwrap();
        super::read(std::path::Path::new(&format!("{}_stats.csv", prefix.display())))
    }

    #[test]
    fn a_count_of_1e308_is_a_sentence_not_a_panic() {
        let cells = vec!["1e308".to_string(), "1".to_string()];
        let error = read_cells(&cells).expect_err("refused");
        assert!(format!("{error:#}").contains("1e308"), "{error:#}");
        let fine = read_cells(&["3".to_string()]).expect("small numbers read");
        assert_eq!(fine.total.num_requests, 3);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Any cell values are a result or a sentence; a result's durations stay bounded.
        #[test]
        fn any_cells_are_a_result_or_a_sentence(
            cells in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<f64>().prop_map(|v| v.to_string()),
                    "-?[0-9]{1,25}(\\.[0-9]{1,3})?(e-?[0-9]{1,3})?",
                    proptest::strategy::Just("N/A".to_string()),
                    proptest::strategy::Just("inf".to_string()),
                    proptest::strategy::Just("NaN".to_string()),
                    "[^,\"\n\r]{0,6}",
                ],
                1..22,
            )
        ) {
            if let Ok(result) = read_cells(&cells) {
                proptest::prop_assert!(result.duration.is_finite());
                proptest::prop_assert!(result.duration <= crate::limits::MAX_DURATION.as_secs_f64());
                let _ = crate::explain::explain(&result).render(false);
                let _ = crate::engine::console::summary(&result);
            }
        }
    }

    #[test]
    fn a_failures_status_comes_from_locusts_message() {
        assert_eq!(failure_status("HTTPError('404 Client Error: Not Found for url: /x')"), Some(404));
        assert_eq!(failure_status("HTTPError('503 Server Error: Service Unavailable')"), Some(503));
        assert_eq!(failure_status("ConnectionRefusedError(111, 'Connection refused')"), Some(0));
        assert_eq!(failure_status("Timeout: 응답 시간 초과"), Some(0));
        assert_eq!(failure_status("CatchResponseError('title mismatch')"), None);
    }
}
