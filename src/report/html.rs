//! `--html FILE`: one self-contained HTML report that opens offline — inline CSS, charts drawn
//! here as inline SVG, no script, no font, image or stylesheet from anywhere else. It holds the
//! run's header (time range, host, classes, settings), the Korean explanation, charts over time
//! (requests/s with failures/s, p50 and p95 against the guide's 500/1000 ms bands, users), and
//! Locust's tables (request statistics, percentiles, status codes, failures, exceptions).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::engine::RunResult;
use crate::engine::console::{format_ms, percent_label};
use crate::engine::stats::{EndpointStats, PERCENTILES};
use crate::explain::{Explanation, Mark, Severity};
use crate::report::short_number;

/// Writes the report of `result` to `path`.
pub fn write(path: &Path, result: &RunResult) -> anyhow::Result<()> {
    std::fs::write(path, render(result))
        .with_context(|| format!("HTML 보고서를 쓸 수 없어요: {}", path.display()))
}

/// The report as one HTML document.
pub fn render(result: &RunResult) -> String {
    let explanation = crate::explain::explain(result);
    let mut html = String::with_capacity(64 * 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(html, "<title>loadlab 부하 테스트 결과 — {}</title>", escape(&result.settings.host));
    let _ = writeln!(html, "<style>{STYLE}</style>\n</head>\n<body>");
    header(&mut html, result);
    explanation_section(&mut html, &explanation);
    charts(&mut html, result);
    saturation_section(&mut html, result);
    request_table(&mut html, result);
    percentile_table(&mut html, result);
    corrected_table(&mut html, result);
    status_table(&mut html, result);
    failure_table(&mut html, result);
    exception_table(&mut html, result);
    let _ = writeln!(
        html,
        "<footer>loadlab {} — 이 파일은 인터넷 없이 열리도록 차트와 스타일을 모두 안에 담고 있어요.</footer>\n</body>\n</html>",
        escape(&result.loadlab_version)
    );
    html
}

const STYLE: &str = r#"
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --good: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; color: var(--fg); background: #fff;
  font: 15px/1.55 "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", system-ui, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 8px; }
