//! One voice beyond the tutor: the Korean string literals a learner reads from the command line,
//! the grader, the explanations, the reports, the lab server and the engine's console use the
//! glossary's terms (`lessons/glossary.tsv`) and 해요체, as `tests/tutor_glossary.rs` demands of
//! the lessons and `src/tutor`. Only string literals are read: code comments are for developers.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The folders and files whose messages a learner reads, besides `src/tutor`.
const SCOPE: [&str; 10] = [
    "src/grader",
    "src/cli",
    "src/explain",
    "src/report",
    "src/server",
    "src/engine",
    "src/web",
    "src/progress.rs",
    "src/checklist.rs",
    "src/main.rs",
];

/// Copies of the exercises (checked by `tests/tutor_glossary.rs` as `exercises/`).
const COPIES: &str = "src/grader/pristine";

/// Literals whose wording a contract fixes, not this workbook's voice: the lab server answers
/// `GET /` and a missing id with the guide's FastAPI app's bodies, word for word
/// (`shared/design/todo-api-contract.md`), so a scenario written against one runs against both.
const FIXED_BY_CONTRACT: [&str; 2] = ["TODO API에 오신 것을 환영합니다!", "TODO를 찾을 수 없습니다."];

use crate::glossary_file;
use glossary_file::rejected;

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    let relative = path.strip_prefix(ROOT).unwrap_or(path).to_string_lossy().replace('\\', "/");
    if relative == COPIES {
        return;
    }
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for entry in entries {
            rust_files(&entry, out);
        }
    } else if path.extension().is_some_and(|ext| ext == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The string literals of Rust source `text` with the line each starts on; comments are skipped,
/// except `///` doc comments when `docs` holds (clap prints them as `--help`).
/// A small lexer rather than `syn`: strings inside macro calls (`format!`, `bail!`) are tokens
/// that `syn` leaves unparsed.
fn string_literals(text: &str, docs: bool) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let (mut i, mut line) = (0, 1);
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let start = i;
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            let comment: String = chars[start..i].iter().collect();
            if docs && comment.starts_with("///") && !comment.starts_with("////") {
                found.push((line, comment[3..].to_string()));
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                line += usize::from(chars[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (i == 0 || !ident(chars[i - 1])) && matches!(next, Some('#') | Some('"')) {
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                i = j;
                continue;
            }
            let (start, mut body) = (line, String::new());
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    break;
                }
                line += usize::from(chars[j] == '\n');
                body.push(chars[j]);
                j += 1;
            }
            found.push((start, body));
            i = j + 1 + hashes;
        } else if c == '"' {
            let (start, mut body) = (line, String::new());
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    body.push(chars[i]);
                    i += 1;
                }
                line += usize::from(chars[i] == '\n');
                body.push(chars[i]);
                i += 1;
            }
            found.push((start, body));
            i += 1;
        } else if c == '\'' {
            // A char literal ('a', '\n', '"') or a lifetime ('a): skip the literal whole so a
            // quote inside it does not open a string.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else {
            line += usize::from(c == '\n');
            i += 1;
        }
    }
    found
}

/// The command-line modules document their flags in Korean `///` comments that clap shows as
/// `--help`; elsewhere doc comments are for developers.
fn help_in_docs(name: &str) -> bool {
    name.replace('\\', "/").starts_with("src/cli/")
}

fn hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// `file:line: needle (why): literal` for every Korean literal holding a rejected needle.
fn findings(name: &str, source: &str, needles: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (line, literal) in string_literals(source, help_in_docs(name)).into_iter().filter(|(_, l)| hangul(l))
    {
        if FIXED_BY_CONTRACT.iter().any(|fixed| literal.contains(fixed)) {
            continue;
        }
        for (needle, why) in needles {
            if literal.contains(needle.as_str()) {
                found.push(format!("{name}:{line}: `{needle}` ({why}): {}", literal.trim()));
            }
        }
    }
    found
}

#[test]
fn messages_outside_the_tutor_use_the_glossary_terms_and_one_register() {
    let needles = rejected();
    let mut files = Vec::new();
    for entry in SCOPE {
        rust_files(&Path::new(ROOT).join(entry), &mut files);
    }
    assert!(files.len() >= 40, "only {} files scanned: is the scope broken?", files.len());
    let mut found = Vec::new();
    let mut literals = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(ROOT).unwrap_or(path).display().to_string();
        literals += string_literals(&text, help_in_docs(&name)).iter().filter(|(_, l)| hangul(l)).count();
        found.extend(findings(&name, &text, &needles));
    }
    assert!(literals >= 200, "only {literals} Korean literals found: is the lexer broken?");
    assert!(found.is_empty(), "{} messages to fix:\n{}", found.len(), found.join("\n"));
}

#[test]
fn the_lexer_reads_literals_and_skips_comments() {
    let source = "// 리포트를 엽니다\n/* 태스크 */ let a = '\"'; let b = \"보고서를 \\\"열어요\\\"\";\n\
                  let c = r#\"작업이 \"끝났습니다\"\"#; fn f<'a>(x: &'a str) { bail!(\"에러율 {x}\") }\n";
    let literals: Vec<String> = string_literals(source, false).into_iter().map(|(_, l)| l).collect();
    assert_eq!(literals, ["보고서를 \\\"열어요\\\"", "작업이 \"끝났습니다\"", "에러율 {x}"]);
    let found = findings("sample.rs", source, &rejected());
    assert!(found.iter().any(|f| f.starts_with("sample.rs:3: `니다`")), "{found:?}");
    assert!(found.iter().any(|f| f.contains("`에러율`")), "{found:?}");
    assert!(!found.iter().any(|f| f.contains("`리포트`") || f.contains("`태스크`")), "{found:?}");
    let contract = "r#\"{\"message\":\"TODO API에 오신 것을 환영합니다!\"}\"#";
    assert!(findings("routes.rs", contract, &rejected()).is_empty(), "the contract's wording stays");
    let flag = "    /// 태스크를 실행합니다\n    //// 니다\n    tasks: Vec<String>,\n";
    assert_eq!(string_literals(flag, true), [(1, " 태스크를 실행합니다".to_string())]);
    assert_eq!(findings("src/cli/x.rs", flag, &rejected()).len(), 2, "the --help line is read");
    assert!(findings("src/engine/x.rs", flag, &rejected()).is_empty(), "a developer's doc comment");
}
