//! No learner-facing text prints a particle template such as `404이(가)` or `파일을(를)`: a
//! sentence either puts its particle after a fixed word, or chooses it from the word. Every
//! Rust source, lesson, hint and exercise is read as text.

use std::path::Path;

const TEMPLATES: [&str; 7] = ["이(가)", "은(는)", "을(를)", "와(과)", "(으)로", "(이)가", "(을)를"];

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs" || ext == "md") {
            out.push(path);
        }
    }
}

#[test]
fn no_text_prints_a_particle_template() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["src", "lessons", "exercises", "solutions"] {
        files(&root.join(dir), &mut paths);
    }
    assert!(paths.len() > 20, "{paths:?}");
    let mut found = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for (number, line) in text.lines().enumerate() {
            if TEMPLATES.iter().any(|template| line.contains(template)) {
                found.push(format!("{}:{}: {}", path.display(), number + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "particle templates:\n{}", found.join("\n"));
}
