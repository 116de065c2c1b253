//! The items judged without a load run: SpikeShape from the answers its `tick()` gives second
//! by second, and the release gate from what its criteria would let through.

use std::time::Duration;

use super::Verdict;
use crate::grader::observe::{Scenarios, Unobservable};

/// Shape limits the spike exercise asks for.
pub(super) const SPIKE_PEAK: usize = 200;
pub(super) const SPIKE_BASELINE_MAX: usize = 20;
pub(super) const SPIKE_MIN_RATE: f64 = 100.0;
pub(super) const SPIKE_MAX_SECONDS: u64 = 180;

pub(super) async fn check_spike(scenarios: &Scenarios) -> anyhow::Result<Verdict> {
    const ITEM: &str = "spike_shape";
    let profile =
        match crate::grader::observe::observe_shape(scenarios, "SpikeShape", SPIKE_MAX_SECONDS + 60).await? {
            Ok(profile) => profile,
            Err(Unobservable::UnknownClass(_)) => {
                return Ok(Verdict::failed(
                    ITEM,
                    "SpikeShape을 찾을 수 없어요 — exercises/main.rs의 shapes()에 있어야 해요".to_string(),
                ));
            }
            Err(Unobservable::Broken(message)) if message.contains("not yet implemented") => {
                return Ok(Verdict::not_started(ITEM, "SpikeShape::tick"));
            }
            Err(Unobservable::Broken(message)) => return Ok(Verdict::failed(ITEM, message)),
        };
    Ok(judge_spike(&profile))
}

/// Judges a spike: a low start, a jump to the peak within 2 s, a hold, a fall back, an end.
pub(super) fn judge_spike(profile: &[(u64, usize, f64)]) -> Verdict {
    const ITEM: &str = "spike_shape";
    let mut problems = Vec::new();
    let users: Vec<usize> = profile.iter().map(|(_, users, _)| *users).collect();
    let describe = || {
        let mut points: Vec<String> = Vec::new();
        for (second, users, _) in profile {
            if points.last().is_none_or(|last| !last.ends_with(&format!("{users}명"))) {
                points.push(format!("{second}초 {users}명"));
            }
        }
        points.join(" → ")
    };
    if profile.is_empty() {
        return Verdict::failed(ITEM, "0초에 바로 None을 돌려 테스트가 시작하자마자 끝나요".to_string());
    }
    if users[0] > SPIKE_BASELINE_MAX {
        problems.push(format!(
            "처음부터 {}명이에요 — 기대: 평소 부하({SPIKE_BASELINE_MAX}명 이하)로 시작",
            users[0]
        ));
    }
    let peak_at = users.iter().position(|&u| u >= SPIKE_PEAK);
    let peak = users.iter().copied().max().unwrap_or(0);
    match peak_at {
        None => problems.push(format!("가장 많을 때가 {peak}명이에요 — 기대: {SPIKE_PEAK}명까지 급증")),
        Some(at) => {
            let rate = profile[at].2;
            if rate < SPIKE_MIN_RATE {
                problems.push(format!(
                    "{SPIKE_PEAK}명으로 올릴 때 초당 {rate}명씩 띄워요 — 기대: 초당 {SPIKE_MIN_RATE}명 이상 (급증이어야 해요)"
                ));
            }
            let held = users[at..].iter().take_while(|&&u| u >= SPIKE_PEAK).count();
            if held < 5 {
                problems.push(format!("{SPIKE_PEAK}명을 {held}초만 유지해요 — 기대: 5초 이상"));
            }
            let after = &users[at + held..];
            let recovered = after.iter().take_while(|&&u| u <= SPIKE_BASELINE_MAX).count();
            if after.first().is_none_or(|&u| u > SPIKE_BASELINE_MAX) {
                problems.push(format!(
                    "급증 뒤에 평소 부하({SPIKE_BASELINE_MAX}명 이하)로 돌아오지 않아요 — 관찰: {}",
                    describe()
                ));
            } else if recovered < 5 {
                problems.push(format!("급감 뒤 {recovered}초 만에 끝나요 — 기대: 회복을 5초 이상 지켜보기"));
            }
        }
    }
    let last_second = profile.last().map_or(0, |(second, _, _)| *second);
    if last_second >= SPIKE_MAX_SECONDS {
        problems.push(format!("{SPIKE_MAX_SECONDS}초가 지나도 끝나지 않아요 — 기대: 3분 안에 None으로 종료"));
    }
    Verdict::judge(ITEM, problems, describe())
}