.headline { font-size: 16px; margin: 8px 0 16px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: right; white-space: nowrap; }
th { background: var(--bg); font-weight: 600; }
td.text, th.text { text-align: left; white-space: normal; }
tr.total td { font-weight: 600; background: var(--bg); }
.scroll { overflow-x: auto; }
.empty { color: var(--muted); }
.mark { text-align: center; }
td.text.meaning { min-width: 320px; }
.good { color: var(--good); } .warn { color: var(--warn); } .bad { color: var(--bad); }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--muted); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.finding.problem { border-left-color: var(--bad); } .finding.warning { border-left-color: var(--warn); }
.finding h3 { margin: 0 0 6px; }
.finding ul { margin: 4px 0; padding-left: 20px; }
.finding .advice li::marker { content: "→ "; }
.verdict { font-weight: 600; padding: 10px 14px; border-radius: 6px; background: var(--bg); }
.verdict.healthy { color: var(--good); }
figure { margin: 12px 0 20px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font-size: 12px; fill: var(--muted); font-family: inherit; }
svg.chart .grid { stroke: #eaeef2; }
svg.chart .axis { stroke: var(--line); }
svg.chart .hit { fill: transparent; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
"#;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

fn local_time(time: chrono::DateTime<chrono::Utc>) -> String {
    time.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn header(html: &mut String, result: &RunResult) {
    let settings = &result.settings;
    let total = &result.total;
    let _ = writeln!(html, "<header>\n<h1>부하 테스트 결과</h1>");
    let _ = writeln!(
        html,
        "<p class=\"headline\">요청 <b>{}</b>건, 실패 <b>{}</b>건 ({}%), 중앙값 <b>{} ms</b>, p95 <b>{} ms</b>, <b>{:.1}</b> req/s</p>",
        total.num_requests,
        total.num_failures,
        short_number(total.failure_ratio() * 100.0),
        format_ms(total.median_response_time),
        format_ms(total.percentile(0.95)),
        total.requests_per_second
    );
    html.push_str("<dl class=\"meta\">\n");
    let offset = chrono::Local::now().format("%:z");
    let _ = writeln!(
        html,
        "<dt>기간</dt><dd>{} ~ {} (UTC{offset}), {}초{}</dd>",
        local_time(result.start_time),
        local_time(result.end_time),
        short_number(result.duration),
        if result.interrupted { " — Ctrl-C로 일찍 끝남" } else { "" }
    );
    let _ = writeln!(
        html,
        "<dt>대상 호스트</dt><dd>{}{}</dd>",
        escape(&settings.host),
        if settings.embedded_server { " (내장 실습 서버)" } else { "" }
    );
    let mut plan = format!("사용자 {}명", settings.users);
    // A shaped run has no single spawn rate (each stage sets its own pace).
    if settings.shape.is_none() {
        let _ = write!(plan, ", 초당 {}명 투입", short_number(settings.spawn_rate));
    }
    if let Some(run_time) = settings.run_time {
        let _ = write!(plan, ", 실행 시간 {}초", short_number(run_time));
    }
    if let Some(shape) = &settings.shape {
        let _ = write!(plan, ", 부하 모양 {}", escape(shape));
    }
    if settings.time_scale != 1.0 {
        let _ = write!(plan, ", 대기 시간 배율 {}", short_number(settings.time_scale));
    }
    let _ = writeln!(html, "<dt>설정</dt><dd>{plan}</dd>");
    html.push_str("</dl>\n");
    if !settings.classes.is_empty() {
        html.push_str("<div class=\"scroll\"><table id=\"classes\">\n<tr><th class=\"text\">사용자 클래스</th><th>가중치</th><th class=\"text\">대기 시간</th><th>끝날 때 사용자</th><th class=\"text\">작업 (가중치)</th></tr>\n");
        for class in &settings.classes {
            let tasks: Vec<String> =
                class.tasks.iter().map(|(name, weight)| format!("{} ({weight})", escape(name))).collect();
            let _ = writeln!(
                html,
                "<tr><td class=\"text\">{}</td><td>{}</td><td class=\"text\">{}</td><td>{}</td><td class=\"text\">{}</td></tr>",
                escape(&class.name),
                class.weight,
                escape(&class.wait_time.to_string()),
                class.users,
                tasks.join(", ")
            );
        }
        html.push_str("</table></div>\n");
    }
    html.push_str("</header>\n");
}

/// The mark as a symbol and a word, so it reads even where no emoji font is installed.
fn mark_text(mark: Mark) -> String {
    let word = match mark {
        Mark::Good => "통과",
        Mark::Warn => "주의",
        Mark::Bad => "미달",
        Mark::Info => return String::new(),
    };
    format!("<span class=\"{}\">{} {word}</span>", mark_class(mark), mark.symbol())
}

fn mark_class(mark: Mark) -> &'static str {
    match mark {
        Mark::Good => "good",
        Mark::Warn => "warn",
        Mark::Bad => "bad",
        Mark::Info => "",
    }
}

fn explanation_section(html: &mut String, explanation: &Explanation) {
    html.push_str("<section id=\"explain\">\n<h2>결과 해설 — 가이드의 목표와 비교</h2>\n");
    html.push_str("<div class=\"scroll\"><table>\n<tr><th class=\"text\">지표</th><th>값</th><th>기준</th><th class=\"mark\">판정</th><th class=\"text\">의미</th></tr>\n");
    for metric in &explanation.metrics {
        let _ = writeln!(
            html,
            "<tr><td class=\"text\">{}</td><td class=\"{}\">{}</td><td>{}</td><td class=\"mark\">{}</td><td class=\"text\">{}</td></tr>",
            escape(&metric.label),
            mark_class(metric.mark),
            escape(&metric.value),
            escape(metric.target.as_deref().unwrap_or("")),
            mark_text(metric.mark),
            escape(&metric.meaning)
        );
    }
    html.push_str("</table></div>\n<h3>발견한 점</h3>\n");
    if explanation.findings.is_empty() {
        html.push_str("<p class=\"empty\">데이터에서 짚을 만한 문제를 찾지 못했어요.</p>\n");
    }
    for finding in &explanation.findings {
        let class = match finding.severity {
            Severity::Problem => "problem",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let _ = writeln!(
            html,
            "<div class=\"finding {class}\" data-finding=\"{}\">\n<h3>{} {}</h3>",
            finding.id.as_str(),
            finding.severity.symbol(),
            escape(&finding.title)
        );
        if !finding.evidence.is_empty() {
            html.push_str("<ul class=\"evidence\">");
            for line in &finding.evidence {
                let _ = write!(html, "<li>{}</li>", escape(line));
            }
            html.push_str("</ul>\n");
        }
        if !finding.advice.is_empty() {
            html.push_str("<ul class=\"advice\">");
            for line in &finding.advice {
                let _ = write!(html, "<li>{}</li>", escape(line));
            }
            html.push_str("</ul>\n");
        }
        html.push_str("</div>\n");
    }
    let _ = writeln!(
        html,
        "<p class=\"verdict{}\">{}</p>\n</section>",
        if explanation.healthy { " healthy" } else { "" },
        escape(&explanation.verdict)
    );
}

struct Series<'a> {
    key: &'a str,
    label: &'a str,
    color: &'a str,
    dashed: bool,
    values: Vec<f64>,
}

const CHART_WIDTH: f64 = 960.0;
const CHART_HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 34.0;

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

/// A line chart of `series` over `x` (seconds). `bands` shades the guide's latency zones.
fn line_chart(
    id: &str,
    title: &str,
    unit: &str,
    x: &[f64],
    series: &[Series<'_>],
    bands: bool,
    counts: bool,
) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<figure id=\"{id}\">\n<figcaption>{}</figcaption>\n<svg class=\"chart\" viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        escape(title)
    );
    let plot_w = CHART_WIDTH - LEFT - RIGHT;
    let plot_h = CHART_HEIGHT - TOP - BOTTOM;
    if x.is_empty() {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">기록된 초 단위 데이터가 없어요 (1초보다 짧은 실행)</text>\n</svg>\n</figure>",
            CHART_WIDTH / 2.0,
            CHART_HEIGHT / 2.0
        );
        return svg;
    }
    let x_max = x.iter().copied().fold(1.0, f64::max);
    // An all-zero series still gets an axis from 0 to 1; counts get whole-number ticks.
    let y_peak = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max).max(1.0);
    let y_step = if counts { nice_step(y_peak / 5.0).max(1.0) } else { nice_step(y_peak / 5.0) };
    let y_max = ((y_peak / y_step).ceil() * y_step).max(y_step);
    let px = |value: f64| LEFT + value / x_max * plot_w;
    let py = |value: f64| TOP + plot_h - value.min(y_max) / y_max * plot_h;

    if bands {
        // The guide's response-time zones: < 500 ms normal, 500–1000 ms caution, > 1000 ms slow.
        for (from, to, color, label) in [
            (0.0, 500.0, "#dafbe1", "정상 < 500 ms"),
            (500.0, 1000.0, "#fff8c5", "주의 500–1000 ms"),
            (1000.0, f64::INFINITY, "#ffebe9", "느림 > 1000 ms"),
        ] {
            if from >= y_max {
                continue;
            }
            let (top, bottom) = (py(to.min(y_max)), py(from));
            let _ = writeln!(
                svg,
                "<rect class=\"band\" x=\"{LEFT}\" y=\"{top:.1}\" width=\"{plot_w}\" height=\"{:.1}\" fill=\"{color}\" opacity=\"0.6\"><title>{label}</title></rect>",
                bottom - top
            );
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
                LEFT + plot_w - 6.0,
                top + 14.0
            );
        }
    }
    let mut tick = 0.0;
    while tick <= y_max + y_step / 2.0 {
        let y = py(tick);
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0,
            axis_number(tick)
        );
        tick += y_step;
    }
    let x_step = nice_step(x_max / 8.0);
    let mut tick = 0.0;
    while tick <= x_max + 1e-9 {
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}s</text>",
            px(tick),
            TOP + plot_h + 18.0,
            axis_number(tick)
        );
        tick += x_step;
    }
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\">{}</text>",
        TOP + plot_h,
        LEFT + plot_w,
        TOP + plot_h,
        4.0,
        TOP - 12.0,
        escape(unit)
    );
    let mut legend_x = LEFT + 60.0;
    for line in series {
        let points: Vec<String> =
            x.iter().zip(&line.values).map(|(&t, &v)| format!("{:.1},{:.1}", px(t), py(v))).collect();
        let dash = if line.dashed { " stroke-dasharray=\"6 4\"" } else { "" };
        let _ = writeln!(
            svg,
            "<polyline class=\"series\" data-series=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash} points=\"{}\"><title>{}</title></polyline>",
            line.key,
            line.color,
            points.join(" "),
            escape(line.label)
        );
        let _ = writeln!(
            svg,
            "<line x1=\"{legend_x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"3\"{dash}/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            TOP - 16.0,
            legend_x + 22.0,
            TOP - 16.0,
            line.color,
            legend_x + 28.0,
            TOP - 12.0,
            escape(line.label)
        );
        legend_x += 40.0 + line.label.chars().count() as f64 * 9.0;
    }
    // Hover targets: one per second, with every series' value in the tooltip.
    if x.len() <= 900 {
        let step = if x.len() > 1 { plot_w / (x.len() - 1) as f64 } else { plot_w };
        for (index, &t) in x.iter().enumerate() {
            let values: Vec<String> = series
                .iter()
                .map(|s| format!("{} {}", s.label, short_number(s.values.get(index).copied().unwrap_or(0.0))))
                .collect();
            let _ = writeln!(
                svg,
                "<rect class=\"hit\" x=\"{:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{plot_h}\"><title>{}초: {}</title></rect>",
                px(t) - step / 2.0,
                step.max(1.0),
                short_number(t),
                escape(&values.join(", "))
            );
        }
    }
    svg.push_str("</svg>\n</figure>\n");
    svg
}

