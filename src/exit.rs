//! How a command ends: the exit codes every front end and the learner's exercises binary agree
//! on (the grader reads them from a child process), and the usage error that becomes exit 2.

/// Requests failed (Locust's `--exit-code-on-error` default).
pub const REQUESTS_FAILED: i32 = 1;

/// A bad command line (clap's own choice too), or a bad value found after parsing.
pub const USAGE: i32 = 2;

/// A `--check` criterion or a `compare --max-regression` limit was not met: distinct from 1
/// (requests failed) and 2 (bad command line), so CI can tell them apart.
pub const THRESHOLD_FAILED: i32 = 3;

/// A usage error found after parsing (an unknown user class, a bad duration): one line, exit 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A `worker` lost its Locust master: no heartbeat within the timeout, or it never answered.
pub const MASTER_LOST: i32 = 4;
