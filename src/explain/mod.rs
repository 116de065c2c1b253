//! `explain`: reads a finished run and says in Korean what its numbers mean. First every metric
//! with its value, one sentence of meaning and the guide's target (median < 200 ms, p95 < 500 ms,
//! p99 < 1000 ms, failures < 0.1 %, RPS against the closed-loop model); then the findings —
//! the likely bottleneck and other problems — each citing the numbers that show it.
//!
//! The promise: nothing is said that the result does not support. A detector that lacks the
//! data it needs (too few history points, too few requests) stays silent instead of guessing,
//! and a run that meets every target with no finding is called healthy.
//!
//! Findings are data ([`Finding`] with a stable [`FindingId`]) so tests and later detectors can
//! work with them; [`Explanation::render`] turns them into console text and the HTML report
//! renders the same data. When the target was a loadlab lab server, its own counters (sampled
//! each second) let [`bottlenecks`] name the lab's switchable bottlenecks by their ids.

mod bottlenecks;
mod console;
mod findings;
mod no_answer;
pub(crate) use no_answer::NO_ANSWER_KINDS;
mod generator;
pub mod hunt;
pub(crate) mod metrics;
mod rows;
pub mod saturation;
mod trends;

use crate::engine::RunResult;

/// How a value compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Meets the target.
    Good,
    /// Misses it, but by less than double (the guide's 500–1000 ms "주의" band for p95).
    Warn,
    /// Misses it by double or more.
    Bad,
    /// No target; the value is informative only.
    Info,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Good => "✅",
            Mark::Warn => "⚠️",
            Mark::Bad => "❌",
            Mark::Info => "",
        }
    }
}

/// One metric of the run, with its target and meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricLine {
    /// Stable key: `requests`, `rps`, `failures`, `median`, `p95`, `p99`, `avg`, `max`.
    pub id: &'static str,
    pub label: String,
    pub value: String,
    /// The target as shown (`목표 < 500 ms`, `예상 ≈ 49.8 req/s`), if this metric has one.
    pub target: Option<String>,
    pub mark: Mark,
    /// One or two Korean sentences about this run's value.
    pub meaning: String,
}

/// Which finding this is. The string form ([`FindingId::as_str`]) is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingId {
    /// No request was recorded at all.
    NoRequests,
    /// Requests got no answer (status 0): refused, reset, unresolvable host, time-out.
    ConnectionErrors,
    /// The server answered 5xx.
    ServerErrors,
    /// 404s the scenario did not mark as expected.
    UnexpectedNotFound,
    /// Tasks panicked.
    TaskPanics,
    /// One endpoint (or a few) far slower than all others.
    SlowEndpoint,
    /// p95 rose as users were added.
    LatencyGrowsWithUsers,
    /// Requests per second stopped growing while users grew: saturation.
    ThroughputPlateau,
    /// Responses so large that pagination or compression matter.
    LargeResponses,
    /// Too few requests for p99 or a 0.1 % failure rate to mean much.
    SmallSample,
    /// The ramp-up took so much of the run that the totals describe the ramp-up.
    ShortSteadyState,
    /// Many database queries per request: a list loads its items one query each.
    NPlusOne,
    /// Full table scans that grow with the data: a lookup without an index.
    MissingIndex,
    /// The list sends every row, whatever `limit` asks.
    NoPagination,
    /// Requests spend their time waiting for a database session.
    PoolStarvation,
    /// Handlers block their async worker thread, stalling every request on it.
    BlockingIo,
    /// Server memory grows with every request and does not come back.
    MemoryLeak,
    /// Large answers cross the network uncompressed.
    NoCompression,
    /// A bottleneck finding with its name held back: the run hit the hunt's secret bottleneck.
    Undisclosed,
    /// Request names passed the statistics' limit (an id left in the name).
    NameExplosion,
    /// Fixed-rate users started late: the measured times hide the wait (coordinated omission).
    CoordinatedOmission,
    /// The load generator used nearly all its CPU.
    GeneratorSaturated,
}

