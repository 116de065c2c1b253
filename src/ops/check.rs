//! Grading checklist items and keeping the progress file in step: a passed item is ticked, an
//! item that breaks again is unticked, and 실습 2 ticks itself when the whole locustfile passes.
//! Every change goes through [`Progress::update`], under its file lock.

use crate::checklist::ITEMS;
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
