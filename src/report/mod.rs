//! The files a run leaves behind and the judgements made on them: the JSON result (the input of
//! `explain` and `compare`), Locust-compatible CSV files, the self-contained HTML report,
//! `--check` thresholds and `compare`'s regression table. Everything here reads a finished
//! [`RunResult`](crate::engine::RunResult); nothing here runs load.

pub mod compare;
pub mod csv;
pub mod html;
pub mod json;
pub mod kinds;
pub mod locust_csv;
pub mod thresholds;

pub(crate) use crate::text::{columns, short_number};

pub use crate::exit::THRESHOLD_FAILED as EXIT_THRESHOLD_FAILED;
