//! The metric lines of an explanation: each value of the aggregated row with one sentence of
//! meaning for this run, against the guide's targets ("주요 메트릭 이해"): median < 200 ms,
//! p95 < 500 ms, p99 < 1000 ms, failures < 0.1 %. RPS has no fixed target; it is held against
//! the closed-loop model: each user sends one request, waits, and sends the next, so
//! RPS ≈ users ÷ (average response time + average wait).

use super::{Mark, MetricLine};
use crate::engine::RunResult;
use crate::engine::stats::EndpointStats;
use crate::engine::user::WaitTime;
use crate::text::format_ms;
use crate::text::short_number;

pub(crate) const MEDIAN_TARGET_MS: f64 = 200.0;
pub(crate) const P95_TARGET_MS: f64 = 500.0;
pub(crate) const P99_TARGET_MS: f64 = 1000.0;
/// 0.1 %.
pub(crate) const FAILURE_TARGET: f64 = 0.001;

/// Below this share of the model's RPS, the users sent clearly fewer requests than they could.
const RPS_MODEL_LOW: f64 = 0.8;
/// Above this share, tasks evidently send more than one request each.
const RPS_MODEL_HIGH: f64 = 1.25;

pub(crate) fn ms(value: f64) -> String {
    format!("{} ms", format_ms(value))
}

/// A failure share as a percentage: `0%`, `<0.01%`, `0.25%`.
pub(crate) fn percent(ratio: f64) -> String {
    let percent = ratio * 100.0;
    if ratio <= 0.0 {
        "0%".to_string()
    } else if percent < 0.01 {
        "<0.01%".to_string()
    } else {
        format!("{}%", short_number(percent))
    }
}

/// Good below `target`, Warn below twice the target, Bad from there on.
fn mark_below(value: f64, target: f64) -> Mark {
    if value < target {
        Mark::Good
    } else if value < target * 2.0 {
        Mark::Warn
    } else {
        Mark::Bad
    }
}

/// What the closed-loop model expects of this run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LoadModel {
    /// Users running, averaged over the run's seconds.
    pub users: f64,
    /// The users' average pause between tasks, in seconds (after `time_scale`).
    pub wait: f64,
    /// The requests per second the model predicts.
    pub predicted_rps: f64,
}

/// The closed-loop prediction, or `None` when the result lacks what it needs (no users, no
/// classes, no requests).
pub(crate) fn closed_loop(result: &RunResult) -> Option<LoadModel> {
    let settings = &result.settings;
    let users = if result.history.is_empty() {
        settings.users as f64
    } else {
        result.history.iter().map(|point| point.users as f64).sum::<f64>() / result.history.len() as f64
    };
    let by_users: f64 = settings.classes.iter().map(|class| class.users as f64).sum();
    let by_weight: f64 = settings.classes.iter().map(|class| class.weight.max(1) as f64).sum();
    if users <= 0.0 || settings.classes.is_empty() || result.total.num_requests == 0 {
        return None;
    }
    let took = result.total.avg_response_time / 1000.0;
    let scale = settings.time_scale.max(0.0);
    let (mut rate, mut wait) = (0.0, 0.0);
    for class in &settings.classes {
        let share = if by_users > 0.0 {
            class.users as f64 / by_users
        } else {
            class.weight.max(1) as f64 / by_weight
        };
        let pause = match class.wait_time {
            WaitTime::ConstantThroughput { per_second } if per_second > 0.0 => {
                (1.0 / per_second - took).max(0.0) * scale
            }
            other => other.mean_seconds() * scale,
        };
        let period = took + pause;
        if period <= 0.0 {
            return None;
        }
        rate += share / period;
        wait += share * pause;
    }
    let predicted_rps = users * rate;
    predicted_rps.is_finite().then_some(LoadModel { users, wait, predicted_rps })
}

/// The metric lines of `result`, in the order of Locust's request table.
pub(crate) fn lines(result: &RunResult) -> Vec<MetricLine> {
    let mut lines = vec![requests_line(result)];
    if result.total.num_requests == 0 {
        return lines;
    }
    lines.push(rps_line(result));
    lines.push(failure_line(result));
    lines.extend(percentile_lines(&result.total));
    lines.push(average_line(&result.total));
    lines.push(max_line(&result.total));
    lines
}

fn requests_line(result: &RunResult) -> MetricLine {
    let n = result.total.num_requests;
    MetricLine {
        id: "requests",
        label: "요청 수 (Total Requests)".to_string(),
        value: format!("{n}건"),
        target: None,
        mark: Mark::Info,
        meaning: if n == 0 {
            "요청이 하나도 기록되지 않았어요.".to_string()
        } else {
            format!(
                "{}초 동안 보낸 요청 수예요{}.",
                short_number(result.duration),
                if result.interrupted { " (Ctrl-C로 일찍 끝남)" } else { "" }
            )
        },
    }
}

