//! `compare BASE.json NEW.json`: the guide's regression check ("실전 시나리오 3: 릴리스 후 성능
//! 회귀 테스트"). Per request name — where regressions show; the aggregated row hides one slow
//! endpoint among many fast ones — it sets requests/s, median, p95, p99 and failure rate side by
//! side and calls each change 개선 (better), 비슷 (same) or 악화 (worse).
//!
//! Noise margin: a change counts only beyond it.
//! - Latency: max(10 %, 2 ms). Two runs of the same build on the same machine differ by a few
//!   percent (scheduling, other processes, the server's caches); 10 % sits above that and
//!   still catches the regressions that matter. The 2 ms floor is for sub-millisecond
//!   localhost latencies, where 0.4 → 0.9 ms is "+125 %" but only timer and scheduler jitter
//!   that no user can feel.
//! - Requests/s: 10 % (and at least 0.5 req/s). In a closed loop RPS follows users and wait
//!   times, and random waits alone move it a few percent between runs.
//! - Failure rate: 0.1 percentage points, the guide's failure target: a smaller change cannot
//!   turn a passing run into a failing one.
//!
//! `--noise P%` replaces the relative part (10 %); the absolute floors stay.
//! `--max-regression p95=10%,rps=5%` sets limits on the aggregated row; a limit exceeded makes
//! `compare` exit with [`EXIT_THRESHOLD_FAILED`](super::EXIT_THRESHOLD_FAILED).

use colored::Colorize;

use crate::engine::RunResult;
use crate::engine::console::{format_ms, truncate};
use crate::engine::stats::EndpointStats;
use crate::report::{columns, short_number};

/// The default relative noise margin (10 %).
pub const DEFAULT_NOISE: f64 = 0.10;
/// Latency changes below this many ms are noise, whatever the percentage.
pub const LATENCY_FLOOR_MS: f64 = 2.0;
/// RPS changes below this are noise.
pub const RPS_FLOOR: f64 = 0.5;
/// Failure-rate changes below this many percentage points are noise.
pub const FAIL_FLOOR_POINTS: f64 = 0.1;

const MAX_REGRESSION_EXAMPLE: &str = "예: --max-regression p95=10%,rps=5%,fail=0.1%";

/// A compared metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareMetric {
    Rps,
    Median,
    P95,
    P99,
    Average,
    /// Failure rate, in percent.
    FailRate,
}

impl CompareMetric {
    /// The metrics of the per-name table, in order.
    pub const TABLE: [CompareMetric; 5] = [
        CompareMetric::Rps,
        CompareMetric::Median,
        CompareMetric::P95,
        CompareMetric::P99,
        CompareMetric::FailRate,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CompareMetric::Rps => "req/s",
            CompareMetric::Median => "중앙값",
            CompareMetric::P95 => "p95",
            CompareMetric::P99 => "p99",
            CompareMetric::Average => "평균",
            CompareMetric::FailRate => "실패율",
        }
    }

    fn value(self, stats: &EndpointStats) -> f64 {
        match self {
            CompareMetric::Rps => stats.requests_per_second,
            CompareMetric::Median => stats.percentile(0.5),
            CompareMetric::P95 => stats.percentile(0.95),
            CompareMetric::P99 => stats.percentile(0.99),
            CompareMetric::Average => stats.avg_response_time,
            CompareMetric::FailRate => stats.failure_ratio() * 100.0,
        }
    }

    fn format(self, value: f64) -> String {
        match self {
            CompareMetric::Rps => format!("{value:.1}"),
            CompareMetric::FailRate => format!("{}%", short_number(value)),
            _ => format!("{} ms", format_ms(value)),
        }
    }

    fn parse(text: &str) -> Result<CompareMetric, String> {
        Ok(match text.trim().to_lowercase().as_str() {
            "rps" => CompareMetric::Rps,
            "median" | "p50" => CompareMetric::Median,
            "p95" => CompareMetric::P95,
            "p99" => CompareMetric::P99,
            "avg" | "average" => CompareMetric::Average,
            "fail" => CompareMetric::FailRate,
            other => {
                return Err(format!(
                    "--max-regression의 지표 '{other}'를 모릅니다 — 쓸 수 있는 지표: rps, median, p95, p99, avg, fail. {MAX_REGRESSION_EXAMPLE}"
                ));
            }
        })
    }
}

