//! The detectors of the lab server's runtime bottlenecks: `blocking-io` (time a request held
//! its async thread), `memory-leak` (memory growth per request while users hold steady) and
//! `no-compression` (bytes sent per body byte when large bodies dominate). Each returns `None`
//! unless its figure passes the threshold in [`super`]'s table, and cites that figure.

use super::lab::{Lab, Sampled, bytes, count, names, severity, share};
use super::{
    BLOCKED_MIN_MS, COMPRESSIBLE_BYTES, LARGE_BODY_SHARE, LEAK_BYTES_PER_REQUEST, LEAK_MIN_GROWTH,
    LEAK_STEADY_SHARE, MIN_WINDOW_REQUESTS, UNCOMPRESSED_RATIO,
};
use crate::engine::stats::EndpointStats;
use crate::explain::metrics::ms;
use crate::explain::rows::{MIN_REQUESTS, label};
use crate::explain::{Finding, FindingId, Severity};
use crate::text::short_number;

pub(super) fn blocking_io(lab: &Lab) -> Option<Finding> {
    let blocked_ms = lab.per_request(|s| s.async_blocked_seconds_total) * 1000.0;
    if blocked_ms < BLOCKED_MIN_MS {
        return None;
    }
    let rows = lab.db_rows();
    let mut evidence = vec![format!(
        "서버 지표: 요청 {}건을 처리하는 동안 핸들러가 await 없이 한 번에 1 ms 넘게 비동기 작업자 스레드를 붙잡은 시간이 모두 {}초 — \
         요청 1건에 평균 {}예요. 비동기 핸들러는 보통 마이크로초 안에 스레드를 돌려줘요.",
        count(lab.requests),
        short_number(lab.last.async_blocked_seconds_total - lab.first.async_blocked_seconds_total),
        ms(blocked_ms)
    )];
    let medians: Vec<f64> = rows.iter().map(|s| s.median_response_time).collect();
    let (low, high) =
        (medians.iter().copied().fold(f64::INFINITY, f64::min), medians.iter().copied().fold(0.0, f64::max));
    if rows.len() >= 2 && low.is_finite() {
        evidence.push(format!(
            "그동안 같은 스레드의 다른 요청은 무엇이든 멈춰 기다려요: 엔드포인트 {}개가 모두 중앙값 {}~{}로 함께 느리고, \
             한 엔드포인트만 튀지 않아요.",
            rows.len(),
            ms(low),
            ms(high)
        ));
    }
    if let Some(health) = lab.health()
        && health.median_response_time * 2.0 >= low
    {
        evidence.push(format!(
            "일이 거의 없는 {}조차 중앙값 {}예요: 느린 것은 엔드포인트가 아니라 막힌 스레드예요.",
            label(health),
            ms(health.median_response_time)
        ));
    }
    Some(Finding {
        id: FindingId::BlockingIo,
        severity: severity(Lab::worst_p95(&rows)),
        title: format!("블로킹 I/O: 요청 1건마다 비동기 스레드가 평균 {} 막혔어요", ms(blocked_ms)),
        evidence,
        advice: vec![
            "가이드 'API 병목'의 해결 '비동기 처리': async 핸들러 안에서는 await 하는 라이브러리(비동기 DB 드라이버, httpx.AsyncClient)를 쓰세요. \
             ❌ async def export(): time.sleep(0.5) → ✅ await asyncio.sleep(0.5)"
                .to_string(),
            "동기 라이브러리를 써야 한다면 스레드 풀로 넘기세요: FastAPI는 async 없는 def 핸들러를 스레드 풀에서 돌리고, \
             asyncio.to_thread·run_in_threadpool도 있어요 (Rust: tokio::task::spawn_blocking)."
                .to_string(),
        ],
        names: names(&rows),
    })
}

/// Memory growth over the steady samples: bytes, requests, the requests of windows that grew at
/// a leak's pace, and the seconds covered.
struct Growth {
    grown: f64,
    requests: f64,
    steady_requests: f64,
    seconds: f64,
}

/// Samples read after the users had been steady for two seconds: the last one may be a second
/// old, and the users' warm-up (connections, buffers) is over by then.
fn steady_samples<'a>(lab: &'a Lab) -> Vec<&'a Sampled> {
    let history = &lab.result.history;
    lab.samples
        .iter()
        .filter(|s| {
            let Some(i) = history.iter().position(|p| p.elapsed == s.elapsed) else { return false };
            i >= 2 && s.users > 0 && history[i - 1].users == s.users && history[i - 2].users == s.users
        })
        .collect()
}

fn growth(steady: &[&Sampled]) -> Growth {
    let mut growth = Growth { grown: 0.0, requests: 0.0, steady_requests: 0.0, seconds: 0.0 };
    for pair in steady.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let n = b.sample.requests_total.saturating_sub(a.sample.requests_total) as f64;
        if a.users != b.users || n <= 0.0 {
            continue;
        }
        let delta = b.sample.memory_bytes as f64 - a.sample.memory_bytes as f64;
        growth.grown += delta;
        growth.requests += n;
        growth.seconds += b.elapsed - a.elapsed;
        if delta / n >= LEAK_BYTES_PER_REQUEST / 2.0 {
            growth.steady_requests += n;
        }
    }
    growth
}

