//! Simple syntax colouring for code blocks in Rust, Python and shell: keywords, strings and
//! comments. Line by line, with the little state needed for strings and comments that span
//! lines. It only adds colour: the characters of the line are never changed.

use colored::Colorize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Rust,
    Python,
    Shell,
}

impl Language {
    /// The language of a fenced block's tag, if it is one we colour.
    pub fn from_tag(tag: &str) -> Option<Language> {
        match tag.to_ascii_lowercase().as_str() {
            "rust" | "rs" => Some(Language::Rust),
            "python" | "py" | "python3" => Some(Language::Python),
            "bash" | "sh" | "shell" | "console" | "zsh" => Some(Language::Shell),
            _ => None,
        }
    }

    fn keywords(self) -> &'static [&'static str] {
        match self {
            Language::Rust => &[
                "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
                "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
                "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
                "unsafe", "use", "where", "while", "Some", "None", "Ok", "Err",
            ],
            Language::Python => &[
                "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
                "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
                "while", "with", "yield", "self",
            ],
            Language::Shell => &[
                "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
                "in", "function", "export", "local", "return", "exit",
            ],
        }
    }
}

/// What a previous line left open.
#[derive(Debug, Default, Clone)]
pub struct State {
    /// The delimiter that closes an open string or comment (`"`, `"""`, `'''`, `*/`).
    open: Option<&'static str>,
}

#[derive(Clone, Copy)]
enum Kind {
    Keyword,
    Text,
    Comment,
    Plain,
    Prompt,
}

fn paint(out: &mut String, text: &str, kind: Kind) {
    if text.is_empty() {
        return;
    }
    let painted = match kind {
        Kind::Keyword => text.bright_blue().bold().to_string(),
        Kind::Text => text.green().to_string(),
        Kind::Comment => text.bright_black().italic().to_string(),
        Kind::Prompt => text.dimmed().to_string(),
        Kind::Plain => text.to_string(),
    };
    out.push_str(&painted);
}

/// Colours one line of code. `state` carries open strings and comments to the next line.
pub fn line(language: Language, line: &str, state: &mut State) -> String {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let byte = |index: usize| byte_at(line, &chars, index);
    let rest = |index: usize| &line[byte(index)..];
    let mut out = String::new();
    let mut index = 0;

    if language == Language::Shell && state.open.is_none() && (line.starts_with("$ ") || line == "$") {
        paint(&mut out, "$", Kind::Prompt);
        index = 1;
    }

    while index < chars.len() {
        // Inside a string or comment from an earlier line or character.
        if let Some(close) = state.open {
            index = continue_open(&mut out, line, &chars, index, close, state);
            continue;
        }

        let ch = chars[index].1;
        let comment_here = match language {
            Language::Rust => rest(index).starts_with("//"),
            Language::Python => ch == '#',
            Language::Shell => ch == '#' && (index == 0 || chars[index - 1].1.is_whitespace()),
        };
        if comment_here {
            paint(&mut out, rest(index), Kind::Comment);
            break;
        }
        if language == Language::Rust && rest(index).starts_with("/*") {
            state.open = Some("*/");
            paint(&mut out, "/*", Kind::Comment);
            index += 2;
            continue;
        }
        if let Some(open) = string_opening(language, &chars, index) {
            state.open = Some(open.close);
            let start = index;
            index += open.length;
            match find_close(&chars, index, open.close) {
                Some(end) => {
                    index = end;
                    state.open = None;
                }
                None => {
                    index = chars.len();
                    // Only these strings may go on to the next line.
                    if !open.multiline {
                        state.open = None;
                    }
                }
            }
            paint(&mut out, &line[byte(start)..byte(index)], Kind::Text);
            continue;
        }
        if ch.is_alphabetic() || ch == '_' {
            index = paint_word(&mut out, language, line, &chars, index);
            continue;
        }
        let start = index;
        index += 1;
        paint(&mut out, &line[byte(start)..byte(index)], Kind::Plain);
    }
    out
}

/// The byte offset of character `index` of `line` (its end past the last character).
fn byte_at(line: &str, chars: &[(usize, char)], index: usize) -> usize {
    chars.get(index).map_or(line.len(), |&(at, _)| at)
}

/// Paints from `index` up to `close` of the string or comment an earlier line or character
/// left open (to the end of the line if it stays open); returns where painting stopped.
fn continue_open(
    out: &mut String,
    line: &str,
    chars: &[(usize, char)],
    start: usize,
    close: &'static str,
    state: &mut State,
) -> usize {
    let kind = if close == "*/" { Kind::Comment } else { Kind::Text };
    let end = match find_close(chars, start, close) {
        Some(end) => {
            state.open = None;
            end
        }
        None => chars.len(),
    };
    paint(out, &line[byte_at(line, chars, start)..byte_at(line, chars, end)], kind);
    end
}