fn charts(html: &mut String, result: &RunResult) {
    let history = &result.history;
    let x: Vec<f64> = history.iter().map(|p| p.elapsed).collect();
    html.push_str("<section id=\"charts\">\n<h2>시간에 따른 변화</h2>\n");
    html.push_str(&line_chart(
        "chart-rps",
        "초당 요청 수와 실패 수",
        "건/초",
        &x,
        &[
            Series {
                key: "rps",
                label: "요청/초",
                color: "#0969da",
                dashed: false,
                values: history.iter().map(|p| p.requests_per_second).collect(),
            },
            Series {
                key: "fps",
                label: "실패/초",
                color: "#cf222e",
                dashed: false,
                values: history.iter().map(|p| p.failures_per_second).collect(),
            },
        ],
        false,
        true,
    ));
    html.push_str(&line_chart(
        "chart-response-times",
        "응답 시간 (그 1초 동안의 p50, p95)",
        "ms",
        &x,
        &[
            Series {
                key: "p50",
                label: "p50 (중앙값)",
                color: "#8250df",
                dashed: false,
                values: history.iter().map(|p| p.p50_response_time).collect(),
            },
            Series {
                key: "p95",
                label: "p95",
                color: "#bc4c00",
                dashed: false,
                values: history.iter().map(|p| p.p95_response_time).collect(),
            },
        ],
        true,
        false,
    ));
    html.push_str(&line_chart(
        "chart-users",
        "사용자 수",
        "명",
        &x,
        &[
            Series {
                key: "users",
                label: "실행 중",
                color: "#1a7f37",
                dashed: false,
                values: history.iter().map(|p| p.users as f64).collect(),
            },
            Series {
                key: "target-users",
                label: "목표",
                color: "#59636e",
                dashed: true,
                values: history.iter().map(|p| p.target_users as f64).collect(),
            },
        ],
        false,
        true,
    ));
    html.push_str(&line_chart(
        "chart-failures",
        "누적 실패 수",
        "건",
        &x,
        &[Series {
            key: "total-failures",
            label: "누적 실패",
            color: "#cf222e",
            dashed: false,
            values: history.iter().map(|p| p.total_failures as f64).collect(),
        }],
        false,
        true,
    ));
    html.push_str("</section>\n");
}

