//! The bottleneck machinery of one running lab server ([`Active`]): what each switched-on
//! bottleneck needs, built the first time it goes on and kept, the switches every request
//! reads, and the server's own `/metrics` lines beyond the HTTP ones. Promises: a switch takes
//! effect with the next request; nothing of a bottleneck is built before it is first wanted.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::audit::AuditLog;
use super::busy_work::BusyWork;
use super::catalogue::Bottleneck;
use super::etag::{SLOW_ETAG_COST, etag_rounds_for};
use super::history::RequestHistory;
use super::sessions::{POOL_SIZE, SessionPool};
use super::switches::Switches;
use super::telemetry::PollTelemetry;

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
        self.is_on(Bottleneck::MemoryLeak).then_some(&self.history)
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
