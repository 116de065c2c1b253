//! The operations layer: the work behind every front end. The command line (`cli`), the tutor,
//! the web UI and the worker all call these functions instead of each other, the way cargo's
//! subcommands call `cargo::ops`. Nothing here parses arguments. The operations beside
//! [`console`] print nothing: each returns what happened and the front end shows it.
//! [`console`] holds the operations as a terminal shows them, shared by the command line and
//! the tutor so both print the same words.
//!
//! - [`run`]: one load test from settings to report files, with the embedded lab server.
//! - [`lab`]: the embedded lab server on its own runtime.
//! - [`check`]: grading checklist items and recording the outcome in the progress file.
//! - [`console`]: check, run, serve, hunt, practice, solution, reset and hints at
//!   the terminal.
//! - [`import`]: a scenario from a recording, a document or a log, written into `exercises/`.

pub mod check;
pub mod console;
pub mod import;
pub mod lab;
pub mod run;
