//! Every command a lesson, a hint, the README, an exercise comment or a message of the binary
//! prints works as printed: each `cargo run --release -- …` line in a shell block, each one in
//! inline code in the prose or in an exercise's comments, each runnable (`loadlab-run`) step,
//! each drill's `run:` line and each one inside a string of `src/` (the tutor's, `hunt`'s,
//! `check`'s hints) is parsed with the real command-line definition (nothing is run). The workbook spells commands
//! one way (`cargo run --release -- …`), so a shell line that starts with a bare `loadlab` —
//! which a fresh clone cannot run — is an error too.

use std::path::Path;

const PREFIX: &str = "cargo run --release -- ";

/// Commands found in a text, and shell lines that cannot run as printed.
#[derive(Default)]
struct Found {
    commands: Vec<String>,
    unrunnable: Vec<String>,
}

/// Inline code spans (`…`) of a line that start with the prefix, without it.
fn inline_commands(line: &str) -> Vec<String> {
    line.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|code| code.strip_prefix(PREFIX))
        .map(|command| command.trim().to_string())
        .collect()
}

fn commands_in(markdown: &str) -> Found {
    let mut found = Found::default();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(tag) = trimmed.strip_prefix("```") {
            fence = if fence.is_some() { None } else { Some(tag.trim().to_string()) };
            continue;
        }
        match fence.as_deref() {
            Some("loadlab-run") if !trimmed.is_empty() => found.commands.push(trimmed.to_string()),
            Some("loadlab-drill") => {
                if let Some(run) = trimmed.strip_prefix("run:") {
                    found.commands.push(run.trim().to_string());
                }
            }
            Some("bash") | Some("sh") | Some("") => {
                let without_comment = trimmed.split("  #").next().unwrap_or("").trim();
                if let Some(command) = without_comment.strip_prefix(PREFIX) {
                    found.commands.push(command.to_string());
                } else if without_comment.starts_with("loadlab ") {
                    found.unrunnable.push(without_comment.to_string());
                }
            }
            None => found.commands.extend(inline_commands(line)),
            _ => {}
        }
    }
    found
}

/// Commands in Rust comments (`// … cargo run --release -- check`), up to two spaces or `(`.
fn commands_in_comments(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|line| line.trim_start().starts_with("//"))
        .filter_map(|line| line.split_once(PREFIX).map(|(_, rest)| rest))
        .map(|rest| rest.split("  ").next().unwrap_or("").split(" (").next().unwrap_or("").trim().to_string())
        .collect()
}

/// Commands inside the strings of a Rust source (`"… cargo run --release -- run -u 5 …"`): up to
/// the end of the string (an escaped `\"` is a quote inside it), a backtick, an escaped newline,
/// two spaces or ` (`. A command with a placeholder in capitals
/// (`learn N --print`) is a synopsis, not a line to copy, and is left out; so are doc comments
/// (see [`commands_in_comments`]) and the unit tests at the end of a file (`#[cfg(test)]`).
fn commands_in_strings(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    for line in code.lines().filter(|line| !line.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices(PREFIX) {
            let mut command = String::new();
            let mut chars = line[at + PREFIX.len()..].chars().peekable();
            while let Some(ch) = chars.next() {
                match ch {
                    '\\' if chars.peek() == Some(&'"') => {
                        chars.next();
                        command.push('"');
                    }
                    '\\' | '"' | '`' => break,
                    _ => command.push(ch),
                }
            }
            let command = command.split("  ").next().unwrap_or("").split(" (").next().unwrap_or("");
            let words: Vec<&str> = command.split(' ').collect();
            let placeholder = words.iter().any(|word| {
                word.len() <= 8 && word.chars().all(|c| c.is_ascii_uppercase()) && !word.is_empty()
            });
            let command = words.join(" ").trim().to_string();
            if command.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && !placeholder {
                found.push(command);
            }
        }
    }
    found
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            paths.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
}

fn files(dir: &str, ext: &str) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_command_in_lessons_hints_and_exercises_works_as_printed() {
    let mut checked = 0;
    let mut rejected = Vec::new();
    let mut unrunnable = Vec::new();
    let mut check = |origin: String, command: &str| {
        let args = loadlab::tutor::command::command_args(command).unwrap();
        checked += 1;
        if let Err(error) = loadlab::cli::check_command_line(&args) {
            rejected.push(format!("{origin}: `{command}` — {error}"));
        }
    };
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    for dir in ["lessons", "lessons/hints"] {
        for path in files(dir, "md").into_iter().chain((dir == "lessons").then(|| readme.clone())) {
            let found = commands_in(&std::fs::read_to_string(&path).unwrap());
            for command in &found.commands {
                check(path.display().to_string(), command);
            }
            for line in found.unrunnable {
                unrunnable.push(format!(
                    "{}: `{line}` — a fresh clone has no `loadlab` command; print `{PREFIX}…`",
                    path.display()
                ));
            }
        }
    }
    for path in files("exercises", "rs") {
        for command in commands_in_comments(&std::fs::read_to_string(&path).unwrap()) {
            check(path.display().to_string(), &command);
        }
    }
    let in_src: Vec<(String, String)> = rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .into_iter()
        .flat_map(|path| {
            let origin = path.display().to_string();
            commands_in_strings(&std::fs::read_to_string(&path).unwrap())
                .into_iter()
                .map(move |command| (origin.clone(), command))
        })
        .collect();
    assert!(in_src.len() >= 15, "only {} commands in src/: is the extraction broken?", in_src.len());
    for (origin, command) in &in_src {
        check(origin.clone(), command);
    }
    rejected.extend(unrunnable);
    assert!(checked >= 120, "only {checked} commands found: is the extraction broken?");
    assert!(rejected.is_empty(), "commands that do not work as printed:\n{}", rejected.join("\n"));
}

#[test]
fn a_wrong_or_unrunnable_command_is_caught() {
    let args = loadlab::tutor::command::command_args("run --solutions --users-count 5").unwrap();
    assert!(loadlab::cli::check_command_line(&args).is_err());
    let found = commands_in(
        "```bash\nloadlab run -u 5\ncargo run --release -- check  # 채점\n```\n\n본문의 `cargo run --release -- hint update_todo` 명령.\n",
    );
    assert_eq!(found.unrunnable, ["loadlab run -u 5"]);
    assert_eq!(found.commands, ["check", "hint update_todo"]);
    assert_eq!(
        commands_in_comments("//! 채점:  cargo run --release -- check   (항목 하나만)\nfn f() {}\n"),
        ["check"]
    );
    assert_eq!(
        commands_in_strings(
            "const A: &str = \"먼저 `cargo run --release -- hunt guess missing-index`로 맞혀요\";\n\
             println!(\"  cargo run --release -- run -u 5 -t 5s\\n다음\");\n// cargo run --release -- nope\n\
             \"`cargo run --release -- hunt`의 단계를 따라\", \"cargo run --release -- learn N --print\",\n\
             \"cargo run --release -- run --check \\\"p95<500ms\\\" -t 5s\"\n\
             #[cfg(test)]\nmod tests { \"cargo run --release -- nope\" }\n"
        ),
        ["hunt guess missing-index", "run -u 5 -t 5s", "hunt", "run --check \"p95<500ms\" -t 5s"]
    );
}
