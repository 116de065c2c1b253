//! The HTML report's charts over time, drawn here as inline SVG (no script, no library, so the
//! report opens offline): requests/s with failures/s, p50 and p95 against `explain`'s latency
//! targets, users running against the target, and failures so far.
//!
//! Promises: one polyline point per recorded second for every series; every spliced text is
//! escaped (maud); the latency bands are read from `explain::metrics`, so the chart and the
//! explanation never disagree on what is slow; a run shorter than a second gets a note
//! instead of an empty chart.

use maud::{Markup, html};

use crate::engine::RunResult;
use crate::explain::metrics::{P95_TARGET_MS, P99_TARGET_MS};
use crate::text::short_number;

struct Series<'a> {
    key: &'a str,
    label: &'a str,
    color: &'a str,
    dashed: bool,
    values: Vec<f64>,
}

/// What a chart's y axis counts.
#[derive(Clone, Copy, PartialEq)]
enum Axis {
    /// Whole things (requests, users): whole-number ticks.
    Counts,
    /// Response times in ms, shaded by the guide's latency zones.
    Latency,
}

const CHART_WIDTH: f64 = 960.0;
const CHART_HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 34.0;
const PLOT_W: f64 = CHART_WIDTH - LEFT - RIGHT;
const PLOT_H: f64 = CHART_HEIGHT - TOP - BOTTOM;
/// Above this many seconds, no per-second hover targets (they would outweigh the chart).
const MAX_HOVER_POINTS: usize = 900;

/// The charts section of the report.
pub(super) fn section(result: &RunResult) -> Markup {
    let history = &result.history;
    let x: Vec<f64> = history.iter().map(|p| p.elapsed).collect();
    let series = |key, label, color, values: Vec<f64>| Series { key, label, color, dashed: false, values };
    html! {
        section #charts {
            h2 { "시간에 따른 변화" }
            (line_chart("chart-rps", "초당 요청 수와 실패 수", "건/초", &x, Axis::Counts, &[
                series("rps", "요청/초", "#0969da", history.iter().map(|p| p.requests_per_second).collect()),
                series("fps", "실패/초", "#cf222e", history.iter().map(|p| p.failures_per_second).collect()),
            ]))
            (line_chart("chart-response-times", "응답 시간 (그 1초 동안의 p50, p95)", "ms", &x, Axis::Latency, &[
                series("p50", "p50 (중앙값)", "#8250df", history.iter().map(|p| p.p50_response_time).collect()),
                series("p95", "p95", "#bc4c00", history.iter().map(|p| p.p95_response_time).collect()),
            ]))
            (line_chart("chart-users", "사용자 수", "명", &x, Axis::Counts, &[
                series("users", "실행 중", "#1a7f37", history.iter().map(|p| p.users as f64).collect()),
                Series {
                    dashed: true,
                    ..series("target-users", "목표", "#59636e", history.iter().map(|p| p.target_users as f64).collect())
                },
            ]))
            (line_chart("chart-failures", "누적 실패 수", "건", &x, Axis::Counts, &[
                series("total-failures", "누적 실패", "#cf222e", history.iter().map(|p| p.total_failures as f64).collect()),
            ]))
        }
    }
}

/// A round step near `raw`: 1, 2 or 5 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|step| *step >= raw).unwrap_or(10.0 * power)
}

fn axis_number(value: f64) -> String {
    if value >= 1000.0 && value % 1000.0 == 0.0 {
        format!("{}k", value / 1000.0)
    } else {
        short_number(value)
    }
}

fn one(value: f64) -> String {
    format!("{value:.1}")
}

