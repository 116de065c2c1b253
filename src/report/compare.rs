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

use crate::engine::RunResult;
use crate::engine::stats::EndpointStats;
use crate::text::format_ms;
use crate::text::short_number;

mod options;
mod render;

pub use options::{CompareOptions, RegressionLimit, parse_max_regression, parse_noise};

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
    let classes = |s: &crate::engine::stats::RecordedSettings| {
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
}
