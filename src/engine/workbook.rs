//! What a scenario folder (`exercises/` or `solutions/`) hands to loadlab: its user classes,
//! load shapes and release criteria. The learner's `exercises/main.rs` builds one and passes it
//! to `loadlab::cli::exercises_main`; `solutions::workbook()` builds the finished one.

use super::shape::ShapeClass;
use super::user::UserClass;

/// Everything a scenario folder offers to `run`, `check`, the web UI and the worker.
#[derive(Clone)]
pub struct Workbook {
    pub classes: Vec<UserClass>,
    pub shapes: Vec<ShapeClass>,
    /// The release criteria (`--check release`), in `--check` syntax.
    pub release_criteria: fn() -> &'static str,
}
