//! The saturation finder (실습 3): in a run whose users grow in steps, where did the system break
//! away? Three points, each with the second, the user count and the numbers behind it: where p95
//! left its baseline, where throughput stopped growing with users, and where errors began. The
//! steps come from the run's per-second history; nothing here guesses beyond it. A point is
//! claimed only when a later step confirms it: what the last step alone shows is a sign to push
//! further, never a finding, and a run that ends before any point says so and how to go on.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::engine::RunResult;
use crate::engine::stats::HistoryPoint;
use crate::text::{format_ms, pad};

/// p95 has broken away when it is this many times its baseline…
pub const P95_FACTOR: f64 = 3.0;
/// …and at least this much above it (a 1 ms server tripling to 3 ms is not a break).
pub const P95_MIN_RISE_MS: f64 = 10.0;
/// Throughput has stopped growing when a step with this much more users…
pub const USERS_GROWTH: f64 = 0.10;
/// …gains less than this share of the growth a linear system would show.
pub const LINEAR_SHARE: f64 = 0.5;
/// Errors have begun when failures exceed this share of requests in a step.
pub const ERROR_SHARE: f64 = 0.01;

/// One level of users held for a while.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Step {
    pub users: usize,
    /// First and last second of the step.
    pub from: f64,
    pub to: f64,
    pub requests_per_second: f64,
    pub p95_ms: f64,
    pub failures_per_second: f64,
}

/// Where one thing broke away.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BreakPoint {
    pub second: f64,
    pub users: usize,
    /// Korean, with the numbers.
    pub evidence: String,
}

/// What the finder found in a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Saturation {
    pub steps: Vec<Step>,
    pub baseline_p95_ms: f64,
    pub p95_break: Option<BreakPoint>,
    pub throughput_plateau: Option<BreakPoint>,
    pub errors_begin: Option<BreakPoint>,
    /// With a plateau: the most throughput seen, and the users that would need by the first
    /// step's rate per user (the closed-loop estimate of where saturation began).
    pub capacity_rps: Option<f64>,
    pub estimated_users: Option<f64>,
    /// What only the last step showed (`p95 급증`, `처리량 정체`, `실패`): not confirmed by a
    /// later step, so not a point — a reason to push further.
    #[serde(default)]
    pub last_step_signs: Vec<String>,
}

/// Five equal steps up to `peak` users, 10 s each: a stages string for `--shape`.
fn suggested_stages(peak: usize) -> String {
    let step = peak.div_ceil(5).max(1);
    (1..=5).map(|level| format!("{}:10s", step * level)).collect::<Vec<_>>().join(",")
}

/// Finds the break points of a run with at least three user levels; `None` otherwise (a flat
/// run has no steps to compare).
pub fn find(result: &RunResult) -> Option<Saturation> {
    let steps = steps(&result.history);
    if steps.len() < 3 {
        return None;
    }
    let baseline_p95_ms = steps[0].p95_ms;
    let p95_break = p95_break(&steps, baseline_p95_ms);
    let throughput_plateau = throughput_plateau(&steps);
    let errors_begin = errors_begin(&steps);
    let last_step_signs = match steps.as_slice() {
        [.., before, last] => {
            let mut signs = Vec::new();
            if p95_break.is_none() && p95_broken(last, baseline_p95_ms) {
                signs.push("p95 급증");
            }
            if throughput_plateau.is_none() && !grows_from(before, last) {
                signs.push("처리량 정체");
            }
            if errors_begin.is_none() && erring(last) {
                signs.push("실패");
            }
            signs
        }
        _ => Vec::new(),
    };
    let capacity_rps = throughput_plateau
        .as_ref()
        .map(|_| steps.iter().map(|step| step.requests_per_second).fold(0.0, f64::max));
    let per_user = steps[0].requests_per_second / steps[0].users.max(1) as f64;
    let estimated_users = capacity_rps.filter(|_| per_user > 0.0).map(|capacity| capacity / per_user);
    Some(Saturation {
        steps,
        baseline_p95_ms,
        p95_break,
        throughput_plateau,
        errors_begin,
        capacity_rps,
        estimated_users,
        last_step_signs: last_step_signs.into_iter().map(str::to_string).collect(),
    })
}

fn p95_broken(step: &Step, baseline_p95_ms: f64) -> bool {
    step.p95_ms >= baseline_p95_ms * P95_FACTOR && step.p95_ms - baseline_p95_ms >= P95_MIN_RISE_MS
}

