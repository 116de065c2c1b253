//! Findings read from the totals and tables of a run: failures by kind (no answer, 5xx,
//! unexpected 404, panics), one endpoint far slower than the rest, large responses, and
//! cautions about too little data. Each detector returns `None` unless its evidence is in the
//! result, and cites that evidence.

use super::bottlenecks::{slow_endpoint_extra, wire_ratio};
use super::metrics::{FAILURE_TARGET, P95_TARGET_MS, ms, percent};
use super::rows::{MIN_REQUESTS, label};
use super::{Finding, FindingId, Severity};
use super::{no_answer, trends};
use crate::engine::RunResult;
use crate::engine::stats::EndpointStats;
use crate::text::short_number;

/// "Far slower": the slow endpoints' medians are at least this many times the others' …
const SLOW_RATIO: f64 = 3.0;
/// … and at least this many ms more: below that, localhost jitter, not a bottleneck.
const SLOW_MIN_GAP_MS: f64 = 20.0;
/// An average response body this big is hundreds of todos at once: a page of 100 todos is
/// about 10 KB, so 32 KB means the list is not paginated or the page is too big.
pub(crate) const LARGE_RESPONSE_BYTES: f64 = 32.0 * 1024.0;
/// Below this many requests p99 is one or two requests and 0.1 % is not measurable.
const SMALL_SAMPLE: u64 = 100;
/// When the ramp-up takes more than this share of the run, the totals are mostly ramp-up.
const RAMP_UP_SHARE: f64 = 1.0 / 3.0;

