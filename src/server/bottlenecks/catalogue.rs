//! Which bottlenecks the lab server can switch on: the [`Bottleneck`] list, each one's
//! command-line name (`loadlab serve --bottleneck NAME`), its Korean description for the
//! learner and the guide's fix that the hunt tells. Promises: a name parses back to its
//! bottleneck, and an unknown name is refused with the list of choices.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bottleneck {
    /// `GET /todos/` reads the ids, then each todo with its own query.
    NPlusOne,
    /// Lookups by id cannot use the primary-key index: every one scans the table.
    MissingIndex,
    /// `GET /todos/` ignores `skip`/`limit` and sends every todo.
    NoPagination,
    /// One database session for the whole server, held by each `/todos` request from start to
    /// answer, with [`POOL_HOLD`](super::sessions::POOL_HOLD) of real database work inside.
    PoolStarvation,
    /// Database calls run on the async worker threads, and every `/todos` request writes a
    /// synchronous audit record there too (fsync plus
    /// [`BLOCKING_STALL`](super::audit::BLOCKING_STALL) of SQLite work).
    BlockingIo,
    /// `GET /todos/{todo_id}` recomputes an expensive ETag (about
    /// [`SLOW_ETAG_COST`](super::etag::SLOW_ETAG_COST) of CPU) on every call.
    SlowEndpoint,
    /// Every `/todos` request leaves a 32 KiB record behind (up to 512 MiB).
    MemoryLeak,
    /// No gzip, however large the answer.
    NoCompression,
}

impl Bottleneck {
    pub const ALL: [Bottleneck; 8] = [
        Bottleneck::NPlusOne,
        Bottleneck::MissingIndex,
        Bottleneck::NoPagination,
        Bottleneck::PoolStarvation,
        Bottleneck::BlockingIo,
        Bottleneck::SlowEndpoint,
        Bottleneck::MemoryLeak,
        Bottleneck::NoCompression,
    ];

