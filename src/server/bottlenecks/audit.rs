//! blocking-io: a synchronous audit log ([`AuditLog`]) that every `/todos` request writes and
//! fsyncs on its async worker thread, followed by [`BLOCKING_STALL`] of synchronous SQLite
//! work. Promises: the thread really blocks (the point of the lesson), and the log file lives
//! under a name that does not give the bottleneck away and goes with the server.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::busy_work::BusyWork;
use crate::server::clock::now_timestamp;

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
    pub(super) fn open(path: PathBuf, remove_on_drop: bool, work: Arc<BusyWork>) -> anyhow::Result<Self> {
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
            let _ = writeln!(file, "{} {line}", now_timestamp());
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
