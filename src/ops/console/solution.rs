//! The reference solution of an item, shown as a diff against the learner's version of the
//! item's functions: `solution ITEM` and the tutor's exercise dialog.

use colored::Colorize;
use similar::{ChangeTag, TextDiff};

use crate::checklist::{self, ItemKind};
use crate::exit::UsageError;
use crate::grader::source;
use crate::places::workbook_dir;

/// The checklist item `id` if it is one with code (not a practice run); a [`UsageError`] naming
/// those otherwise.
pub fn code_item(id: &str) -> anyhow::Result<&'static checklist::Item> {
    match checklist::find(id) {
        Some(item) if item.kind != ItemKind::Practice => Ok(item),
        _ => {
            let known: Vec<&str> = checklist::ITEMS
                .iter()
                .filter(|item| item.kind != ItemKind::Practice)
                .map(|item| item.id)
                .collect();
            Err(UsageError(format!("코드 항목이 아니에요: '{id}' — 있는 항목: {}", known.join(", "))).into())
        }
    }
}

/// Prints the diff from the learner's code to the solution of `id`.
pub fn show(id: &str) -> anyhow::Result<i32> {
    let item = code_item(id)?;
    let workbook = workbook_dir();
    let read = |path: std::path::PathBuf| {
        std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("파일을 읽을 수 없어요: {} ({e})", path.display()))
    };
    let mine = source::item_text(&read(source::exercise_path(&workbook, item))?, item);
    let reference = source::item_text(&read(source::solution_path(&workbook, item))?, item);
    println!(
        "{}",
        format!("--- exercises/{} (내 코드)\n+++ solutions/{} (모범 답안)", item.file, item.file).bold()
    );
    if mine == reference {
        println!("{}", "내 코드가 모범 답안과 똑같아요.".green());
        return Ok(0);
    }
    for change in TextDiff::from_lines(&mine, &reference).iter_all_changes() {
        let line = change.to_string_lossy();
        let line = line.trim_end_matches('\n');
        match change.tag() {
            ChangeTag::Delete => println!("{}", format!("-{line}").red()),
            ChangeTag::Insert => println!("{}", format!("+{line}").green()),
            ChangeTag::Equal => println!(" {line}"),
        }
    }
    println!("\n{}", "답을 그대로 옮기기보다, 다른 점 하나하나가 왜 필요한지 생각해 보세요.".dimmed());
    Ok(0)
}
