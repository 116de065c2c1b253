//! The operations as a terminal shows them. The command line and the tutor both call these, so a
//! check, a run, a hint or the lab server reads the same from either front end, word for word.
//! Each function does its work through the printing-free operations beside it ([`super::run`],
//! [`super::check`], the grader) and prints what happened; the web UI and the worker use those
//! printing-free operations directly.
//!
//! Promises: nothing here parses a command line; every function returns the command's exit
//! code, and a bad input is a [`UsageError`] (shown by [`usage_result`] as one line, code 2).

pub mod check;
pub mod compare;
pub mod explain;
pub mod hint;
pub mod hunt;
pub mod practice;
pub mod reset;
pub mod run;
pub mod serve;
pub mod solution;

use crate::exit::{USAGE, UsageError};

/// Turns a usage error into a one-line message and exit code 2; other errors pass through.
pub fn usage_result(result: anyhow::Result<i32>) -> anyhow::Result<i32> {
    match result {
        Err(error) if error.downcast_ref::<UsageError>().is_some() => {
            eprintln!("오류: {error}");
            Ok(USAGE)
        }
        other => other,
    }
}

/// Runs one asynchronous operation to its end on a fresh multi-threaded runtime, usage errors
/// shown as [`usage_result`] shows them.
pub fn block_on(future: impl std::future::Future<Output = anyhow::Result<i32>>) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("tokio 런타임을 시작할 수 없어요: {e}"))?;
    usage_result(runtime.block_on(future))
}
