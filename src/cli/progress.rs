//! `loadlab progress`: the checklist with what is done, lessons read and quiz score.

use colored::Colorize;

use crate::progress::Progress;

pub fn exec() -> anyhow::Result<i32> {
    let (progress, warning) = Progress::load();
    if let Some(warning) = warning {
        eprintln!("{}", warning.yellow());
    }
    print!("{}", crate::tutor::progress_report(&progress)?);
    Ok(0)
}