/// How a metric moved from base to new, judged against the noise margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Better,
    Same,
    Worse,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Better => "개선",
            Change::Same => "비슷",
            Change::Worse => "악화",
        }
    }
}

/// One metric of one request name in both runs.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDelta {
    pub metric: CompareMetric,
    pub base: f64,
    pub new: f64,
    pub change: Change,
}

impl MetricDelta {
    /// (new − base) / base, or `None` when base is 0.
    pub fn relative(&self) -> Option<f64> {
        (self.base != 0.0).then(|| (self.new - self.base) / self.base)
    }

    fn change_text(&self) -> String {
        let diff = self.new - self.base;
        let absolute = match self.metric {
            CompareMetric::Rps => format!("{diff:+.1}"),
            CompareMetric::FailRate => {
                format!("{}{}%p", if diff >= 0.0 { "+" } else { "" }, short_number(diff))
            }
            _ => format!("{}{} ms", if diff >= 0.0 { "+" } else { "-" }, format_ms(diff.abs())),
        };
        match (self.metric, self.relative()) {
            (CompareMetric::FailRate, _) | (_, None) => absolute,
            (_, Some(relative)) => format!("{absolute} ({:+.0}%)", relative * 100.0),
        }
    }
}

/// One request name in both runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RowComparison {
    pub method: String,
    pub name: String,
    /// Empty when the name is in only one run.
    pub deltas: Vec<MetricDelta>,
    /// Request counts in base and new (0 when absent).
    pub requests: (u64, u64),
}

impl RowComparison {
    pub fn delta(&self, metric: CompareMetric) -> Option<&MetricDelta> {
        self.deltas.iter().find(|delta| delta.metric == metric)
    }

    pub fn worse(&self) -> bool {
        self.deltas.iter().any(|delta| delta.change == Change::Worse)
    }

    pub fn better(&self) -> bool {
        self.deltas.iter().any(|delta| delta.change == Change::Better)
    }

    fn label(&self) -> String {
        if self.method.is_empty() { self.name.clone() } else { format!("{} {}", self.method, self.name) }
    }
}

/// A limit of `--max-regression`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegressionLimit {
    pub metric: CompareMetric,
    /// Relative (0.1 for 10 %) for latency and RPS; percentage points for the failure rate.
    pub limit: f64,
}

/// Options of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// The relative noise margin (0.1 for 10 %).
    pub noise: f64,
    pub max_regression: Vec<RegressionLimit>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions { noise: DEFAULT_NOISE, max_regression: Vec::new() }
    }
}

/// Parses `--noise 5%`.
pub fn parse_noise(text: &str) -> Result<f64, String> {
    let number = text
        .trim()
        .strip_suffix('%')
        .ok_or_else(|| format!("--noise '{text}'에는 %가 필요합니다 (예: --noise 5%)"))?;
    let value: f64 =
        number.trim().parse().map_err(|_| format!("--noise '{text}'는 숫자가 아닙니다 (예: --noise 5%)"))?;
    if !(0.0..1000.0).contains(&value) {
        return Err(format!("--noise '{text}'는 0% 이상이어야 합니다"));
    }
    Ok(value / 100.0)
}

