//! Grading checklist items and keeping the progress file in step: the learner's `exercises`
//! package built, its items graded, a passed item ticked, an item that breaks again unticked,
//! and 실습 2 ticked when the whole locustfile passes. Every change goes through
//! [`Progress::update`], under its file lock.

use std::path::PathBuf;

use crate::checklist::ITEMS;
use crate::grader::build::{self, Build};
use crate::grader::checks::{self, Status, Verdict};
use crate::grader::observe::Scenarios;
use crate::progress::Progress;

/// What recording verdicts changed.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// The progress file was broken and has been rebuilt (one Korean line).
    pub warning: Option<String>,
    /// Every locustfile item is done, so 실습 2 is.
    pub locustfile_done: bool,
}

/// The learner's exercises binary, or why there is none.
pub enum Built {
    Ready(PathBuf),
    /// `exercises/` did not compile; cargo has printed its errors, this says what to do.
    Failed(String),
}

/// The learner's `exercises` package built as its own cargo package (`quiet`: no cargo progress
/// lines), ready to grade or run.
pub fn build_exercises(quiet: bool) -> anyhow::Result<Built> {
    Ok(match build::build_exercises(quiet)? {
        Build::Ready(path) => Built::Ready(path),
        Build::Failed => Built::Failed(build::failed_message()),
    })
}

/// Grades `items` in order against `scenarios`.
pub async fn grade(scenarios: &Scenarios, items: &[&'static str]) -> anyhow::Result<Vec<Verdict>> {
    let mut verdicts = Vec::with_capacity(items.len());
    for item in items {
        verdicts.push(checks::check(scenarios, item).await?);
    }
    Ok(verdicts)
}

/// Ticks passed items, unticks the others, and ticks 실습 2 when the whole locustfile passes.
pub fn record(verdicts: &[Verdict]) -> anyhow::Result<Recorded> {
    let (progress, warning) = Progress::update(|progress| {
        for verdict in verdicts {
            match verdict.status {
                Status::Passed => progress.mark_item_done(verdict.item),
                _ => progress.unmark_item(verdict.item),
            }
        }
        if ITEMS.iter().filter(|item| item.in_locustfile).all(|item| progress.is_item_done(item.id)) {
            progress.mark_item_done("practice2");
        }
    })?;
    Ok(Recorded { warning, locustfile_done: progress.is_item_done("practice2") })
}
