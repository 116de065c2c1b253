//! Finding things in the learner's exercise files for display and reset: the line of an item's
//! `TODO:` marker, an item's functions, and putting a function back as it was shipped. Grading
//! never reads source text; only these helpers for people do.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::checklist::Item;

/// The exercise files as shipped, so `reset` can put an item back without git.
/// The shipped version of an exercise file.
pub use crate::checklist::pristine;

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
    if let Err(error) = syn::parse_file(source) {
        let at = error.span().start();
        anyhow::bail!(
            "exercises/{}에 문법 오류가 있어 함수를 찾을 수 없어요 ({}행 {}열: {error}) — 오류를 고친 뒤 다시 해 보세요",
            item.file,
            at.line,
            at.column + 1
        );
    }
    let mut restored = source.to_string();
    for name in item.functions {
        let shipped =
            function_text(original, name).with_context(|| format!("원본에 이 함수가 없어요: {name}"))?;
        let (start, end) = function_span(&restored, name)
            .with_context(|| format!("exercises/{}에 이 함수가 없어요: {name}", item.file))?;
        restored.replace_range(start..end, shipped);
    }
    Ok(restored)
}

/// Byte range of function `name`, free or in an `impl` (or a module): from its first doc
/// comment or attribute to its closing brace, as the Rust parser sees it — so braces in
/// strings, raw strings, chars, comments and closures are what they are. `None` when there is
/// no such function, or when the file does not parse (a half-written exercise): then nothing
/// is cut from it.
fn function_span(source: &str, name: &str) -> Option<(usize, usize)> {
    let file = syn::parse_file(source).ok()?;
    let span = find_function(&file.items, name)?;
    Some((span.start, span.end))
}

fn find_function(items: &[syn::Item], name: &str) -> Option<std::ops::Range<usize>> {
    use syn::spanned::Spanned;
    // An item's span runs from its first outer attribute (doc comments are attributes) through
    // its visibility and signature to the end of its body.
    items.iter().find_map(|item| match item {
        syn::Item::Fn(function) if function.sig.ident == name => Some(function.span().byte_range()),
        syn::Item::Impl(block) => block.items.iter().find_map(|member| match member {
            syn::ImplItem::Fn(method) if method.sig.ident == name => Some(method.span().byte_range()),
            _ => None,
        }),
        syn::Item::Mod(module) => module.content.as_ref().and_then(|(_, items)| find_function(items, name)),
        _ => None,
    })
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

    /// What the learner may write: braces in raw strings, strings, chars and comments, nested
    /// closures, methods in impl blocks — and Hangul before all of it (byte vs char offsets).
    const TRICKY: &str = r####"//! 한글 주석이 맨 앞에 있어요 {
use loadlab::prelude::*;

/// 수정: 중괄호가 든 원시 문자열 {
#[allow(unused)]
pub async fn update_todo(user: &mut TodoUser, client: &Client) {
    let pattern = r#"{"#;
    let body = "}}}";
    let brace = '{';
    // a stray } in a comment
    /* and { in a block comment */
    let nested = |x: i32| { let y = |z: i32| { z + 1 }; y(x) };
    todo!("TODO: 이 함수를 완성하세요 {pattern}{body}{brace}{}", nested(1))
}

pub async fn delete_todo(user: &mut TodoUser, client: &Client) {
    let _ = "delete }";
}

impl LoadShape for SpikeShape {
    /// 모양
    fn tick(&mut self, run_time: Duration) -> Option<(usize, f64)> {
        Some((1, 1.0)) // }
    }
}
"####;

    #[test]
    fn functions_are_cut_by_the_parser_not_by_counting_braces() {
        let update = function_text(TRICKY, "update_todo").unwrap();
        assert!(update.starts_with("/// 수정: 중괄호가 든 원시 문자열 {\n#[allow(unused)]"), "{update}");
        assert!(update.ends_with("nested(1))\n}"), "{update}");
        assert!(!update.contains("delete_todo"));
        assert_eq!(
            function_text(TRICKY, "delete_todo").unwrap(),
            "pub async fn delete_todo(user: &mut TodoUser, client: &Client) {\n    let _ = \"delete }\";\n}"
        );
        let tick = function_text(TRICKY, "tick").unwrap();
        assert!(tick.starts_with("/// 모양") && tick.ends_with("// }\n    }"), "{tick}");
        let restored =
            restore_item(TRICKY, pristine("todo_user.rs").unwrap(), find("update_todo").unwrap()).unwrap();
        assert!(restored.contains("let _ = \"delete }\";"), "delete_todo survives:\n{restored}");
        assert!(!restored.contains("r#\"{\"#"), "{restored}");
        assert!(syn::parse_file(&restored).is_ok(), "{restored}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_left_alone() {
        let broken = "pub async fn update_todo() { let x = ; }";
        assert_eq!(function_text(broken, "update_todo"), None);
        let error = restore_item(broken, pristine("todo_user.rs").unwrap(), find("update_todo").unwrap())
            .unwrap_err();
        assert!(error.to_string().contains("문법 오류") && error.to_string().contains("1행"), "{error}");
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
