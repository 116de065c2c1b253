//! Builds the learner's `exercises/` as its own cargo package (`-p exercises`), with the same
//! profile and target directory as the running `loadlab` and a clean environment, so nothing
//! but the learner's code is compiled and a half-written exercise never breaks `loadlab`
//! itself. Compiler errors pass through as cargo prints them; cargo's own progress is replaced
//! by a Korean one that says what is compiled and why.

use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::Context;

use crate::places::workbook_dir;

/// The outcome of a build: the binary, or the fact that it did not compile (cargo already
/// printed why).
pub enum Build {
    Ready(PathBuf),
    Failed,
}

/// Explains a failed build in one Korean line.
pub fn failed_message() -> String {
    format!(
        "exercises/ 컴파일에 실패했어요. 위의 컴파일러 메시지에서 파일과 줄 번호부터 보세요. \
         Rust 문법이나 빌림 오류(E0502 등)가 낯설면: {} (부록: 이 과정에 필요한 Rust). \
         loadlab 자체는 계속 쓸 수 있어요: progress, hint, learn …",
        crate::places::command("learn 13")
    )
}

/// Said once when a build must compile more than the learner's code, so a wait of minutes has
/// a reason on the screen.
const DEPENDENCIES_REBUILT: &str = "loadlab과 그 의존성을 컴파일하고 있어요. 처음 채점할 때, loadlab이나 Rust 툴체인이 \
바뀌었을 때, target/ 폴더를 지웠을 때만 이렇게 해요. 2코어 컴퓨터에서 몇 분 걸리고, 다음부터는 exercises/만 \
몇 초 안에 컴파일해요.";

/// Builds the exercises target. Cargo's diagnostics go to stderr, in colour on a terminal; its
/// progress is replaced by [`BuildProgress`]. `quiet` leaves out the line about the learner's
/// own few seconds of compiling (a run or `watch` says enough around it).
pub fn build_exercises(quiet: bool) -> anyhow::Result<Build> {
    let workbook = workbook_dir();
    let manifest = workbook.join("Cargo.toml");
    anyhow::ensure!(
        manifest.exists(),
        "실습서 폴더를 찾을 수 없어요: {} (LOADLAB_WORKBOOK 환경 변수로 지정할 수 있어요)",
        workbook.display()
    );
    let mut command = cargo_command();
    command
        .arg("build")
        .arg("--package")
        .arg("exercises")
        .arg("--bin")
        .arg("exercises")
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--message-format=json-render-diagnostics")
        .arg(if std::io::stderr().is_terminal() { "--color=always" } else { "--color=never" })
        .arg("--quiet")
        .stdout(Stdio::piped());
    if let Some(build_dir) = crate::places::running_build_dir() {
        // A target directory the learner chose (CARGO_TARGET_DIR) is theirs to keep: cargo
        // built this binary there too, or they mean the exercises to go elsewhere.
        if std::env::var_os("CARGO_TARGET_DIR").is_none_or(|dir| dir.is_empty()) {
            command.arg("--target-dir").arg(&build_dir.target_dir);
        }
        match build_dir.profile.as_str() {
            "debug" => {}
            "release" => {
                command.arg("--release");
            }
            other => {
                command.arg("--profile").arg(other);
            }
        }
    }
    let started = Instant::now();
    let mut child = command.spawn().context("cargo를 실행할 수 없어요 (Rust 툴체인이 설치되어 있나요?)")?;
    let stdout = child.stdout.take().context("cargo의 출력을 읽을 수 없어요")?;
    let mut progress = BuildProgress::new();
    let mut executable = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("cargo의 출력을 읽을 수 없어요")?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let name = message["target"]["name"].as_str().unwrap_or_default();
        if name == "exercises" {
            if let Some(path) = message["executable"].as_str() {
                executable = Some(PathBuf::from(path));
            }
        } else if message["fresh"] == false {
            progress.compiled(name);
        }
    }
    let status = child.wait().context("cargo가 끝나기를 기다릴 수 없어요")?;
    progress.finish();
    match (status.success(), executable) {
        (true, Some(path)) => {
            if !quiet {
                eprintln!("exercises/ 빌드 끝 ({:.1}초)", started.elapsed().as_secs_f64());
            }
            Ok(Build::Ready(path))
        }
        _ => Ok(Build::Failed),
    }
}