/// The guide's response-time zones, from explain's targets: below the p95 target normal, up
/// to the p99 target caution (explain's "주의" band for p95), beyond it slow.
fn latency_bands() -> [(f64, f64, &'static str, String); 3] {
    let (caution, slow) = (P95_TARGET_MS, P99_TARGET_MS);
    [
        (0.0, caution, "#dafbe1", format!("정상 < {} ms", short_number(caution))),
        (caution, slow, "#fff8c5", format!("주의 {}–{} ms", short_number(caution), short_number(slow))),
        (slow, f64::INFINITY, "#ffebe9", format!("느림 > {} ms", short_number(slow))),
    ]
}

/// A line chart of `series` over `x` (seconds).
fn line_chart(id: &str, title: &str, unit: &str, x: &[f64], axis: Axis, series: &[Series<'_>]) -> Markup {
    html! {
        figure id=(id) {
            figcaption { (title) }
            svg.chart viewBox=(format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}")) role="img" aria-label=(title) {
                @if x.is_empty() {
                    text x=(CHART_WIDTH / 2.0) y=(CHART_HEIGHT / 2.0) text-anchor="middle" {
                        "기록된 초 단위 데이터가 없어요 (1초보다 짧은 실행)"
                    }
                } @else {
                    (plot(unit, x, axis, series))
                }
            }
        }
    }
}

fn plot(unit: &str, x: &[f64], axis: Axis, series: &[Series<'_>]) -> Markup {
    let x_max = x.iter().copied().fold(1.0, f64::max);
    // An all-zero series still gets an axis from 0 to 1; counts get whole-number ticks.
    let y_peak = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max).max(1.0);
    let y_step =
        if axis == Axis::Counts { nice_step(y_peak / 5.0).max(1.0) } else { nice_step(y_peak / 5.0) };
    let y_max = ((y_peak / y_step).ceil() * y_step).max(y_step);
    let px = |value: f64| LEFT + value / x_max * PLOT_W;
    let py = |value: f64| TOP + PLOT_H - value.min(y_max) / y_max * PLOT_H;
    let y_ticks: Vec<f64> =
        (0..).map(|i| i as f64 * y_step).take_while(|tick| *tick <= y_max + y_step / 2.0).collect();
    let x_step = nice_step(x_max / 8.0);
    let x_ticks: Vec<f64> =
        (0..).map(|i| i as f64 * x_step).take_while(|tick| *tick <= x_max + 1e-9).collect();
    let mut legend_x = Vec::new();
    let mut next = LEFT + 60.0;
    for line in series {
        legend_x.push(next);
        next += 40.0 + line.label.chars().count() as f64 * 9.0;
    }
    html! {
        @if axis == Axis::Latency {
            @for (from, to, color, label) in latency_bands() {
                @if from < y_max {
                    @let (top, bottom) = (py(to.min(y_max)), py(from));
                    rect.band x=(LEFT) y=(one(top)) width=(PLOT_W) height=(one(bottom - top)) fill=(color) opacity="0.6" {
                        title { (label) }
                    }
                    text x=(one(LEFT + PLOT_W - 6.0)) y=(one(top + 14.0)) text-anchor="end" { (label) }
                }
            }
        }
        @for tick in y_ticks {
            line.grid x1=(LEFT) y1=(one(py(tick))) x2=(one(LEFT + PLOT_W)) y2=(one(py(tick))) {}
            text x=(one(LEFT - 6.0)) y=(one(py(tick) + 4.0)) text-anchor="end" { (axis_number(tick)) }
        }
        @for tick in x_ticks {
            text x=(one(px(tick))) y=(one(TOP + PLOT_H + 18.0)) text-anchor="middle" { (axis_number(tick)) "s" }
        }
        line.axis x1=(LEFT) y1=(one(TOP + PLOT_H)) x2=(one(LEFT + PLOT_W)) y2=(one(TOP + PLOT_H)) {}
        text x=(one(4.0)) y=(one(TOP - 12.0)) text-anchor="start" { (unit) }
        @for (line, legend) in series.iter().zip(legend_x) {
            @let points: Vec<String> =
                x.iter().zip(&line.values).map(|(&t, &v)| format!("{},{}", one(px(t)), one(py(v)))).collect();
            @let dash = line.dashed.then_some("6 4");
            polyline.series data-series=(line.key) fill="none" stroke=(line.color) stroke-width="2"
                stroke-dasharray=[dash] points=(points.join(" ")) {
                title { (line.label) }
            }
            line x1=(one(legend)) y1=(one(TOP - 16.0)) x2=(one(legend + 22.0)) y2=(one(TOP - 16.0))
                stroke=(line.color) stroke-width="3" stroke-dasharray=[dash] {}
            text x=(one(legend + 28.0)) y=(one(TOP - 12.0)) { (line.label) }
        }
        // Hover targets: one per second, with every series' value in the tooltip.
        @if x.len() <= MAX_HOVER_POINTS {
            @let step = if x.len() > 1 { PLOT_W / (x.len() - 1) as f64 } else { PLOT_W };
            @for (index, &t) in x.iter().enumerate() {
                @let values: Vec<String> = series
                    .iter()
                    .map(|s| format!("{} {}", s.label, short_number(s.values.get(index).copied().unwrap_or(0.0))))
                    .collect();
                rect.hit x=(one(px(t) - step / 2.0)) y=(TOP) width=(one(step.max(1.0))) height=(PLOT_H) {
                    title { (short_number(t)) "초: " (values.join(", ")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(nice_step(240.0), 500.0);
    }

    #[test]
    fn latency_bands_follow_explains_targets() {
        let bands = latency_bands();
        assert_eq!((bands[0].1, bands[1].0), (P95_TARGET_MS, P95_TARGET_MS));
        assert_eq!((bands[1].1, bands[2].0), (P99_TARGET_MS, P99_TARGET_MS));
        assert_eq!(bands[1].3, format!("주의 {}–{} ms", P95_TARGET_MS, P99_TARGET_MS));
    }
}