/// Parses `--max-regression p95=10%,rps=5%,fail=0.1%`.
pub fn parse_max_regression(text: &str) -> Result<Vec<RegressionLimit>, String> {
    let mut limits = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((metric, value)) = part.split_once('=') else {
            return Err(format!("--max-regression의 '{part}'에 '='가 없습니다. {MAX_REGRESSION_EXAMPLE}"));
        };
        let metric = CompareMetric::parse(metric)?;
        let number = value.trim().strip_suffix('%').ok_or_else(|| {
            format!("--max-regression의 '{part}'에는 %가 필요합니다. {MAX_REGRESSION_EXAMPLE}")
        })?;
        let number: f64 = number
            .trim()
            .parse()
            .map_err(|_| format!("--max-regression의 '{part}': '{value}'는 숫자가 아닙니다"))?;
        let limit = if metric == CompareMetric::FailRate { number } else { number / 100.0 };
        limits.push(RegressionLimit { metric, limit });
    }
    if limits.is_empty() {
        return Err(format!("--max-regression에 한도가 없습니다. {MAX_REGRESSION_EXAMPLE}"));
    }
    Ok(limits)
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Names in the base run's order, then names only in the new run.
    pub rows: Vec<RowComparison>,
    pub total: RowComparison,
    /// Settings that differ between the runs (Korean lines); such a comparison is suspect.
    pub setting_differences: Vec<String>,
    /// `--max-regression` limits exceeded (Korean lines).
    pub exceeded: Vec<String>,
    pub noise: f64,
}

fn judge(metric: CompareMetric, base: f64, new: f64, noise: f64) -> Change {
    let diff = new - base;
    let margin = match metric {
        CompareMetric::FailRate => FAIL_FLOOR_POINTS,
        CompareMetric::Rps => (base.abs() * noise).max(RPS_FLOOR),
        _ => (base.abs() * noise).max(LATENCY_FLOOR_MS),
    };
    if diff.abs() <= margin {
        Change::Same
    } else if (diff > 0.0) == (metric == CompareMetric::Rps) {
        Change::Better
    } else {
        Change::Worse
    }
}

fn compare_rows(base: Option<&EndpointStats>, new: Option<&EndpointStats>, noise: f64) -> RowComparison {
    let any = base.or(new).expect("one side exists");
    let deltas = match (base, new) {
        (Some(base), Some(new)) => CompareMetric::TABLE
            .iter()
            .map(|&metric| {
                let (b, n) = (metric.value(base), metric.value(new));
                MetricDelta { metric, base: b, new: n, change: judge(metric, b, n, noise) }
            })
            .collect(),
        _ => Vec::new(),
    };
    RowComparison {
        method: any.method.clone(),
        name: any.name.clone(),
        deltas,
        requests: (base.map_or(0, |s| s.num_requests), new.map_or(0, |s| s.num_requests)),
    }
}

/// Compares `new` against `base`.
pub fn compare(base: &RunResult, new: &RunResult, options: &CompareOptions) -> Comparison {
    let noise = options.noise;
    let find = |result: &'_ RunResult, row: &EndpointStats| {
        result.stats.iter().find(|s| s.name == row.name && s.method == row.method).cloned()
    };
    let mut rows: Vec<RowComparison> =
        base.stats.iter().map(|row| compare_rows(Some(row), find(new, row).as_ref(), noise)).collect();
    rows.extend(
        new.stats
            .iter()
            .filter(|row| find(base, row).is_none())
            .map(|row| compare_rows(None, Some(row), noise)),
    );
    let total = compare_rows(Some(&base.total), Some(&new.total), noise);
    let exceeded = options
        .max_regression
        .iter()
        .filter_map(|limit| {
            let (b, n) = (limit.metric.value(&base.total), limit.metric.value(&new.total));
            let over = match limit.metric {
                CompareMetric::FailRate => n - b > limit.limit,
                CompareMetric::Rps => b > 0.0 && (b - n) / b > limit.limit,
                // A limit on latency counts only above the 2 ms floor: sub-ms jitter is no regression.
                _ => b > 0.0 && (n - b) / b > limit.limit && n - b > LATENCY_FLOOR_MS,
            };
            over.then(|| {
                let allowed = if limit.metric == CompareMetric::FailRate {
                    format!("+{}%p", short_number(limit.limit))
                } else {
                    format!("{}%", short_number(limit.limit * 100.0))
                };
                format!(
                    "{}: {} → {} (허용 {allowed})",
                    limit.metric.label(),
                    limit.metric.format(b),
                    limit.metric.format(n)
                )
            })
        })
        .collect();
    Comparison { rows, total, setting_differences: setting_differences(base, new), exceeded, noise }
}