/// A made-up run with the given p95, failure share and throughput (10,000 requests).
pub(super) fn synthetic_result(p95_ms: f64, failure_ratio: f64, rps: f64) -> crate::engine::RunResult {
    use crate::engine::stats::{RecordedSettings, RequestRecord, StatsCollector};
    const REQUESTS: usize = 10_000;
    let collector = StatsCollector::default();
    let failures = (failure_ratio * REQUESTS as f64).round() as usize;
    for index in 0..REQUESTS {
        // 95 % at the p95 value, the slowest 5 % at twice it.
        let ms = if index < REQUESTS * 95 / 100 { p95_ms } else { p95_ms * 2.0 };
        collector.record(&RequestRecord {
            user_id: 0,
            task: "synthetic",
            method: "GET".into(),
            path: "/todos/".into(),
            name: "/todos/".into(),
            status: if index < failures { 500 } else { 200 },
            started: std::time::Instant::now(),
            elapsed: Duration::from_micros((ms * 1000.0) as u64),
            content_length: 100,
            failure: (index < failures).then(|| "HTTPError: 500".to_string()),
            traced: None,
        });
    }
    let duration = REQUESTS as f64 / rps;
    let summary = collector.summarize(duration);
    let now = chrono::Utc::now();
    crate::engine::RunResult {
        loadlab_version: env!("CARGO_PKG_VERSION").to_string(),
        settings: RecordedSettings {
            users: 100,
            spawn_rate: 10.0,
            run_time: Some(duration),
            host: String::new(),
            classes: Vec::new(),
            shape: None,
            time_scale: 1.0,
            embedded_server: false,
        },
        start_time: now,
        end_time: now,
        duration,
        interrupted: false,
        stats: summary.stats,
        total: summary.total,
        errors: summary.errors,
        exceptions: summary.exceptions,
        history: Vec::new(),
        generator: Default::default(),
    }
}

pub(super) async fn check_release(scenarios: &Scenarios) -> anyhow::Result<Verdict> {
    const ITEM: &str = "release_gate";
    let text = match crate::grader::observe::observe_release_criteria(scenarios).await? {
        Ok(text) => text,
        Err(Unobservable::Broken(message)) if message.contains("not yet implemented") => {
            return Ok(Verdict::not_started(ITEM, "release_criteria"));
        }
        Err(Unobservable::Broken(message) | Unobservable::UnknownClass(message)) => {
            return Ok(Verdict::failed(ITEM, message));
        }
    };
    Ok(judge_release(&text))
}

/// Judges release criteria by what they let through: healthy releases pass, and each of the
/// guide's three limits stops a release that breaks it.
pub(super) fn judge_release(text: &str) -> Verdict {
    const ITEM: &str = "release_gate";
    let criteria = match crate::report::thresholds::parse(text) {
        Ok(criteria) => criteria,
        Err(error) => {
            return Verdict::failed(ITEM, format!("기준을 읽을 수 없어요: \"{text}\" ({error})"));
        }
    };
    let passes = |p95: f64, failure: f64, rps: f64| {
        let verdicts = crate::report::thresholds::evaluate(&criteria, &synthetic_result(p95, failure, rps));
        let failed: Vec<String> =
            verdicts.iter().filter(|v| !v.passed).map(|v| v.criterion.text.clone()).collect();
        (failed.is_empty(), failed)
    };
    let mut problems = Vec::new();
    for (p95, failure, rps) in [(300.0, 0.0, 80.0), (480.0, 0.0005, 55.0)] {
        let (ok, failed) = passes(p95, failure, rps);
        if !ok {
            problems.push(format!(
                "기준이 너무 엄격해요: p95 {p95}ms · 실패율 {}% · {rps} req/s인 문제없는 출시를 막았어요 (걸린 기준: {}) — 기대: 가이드의 세 기준만",
                failure * 100.0,
                failed.join(", ")
            ));
        }
    }
    for (p95, failure, rps, what) in [
        (700.0, 0.0, 80.0, "p95가 700ms인 출시를 통과시켰어요 — 기대: p95 500ms 미만을 요구"),
        (300.0, 0.005, 80.0, "실패율이 0.5%인 출시를 통과시켰어요 — 기대: 실패율 0.1% 미만을 요구"),
        (300.0, 0.0, 30.0, "RPS가 30인 출시를 통과시켰어요 — 기대: RPS 50 초과를 요구"),
    ] {
        if passes(p95, failure, rps).0 {
            problems.push(what.to_string());
        }
    }
    Verdict::judge(ITEM, problems, format!("기준: {text}"))
}
