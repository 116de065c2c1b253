//! Putting an item's functions in `exercises/` back as shipped (asking first on a terminal),
//! for `reset ITEM`. The item is unticked in the progress file.

use std::io::IsTerminal;

use anyhow::Context;

use crate::exit::UsageError;
use crate::grader::source;
use crate::places::workbook_dir;
use crate::progress::Progress;

/// Restores item `id`'s functions in `exercises/` and unticks it; asks first unless `yes`.
pub fn reset(id: &str, yes: bool) -> anyhow::Result<i32> {
    let item = super::solution::code_item(id)?;
    let path = source::exercise_path(&workbook_dir(), item);
    let current = std::fs::read_to_string(&path)
        .with_context(|| format!("파일을 읽을 수 없어요: {}", path.display()))?;
    let original = source::pristine(item.file).context("이 항목의 원본이 없어요")?;
    let restored = source::restore_item(&current, original, item)?;
    if restored == current {
        println!("exercises/{}의 함수({})는 이미 처음 상태예요.", item.file, item.functions.join(", "));
        return Ok(0);
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                UsageError("터미널이 아니라 확인을 받을 수 없어요: --yes를 붙이세요".to_string()).into()
            );
        }
        let question = format!(
            "exercises/{}의 함수({})를 처음 상태로 되돌릴까요? 지금 코드는 사라져요.",
            item.file,
            item.functions.join(", ")
        );
        if !inquire::Confirm::new(&question).with_default(false).prompt().unwrap_or(false) {
            println!("그대로 두었어요.");
            return Ok(0);
        }
    }
    std::fs::write(&path, restored).with_context(|| format!("{}에 쓸 수 없어요", path.display()))?;
    Progress::update(|progress| progress.unmark_item(item.id))?;
    println!("exercises/{}의 함수({})를 되돌렸어요.", item.file, item.functions.join(", "));
    Ok(0)
}