    /// The command-line name, e.g. `n-plus-one`.
    pub fn name(self) -> &'static str {
        match self {
            Bottleneck::NPlusOne => "n-plus-one",
            Bottleneck::MissingIndex => "missing-index",
            Bottleneck::NoPagination => "no-pagination",
            Bottleneck::PoolStarvation => "pool-starvation",
            Bottleneck::BlockingIo => "blocking-io",
            Bottleneck::SlowEndpoint => "slow-endpoint",
            Bottleneck::MemoryLeak => "memory-leak",
            Bottleneck::NoCompression => "no-compression",
        }
    }

    /// One Korean sentence for learners: what the server now does wrong.
    pub fn describe(self) -> &'static str {
        match self {
            Bottleneck::NPlusOne => {
                "N+1 쿼리: 목록을 읽을 때 id 목록을 먼저 가져온 뒤 TODO마다 쿼리를 한 번씩 더 보내요."
            }
            Bottleneck::MissingIndex => {
                "인덱스 없음: id로 찾는 쿼리가 인덱스를 쓰지 못해 매번 테이블 전체를 훑어요."
            }
            Bottleneck::NoPagination => {
                "페이지네이션 없음: GET /todos/ 가 skip/limit 을 무시하고 모든 TODO를 보내요."
            }
            Bottleneck::PoolStarvation => {
                "커넥션 풀 고갈: DB 세션이 서버 전체에 1개뿐이고, /todos 요청마다 그 세션을 처음부터 끝까지 잡고 그 안에서 약 5ms 걸리는 DB 작업을 해요. \
                 그래서 사용자가 몇 명이든 초당 약 200건(1000ms ÷ 5ms)에서 막히고, 나머지는 세션을 기다리며 줄을 서요 (2초를 넘게 기다리면 500)."
            }
            Bottleneck::BlockingIo => {
                "블로킹 I/O: DB 작업을 비동기 작업자 스레드에서 바로 하고, 요청마다 감사 기록(파일 fsync와 약 5ms 걸리는 동기 쿼리)도 거기서 해서, \
                 그동안 같은 스레드의 다른 요청이 모두 멈춰요: 다른 엔드포인트까지 함께 느려져요."
            }
            Bottleneck::SlowEndpoint => {
                "느린 엔드포인트: GET /todos/{todo_id} 가 요청마다 비싼 계산(반복 해시로 ETag 만들기, 약 50ms)을 캐시 없이 다시 해요."
            }
            Bottleneck::MemoryLeak => {
                "메모리 누수: /todos 요청마다 32KiB짜리 요청 기록을 버리지 않고 쌓아 둬요 (최대 512MiB)."
            }
            Bottleneck::NoCompression => "압축 없음: 큰 응답도 gzip 없이 그대로 보내요.",
        }
    }

    /// How the guide's tips fix it, in Korean: what the hunt tells a learner who named it.
    pub fn fix(self) -> &'static str {
        match self {
            Bottleneck::NPlusOne => {
                "가이드 'DB 병목'의 해결: 목록과 관련 데이터를 한 번에 가져와요. 조인이나 IN (...)으로 쿼리 1~2개로 줄이면 \
                 요청 1건당 쿼리 수가 TODO 수와 상관없이 일정해져요 (SQLAlchemy라면 joinedload·selectinload)."
            }
            Bottleneck::MissingIndex => {
                "가이드 'DB 병목'의 해결: 자주 찾는 열에 인덱스를 만들어요 (CREATE INDEX ... ON todos(...); id는 기본 키 인덱스). \
                 그러면 id로 찾을 때 테이블 전체가 아니라 한 행만 읽어요."
            }
            Bottleneck::NoPagination => {
                "가이드 '네트워크 병목'의 해결 '페이지네이션': skip/limit(또는 커서)을 지켜 한 번에 보내는 TODO 수에 상한을 둬요. \
                 테이블이 커져도 응답 크기가 그대로예요."
            }
            Bottleneck::PoolStarvation => {
                "커넥션 풀을 동시 요청 수에 맞게 키우고(pool_size·max_overflow), 세션은 DB 작업을 하는 동안만 잡아요. \
                 세션을 잡은 채로 다른 일을 하지 않으면 줄이 생기지 않아요."
            }
            Bottleneck::BlockingIo => {
                "가이드 'API 병목'의 해결 '비동기 처리': async 핸들러 안에서는 await 하는 라이브러리를 쓰고, \
                 꼭 필요한 동기 작업(파일 쓰기, 동기 DB 드라이버)은 스레드 풀로 넘겨요 (FastAPI: async 없는 def 핸들러, run_in_threadpool)."
            }
            Bottleneck::SlowEndpoint => {
                "가이드 'API 병목'의 해결 '캐싱': 같은 입력에 같은 결과가 나오는 비싼 계산은 한 번만 하고 재사용해요 \
                 (Python: @lru_cache, 서버가 여러 대면 Redis). 데이터가 바뀌면 그 캐시를 버려요."
            }
            Bottleneck::MemoryLeak => {
                "요청이 끝나면 필요 없는 데이터를 버려요: 요청마다 전역 목록·캐시에 쌓기만 하는 코드를 찾아, \
                 크기 상한(LRU)이나 만료를 두거나 아예 쌓지 않아요. 고친 뒤에는 내구성 테스트로 메모리가 평평한지 확인해요."
            }
            Bottleneck::NoCompression => {
                "가이드 '네트워크 병목'의 해결 '압축': 큰 응답을 gzip으로 보내요 (FastAPI: app.add_middleware(GZipMiddleware, minimum_size=1000)). \
                 JSON 목록은 보통 몇 분의 1로 줄어요."
            }
        }
    }
}

impl fmt::Display for Bottleneck {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Bottleneck {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Bottleneck::ALL.into_iter().find(|b| b.name() == s.trim()).ok_or_else(|| {
            let names: Vec<&str> = Bottleneck::ALL.iter().map(|b| b.name()).collect();
            format!("알 수 없는 병목: '{s}'. 고를 수 있는 것: {}", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for b in Bottleneck::ALL {
            assert_eq!(b.name().parse::<Bottleneck>(), Ok(b));
            assert!(!b.describe().is_empty());
        }
        let err = "fast".parse::<Bottleneck>().unwrap_err();
        assert!(err.contains("n-plus-one") && err.contains("no-compression"), "{err}");
    }
}
