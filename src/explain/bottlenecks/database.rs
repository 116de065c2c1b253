//! The detectors of the lab server's database bottlenecks: `n-plus-one` (queries per request),
//! `missing-index` (rows scanned beyond what lists return), `no-pagination` (todos per list
//! answer) and `pool-starvation` (time spent waiting for a session). Each returns `None` unless
//! its figure passes the threshold in [`super`]'s table, and cites that figure.

use super::lab::{Lab, bytes, count, median, names, severity, share, tenths};
use super::{
    N_PLUS_ONE_QUERIES, POOL_WAIT_MIN_MS, POOL_WAIT_SHARE, SCAN_MIN_ROWS, SCAN_TABLE_SHARE,
    UNPAGED_MIN_ITEMS, UNPAGED_TABLE_SHARE,
};
use crate::engine::server_metrics::ServerSample;
use crate::engine::stats::EndpointStats;
use crate::explain::metrics::ms;
use crate::explain::rows::label;
use crate::explain::{Finding, FindingId};

pub(super) fn n_plus_one(lab: &Lab) -> Option<Finding> {
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
                crate::lab_metrics::DB_QUERIES_TOTAL
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

pub(super) fn missing_index(lab: &Lab) -> Option<Finding> {
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

pub(super) fn no_pagination(lab: &Lab) -> Option<Finding> {
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

pub(super) fn pool_starvation(lab: &Lab) -> Option<Finding> {
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