/// For runs whose users grow in steps: the saturation finder's table and break points.
fn saturation_section(html: &mut String, result: &RunResult) {
    let Some(saturation) = crate::explain::saturation::find(result) else { return };
    html.push_str(
        "<section id=\"saturation\">\n<h2>포화점 찾기 (실습 3)</h2>\n<div class=\"scroll\"><table>\n",
    );
    html.push_str("<tr><th>사용자</th><th>처리량 (req/s)</th><th>p95 (ms)</th><th>실패/s</th><th class=\"text\">표시</th></tr>\n");
    let max_rps = saturation.steps.iter().map(|step| step.requests_per_second).fold(0.0, f64::max).max(0.001);
    for step in &saturation.steps {
        let width = (step.requests_per_second / max_rps * 160.0).round();
        let mut marks = Vec::new();
        for (point, label) in [
            (&saturation.p95_break, "p95 급증"),
            (&saturation.throughput_plateau, "처리량 한계"),
            (&saturation.errors_begin, "실패 시작"),
        ] {
            if point.as_ref().is_some_and(|p| p.users == step.users) {
                marks.push(label);
            }
        }
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td><svg width=\"170\" height=\"12\" role=\"img\" aria-label=\"{:.1} req/s\"><rect width=\"{width}\" height=\"12\" fill=\"#0969da\"/></svg> {:.1}</td><td>{}</td><td>{:.1}</td><td class=\"text\">{}</td></tr>",
            step.users,
            step.requests_per_second,
            step.requests_per_second,
            crate::engine::console::format_ms(step.p95_ms),
            step.failures_per_second,
            escape(&marks.join(", "))
        );
    }
    html.push_str("</table></div>\n<ul>\n");
    for (label, point) in [
        ("응답 시간(p95)이 급증한 지점", &saturation.p95_break),
        ("처리량이 더 늘지 않은 지점", &saturation.throughput_plateau),
        ("실패가 나오기 시작한 지점", &saturation.errors_begin),
    ] {
        let text = match point {
            Some(point) => format!("사용자 {}명 — {}", point.users, point.evidence),
            None => "이번 실행에서는 나타나지 않았어요".to_string(),
        };
        let _ = writeln!(html, "<li><strong>{label}</strong>: {}</li>", escape(&text));
    }
    html.push_str("</ul>\n</section>\n");
}

