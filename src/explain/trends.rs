//! Findings read from the per-second history: latency that climbs as users are added, and
//! throughput that stops growing while users grow (saturation). Both compare the seconds run
//! at half the peak users or fewer with the seconds run near the peak, so they need a run that
//! actually spent time at both levels (a ramp, a stress shape); a run that jumps straight to
//! its users has no such evidence and gets no such finding. Also finds bursts of failures.

use super::metrics::{P95_TARGET_MS, ms};
use super::{Finding, FindingId, Severity};
use crate::engine::RunResult;
use crate::engine::stats::HistoryPoint;
use crate::text::short_number;

/// Seconds needed at each level before the levels count as evidence.
const MIN_POINTS_PER_LEVEL: usize = 3;
/// p95 near the peak must be at least this many times the p95 at low users …
const LATENCY_GROWTH: f64 = 1.5;
/// … and this many ms more (below that: localhost jitter) …
const LATENCY_MIN_GAP_MS: f64 = 20.0;
/// … and p95 must move with the user count over the whole run.
const MIN_CORRELATION: f64 = 0.5;
/// Saturation: RPS gained at most this share of what proportional growth would give.
const PLATEAU_GAIN: f64 = 0.25;
/// Below this RPS at low users, per-second counts are too noisy to compare.
const PLATEAU_MIN_RPS: f64 = 1.0;
/// A burst: this share of all failures …
const BURST_SHARE: f64 = 0.8;
/// … within at most this share of the run's seconds.
const BURST_MAX_SPAN: f64 = 0.25;
const BURST_MIN_FAILURES: f64 = 5.0;

pub(crate) fn all(result: &RunResult) -> Vec<Finding> {
    let Some(levels) = Levels::of(&result.history) else { return Vec::new() };
    [latency_grows(&levels), throughput_plateau(&levels)].into_iter().flatten().collect()
}

/// The run's seconds at low users and near the peak.
struct Levels {
    low: Level,
    high: Level,
    /// Pearson correlation of users and p95 over all seconds with requests.
    correlation: Option<f64>,
    points: usize,
}

struct Level {
    users: f64,
    rps: f64,
    p95: f64,
}

impl Level {
    fn of(points: &[&HistoryPoint]) -> Level {
        let n = points.len() as f64;
        let mut p95: Vec<f64> = points.iter().map(|p| p.p95_response_time).collect();
        p95.sort_by(f64::total_cmp);
        Level {
            users: points.iter().map(|p| p.users as f64).sum::<f64>() / n,
            rps: points.iter().map(|p| p.requests_per_second).sum::<f64>() / n,
            // The median of the per-second p95s: one odd second does not move it.
            p95: p95[p95.len() / 2],
        }
    }
}

impl Levels {
    fn of(history: &[HistoryPoint]) -> Option<Levels> {
        let points: Vec<&HistoryPoint> =
            history.iter().filter(|p| p.users > 0 && p.requests_per_second > 0.0).collect();
        let peak = points.iter().map(|p| p.users).max()?;
        let low: Vec<&HistoryPoint> = points.iter().copied().filter(|p| p.users * 2 <= peak).collect();
        let high: Vec<&HistoryPoint> = points.iter().copied().filter(|p| p.users * 10 >= peak * 9).collect();
        if low.len() < MIN_POINTS_PER_LEVEL || high.len() < MIN_POINTS_PER_LEVEL {
            return None;
        }
        let users: Vec<f64> = points.iter().map(|p| p.users as f64).collect();
        let p95: Vec<f64> = points.iter().map(|p| p.p95_response_time).collect();
        Some(Levels {
            low: Level::of(&low),
            high: Level::of(&high),
            correlation: pearson(&users, &p95),
            points: points.len(),
        })
    }
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

fn users(value: f64) -> String {
    format!("{}명", short_number(value.round()))
}

fn latency_grows(levels: &Levels) -> Option<Finding> {
    let (low, high) = (&levels.low, &levels.high);
    let correlation = levels.correlation?;
    if high.p95 < low.p95 * LATENCY_GROWTH
        || high.p95 - low.p95 < LATENCY_MIN_GAP_MS
        || correlation < MIN_CORRELATION
    {
        return None;
    }
    Some(Finding {
        id: FindingId::LatencyGrowsWithUsers,
        severity: if high.p95 >= P95_TARGET_MS { Severity::Problem } else { Severity::Warning },
        title: "사용자가 늘수록 응답이 느려져요".to_string(),
        evidence: vec![
            format!(
                "사용자 {}일 때 p95 {} → {}일 때 {} ({:.1}배).",
                users(low.users),
                ms(low.p95),
                users(high.users),
                ms(high.p95),
                high.p95 / low.p95.max(0.001)
            ),
            format!(
                "초당 기록 {}개에서 사용자 수와 p95의 상관계수 {:.2} (1에 가까울수록 함께 움직여요).",
                levels.points, correlation
            ),
        ],
        advice: vec![
            "가이드는 이 증상(사용자 증가 시 응답 시간 증가)을 'DB 병목'으로 봐요: 모든 요청이 함께 쓰는 자원(DB, 커넥션 풀)에 줄이 생긴 거예요."
                .to_string(),
            "목록 조회의 N+1 쿼리(조인으로 해결), 검색·조인에 쓰는 열의 인덱스, 커넥션 풀 크기를 확인하세요.".to_string(),
        ],
        names: Vec::new(),
    })
}

fn throughput_plateau(levels: &Levels) -> Option<Finding> {
    let (low, high) = (&levels.low, &levels.high);
    if low.rps < PLATEAU_MIN_RPS {
        return None;
    }
    let user_ratio = high.users / low.users;
    let rps_ratio = high.rps / low.rps;
    if rps_ratio - 1.0 > PLATEAU_GAIN * (user_ratio - 1.0) {
        return None;
    }
    Some(Finding {
        id: FindingId::ThroughputPlateau,
        severity: Severity::Problem,
        title: format!("사용자가 늘어도 처리량이 늘지 않아요: 약 {:.0} req/s에서 포화", high.rps),
        evidence: vec![
            format!(
                "사용자 {} → {} ({:.1}배)인데 RPS는 {:.1} → {:.1} ({:.2}배).",
                users(low.users),
                users(high.users),
                user_ratio,
                low.rps,
                high.rps,
                rps_ratio
            ),
            format!("같은 두 구간의 p95: {} → {}.", ms(low.p95), ms(high.p95)),
        ],
        advice: vec![
            format!(
                "사용자 {}과 {} 사이 어딘가가 이 서버의 포화점이에요: 더 늘린 사용자는 줄을 서서 기다릴 뿐이고, 용량 계획(가이드 '시나리오 2: 서버 용량 계획')의 기준이 돼요.",
                users(low.users),
                users(high.users)
            ),
            "처리량을 늘리려면 가장 먼저 꽉 찬 자원(DB, 커넥션 풀, CPU)을 찾아 풀어야 해요.".to_string(),
        ],
        names: Vec::new(),
    })
}

/// Failures packed into a short stretch of the run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Burst {
    /// Seconds since the start.
    pub start: f64,
    pub end: f64,
    pub seconds: usize,
    pub count: u64,
    /// Share of all the run's failures.
    pub share: f64,
    /// Users running in the burst's worst second.
    pub users: usize,
}

