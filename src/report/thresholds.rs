//! `--check "p95<500ms,fail<0.1%,rps>50"`: pass/fail criteria on a run, as in the guide's
//! release check ("실전 시나리오 1: 출시 전 성능 검증"). [`parse`] runs before the load starts so
//! a typo costs no test run; [`evaluate`] judges a finished run; [`render`] says it in Korean.
//!
//! Grammar: criteria separated by `,`; each is `[NAME:]METRIC OP VALUE[UNIT]`.
//! - NAME: a request name from the statistics (it may contain spaces, brackets and colons: the
//!   name ends at the last `:`), optionally prefixed by its method (`GET /todos/`), or
//!   `Aggregated`. Without a name the criterion is on the aggregated row.
//! - METRIC: `avg`, `median` (= `p50`), `p66` … `p99.99` (the percentiles of the report),
//!   `p100` (= `max`), `min`, `fail` (failure rate, %), `rps` (requests/s), `requests` (count),
//!   `failures` (count).
//! - OP: `<`, `<=`, `>`, `>=`.
//! - UNIT: `ms` or `s` for times (required), `%` for `fail` (required), none for the others.

use colored::Colorize;

use crate::engine::RunResult;
use crate::engine::stats::{EndpointStats, PERCENTILES};
use crate::text::percent_label;
use crate::text::{columns, short_number};

const EXAMPLE: &str = "예: --check \"p95<500ms,fail<0.1%,rps>50\" 또는 \"/todos/ [GET - List]:p95<300ms\"";

/// What a criterion measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    Average,
    /// A quantile of [`PERCENTILES`] (0.5 for the median).
    Percentile(f64),
    Min,
    Max,
    /// Failures as a percentage of requests.
    FailRate,
    RequestsPerSecond,
    Requests,
    Failures,
}

impl Metric {
    fn is_time(self) -> bool {
        matches!(self, Metric::Average | Metric::Percentile(_) | Metric::Min | Metric::Max)
    }

    /// Korean name for verdicts.
    pub fn label(self) -> String {
        match self {
            Metric::Average => "평균 응답 시간".to_string(),
            Metric::Percentile(0.5) => "중앙값".to_string(),
            Metric::Percentile(q) => format!("p{}", percent_label(q).trim_end_matches('%')),
            Metric::Min => "최소 응답 시간".to_string(),
            Metric::Max => "최대 응답 시간".to_string(),
            Metric::FailRate => "실패율".to_string(),
            Metric::RequestsPerSecond => "RPS".to_string(),
            Metric::Requests => "요청 수".to_string(),
            Metric::Failures => "실패 수".to_string(),
        }
    }

    /// This metric of `stats`, in the criterion's base unit (ms, %, req/s, count).
    pub fn value(self, stats: &EndpointStats) -> f64 {
        match self {
            Metric::Average => stats.avg_response_time,
            Metric::Percentile(q) => stats.percentile(q),
            Metric::Min => stats.min_response_time,
            Metric::Max => stats.max_response_time,
            Metric::FailRate => stats.failure_ratio() * 100.0,
            Metric::RequestsPerSecond => stats.requests_per_second,
            Metric::Requests => stats.num_requests as f64,
            Metric::Failures => stats.num_failures as f64,
        }
    }