fn rows_with_total(result: &RunResult) -> impl Iterator<Item = (&EndpointStats, bool)> {
    result.stats.iter().map(|s| (s, false)).chain(std::iter::once((&result.total, true)))
}

fn request_table(html: &mut String, result: &RunResult) {
    html.push_str("<section id=\"requests\">\n<h2>요청 통계</h2>\n<div class=\"scroll\"><table>\n");
    html.push_str("<tr><th class=\"text\">종류</th><th class=\"text\">이름</th><th>요청 수</th><th>실패 수</th><th>평균 (ms)</th><th>최소 (ms)</th><th>최대 (ms)</th><th>중앙값 (ms)</th><th>평균 크기 (bytes)</th><th>req/s</th><th>실패/s</th></tr>\n");
    for (stats, total) in rows_with_total(result) {
        let _ = writeln!(
            html,
            "<tr{}><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{} ({}%)</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0}</td><td>{:.2}</td><td>{:.2}</td></tr>",
            if total { " class=\"total\"" } else { "" },
            escape(&stats.method),
            escape(&stats.name),
            stats.num_requests,
            stats.num_failures,
            short_number(stats.failure_ratio() * 100.0),
            format_ms(stats.avg_response_time),
            format_ms(stats.min_response_time),
            format_ms(stats.max_response_time),
            format_ms(stats.median_response_time),
            stats.avg_content_length,
            stats.requests_per_second,
            stats.failures_per_second
        );
    }
    html.push_str("</table></div>\n</section>\n");
}

fn percentile_table(html: &mut String, result: &RunResult) {
    html.push_str("<section id=\"percentiles\">\n<h2>응답 시간 백분위 (ms, 오차 0.1% 이내)</h2>\n<div class=\"scroll\"><table>\n<tr><th class=\"text\">종류</th><th class=\"text\">이름</th>");
    for quantile in PERCENTILES {
        let _ = write!(html, "<th>{}</th>", percent_label(quantile));
    }
    html.push_str("<th>요청 수</th></tr>\n");
    for (stats, total) in rows_with_total(result) {
        let _ = write!(
            html,
            "<tr{}><td class=\"text\">{}</td><td class=\"text\">{}</td>",
            if total { " class=\"total\"" } else { "" },
            escape(&stats.method),
            escape(&stats.name)
        );
        for quantile in PERCENTILES {
            let _ = write!(html, "<td>{}</td>", format_ms(stats.percentile(quantile)));
        }
        let _ = writeln!(html, "<td>{}</td></tr>", stats.num_requests);
    }
    html.push_str("</table></div>\n</section>\n");
}