/// Median, p95 and p99 against the guide's targets.
fn percentile_lines(total: &EndpointStats) -> [MetricLine; 3] {
    let median = total.percentile(0.5);
    let median_line = MetricLine {
        id: "median",
        label: "중앙값 (Median)".to_string(),
        value: ms(median),
        target: Some(format!("목표 < {}", ms(MEDIAN_TARGET_MS))),
        mark: mark_below(median, MEDIAN_TARGET_MS),
        meaning: format!("요청의 절반이 {} 안에 끝났어요.{}", ms(median), over(median, MEDIAN_TARGET_MS)),
    };
    let p95 = total.percentile(0.95);
    let p95_line = MetricLine {
        id: "p95",
        label: "95%ile".to_string(),
        value: ms(p95),
        target: Some(format!("목표 < {}", ms(P95_TARGET_MS))),
        mark: mark_below(p95, P95_TARGET_MS),
        meaning: format!(
            "요청 100건 중 95건이 {} 안에 끝났고, 나머지 5건은 더 걸렸어요.{}",
            ms(p95),
            over(p95, P95_TARGET_MS)
        ),
    };
    let p99 = total.percentile(0.99);
    let n = total.num_requests;
    let few = if n < 100 {
        format!(" 요청이 {n}건뿐이라 p99는 사실상 가장 느린 한두 건의 값이에요.")
    } else {
        String::new()
    };
    let p99_line = MetricLine {
        id: "p99",
        label: "99%ile".to_string(),
        value: ms(p99),
        target: Some(format!("목표 < {}", ms(P99_TARGET_MS))),
        mark: mark_below(p99, P99_TARGET_MS),
        meaning: format!(
            "요청 100건 중 99건이 {} 안에 끝났고, 가장 느린 1건은 더 걸렸어요.{}{few}",
            ms(p99),
            over(p99, P99_TARGET_MS)
        ),
    };
    [median_line, p95_line, p99_line]
}

/// The average, and whether a few slow requests pulled it above the median.
fn average_line(total: &EndpointStats) -> MetricLine {
    let median = total.percentile(0.5);
    let average = total.avg_response_time;
    let skew = if median > 0.0 && average >= median * 1.5 && average - median >= 5.0 {
        format!(
            " 중앙값({})의 {:.1}배라서, 드문 느린 요청 몇 건이 평균을 끌어올렸어요: 평균보다 중앙값과 p95를 보세요.",
            ms(median),
            average / median
        )
    } else {
        String::new()
    };
    MetricLine {
        id: "avg",
        label: "평균 (Average)".to_string(),
        value: ms(average),
        target: None,
        mark: Mark::Info,
        meaning: format!("모든 응답 시간의 평균이에요.{skew}"),
    }
}

/// The slowest request, and whether it stands far out from p99.
fn max_line(total: &EndpointStats) -> MetricLine {
    let p99 = total.percentile(0.99);
    let max = total.max_response_time;
    let outlier = if max >= 100.0 && p99 > 0.0 && max >= p99 * 5.0 {
        format!(" p99({})의 {:.0}배라서, 몇 건만 유난히 오래 걸렸어요.", ms(p99), max / p99)
    } else {
        String::new()
    };
    MetricLine {
        id: "max",
        label: "최대 (Max)".to_string(),
        value: ms(max),
        target: None,
        mark: Mark::Info,
        meaning: format!("가장 오래 걸린 요청 한 건의 시간이에요.{outlier}"),
    }
}

/// " 목표의 2.3배예요." when `value` misses `target`, else nothing.
fn over(value: f64, target: f64) -> String {
    if value < target {
        String::new()
    } else {
        format!(" 목표({})의 {:.1}배예요.", ms(target), value / target)
    }
}

fn failure_line(result: &RunResult) -> MetricLine {
    let total = &result.total;
    let (n, failed) = (total.num_requests, total.num_failures);
    let ratio = total.failure_ratio();
    let meaning = if failed == 0 {
        let mut text = "실패한 요청이 없어요.".to_string();
        if n < 1000 {
            text.push_str(&format!(
                " 다만 요청이 {n}건이라, 1000건 중 1건인 0.1%를 판정하기에는 적어요 (실패 한 건이면 {}).",
                percent(1.0 / n as f64)
            ));
        }
        text
    } else {
        // "N in 1000" helps read rates below 1 %; above that the percentage says it plainly.
        let per_mille =
            if ratio < 0.01 { format!(" (1000건 중 {:.1}건)", ratio * 1000.0) } else { String::new() };
        format!(
            "요청 {n}건 중 {failed}건이 실패했어요{per_mille}.{}",
            if ratio >= FAILURE_TARGET {
                " 아래 발견한 점과 실패 표에서 실패의 종류를 확인하세요."
            } else {
                ""
            }
        )
    };
    MetricLine {
        id: "failures",
        label: "실패 (Failures)".to_string(),
        value: format!("{failed}건 ({})", percent(ratio)),
        target: Some(format!("목표 < {}", percent(FAILURE_TARGET))),
        mark: mark_below(ratio, FAILURE_TARGET),
        meaning,
    }
}

/// Below this share of a user's cycle (answer + pause), the answer barely decides RPS.
const RESPONSE_SHARE_MINOR: f64 = 0.1;