impl FindingId {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingId::NoRequests => "no-requests",
            FindingId::ConnectionErrors => "connection-errors",
            FindingId::ServerErrors => "server-errors",
            FindingId::UnexpectedNotFound => "unexpected-404",
            FindingId::TaskPanics => "task-panics",
            FindingId::SlowEndpoint => "slow-endpoint",
            FindingId::LatencyGrowsWithUsers => "latency-grows-with-users",
            FindingId::ThroughputPlateau => "throughput-plateau",
            FindingId::LargeResponses => "large-responses",
            FindingId::SmallSample => "small-sample",
            FindingId::ShortSteadyState => "short-steady-state",
            FindingId::NPlusOne => "n-plus-one",
            FindingId::MissingIndex => "missing-index",
            FindingId::NoPagination => "no-pagination",
            FindingId::PoolStarvation => "pool-starvation",
            FindingId::BlockingIo => "blocking-io",
            FindingId::MemoryLeak => "memory-leak",
            FindingId::NoCompression => "no-compression",
            FindingId::Undisclosed => "undisclosed-bottleneck",
            FindingId::NameExplosion => "name-explosion",
            FindingId::CoordinatedOmission => "coordinated-omission",
            FindingId::GeneratorSaturated => "generator-saturated",
        }
    }

    /// The ids that name one of the lab server's switchable bottlenecks (`--bottleneck NAME`
    /// uses the same names).
    pub const BOTTLENECKS: [FindingId; 8] = [
        FindingId::NPlusOne,
        FindingId::MissingIndex,
        FindingId::NoPagination,
        FindingId::PoolStarvation,
        FindingId::BlockingIo,
        FindingId::SlowEndpoint,
        FindingId::MemoryLeak,
        FindingId::NoCompression,
    ];

    /// Findings about failures come first, then those naming a cause, then the rest.
    fn rank(self) -> u8 {
        match self {
            FindingId::NoRequests
            | FindingId::ConnectionErrors
            | FindingId::ServerErrors
            | FindingId::UnexpectedNotFound
            | FindingId::TaskPanics => 0,
            id if FindingId::BOTTLENECKS.contains(&id) || id == FindingId::Undisclosed => 1,
            _ => 2,
        }
    }
}

impl std::fmt::Display for FindingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Breaks a target or the run itself.
    Problem,
    /// Worth fixing; does not (yet) break a target.
    Warning,
    /// A caution about reading the numbers, not a problem of the server.
    Note,
}

impl Severity {
    pub fn symbol(self) -> &'static str {
        match self {
            Severity::Problem => "❌",
            Severity::Warning => "⚠️",
            Severity::Note => "💡",
        }
    }
}

/// Something the data shows, with the numbers that show it and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: FindingId,
    pub severity: Severity,
    /// One line: what is wrong (names the endpoint when there is one).
    pub title: String,
    /// The numbers from this run that show it.
    pub evidence: Vec<String>,
    /// What to check or change, from the guide.
    pub advice: Vec<String>,
    /// The request names this finding is about (empty when it is about the whole run).
    pub names: Vec<String>,
}

/// The explanation of one run: metrics, findings, and whether it is healthy.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub metrics: Vec<MetricLine>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// Every target metric met and no problem or warning found.
    pub healthy: bool,
    /// One closing sentence summing up.
    pub verdict: String,
}

impl Explanation {
    /// The ids of all findings, in order.
    pub fn ids(&self) -> Vec<&'static str> {
        self.findings.iter().map(|finding| finding.id.as_str()).collect()
    }

    pub fn finding(&self, id: FindingId) -> Option<&Finding> {
        self.findings.iter().find(|finding| finding.id == id)
    }

    /// The metrics that miss the guide's targets (RPS has no target: the model only says what
    /// to expect).
    pub fn missed_targets(&self) -> Vec<&MetricLine> {
        self.metrics
            .iter()
            .filter(|metric| metric.id != "rps" && matches!(metric.mark, Mark::Warn | Mark::Bad))
            .collect()
    }

    /// Findings that are problems or warnings (not notes about reading the numbers).
    pub fn problems(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|finding| finding.severity != Severity::Note)
    }
}

/// Explains `result`: its metrics against the guide's targets, then what the data points to.
pub fn explain(result: &RunResult) -> Explanation {
    let metrics = metrics::lines(result);
    let mut findings = findings::all(result);
    findings.extend(bottlenecks::all(result));
    findings.extend(trends::all(result));
    findings.extend(generator::all(result));
    if against_secret_bottleneck(result) {
        findings.iter_mut().for_each(conceal);
    }
    findings.sort_by_key(|finding| (finding.severity, finding.id.rank()));
    let any_problem = findings.iter().any(|finding| finding.severity != Severity::Note);
    let mut explanation = Explanation { metrics, findings, healthy: false, verdict: String::new() };
    let targets_met = explanation.missed_targets().is_empty();
    let findings = &explanation.findings;
    let healthy = result.total.num_requests > 0 && targets_met && !any_problem;
    let verdict = if result.total.num_requests == 0 {
        VERDICT_NO_DATA.to_string()
    } else if healthy {
        VERDICT_HEALTHY.to_string()
    } else if any_problem {
        let first = findings.iter().find(|f| f.severity != Severity::Note).map(|f| f.title.clone());
        format!("{VERDICT_PROBLEMS} 가장 먼저 볼 것: {}", first.unwrap_or_default())
    } else {
        VERDICT_TARGETS_MISSED.to_string()
    };
    explanation.healthy = healthy;
    explanation.verdict = verdict;
    explanation
}

