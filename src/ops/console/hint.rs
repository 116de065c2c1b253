//! An item's hints (Markdown in `lessons/hints/`) for `hint ITEM`, watch's `h` key and the
//! tutor's exercise dialog. The front ends render the Markdown with the tutor's renderer.

use crate::checklist;
use crate::exit::UsageError;

/// The Markdown hints of `item`.
pub fn hints(item: &str) -> Option<&'static str> {
    checklist::find(item)?.hint
}

/// The hints of `item`; an item without hints is a [`UsageError`] naming those with some.
pub fn hint_text(item: &str) -> Result<&'static str, UsageError> {
    hints(item).ok_or_else(|| {
        let known: Vec<&str> =
            checklist::ITEMS.iter().filter(|item| item.hint.is_some()).map(|item| item.id).collect();
        let kind = if checklist::find(item).is_some() { "힌트가 없는" } else { "알 수 없는" };
        UsageError(format!("{kind} 항목 '{item}' — 힌트가 있는 항목: {}", known.join(", ")))
    })
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
