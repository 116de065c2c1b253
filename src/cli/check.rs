//! `loadlab check [ITEM]`: builds the learner's exercises and grades checklist items by
//! behaviour, printing ✅ / ❌ / ⏳ with the reasons in Korean, and records the results in the
//! progress file (an item that breaks again is unticked).

use clap::Args;
use colored::Colorize;

use crate::checklist::{self, ItemKind};
use crate::grader::build::{self, Build};
use crate::grader::checks::{Status, Verdict};
use crate::grader::observe::Scenarios;
use crate::grader::source;
use crate::progress::Progress;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// 채점할 항목 (없으면 전부): update_todo, delete_todo, mixed_workload, stress_user …
    item: Option<String>,
    /// exercises/ 대신 solutions/를 채점해요 (채점기 자체 확인용)
    #[arg(long)]
    solutions: bool,
}

pub async fn exec(args: CheckArgs) -> anyhow::Result<i32> {
    let items: Vec<&'static str> = match &args.item {
        None => checklist::graded_ids(),
        Some(id) => match checklist::find(id) {
            Some(item) if item.kind == ItemKind::Practice => {
                print_practice(item.id);
                return Ok(0);
            }
            Some(item) => vec![item.id],
            None => {
                let known: Vec<&str> = checklist::ITEMS.iter().map(|item| item.id).collect();
                return Err(super::UsageError(format!(
                    "알 수 없는 항목 '{id}' — 있는 항목: {}",
                    known.join(", ")
                ))
                .into());
            }
        },
    };
    let scenarios = if args.solutions {
        Scenarios::InProcess(crate::solutions::workbook())
    } else {
        println!("exercises/ 빌드 중…");
        match build::build_exercises(false)? {
            Build::Ready(path) => Scenarios::Binary(path),
            Build::Failed => {
                eprintln!("{}", build::failed_message().red());
                return Ok(1);
            }
        }
    };
    let mut verdicts = Vec::new();
    for item in items {
        let verdict = crate::ops::check::grade(&scenarios, &[item]).await?.remove(0);
        print_verdict(&verdict);
        verdicts.push(verdict);
    }
    if !args.solutions {
        record(&verdicts)?;
    }
    let passed = verdicts.iter().filter(|v| v.status == Status::Passed).count();
    println!("\n{}개 중 {}개 통과", verdicts.len(), passed);
    Ok(if passed == verdicts.len() { 0 } else { 1 })
}

/// Records the verdicts in the progress file and says what changed.
pub fn record(verdicts: &[Verdict]) -> anyhow::Result<()> {
    let recorded = crate::ops::check::record(verdicts)?;
    if let Some(warning) = recorded.warning {
        eprintln!("{}", warning.yellow());
    }
    if verdicts.len() > 1 && recorded.locustfile_done {
        println!("{}", "🎉 실습 2 완료: locustfile의 모든 항목이 통과했어요!".green().bold());
    }
    Ok(())
}

pub fn print_verdict(verdict: &Verdict) {
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
