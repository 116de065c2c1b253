//! Switchable real bottlenecks of the lab server (`loadlab serve --bottleneck NAME`).
//!
//! Owns: the list of bottlenecks, their names and Korean descriptions, the request-level
//! machinery of those that live outside the database (session pool, audit log, request
//! history, slow ETag), and the server-side telemetry that lets `explain` tell them apart
//! (session waits, async polls that block their thread). Promises: each one does the bad thing
//! for real — extra queries, table scans, blocking calls on async threads, CPU work, retained
//! memory — never a `sleep` pretending to be slow. The healthy counterpart of each is the
//! default.
//!
//! Where a lesson needs a known cost (the pool's hold, the blocking stall, the ETag), the cost
//! is real work sized at server start: SQLite really computes for [`POOL_HOLD`] while a
//! session is held, so a saturation finder can predict the break point (about
//! `1 / POOL_HOLD` requests per second) on any machine and in any build.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write as _;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use super::switches::Switches;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bottleneck {
    /// `GET /todos/` reads the ids, then each todo with its own query.
    NPlusOne,
    /// Lookups by id cannot use the primary-key index: every one scans the table.
    MissingIndex,
    /// `GET /todos/` ignores `skip`/`limit` and sends every todo.
    NoPagination,
    /// One database session for the whole server, held by each `/todos` request from start to
    /// answer, with [`POOL_HOLD`] of real database work inside.
    PoolStarvation,
    /// Database calls run on the async worker threads, and every `/todos` request writes a
    /// synchronous audit record there too (fsync plus [`BLOCKING_STALL`] of SQLite work).
    BlockingIo,
    /// `GET /todos/{todo_id}` recomputes an expensive ETag (about [`SLOW_ETAG_COST`] of CPU) on
    /// every call.
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

// ---------------------------------------------------------------------------------------------
// real database work of a known length

/// One chunk of [`BusyWork`] aims at this: short, so that work overshoots its length by little.
const WORK_CHUNK: Duration = Duration::from_micros(250);
/// Counting steps timed at start to size the chunks.
const CALIBRATION_STEPS: i64 = 20_000;
const COUNTING_SQL: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1) SELECT count(*) FROM c";

/// Real SQLite work — a recursive counting query — for a given time, the way a slow query
/// keeps a database busy. It runs in chunks sized at start and stops once the time is up, so
/// its length holds on any machine and in a debug or a release build. Connections are
/// private (the query needs no table) and reused; several threads may work at once.
pub struct BusyWork {
    idle: Mutex<Vec<Connection>>,
    chunk_steps: i64,
}

fn count(conn: &Connection, steps: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached(COUNTING_SQL)?.query_row([steps], |row| row.get(0))
}

impl BusyWork {
    /// Times the counting query (best of three, the least disturbed) to size the chunks.
    /// Blocking: a few milliseconds.
    pub fn calibrated() -> anyhow::Result<Self> {
        let conn = Connection::open_in_memory().context("작업용 SQLite 연결을 열 수 없어요")?;
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            count(&conn, CALIBRATION_STEPS).context("보정 쿼리 실패")?;
            best = best.min(started.elapsed());
        }
        let per_step = best.as_secs_f64() / CALIBRATION_STEPS as f64;
        let chunk_steps = (WORK_CHUNK.as_secs_f64() / per_step.max(1e-12)).clamp(100.0, 10_000_000.0) as i64;
        Ok(BusyWork { idle: Mutex::new(vec![conn]), chunk_steps })
    }

    /// Keeps SQLite counting for `length` on the calling thread.
    pub fn run_for(&self, length: Duration) {
        let deadline = Instant::now() + length;
        let idle = crate::process::lock(&self.idle).pop();
        let Some(conn) = idle.or_else(|| Connection::open_in_memory().ok()) else { return };
        while Instant::now() < deadline {
            if count(&conn, self.chunk_steps).is_err() {
                break;
            }
        }
        crate::process::lock(&self.idle).push(conn);
    }
}

// ---------------------------------------------------------------------------------------------
// pool-starvation

/// Sessions in the pool: one for the whole server.
pub const POOL_SIZE: usize = 1;
/// The database work every `/todos` request does while it holds the session. With one
/// session the server finishes at most `1 / POOL_HOLD` (200) such requests a second, whatever
/// the number of users: in practice a little less, as each request also does its own query and
/// hands the session on (about 180 a second on an idle machine; on a machine whose CPUs are
/// all busy every hand-over also waits for a CPU, and the ceiling drops further).
pub const POOL_HOLD: Duration = Duration::from_millis(5);
/// How long a request waits for a session before it gives up with a 500.
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(2);