/// The first step whose p95 broke away from the baseline, and stayed so in the next step.
fn p95_break(steps: &[Step], baseline_p95_ms: f64) -> Option<BreakPoint> {
    let broken = |step: &Step| p95_broken(step, baseline_p95_ms);
    // A break must hold in the next step too: one slow step is no break, and the last step
    // alone has nothing after it to confirm it.
    let step = (0..steps.len())
        .find(|&index| broken(&steps[index]) && steps.get(index + 1).is_some_and(broken))
        .map(|index| &steps[index])?;
    Some(BreakPoint {
        second: step.from,
        users: step.users,
        evidence: format!(
            "p95가 기준선 {}ms에서 {}ms로 ({:.1}배) 뛰었어요 ({}초, 사용자 {}명)",
            format_ms(baseline_p95_ms),
            format_ms(step.p95_ms),
            step.p95_ms / baseline_p95_ms.max(0.001),
            step.from.round(),
            step.users
        ),
    })
}

/// (users gain, requests-per-second gain) from one step to another, as fractions.
fn gains(before: &Step, after: &Step) -> (f64, f64) {
    let users_gain = after.users as f64 / before.users.max(1) as f64 - 1.0;
    let rps_gain = after.requests_per_second / before.requests_per_second.max(0.001) - 1.0;
    (users_gain, rps_gain)
}

/// Whether throughput kept up with the users (or the users hardly grew).
fn grows_from(before: &Step, after: &Step) -> bool {
    let (users_gain, rps_gain) = gains(before, after);
    users_gain < USERS_GROWTH || rps_gain >= users_gain * LINEAR_SHARE
}

/// Where throughput stopped growing with users and never grew again.
fn throughput_plateau(steps: &[Step]) -> Option<BreakPoint> {
    // A plateau must last: at least two steps after the last growing one, and no later step may
    // grow again in proportion to its users, so one noisy step in a healthy run (above all the
    // last one) is not called saturation.
    (0..steps.len().saturating_sub(2)).find_map(|index| {
        let (before, after) = (&steps[index], &steps[index + 1]);
        let lasts = steps[index + 1..].iter().all(|later| later.users <= before.users || !grows_from(before, later));
        (!grows_from(before, after) && lasts).then(|| {
            let (users_gain, rps_gain) = gains(before, after);
            BreakPoint {
                second: after.from,
                users: before.users,
                evidence: format!(
                    "사용자가 {}명 → {}명으로 {:.0}% 늘었는데 처리량은 {:.1} → {:.1} req/s로 {:.0}%만 늘었고, 그 뒤로도 늘지 않았어요",
                    before.users,
                    after.users,
                    users_gain * 100.0,
                    before.requests_per_second,
                    after.requests_per_second,
                    rps_gain * 100.0
                ),
            }
        })
    })
}

fn erring(step: &Step) -> bool {
    step.failures_per_second > step.requests_per_second * ERROR_SHARE
}

/// The first step with errors that the next step confirms.
fn errors_begin(steps: &[Step]) -> Option<BreakPoint> {
    let step = (0..steps.len())
        .find(|&index| erring(&steps[index]) && steps.get(index + 1).is_some_and(erring))
        .map(|index| &steps[index])?;
    Some(BreakPoint {
        second: step.from,
        users: step.users,
        evidence: format!(
            "초당 실패 {:.1}건 (요청의 {:.1}%)이 사용자 {}명에서 처음 나타났어요",
            step.failures_per_second,
            step.failures_per_second / step.requests_per_second.max(0.001) * 100.0,
            step.users
        ),
    })
}

/// Groups the history into user levels: consecutive seconds with the same target, the first
/// second of each dropped (users were still arriving during it).
fn steps(history: &[HistoryPoint]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut start = 0;
    while start < history.len() {
        let target = history[start].target_users;
        let end = history[start..]
            .iter()
            .position(|point| point.target_users != target)
            .map_or(history.len(), |n| start + n);
        let settled: Vec<&HistoryPoint> =
            history[start..end].iter().skip(1).filter(|point| point.users == target && target > 0).collect();
        if !settled.is_empty() {
            let mean = |value: fn(&HistoryPoint) -> f64| {
                settled.iter().map(|p| value(p)).sum::<f64>() / settled.len() as f64
            };
            let mut p95s: Vec<f64> = settled.iter().map(|p| p.p95_response_time).collect();
            p95s.sort_by(f64::total_cmp);
            steps.push(Step {
                users: target,
                from: settled[0].elapsed,
                to: settled[settled.len() - 1].elapsed,
                requests_per_second: mean(|p| p.requests_per_second),
                p95_ms: p95s[p95s.len() / 2],
                failures_per_second: mean(|p| p.failures_per_second),
            });
        }
        start = end;
    }
    steps
}