/// What a faster server could do for RPS, from how much of each user's cycle (answer + pause)
/// the answer takes: the closed loop's own arithmetic, so it agrees with any finding that the
/// server caps throughput (a server that caps throughput makes the answer a large share).
fn cycle_sentence(took: f64, wait: f64) -> String {
    let cycle = took + wait;
    if wait <= 0.0 || cycle <= 0.0 {
        return " 대기 없이 응답만 기다렸다가 다시 보내니, RPS는 서버 속도에 그대로 묶여 있어요: 서버가 빨라지면 RPS도 늘어나요."
            .to_string();
    }
    let share = took / cycle;
    let most_gain = cycle / wait;
    if share < RESPONSE_SHARE_MINOR {
        // Whole percents, but never "0%": a share that rounds to nothing is "under 1%".
        let percent = |ratio: f64| {
            if ratio * 100.0 < 0.5 { "1% 미만".to_string() } else { format!("{:.0}%", ratio * 100.0) }
        };
        let gain = most_gain - 1.0;
        let ceiling = if gain * 100.0 < 0.5 {
            "응답이 0 ms가 되어도 RPS는 1%도 늘지 않아요.".to_string()
        } else {
            format!("응답이 0 ms가 되어도 RPS는 많아야 {} 늘어요.", percent(gain))
        };
        format!(
            " 사용자 한 명의 주기(응답 + 대기) 중 응답은 {}뿐이라, RPS를 정한 것은 서버 속도보다 사용자 수와 대기 시간이에요: {ceiling}",
            percent(share)
        )
    } else {
        format!(
            " 사용자 한 명의 주기(응답 + 대기) 중 응답이 {:.0}%를 차지해서, 서버가 빨라지면 RPS도 늘어나요 \
             (응답이 0에 가까워지면 같은 사용자 수로 최대 {}배).",
            share * 100.0,
            short_number(most_gain)
        )
    }
}

fn rps_line(result: &RunResult) -> MetricLine {
    let measured = result.total.requests_per_second;
    let value = format!("{measured:.1} req/s");
    let Some(model) = closed_loop(result) else {
        return MetricLine {
            id: "rps",
            label: "RPS (req/s)".to_string(),
            value,
            target: None,
            mark: Mark::Info,
            meaning: format!("1초에 평균 {measured:.1}건의 요청을 처리했어요."),
        };
    };
    let ratio = measured / model.predicted_rps;
    let took = result.total.avg_response_time / 1000.0;
    let mut meaning = format!(
        "1초에 평균 {measured:.1}건을 처리했어요. 사용자 평균 {}명이 (응답 {} + 대기 {}초)마다 요청을 하나씩 보내면 \
         {:.1} req/s가 나오고, 측정값은 그 {:.0}%예요.",
        short_number(model.users),
        ms(result.total.avg_response_time),
        short_number(model.wait),
        model.predicted_rps,
        ratio * 100.0
    );
    if ratio < RPS_MODEL_LOW {
        meaning.push_str(
            " 사용자들이 보낼 수 있는 만큼 보내지 못했어요: 요청 없이 끝나는 작업(예: 아직 만든 할 일이 없어 바로 \
             return)가 많거나, 부하를 만드는 쪽(이 컴퓨터의 CPU)이 바빴을 수 있어요.",
        );
    } else if ratio > RPS_MODEL_HIGH {
        meaning.push_str(" 예상보다 높은 것은 작업 하나가 요청을 여러 번 보내기 때문이에요.");
    } else {
        meaning.push_str(&cycle_sentence(took, model.wait));
    }
    MetricLine {
        id: "rps",
        label: "RPS (req/s)".to_string(),
        value,
        target: Some(format!("예상 ≈ {:.1} req/s", model.predicted_rps)),
        mark: if ratio < RPS_MODEL_LOW { Mark::Warn } else { Mark::Good },
        meaning,
    }
}

#[cfg(test)]
mod cycle_tests {
    use super::cycle_sentence;

    #[test]
    fn a_server_that_takes_a_quarter_of_the_cycle_can_raise_rps() {
        // The pool-starvation run of the learner's report: 104 ms answers, 0.3 s pauses.
        let text = cycle_sentence(0.104, 0.3);
        assert!(text.contains("26%") && text.contains("RPS도 늘어나요"), "{text}");
        assert!(!text.contains("거의 그대로"), "{text}");
        assert!(text.contains("최대 1.35배"), "{text}");
    }

    #[test]
    fn a_fast_server_with_long_pauses_barely_decides_rps() {
        let text = cycle_sentence(0.02, 2.0);
        assert!(text.contains("1%뿐") && text.contains("많아야 1% 늘어요"), "{text}");
        // A 0.5 ms answer against 2 s pauses: no "0%" anywhere.
        let text = cycle_sentence(0.0005, 2.0);
        assert!(text.contains("1% 미만뿐") && text.contains("1%도 늘지 않아요"), "{text}");
        assert!(!text.contains(" 0%"), "{text}");
        let text = cycle_sentence(0.05, 0.0);
        assert!(text.contains("서버 속도에 그대로 묶여"), "{text}");
    }
}
