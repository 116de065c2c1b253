//! Finding things in the learner's exercise files for display and reset: the line of an item's
//! `TODO:` marker, an item's functions, and putting a function back as it was shipped. Grading
//! never reads source text; only these helpers for people do.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::checklist::Item;

/// The exercise files as shipped, so `reset` can put an item back without git.
const PRISTINE: &[(&str, &str)] = &[
    ("todo_user.rs", include_str!("pristine/todo_user.rs")),
    ("mixed_workload.rs", include_str!("pristine/mixed_workload.rs")),
    ("stress_user.rs", include_str!("pristine/stress_user.rs")),
    ("spike_shape.rs", include_str!("pristine/spike_shape.rs")),
    ("setup_user.rs", include_str!("pristine/setup_user.rs")),
    ("release_gate.rs", include_str!("pristine/release_gate.rs")),
];

/// The shipped version of an exercise file.
pub fn pristine(file: &str) -> Option<&'static str> {
    PRISTINE.iter().find(|(name, _)| *name == file).map(|(_, text)| *text)
}

pub fn exercise_path(workbook: &Path, item: &Item) -> PathBuf {
    workbook.join("exercises").join(item.file)
}

pub fn solution_path(workbook: &Path, item: &Item) -> PathBuf {
    workbook.join("solutions").join(item.file)
}

/// The 1-based line of the first `TODO:` marker inside the item's functions, if any is left.
pub fn todo_line(source: &str, item: &Item) -> Option<usize> {
    item.functions.iter().filter_map(|name| function_span(source, name)).find_map(|(start, end)| {
        let offset = source[start..end].find("TODO:")? + start;
        Some(source[..offset].lines().count().max(1))
    })
}

/// The text of function `name` (with its doc comments), if present.
pub fn function_text<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    function_span(source, name).map(|(start, end)| &source[start..end])
}

/// The item's functions in `source`, joined.
pub fn item_text(source: &str, item: &Item) -> String {
    item.functions.iter().filter_map(|name| function_text(source, name)).collect::<Vec<_>>().join("\n")
}

/// `source` with each of the item's functions replaced by its version in `original`.
pub fn restore_item(source: &str, original: &str, item: &Item) -> anyhow::Result<String> {
    let mut restored = source.to_string();
    for name in item.functions {
        let shipped = function_text(original, name)
            .with_context(|| format!("원본에서 {name} 함수를 찾을 수 없습니다"))?;
        let (start, end) = function_span(&restored, name)
            .with_context(|| format!("exercises/{}에서 {name} 함수를 찾을 수 없습니다", item.file))?;
        restored.replace_range(start..end, shipped);
    }
    Ok(restored)
}

/// Byte range of function `name`: from its first doc-comment line to its closing brace.
fn function_span(source: &str, name: &str) -> Option<(usize, usize)> {
    let signature = [format!("async fn {name}("), format!("fn {name}(")]
        .iter()
        .filter_map(|needle| source.find(needle.as_str()))
        .min()?;
    let line_start = source[..signature].rfind('\n').map_or(0, |i| i + 1);
    let mut start = line_start;
    // Walk up over doc comments and attributes that belong to the function.
    while start > 0 {
        let previous_start = source[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let previous = source[previous_start..start - 1].trim_start();
        if previous.starts_with("///") || previous.starts_with("#[") {
            start = previous_start;
        } else {
            break;
        }
    }
    let open = signature + source[signature..].find('{')?;
    let close = matching_brace(source, open)?;
    Some((start, close + 1))
}

/// The index of the `}` closing the `{` at `open`, skipping strings, chars and comments.
fn matching_brace(source: &str, open: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i += source[i..].find('\n').unwrap_or(source.len() - i);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += source[i..].find("*/").map_or(source.len() - i, |end| end + 1);
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if bytes.get(i + 1) == Some(&b'\\') => {
                i += source[i + 2..].find('\'').map_or(0, |end| end + 2);
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::find;

    #[test]
    fn functions_are_found_whole_despite_braces_in_strings() {
        let source = pristine("todo_user.rs").unwrap();
        let update = function_text(source, "update_todo").unwrap();
        assert!(update.starts_with("/// TODO 수정 시나리오"));
        assert!(update.trim_end().ends_with('}'));
        assert!(update.contains("todo!("));
        assert!(!update.contains("delete_todo("));
    }

    #[test]
    fn todo_line_points_at_the_marker() {
        let source = pristine("todo_user.rs").unwrap();
        let line = todo_line(source, find("update_todo").unwrap()).unwrap();
        assert!(source.lines().nth(line - 1).unwrap().contains("TODO:"));
        assert_eq!(todo_line(source, find("create_todo").unwrap()), None);
    }

    #[test]
    fn restoring_an_item_touches_only_its_functions() {
        let shipped = pristine("todo_user.rs").unwrap();
        let edited = shipped
            .replace("todo!(\"update_todo를", "let _ = 1; todo!(\"update_todo를")
            .replace("todo!(\"delete_todo를", "let _ = 2; todo!(\"delete_todo를");
        let restored = restore_item(&edited, shipped, find("update_todo").unwrap()).unwrap();
        assert!(!restored.contains("let _ = 1;"));
        assert!(restored.contains("let _ = 2;"), "delete_todo's work must survive");
    }

    #[test]
    fn pristine_copies_keep_every_exercise_unfinished() {
        for item in crate::checklist::ITEMS.iter().filter(|i| i.kind == crate::checklist::ItemKind::Exercise)
        {
            let text = item_text(pristine(item.file).unwrap(), item);
            assert!(text.contains("TODO:"), "{} has no TODO marker", item.id);
        }
    }
}