fn setting_differences(base: &RunResult, new: &RunResult) -> Vec<String> {
    let (a, b) = (&base.settings, &new.settings);
    let mut out = Vec::new();
    if a.users != b.users {
        out.push(format!("사용자 수 {} → {}", a.users, b.users));
    }
    if a.spawn_rate != b.spawn_rate {
        out.push(format!("투입 속도 {} → {}", a.spawn_rate, b.spawn_rate));
    }
    if a.run_time != b.run_time {
        let show = |t: Option<f64>| t.map_or("무제한".to_string(), |t| format!("{}초", short_number(t)));
        out.push(format!("실행 시간 {} → {}", show(a.run_time), show(b.run_time)));
    }
    let classes = |s: &crate::engine::stats::RunSettings| {
        s.classes.iter().map(|c| format!("{} ({})", c.name, c.wait_time)).collect::<Vec<_>>().join(", ")
    };
    if classes(a) != classes(b) {
        out.push(format!("사용자 클래스 {} → {}", classes(a), classes(b)));
    }
    if a.shape != b.shape {
        out.push(format!(
            "부하 모양 {} → {}",
            a.shape.as_deref().unwrap_or("고정"),
            b.shape.as_deref().unwrap_or("고정")
        ));
    }
    if a.time_scale != b.time_scale {
        out.push(format!("대기 시간 배율 {} → {}", a.time_scale, b.time_scale));
    }
    out
}

impl Comparison {
    /// Whether a `--max-regression` limit was exceeded.
    pub fn regressed(&self) -> bool {
        !self.exceeded.is_empty()
    }

    /// The tables and the Korean summary.
    pub fn render(&self, color: bool) -> String {
        let bold = |text: String| if color { text.bold().to_string() } else { text };
        let mut out = String::new();
        out.push_str(&bold(format!(
            "성능 비교: 기준 → 새 결과 (잡음 범위: 응답 시간 ±max({}%, {} ms), req/s ±{}%, 실패율 ±{}%p)",
            short_number(self.noise * 100.0),
            short_number(LATENCY_FLOOR_MS),
            short_number(self.noise * 100.0),
            short_number(FAIL_FLOOR_POINTS)
        )));
        out.push('\n');
        if !self.setting_differences.is_empty() {
            let line = format!(
                "⚠️ 두 실행의 조건이 다릅니다: {}. 조건이 다르면 차이의 원인을 알 수 없습니다.",
                self.setting_differences.join(", ")
            );
            out.push_str(&if color { line.yellow().to_string() } else { line });
            out.push('\n');
        }
        for row in self.rows.iter().chain(std::iter::once(&self.total)) {
            out.push('\n');
            out.push_str(&self.render_row(row, color));
        }
        out.push('\n');
        out.push_str(&self.summary(color));
        out
    }

    fn render_row(&self, row: &RowComparison, color: bool) -> String {
        let title =
            format!("{} (요청 {} → {}건)", truncate(&row.label(), 70), row.requests.0, row.requests.1);
        let mut out = format!("{}\n", if color { title.bold().to_string() } else { title });
        if row.deltas.is_empty() {
            let line = if row.requests.0 == 0 {
                "  새 결과에만 있는 요청입니다."
            } else {
                "  새 결과에는 없는 요청입니다."
            };
            out.push_str(line);
            out.push('\n');
            return out;
        }
        let mut rows = vec![vec![
            "지표".to_string(),
            "기준".to_string(),
            "새 결과".to_string(),
            "변화".to_string(),
            "판정".to_string(),
        ]];
        for delta in &row.deltas {
            rows.push(vec![
                delta.metric.label().to_string(),
                delta.metric.format(delta.base),
                delta.metric.format(delta.new),
                delta.change_text(),
                delta.change.label().to_string(),
            ]);
        }
        let table = columns(&rows, &[true, false, false, false, true], "  ");
        if !color {
            out.push_str(&table);
            return out;
        }
        for line in table.lines() {
            let painted = if line.ends_with(Change::Worse.label()) {
                line.red().to_string()
            } else if line.ends_with(Change::Better.label()) {
                line.green().to_string()
            } else {
                line.to_string()
            };
            out.push_str(&painted);
            out.push('\n');
        }
        out
    }

