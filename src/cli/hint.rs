//! `loadlab hint ITEM`: the item's hints (Markdown in `lessons/hints/`), rendered for the terminal.

use clap::Args;

use crate::checklist;

#[derive(Args, Debug)]
pub struct HintArgs {
    /// 항목: update_todo, delete_todo, mixed_workload, stress_user …
    item: String,
}

/// The Markdown hints of `item`.
pub fn hints(item: &str) -> Option<&'static str> {
    checklist::find(item)?.hint
}

pub fn exec(args: HintArgs) -> anyhow::Result<i32> {
    exec_item(&args.item)
}

/// Prints the hints of `item`.
pub fn exec_item(item: &str) -> anyhow::Result<i32> {
    let Some(text) = hints(item) else {
        let known: Vec<&str> =
            checklist::ITEMS.iter().filter(|item| item.hint.is_some()).map(|item| item.id).collect();
        let kind = if checklist::find(item).is_some() { "힌트가 없는" } else { "알 수 없는" };
        return Err(super::UsageError(format!(
            "{kind} 항목 '{item}' — 힌트가 있는 항목: {}",
            known.join(", ")
        ))
        .into());
    };
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    print!("{}", crate::tutor::render_markdown(text, crate::tutor::terminal_width(), color));
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::hints;
    use crate::checklist::graded_ids;

    #[test]
    fn every_graded_item_has_three_hints_and_its_mistakes() {
        for item in graded_ids() {
            let text = hints(item).unwrap_or_else(|| panic!("{item} has no hints"));
            for section in ["## 힌트 1", "## 힌트 2", "## 힌트 3", "## 자주 하는 실수"] {
                assert!(text.contains(section), "{item} lacks {section}");
            }
        }
    }
}
