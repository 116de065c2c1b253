//! pool-starvation: one database session for the whole server ([`SessionPool`]), held by each
//! `/todos` request from start to answer with [`POOL_HOLD`] of real work inside. Promises: a
//! saturation finder can predict the break point (about `1 / POOL_HOLD` requests a second) on
//! any machine; waiting requests wait idle, and the time they wait is counted (`/metrics`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::busy_work::BusyWork;

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
    pub(super) fn new(work: Arc<BusyWork>) -> Self {
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
