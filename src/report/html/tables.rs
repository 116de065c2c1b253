//! The HTML report's tables, the same as Locust's report: request statistics, response-time
//! percentiles, times from the intended start (fixed-rate users that started late), status
//! codes, failures and exceptions; and, for runs whose users grow in steps, the saturation
//! finder's table and break points.
//!
//! Promises: every row of the run plus the aggregated row, in the run's order; every spliced
//! text is escaped (maud); a section with nothing to show says so, or is left out where it
//! only exists for some runs (saturation, corrected times).

use maud::{Markup, html};

use crate::engine::RunResult;
use crate::engine::stats::{EndpointStats, PERCENTILES};
use crate::text::short_number;
use crate::text::{format_ms, percent_label};

fn rows_with_total(result: &RunResult) -> impl Iterator<Item = (&EndpointStats, bool)> {
    result.stats.iter().map(|s| (s, false)).chain(std::iter::once((&result.total, true)))
}

/// For runs whose users grow in steps: the saturation finder's table and break points.
pub(super) fn saturation(result: &RunResult) -> Markup {
    let Some(saturation) = crate::explain::saturation::find(result) else { return html! {} };
    let max_rps = saturation.steps.iter().map(|step| step.requests_per_second).fold(0.0, f64::max).max(0.001);
    let points = [
        (&saturation.p95_break, "p95 급증", "응답 시간(p95)이 급증한 지점"),
        (&saturation.throughput_plateau, "처리량 한계", "처리량이 더 늘지 않은 지점"),
        (&saturation.errors_begin, "실패 시작", "실패가 나오기 시작한 지점"),
    ];
    html! {
        section #saturation {
            h2 { "포화점 찾기 (실습 3)" }
            div.scroll {
                table {
                    tr { th { "사용자" } th { "처리량 (req/s)" } th { "p95 (ms)" } th { "실패/s" } th.text { "표시" } }
                    @for step in &saturation.steps {
                        @let width = (step.requests_per_second / max_rps * 160.0).round();
                        @let marks: Vec<&str> = points
                            .iter()
                            .filter(|(point, _, _)| point.as_ref().is_some_and(|p| p.users == step.users))
                            .map(|(_, mark, _)| *mark)
                            .collect();
                        @let rps = format!("{:.1}", step.requests_per_second);
                        tr {
                            td { (step.users) }
                            td {
                                svg width="170" height="12" role="img" aria-label=(format!("{rps} req/s")) {
                                    rect width=(width) height="12" fill="#0969da" {}
                                }
                                " " (rps)
                            }
                            td { (format_ms(step.p95_ms)) }
                            td { (format!("{:.1}", step.failures_per_second)) }
                            td.text { (marks.join(", ")) }
                        }
                    }
                }
            }
            ul {
                @for (point, _, label) in &points {
                    li {
                        strong { (label) } ": "
                        @match point {
                            Some(point) => { "사용자 " (point.users) "명 — " (point.evidence) }
                            None => { "이번 실행에서는 나타나지 않았어요" }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn requests(result: &RunResult) -> Markup {
    html! {
        section #requests {
            h2 { "요청 통계" }
            div.scroll {
                table {
                    tr {
                        th.text { "종류" } th.text { "이름" } th { "요청 수" } th { "실패 수" } th { "평균 (ms)" }
                        th { "최소 (ms)" } th { "최대 (ms)" } th { "중앙값 (ms)" } th { "평균 크기 (bytes)" }
                        th { "req/s" } th { "실패/s" }
                    }
                    @for (stats, total) in rows_with_total(result) {
                        tr class=[total.then_some("total")] {
                            td.text { (stats.method) }
                            td.text { (stats.name) }
                            td { (stats.num_requests) }
                            td { (stats.num_failures) " (" (short_number(stats.failure_ratio() * 100.0)) "%)" }
                            td { (format_ms(stats.avg_response_time)) }
                            td { (format_ms(stats.min_response_time)) }
                            td { (format_ms(stats.max_response_time)) }
                            td { (format_ms(stats.median_response_time)) }
                            td { (format!("{:.0}", stats.avg_content_length)) }
                            td { (format!("{:.2}", stats.requests_per_second)) }
                            td { (format!("{:.2}", stats.failures_per_second)) }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn percentiles(result: &RunResult) -> Markup {
    html! {
        section #percentiles {
            @let heading = crate::engine::console::percentile_heading(result);
            @let (title, note) = heading.split_once('\n').unwrap_or((heading, ""));
            h2 { (title) }
            @if !note.is_empty() { p { (note) } }
            div.scroll {
                table {
                    tr {
                        th.text { "종류" } th.text { "이름" }
                        @for quantile in PERCENTILES { th { (percent_label(quantile)) } }
                        th { "요청 수" }
                    }
                    @for (stats, total) in rows_with_total(result) {
                        tr class=[total.then_some("total")] {
                            td.text { (stats.method) }
                            td.text { (stats.name) }
                            @for quantile in PERCENTILES { td { (format_ms(stats.percentile(quantile))) } }
                            td { (stats.num_requests) }
                        }
                    }
                }
            }
        }
    }
}

/// Fixed-rate users that started late: each differing row's measured and intended-start times.
pub(super) fn corrected(result: &RunResult) -> Markup {
    if result.total.corrected_if_different().is_none() {
        return html! {};
    }
    html! {
        section #corrected {
            h2 { "의도한 시작부터 잰 응답 시간 (ms, coordinated omission 보정)" }
            p {
                "고정 속도(constant_throughput) 사용자의 요청은 앞 요청이 늦게 끝나면 늦게 출발해요. \
                 아래 표는 서버가 응답하는 데 걸린 시간과, 요청을 보냈어야 할 시각부터 잰 시간을 나란히 보여 줘요."
            }
            div.scroll {
                table {
                    tr {
                        th.text { "종류" } th.text { "이름" } th.text { "기준" }
                        @for quantile in PERCENTILES { th { (percent_label(quantile)) } }
                        th { "평균" }
                    }
                    @for (stats, total) in rows_with_total(result) {
                        @if let Some(corrected) = stats.corrected_if_different() {
                            tr class=[total.then_some("total")] {
                                td.text { (stats.method) }
                                td.text { (stats.name) }
                                td.text { "응답 시간" }
                                @for quantile in PERCENTILES { td { (format_ms(stats.percentile(quantile))) } }
                                td { (format_ms(stats.avg_response_time)) }
                            }
                            tr class=[total.then_some("total")] {
                                td {} td {}
                                td.text { "의도한 시작부터" }
                                @for quantile in PERCENTILES { td { (format_ms(corrected.percentile(quantile))) } }
                                td { (format_ms(corrected.avg_response_time)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn status_codes(result: &RunResult) -> Markup {
    html! {
        section #status-codes {
            h2 { "상태 코드" }
            div.scroll {
                table {
                    tr { th.text { "종류" } th.text { "이름" } th.text { "상태 코드별 횟수 (0: 응답 없음)" } }
                    @for (stats, total) in rows_with_total(result) {
                        @let codes: Vec<String> =
                            stats.status_codes.iter().map(|(code, count)| format!("{code}: {count}")).collect();
                        tr class=[total.then_some("total")] {
                            td.text { (stats.method) }
                            td.text { (stats.name) }
                            td.text { (codes.join(", ")) }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn failures(result: &RunResult) -> Markup {
    html! {
        section #failures {
            h2 { "실패 (Failures)" }
            @if result.errors.is_empty() {
                p.empty { "실패한 요청이 없어요." }
            } @else {
                div.scroll {
                    table {
                        tr { th { "횟수" } th.text { "종류" } th.text { "이름" } th.text { "오류" } }
                        @for error in &result.errors {
                            tr {
                                td { (error.occurrences) }
                                td.text { (error.method) }
                                td.text { (error.name) }
                                td.text { (error.error) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn exceptions(result: &RunResult) -> Markup {
    html! {
        section #exceptions {
            h2 { "예외 (작업 안에서 난 패닉)" }
            @if result.exceptions.is_empty() {
                p.empty { "패닉이 없었어요." }
            } @else {
                div.scroll {
                    table {
                        tr {
                            th { "횟수" } th.text { "사용자 클래스" } th.text { "작업" } th.text { "메시지" }
                            th.text { "위치" }
                        }
                        @for exception in &result.exceptions {
                            tr {
                                td { (exception.count) }
                                td.text { (exception.user_class) }
                                td.text { (exception.task) }
                                td.text { (exception.message) }
                                td.text { (exception.location) }
                            }
                        }
                    }
                }
            }
        }
    }
}