/// A `cargo` that sees the learner's shell, not what `cargo run` added for loadlab.
///
/// `cargo run --release -- check` starts loadlab with `CARGO_MANIFEST_DIR`, `CARGO_PKG_*` and
/// the other variables cargo sets for the program it runs. Build scripts ask to be rerun when
/// some of them change (ring's watches `CARGO_MANIFEST_DIR` and `CARGO_PKG_*`), so a child cargo
/// that inherited them recompiled ring, rustls and loadlab, and the next `cargo run` compiled
/// them back: minutes per check.
fn cargo_command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        if let Some(name) = name.to_str()
            && set_by_cargo_for_the_program(name)
        {
            command.env_remove(name);
        }
    }
    if let Some(paths) = std::env::var_os(LIBRARY_PATH) {
        let toolchain = std::env::var_os("CARGO").map(PathBuf::from).and_then(|cargo| toolchain_of(&cargo));
        let kept: Vec<PathBuf> = std::env::split_paths(&paths)
            .filter(|path| !added_by_cargo_run(path, toolchain.as_deref()))
            .collect();
        match std::env::join_paths(kept) {
            Ok(joined) if !joined.is_empty() => {
                command.env(LIBRARY_PATH, joined);
            }
            _ => {
                command.env_remove(LIBRARY_PATH);
            }
        }
    }
    command
}

/// The variables cargo sets for a program it runs (`cargo run`, `cargo test`), as listed in
/// "Environment variables Cargo sets for crates". `CARGO` itself stays: it names this cargo.
fn set_by_cargo_for_the_program(name: &str) -> bool {
    const EXACT: [&str; 9] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    const PREFIXES: [&str; 2] = ["CARGO_PKG_", "CARGO_BIN_EXE_"];
    EXACT.contains(&name) || PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

/// Where the dynamic loader looks: `cargo run` puts its target and toolchain folders in front.
const LIBRARY_PATH: &str =
    if cfg!(target_os = "macos") { "DYLD_FALLBACK_LIBRARY_PATH" } else { "LD_LIBRARY_PATH" };

/// The toolchain folder of a cargo binary (`…/toolchains/stable-…/bin/cargo` → `…/stable-…`).
fn toolchain_of(cargo: &Path) -> Option<PathBuf> {
    Some(cargo.parent()?.parent()?.to_path_buf())
}

/// A library folder `cargo run` added: inside a cargo target directory or cargo's toolchain.
fn added_by_cargo_run(path: &Path, toolchain: Option<&Path>) -> bool {
    path.ancestors().any(|dir| dir.join("CACHEDIR.TAG").is_file())
        || toolchain.is_some_and(|toolchain| path.starts_with(toolchain))
}

/// The Korean progress of a build that compiles more than the learner's code: one line saying
/// why, then the crates as they finish (a spinner on a terminal, a line each elsewhere).
struct BuildProgress {
    compiled: usize,
    spinner: Option<indicatif::ProgressBar>,
}

impl BuildProgress {
    fn new() -> Self {
        Self { compiled: 0, spinner: None }
    }

    fn compiled(&mut self, name: &str) {
        self.compiled += 1;
        if self.compiled == 1 {
            eprintln!("{DEPENDENCIES_REBUILT}");
            if std::io::stderr().is_terminal() {
                let spinner = indicatif::ProgressBar::new_spinner();
                spinner.enable_steady_tick(std::time::Duration::from_millis(120));
                self.spinner = Some(spinner);
            }
        }
        match &self.spinner {
            Some(spinner) => spinner.set_message(format!("컴파일 {}개 끝 (방금: {name})", self.compiled)),
            None => eprintln!("  컴파일 끝: {name}"),
        }
    }

    fn finish(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.finish_and_clear();
        }
        if self.compiled > 0 {
            eprintln!("의존성 {}개를 컴파일했어요.", self.compiled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_cargo_run_sets_for_loadlab_does_not_reach_the_child_cargo() {
        for name in [
            "CARGO_MANIFEST_DIR",
            "CARGO_PKG_VERSION",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_BIN_EXE_loadlab",
            "OUT_DIR",
        ] {
            assert!(set_by_cargo_for_the_program(name), "{name}");
        }
        for name in ["CARGO", "CARGO_HOME", "CARGO_TARGET_DIR", "CARGO_BUILD_JOBS", "PATH", "RUSTFLAGS"] {
            assert!(!set_by_cargo_for_the_program(name), "{name}");
        }
    }

    #[test]
    fn library_folders_of_a_target_directory_or_a_toolchain_are_dropped() {
        let target = tempfile::tempdir().unwrap();
        std::fs::write(target.path().join("CACHEDIR.TAG"), "").unwrap();
        let toolchain = toolchain_of(Path::new("/root/.rustup/toolchains/stable/bin/cargo")).unwrap();
        assert!(added_by_cargo_run(&target.path().join("release/deps"), Some(&toolchain)));
        assert!(added_by_cargo_run(
            Path::new("/root/.rustup/toolchains/stable/lib/rustlib/lib"),
            Some(&toolchain)
        ));
        assert!(!added_by_cargo_run(Path::new("/usr/local/lib"), Some(&toolchain)));
        assert!(!added_by_cargo_run(Path::new("/opt/toolchains/gcc/lib"), None));
    }
}
