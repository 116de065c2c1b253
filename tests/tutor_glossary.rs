//! One voice: the glossary (`lessons/glossary.tsv`) fixes one Korean term per concept, and the
//! learner-facing text — the README, lessons, hints, the exercises' comments and the tutor's
//! messages (`src/tutor`) — never uses a variant it rejects, nor the formal register (합쇼체 `…니다`):
//! the workbook speaks 해요체 throughout.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

use crate::glossary_file;
use glossary_file::{glossary, rejected};

/// Every file whose text a learner reads: the README, lessons, hints, exercises, the tutor's
/// sources.
fn learner_files() -> Vec<PathBuf> {
    let mut files = vec![Path::new(ROOT).join("README.md")];
    let dirs = [
        ("lessons", "md"),
        ("lessons/hints", "md"),
        ("exercises", "rs"),
        ("src/tutor", "rs"),
        ("src/tutor/app", "rs"),
    ];
    for (dir, ext) in dirs {
        let mut found: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
            .unwrap_or_else(|err| panic!("{dir}: {err}"))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == ext))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// `file:line: text` for every line of `text` holding one of `needles`.
fn findings(name: &str, text: &str, needles: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        for (needle, why) in needles {
            if line.contains(needle.as_str()) {
                found.push(format!("{name}:{}: `{needle}` ({why}): {}", number + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_glossary_is_well_formed() {
    let entries = glossary();
    assert!(entries.len() >= 10, "only {} glossary entries", entries.len());
    for concept in ["task", "panic", "report", "failure rate", "spawn rate", "statistics row", "ramp-up"] {
        assert!(entries.iter().any(|entry| entry.concept == concept), "no glossary entry for {concept}");
    }
    for entry in &entries {
        assert!(!entry.variants.is_empty(), "{}: no variant to reject", entry.concept);
        for variant in &entry.variants {
            assert!(
                !variant.contains(&entry.term) || entry.term.starts_with('('),
                "{}: variant {variant:?} contains the term",
                entry.concept
            );
        }
    }
}

#[test]
fn learner_facing_text_uses_the_glossary_terms_and_one_register() {
    let needles = rejected();
    let files = learner_files();
    assert!(files.len() >= 30, "only {} files scanned: is the list broken?", files.len());
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(ROOT).unwrap_or(path).display().to_string();
        found.extend(findings(&name, &text, &needles));
    }
    assert!(found.is_empty(), "variants the glossary rejects:\n{}", found.join("\n"));
}

#[test]
fn a_variant_or_the_formal_register_is_caught() {
    let needles = rejected();
    let text = "작업이 끝나면 합계 줄을 보세요.\n태스크가 panic으로 끝나요.\n리포트를 엽니다.\n";
    let found = findings("sample.md", text, &needles);
    for expected in ["합계 줄", "태스크", "panic으로", "리포트", "니다"] {
        assert!(
            found.iter().any(|line| line.contains(&format!("`{expected}`"))),
            "{expected} not caught: {found:?}"
        );
    }
    assert!(findings("ok.md", "작업이 패닉으로 끝나요. 보고서를 열어요.\n", &needles).is_empty());
}