impl Saturation {
    /// Whether the run reached any confirmed point.
    pub fn saturated(&self) -> bool {
        self.p95_break.is_some() || self.throughput_plateau.is_some() || self.errors_begin.is_some()
    }

    /// Korean advice for a run that ended before any confirmed point: how far to push next.
    pub fn push_further(&self) -> Option<String> {
        if self.saturated() {
            return None;
        }
        let last = self.steps.last()?;
        let signs = if self.last_step_signs.is_empty() {
            format!("마지막 단계({}명)까지 처리량이 사용자 수에 맞춰 늘었어요", last.users)
        } else {
            format!(
                "마지막 단계({}명)에서 {} 조짐이 보였지만, 뒤따르는 단계가 없어 확인하지 못했어요",
                last.users,
                self.last_step_signs.join("·")
            )
        };
        Some(format!(
            "이번 실행은 한계에 닿기 전에 끝났어요: {signs}. 사용자를 {}명 이상까지 늘리거나(예: --shape \"{}\"), \
더 무거운 클래스(StressTestUser)나 --bottleneck으로 다시 실행해 보세요",
            last.users * 2,
            suggested_stages(last.users * 2)
        ))
    }

    /// Korean text with a small chart of the steps, for the console and the lesson.
    pub fn render(&self) -> String {
        let mut out = String::from("포화점 찾기 (실습 3)\n");
        let max_rps = self.steps.iter().map(|s| s.requests_per_second).fold(0.0, f64::max).max(0.001);
        let _ = writeln!(
            out,
            "  {} {} {} {}",
            pad("사용자", 7, false),
            pad("처리량 (req/s)", 27, true),
            pad("p95", 9, false),
            pad("실패/s", 9, false)
        );
        for step in &self.steps {
            let bar = "█".repeat(((step.requests_per_second / max_rps) * 20.0).round() as usize);
            let mut marks = Vec::new();
            for (point, label) in [
                (&self.p95_break, "p95 급증"),
                (&self.throughput_plateau, "처리량 한계"),
                (&self.errors_begin, "실패 시작"),
            ] {
                if point.as_ref().is_some_and(|p| p.users == step.users) {
                    marks.push(label);
                }
            }
            let line = format!(
                "  {} {:<20} {:>6.1} {} {:>9.1}  {}",
                pad(&format!("{}명", step.users), 7, false),
                bar,
                step.requests_per_second,
                pad(&format!("{}ms", format_ms(step.p95_ms)), 9, false),
                step.failures_per_second,
                if marks.is_empty() { String::new() } else { format!("← {}", marks.join(", ")) }
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let lines = [
            ("응답 시간(p95)이 급증한 지점", &self.p95_break),
            ("처리량이 더 늘지 않은 지점", &self.throughput_plateau),
            ("실패가 나오기 시작한 지점", &self.errors_begin),
        ];
        for (label, point) in lines {
            match point {
                Some(point) => {
                    let _ = writeln!(out, "  • {label}: 사용자 {}명 — {}", point.users, point.evidence);
                }
                None => {
                    let _ = writeln!(out, "  • {label}: 이번 실행에서는 나타나지 않았어요");
                }
            }
        }
        if let (Some(capacity), Some(users)) = (self.capacity_rps, self.estimated_users) {
            let _ = writeln!(
                out,
                "  • 처리량 한계 ≈ {capacity:.1} req/s: 첫 단계의 사용자당 처리량으로 나누면 포화는 사용자 약 {users:.0}명에서 시작됐어요"
            );
        }
        if let Some(advice) = self.push_further() {
            let _ = writeln!(out, "  • {advice}");
        }
        let _ = writeln!(
            out,
            "  (기준: p95가 첫 단계의 {P95_FACTOR}배 이상이면서 {P95_MIN_RISE_MS}ms 넘게 오름 / 사용자가 {:.0}% 늘 때 처리량이 그 절반도 못 늘어남 / 실패가 요청의 {:.0}% 초과, 모두 다음 단계에서도 이어질 때)",
            USERS_GROWTH * 100.0,
            ERROR_SHARE * 100.0
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(second: usize, users: usize, rps: f64, p95: f64, fps: f64) -> HistoryPoint {
        HistoryPoint {
            elapsed: second as f64,
            timestamp: chrono::DateTime::from_timestamp(1_700_000_000 + second as i64, 0).unwrap_or_default(),
            users,
            target_users: users,
            requests_per_second: rps,
            failures_per_second: fps,
            p50_response_time: p95 / 2.0,
            p95_response_time: p95,
            total_requests: 0,
            total_failures: 0,
            window: 1.0,
            server: None,
        }
    }

    /// A system with capacity 100 req/s, each user asking 10 req/s: saturates at 10 users.
    fn saturating_history() -> Vec<HistoryPoint> {
        let mut history = Vec::new();
        for (level, users) in [4usize, 8, 12, 16, 20, 24].iter().enumerate() {
            let offered = *users as f64 * 10.0;
            let rps = offered.min(100.0);
            let p95 = if offered <= 100.0 { 5.0 } else { 5.0 + (offered - 100.0) * 2.0 };
            let fps = if *users >= 20 { 5.0 } else { 0.0 };
            for second in 0..4 {
                history.push(point(level * 4 + second, *users, rps, p95, fps));
            }
        }
        history
    }

    fn result_with(history: Vec<HistoryPoint>) -> RunResult {
        let mut result: RunResult =
            serde_json::from_str(include_str!("../../tests/fixtures/report/result.json")).expect("fixture");
        result.history = history;
        result
    }

    #[test]
    fn finds_the_three_points_of_a_system_with_known_capacity() {
        let saturation = find(&result_with(saturating_history())).expect("steps");
        assert_eq!(saturation.steps.len(), 6);
        // Growth stops after 12 users; the capacity (100 req/s ÷ 10 req/s a user) says 10.
        assert_eq!(saturation.throughput_plateau.as_ref().map(|p| p.users), Some(12));
        assert_eq!(saturation.capacity_rps, Some(100.0));
        assert!((saturation.estimated_users.unwrap() - 10.0).abs() < 0.01);
        assert_eq!(saturation.p95_break.as_ref().map(|p| p.users), Some(12));
        assert_eq!(saturation.errors_begin.as_ref().map(|p| p.users), Some(20));
        let text = saturation.render();
        for mark in ["← p95 급증, 처리량 한계", "← 실패 시작", "약 10명"] {
            assert!(text.contains(mark), "{mark} missing in:\n{text}");
        }
        assert_eq!(saturation.push_further(), None);
    }

    /// A quick stress run that ends before the limit (TodoUser-like users, ~0.45 req/s each,
    /// against a ceiling far above): throughput grows with every step, and the last step's
    /// noise (43.0 → 42.0 req/s) must not be called a throughput limit.
    #[test]
    fn the_last_step_alone_is_no_break_point() {
        let mut history = Vec::new();
        for (level, users) in (10..=100).step_by(10).enumerate() {
            let rps = if users == 100 { 42.0 } else { users as f64 * 0.478 };
            for second in 0..4 {
                history.push(point(level * 4 + second, users, rps, 12.0, 0.0));
            }
        }
        let saturation = find(&result_with(history)).expect("steps");
        assert_eq!(saturation.throughput_plateau, None);
        assert_eq!(saturation.capacity_rps, None);
        assert!(!saturation.saturated());
        assert_eq!(saturation.last_step_signs, vec!["처리량 정체".to_string()]);
        let advice = saturation.push_further().expect("advice to push further");
        assert!(advice.contains("200명 이상") && advice.contains("40:10s,80:10s"), "{advice}");
        let text = saturation.render();
        assert!(!text.contains("← 처리량 한계"), "{text}");
        assert!(text.contains("한계에 닿기 전에 끝났어요"), "{text}");
    }

    #[test]
    fn a_break_in_the_last_step_alone_is_only_a_sign() {
        let mut history = saturating_history();
        // Only the last level errs: not confirmed by a later step.
        for point in &mut history {
            point.failures_per_second = if point.users == 24 { 5.0 } else { 0.0 };
        }
        let saturation = find(&result_with(history)).expect("steps");
        assert_eq!(saturation.errors_begin, None);
        assert_eq!(saturation.last_step_signs, vec!["실패".to_string()]);
        // The confirmed points still stand, so nothing tells the learner to push further.
        assert!(saturation.saturated());
        assert_eq!(saturation.push_further(), None);
    }

    #[test]
    fn a_linear_system_has_no_break_points() {
        let history: Vec<HistoryPoint> = [4usize, 8, 12, 16]
            .iter()
            .enumerate()
            .flat_map(|(level, users)| {
                (0..4).map(move |s| point(level * 4 + s, *users, *users as f64 * 10.0, 5.0, 0.0))
            })
            .collect();
        let saturation = find(&result_with(history)).expect("steps");
        assert_eq!(saturation.p95_break, None);
        assert_eq!(saturation.throughput_plateau, None);
        assert_eq!(saturation.errors_begin, None);
    }

    #[test]
    fn a_flat_run_has_no_steps_to_compare() {
        let history: Vec<HistoryPoint> = (0..10).map(|s| point(s, 10, 100.0, 5.0, 0.0)).collect();
        assert_eq!(find(&result_with(history)), None);
    }
}