/// Session-per-request: each `/todos` request checks a session out at its start and gives it
/// back with its answer. Waiting requests wait idle (an async semaphore), not on a thread.
pub struct SessionPool {
    slots: Arc<Semaphore>,
    work: Arc<BusyWork>,
    waited_nanos: AtomicU64,
}

impl SessionPool {
    fn new(work: Arc<BusyWork>) -> Self {
        SessionPool { slots: Arc::new(Semaphore::new(POOL_SIZE)), work, waited_nanos: AtomicU64::new(0) }
    }

    /// The session, or `None` when none came free within [`SESSION_TIMEOUT`]. The time spent
    /// waiting is counted either way (`/metrics`).
    pub async fn checkout(&self) -> Option<OwnedSemaphorePermit> {
        let started = Instant::now();
        let permit = tokio::time::timeout(SESSION_TIMEOUT, self.slots.clone().acquire_owned()).await;
        self.waited_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        permit.ok()?.ok()
    }

    /// The session's own database work, [`POOL_HOLD`] long, on a blocking thread: the session
    /// is busy, the async workers are not.
    pub async fn hold(&self) {
        let work = self.work.clone();
        let _ = tokio::task::spawn_blocking(move || work.run_for(POOL_HOLD)).await;
    }

    /// Total time requests spent waiting for the session.
    pub fn waited(&self) -> Duration {
        Duration::from_nanos(self.waited_nanos.load(Ordering::Relaxed))
    }
}

// ---------------------------------------------------------------------------------------------
// blocking-io

/// Where the server on `port` keeps blocking-io's synchronous log: the temp folder, under a
/// name that says nothing of what it is for (the mystery hunt must not be solved with `ls`).
/// Removed when the server stops.
pub fn journal_path(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("loadlab-{}-{port}.journal", std::process::id()))
}

/// The synchronous database work of each audit record, done on the async worker thread.
pub const BLOCKING_STALL: Duration = Duration::from_millis(5);

/// An append-only audit log written and fsynced synchronously, wherever it is called from,
/// followed by a synchronous query of [`BLOCKING_STALL`].
pub struct AuditLog {
    file: Mutex<File>,
    path: PathBuf,
    remove_on_drop: bool,
    work: Arc<BusyWork>,
}

impl AuditLog {
    fn open(path: PathBuf, remove_on_drop: bool, work: Arc<BusyWork>) -> anyhow::Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("감사 로그 {} 를 열 수 없어요: {e}", path.display()))?;
        Ok(AuditLog { file: Mutex::new(file), path, remove_on_drop, work })
    }

    /// Blocks the calling thread on a disk flush and a query — on purpose, from async code.
    pub fn record(&self, line: &str) {
        {
            let mut file = crate::process::lock(&self.file);
            let _ = writeln!(file, "{} {line}", super::db::now_timestamp());
            let _ = file.sync_data();
        }
        self.work.run_for(BLOCKING_STALL);
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
        crate::process::lock(&self.records).push(record);
        self.bytes.fetch_add(LEAK_PER_REQUEST as u64, Ordering::Relaxed);
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

// ---------------------------------------------------------------------------------------------
// slow-endpoint

/// The CPU one ETag costs: the rounds are sized at start to take about this long (when the
/// CPU is free), so the endpoint is clearly slower than the others in any build.
pub const SLOW_ETAG_COST: Duration = Duration::from_millis(50);
const ETAG_CALIBRATION_ROUNDS: u32 = 10_000;

/// A "strong ETag" made the expensive way, like hashing a password on every request. The
/// same body and rounds always give the same tag.
pub fn expensive_etag(body: &[u8], rounds: u32) -> String {
    let mut digest = 0u64;
    for round in 0..rounds {
        let mut h = DefaultHasher::new();
        digest.hash(&mut h);
        round.hash(&mut h);
        body.hash(&mut h);
        digest = h.finish();
    }
    format!("\"{digest:016x}\"")
}

/// The rounds of [`expensive_etag`] that take about `cost` on this machine (best of three).
pub fn etag_rounds_for(cost: Duration) -> u32 {
    let body = br#"{"title":"calibration","description":null,"completed":false,"id":1}"#;
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        std::hint::black_box(expensive_etag(body, ETAG_CALIBRATION_ROUNDS));
        best = best.min(started.elapsed());
    }
    let rounds = ETAG_CALIBRATION_ROUNDS as f64 * cost.as_secs_f64() / best.as_secs_f64().max(1e-9);
    rounds.clamp(1_000.0, 100_000_000.0) as u32
}

