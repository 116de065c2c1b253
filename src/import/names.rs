//! Names for what a generator writes: the class and its file, Rust variables for captured
//! values, and the statistics row of a route whose path varies (`/todos/41` → `/todos/{id}`).

use super::{ImportError, ImportResult};

/// Names a class cannot take: what the scenario file imports (`use loadlab::prelude::*`) and
/// what Rust reserves, as the class or as its module (`Main` → `main.rs`, `Mod` → `mod mod;`).
const TAKEN_CLASSES: [&str; 16] = [
    "User",
    "UserClass",
    "Task",
    "WaitTime",
    "Client",
    "RequestBuilder",
    "Response",
    "LoadShape",
    "ShapeClass",
    "Workbook",
    "Value",
    "Duration",
    "Self",
    "String",
    "Vec",
    "Option",
];

/// A class name a learner can type: `CheckoutUser` (ASCII, starts upper-case, letters and
/// digits), not taken by the scenario API or Rust, and with a module name of its own.
pub fn check_class(name: &str) -> ImportResult<()> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|first| first.is_ascii_uppercase())
        && chars.all(|ch| ch.is_ascii_alphanumeric());
    if !valid {
        return Err(ImportError(format!(
            "쓸 수 없는 클래스 이름이에요: {name} (영문 대문자로 시작하고 영문자와 숫자만 써요. 예: CheckoutUser)"
        )));
    }
    let module = snake_case(name);
    if TAKEN_CLASSES.contains(&name) || KEYWORDS.contains(&module.as_str()) || module == "main" {
        return Err(ImportError(format!(
            "쓸 수 없는 클래스 이름이에요: {name} (loadlab의 시나리오 API나 Rust가 이미 쓰는 이름이에요). 끝에 User를 붙여 보세요: {name}User"
        )));
    }
    Ok(())
}

/// `CheckoutUser` → `checkout_user` (the file and module name).
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (index, &ch) in chars.iter().enumerate() {
        if ch.is_ascii_uppercase() {
            let after_lower =
                index > 0 && (chars[index - 1].is_ascii_lowercase() || chars[index - 1].is_ascii_digit());
            let before_lower = chars.get(index + 1).is_some_and(|next| next.is_ascii_lowercase());
            let after_upper = index > 0 && chars[index - 1].is_ascii_uppercase();
            if after_lower || (after_upper && before_lower) {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

const KEYWORDS: [&str; 39] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while",
    "client",
];

/// A Rust variable name from a field or parameter name (`todoId` → `todo_id`, `user-id` → `user_id`).
pub fn variable(name: &str) -> String {
    let mut out = String::new();
    for ch in snake_case(name).chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.is_empty() || out.starts_with(|ch: char| ch.is_ascii_digit()) {
        out.insert_str(0, "value_");
    }
    if KEYWORDS.contains(&out.as_str()) || out == "user" || out == "response" || out == "body" {
        out.push_str("_value");
    }
    out
}

/// A path segment whose value varies from request to request: a number, a UUID, a long hex or
/// base64-like token, or a word with digits in it (`a1b2c3d4`).
pub fn varies(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    let all_digits = digits == segment.len();
    let uuid = segment.len() == 36
        && segment
            .chars()
            .enumerate()
            .all(|(at, ch)| if [8, 13, 18, 23].contains(&at) { ch == '-' } else { ch.is_ascii_hexdigit() });
    let long_hex = segment.len() >= 16 && segment.chars().all(|ch| ch.is_ascii_hexdigit());
    let token =
        segment.len() >= 20 && segment.chars().all(|ch| ch.is_ascii_alphanumeric() || "-_".contains(ch));
    let mixed = segment.len() >= 6
        && digits >= 2
        && segment.chars().all(|ch| ch.is_ascii_alphanumeric() || "-_".contains(ch));
    all_digits || uuid || long_hex || token || mixed
}

/// A path with its varying segments named `{id}`: `/todos/41/items/7` → `/todos/{id}/items/{id}`.
pub fn route(path: &str) -> String {
    path.split('/')
        .map(|segment| if varies(segment) { "{id}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a concrete path matches a template (`/todos/41` and `/todos/{todo_id}`).
pub fn matches_template(path: &str, template: &str) -> bool {
    let path: Vec<&str> = path.split('/').collect();
    let template: Vec<&str> = template.split('/').collect();
    path.len() == template.len()
        && path.iter().zip(&template).all(|(segment, pattern)| {
            (pattern.starts_with('{') && pattern.ends_with('}') && !segment.is_empty()) || segment == pattern
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_become_file_names() {
        assert_eq!(snake_case("CheckoutUser"), "checkout_user");
        assert_eq!(snake_case("APIUser2"), "api_user2");
        assert!(check_class("CheckoutUser").is_ok());
        for bad in [
            "checkoutUser",
            "Checkout-User",
            "",
            "한글",
            "User",
            "Client",
            "Value",
            "Task",
            "Self",
            "Main",
            "Mod",
            "Type",
            "Async",
        ] {
            assert!(check_class(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn variables_are_rust_identifiers() {
        assert_eq!(variable("todoId"), "todo_id");
        assert_eq!(variable("user-id"), "user_id");
        assert_eq!(variable("type"), "type_value");
        assert_eq!(variable("2fa"), "value_2fa");
    }

    #[test]
    fn varying_segments_are_named_and_words_are_kept() {
        assert_eq!(route("/todos/41"), "/todos/{id}");
        assert_eq!(route("/orders/3f2b8c1e-0d5a-4c1b-9e7a-2b6c8d9e0f1a/items"), "/orders/{id}/items");
        assert_eq!(route("/api/v2/users/me"), "/api/v2/users/me");
        assert_eq!(route("/todos/"), "/todos/");
        assert!(matches_template("/todos/41", "/todos/{todo_id}"));
        assert!(!matches_template("/todos/", "/todos/{todo_id}"));
    }
}
