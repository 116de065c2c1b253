//! Switchable real bottlenecks of the lab server (`loadlab serve --bottleneck NAME`).
//!
//! Owns: the list of bottlenecks, their names and Korean descriptions, and the request-level
//! machinery of those that live outside the database (session pool, audit log, request
//! history, slow ETag). Promises: each one does the bad thing for real — extra queries, table
//! scans, blocking calls on async threads, CPU work, retained memory — never a `sleep`
//! pretending to be slow. The healthy counterpart of each is the default.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write as _;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bottleneck {
    /// `GET /todos/` reads the ids, then each todo with its own query.
    NPlusOne,
    /// Lookups by id cannot use the primary-key index: every one scans the table.
    MissingIndex,
    /// `GET /todos/` ignores `skip`/`limit` and sends every todo.
    NoPagination,
    /// Five sessions, and requests ending in 4xx never give theirs back.
    PoolStarvation,
    /// Database calls run on the async worker threads, and every `/todos` request fsyncs an
    /// audit log there too.
    BlockingIo,
    /// `GET /todos/{todo_id}` recomputes an expensive ETag on every call.
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
                "N+1 쿼리: 목록을 읽을 때 id 목록을 먼저 가져온 뒤 TODO마다 쿼리를 한 번씩 더 보냅니다."
            }
            Bottleneck::MissingIndex => {
                "인덱스 없음: id로 찾는 쿼리가 인덱스를 쓰지 못해 매번 테이블 전체를 훑습니다."
            }
            Bottleneck::NoPagination => {
                "페이지네이션 없음: GET /todos/ 가 skip/limit 을 무시하고 모든 TODO를 보냅니다."
            }
            Bottleneck::PoolStarvation => {
                "커넥션 풀 고갈: 세션이 5개뿐인데 4xx로 끝난 요청이 세션을 돌려주지 않아, 곧 요청들이 2초씩 기다리다 500으로 실패합니다."
            }
            Bottleneck::BlockingIo => {
                "블로킹 I/O: DB 작업을 비동기 작업자 스레드에서 바로 하고 요청마다 감사 로그를 fsync 해서, 다른 엔드포인트까지 함께 느려집니다."
            }
            Bottleneck::SlowEndpoint => {
                "느린 엔드포인트: GET /todos/{todo_id} 가 요청마다 비싼 계산(반복 해시로 ETag 만들기)을 캐시 없이 다시 합니다."
            }
            Bottleneck::MemoryLeak => {
                "메모리 누수: /todos 요청마다 32KiB짜리 요청 기록을 버리지 않고 쌓아 둡니다 (최대 512MiB)."
            }
            Bottleneck::NoCompression => "압축 없음: 큰 응답도 gzip 없이 그대로 보냅니다.",
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
            format!("알 수 없는 병목 '{s}' 입니다. 고를 수 있는 것: {}", names.join(", "))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// pool-starvation

/// SQLAlchemy's default `pool_size`.
pub const SESSION_POOL_SIZE: usize = 5;
/// How long a request waits for a session before it gives up with a 500.
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(2);

/// Session-per-request slots. Each `/todos` request holds one for its whole duration.
pub struct SessionPool {
    slots: Arc<Semaphore>,
}

impl SessionPool {
    fn new() -> Self {
        SessionPool { slots: Arc::new(Semaphore::new(SESSION_POOL_SIZE)) }
    }

    /// `None` when no session came free within [`SESSION_TIMEOUT`].
    pub async fn checkout(&self) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(SESSION_TIMEOUT, self.slots.clone().acquire_owned()).await.ok()?.ok()
    }

    /// The bug: the error path returns early and never closes its session.
    pub fn leak(permit: OwnedSemaphorePermit) {
        permit.forget();
    }
}

// ---------------------------------------------------------------------------------------------
// blocking-io

/// An append-only audit log written and fsynced synchronously, wherever it is called from.
pub struct AuditLog {
    file: Mutex<File>,
    path: PathBuf,
    remove_on_drop: bool,
}