pub(crate) fn all(result: &RunResult) -> Vec<Finding> {
    if result.total.num_requests == 0 {
        return no_requests(result).into_iter().collect();
    }
    [
        no_answer::connection_errors(result),
        server_errors(result),
        unexpected_not_found(result),
        task_panics(result),
        slow_endpoint(result),
        large_responses(result),
        small_sample(result),
        short_steady_state(result),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn kilobytes(bytes: f64) -> String {
    format!("{} KB", short_number(bytes / 1024.0))
}

fn no_requests(result: &RunResult) -> Option<Finding> {
    let mut evidence = vec![format!("{}초 동안 기록된 요청이 0건이에요.", short_number(result.duration))];
    let mut advice = Vec::new();
    if !result.exceptions.is_empty() {
        let panics: u64 = result.exceptions.iter().map(|e| e.count).sum();
        evidence.push(format!("대신 작업 안에서 패닉이 {panics}번 났어요: 요청을 보내기 전에 멈췄어요."));
        advice.push(format!("panic 위치부터 고치세요: {}", result.exceptions[0].location));
    }
    advice.push("작업이 client.get(..).send().await 처럼 요청을 끝까지 보내는지 확인하세요 (.send().await가 빠지면 요청이 나가지 않아요).".to_string());
    if result.duration < 2.0 {
        advice.push(
            "실행 시간(-t)이 아주 짧았어요: 사용자가 첫 작업을 마치기 전에 끝났을 수 있어요.".to_string(),
        );
    }
    Some(Finding {
        id: FindingId::NoRequests,
        severity: Severity::Problem,
        title: "요청이 하나도 기록되지 않았어요".to_string(),
        evidence,
        advice,
        names: Vec::new(),
    })
}

fn server_error_count(stats: &EndpointStats) -> u64 {
    stats.status_codes.range(500..=599).map(|(_, count)| count).sum()
}

fn server_errors(result: &RunResult) -> Option<Finding> {
    let total = &result.total;
    let count = server_error_count(total);
    if count == 0 {
        return None;
    }
    let ratio = count as f64 / total.num_requests as f64;
    let mut rows: Vec<(&EndpointStats, u64)> =
        result.stats.iter().map(|s| (s, server_error_count(s))).filter(|(_, c)| *c > 0).collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    let mut evidence =
        vec![format!("요청 {}건 중 {count}건({})이 5xx로 끝났어요.", total.num_requests, percent(ratio))];
    for (stats, _) in rows.iter().take(3) {
        let codes: Vec<String> =
            stats.status_codes.range(500..=599).map(|(code, n)| format!("{code} × {n}")).collect();
        evidence.push(format!(
            "{}: {} (그 요청의 {})",
            label(stats),
            codes.join(", "),
            percent(server_error_count(stats) as f64 / stats.num_requests as f64)
        ));
    }
    let mut advice = vec![
        "서버 로그에서 5xx를 낸 예외를 찾으세요 (loadlab serve 화면, docker-compose logs fastapi-app)."
            .to_string(),
    ];
    // The per-second history counts all failures; it tells when the 5xx happened only when
    // (almost) every failure is a 5xx.
    let failures = total.num_failures;
    if failures > 0 && count.abs_diff(failures) as f64 <= failures as f64 * 0.1 {
        match trends::burst(&result.history) {
            Some(burst) => {
                evidence.push(format!(
                    "실행 {}~{}초의 {}초 동안 실패의 {:.0}%({}건)가 몰렸어요 (그때 사용자 {}명).",
                    burst.start.round(),
                    burst.end.round(),
                    burst.seconds,
                    burst.share * 100.0,
                    burst.count,
                    burst.users
                ));
                advice.push(
                    "한때에 몰렸다면 그 시점에 무엇이 바닥났는지 보세요: 사용자 수가 바뀐 순간인지, 커넥션 풀이 고갈됐는지, 메모리가 찼는지 \
                     (가이드 트러블슈팅 '문제 3'의 해결: 커넥션 풀 크기 조정, 자원 제한, 코드 최적화)."
                        .to_string(),
                );
            }
            None if result.history.len() >= 5 => {
                let peak = result.history.iter().map(|p| p.failures_per_second).fold(0.0, f64::max);
                evidence.push(format!("실패가 실행 내내 퍼져 있어요 (초당 최대 {peak:.0}건)."));
                advice.push("부하와 상관없이 꾸준히 나는 5xx는 대개 특정 입력에서 터지는 코드 버그예요: 실패한 요청의 본문과 경로를 확인하세요.".to_string());
            }
            None => {}
        }
    }
    Some(Finding {
        id: FindingId::ServerErrors,
        severity: if ratio >= FAILURE_TARGET { Severity::Problem } else { Severity::Warning },
        title: format!("서버 오류(5xx) 응답 {count}건 ({})", percent(ratio)),
        evidence,
        advice,
        names: rows.iter().map(|(stats, _)| stats.name.clone()).collect(),
    })
}

fn unexpected_not_found(result: &RunResult) -> Option<Finding> {
    let rows: Vec<_> = result.errors.iter().filter(|e| e.error.starts_with("HTTPError: 404")).collect();
    let count: u64 = rows.iter().map(|e| e.occurrences).sum();
    if count == 0 {
        return None;
    }
    let mut evidence = Vec::new();
    for error in rows.iter().take(3) {
        let requests = result
            .stats
            .iter()
            .find(|s| s.name == error.name && s.method == error.method)
            .map(|s| s.num_requests)
            .unwrap_or(0);
        let share = if requests > 0 {
            format!(" (그 요청의 {})", percent(error.occurrences as f64 / requests as f64))
        } else {
            String::new()
        };
        evidence.push(format!("{} {}: 404 {}건{share}", error.method, error.name, error.occurrences));
    }
    Some(Finding {
        id: FindingId::UnexpectedNotFound,
        severity: Severity::Warning,
        title: format!("시나리오가 예상하지 못한 404 {count}건"),
        evidence,
        advice: vec![
            "다른 사용자가 먼저 지운 할 일처럼 404가 정상인 경우라면, 가이드의 catch_response처럼 성공으로 표시하세요: \
             match response.status() { 200 | 404 => response.success(), code => response.failure(..) }"
                .to_string(),
            "404가 나면 안 되는 요청이라면 경로(끝의 /)와 id를 확인하세요: 지운 id를 목록에 남겨 두고 다시 쓰고 있지 않은지.".to_string(),
        ],
        names: rows.iter().map(|e| e.name.clone()).collect(),
    })
}

fn task_panics(result: &RunResult) -> Option<Finding> {
    let count: u64 = result.exceptions.iter().map(|e| e.count).sum();
    if count == 0 {
        return None;
    }
    let evidence = result
        .exceptions
        .iter()
        .take(3)
        .map(|e| {
            format!(
                "{} 작업 {}: \"{}\" — {}, {}번",
                e.user_class,
                e.task,
                e.message.lines().next().unwrap_or(""),
                e.location,
                e.count
            )
        })
        .collect();
    Some(Finding {
        id: FindingId::TaskPanics,
        severity: Severity::Problem,
        title: format!("작업 안에서 패닉이 {count}번 났어요"),
        evidence,
        advice: vec![
            "todo!()가 남았거나 unwrap()·expect()가 None이나 Err를 만났어요: 적힌 위치의 코드를 고치세요.".to_string(),
            "패닉이 난 작업은 그 자리에서 끝나고 사용자는 다음 작업으로 넘어가요: 그 작업이 보냈어야 할 요청이 통계에서 빠져요."
                .to_string(),
        ],
        names: Vec::new(),
    })
}

pub(crate) fn slow_endpoint(result: &RunResult) -> Option<Finding> {
    let mut rows: Vec<&EndpointStats> =
        result.stats.iter().filter(|s| s.num_requests >= MIN_REQUESTS).collect();
    if rows.len() < 2 {
        return None;
    }
    rows.sort_by(|a, b| b.median_response_time.total_cmp(&a.median_response_time));
    // The smallest group of slowest endpoints (at most half) that stands far apart from the rest.
    let split = (1..=rows.len() / 2).find(|&k| {
        let slowest_of_rest = rows[k].median_response_time;
        let fastest_of_slow = rows[k - 1].median_response_time;
        fastest_of_slow >= slowest_of_rest * SLOW_RATIO
            && fastest_of_slow - slowest_of_rest >= SLOW_MIN_GAP_MS
    })?;
    let (slow, rest) = rows.split_at(split);
    let next = rest[0];
    let mut evidence: Vec<String> = slow
        .iter()
        .map(|s| {
            format!(
                "{}: 중앙값 {}, p95 {} ({}건)",
                label(s),
                ms(s.median_response_time),
                ms(s.percentile(0.95)),
                s.num_requests
            )
        })
        .collect();
    evidence.push(format!(
        "나머지 중 가장 느린 {}: 중앙값 {} — {:.0}배 차이예요.",
        label(next),
        ms(next.median_response_time),
        slow[split - 1].median_response_time / next.median_response_time.max(0.001)
    ));
    let extra = slow_endpoint_extra(result);
    let mut advice = vec![
        "가이드의 'API 병목' 증상(특정 엔드포인트만 느림)이에요: 서버 전체가 아니라 이 엔드포인트의 처리 코드를 보세요.".to_string(),
        "요청마다 쿼리가 여러 번 나가는지(N+1), 인덱스 없이 찾는지, 캐시할 수 있는 비싼 계산을 매번 하는지, \
         async 핸들러 안에서 블로킹 작업을 하는지 확인하세요."
            .to_string(),
    ];
    if let Some((server_evidence, server_advice)) = extra {
        evidence.push(server_evidence);
        advice.push(server_advice);
    }
    if slow.iter().any(|s| s.avg_content_length >= LARGE_RESPONSE_BYTES) {
        advice.push("응답도 커요: 아래 '응답이 커요'도 함께 보세요.".to_string());
    }
    let title = if slow.len() == 1 {
        format!("한 엔드포인트만 느려요: {}", label(slow[0]))
    } else {
        format!(
            "엔드포인트 {}개만 느려요: {}",
            slow.len(),
            slow.iter().map(|s| label(s)).collect::<Vec<_>>().join(", ")
        )
    };
    let misses_target = slow.iter().any(|s| s.percentile(0.95) >= P95_TARGET_MS);
    Some(Finding {
        id: FindingId::SlowEndpoint,
        severity: if misses_target { Severity::Problem } else { Severity::Warning },
        title,
        evidence,
        advice,
        names: slow.iter().map(|s| s.name.clone()).collect(),
    })
}

fn large_responses(result: &RunResult) -> Option<Finding> {
    let mut rows: Vec<&EndpointStats> = result
        .stats
        .iter()
        .filter(|s| s.num_requests >= MIN_REQUESTS && s.avg_content_length >= LARGE_RESPONSE_BYTES)
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| b.avg_content_length.total_cmp(&a.avg_content_length));
    let duration = result.duration.max(0.001);
    let evidence = rows
        .iter()
        .map(|s| {
            format!(
                "{}: 평균 {} × {}건 = {} MB (초당 {} MB), 중앙값 {}",
                label(s),
                kilobytes(s.avg_content_length),
                s.num_requests,
                short_number(s.total_content_length as f64 / 1_048_576.0),
                short_number(s.total_content_length as f64 / 1_048_576.0 / duration),
                ms(s.median_response_time)
            )
        })
        .collect();
    let mut advice = Vec::new();
    if rows.iter().any(|s| s.method == "GET") {
        advice.push(
            "목록 조회라면 페이지네이션(skip/limit)으로 한 번에 보내는 양을 제한하세요: 데이터가 쌓일수록 응답이 커지고 느려져요 \
             (가이드 '네트워크 병목')."
                .to_string(),
        );
    }
    match wire_ratio(result) {
        // The lab server counts what it sent: compression is on, and says how well it worked.
        Some(ratio) if ratio < 0.5 => advice.push(format!(
            "압축은 켜져 있어요: 서버가 실제로 보낸 바이트는 본문의 {:.0}%예요. 남은 방법은 보내는 양 자체를 줄이는 거예요.",
            ratio * 100.0
        )),
        _ => advice.push(
            "응답 압축(gzip)을 켜세요 (FastAPI: GZipMiddleware, minimum_size=1000). 여기 크기는 압축을 푼 뒤의 크기라, \
             압축이 켜져 있는지는 응답 헤더 Content-Encoding으로 확인하세요."
                .to_string(),
        ),
    }
    advice.push("화면에서 쓰지 않는 필드는 응답에서 빼세요.".to_string());
    Some(Finding {
        id: FindingId::LargeResponses,
        severity: Severity::Warning,
        title: format!("응답이 커요: {} 평균 {}", label(rows[0]), kilobytes(rows[0].avg_content_length)),
        evidence,
        advice,
        names: rows.iter().map(|s| s.name.clone()).collect(),
    })
}

fn small_sample(result: &RunResult) -> Option<Finding> {
    let n = result.total.num_requests;
    if n >= SMALL_SAMPLE {
        return None;
    }
    Some(Finding {
        id: FindingId::SmallSample,
        severity: Severity::Note,
        title: format!("요청이 {n}건뿐이라 꼬리 지표는 참고만 하세요"),
        evidence: vec![format!(
            "p99는 가장 느린 1%인데 {n}건의 1%는 {}건이고, 실패 한 건만으로 실패율이 {}가 돼요.",
            short_number(n as f64 / 100.0),
            percent(1.0 / n as f64)
        )],
        advice: vec!["실행 시간(-t)이나 사용자 수(-u)를 늘려 요청을 더 모으세요: 0.1%를 말하려면 최소 수천 건이 필요해요.".to_string()],
        names: Vec::new(),
    })
}

fn short_steady_state(result: &RunResult) -> Option<Finding> {
    let peak = result.settings.users;
    if result.settings.shape.is_some() || result.history.is_empty() || peak == 0 {
        return None;
    }
    let duration = result.duration.max(0.001);
    // Samples are a second apart: the users were complete somewhere after the last sample that
    // was short of them. Only that lower bound is certain, so only it is used.
    let full = result.history.iter().position(|point| point.users >= peak);
    let (ramp, evidence) = match full {
        Some(index) => {
            let before = if index == 0 { 0.0 } else { result.history[index - 1].elapsed };
            (
                before,
                format!(
                    "사용자 {peak}명이 모두 모인 것은 {}~{}초 사이이고, 실행은 {}초였어요.",
                    before.round(),
                    result.history[index].elapsed.round(),
                    short_number(duration)
                ),
            )
        }
        None => {
            let most = result.history.iter().map(|p| p.users).max().unwrap_or(0);
            (
                duration,
                format!(
                    "실행 {}초 동안 사용자가 {most}명까지만 모였어요 (목표 {peak}명).",
                    short_number(duration)
                ),
            )
        }
    };
    if ramp / duration <= RAMP_UP_SHARE {
        return None;
    }
    Some(Finding {
        id: FindingId::ShortSteadyState,
        severity: Severity::Note,
        title: format!(
            "실행의 {:.0}%가 램프업이었어요: 결과는 '{peak}명일 때의 성능'이 아니에요",
            ramp / duration * 100.0
        ),
        evidence: vec![evidence],
        advice: vec![format!(
            "실행 시간(-t)을 램프업({}초)보다 넉넉히 길게 잡으세요: 사용자 수 ÷ 투입 속도(-r)가 램프업 시간이에요.",
            short_number(peak as f64 / result.settings.spawn_rate.max(0.001))
        )],
        names: Vec::new(),
    })
}