    fn format(self, value: f64) -> String {
        match self {
            _ if self.is_time() => format!("{} ms", crate::text::format_ms(value)),
            Metric::FailRate => format!("{}%", short_number(value)),
            Metric::RequestsPerSecond => format!("{} req/s", short_number(value)),
            _ => format!("{}", value.round()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Op {
    fn holds(self, actual: f64, limit: f64) -> bool {
        match self {
            Op::Less => actual < limit,
            Op::LessOrEqual => actual <= limit,
            Op::Greater => actual > limit,
            Op::GreaterOrEqual => actual >= limit,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Less => "<",
            Op::LessOrEqual => "<=",
            Op::Greater => ">",
            Op::GreaterOrEqual => ">=",
        }
    }
}

/// One parsed criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// The criterion as written (trimmed).
    pub text: String,
    /// The request name it applies to; `None` for the aggregated row.
    pub name: Option<String>,
    pub metric: Metric,
    pub op: Op,
    /// The limit in the metric's base unit (ms, %, req/s, count).
    pub limit: f64,
}

/// The judgement of one criterion on one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub criterion: Criterion,
    /// The measured value; `None` when the named request is not in the result.
    pub actual: Option<f64>,
    pub passed: bool,
    /// Korean: the comparison in words.
    pub message: String,
}

/// Parses `--check` text, or says in Korean what is wrong with it.
pub fn parse(text: &str) -> Result<Vec<Criterion>, String> {
    let mut criteria = Vec::new();
    for part in split(text) {
        criteria.push(parse_one(&part)?);
    }
    if criteria.is_empty() {
        return Err(format!("--check에 기준이 없어요. {EXAMPLE}"));
    }
    Ok(criteria)
}

/// Splits on commas, but keeps a comma inside a request name: a piece with no comparison
/// operator after its last `:` is the start of a name, so it joins the next piece.
fn split(text: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for piece in text.split(',') {
        let joined = match pending.take() {
            Some(start) => format!("{start},{piece}"),
            None => piece.to_string(),
        };
        let tail = joined.rsplit(':').next().unwrap_or("");
        if tail.contains(['<', '>']) || joined.trim().is_empty() {
            parts.push(joined);
        } else {
            pending = Some(joined);
        }
    }
    parts.extend(pending);
    parts.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

fn parse_one(text: &str) -> Result<Criterion, String> {
    let (name, expression) = match text.rfind(':') {
        Some(at) => {
            let name = text[..at].trim();
            if name.is_empty() {
                return Err(format!("기준 '{text}': ':' 앞에 요청 이름이 없어요. {EXAMPLE}"));
            }
            (Some(name.to_string()), &text[at + 1..])
        }
        None => (None, text),
    };
    let Some(at) = expression.find(['<', '>']) else {
        return Err(format!("기준 '{text}'에 비교 기호(<, <=, >, >=)가 없어요. {EXAMPLE}"));
    };
    let metric_text = expression[..at].trim().to_lowercase();
    let rest = &expression[at..];
    let (op, value_text) = if let Some(v) = rest.strip_prefix("<=") {
        (Op::LessOrEqual, v)
    } else if let Some(v) = rest.strip_prefix(">=") {
        (Op::GreaterOrEqual, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (Op::Less, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (Op::Greater, v)
    } else {
        unreachable!("rest starts with < or >")
    };
    let metric = parse_metric(&metric_text).map_err(|why| format!("기준 '{text}': {why}"))?;
    let limit = parse_value(metric, value_text.trim()).map_err(|why| format!("기준 '{text}': {why}"))?;
    Ok(Criterion { text: text.to_string(), name, metric, op, limit })
}

fn available_percentiles() -> String {
    PERCENTILES
        .iter()
        .filter(|&&q| q < 1.0)
        .map(|&q| format!("p{}", percent_label(q).trim_end_matches('%')))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_metric(text: &str) -> Result<Metric, String> {
    Ok(match text {
        "avg" | "average" | "mean" => Metric::Average,
        "median" | "med" => Metric::Percentile(0.5),
        "min" => Metric::Min,
        "max" | "p100" => Metric::Max,
        "fail" | "fail_ratio" | "failure" | "error" | "errors" => Metric::FailRate,
        "rps" => Metric::RequestsPerSecond,
        "requests" | "reqs" => Metric::Requests,
        "failures" | "fails" => Metric::Failures,
        "" => return Err("지표가 없어요 (예: p95, avg, fail, rps)".to_string()),
        _ if text.starts_with('p') => {
            let number: f64 = text[1..]
                .parse()
                .map_err(|_| format!("알 수 없는 지표 '{text}' — 쓸 수 있는 지표: {}", known_metrics()))?;
            let quantile = number / 100.0;
            match PERCENTILES.iter().find(|&&q| (q - quantile).abs() < 1e-9) {
                Some(&q) if q >= 1.0 => Metric::Max,
                Some(&q) => Metric::Percentile(q),
                None => {
                    return Err(format!(
                        "'{text}'는 보고서에 기록되지 않는 백분위예요 — 쓸 수 있는 백분위: {}",
                        available_percentiles()
                    ));
                }
            }
        }
        _ => return Err(format!("알 수 없는 지표 '{text}' — 쓸 수 있는 지표: {}", known_metrics())),
    })
}

fn known_metrics() -> String {
    format!("avg, median, {}, max, min, fail(%), rps, requests, failures", available_percentiles())
}

fn parse_value(metric: Metric, text: &str) -> Result<f64, String> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = (&text[..split], text[split..].trim());
    let value: f64 =
        number.parse().map_err(|_| format!("'{text}'는 숫자가 아니에요 (예: 500ms, 1s, 0.1%, 50)"))?;
    // Hundreds of digits parse to infinity: a limit must be a number a run can be held to.
    let value = crate::limits::measure(value, text)?;
    if metric.is_time() {
        match unit {
            "ms" => Ok(value),
            "s" => Ok(value * 1000.0),
            "" => Err(format!("시간에는 단위가 필요해요: {number}ms 또는 {number}s")),
            other => Err(format!("시간 단위 '{other}'를 몰라요: ms 또는 s를 쓰세요")),
        }
    } else if metric == Metric::FailRate {
        match unit {
            "%" => Ok(value),
            "" => Err(format!("실패율에는 %가 필요해요: fail<{number}%")),
            other => Err(format!("실패율 단위 '{other}'를 몰라요: %를 쓰세요 (예: fail<0.1%)")),
        }
    } else {
        match unit {
            "" => Ok(value),
            "/s" if metric == Metric::RequestsPerSecond => Ok(value),
            other => Err(format!("{}에는 단위 '{other}'를 붙이지 않아요", metric.label())),
        }
    }
}

/// Finds the row a criterion names: `Aggregated` or no name → the total; otherwise a row by
/// name, or by `METHOD name`.
fn row<'a>(name: Option<&str>, result: &'a RunResult) -> Result<&'a EndpointStats, String> {
    let Some(name) = name else { return Ok(&result.total) };
    if name == "Aggregated" {
        return Ok(&result.total);
    }
    let exact: Vec<&EndpointStats> = result.stats.iter().filter(|s| s.name == name).collect();
    match exact.as_slice() {
        [one] => return Ok(one),
        [] => {}
        many => {
            let methods: Vec<&str> = many.iter().map(|s| s.method.as_str()).collect();
            return Err(format!(
                "이름 '{name}'인 요청이 여러 종류예요({}): '{} {name}:…'처럼 종류를 앞에 붙이세요",
                methods.join(", "),
                methods[0]
            ));
        }
    }
    if let Some(found) = result.stats.iter().find(|s| format!("{} {}", s.method, s.name) == name) {
        return Ok(found);
    }
    let known: Vec<&str> = result.stats.iter().map(|s| s.name.as_str()).collect();
    Err(format!("이 실행에 '{name}'이라는 요청이 없어요 (있는 이름: {})", known.join(", ")))
}

/// Judges every criterion on `result`.
pub fn evaluate(criteria: &[Criterion], result: &RunResult) -> Vec<Verdict> {
    criteria
        .iter()
        .map(|criterion| match row(criterion.name.as_deref(), result) {
            Err(message) => Verdict { criterion: criterion.clone(), actual: None, passed: false, message },
            Ok(stats) => {
                let actual = criterion.metric.value(stats);
                let passed = stats.num_requests > 0 && criterion.op.holds(actual, criterion.limit);
                let metric = criterion.metric;
                let mut message = format!(
                    "{} {} → 기준 {} {}",
                    metric.label(),
                    metric.format(actual),
                    criterion.op.symbol(),
                    metric.format(criterion.limit)
                );
                message.push_str(if passed { ": 통과" } else { ": 미달" });
                if stats.num_requests == 0 {
                    message = format!("{}: 요청이 없어 판정할 수 없어요", metric.label());
                }
                Verdict { criterion: criterion.clone(), actual: Some(actual), passed, message }
            }
        })
        .collect()
}

/// Whether every verdict passed.
pub fn all_passed(verdicts: &[Verdict]) -> bool {
    verdicts.iter().all(|verdict| verdict.passed)
}

/// The verdicts as Korean console text, ending with the overall outcome.
pub fn render(verdicts: &[Verdict], color: bool) -> String {
    let paint = |text: String, passed: bool| {
        if !color {
            text
        } else if passed {
            text.green().to_string()
        } else {
            text.red().to_string()
        }
    };
    let rows: Vec<Vec<String>> = verdicts
        .iter()
        .map(|verdict| {
            vec![
                if verdict.passed { "✅".to_string() } else { "❌".to_string() },
                verdict.criterion.text.clone(),
                verdict.message.clone(),
            ]
        })
        .collect();
    let title = "기준 검사 (--check)";
    let mut out = if color { title.bold().to_string() } else { title.to_string() };
    out.push('\n');
    out.push_str(&columns(&rows, &[true, true, true], "  "));
    let failed = verdicts.iter().filter(|verdict| !verdict.passed).count();
    let summary = if failed == 0 {
        format!("기준 {}개를 모두 통과했어요.", verdicts.len())
    } else {
        format!(
            "기준 {}개 중 {failed}개를 통과하지 못했어요 (종료 코드 {}).",
            verdicts.len(),
            super::EXIT_THRESHOLD_FAILED
        )
    };
    out.push_str(&paint(summary, failed == 0));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any criteria text is criteria with finite limits, or a sentence.
        #[test]
        fn any_criteria_are_finite_or_a_sentence(text in "([a-z/ \\[\\]]{0,6}:)?p?[a-z0-9.]{0,6}(<=|>=|<|>|=)[0-9.]{0,400}(ms|s|%|/s)?(,p95<1e3ms)?") {
            if let Ok(criteria) = super::parse(&text) {
                for criterion in criteria {
                    proptest::prop_assert!(criterion.limit.is_finite());
                }
            }
        }

        #[test]
        fn any_text_is_criteria_or_a_sentence(text in "\\PC{0,40}") {
            let _ = super::parse(&text);
        }
    }

    use super::*;

    #[test]
    fn the_guide_release_criteria_parse() {
        let criteria = parse("p95<500ms,fail<0.1%,rps>50").unwrap();
        assert_eq!(criteria.len(), 3);
        assert_eq!(criteria[0].metric, Metric::Percentile(0.95));
        assert_eq!(criteria[0].limit, 500.0);
        assert_eq!(criteria[1].metric, Metric::FailRate);
        assert_eq!(criteria[1].limit, 0.1);
        assert_eq!((criteria[2].metric, criteria[2].op), (Metric::RequestsPerSecond, Op::Greater));
    }

    #[test]
    fn seconds_become_milliseconds_and_aliases_resolve() {
        let criteria = parse("p99<1s, median<=0.2s, p100<2s, p99.9<1500ms").unwrap();
        assert_eq!(criteria[0].limit, 1000.0);
        assert_eq!(
            (criteria[1].metric, criteria[1].op, criteria[1].limit),
            (Metric::Percentile(0.5), Op::LessOrEqual, 200.0)
        );
        assert_eq!(criteria[2].metric, Metric::Max);
        assert_eq!(criteria[3].metric, Metric::Percentile(0.999));
    }

    #[test]
    fn names_may_hold_spaces_brackets_colons_and_commas() {
        let criteria = parse("/todos/ [GET - List]:p95<300ms,a:b, c [x]:avg<10ms,fail<1%").unwrap();
        assert_eq!(criteria[0].name.as_deref(), Some("/todos/ [GET - List]"));
        assert_eq!(criteria[1].name.as_deref(), Some("a:b, c [x]"));
        assert_eq!(criteria[1].metric, Metric::Average);
        assert_eq!(criteria[2].name, None);
    }

    #[test]
    fn malformed_criteria_are_rejected_in_korean() {
        for (text, expected) in [
            ("p95<500", "단위"),
            ("p97<500ms", "기록되지 않는 백분위"),
            ("speed<5ms", "알 수 없는 지표"),
            ("p95 500ms", "비교 기호"),
            ("fail<0.1", "%"),
            ("p95<abc", "숫자가 아니에요"),
            ("rps>50ms", "단위"),
            (":p95<5ms", "요청 이름"),
            ("", "기준이 없어요"),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
