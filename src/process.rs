//! What this process knows of itself: its resident memory, and a lock that outlives a panic.
//!
//! Owns: the one RSS reader (the engine's generator reading, the worker's heartbeat and the lab
//! server's `/metrics` gauge all take it from here) and the one poisoned-lock policy. Imports
//! nothing of loadlab, so every layer may use it.

use std::sync::{Mutex, MutexGuard};

/// This process's resident memory in bytes: resident pages from `/proc/self/statm` times the
/// kernel's page size (4 KiB on x86-64, 16/64 KiB on some ARM kernels). `None` off Linux.
pub fn resident_memory_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    Some(pages * page)
}

/// Locks `mutex` even when a thread panicked while holding it. Every value loadlab guards stays
/// whole between statements (counters, queues, a SQLite connection whose statements are
/// atomic), so a panic elsewhere must not take the whole run or server down with it.
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poisoned_lock_still_hands_out_its_value() {
        let shared = std::sync::Arc::new(Mutex::new(7));
        let clone = shared.clone();
        let _ = std::thread::spawn(move || {
            let _guard = clone.lock().unwrap();
            panic!("poison it");
        })
        .join();
        assert!(shared.is_poisoned());
        *lock(&shared) += 1;
        assert_eq!(*lock(&shared), 8);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn resident_memory_grows_with_touched_memory() {
        let before = resident_memory_bytes().unwrap();
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let after = resident_memory_bytes().unwrap();
        assert!(after >= before + (32 << 20), "{before} → {after}");
    }
}
