//! slow-endpoint: an ETag made the expensive way ([`expensive_etag`]), recomputed on every
//! `GET /todos/{todo_id}`. Promises: the same body and rounds always give the same tag, and
//! the rounds are sized at start to cost about [`SLOW_ETAG_COST`] of CPU in any build.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_depends_on_the_body_and_the_rounds() {
        assert_ne!(expensive_etag(b"a", 100), expensive_etag(b"b", 100));
        assert_ne!(expensive_etag(b"a", 100), expensive_etag(b"a", 101));
        assert_eq!(expensive_etag(b"a", 100), expensive_etag(b"a", 100));
    }
}