/// Whether the target was the lab server running the hunt's secret bottleneck.
fn against_secret_bottleneck(result: &RunResult) -> bool {
    result.history.iter().any(|point| point.server.is_some_and(|sample| sample.secret_bottleneck))
}

const HIDDEN_TITLE: &str = "병목 징후가 보여요 — 이름은 아래 숫자를 읽고 추리해 보세요";
fn hidden_advice() -> String {
    format!(
        "무엇인지 알 것 같으면 `{}`으로 맞혀 보세요 (이름 목록: `{}`). 맞히면 고치는 방법도 알려 드려요.",
        crate::places::command("hunt guess 이름"),
        crate::places::command("hunt")
    )
}

/// In the hunt, a finding that would name the bottleneck keeps its evidence and loses its name
/// and its cure (the cure names it too).
fn conceal(finding: &mut Finding) {
    if FindingId::BOTTLENECKS.contains(&finding.id) {
        finding.id = FindingId::Undisclosed;
        finding.title = HIDDEN_TITLE.to_string();
        finding.advice = vec![hidden_advice()];
    }
}

const VERDICT_NO_DATA: &str = "기록된 요청이 없어 해설할 숫자가 없어요.";
const VERDICT_HEALTHY: &str = "문제없는 실행이에요: 가이드의 목표(중앙값·p95·p99·실패율)를 모두 지켰고, 데이터에서 병목 징후를 찾지 못했어요.";
const VERDICT_PROBLEMS: &str = "위의 발견한 점을 순서대로 확인하세요.";
const VERDICT_TARGETS_MISSED: &str = "목표를 넘은 지표가 있지만, 이 실행의 데이터만으로는 원인을 하나로 좁힐 수 없어요. \
     사용자 수를 단계적으로 늘리는 실행(--shape)으로 어느 사용자 수에서 느려지는지 보거나, \
     엔드포인트별 응답 시간을 비교해 보세요.";

/// Hand-built results for the unit tests of the detectors.
#[cfg(test)]
pub(crate) mod testing {
    use std::collections::BTreeMap;

    use crate::engine::RunResult;
    use crate::engine::stats::{
        ClassInfo, EndpointStats, HistoryPoint, PERCENTILES, Percentile, RecordedSettings,
    };
    use crate::engine::user::WaitTime;

    /// A row whose percentiles spread from `median_ms` (p50) to twice it (p100).
    pub fn endpoint(method: &str, name: &str, requests: u64, failures: u64, median_ms: f64) -> EndpointStats {
        let seconds = 60.0;
        EndpointStats {
            method: method.to_string(),
            name: name.to_string(),
            num_requests: requests,
            num_failures: failures,
            avg_response_time: median_ms * 1.1,
            min_response_time: median_ms * 0.5,
            max_response_time: median_ms * 2.0,
            median_response_time: median_ms,
            avg_content_length: 200.0,
            total_content_length: requests * 200,
            requests_per_second: requests as f64 / seconds,
            failures_per_second: failures as f64 / seconds,
            percentiles: PERCENTILES
                .iter()
                .map(|&q| Percentile { quantile: q, response_time: median_ms * (1.0 + 2.0 * (q - 0.5)) })
                .collect(),
            status_codes: BTreeMap::from([(200, requests - failures), (500, failures)])
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .collect(),
            corrected: None,
        }
    }

    pub fn point(elapsed: f64, users: usize, rps: f64, p95: f64) -> HistoryPoint {
        HistoryPoint {
            elapsed,
            timestamp: chrono::DateTime::from_timestamp(1_700_000_000 + elapsed as i64, 0)
                .unwrap_or_default(),
            users,
            target_users: users,
            requests_per_second: rps,
            failures_per_second: 0.0,
            p50_response_time: p95 / 2.0,
            p95_response_time: p95,
            total_requests: (rps * elapsed) as u64,
            total_failures: 0,
            window: 1.0,
            server: None,
        }
    }

    /// A 60-second run of 20 `between(1, 3)` users with these rows and the given total.
    pub fn result(stats: Vec<EndpointStats>, total: EndpointStats) -> RunResult {
        let start = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        RunResult {
            loadlab_version: "test".to_string(),
            settings: RecordedSettings {
                users: 20,
                spawn_rate: 20.0,
                run_time: Some(60.0),
                host: "http://127.0.0.1:8000".to_string(),
                classes: vec![ClassInfo {
                    name: "TodoUser".to_string(),
                    weight: 1,
                    wait_time: WaitTime::Between { min: 1.0, max: 3.0 },
                    users: 20,
                    tasks: vec![("list_todos".to_string(), 1)],
                }],
                shape: None,
                time_scale: 1.0,
                embedded_server: false,
            },
            start_time: start,
            end_time: start + chrono::Duration::seconds(60),
            duration: 60.0,
            interrupted: false,
            stats,
            total,
            errors: Vec::new(),
            exceptions: Vec::new(),
            history: (1..=60).map(|s| point(s as f64, 20, 10.0, 20.0)).collect(),
            generator: Default::default(),
        }
    }