/// Paints the word starting at `start`: a keyword, a Python string prefix (`f"…"`), or plain
/// text; returns where the word ends.
fn paint_word(
    out: &mut String,
    language: Language,
    line: &str,
    chars: &[(usize, char)],
    start: usize,
) -> usize {
    let mut index = start;
    while index < chars.len() && (chars[index].1.is_alphanumeric() || chars[index].1 == '_') {
        index += 1;
    }
    let word = &line[byte_at(line, chars, start)..byte_at(line, chars, index)];
    let prefixed_string = language == Language::Python
        && matches!(word, "f" | "r" | "b" | "rb" | "br" | "fr" | "rf" | "u")
        && string_opening(language, chars, index).is_some();
    let kind = if prefixed_string {
        Kind::Text
    } else if language.keywords().contains(&word) {
        Kind::Keyword
    } else {
        Kind::Plain
    };
    paint(out, word, kind);
    index
}

struct Opening {
    close: &'static str,
    length: usize,
    multiline: bool,
}

fn string_opening(language: Language, chars: &[(usize, char)], index: usize) -> Option<Opening> {
    let at = |offset: usize| chars.get(index + offset).map(|&(_, ch)| ch);
    let ch = at(0)?;
    match (language, ch) {
        (Language::Python, '"' | '\'') if at(1) == Some(ch) && at(2) == Some(ch) => {
            let close = if ch == '"' { "\"\"\"" } else { "'''" };
            Some(Opening { close, length: 3, multiline: true })
        }
        (Language::Rust, '"') => Some(Opening { close: "\"", length: 1, multiline: true }),
        // 'a' or '\n' is a char; 'a alone is a lifetime.
        (Language::Rust, '\'') if at(1) == Some('\\') || (at(1).is_some() && at(2) == Some('\'')) => {
            Some(Opening { close: "'", length: 1, multiline: false })
        }
        (Language::Rust, _) => None,
        (_, '"') => Some(Opening { close: "\"", length: 1, multiline: false }),
        (_, '\'') => Some(Opening { close: "'", length: 1, multiline: false }),
        _ => None,
    }
}

/// Index just past `close`, skipping backslash escapes.
fn find_close(chars: &[(usize, char)], mut index: usize, close: &str) -> Option<usize> {
    let close: Vec<char> = close.chars().collect();
    while index < chars.len() {
        if chars[index].1 == '\\' && close[0] != '*' {
            index += 2;
            continue;
        }
        if chars[index..].iter().map(|&(_, ch)| ch).take(close.len()).eq(close.iter().copied()) {
            return Some(index + close.len());
        }
        index += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(ch) = chars.next() {
            if ch == '\x1b' {
                for next in chars.by_ref() {
                    if next == 'm' {
                        break;
                    }
                }
            } else {
                out.push(ch);
            }
        }
        out
    }

    fn colour(language: Language, lines: &[&str]) -> Vec<String> {
        colored::control::set_override(true);
        let mut state = State::default();
        lines.iter().map(|l| line(language, l, &mut state)).collect()
    }

    #[test]
    fn text_is_never_changed() {
        let rust = [
            "async fn update(user: &mut U<'a>) { let c = 'x'; // 주석",
            "    let s = \"여러",
            "줄 \\\" 문자열\"; /* a",
            "b */ x",
        ];
        for (language, lines) in [
            (Language::Rust, &rust[..]),
            (Language::Python, &["def f(self):  # 주석", "    s = f\"{x}\" + '''a", "b''' + \"c\\\"d\""][..]),
            (Language::Shell, &["$ cargo run -- run # 실행", "echo \"$HOME\" 'a#b' a#b"][..]),
        ] {
            let painted = colour(language, lines);
            for (painted, original) in painted.iter().zip(lines) {
                assert_eq!(strip(painted), *original);
            }
        }
    }

    #[test]
    fn keywords_strings_and_comments_are_coloured() {
        let out = colour(Language::Rust, &["fn main() { let s = \"문자열\"; } // 주석"]).remove(0);
        let keyword = "fn".bright_blue().bold().to_string();
        let string = "\"문자열\"".green().to_string();
        let comment = "// 주석".bright_black().italic().to_string();
        assert!(out.contains(&keyword) && out.contains(&string) && out.contains(&comment), "{out:?}");
        // A keyword inside a longer word is not a keyword.
        let out = colour(Language::Rust, &["let format_fn = 1;"]).remove(0);
        assert!(!out.contains(&"fn".bright_blue().bold().to_string()), "{out:?}");
    }

    #[test]
    fn multiline_strings_and_comments_carry_over() {
        let out = colour(Language::Python, &["x = \"\"\"시작", "def 아님", "끝\"\"\" if y"]);
        assert!(out[1].contains(&"def 아님".green().to_string()), "{:?}", out[1]);
        assert!(out[2].contains(&"if".bright_blue().bold().to_string()), "{:?}", out[2]);
        let out = colour(Language::Shell, &["echo \"열린 문자열", "for x in y"]);
        assert!(
            out[1].contains(&"for".bright_blue().bold().to_string()),
            "shell strings end at the line: {:?}",
            out[1]
        );
    }

    #[test]
    fn shell_hash_inside_a_word_is_not_a_comment() {
        let out = colour(Language::Shell, &["echo a#b"]).remove(0);
        assert!(!out.contains(&"#b".bright_black().italic().to_string()), "{out:?}");
    }
}
