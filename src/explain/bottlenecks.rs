//! Findings that name the lab server's switchable bottlenecks (`--bottleneck NAME`, same ids):
//! `n-plus-one`, `missing-index`, `no-pagination`, `pool-starvation`, `blocking-io`,
//! `memory-leak` and `no-compression` (`slow-endpoint` is [`super::findings`]' one slow route).
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

use super::findings::label;
use super::metrics::{P95_TARGET_MS, ms};
use super::{Finding, FindingId, Severity};
use crate::engine::RunResult;
use crate::engine::server_metrics::ServerSample;
use crate::engine::stats::EndpointStats;
use crate::lab_metrics;
use crate::report::short_number;

/// A row needs this many requests before its latency or size counts.
const MIN_REQUESTS: u64 = 5;
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

/// One sample of the server's counters and the history point it came with.
#[derive(Clone, Copy)]
struct Sampled {
    elapsed: f64,
    users: usize,
    sample: ServerSample,
}

/// What the run recorded about a lab server, ready for the detectors.
struct Lab<'a> {
    result: &'a RunResult,
    /// Distinct samples in order (the sampler and the history tick independently, so one
    /// sample may stand in two points).
    samples: Vec<Sampled>,
    first: ServerSample,
    last: ServerSample,
    /// Requests the server answered between the first and the last sample.
    requests: f64,
    /// Todos in the table, averaged over the samples.
    rows: f64,
    rows_min: f64,
    rows_max: f64,
    /// The JSON size of one todo, from the rows that answer with one.
    todo_bytes: Option<f64>,
    /// Rows that answer with many todos.
    lists: Vec<&'a EndpointStats>,
}

fn success_share(stats: &EndpointStats) -> f64 {
    let ok: u64 = stats.status_codes.range(200..300).map(|(_, n)| n).sum();
    ok as f64 / stats.num_requests.max(1) as f64
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

fn is_health(stats: &EndpointStats) -> bool {
    stats.name.contains("/health")
}

impl<'a> Lab<'a> {
    fn of(result: &'a RunResult) -> Option<Lab<'a>> {
        let mut samples: Vec<Sampled> = Vec::new();
        for point in &result.history {
            let Some(sample) = point.server else { continue };
            if samples.last().is_none_or(|last| last.sample != sample) {
                samples.push(Sampled { elapsed: point.elapsed, users: point.users, sample });
            }
        }
        let (first, last) = (samples.first()?.sample, samples.last()?.sample);
        let requests = last.requests_total.saturating_sub(first.requests_total) as f64;
        if requests < MIN_WINDOW_REQUESTS {
            return None;
        }
        let todos: Vec<f64> = samples.iter().map(|s| s.sample.todos as f64).collect();
        let rows = todos.iter().sum::<f64>() / todos.len() as f64;
        let rows_min = todos.iter().copied().fold(f64::INFINITY, f64::min);
        let rows_max = todos.iter().copied().fold(0.0, f64::max);
        let counted = || result.stats.iter().filter(|s| s.num_requests >= MIN_REQUESTS);
        let todo_bytes = median(
            counted()
                .filter(|s| success_share(s) >= 0.8 && (50.0..=2048.0).contains(&s.avg_content_length))
                .map(|s| s.avg_content_length)
                .collect(),
        );
        let list_from = todo_bytes.map_or(COMPRESSIBLE_BYTES, |b| (3.0 * b).max(COMPRESSIBLE_BYTES));
        let lists = counted().filter(|s| s.method == "GET" && s.avg_content_length >= list_from).collect();
        Some(Lab { result, samples, first, last, requests, rows, rows_min, rows_max, todo_bytes, lists })
    }

    /// A counter's growth between the first and the last sample, per request answered.
    fn per_request(&self, counter: impl Fn(&ServerSample) -> f64) -> f64 {
        (counter(&self.last) - counter(&self.first)) / self.requests
    }

    /// Todos in one answer of `list`.
    fn items(&self, list: &EndpointStats) -> Option<f64> {
        Some(list.avg_content_length / self.todo_bytes?)
    }

    /// Share of all the run's requests that went to `stats`.
    fn share(&self, stats: &EndpointStats) -> f64 {
        stats.num_requests as f64 / self.result.total.num_requests.max(1) as f64
    }

    /// Rows that reach the database (everything but `/health`), with enough requests.
    fn db_rows(&self) -> Vec<&'a EndpointStats> {
        self.result.stats.iter().filter(|s| s.num_requests >= MIN_REQUESTS && !is_health(s)).collect()
    }

    fn health(&self) -> Option<&'a EndpointStats> {
        self.result.stats.iter().find(|s| s.num_requests >= MIN_REQUESTS && is_health(s))
    }

    /// The request-weighted average response time of `rows`, in ms.
    fn average_ms(rows: &[&EndpointStats]) -> f64 {
        let n: u64 = rows.iter().map(|s| s.num_requests).sum();
        rows.iter().map(|s| s.avg_response_time * s.num_requests as f64).sum::<f64>() / n.max(1) as f64
    }

    /// The slowest p95 among `rows`.
    fn worst_p95(rows: &[&EndpointStats]) -> f64 {
        rows.iter().map(|s| s.percentile(0.95)).fold(0.0, f64::max)
    }

    fn wire_ratio(&self) -> Option<f64> {
        let sent = self.last.sent_body_bytes_total.checked_sub(self.first.sent_body_bytes_total)?;
        if sent == 0 {
            return None;
        }
        // Bytes out against the same bodies before compression, over the same samples.
        let plain = self.last.body_bytes_total.saturating_sub(self.first.body_bytes_total);
        if plain > 0 {
            return Some(sent as f64 / plain as f64);
        }
        // A server without the before-compression counter: against what the users unpacked.
        let total = &self.result.total;
        if total.total_content_length == 0 {
            return None;
        }
        let body = total.total_content_length as f64 / total.num_requests.max(1) as f64;
        Some(self.per_request(|s| s.sent_body_bytes_total as f64) / body)
    }

    /// The median requests per second over the seconds at the run's peak users (the first
    /// second left out: it holds the start).
    fn steady_rps(&self) -> Option<f64> {
        let history = &self.result.history;
        let peak = history.iter().map(|p| p.users).max()?;
        median(history.iter().skip(1).filter(|p| p.users == peak).map(|p| p.requests_per_second).collect())
    }
}