// ---------------------------------------------------------------------------------------------
// telemetry

/// One poll of a request's future that takes longer than this held its async worker thread
/// hostage: asyncio's "slow callback" warning, at a threshold fit for a server whose handlers
/// otherwise run for microseconds between awaits.
pub const SLOW_POLL: Duration = Duration::from_millis(1);

/// How long `/todos` handlers kept their async worker thread without yielding.
#[derive(Default)]
pub struct PollTelemetry {
    slow_polls: AtomicU64,
    blocked_nanos: AtomicU64,
}

impl PollTelemetry {
    pub fn record(&self, took: Duration) {
        if took >= SLOW_POLL {
            self.slow_polls.fetch_add(1, Ordering::Relaxed);
            self.blocked_nanos.fetch_add(took.as_nanos() as u64, Ordering::Relaxed);
        }
    }

    pub fn slow_polls(&self) -> u64 {
        self.slow_polls.load(Ordering::Relaxed)
    }

    pub fn blocked(&self) -> Duration {
        Duration::from_nanos(self.blocked_nanos.load(Ordering::Relaxed))
    }
}

// ---------------------------------------------------------------------------------------------

/// The request-level bottleneck machinery of one server and the telemetry every server keeps.
/// What a bottleneck needs is built the first time it is switched on ([`Active::set`]) and
/// kept; each request asks the [`Switches`] whether to use it.
#[derive(Default)]
pub struct Active {
    pub switches: Arc<Switches>,
    work: OnceLock<Arc<BusyWork>>,
    sessions: OnceLock<SessionPool>,
    audit: OnceLock<AuditLog>,
    history: RequestHistory,
    /// The rounds of the slow-endpoint ETag.
    etag_rounds: OnceLock<u32>,
    audit_path: PathBuf,
    temporary: bool,
    /// The bottleneck is the hunt's secret: `/metrics` says so, and `explain` holds back names.
    pub secret: bool,
    pub polls: PollTelemetry,
    /// Response body bytes sent, after compression, `/metrics` left out.
    sent_body_bytes: AtomicU64,
    /// The same bodies before compression.
    plain_body_bytes: AtomicU64,
}

impl Active {
    /// `audit_path`: where blocking-io writes; removed at the end when `temporary`. Blocking:
    /// sizes the real work of the bottlenecks on in `switches` (a few milliseconds).
    pub fn new(switches: Arc<Switches>, audit_path: PathBuf, temporary: bool) -> anyhow::Result<Self> {
        let active = Active { switches: switches.clone(), audit_path, temporary, ..Active::default() };
        for bottleneck in switches.list() {
            active.set(bottleneck, true)?;
        }
        Ok(active)
    }

    /// Switches `bottleneck` on or off for the next requests. Blocking the first time a
    /// bottleneck that needs real work goes on (it sizes that work).
    pub fn set(&self, bottleneck: Bottleneck, on: bool) -> anyhow::Result<()> {
        if on {
            let work = || -> anyhow::Result<Arc<BusyWork>> {
                if let Some(work) = self.work.get() {
                    return Ok(work.clone());
                }
                let work = Arc::new(BusyWork::calibrated()?);
                Ok(self.work.get_or_init(|| work).clone())
            };
            match bottleneck {
                Bottleneck::PoolStarvation if self.sessions.get().is_none() => {
                    let pool = SessionPool::new(work()?);
                    let _ = self.sessions.set(pool);
                }
                Bottleneck::BlockingIo if self.audit.get().is_none() => {
                    let log = AuditLog::open(self.audit_path.clone(), self.temporary, work()?)?;
                    let _ = self.audit.set(log);
                }
                Bottleneck::SlowEndpoint => {
                    self.etag_rounds.get_or_init(|| etag_rounds_for(SLOW_ETAG_COST));
                }
                _ => {}
            }
        }
        self.switches.flip(bottleneck, on);
        Ok(())
    }

    pub fn is_on(&self, bottleneck: Bottleneck) -> bool {
        self.switches.is_on(bottleneck)
    }

    /// The session pool, while pool starvation is on.
    pub fn sessions(&self) -> Option<&SessionPool> {
        self.sessions.get().filter(|_| self.is_on(Bottleneck::PoolStarvation))
    }

    /// The synchronous audit log, while blocking I/O is on.
    pub fn audit(&self) -> Option<&AuditLog> {
        self.audit.get().filter(|_| self.is_on(Bottleneck::BlockingIo))
    }

