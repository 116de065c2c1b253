//! `check [ITEM]` and watch's grading as the terminal shows them: the build, one ✅ / ❌ / ⏳
//! line per item with the reasons in Korean and where to look, the progress file's news, and
//! the count of passed items. The building and grading are [`crate::ops::check`]'s.

use anyhow::Context;
use colored::Colorize;

use crate::checklist::{self, ItemKind};
use crate::exit::UsageError;
use crate::grader::checks::{Status, Verdict};
use crate::grader::observe::Scenarios;
use crate::grader::source;
use crate::ops::check::{self as grading, Built};
use crate::progress::Progress;

/// `check [ITEM]`: builds the exercises (or takes the solutions), grades `item` (every graded
/// item without one), prints each verdict and records them. Exit code 0 when all passed.
pub async fn check(item: Option<&str>, solutions: bool) -> anyhow::Result<i32> {
    let items: Vec<&'static str> = match item {
        None => checklist::graded_ids(),
        Some(id) => match checklist::find(id) {
            Some(item) if item.kind == ItemKind::Practice => {
                print_practice(item.id);
                return Ok(0);
            }
            Some(item) => vec![item.id],
            None => {
                let known: Vec<&str> = checklist::ITEMS.iter().map(|item| item.id).collect();
                return Err(
                    UsageError(format!("알 수 없는 항목 '{id}' — 있는 항목: {}", known.join(", "))).into()
                );
            }
        },
    };
    let scenarios = if solutions {
        Scenarios::InProcess(crate::solutions::workbook())
    } else {
        println!("exercises/ 빌드 중…");
        match grading::build_exercises(false)? {
            Built::Ready(binary) => Scenarios::Binary(binary),
            Built::Failed(message) => {
                eprintln!("{}", message.red());
                return Ok(1);
            }
        }
    };
    let mut verdicts = Vec::new();
    for item in items {
        let verdict = grading::grade(&scenarios, &[item]).await?.remove(0);
        print_verdict(&verdict);
        verdicts.push(verdict);
    }
    if !solutions {
        record(&verdicts)?;
    }
    let passed = verdicts.iter().filter(|v| v.status == Status::Passed).count();
    println!("\n{}개 중 {}개 통과", verdicts.len(), passed);
    Ok(if passed == verdicts.len() { 0 } else { 1 })
}

/// Builds the exercises quietly and grades one item, printing and recording the verdict;
/// `None` when the build failed (its message printed).
pub async fn build_and_grade(item: &'static str) -> anyhow::Result<Option<Status>> {
    let built =
        tokio::task::spawn_blocking(|| grading::build_exercises(true)).await.context("빌드 작업 실패")??;
    let scenarios = match built {
        Built::Ready(binary) => Scenarios::Binary(binary),
        Built::Failed(message) => {
            eprintln!("{}", message.red());
            return Ok(None);
        }
    };
    let verdict = grading::grade(&scenarios, &[item]).await?.remove(0);
    print_verdict(&verdict);
    record(std::slice::from_ref(&verdict))?;
    Ok(Some(verdict.status))
}

/// Records the verdicts in the progress file and says what changed.
fn record(verdicts: &[Verdict]) -> anyhow::Result<()> {
    let recorded = grading::record(verdicts)?;
    if let Some(warning) = recorded.warning {
        eprintln!("{}", warning.yellow());
    }
    if verdicts.len() > 1 && recorded.locustfile_done {
        println!("{}", "🎉 실습 2 완료: locustfile의 모든 항목이 통과했어요!".green().bold());
    }
    Ok(())
}

fn print_verdict(verdict: &Verdict) {
    let item = checklist::find(verdict.item).expect("graded items are in the checklist");
    let (mark, title) = match verdict.status {
        Status::Passed => ("✅", item.title.green()),
        Status::Failed => ("❌", item.title.red()),
        Status::NotStarted => ("⏳", item.title.normal()),
    };
    let observed =
        if verdict.observed.is_empty() { String::new() } else { format!("  ({})", verdict.observed) };
    println!("{mark} {}  {title}{}", verdict.item.bold(), observed.dimmed());
    for problem in &verdict.problems {
        println!("   - {problem}");
    }
    if verdict.status != Status::Passed {
        let workbook = crate::places::workbook_dir();
        let path = source::exercise_path(&workbook, item);
        let line = std::fs::read_to_string(&path).ok().and_then(|text| source::todo_line(&text, item));
        let place = match line {
            Some(line) => format!("exercises/{}:{line}", item.file),
            None => format!("exercises/{}", item.file),
        };
        println!("   → {place} (힌트: {})", crate::places::command(&format!("hint {}", verdict.item)));
    }
}

fn print_practice(id: &str) {
    let (progress, _) = Progress::load();
    let item = checklist::find(id).expect("practice ids are in the checklist");
    let mark = if progress.is_item_done(id) { "✅" } else { "⬜" };
    println!("{mark} {}", item.title);
    if let Some(how) = item.how {
        println!("   {}", crate::places::localized_commands(how));
    }
}
