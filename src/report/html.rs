//! `--html FILE`: one self-contained HTML report that opens offline — inline CSS
//! (`html/report.css`), charts drawn as inline SVG (`html/charts.rs`), no script, no font,
//! image or stylesheet from anywhere else. It holds the run's header (time range, host,
//! classes, settings), the Korean explanation, charts over time, and Locust's tables (request
//! statistics, percentiles, status codes, failures, exceptions).
//!
//! The markup goes through maud, which escapes every spliced value: a request name, host or
//! panic message can never open a tag in the learner's browser.

mod charts;
mod tables;

use std::path::Path;

use anyhow::Context;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::engine::RunResult;
use crate::explain::{Explanation, Mark, Severity};
use crate::text::format_ms;
use crate::text::short_number;

/// The report's stylesheet, inlined so the file opens offline.
const STYLE: &str = include_str!("html/report.css");

/// Writes the report of `result` to `path`.
pub fn write(path: &Path, result: &RunResult) -> anyhow::Result<()> {
    std::fs::write(path, render(result))
        .with_context(|| format!("HTML 보고서를 쓸 수 없어요: {}", path.display()))
}

/// The report as one HTML document.
pub fn render(result: &RunResult) -> String {
    let explanation = crate::explain::explain(result);
    let page = html! {
        (DOCTYPE)
        html lang="ko" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "loadlab 부하 테스트 결과 — " (result.settings.host) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (header(result))
                (explanation_section(&explanation))
                (charts::section(result))
                (tables::saturation(result))
                (tables::requests(result))
                (tables::percentiles(result))
                (tables::corrected(result))
                (tables::status_codes(result))
                (tables::failures(result))
                (tables::exceptions(result))
                footer {
                    "loadlab " (result.loadlab_version)
                    " — 이 파일은 인터넷 없이 열리도록 차트와 스타일을 모두 안에 담고 있어요."
                }
            }
        }
    };
    page.into_string()
}