pub(super) fn memory_leak(lab: &Lab) -> Option<Finding> {
    let steady = steady_samples(lab);
    let Growth { grown, requests, steady_requests, seconds } = growth(&steady);
    if requests < MIN_WINDOW_REQUESTS {
        return None;
    }
    let per_request = grown / requests;
    if per_request < LEAK_BYTES_PER_REQUEST
        || grown < LEAK_MIN_GROWTH
        || steady_requests < requests * LEAK_STEADY_SHARE
    {
        return None;
    }
    let (first, last) =
        (steady.first()?.sample.memory_bytes as f64, steady.last()?.sample.memory_bytes as f64);
    let rps = requests / seconds.max(0.001);
    let per_hour = per_request * rps * 3600.0;
    let mut evidence = vec![
        format!(
            "서버 지표: 사용자 수가 일정하던 구간에 요청 {}건 동안 서버 메모리(RSS)가 {} → {}로 {} 늘었어요 — 요청 1건에 약 {}.",
            count(requests),
            bytes(first),
            bytes(last),
            bytes(grown),
            bytes(per_request)
        ),
        format!(
            "그 구간의 요청 {}가 같은 속도로 메모리를 늘렸어요: 워밍업처럼 한 번 늘고 평평해지는 모양이 아니라, 요청이 쌓이는 만큼 계속 늘어나요.",
            share(steady_requests / requests)
        ),
        format!(
            "이 속도(초당 요청 약 {}건)라면 1시간에 약 {}, 하루면 {}가 늘어나요: 짧은 테스트로는 지나치기 쉽고 내구성(soak) 테스트에서 드러나는 문제예요.",
            count(rps),
            bytes(per_hour),
            bytes(per_hour * 24.0)
        ),
    ];
    if lab.result.settings.embedded_server {
        evidence.push(
            "내장 실습 서버는 부하 생성기와 같은 프로세스라 이 메모리에는 loadlab 자신도 들어 있지만, 사용자 수가 일정하면 부하 생성기의 메모리는 거의 늘지 않아요."
                .to_string(),
        );
    }
    Some(Finding {
        id: FindingId::MemoryLeak,
        severity: if per_hour >= 1024.0 * 1024.0 * 1024.0 { Severity::Problem } else { Severity::Warning },
        title: format!("메모리 누수 의심: 요청 1건마다 서버 메모리가 약 {}씩 늘고 줄지 않아요", bytes(per_request)),
        evidence,
        advice: vec![
            "요청마다 무언가를 쌓고 지우지 않는 곳을 찾으세요: 전역 리스트·딕셔너리에 계속 추가, 크기 제한 없는 캐시, 요청 기록. \
             캐시에는 크기 제한(@lru_cache(maxsize=128))이나 만료 시간을 두세요."
                .to_string(),
            "내구성 테스트(--shape soak)로 오래 돌려 메모리 그래프를 보세요: 정상이면 워밍업 뒤 평평하고, 누수면 계속 올라요. \
             Python이라면 tracemalloc 스냅샷 두 개를 비교해 어디서 늘었는지 찾을 수 있어요."
                .to_string(),
        ],
        names: Vec::new(),
    })
}

pub(super) fn no_compression(lab: &Lab) -> Option<Finding> {
    let total = &lab.result.total;
    let large: Vec<&EndpointStats> = lab
        .result
        .stats
        .iter()
        .filter(|s| s.num_requests >= MIN_REQUESTS && s.avg_content_length >= COMPRESSIBLE_BYTES)
        .collect();
    let large_bytes: u64 = large.iter().map(|s| s.total_content_length).sum();
    if large.is_empty() || (large_bytes as f64) < total.total_content_length as f64 * LARGE_BODY_SHARE {
        return None;
    }
    let ratio = lab.wire_ratio()?;
    if ratio < UNCOMPRESSED_RATIO {
        return None;
    }
    let body = total.total_content_length as f64 / total.num_requests.max(1) as f64;
    let biggest = large.iter().max_by(|a, b| a.avg_content_length.total_cmp(&b.avg_content_length))?;
    let sent_per_second = (lab.last.sent_body_bytes_total.saturating_sub(lab.first.sent_body_bytes_total))
        as f64
        / (lab.samples.last()?.elapsed - lab.samples.first()?.elapsed).max(1.0);
    let evidence = vec![
        format!(
            "응답 본문은 요청 1건에 평균 {}인데, 서버가 실제로 내보낸 본문도 요청 1건에 {}로 그 {}예요: 압축되지 않았어요.",
            bytes(body),
            bytes(body * ratio),
            share(ratio)
        ),
        format!(
            "큰 응답은 {} 평균 {}({}건) 등, 본문 바이트의 {}를 차지해요. JSON은 같은 키가 되풀이돼 gzip으로 보통 1/4 이하로 줄어들어요.",
            label(biggest),
            bytes(biggest.avg_content_length),
            biggest.num_requests,
            share(large_bytes as f64 / total.total_content_length.max(1) as f64)
        ),
        format!(
            "서버는 응답 본문을 초당 약 {}씩 내보냈어요: 압축하면 그 대부분이 줄어들어요.",
            bytes(sent_per_second)
        ),
    ];
    Some(Finding {
        id: FindingId::NoCompression,
        severity: Severity::Warning,
        title: format!("응답 압축 없음: 큰 JSON({} 평균 {})을 gzip 없이 보내요", label(biggest), bytes(biggest.avg_content_length)),
        evidence,
        advice: vec![
            "가이드 '네트워크 병목'의 해결: ✅ 압축 (gzip) — from fastapi.middleware.gzip import GZipMiddleware; \
             app.add_middleware(GZipMiddleware, minimum_size=1000)"
                .to_string(),
            "minimum_size를 두는 이유: 1000바이트 미만의 작은 응답은 줄어드는 양보다 압축에 드는 CPU가 더 아까워요.".to_string(),
            "켜졌는지는 응답 헤더로 확인하세요: curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' URL 에 Content-Encoding: gzip 이 보여야 해요. \
             부하 테스트가 기록하는 본문 크기는 압축을 푼 뒤의 크기라 그것만으로는 알 수 없어요."
                .to_string(),
        ],
        names: names(&large),
    })
}
