//! Builds the learner's `exercises/` as its own cargo package (`-p exercises`), with the same
//! profile as the running `loadlab`, so dependencies are never rebuilt and a half-written
//! exercise never breaks `loadlab` itself. Compiler errors pass through as cargo prints them.

use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

use crate::places::workbook_dir;

/// Whether the running binary is a release build (`target/release/...`).
fn running_release() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .is_some_and(|dir| dir.ends_with("release") || dir.ends_with("release/deps"))
}

/// The outcome of a build: the binary, or the fact that it did not compile (cargo already
/// printed why).
pub enum Build {
    Ready(PathBuf),
    Failed,
}

const BUILD_FAILED: &str = "exercises/ 컴파일에 실패했어요. 위의 컴파일러 메시지에서 파일과 줄 번호부터 보세요. \
Rust 문법이나 빌림 오류(E0502 등)가 낯설면: cargo run --release -- learn 13 (부록: 이 과정에 필요한 Rust). \
loadlab 자체는 계속 쓸 수 있어요: progress, hint, learn …";

/// Explains a failed build in one Korean line.
pub fn failed_message() -> &'static str {
    BUILD_FAILED
}

/// Builds the exercises target. Cargo's diagnostics go to stderr, in colour on a terminal.
pub fn build_exercises(quiet: bool) -> anyhow::Result<Build> {
    let workbook = workbook_dir();
    let manifest = workbook.join("Cargo.toml");
    anyhow::ensure!(
        manifest.exists(),
        "실습서 폴더를 찾을 수 없어요: {} (LOADLAB_WORKBOOK 환경 변수로 지정할 수 있어요)",
        workbook.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
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
        .stdout(Stdio::piped());
    if running_release() {
        command.arg("--release");
    }
    if quiet {
        command.arg("--quiet");
    }
    let mut child = command.spawn().context("cargo를 실행할 수 없어요 (Rust 툴체인이 설치되어 있나요?)")?;
    let stdout = child.stdout.take().context("cargo의 출력을 읽을 수 없어요")?;
    let mut executable = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("cargo의 출력을 읽을 수 없어요")?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == "exercises"
            && let Some(path) = message["executable"].as_str()
        {
            executable = Some(PathBuf::from(path));
        }
    }
    let status = child.wait().context("cargo가 끝나기를 기다릴 수 없어요")?;
    match (status.success(), executable) {
        (true, Some(path)) => Ok(Build::Ready(path)),
        _ => Ok(Build::Failed),
    }
}
