//! `compare`: two saved runs side by side, judged against a noise margin, or three and more as
//! practice 4's table of load kinds.

use std::path::{Path, PathBuf};

use crate::report::compare::CompareOptions;
use crate::report::{EXIT_THRESHOLD_FAILED, json};

/// Prints how `new` moved against `base`; exits with [`EXIT_THRESHOLD_FAILED`] when
/// `options.max_regression` is exceeded, so a release pipeline can stop.
pub fn compare(base: &Path, new: &Path, options: &CompareOptions) -> anyhow::Result<i32> {
    let comparison = crate::report::compare::compare(&json::read(base)?, &json::read(new)?, options);
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    println!("기준: {}\n새 결과: {}\n", base.display(), new.display());
    print!("{}", comparison.render(color));
    Ok(if comparison.regressed() { EXIT_THRESHOLD_FAILED } else { 0 })
}

/// Prints practice 4's table of the load kinds, one saved run per column.
pub fn load_kinds(paths: &[PathBuf]) -> anyhow::Result<i32> {
    let mut runs = Vec::new();
    for path in paths {
        runs.push((path.display().to_string(), json::read(path)?));
    }
    print!("{}", crate::report::kinds::render(&runs));
    Ok(0)
}
