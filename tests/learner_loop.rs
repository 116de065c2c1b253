//! The learner's loop through the README's own command form: `cargo run -- check ITEM`, edit one
//! line, `cargo run -- check ITEM` again, then a plain `cargo run` — in a scratch copy of the
//! workbook that shares this build's target directory, from an environment like a learner's
//! shell. Only the learner's `exercises` may be compiled after the edit, and nothing by the run
//! after it. Until the grader cleaned its environment, the child cargo inherited what `cargo run` sets for loadlab
//! (`CARGO_MANIFEST_DIR`, …), ring's build script watches it, and every check recompiled ring,
//! rustls and loadlab twice.
//!
//! The test uses the dev profile: the README's `--release` would compile every dependency once
//! more in CI. The child cargo follows the profile of the running binary, so the path is the
//! same; `benches/learner_loop.sh` times the `--release` form from a fresh clone.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::SystemTime;

use common::workbook::target_dir;

/// `cargo ARGS` as a learner's shell starts it: none of the variables `cargo test` set for this
/// test, only where the toolchain is, offline, without colour.
fn learner_cargo(workbook: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO"));
    command.env_clear();
    for name in ["PATH", "HOME", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "LANG"] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_NET_OFFLINE", "true")
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", workbook)
        .args(args)
        .current_dir(workbook);
    command.output().unwrap()
}

/// Each compiled unit's fingerprint folder (`name-hash`) with the newest time cargo wrote in it.
fn fingerprints() -> BTreeMap<String, SystemTime> {
    let dir = target_dir().join("debug/.fingerprint");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let newest = std::fs::read_dir(entry.path())
                .unwrap()
                .filter_map(|file| file.ok()?.metadata().ok()?.modified().ok())
                .max()
                .unwrap_or(SystemTime::UNIX_EPOCH);
            (entry.file_name().to_string_lossy().into_owned(), newest)
        })
        .collect()
}

/// The crates whose fingerprints changed between two snapshots, without their hashes.
fn compiled_between(
    before: &BTreeMap<String, SystemTime>,
    after: &BTreeMap<String, SystemTime>,
) -> Vec<String> {
    let mut names: Vec<String> = after
        .iter()
        .filter(|(unit, time)| before.get(*unit) != Some(time))
        .map(|(unit, _)| unit.rsplit_once('-').map_or(unit.as_str(), |(name, _)| name).to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn text(output: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn a_check_after_an_edit_compiles_only_the_exercises_and_the_next_run_nothing() {
    let scratch = common::workbook::scratch();
    let check = ["run", "--", "check", "create_todo"];

    // The first check may compile anything: loadlab from this new folder, the exercises.
    let first = learner_cargo(&scratch, &check);
    assert!(text(&first).contains("create_todo"), "the check graded nothing:\n{}", text(&first));
    let settled = fingerprints();

    let exercise = scratch.join("exercises/todo_user.rs");
    let mut source = std::fs::read_to_string(&exercise).unwrap();
    source.push_str("// 한 줄 고쳤어요\n");
    std::fs::write(&exercise, source).unwrap();
    let second = learner_cargo(&scratch, &check);
    assert!(text(&second).contains("create_todo"), "the check graded nothing:\n{}", text(&second));
    let after_check = fingerprints();
    assert_eq!(
        compiled_between(&settled, &after_check),
        ["exercises"],
        "a check after a one-line edit compiled more than the learner's code:\n{}",
        text(&second)
    );

    let tutor_again = learner_cargo(&scratch, &["run", "--", "progress"]);
    assert!(tutor_again.status.success(), "{}", text(&tutor_again));
    assert_eq!(
        compiled_between(&after_check, &fingerprints()),
        Vec::<String>::new(),
        "the cargo run after a check compiled again:\n{}",
        text(&tutor_again)
    );
}
