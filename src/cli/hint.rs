//! `loadlab hint ITEM`: the item's hints (Markdown in `lessons/hints/`), rendered for the terminal.

use clap::Args;

use crate::checklist;

#[derive(Args, Debug)]
pub struct HintArgs {
    /// 항목: update_todo, delete_todo, mixed_workload, stress_user …
    item: String,
}

/// The hints, embedded so they work wherever `loadlab` runs.
const HINTS: &[(&str, &str)] = &[
    ("create_todo", include_str!("../../lessons/hints/create_todo.md")),
    ("list_todos", include_str!("../../lessons/hints/list_todos.md")),
    ("get_single_todo", include_str!("../../lessons/hints/get_single_todo.md")),
    ("update_todo", include_str!("../../lessons/hints/update_todo.md")),
    ("delete_todo", include_str!("../../lessons/hints/delete_todo.md")),
    ("mixed_workload", include_str!("../../lessons/hints/mixed_workload.md")),
    ("stress_user", include_str!("../../lessons/hints/stress_user.md")),
    ("spike_shape", include_str!("../../lessons/hints/spike_shape.md")),
    ("setup_user", include_str!("../../lessons/hints/setup_user.md")),
    ("release_gate", include_str!("../../lessons/hints/release_gate.md")),
];

/// The Markdown hints of `item`.
pub fn hints(item: &str) -> Option<&'static str> {
    HINTS.iter().find(|(id, _)| *id == item).map(|(_, text)| *text)
}

pub fn exec(args: HintArgs) -> anyhow::Result<i32> {
    exec_item(&args.item)
}

/// Prints the hints of `item`.
pub fn exec_item(item: &str) -> anyhow::Result<i32> {
    let Some(text) = hints(item) else {
        let known: Vec<&str> = HINTS.iter().map(|(id, _)| *id).collect();
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
    use crate::grader::checks::GRADED_ITEMS;

    #[test]
    fn every_graded_item_has_three_hints_and_its_mistakes() {
        for item in GRADED_ITEMS {
            let text = hints(item).unwrap_or_else(|| panic!("{item} has no hints"));
            for section in ["## 힌트 1", "## 힌트 2", "## 힌트 3", "## 자주 하는 실수"] {
                assert!(text.contains(section), "{item} lacks {section}");
            }
        }
    }
}
