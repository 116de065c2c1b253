//! The report files of a real run: the JSON round-trips exactly and holds the documented fields,
//! a saved result of an earlier build still reads, the CSV headers are Locust's own, and the
//! HTML report is one self-contained file with its charts and tables.

use crate::report_server as server;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use loadlab::engine::shape::{Schedule, Stage};
use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;
use loadlab::report::{csv, html, json};

#[derive(Default)]
struct SampleUser;

impl User for SampleUser {
    fn wait_time() -> WaitTime {
        constant(0.02)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(3, list), task(1, search), task(1, gone), task(1, unfinished)]
    }
}

async fn list(_: &mut SampleUser, client: &Client) {
    client.get("/delay/2").name("/todos/ [GET - List]").send().await;
}

/// A name with a comma and quotes, which CSV has to quote and HTML has to escape.
const ODD_NAME: &str = "/search?q=a,b \"따옴표\" <b>";

async fn search(_: &mut SampleUser, client: &Client) {
    client.get("/fast").name(ODD_NAME).send().await;
}

async fn gone(_: &mut SampleUser, client: &Client) {
    client.get("/status/404").name("/todos/{id} [GET - Single]").send().await;
}

async fn unfinished(_: &mut SampleUser, _: &Client) {
    panic!("아직 만들지 않은 태스크");
}

/// One real run shared by the tests of this file (1.5 s against the test server).
fn sample() -> &'static RunResult {
    static SAMPLE: OnceLock<RunResult> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let server = server::start().await;
            let config = RunConfig::new(
                vec![UserClass::of::<SampleUser>()],
                &server.url,
                3,
                100.0,
                Duration::from_millis(1500),
            );
            run(config).await.expect("run finishes")
        })
    })
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report").join(name)
}

#[test]
fn json_round_trips_exactly_and_holds_the_documented_fields() {
    let result = sample();
    assert!(!result.history.is_empty() && !result.errors.is_empty() && !result.exceptions.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    json::write(&path, result).unwrap();
    assert_eq!(&json::read(&path).unwrap(), result);

    // The fields the schema in report/json.rs documents, no more, no less.
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "duration",
            "end_time",
            "errors",
            "exceptions",
            "history",
            "interrupted",
            "loadlab_version",
            "settings",
            "start_time",
            "stats",
            "total"
        ]
    );
}

#[test]
fn a_saved_result_of_an_earlier_build_still_reads() {
    let result = json::read(&fixture("result.json")).expect("the committed fixture reads");
    assert!(result.history.len() >= 5);
    assert!(result.stats.iter().any(|s| s.name == "/todos/ [GET - List]"));
}

#[test]
fn unreadable_results_are_explained_in_korean() {
    let dir = tempfile::tempdir().unwrap();
    let missing = json::read(&dir.path().join("nope.json")).unwrap_err().to_string();
    assert!(missing.contains("결과 파일이 없어요") && missing.contains("--json"), "{missing}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ \"settings\": ").unwrap();
    let error = format!("{:#}", json::read(&broken).unwrap_err());
    assert!(error.contains("JSON 형식이 아니에요"), "{error}");

    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"name\": \"not a run\"}").unwrap();
    let error = format!("{:#}", json::read(&other).unwrap_err());
    assert!(error.contains("loadlab의 실행 결과 파일"), "{error}");
}

/// Splits CSV text into rows of fields (RFC 4180 quoting, as Python's csv module writes it).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (other, _) => field.push(other),
        }
    }
    rows
}

// Locust's headers, as locust/stats.py writes them (StatsCSV.requests_csv_columns,
// StatsCSVFileWriter.stats_history_csv_columns, failures_columns, exceptions_columns) with
// the default PERCENTILES_TO_REPORT.
const LOCUST_STATS: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";
const LOCUST_HISTORY: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";
const LOCUST_FAILURES: &str = "Method,Name,Error,Occurrences";
const LOCUST_EXCEPTIONS: &str = "Count,Message,Traceback,Nodes";

#[test]
fn csv_files_have_locusts_headers_and_one_row_per_entry() {
    let result = sample();
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("result");
    let paths = csv::write(prefix.to_str().unwrap(), result).unwrap();
    let names: Vec<String> =
        paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        ["result_stats.csv", "result_stats_history.csv", "result_failures.csv", "result_exceptions.csv"]
    );

    let read = |path: &PathBuf| parse_csv(&std::fs::read_to_string(path).unwrap());
    let (stats, history, failures, exceptions) =
        (read(&paths[0]), read(&paths[1]), read(&paths[2]), read(&paths[3]));
    for (rows, expected) in [
        (&stats, LOCUST_STATS),
        (&history, LOCUST_HISTORY),
        (&failures, LOCUST_FAILURES),
        (&exceptions, LOCUST_EXCEPTIONS),
    ] {
        assert_eq!(rows[0].join(","), expected);
        assert!(rows.iter().all(|row| row.len() == rows[0].len()), "every row has every column: {rows:?}");
    }

    assert_eq!(stats.len(), 1 + result.stats.len() + 1, "header, one row per name, Aggregated");
    assert_eq!(stats.last().unwrap()[..2], ["".to_string(), "Aggregated".to_string()]);
    assert!(stats.iter().any(|row| row[1] == ODD_NAME), "a name with a comma and quotes survives quoting");
    let requests: u64 = stats[1..stats.len() - 1].iter().map(|row| row[2].parse::<u64>().unwrap()).sum();
    assert_eq!(requests, result.total.num_requests);

    assert_eq!(history.len(), 1 + result.history.len());
    assert_eq!(history.last().unwrap()[17], result.history.last().unwrap().total_requests.to_string());
    assert_eq!(failures.len(), 1 + result.errors.len());
    assert!(failures.iter().any(|row| row[1] == "/todos/{id} [GET - Single]" && row[2].contains("404")));
    assert_eq!(exceptions[1][1], "아직 만들지 않은 태스크");
    assert!(exceptions[1][2].contains("tests/report_files.rs"), "{:?}", exceptions[1]);
}