    /// The request history, while the memory leak is on.
    pub fn history(&self) -> Option<&RequestHistory> {
        Some(&self.history).filter(|_| self.is_on(Bottleneck::MemoryLeak))
    }

    /// The memory the leak holds, once it was ever on (switched off, it keeps what it took).
    pub fn leaked_bytes(&self) -> Option<u64> {
        let bytes = self.history.bytes();
        (bytes > 0 || self.is_on(Bottleneck::MemoryLeak)).then_some(bytes)
    }

    /// The rounds of the slow ETag, while the slow endpoint is on.
    pub fn etag_rounds(&self) -> Option<u32> {
        self.etag_rounds.get().copied().filter(|_| self.is_on(Bottleneck::SlowEndpoint))
    }

    pub fn no_compression(&self) -> bool {
        self.is_on(Bottleneck::NoCompression)
    }

    /// Counts `bytes` of response body on their way out.
    pub fn sent_body(&self, bytes: u64) {
        self.sent_body_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Counts `bytes` of response body as the handler made it, before compression.
    pub fn plain_body(&self, bytes: u64) {
        self.plain_body_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// This server's lines of `/metrics` beyond the HTTP ones (Prometheus text format).
    pub fn metrics_text(&self, rows_scanned: u64) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
        };
        metric(
            "loadlab_db_rows_scanned_total",
            "counter",
            "테이블 전체 스캔으로 읽은 행 수 (인덱스를 못 쓴 검색의 비용)",
            rows_scanned.to_string(),
        );
        metric(
            "loadlab_http_sent_body_bytes_total",
            "counter",
            "보낸 응답 본문의 바이트 수 (압축한 뒤의 크기, /metrics 제외)",
            self.sent_body_bytes.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "loadlab_http_body_bytes_total",
            "counter",
            "응답 본문의 바이트 수 (압축하기 전의 크기, /metrics 제외)",
            self.plain_body_bytes.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "loadlab_async_slow_polls_total",
            "counter",
            "/todos 요청 처리 중 한 번에 1ms 넘게 비동기 작업자 스레드를 붙잡은 횟수",
            self.polls.slow_polls().to_string(),
        );
        metric(
            "loadlab_async_blocked_seconds_total",
            "counter",
            "그렇게 붙잡은 시간의 합(초): 그동안 같은 스레드의 다른 요청은 멈춰 있었어요",
            self.polls.blocked().as_secs_f64().to_string(),
        );
        // In the hunt every series is there whatever the secret is, so no series gives it away.
        if self.sessions.get().is_some() || self.secret {
            let waited = self.sessions.get().map_or(Duration::ZERO, SessionPool::waited);
            metric("loadlab_db_pool_size", "gauge", "DB 세션 풀의 크기", POOL_SIZE.to_string());
            metric(
                "loadlab_db_session_wait_seconds_total",
                "counter",
                "요청들이 DB 세션을 얻으려고 기다린 시간의 합(초)",
                waited.as_secs_f64().to_string(),
            );
        }
        if self.secret {
            metric(
                "loadlab_lab_secret_bottleneck",
                "gauge",
                "1: 병목 찾기 실습 중 (병목 이름은 hunt guess로 맞혀 보세요)",
                "1".to_string(),
            );
        }
        out
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
    fn etag_depends_on_the_body_and_the_rounds() {
        assert_ne!(expensive_etag(b"a", 100), expensive_etag(b"b", 100));
        assert_ne!(expensive_etag(b"a", 100), expensive_etag(b"a", 101));
        assert_eq!(expensive_etag(b"a", 100), expensive_etag(b"a", 100));
    }

    #[test]
    fn busy_work_lasts_its_length_and_not_much_longer() {
        let work = BusyWork::calibrated().unwrap();
        for length in [Duration::from_millis(2), Duration::from_millis(8)] {
            let started = Instant::now();
            work.run_for(length);
            let took = started.elapsed();
            assert!(took >= length, "{took:?} < {length:?}");
            // A chunk is a quarter millisecond when the CPU is free; allow for a busy machine.
            assert!(took < length + Duration::from_millis(50), "{took:?} for {length:?}");
        }
    }

    #[test]
    fn only_long_polls_count_as_blocking() {
        let polls = PollTelemetry::default();
        polls.record(Duration::from_micros(200));
        polls.record(Duration::from_millis(4));
        assert_eq!(polls.slow_polls(), 1);
        assert_eq!(polls.blocked(), Duration::from_millis(4));
    }
}