/// The shortest stretch of seconds holding 80 % of the failures, if it spans at most a quarter
/// of the run; `None` when failures are spread out or too few to tell.
pub(crate) fn burst(history: &[HistoryPoint]) -> Option<Burst> {
    let failures: Vec<f64> = history.iter().map(|p| p.failures_per_second).collect();
    let total: f64 = failures.iter().sum();
    if history.len() < 4 || total < BURST_MIN_FAILURES {
        return None;
    }
    let need = total * BURST_SHARE;
    let (mut best, mut start, mut sum) = (None::<(usize, usize)>, 0, 0.0);
    for end in 0..failures.len() {
        sum += failures[end];
        while sum - failures[start] >= need {
            sum -= failures[start];
            start += 1;
        }
        if sum >= need && best.is_none_or(|(a, b)| end - start < b - a) {
            best = Some((start, end));
        }
    }
    let (first, last) = best?;
    let seconds = last - first + 1;
    if seconds as f64 > (history.len() as f64 * BURST_MAX_SPAN).max(1.0) {
        return None;
    }
    let count: f64 = failures[first..=last].iter().sum();
    let worst = (first..=last).max_by(|&a, &b| failures[a].total_cmp(&failures[b]))?;
    Some(Burst {
        start: (history[first].elapsed - 1.0).max(0.0),
        end: history[last].elapsed,
        seconds,
        count: count as u64,
        share: count / total,
        users: history[worst].users,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::testing::{point, result_with_history};

    #[test]
    fn latency_rising_with_users_is_found_with_its_numbers() {
        // 2 users a second up to 20, p95 rising from 20 ms to 200 ms, RPS growing then flat.
        let history: Vec<HistoryPoint> = (1..=20)
            .map(|s| point(s as f64, (s * 2).min(20), 10.0 * s.min(10) as f64, 20.0 + 10.0 * s as f64))
            .collect();
        let explanation = crate::explain::explain(&result_with_history(history));
        let finding = explanation.finding(FindingId::LatencyGrowsWithUsers).expect("latency finding");
        assert!(finding.evidence[0].contains("p95"), "{:?}", finding.evidence);
    }

    #[test]
    fn flat_throughput_under_growing_users_is_saturation() {
        // Users 2 → 20, RPS stuck at 50 from the start.
        let history: Vec<HistoryPoint> =
            (1..=20).map(|s| point(s as f64, (s * 2).min(20), 50.0, 40.0 * s as f64)).collect();
        let found = all(&result_with_history(history));
        let plateau = found.iter().find(|f| f.id == FindingId::ThroughputPlateau).expect("plateau");
        assert!(plateau.title.contains("50 req/s"), "{}", plateau.title);
    }

    #[test]
    fn proportional_growth_is_not_saturation_nor_slowdown() {
        // RPS grows with users, p95 steady around 5 ms (with jitter).
        let history: Vec<HistoryPoint> = (1..=20)
            .map(|s| point(s as f64, (s * 2).min(20), 5.0 * (s * 2).min(20) as f64, 5.0 + (s % 3) as f64))
            .collect();
        assert!(all(&result_with_history(history)).is_empty());
    }

    #[test]
    fn a_run_without_a_low_user_phase_has_no_trend_evidence() {
        let history: Vec<HistoryPoint> =
            (1..=20).map(|s| point(s as f64, 20, 50.0, 40.0 * s as f64)).collect();
        assert!(all(&result_with_history(history)).is_empty());
    }

    #[test]
    fn bursts_are_found_and_spread_failures_are_not() {
        let mut history: Vec<HistoryPoint> = (1..=20).map(|s| point(s as f64, 10, 50.0, 10.0)).collect();
        for (i, p) in history.iter_mut().enumerate() {
            p.failures_per_second = if (12..15).contains(&i) { 10.0 } else { 0.0 };
        }
        let found = burst(&history).expect("burst");
        assert_eq!((found.seconds, found.count), (3, 30));
        for p in history.iter_mut() {
            p.failures_per_second = 2.0;
        }
        assert_eq!(burst(&history), None);
    }
}
