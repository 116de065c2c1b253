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
//! - Requests/s: 10 % (and at least 0.5 req/s), and beyond chance: a request name's count is a
//!   sum of random task picks, so it wanders like a Poisson count (σ = √count); a change counts
//!   only past 3 σ of the difference. 168 → 138 requests of one name in 60 s is -18 % and still
//!   chance. In a closed loop RPS follows users and wait times, and random waits alone move it
//!   a few percent between runs.
//! - Failure rate: 0.1 percentage points, the guide's failure target: a smaller change cannot
//!   turn a passing run into a failing one. A larger one must also be beyond chance (a
//!   two-proportion z-test, z ≥ 2): 1 failure in 300 requests against none is not a regression.
//!
//! Too few requests: a percentile is judged only when at least 10 requests of each run lie
//! beyond it (the median from 20 requests, p95 from 200, p99 from 1000). Below that it is set by
//! the slowest handful of requests and says 표본 부족 instead of a verdict.
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
/// A percentile is judged only with at least this many requests beyond it in each run.
pub const MIN_TAIL_REQUESTS: f64 = 10.0;
/// The z-score a failure-rate change must reach to be more than chance (about 95 %).
const FAIL_Z: f64 = 2.0;
/// The z-score an RPS change must reach: every name of every run is judged, so chance must be
/// rare per judgement (3 σ: about 3 in 1000).
const RPS_Z: f64 = 3.0;

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

    /// The quantile this metric reads, if it is a percentile.
    fn quantile(self) -> Option<f64> {
        match self {
            CompareMetric::Median => Some(0.5),
            CompareMetric::P95 => Some(0.95),
            CompareMetric::P99 => Some(0.99),
            _ => None,
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
                    "--max-regression의 지표 '{other}'를 몰라요 — 쓸 수 있는 지표: rps, median, p95, p99, avg, fail. {MAX_REGRESSION_EXAMPLE}"
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
    /// Too few requests for this metric to be judged.
    TooFew,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Better => "개선",
            Change::Same => "비슷",
            Change::Worse => "악화",
            Change::TooFew => "표본 부족",
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
        let sign = |shown: &str| {
            if shown.trim_start_matches(['0', '.']).is_empty() {
                "±"
            } else if diff < 0.0 {
                "-"
            } else {
                "+"
            }
        };
        let absolute = match self.metric {
            CompareMetric::Rps => {
                let shown = format!("{:.1}", diff.abs());
                format!("{}{shown}", sign(&shown))
            }
            CompareMetric::FailRate => {
                let shown = short_number(diff.abs());
                format!("{}{shown}%p", sign(&shown))
            }
            _ => {
                let shown = format_ms(diff.abs());
                format!("{}{shown} ms", sign(&shown))
            }
        };
        match (self.metric, self.relative()) {
            (CompareMetric::FailRate, _) | (_, None) => absolute,
            (_, Some(relative)) => {
                let shown = format!("{:.0}", (relative * 100.0).abs());
                format!("{absolute} ({}{shown}%)", sign(&shown))
            }
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
        .ok_or_else(|| format!("--noise '{text}'에는 %가 필요해요 (예: --noise 5%)"))?;
    let value: f64 =
        number.trim().parse().map_err(|_| format!("--noise '{text}'는 숫자가 아니에요 (예: --noise 5%)"))?;
    if !(0.0..1000.0).contains(&value) {
        return Err(format!("--noise '{text}'는 0% 이상이어야 해요"));
    }
    Ok(value / 100.0)
}

/// Parses `--max-regression p95=10%,rps=5%,fail=0.1%`.
pub fn parse_max_regression(text: &str) -> Result<Vec<RegressionLimit>, String> {
    let mut limits = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((metric, value)) = part.split_once('=') else {
            return Err(format!("--max-regression의 '{part}'에 '='가 없어요. {MAX_REGRESSION_EXAMPLE}"));
        };
        let metric = CompareMetric::parse(metric)?;
        let number = value.trim().strip_suffix('%').ok_or_else(|| {
            format!("--max-regression의 '{part}'에는 %가 필요해요. {MAX_REGRESSION_EXAMPLE}")
        })?;
        let number: f64 = number
            .trim()
            .parse()
            .map_err(|_| format!("--max-regression의 '{part}': '{value}'는 숫자가 아니에요"))?;
        let limit = if metric == CompareMetric::FailRate { number } else { number / 100.0 };
        limits.push(RegressionLimit { metric, limit });
    }
    if limits.is_empty() {
        return Err(format!("--max-regression에 한도가 없어요. {MAX_REGRESSION_EXAMPLE}"));
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
    /// `--max-regression` limits that could not be judged for too few requests (Korean lines).
    pub unjudged: Vec<String>,
    pub noise: f64,
}

fn judge(metric: CompareMetric, base: &EndpointStats, new: &EndpointStats, noise: f64) -> Change {
    let (b, n) = (metric.value(base), metric.value(new));
    if let Some(quantile) = metric.quantile() {
        let fewest = base.num_requests.min(new.num_requests) as f64;
        if fewest * (1.0 - quantile) < MIN_TAIL_REQUESTS {
            return Change::TooFew;
        }
    }
    let diff = n - b;
    let margin = match metric {
        CompareMetric::FailRate => FAIL_FLOOR_POINTS.max(FAIL_Z * failure_rate_error(base, new)),
        CompareMetric::Rps => (b.abs() * noise).max(RPS_FLOOR).max(RPS_Z * rate_error(base, new)),
        _ => (b.abs() * noise).max(LATENCY_FLOOR_MS),
    };
    if diff.abs() <= margin {
        Change::Same
    } else if (diff > 0.0) == (metric == CompareMetric::Rps) {
        Change::Better
    } else {
        Change::Worse
    }
}

/// The standard error of the difference of two request rates, counts taken as Poisson.
fn rate_error(base: &EndpointStats, new: &EndpointStats) -> f64 {
    let variance = |stats: &EndpointStats| {
        let seconds = stats.num_requests as f64 / stats.requests_per_second;
        if seconds.is_finite() && seconds > 0.0 {
            stats.num_requests as f64 / (seconds * seconds)
        } else {
            0.0
        }
    };
    (variance(base) + variance(new)).sqrt()
}

/// The standard error of the difference of two failure rates, in percentage points (pooled).
fn failure_rate_error(base: &EndpointStats, new: &EndpointStats) -> f64 {
    let (n1, n2) = (base.num_requests as f64, new.num_requests as f64);
    if n1 == 0.0 || n2 == 0.0 {
        return f64::INFINITY;
    }
    let pooled = (base.num_failures + new.num_failures) as f64 / (n1 + n2);
    (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt() * 100.0
}

fn compare_rows(base: Option<&EndpointStats>, new: Option<&EndpointStats>, noise: f64) -> RowComparison {
    let any = base.or(new).expect("one side exists");
    let deltas = match (base, new) {
        (Some(base), Some(new)) => CompareMetric::TABLE
            .iter()
            .map(|&metric| {
                let change = judge(metric, base, new, noise);
                MetricDelta { metric, base: metric.value(base), new: metric.value(new), change }
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
    let mut exceeded = Vec::new();
    let mut unjudged = Vec::new();
    for limit in &options.max_regression {
        let (b, n) = (limit.metric.value(&base.total), limit.metric.value(&new.total));
        if judge(limit.metric, &base.total, &new.total, noise) == Change::TooFew {
            let quantile = limit.metric.quantile().unwrap_or(0.5);
            unjudged.push(format!(
                "{} 한도는 요청이 {}건 이상일 때 판정해요 (이번: {}건 → {}건)",
                limit.metric.label(),
                (MIN_TAIL_REQUESTS / (1.0 - quantile)).round(),
                base.total.num_requests,
                new.total.num_requests
            ));
            continue;
        }
        let over = match limit.metric {
            CompareMetric::FailRate => n - b > limit.limit,
            CompareMetric::Rps => b > 0.0 && (b - n) / b > limit.limit,
            // A limit on latency counts only above the 2 ms floor: sub-ms jitter is no regression.
            _ => b > 0.0 && (n - b) / b > limit.limit && n - b > LATENCY_FLOOR_MS,
        };
        if over {
            let allowed = if limit.metric == CompareMetric::FailRate {
                format!("+{}%p", short_number(limit.limit))
            } else {
                format!("{}%", short_number(limit.limit * 100.0))
            };
            exceeded.push(format!(
                "{}: {} → {} (허용 {allowed})",
                limit.metric.label(),
                limit.metric.format(b),
                limit.metric.format(n)
            ));
        }
    }
    Comparison { rows, total, setting_differences: setting_differences(base, new), exceeded, unjudged, noise }
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
                "⚠️ 두 실행의 조건이 달라요: {}. 조건이 다르면 차이의 원인을 알 수 없어요.",
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
                "  새 결과에만 있는 요청이에요."
            } else {
                "  새 결과에는 없는 요청이에요."
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
            .filter(|d| matches!(d.change, Change::Better | Change::Worse))
            .map(|d| format!("{} {} ({})", d.metric.label(), d.change.label(), d.change_text()))
            .collect();
        if total_changes.is_empty() {
            out.push_str("  전체: 모든 지표가 잡음 범위 안이에요.\n");
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
            let overall = if self.total.better() {
                "전체로는 나아졌지만"
            } else {
                "전체 합계는 잡음 범위 안이지만"
            };
            out.push_str(&format!(
                "  {overall} 요청 {}개는 나빠졌어요: 빠르고 많은 요청이 한 요청의 회귀를 가릴 수 있어요.\n",
                worse.len()
            ));
        }
        if worse.is_empty() && !total_worse {
            out.push_str("  잡음 범위를 넘는 악화는 없어요.\n");
        }
        let too_few = self
            .rows
            .iter()
            .chain(std::iter::once(&self.total))
            .any(|row| row.deltas.iter().any(|delta| delta.change == Change::TooFew));
        if too_few {
            out.push_str(&format!(
                "  표본 부족: 백분위는 그 바깥에 요청이 {}건 이상 있을 때만 판정해요 (p95는 {}건, p99는 {}건부터). 실행 시간을 늘리세요.\n",
                MIN_TAIL_REQUESTS,
                (MIN_TAIL_REQUESTS / 0.05).round(),
                (MIN_TAIL_REQUESTS / 0.01).round()
            ));
        }
        for line in &self.unjudged {
            out.push_str(&format!("  ⚠️ {line}\n"));
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

    fn row(requests: u64, failures: u64, median_ms: f64, rps: f64) -> EndpointStats {
        use crate::engine::stats::{PERCENTILES, Percentile};
        EndpointStats {
            method: "GET".into(),
            name: "/a".into(),
            num_requests: requests,
            num_failures: failures,
            avg_response_time: median_ms,
            min_response_time: median_ms,
            max_response_time: median_ms,
            median_response_time: median_ms,
            avg_content_length: 0.0,
            total_content_length: 0,
            requests_per_second: rps,
            failures_per_second: 0.0,
            percentiles: PERCENTILES
                .iter()
                .map(|&q| Percentile { quantile: q, response_time: median_ms })
                .collect(),
            status_codes: Default::default(),
            corrected: None,
        }
    }

    #[test]
    fn latency_noise_margin_has_a_relative_part_and_a_floor() {
        let base = row(5000, 0, 100.0, 50.0);
        assert_eq!(judge(CompareMetric::P95, &base, &row(5000, 0, 109.0, 50.0), 0.1), Change::Same);
        assert_eq!(judge(CompareMetric::P95, &base, &row(5000, 0, 111.0, 50.0), 0.1), Change::Worse);
        assert_eq!(judge(CompareMetric::P95, &base, &row(5000, 0, 80.0, 50.0), 0.1), Change::Better);
        assert_eq!(
            judge(CompareMetric::P95, &base, &row(5000, 0, 104.0, 50.0), 0.03),
            Change::Worse,
            "--noise 3%"
        );
        // 0.4 → 0.9 ms is +125 % but under the 2 ms floor.
        assert_eq!(
            judge(CompareMetric::Median, &row(5000, 0, 0.4, 50.0), &row(5000, 0, 0.9, 50.0), 0.1),
            Change::Same
        );
    }

    #[test]
    fn rps_moves_the_other_way() {
        let base = row(5000, 0, 10.0, 100.0);
        assert_eq!(judge(CompareMetric::Rps, &base, &row(5000, 0, 10.0, 80.0), 0.1), Change::Worse);
        assert_eq!(judge(CompareMetric::Rps, &base, &row(5000, 0, 10.0, 120.0), 0.1), Change::Better);
        assert_eq!(judge(CompareMetric::Rps, &base, &row(5000, 0, 10.0, 95.0), 0.1), Change::Same);
    }

    #[test]
    fn one_names_rps_moving_with_random_task_picks_is_chance() {
        // The hunt's report: 168 → 138 requests of one name in 60 s (-18 %) is within 3 σ.
        let (base, new) = (row(168, 0, 10.0, 2.8), row(138, 0, 10.0, 2.3));
        assert_eq!(judge(CompareMetric::Rps, &base, &new, 0.1), Change::Same);
        // Half the requests is not chance.
        assert_eq!(judge(CompareMetric::Rps, &base, &row(84, 0, 10.0, 1.4), 0.1), Change::Worse);
    }

    #[test]
    fn the_summary_never_calls_an_improved_total_unchanged() {
        let delta = |metric, change| MetricDelta { metric, base: 100.0, new: 10.0, change };
        let named = |name: &str, deltas| RowComparison {
            method: "GET".into(),
            name: name.into(),
            deltas,
            requests: (1000, 1000),
        };
        let comparison = Comparison {
            rows: vec![named("/a", vec![delta(CompareMetric::P95, Change::Worse)])],
            total: named("Aggregated", vec![delta(CompareMetric::Median, Change::Better)]),
            setting_differences: Vec::new(),
            exceeded: Vec::new(),
            unjudged: Vec::new(),
            noise: DEFAULT_NOISE,
        };
        let summary = comparison.summary(false);
        assert!(summary.contains("전체: 중앙값 개선"), "{summary}");
        assert!(summary.contains("전체로는 나아졌지만 요청 1개는 나빠졌어요"), "{summary}");
        assert!(!summary.contains("잡음 범위 안"), "{summary}");
    }

    #[test]
    fn tail_percentiles_need_enough_requests_beyond_them() {
        let (base, new) = (row(300, 0, 10.0, 5.0), row(300, 0, 50.0, 5.0));
        assert_eq!(judge(CompareMetric::P99, &base, &new, 0.1), Change::TooFew, "3 requests beyond p99");
        assert_eq!(judge(CompareMetric::P95, &base, &new, 0.1), Change::Worse, "15 requests beyond p95");
        assert_eq!(judge(CompareMetric::Median, &row(10, 0, 10.0, 5.0), &new, 0.1), Change::TooFew);
    }

    #[test]
    fn failure_rate_changes_must_exceed_the_target_and_chance() {
        let none = row(300, 0, 10.0, 5.0);
        assert_eq!(
            judge(CompareMetric::FailRate, &none, &row(300, 1, 10.0, 5.0), 0.1),
            Change::Same,
            "1 of 300"
        );
        assert_eq!(judge(CompareMetric::FailRate, &none, &row(300, 30, 10.0, 5.0), 0.1), Change::Worse);
        let many = row(1_000_000, 0, 10.0, 5.0);
        assert_eq!(
            judge(CompareMetric::FailRate, &many, &row(1_000_000, 500, 10.0, 5.0), 0.1),
            Change::Same,
            "0.05 %p"
        );
        assert_eq!(judge(CompareMetric::FailRate, &row(300, 30, 10.0, 5.0), &none, 0.1), Change::Better);
    }

    #[test]
    fn options_parse_and_reject_in_korean() {
        let limits = parse_max_regression("p95=10%,rps=5%,fail=0.1%").unwrap();
        assert_eq!(limits[0], RegressionLimit { metric: CompareMetric::P95, limit: 0.1 });
        assert_eq!(limits[1], RegressionLimit { metric: CompareMetric::Rps, limit: 0.05 });
        assert_eq!(limits[2], RegressionLimit { metric: CompareMetric::FailRate, limit: 0.1 });
        assert!(parse_max_regression("p95=10").unwrap_err().contains('%'));
        assert!(parse_max_regression("speed=10%").unwrap_err().contains("몰라요"));
        assert!(parse_max_regression("p95").unwrap_err().contains('='));
        assert_eq!(parse_noise("5%"), Ok(0.05));
        assert!(parse_noise("5").is_err());
    }
}