    /// The Korean summary: the aggregated verdict, the names that got worse or better, and the
    /// `--max-regression` outcome.
    pub fn summary(&self, color: bool) -> String {
        let mut out = String::from("요약\n");
        let total_changes: Vec<String> = self
            .total
            .deltas
            .iter()
            .filter(|d| d.change != Change::Same)
            .map(|d| format!("{} {} ({})", d.metric.label(), d.change.label(), d.change_text()))
            .collect();
        if total_changes.is_empty() {
            out.push_str("  전체: 모든 지표가 잡음 범위 안입니다.\n");
        } else {
            out.push_str(&format!("  전체: {}\n", total_changes.join(", ")));
        }
        let worse: Vec<&RowComparison> = self.rows.iter().filter(|row| row.worse()).collect();
        let better: Vec<&RowComparison> =
            self.rows.iter().filter(|row| row.better() && !row.worse()).collect();
        for (rows, word) in [(&worse, "악화"), (&better, "개선")] {
            if rows.is_empty() {
                continue;
            }
            let names: Vec<String> = rows
                .iter()
                .map(|row| {
                    let worst = row
                        .deltas
                        .iter()
                        .filter(|d| d.change.label() == word)
                        .map(|d| format!("{} {}", d.metric.label(), d.change_text()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("{} ({worst})", row.label())
                })
                .collect();
            out.push_str(&format!("  {word}한 요청 {}개: {}\n", rows.len(), names.join("; ")));
        }
        let total_worse = self.total.worse();
        if !worse.is_empty() && !total_worse {
            out.push_str("  전체 합계는 잡음 범위 안이지만 요청별로는 변화가 있습니다: 빠르고 많은 요청이 한 요청의 회귀를 가릴 수 있습니다.\n");
        }
        if worse.is_empty() && !total_worse {
            out.push_str("  잡음 범위를 넘는 악화는 없습니다.\n");
        }
        if !self.exceeded.is_empty() {
            let line = format!(
                "  ❌ 허용 한도를 넘은 회귀: {} (종료 코드 {})",
                self.exceeded.join("; "),
                super::EXIT_THRESHOLD_FAILED
            );
            out.push_str(&if color { line.red().to_string() } else { line });
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_margin_has_a_relative_part_and_a_floor() {
        assert_eq!(judge(CompareMetric::P95, 100.0, 109.0, 0.1), Change::Same);
        assert_eq!(judge(CompareMetric::P95, 100.0, 111.0, 0.1), Change::Worse);
        assert_eq!(judge(CompareMetric::P95, 100.0, 80.0, 0.1), Change::Better);
        // 0.4 → 0.9 ms is +125 % but under the 2 ms floor.
        assert_eq!(judge(CompareMetric::Median, 0.4, 0.9, 0.1), Change::Same);
        assert_eq!(judge(CompareMetric::Rps, 100.0, 80.0, 0.1), Change::Worse);
        assert_eq!(judge(CompareMetric::Rps, 100.0, 120.0, 0.1), Change::Better);
        assert_eq!(judge(CompareMetric::FailRate, 0.0, 0.05, 0.1), Change::Same);
        assert_eq!(judge(CompareMetric::FailRate, 0.0, 0.5, 0.1), Change::Worse);
    }

    #[test]
    fn options_parse_and_reject_in_korean() {
        let limits = parse_max_regression("p95=10%,rps=5%,fail=0.1%").unwrap();
        assert_eq!(limits[0], RegressionLimit { metric: CompareMetric::P95, limit: 0.1 });
        assert_eq!(limits[1], RegressionLimit { metric: CompareMetric::Rps, limit: 0.05 });
        assert_eq!(limits[2], RegressionLimit { metric: CompareMetric::FailRate, limit: 0.1 });
        assert!(parse_max_regression("p95=10").unwrap_err().contains('%'));
        assert!(parse_max_regression("speed=10%").unwrap_err().contains("모릅니다"));
        assert!(parse_max_regression("p95").unwrap_err().contains('='));
        assert_eq!(parse_noise("5%"), Ok(0.05));
        assert!(parse_noise("5").is_err());
    }
}