fn local_time(time: chrono::DateTime<chrono::Utc>) -> String {
    time.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The run's settings in one line: users, spawn rate, run time, shape, wait-time scale.
fn plan(result: &RunResult) -> String {
    let settings = &result.settings;
    let mut plan = format!("사용자 {}명", settings.users);
    // A shaped run has no single spawn rate (each stage sets its own pace).
    if settings.shape.is_none() {
        plan.push_str(&format!(", 초당 {}명 투입", short_number(settings.spawn_rate)));
    }
    if let Some(run_time) = settings.run_time {
        plan.push_str(&format!(", 실행 시간 {}초", short_number(run_time)));
    }
    if let Some(shape) = &settings.shape {
        plan.push_str(&format!(", 부하 모양 {shape}"));
    }
    if settings.time_scale != 1.0 {
        plan.push_str(&format!(", 대기 시간 배율 {}", short_number(settings.time_scale)));
    }
    plan
}

fn header(result: &RunResult) -> Markup {
    let settings = &result.settings;
    let total = &result.total;
    let offset = chrono::Local::now().format("%:z");
    html! {
        header {
            h1 { "부하 테스트 결과" }
            p.headline {
                "요청 " b { (total.num_requests) } "건, 실패 " b { (total.num_failures) } "건 ("
                (short_number(total.failure_ratio() * 100.0)) "%), 중앙값 " b { (format_ms(total.median_response_time)) " ms" }
                ", p95 " b { (format_ms(total.percentile(0.95)) ) " ms" } ", " b { (format!("{:.1}", total.requests_per_second)) } " req/s"
            }
            dl.meta {
                dt { "기간" }
                dd {
                    (local_time(result.start_time)) " ~ " (local_time(result.end_time)) " (UTC" (offset) "), "
                    (short_number(result.duration)) "초"
                    @if result.interrupted { " — Ctrl-C로 일찍 끝남" }
                }
                dt { "대상 호스트" }
                dd { (settings.host) @if settings.embedded_server { " (내장 실습 서버)" } }
                dt { "설정" }
                dd { (plan(result)) }
            }
            @if !settings.classes.is_empty() {
                div.scroll {
                    table #classes {
                        tr {
                            th.text { "사용자 클래스" } th { "가중치" } th.text { "대기 시간" } th { "끝날 때 사용자" }
                            th.text { "작업 (가중치)" }
                        }
                        @for class in &settings.classes {
                            @let tasks: Vec<String> =
                                class.tasks.iter().map(|(name, weight)| format!("{name} ({weight})")).collect();
                            tr {
                                td.text { (class.name) } td { (class.weight) } td.text { (class.wait_time) }
                                td { (class.users) } td.text { (tasks.join(", ")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The mark as a symbol and a word, so it reads even where no emoji font is installed.
fn mark_text(mark: Mark) -> Markup {
    let word = match mark {
        Mark::Good => "통과",
        Mark::Warn => "주의",
        Mark::Bad => "미달",
        Mark::Info => return html! {},
    };
    html! { span class=(mark_class(mark)) { (mark.symbol()) " " (word) } }
}

fn mark_class(mark: Mark) -> &'static str {
    match mark {
        Mark::Good => "good",
        Mark::Warn => "warn",
        Mark::Bad => "bad",
        Mark::Info => "",
    }
}

fn explanation_section(explanation: &Explanation) -> Markup {
    html! {
        section #explain {
            h2 { "결과 해설 — 가이드의 목표와 비교" }
            div.scroll {
                table {
                    tr { th.text { "지표" } th { "값" } th { "기준" } th.mark { "판정" } th.text { "의미" } }
                    @for metric in &explanation.metrics {
                        tr {
                            td.text { (metric.label) }
                            td class=(mark_class(metric.mark)) { (metric.value) }
                            td { (metric.target.as_deref().unwrap_or("")) }
                            td.mark { (mark_text(metric.mark)) }
                            td.text { (metric.meaning) }
                        }
                    }
                }
            }
            h3 { "발견한 점" }
            @if explanation.findings.is_empty() {
                p.empty { "데이터에서 짚을 만한 문제를 찾지 못했어요." }
            }
            @for finding in &explanation.findings {
                @let class = match finding.severity {
                    Severity::Problem => "problem",
                    Severity::Warning => "warning",
                    Severity::Note => "note",
                };
                div.finding.(class) data-finding=(finding.id.as_str()) {
                    h3 { (finding.severity.symbol()) " " (finding.title) }
                    @if !finding.evidence.is_empty() {
                        ul.evidence { @for line in &finding.evidence { li { (line) } } }
                    }
                    @if !finding.advice.is_empty() {
                        ul.advice { @for line in &finding.advice { li { (line) } } }
                    }
                }
            }
            p.verdict.healthy[explanation.healthy] { (explanation.verdict) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> RunResult {
        serde_json::from_str(include_str!("../../tests/fixtures/report/result.json")).expect("fixture")
    }

    #[test]
    fn corrected_times_get_a_section_only_when_they_differ() {
        let mut result = fixture();
        assert!(!render(&result).contains("id=\"corrected\""));
        let mut corrected = crate::engine::stats::CorrectedTimes {
            avg_response_time: result.total.avg_response_time,
            max_response_time: result.total.max_response_time,
            median_response_time: result.total.median_response_time,
            percentiles: result.total.percentiles.clone(),
        };
        result.total.corrected = Some(corrected.clone());
        assert!(!render(&result).contains("id=\"corrected\""), "equal figures: one table is enough");
        corrected.percentiles.iter_mut().for_each(|p| p.response_time += 250.0);
        result.total.corrected = Some(corrected);
        let html = render(&result);
        assert!(html.contains("id=\"corrected\"") && html.contains("의도한 시작부터"));
    }

    #[test]
    fn markup_in_names_is_escaped_everywhere() {
        let mut result = fixture();
        let evil = "<script>alert(1)</script> & \"x\"";
        result.stats[0].name = evil.to_string();
        result.settings.host = format!("http://127.0.0.1:8000/{evil}");
        if let Some(class) = result.settings.classes.first_mut() {
            class.name = evil.to_string();
        }
        let html = render(&result);
        assert!(!html.contains("<script"), "a name never opens a tag");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!html.contains(" & \""), "a bare & or quote from a name never reaches the page");
    }
}
