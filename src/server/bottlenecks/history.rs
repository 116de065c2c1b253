//! memory-leak: a request history ([`RequestHistory`]) that every `/todos` request appends a
//! 32 KiB record to and nothing ever trims. Promises: the records are filled (they count as
//! resident memory), and the leak stops at [`LEAK_CAP_BYTES`] so a long soak cannot take the
//! learner's machine down.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
