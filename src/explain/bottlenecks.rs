//! Findings that name the lab server's switchable bottlenecks (`--bottleneck NAME`, same ids):
//! `n-plus-one`, `missing-index`, `no-pagination`, `pool-starvation`, `blocking-io`,
//! `memory-leak` and `no-compression` (`slow-endpoint` is the findings' one slow route; its
//! server-side evidence comes from here).
//!
//! Each reads what a normal run records: the users' view (per-name latency, body sizes, the
//! per-second history) and the lab server's own counters, sampled each second from its
//! `/metrics` — memory, queries, rows read by full table scans, bytes sent, time spent waiting
//! for a database session, time handlers held their async thread. The counters are turned into
//! per-request figures between the first and the last distinct sample, and each detector
//! speaks only when its figure is far from the healthy server's:
//!
//! | finding           | figure                                              | healthy   | fires at  |
//! |-------------------|-----------------------------------------------------|-----------|-----------|
//! | `n-plus-one`      | database queries per request                        | ≤ 1       | ≥ 2       |
//! | `missing-index`   | rows scanned per request beyond the rows lists return | a few   | ≥ 10 % of the table and ≥ 10 |
//! | `no-pagination`   | todos per list answer (body ÷ one todo's size)      | ≤ limit   | ≥ 120 and ≥ 70 % of the table |
//! | `pool-starvation` | session wait per `/todos` request                   | none      | ≥ 2 ms and ≥ ⅓ of its latency |
//! | `blocking-io`     | time a request held its async thread (polls > 1 ms) | ~0.1 ms   | ≥ 2 ms    |
//! | `memory-leak`     | memory growth per request, users steady             | ~2 KB     | ≥ 8 KiB and ≥ 2 MiB in all |
//! | `no-compression`  | bytes sent ÷ body bytes, when large bodies dominate | ~0.3      | ≥ 0.8     |
//!
//! A target that is not a lab server has no samples, and then none of these speaks.
//!
//! Files: `lab` turns the samples into figures; `database` and `runtime` hold the detectors.
//! Imports run one way: `findings` asks this module for server evidence ([`wire_ratio`],
//! [`slow_endpoint_extra`]); what both share about rows lives in `rows`.

mod database;
mod lab;
mod runtime;

use super::Finding;
use super::metrics::ms;
use crate::engine::RunResult;
use database::{missing_index, n_plus_one, no_pagination, pool_starvation};
use lab::{Lab, tenths};
use runtime::{blocking_io, memory_leak, no_compression};

/// The samples must span at least this many requests.
const MIN_WINDOW_REQUESTS: f64 = 30.0;
/// Bodies from this size on are worth compressing (Starlette's `minimum_size=1000`).
const COMPRESSIBLE_BYTES: f64 = 1024.0;

const N_PLUS_ONE_QUERIES: f64 = 2.0;
const SCAN_TABLE_SHARE: f64 = 0.1;
const SCAN_MIN_ROWS: f64 = 10.0;
/// More todos than the API's default page (100) holds, with room for a page that is a bit
/// larger than the estimate of one todo's size says.
const UNPAGED_MIN_ITEMS: f64 = 120.0;
const UNPAGED_TABLE_SHARE: f64 = 0.7;
const POOL_WAIT_MIN_MS: f64 = 2.0;
const POOL_WAIT_SHARE: f64 = 1.0 / 3.0;
const BLOCKED_MIN_MS: f64 = 2.0;
const LEAK_BYTES_PER_REQUEST: f64 = 8.0 * 1024.0;
const LEAK_MIN_GROWTH: f64 = 2.0 * 1024.0 * 1024.0;
/// Share of the steady requests whose interval grew at least half the leak rate: a leak grows
/// all along, a warm-up in one step.
const LEAK_STEADY_SHARE: f64 = 0.7;
const UNCOMPRESSED_RATIO: f64 = 0.8;
const LARGE_BODY_SHARE: f64 = 0.5;