    /// A run with one fast endpoint and the given history.
    pub fn result_with_history(history: Vec<HistoryPoint>) -> RunResult {
        let row = endpoint("GET", "/todos/", 5000, 0, 10.0);
        let mut total = row.clone();
        total.method = String::new();
        total.name = "Aggregated".to_string();
        let mut result = result(vec![row], total);
        result.settings.shape = Some("stress".to_string());
        result.history = history;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{endpoint, point, result};
    use super::*;

    fn aggregated(mut row: crate::engine::stats::EndpointStats) -> crate::engine::stats::EndpointStats {
        row.method = String::new();
        row.name = "Aggregated".to_string();
        row
    }

    #[test]
    fn the_closed_loop_model_gives_the_lessons_ceiling() {
        // Lesson 10: 100 TodoUsers with between(1, 3) can send at most 100 ÷ 2.01 ≈ 49.8 req/s.
        let row = endpoint("GET", "/todos/", 30_000, 0, 10.0 / 1.1);
        let mut run = result(vec![row.clone()], aggregated(row));
        run.settings.users = 100;
        run.settings.classes[0].users = 100;
        run.history = (1..=600).map(|s| point(s as f64, 100, 49.0, 20.0)).collect();
        let model = metrics::closed_loop(&run).expect("a model");
        assert!((model.predicted_rps - 100.0 / 2.01).abs() < 0.01, "{model:?}");
        run.settings.time_scale = 0.5;
        let faster = metrics::closed_loop(&run).unwrap();
        assert!((faster.predicted_rps - 100.0 / 1.01).abs() < 0.01, "waits halved: {faster:?}");
    }

    #[test]
    fn a_run_without_requests_says_so_and_nothing_else() {
        let empty = endpoint("GET", "/x", 0, 0, 0.0);
        let explanation = explain(&result(Vec::new(), aggregated(empty)));
        assert_eq!(explanation.ids(), ["no-requests"]);
        assert_eq!(explanation.metrics.len(), 1);
        assert!(!explanation.healthy);
    }

    #[test]
    fn missed_targets_without_evidence_of_a_cause_name_no_cause() {
        // Every endpoint equally slow, constant users: the data shows slowness but no culprit.
        let rows = vec![endpoint("GET", "/a", 3000, 0, 400.0), endpoint("POST", "/b", 3000, 0, 420.0)];
        let explanation = explain(&result(rows.clone(), aggregated(endpoint("", "", 6000, 0, 410.0))));
        let p95 = explanation.metrics.iter().find(|m| m.id == "p95").unwrap();
        assert_eq!(p95.mark, Mark::Warn, "779 ms is in the guide's 500–1000 ms band");
        assert!(explanation.findings.is_empty(), "{:?}", explanation.ids());
        assert!(!explanation.healthy);
        assert_eq!(explanation.verdict, VERDICT_TARGETS_MISSED);
    }

    #[test]
    fn a_run_that_is_mostly_ramp_up_gets_a_note() {
        let row = endpoint("GET", "/a", 3000, 0, 10.0);
        let mut run = result(vec![row.clone()], aggregated(row));
        run.duration = 15.0;
        // RPS follows the users (no saturation): only the ramp-up is worth a word.
        run.history =
            (1..=15).map(|s| point(s as f64, (s * 2).min(20), (s * 2).min(20) as f64, 10.0)).collect();
        let explanation = explain(&run);
        let note = explanation.finding(FindingId::ShortSteadyState).expect("ramp-up note");
        assert_eq!(note.severity, Severity::Note);
        assert!(note.evidence[0].contains("9~10초"), "{:?}", note.evidence);
        assert!(explanation.healthy, "a note is no problem: {:?}", explanation.ids());
    }

    #[test]
    fn rendering_aligns_values_by_display_width() {
        let row = endpoint("GET", "/a", 3000, 0, 10.0);
        let text = explain(&result(vec![row.clone()], aggregated(row))).render(false);
        let column = |label: &str| {
            let line = text.lines().find(|l| l.contains(label)).unwrap();
            let value_end = line.find(" ms").unwrap();
            unicode_width::UnicodeWidthStr::width(&line[..value_end])
        };
        assert_eq!(column("중앙값 (Median)"), column("95%ile"), "{text}");
    }
}
