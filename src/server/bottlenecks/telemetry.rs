//! Server-side telemetry every lab server keeps ([`PollTelemetry`]): how long `/todos`
//! handlers held their async worker thread without yielding, so `explain` can tell blocking
//! calls on async threads from a server that is merely busy.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_polls_count_as_blocking() {
        let polls = PollTelemetry::default();
        polls.record(Duration::from_micros(200));
        polls.record(Duration::from_millis(4));
        assert_eq!(polls.slow_polls(), 1);
        assert_eq!(polls.blocked(), Duration::from_millis(4));
    }
}