impl AuditLog {
    fn open(path: PathBuf, remove_on_drop: bool) -> anyhow::Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("감사 로그 {} 를 열 수 없습니다: {e}", path.display()))?;
        Ok(AuditLog { file: Mutex::new(file), path, remove_on_drop })
    }

    /// Blocks the calling thread on a disk flush — on purpose, from async code.
    pub fn record(&self, line: &str) {
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(file, "{} {line}", super::db::now_timestamp());
        let _ = file.sync_data();
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        if self.remove_on_drop {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// memory-leak

pub const LEAK_PER_REQUEST: usize = 32 * 1024;
/// The leak stops growing here, so a long soak cannot take the learner's machine down.
pub const LEAK_CAP_BYTES: u64 = 512 * 1024 * 1024;

/// A request history that is appended to and never trimmed.
#[derive(Default)]
pub struct RequestHistory {
    records: Mutex<Vec<Box<[u8]>>>,
    bytes: AtomicU64,
}

impl RequestHistory {
    pub fn remember(&self, summary: &str) {
        if self.bytes.load(Ordering::Relaxed) >= LEAK_CAP_BYTES {
            return;
        }
        // Filled, not zeroed: untouched pages would not count as resident memory.
        let record: Box<[u8]> =
            summary.bytes().chain(std::iter::repeat(b'.')).take(LEAK_PER_REQUEST).collect();
        self.records.lock().unwrap_or_else(|p| p.into_inner()).push(record);
        self.bytes.fetch_add(LEAK_PER_REQUEST as u64, Ordering::Relaxed);
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

// ---------------------------------------------------------------------------------------------
// slow-endpoint

/// Rounds of hashing per ETag: a few milliseconds of CPU in a release build.
pub const ETAG_ROUNDS: u32 = 200_000;

/// A "strong ETag" made the expensive way, like hashing a password on every request.
pub fn expensive_etag(body: &[u8]) -> String {
    let mut digest = 0u64;
    for round in 0..ETAG_ROUNDS {
        let mut h = DefaultHasher::new();
        digest.hash(&mut h);
        round.hash(&mut h);
        body.hash(&mut h);
        digest = h.finish();
    }
    format!("\"{digest:016x}\"")
}

// ---------------------------------------------------------------------------------------------

/// The request-level bottleneck machinery of one server; `None`/`false` is healthy.
#[derive(Default)]
pub struct Active {
    pub sessions: Option<SessionPool>,
    pub audit: Option<AuditLog>,
    pub history: Option<RequestHistory>,
    pub slow_endpoint: bool,
    pub no_compression: bool,
}

impl Active {
    /// `audit_path`: where blocking-io writes; removed at the end when `temporary`.
    pub fn new(list: &[Bottleneck], audit_path: PathBuf, temporary: bool) -> anyhow::Result<Self> {
        let on = |b| list.contains(&b);
        Ok(Active {
            sessions: on(Bottleneck::PoolStarvation).then(SessionPool::new),
            audit: if on(Bottleneck::BlockingIo) {
                Some(AuditLog::open(audit_path, temporary)?)
            } else {
                None
            },
            history: on(Bottleneck::MemoryLeak).then(RequestHistory::default),
            slow_endpoint: on(Bottleneck::SlowEndpoint),
            no_compression: on(Bottleneck::NoCompression),
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

    #[test]
    fn history_retains_filled_records_up_to_the_cap() {
        let h = RequestHistory::default();
        h.remember("GET /todos/1");
        h.remember("GET /todos/2");
        assert_eq!(h.bytes(), 2 * LEAK_PER_REQUEST as u64);
        {
            let records = h.records.lock().unwrap();
            assert!(records[1].starts_with(b"GET /todos/2..."));
            assert_eq!(records[0].len(), LEAK_PER_REQUEST);
        }
        h.bytes.store(LEAK_CAP_BYTES, Ordering::Relaxed);
        h.remember("GET /todos/3");
        assert_eq!(h.bytes(), LEAK_CAP_BYTES);
        assert_eq!(h.records.lock().unwrap().len(), 2, "nothing kept beyond the cap");
    }

    #[test]
    fn etag_depends_on_the_body() {
        assert_ne!(expensive_etag(b"a"), expensive_etag(b"b"));
        assert_eq!(expensive_etag(b"a"), expensive_etag(b"a"));
    }
}