fn severity(p95: f64) -> Severity {
    if p95 >= P95_TARGET_MS { Severity::Problem } else { Severity::Warning }
}

fn bytes(value: f64) -> String {
    const KB: f64 = 1024.0;
    let scaled = |unit: f64, name: &str| {
        let v = value / unit;
        if v >= 10.0 { format!("{v:.0} {name}") } else { format!("{v:.1} {name}") }
    };
    if value >= KB * KB * KB {
        scaled(KB * KB * KB, "GB")
    } else if value >= KB * KB {
        scaled(KB * KB, "MB")
    } else if value >= KB {
        scaled(KB, "KB")
    } else {
        format!("{} 바이트", value.round())
    }
}

/// A share as a whole percentage: `49%`.
fn share(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// A small figure with one decimal: `9.0`.
fn tenths(value: f64) -> String {
    format!("{value:.1}")
}

fn count(value: f64) -> String {
    short_number(value.round())
}

fn names(rows: &[&EndpointStats]) -> Vec<String> {
    rows.iter().map(|s| s.name.clone()).collect()
}

// ---------------------------------------------------------------------------------------------

fn n_plus_one(lab: &Lab) -> Option<Finding> {
    let queries = lab.per_request(|s| s.db_queries_total as f64);
    if queries < N_PLUS_ONE_QUERIES {
        return None;
    }
    let mut evidence = vec![format!(
        "서버 지표: 요청 {}건에 DB 쿼리 {}개 — 요청 1건에 평균 {}개가 나갔어요. 이 API는 요청마다 쿼리 1개면 충분해요.",
        count(lab.requests),
        count(lab.last.db_queries_total.saturating_sub(lab.first.db_queries_total) as f64),
        tenths(queries)
    )];
    let list_share: f64 = lab.lists.iter().map(|s| lab.share(s)).sum();
    if let (Some(list), true) = (lab.lists.first(), list_share > 0.0) {
        let per_list = 1.0 + (queries - 1.0) / list_share;
        let mut line = format!(
            "목록 요청({})은 전체 요청의 {}예요. 1개를 넘는 쿼리가 모두 목록에서 나왔다면 목록 1건에 쿼리 약 {}개예요",
            label(list),
            share(list_share),
            count(per_list)
        );
        match lab.items(list) {
            Some(items) => line.push_str(&format!(
                ". 목록 1건에 담긴 TODO는 약 {}개(평균 응답 {} ÷ TODO 1개 약 {}): 항목마다 쿼리를 한 번씩 더 보내는 1 + N 모양이에요.",
                count(items),
                bytes(list.avg_content_length),
                bytes(lab.todo_bytes.unwrap_or_default())
            )),
            None => line.push('.'),
        }
        evidence.push(line);
        evidence.push(format!(
            "지금 목록의 중앙값은 {}이지만, 쿼리 수가 목록 길이에 비례하므로 limit이 커지거나 DB가 네트워크 건너에 있으면 \
             (쿼리마다 왕복 한 번) 그만큼 느려져요.",
            ms(list.median_response_time)
        ));
    }
    let rows: Vec<&EndpointStats> = if lab.lists.is_empty() { lab.db_rows() } else { lab.lists.clone() };
    Some(Finding {
        id: FindingId::NPlusOne,
        severity: severity(Lab::worst_p95(&rows)),
        title: format!("N+1 쿼리: 요청 1건에 DB 쿼리가 평균 {}개 나가요", tenths(queries)),
        evidence,
        advice: vec![
            "가이드 'DB 병목'의 해결: 항목마다 따로 조회하지 말고 한 번에 가져오세요. \
             ❌ for todo in todos: db.query(User).filter(User.id == todo.user_id).first() → \
             ✅ db.query(TodoDB).join(User).all() (조인), 또는 id 목록으로 한 번에 (WHERE id IN (...))."
                .to_string(),
            format!(
                "ORM의 지연 로딩(lazy loading)이 흔한 원인이에요: SQLAlchemy라면 joinedload·selectinload로 미리 불러오세요. \
                 고친 뒤 서버 지표(/metrics의 {})로 요청당 쿼리가 1개 가까이로 줄었는지 확인하세요.",
                lab_metrics::DB_QUERIES_TOTAL
            ),
        ],
        names: names(&rows),
    })
}

/// Rows a full scan must read to return what the lists returned: not an index's fault.
fn rows_returned_per_request(lab: &Lab) -> Option<f64> {
    let mut rows = 0.0;
    for list in &lab.lists {
        let items = lab.items(list)?;
        // A list returning most of the table read all of it, whatever the size estimate says.
        let read = if items >= lab.rows * 0.5 { lab.rows.max(items) } else { items };
        rows += read * lab.share(list);
    }
    Some(rows)
}

fn missing_index(lab: &Lab) -> Option<Finding> {
    let scanned = lab.per_request(|s| s.db_rows_scanned_total as f64);
    let unexplained = scanned - rows_returned_per_request(lab)?;
    if lab.rows <= 0.0 || unexplained < SCAN_MIN_ROWS || unexplained < lab.rows * SCAN_TABLE_SHARE {
        return None;
    }
    let mut evidence = vec![
        format!(
            "서버 지표: 요청 {}건 동안 테이블을 처음부터 훑는 전체 스캔으로 행 {}개를 읽었어요 — 요청 1건에 약 {}행. \
             테이블의 TODO는 약 {}개라서, 목록이 돌려준 행을 빼고도 요청마다 테이블의 {}를 읽은 셈이에요.",
            count(lab.requests),
            count(lab.last.db_rows_scanned_total.saturating_sub(lab.first.db_rows_scanned_total) as f64),
            count(scanned),
            count(lab.rows),
            share(unexplained / lab.rows)
        ),
        format!(
            "인덱스(B-트리)가 있으면 {}개 중 하나를 찾는 데 약 {}번 비교면 돼요 (log₂ {}). 지금은 찾을 때마다 읽는 행이 테이블 크기에 비례해요.",
            count(lab.rows),
            count(lab.rows.max(2.0).log2().ceil()),
            count(lab.rows)
        ),
    ];
    if let Some(growth) = scan_growth(lab) {
        evidence.push(growth);
    }
    let by_id: Vec<&EndpointStats> =
        lab.db_rows().into_iter().filter(|s| s.method != "POST" && s.name.contains('{')).collect();
    let creates: Vec<&EndpointStats> = lab.db_rows().into_iter().filter(|s| s.method == "POST").collect();
    let by_id_median = median(by_id.iter().map(|s| s.median_response_time).collect());
    let create_median = median(creates.iter().map(|s| s.median_response_time).collect());
    if let (Some(found), Some(created)) = (by_id_median, create_median)
        && found >= created * 2.0
    {
        evidence.push(format!(
            "id로 찾는 요청(조회·수정·삭제)의 중앙값 {}는 찾을 필요가 없는 생성(POST) {}의 {:.1}배예요.",
            ms(found),
            ms(created),
            found / created.max(0.001)
        ));
    }
    evidence.push(format!(
        "지금은 응답 중앙값이 {}라 티가 덜 나도, 데이터가 10만 행이 되면 스캔은 지금의 약 {}배가 돼요: \
         데이터가 적은 테스트 환경에서는 멀쩡하다가 운영에서 갑자기 느려지는 이유예요.",
        ms(lab.result.total.median_response_time),
        count(100_000.0 / lab.rows.max(1.0))
    ));
    let rows = if by_id.is_empty() { lab.db_rows() } else { by_id };
    Some(Finding {
        id: FindingId::MissingIndex,
        severity: severity(Lab::worst_p95(&rows)),
        title: format!("인덱스 없는 검색: 요청 1건마다 테이블의 행 약 {}개를 처음부터 훑어요", count(scanned)),
        evidence,
        advice: vec![
            "가이드 'DB 병목'의 해결: 찾는 데(WHERE)와 조인에 쓰는 열에 인덱스를 만드세요. \
             class TodoDB(Base): title = Column(String, index=True); user_id = Column(Integer, index=True) — SQL로는 CREATE INDEX."
                .to_string(),
            "EXPLAIN QUERY PLAN(PostgreSQL은 EXPLAIN)으로 확인하세요: 'SCAN todos'가 'SEARCH todos USING INDEX'로 바뀌어야 해요. \
             WHERE에서 열에 함수나 연산을 씌우면(lower(title), +id) 인덱스가 있어도 쓰지 못해요."
                .to_string(),
            "실제 규모의 데이터를 넣고 다시 측정하세요: 행이 적으면 스캔도 빨라서 이 문제가 숨어 있어요.".to_string(),
        ],
        names: names(&rows),
    })
}

/// "Rows scanned per request grew with the table", when the table grew enough to tell.
fn scan_growth(lab: &Lab) -> Option<String> {
    let samples = &lab.samples;
    if samples.len() < 3 || lab.rows_max < lab.rows_min * 1.2 {
        return None;
    }
    let middle = samples.len() / 2;
    let rate = |a: &ServerSample, b: &ServerSample| {
        let requests = b.requests_total.saturating_sub(a.requests_total) as f64;
        (requests > 0.0)
            .then(|| b.db_rows_scanned_total.saturating_sub(a.db_rows_scanned_total) as f64 / requests)
    };
    let early = rate(&samples[0].sample, &samples[middle].sample)?;
    let late = rate(&samples[middle].sample, &samples[samples.len() - 1].sample)?;
    (late > early * 1.1).then(|| {
        format!(
            "실행 중 TODO가 {}개에서 {}개로 늘자, 요청 1건이 훑은 행도 {}행에서 {}행으로 늘었어요: 데이터가 쌓이는 만큼 느려져요.",
            count(lab.rows_min),
            count(lab.rows_max),
            count(early),
            count(late)
        )
    })
}

fn no_pagination(lab: &Lab) -> Option<Finding> {
    let unpaged: Vec<(&EndpointStats, f64)> = lab
        .lists
        .iter()
        .filter_map(|list| Some((*list, lab.items(list)?)))
        .filter(|(_, items)| *items >= UNPAGED_MIN_ITEMS && *items >= lab.rows * UNPAGED_TABLE_SHARE)
        .collect();
    let (list, items) = *unpaged.first()?;
    let duration = lab.result.duration.max(0.001);
    let evidence = vec![
        format!(
            "{}: 평균 응답 {} = TODO 약 {}개 분량이에요 (TODO 1개는 약 {}).",
            label(list),
            bytes(list.avg_content_length),
            count(items),
            bytes(lab.todo_bytes.unwrap_or_default())
        ),
        format!(
            "서버의 TODO는 실행 중 평균 {}개({}~{}개)였어요: 목록이 skip/limit과 상관없이 테이블 전체를 보냈어요. \
             페이지가 있다면 기본(limit=100)으로도 많아야 100개예요.",
            count(lab.rows),
            count(lab.rows_min),
            count(lab.rows_max)
        ),
        format!(
            "목록 {}건으로 {}를 보냈고(초당 {}), 중앙값 {}·p95 {}예요. 부하 테스트가 TODO를 만들수록 목록이 커지고 느려져요.",
            list.num_requests,
            bytes(list.total_content_length as f64),
            bytes(list.total_content_length as f64 / duration),
            ms(list.median_response_time),
            ms(list.percentile(0.95))
        ),
    ];
    let rows: Vec<&EndpointStats> = unpaged.iter().map(|(s, _)| *s).collect();
    Some(Finding {
        id: FindingId::NoPagination,
        severity: severity(Lab::worst_p95(&rows)),
        title: format!("페이지네이션 없음: 목록({})이 TODO를 전부(약 {}개) 보내요", label(list), count(items)),
        evidence,
        advice: vec![
            "가이드 '네트워크 병목'의 해결: ✅ 페이지네이션 — def list_todos(skip: int = 0, limit: int = 100): \
             return db.query(TodoDB).offset(skip).limit(limit).all()"
                .to_string(),
            "limit에 상한을 두세요 (FastAPI: limit: int = Query(100, le=100)): 클라이언트가 limit을 아주 크게 줘도 한 번에 보내는 양이 제한돼요."
                .to_string(),
            "시나리오도 실제 앱처럼 limit을 주면(/todos/?skip=0&limit=20) 측정이 현실에 가까워져요.".to_string(),
        ],
        names: names(&rows),
    })
}

fn pool_starvation(lab: &Lab) -> Option<Finding> {
    // Only a server with a session pool reports the wait.
    let (Some(before), Some(after)) =
        (lab.first.db_session_wait_seconds_total, lab.last.db_session_wait_seconds_total)
    else {
        return None;
    };
    let wait_ms = (after - before) / lab.requests * 1000.0;
    let rows = lab.db_rows();
    let average = Lab::average_ms(&rows);
    if wait_ms < POOL_WAIT_MIN_MS || wait_ms < average * POOL_WAIT_SHARE {
        return None;
    }
    let mut evidence = vec![format!(
        "서버 지표: 요청 1건이 DB 세션을 얻으려고 평균 {}를 기다렸어요. DB를 쓰는 요청의 평균 응답 시간 {}의 {}예요.",
        ms(wait_ms),
        ms(average),
        share((wait_ms / average.max(0.001)).min(1.0))
    )];
    let fastest = rows.iter().map(|s| s.min_response_time).fold(f64::INFINITY, f64::min);
    if let Some(rps) = lab.steady_rps()
        && fastest.is_finite()
        && fastest > 0.0
    {
        let lanes = rps * fastest / 1000.0;
        if (0.6..=1.6).contains(&lanes) {
            evidence.push(format!(
                "처리량은 초당 약 {}건이었고, 기다리지 않은 가장 빠른 요청이 {} 걸렸어요: 1000 ÷ {} ≈ {}건 — \
                 서버가 DB 요청을 한 번에 하나씩만 처리하는 속도예요 (세션이 하나뿐인 풀처럼).",
                count(rps),
                ms(fastest),
                tenths(fastest),
                count(1000.0 / fastest)
            ));
        }
        let in_flight = rps * average / 1000.0;
        if in_flight >= 2.0 {
            evidence.push(format!(
                "리틀의 법칙: 동시에 처리 중인 요청 ≈ 처리량 × 응답 시간 = {} × {} ≈ {}건. 그 대부분이 세션 앞에 줄을 서 있어서, \
                 사용자를 늘리면 처리량은 그대로이고 응답 시간만 늘어나요.",
                count(rps),
                ms(average),
                count(in_flight)
            ));
        }
    }
    if let Some(health) = lab.health() {
        let db_median = median(rows.iter().map(|s| s.median_response_time).collect()).unwrap_or_default();
        if health.median_response_time * 4.0 <= db_median {
            evidence.push(format!(
                "DB 세션이 필요 없는 {}는 중앙값 {}로 빨라요 (DB를 쓰는 요청은 {}): 서버 CPU가 아니라 DB 세션 앞에 줄이 선 거예요.",
                label(health),
                ms(health.median_response_time),
                ms(db_median)
            ));
        }
    }
    Some(Finding {
        id: FindingId::PoolStarvation,
        severity: severity(Lab::worst_p95(&rows)),
        title: format!(
            "커넥션 풀 고갈: 요청이 응답 시간의 {}를 DB 세션을 기다리며 보냈어요",
            share((wait_ms / average.max(0.001)).min(1.0))
        ),
        evidence,
        advice: vec![
            "가이드 체크리스트 '커넥션 풀 설정': 풀 크기를 동시에 DB를 쓰는 요청 수에 맞추세요 \
             (SQLAlchemy: create_engine(url, pool_size=20, max_overflow=10)). DB가 받아 주는 연결 수(max_connections)도 함께 보세요."
                .to_string(),
            "세션은 쿼리하는 동안만 잡으세요: 요청 내내 세션을 쥔 채 느린 일(외부 API 호출, 큰 계산)을 하면 그동안 다른 요청이 모두 기다려요."
                .to_string(),
            "응답은 느린데 서버 CPU가 한가하다면 풀부터 의심하세요: 풀의 대기 시간·사용 중인 연결 수를 지표로 보세요.".to_string(),
        ],
        names: names(&rows),
    })
}

fn blocking_io(lab: &Lab) -> Option<Finding> {
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

fn memory_leak(lab: &Lab) -> Option<Finding> {
    let history = &lab.result.history;
    // Samples read after the users had been steady for two seconds: the last one may be a
    // second old, and the users' warm-up (connections, buffers) is over by then.
    let steady: Vec<&Sampled> = lab
        .samples
        .iter()
        .filter(|s| {
            let Some(i) = history.iter().position(|p| p.elapsed == s.elapsed) else { return false };
            i >= 2 && s.users > 0 && history[i - 1].users == s.users && history[i - 2].users == s.users
        })
        .collect();
    let (mut grown, mut requests, mut steady_requests, mut seconds) = (0.0, 0.0, 0.0, 0.0);
    for pair in steady.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let n = b.sample.requests_total.saturating_sub(a.sample.requests_total) as f64;
        if a.users != b.users || n <= 0.0 {
            continue;
        }
        let delta = b.sample.memory_bytes as f64 - a.sample.memory_bytes as f64;
        grown += delta;
        requests += n;
        seconds += b.elapsed - a.elapsed;
        if delta / n >= LEAK_BYTES_PER_REQUEST / 2.0 {
            steady_requests += n;
        }
    }
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

fn no_compression(lab: &Lab) -> Option<Finding> {
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

#[cfg(test)]
mod tests {
    use super::*;
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