pub(crate) fn all(result: &RunResult) -> Vec<Finding> {
    let Some(lab) = Lab::of(result) else { return Vec::new() };
    [
        n_plus_one(&lab),
        missing_index(&lab),
        no_pagination(&lab),
        pool_starvation(&lab),
        blocking_io(&lab),
        memory_leak(&lab),
        no_compression(&lab),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The finding of the lab bottleneck `id` (one of [`FindingId::BOTTLENECKS`] but the slow
/// endpoint), when the run shows it; `None` also when the run has no server samples.
pub(crate) fn finding(result: &RunResult, id: super::FindingId) -> Option<Finding> {
    all(result).into_iter().find(|finding| finding.id == id)
}

/// Whether the run recorded enough of a lab server's counters for the detectors to speak.
pub(crate) fn has_server_evidence(result: &RunResult) -> bool {
    Lab::of(result).is_some()
}

/// The figure the detector of `bottleneck` reads: what it is, in Korean, and its value in this
/// run (`요청 1건당 DB 쿼리`, `9.0개`); `None` without server samples.
pub(crate) fn figure(
    result: &RunResult,
    bottleneck: crate::server::Bottleneck,
) -> Option<(&'static str, String)> {
    use crate::server::Bottleneck as B;
    let lab = Lab::of(result)?;
    let per_request =
        |counter: fn(&crate::engine::server_metrics::ServerSample) -> f64| lab.per_request(counter);
    Some(match bottleneck {
        B::NPlusOne => {
            ("요청 1건당 DB 쿼리", format!("{}개", tenths(per_request(|s| s.db_queries_total as f64))))
        }
        B::MissingIndex => (
            "요청 1건당 전체 스캔으로 훑은 행",
            format!(
                "{}개 (테이블 약 {}개)",
                lab::count(per_request(|s| s.db_rows_scanned_total as f64)),
                lab::count(lab.rows)
            ),
        ),
        B::NoPagination => {
            let largest = lab
                .result
                .stats
                .iter()
                .filter(|s| s.method == "GET" && s.num_requests > 0)
                .map(|s| s.avg_content_length)
                .fold(0.0, f64::max);
            (
                "가장 큰 GET 응답의 평균 크기",
                format!("{} (테이블 약 {}개)", lab::bytes(largest), lab::count(lab.rows)),
            )
        }
        B::PoolStarvation => (
            "요청 1건당 DB 세션을 기다린 시간",
            ms(per_request(|s| s.db_session_wait_seconds_total.unwrap_or(0.0)) * 1000.0),
        ),
        B::BlockingIo => (
            "요청 1건당 비동기 스레드가 막힌 시간",
            ms(per_request(|s| s.async_blocked_seconds_total) * 1000.0),
        ),
        B::SlowEndpoint => {
            let rows = lab.db_rows();
            let mut medians: Vec<(f64, &str)> =
                rows.iter().map(|s| (s.median_response_time, s.name.as_str())).collect();
            medians.sort_by(|a, b| b.0.total_cmp(&a.0));
            let value = match medians.as_slice() {
                [(slowest, name), (next, _), ..] => format!(
                    "{name} {} (다음으로 느린 엔드포인트의 {:.0}배)",
                    ms(*slowest),
                    slowest / next.max(0.001)
                ),
                _ => "비교할 엔드포인트가 모자라요".to_string(),
            };
            ("가장 느린 엔드포인트의 중앙값", value)
        }
        B::MemoryLeak => {
            ("요청 1건당 서버 메모리 증가", lab::bytes(per_request(|s| s.memory_bytes as f64).max(0.0)))
        }
        B::NoCompression => (
            "보낸 바이트 ÷ 본문 바이트 (gzip이면 0.3 안팎)",
            lab.wire_ratio().map_or_else(|| "알 수 없음".to_string(), |ratio| format!("{ratio:.2}")),
        ),
    })
}

/// Bytes sent over the network per byte of body, when the lab server's counters tell.
pub(crate) fn wire_ratio(result: &RunResult) -> Option<f64> {
    let lab = Lab::of(result)?;
    lab.wire_ratio()
}

/// Server-side evidence and advice for the generic slow-endpoint finding, when the lab
/// server's counters show the time goes to neither queries nor blocking: to the route's code.
pub(crate) fn slow_endpoint_extra(result: &RunResult) -> Option<(String, String)> {
    let lab = Lab::of(result)?;
    let queries = lab.per_request(|s| s.db_queries_total as f64);
    let blocked = lab.per_request(|s| s.async_blocked_seconds_total) * 1000.0;
    if queries >= N_PLUS_ONE_QUERIES || blocked >= BLOCKED_MIN_MS {
        return None;
    }
    Some((
        format!(
            "서버 지표로는 DB 쿼리가 요청 1건에 {}개꼴이고 비동기 스레드를 막은 시간도 요청 1건에 {}예요: \
             느린 것은 쿼리나 줄서기가 아니라 그 엔드포인트의 코드가 하는 계산이에요.",
            tenths(queries),
            ms(blocked)
        ),
        "가이드 'API 병목'의 해결 '캐싱': 같은 입력에 같은 결과가 나오는 비싼 계산은 한 번만 하고 재사용하세요 \
         (Python: @lru_cache(maxsize=128), 서버가 여러 대면 Redis). 캐시는 데이터가 바뀔 때 버려야 해요."
            .to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::server_metrics::ServerSample;
    use crate::explain::testing::{endpoint, result};

    /// A steady 60-second run of lists and creates; the server reports `sample(second)`.
    fn run(list_bytes: f64, sample: impl Fn(u64) -> ServerSample) -> RunResult {
        let mut list = endpoint("GET", "/todos/ [GET - List]", 1000, 0, 10.0);
        list.avg_content_length = list_bytes;
        list.total_content_length = (list_bytes * 1000.0) as u64;
        let mut create = endpoint("POST", "/todos/ [POST - Create]", 2000, 0, 5.0);
        create.status_codes = [(201, 2000)].into();
        create.avg_content_length = 180.0;
        create.total_content_length = 360_000;
        let mut total = endpoint("", "Aggregated", 3000, 0, 6.0);
        total.total_content_length = list.total_content_length + create.total_content_length;
        let mut run = result(vec![list, create], total);
        for (second, point) in run.history.iter_mut().enumerate() {
            point.server = Some(sample(second as u64));
        }
        run
    }

    /// 50 requests a second, 400 todos, one query each, compressed bodies, flat memory.
    fn healthy(second: u64) -> ServerSample {
        ServerSample {
            memory_bytes: 50 << 20,
            todos: 400,
            requests_total: 50 * second,
            db_queries_total: 50 * second,
            db_rows_scanned_total: 500 * second,
            sent_body_bytes_total: 50 * 600 * second,
            ..ServerSample::default()
        }
    }

    fn ids(result: &RunResult) -> Vec<&'static str> {
        all(result).iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn a_healthy_lab_server_and_a_foreign_server_name_nothing() {
        assert_eq!(ids(&run(6000.0, healthy)), Vec::<&str>::new());
        let mut foreign = run(6000.0, healthy);
        foreign.history.iter_mut().for_each(|p| p.server = None);
        assert_eq!(ids(&foreign), Vec::<&str>::new());
    }

    #[test]
    fn queries_per_request_name_n_plus_one() {
        let broken = run(6000.0, |s| ServerSample { db_queries_total: 50 * 9 * s, ..healthy(s) });
        let found = all(&broken);
        assert_eq!(ids(&broken), ["n-plus-one"]);
        // A third of the requests are lists of about 33 todos: (9 - 1) × 3 + 1 = 25 queries each.
        assert!(found[0].evidence[1].contains("쿼리 약 25개"), "{:?}", found[0].evidence);
    }

    #[test]
    fn scans_beyond_what_lists_return_name_missing_index() {
        // Lists return 33 todos a third of the time: 11 rows a request are the lists' own.
        let broken = run(6000.0, |s| ServerSample { db_rows_scanned_total: 50 * 250 * s, ..healthy(s) });
        assert_eq!(ids(&broken), ["missing-index"]);
        let unpaged =
            run(400.0 * 180.0, |s| ServerSample { db_rows_scanned_total: 50 * 134 * s, ..healthy(s) });
        assert_eq!(ids(&unpaged), ["no-pagination"], "reading the table to send it all is no index's fault");
    }

    #[test]
    fn a_steady_memory_slope_is_a_leak_and_a_warm_up_step_is_not() {
        let leak =
            run(6000.0, |s| ServerSample { memory_bytes: (50 << 20) + 50 * 32 * 1024 * s, ..healthy(s) });
        assert_eq!(ids(&leak), ["memory-leak"]);
        let warm_up = run(6000.0, |s| ServerSample {
            memory_bytes: if s < 5 { 40 << 20 } else { 60 << 20 },
            ..healthy(s)
        });
        assert_eq!(ids(&warm_up), Vec::<&str>::new());
    }

    #[test]
    fn sent_bytes_near_the_body_bytes_name_no_compression() {
        let body = (6000.0 + 2.0 * 180.0) / 3.0;
        let plain =
            run(6000.0, |s| ServerSample { sent_body_bytes_total: (50.0 * body) as u64 * s, ..healthy(s) });
        assert_eq!(ids(&plain), ["no-compression"]);
        let small = run(600.0, |s| ServerSample { sent_body_bytes_total: 50 * 400 * s, ..healthy(s) });
        assert_eq!(ids(&small), Vec::<&str>::new(), "small bodies are not worth compressing");
    }

    #[test]
    fn waits_for_a_session_and_blocked_threads_are_told_apart() {
        // Requests take 6–11 ms on average (the test rows); 5 ms of waiting is most of it.
        let pool = run(6000.0, |s| ServerSample {
            db_session_wait_seconds_total: Some(0.25 * s as f64),
            ..healthy(s)
        });
        assert_eq!(ids(&pool), ["pool-starvation"]);
        let idle_pool =
            run(6000.0, |s| ServerSample { db_session_wait_seconds_total: Some(0.0), ..healthy(s) });
        assert_eq!(ids(&idle_pool), Vec::<&str>::new());
        let blocked =
            run(6000.0, |s| ServerSample { async_blocked_seconds_total: 0.25 * s as f64, ..healthy(s) });
        assert_eq!(ids(&blocked), ["blocking-io"]);
    }
}