/// Every value of `attribute="…"` in `html`.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .collect()
}

#[test]
fn html_report_is_self_contained_with_charts_and_tables() {
    let result = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    html::write(&path, result).unwrap();
    let page = std::fs::read_to_string(&path).unwrap();

    assert!(page.starts_with("<!DOCTYPE html>"));
    let lower = page.to_lowercase();
    for attribute in ["src", "href", "xlink:href", "action"] {
        for value in attribute_values(&lower, attribute) {
            assert!(
                !(value.starts_with("http") || value.starts_with("//") || value.contains("://")),
                "external reference {attribute}=\"{value}\""
            );
        }
    }
    for forbidden in ["<script", "<link", "<iframe", "<img", "@import", "url("] {
        assert!(!lower.contains(forbidden), "{forbidden} in a self-contained report");
    }

    for (chart, series) in [
        ("chart-rps", ["rps", "fps"].as_slice()),
        ("chart-response-times", &["p50", "p95"]),
        ("chart-users", &["users", "target-users"]),
        ("chart-failures", &["total-failures"]),
    ] {
        let start =
            page.find(&format!("<figure id=\"{chart}\"")).unwrap_or_else(|| panic!("{chart} missing"));
        let figure = &page[start..start + page[start..].find("</figure>").unwrap()];
        assert!(figure.contains("<svg"), "{chart} is an inline SVG");
        for key in series {
            let needle = format!("data-series=\"{key}\"");
            let at = figure.find(&needle).unwrap_or_else(|| panic!("{chart} lacks {key}"));
            let points = attribute_values(&figure[at..], "points")[0];
            assert_eq!(
                points.split(' ').count(),
                result.history.len(),
                "{chart}/{key}: one point per second"
            );
        }
    }
    for section in ["explain", "requests", "percentiles", "status-codes", "failures", "exceptions"] {
        assert!(page.contains(&format!("<section id=\"{section}\">")), "section {section}");
    }
    assert!(page.contains("/todos/ [GET - List]"));
    assert!(page.contains("/search?q=a,b &quot;따옴표&quot; &lt;b&gt;"), "names are escaped");
    assert!(!page.contains("<b>\""), "raw markup from a name never reaches the page");
    assert!(page.contains("아직 만들지 않은 태스크"), "the exceptions table");
    assert!(page.contains("data-finding=\"unexpected-404\""), "the explanation's findings");
    assert!(page.contains(&result.settings.host));
}

#[derive(Default)]
struct FixtureUser;

impl User for FixtureUser {
    fn wait_time() -> WaitTime {
        between(0.1, 0.3)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(3, fixture_create), task(2, fixture_list), task(1, fixture_single), task(1, fixture_search)]
    }
}

async fn fixture_create(_: &mut FixtureUser, client: &Client) {
    client.get("/delay/4").name("/todos/ [POST - Create]").send().await;
}

async fn fixture_list(_: &mut FixtureUser, client: &Client) {
    client.get("/delay/8").name("/todos/ [GET - List]").send().await;
}

async fn fixture_single(_: &mut FixtureUser, client: &Client) {
    let response = client.get("/status/404").name("/todos/{id} [GET - Single]").send().await;
    if response.status() == 404 {
        response.success();
    }
}

async fn fixture_search(_: &mut FixtureUser, client: &Client) {
    client.get("/delay/180").name("/todos/search [GET - Search]").send().await;
}

/// Rewrites tests/fixtures/report/result.json from a 10-second ramp run (0 → 12 users over 4 s,
/// then 6 s at 12, one endpoint slow). Run by hand only when the fixture should change:
/// `cargo test --test parts report_files::regenerate_fixture -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "rewrites the committed fixture"]
async fn regenerate_fixture() {
    let server = server::start().await;
    let mut config =
        RunConfig::new(vec![UserClass::of::<FixtureUser>()], &server.url, 0, 1.0, Duration::ZERO);
    config.schedule = Schedule::stages(
        vec![
            Stage { users: 12, duration: Duration::from_secs(4) },
            Stage { users: 12, duration: Duration::from_secs(6) },
        ],
        "12:4s,12:6s",
    );
    let mut result = run(config).await.unwrap();
    result.settings.host = "http://127.0.0.1:8000".to_string();
    json::write(&fixture("result.json"), &result).unwrap();
}