/// Fixed-rate users that started late: each differing row's measured and intended-start times.
fn corrected_table(html: &mut String, result: &RunResult) {
    if result.total.corrected_if_different().is_none() {
        return;
    }
    html.push_str(
        "<section id=\"corrected\">\n<h2>의도한 시작부터 잰 응답 시간 (ms, coordinated omission 보정)</h2>\n",
    );
    html.push_str("<p>고정 속도(constant_throughput) 사용자의 요청은 앞 요청이 늦게 끝나면 늦게 출발해요. 아래 표는 서버가 응답하는 데 걸린 시간과, 요청을 보냈어야 할 시각부터 잰 시간을 나란히 보여 줘요.</p>\n");
    html.push_str("<div class=\"scroll\"><table>\n<tr><th class=\"text\">종류</th><th class=\"text\">이름</th><th class=\"text\">기준</th>");
    for quantile in PERCENTILES {
        let _ = write!(html, "<th>{}</th>", percent_label(quantile));
    }
    html.push_str("<th>평균</th></tr>\n");
    for (stats, total) in rows_with_total(result) {
        let Some(corrected) = stats.corrected_if_different() else { continue };
        let class = if total { " class=\"total\"" } else { "" };
        let _ = write!(
            html,
            "<tr{class}><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">응답 시간</td>",
            escape(&stats.method),
            escape(&stats.name)
        );
        for quantile in PERCENTILES {
            let _ = write!(html, "<td>{}</td>", format_ms(stats.percentile(quantile)));
        }
        let _ = writeln!(html, "<td>{}</td></tr>", format_ms(stats.avg_response_time));
        let _ = write!(html, "<tr{class}><td></td><td></td><td class=\"text\">의도한 시작부터</td>");
        for quantile in PERCENTILES {
            let _ = write!(html, "<td>{}</td>", format_ms(corrected.percentile(quantile)));
        }
        let _ = writeln!(html, "<td>{}</td></tr>", format_ms(corrected.avg_response_time));
    }
    html.push_str("</table></div>\n</section>\n");
}

fn status_table(html: &mut String, result: &RunResult) {
    html.push_str("<section id=\"status-codes\">\n<h2>상태 코드</h2>\n<div class=\"scroll\"><table>\n<tr><th class=\"text\">종류</th><th class=\"text\">이름</th><th class=\"text\">상태 코드별 횟수 (0: 응답 없음)</th></tr>\n");
    for (stats, total) in rows_with_total(result) {
        let codes: Vec<String> =
            stats.status_codes.iter().map(|(code, count)| format!("{code}: {count}")).collect();
        let _ = writeln!(
            html,
            "<tr{}><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
            if total { " class=\"total\"" } else { "" },
            escape(&stats.method),
            escape(&stats.name),
            codes.join(", ")
        );
    }
    html.push_str("</table></div>\n</section>\n");
}

fn failure_table(html: &mut String, result: &RunResult) {
    html.push_str("<section id=\"failures\">\n<h2>실패 (Failures)</h2>\n");
    if result.errors.is_empty() {
        html.push_str("<p class=\"empty\">실패한 요청이 없어요.</p>\n</section>\n");
        return;
    }
    html.push_str("<div class=\"scroll\"><table>\n<tr><th>횟수</th><th class=\"text\">종류</th><th class=\"text\">이름</th><th class=\"text\">오류</th></tr>\n");
    for error in &result.errors {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
            error.occurrences,
            escape(&error.method),
            escape(&error.name),
            escape(&error.error)
        );
    }
    html.push_str("</table></div>\n</section>\n");
}

fn exception_table(html: &mut String, result: &RunResult) {
    html.push_str("<section id=\"exceptions\">\n<h2>예외 (작업 안에서 난 패닉)</h2>\n");
    if result.exceptions.is_empty() {
        html.push_str("<p class=\"empty\">패닉이 없었어요.</p>\n</section>\n");
        return;
    }
    html.push_str("<div class=\"scroll\"><table>\n<tr><th>횟수</th><th class=\"text\">사용자 클래스</th><th class=\"text\">작업</th><th class=\"text\">메시지</th><th class=\"text\">위치</th></tr>\n");
    for exception in &result.exceptions {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
            exception.count,
            escape(&exception.user_class),
            escape(&exception.task),
            escape(&exception.message),
            escape(&exception.location)
        );
    }
    html.push_str("</table></div>\n</section>\n");
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
    fn corrected_times_get_a_section_only_when_they_differ() {
        let mut result: RunResult =
            serde_json::from_str(include_str!("../../tests/fixtures/report/result.json")).expect("fixture");
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
    fn markup_is_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
