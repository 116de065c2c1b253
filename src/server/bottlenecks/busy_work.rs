//! Real database work of a known length ([`BusyWork`]): what the pool-starvation and
//! blocking-io bottlenecks spend their time on. Promises: the work is SQLite really computing,
//! never a `sleep`, and it lasts its length (and little more) on any machine and in a debug or
//! a release build, because its chunks are sized at server start.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rusqlite::Connection;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
