//! Every command a lesson or a hint shows is one that `loadlab` accepts: each
//! `cargo run --release -- …` line in a bash block, and each runnable (`loadlab-run`) step, is
//! parsed with the real command-line definition (nothing is run).

use std::path::Path;

fn commands_in(markdown: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(tag) = trimmed.strip_prefix("```") {
            fence = if fence.is_some() { None } else { Some(tag.trim().to_string()) };
            continue;
        }
        match fence.as_deref() {
            Some("loadlab-run") if !trimmed.is_empty() => commands.push(trimmed.to_string()),
            Some("bash") | Some("sh") | Some("") => {
                let without_comment = trimmed.split("  #").next().unwrap_or("").trim();
                if let Some(command) = without_comment.strip_prefix("cargo run --release -- ") {
                    commands.push(command.to_string());
                }
            }
            _ => {}
        }
    }
    commands
}

#[test]
fn every_command_in_lessons_and_hints_is_accepted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut rejected = Vec::new();
    for dir in ["lessons", "lessons/hints"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "md") {
                continue;
            }
            for command in commands_in(&std::fs::read_to_string(&path).unwrap()) {
                let args = loadlab::tutor::lesson::command_args(&command).unwrap();
                checked += 1;
                if let Err(error) = loadlab::cli::check_command_line(&args) {
                    rejected.push(format!("{}: `{command}` — {error}", path.display()));
                }
            }
        }
    }
    assert!(checked >= 40, "only {checked} commands found: is the extraction broken?");
    assert!(rejected.is_empty(), "commands loadlab does not accept:\n{}", rejected.join("\n"));
}

#[test]
fn a_wrong_command_is_caught() {
    let args = loadlab::tutor::lesson::command_args("run --solutions --users-count 5").unwrap();
    assert!(loadlab::cli::check_command_line(&args).is_err());
}
