//! The README's commands as a learner types them: the real `loadlab` binary, its output, its
//! exit codes, and its one-line errors.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn loadlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("LOADLAB_HOME", std::env::temp_dir().join("loadlab-cli-tests"))
        .stdin(Stdio::null())
        .output()
        .expect("loadlab runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn quick_start_with_solutions_prints_locust_tables_and_succeeds() {
    let output = loadlab(&["run", "--solutions", "TodoUser", "-u", "5", "-r", "5", "-t", "3s"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}\n{}", stderr(&output));
    for expected in
        ["요청 통계", "/todos/ [POST - Create]", "Aggregated", "응답 시간 백분위", "99.99%", "실패 0건"]
    {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("실패 (Failures)"), "no error table without failures:\n{text}");
}

#[test]
fn all_classes_run_against_a_given_host() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server =
        runtime.block_on(loadlab::server::start(loadlab::server::ServerConfig::in_memory())).unwrap();
    let url = server.url();
    let output =
        loadlab(&["run", "--solutions", "-u", "6", "-r", "6", "-t", "2s", "-H", &url, "--only-summary"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}\n{}", stderr(&output));
    assert!(text.contains(&url), "{text}");
    assert!(text.contains("TodoUser, MixedWorkloadUser, StressTestUser"), "{text}");
    assert!(text.contains("/todos/ [POST - Workflow]") && text.contains("/todos/ [POST - Stress]"), "{text}");
    runtime.block_on(server.shutdown());
}

#[test]
fn a_target_that_is_down_shows_failures_and_exits_one() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let host = format!("http://127.0.0.1:{port}");
    let output = loadlab(&["run", "--solutions", "TodoUser", "-u", "2", "-r", "2", "-t", "1s", "-H", &host]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}\n{}", stderr(&output));
    assert!(text.contains("ConnectionRefusedError"), "{text}");
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn bad_flags_get_one_line_and_exit_two() {
    for args in [
        vec!["run", "--solutions", "--users-count", "5"],
        vec!["run", "--solutions", "-t", "15x"],
        vec!["run", "--solutions", "NoSuchUser", "-t", "1s"],
        vec!["run", "--solutions", "-u", "5", "-H", "localhost:8000"],
        vec!["frobnicate"],
    ] {
        let output = loadlab(&args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?} should print one line:\n{message}");
        assert!(message.starts_with("오류: "), "{message}");
    }
    assert!(stderr(&loadlab(&["run", "--solutions", "NoSuchUser"])).contains("TodoUser, MixedWorkloadUser"));
    assert!(stderr(&loadlab(&["run", "--solutions", "-t", "15x"])).contains("15x"));
}

#[test]
fn json_results_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let output = loadlab(&[
        "run",
        "--solutions",
        "TodoUser",
        "-u",
        "2",
        "-r",
        "2",
        "-t",
        "1s",
        "--json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: loadlab::engine::RunResult =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(result.settings.users, 2);
    assert!(result.total.num_requests > 0);
    assert!(result.settings.embedded_server);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_run_and_still_prints_the_summary() {
    let child = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(["run", "--solutions", "TodoUser", "-u", "3", "-r", "3", "-t", "60s", "--only-summary"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let text = stdout(&output);
    assert!(text.contains("Aggregated"), "summary after Ctrl-C:\n{text}\n{}", stderr(&output));
    assert!(text.contains("Ctrl-C로 중단됨"), "{text}");
}

#[test]
fn check_builds_the_real_exercises_and_grades_them() {
    let output = loadlab(&["check", "update_todo"]);
    let text = stdout(&output);
    let verdict_line = text.lines().find(|line| line.contains("update_todo  ")).unwrap_or_else(|| {
        panic!("no verdict line:\n{text}\n{}", stderr(&output));
    });
    // Whatever state the learner's file is in, the verdict and the exit code agree.
    let passed = verdict_line.starts_with("✅");
    assert!(passed || verdict_line.starts_with("❌") || verdict_line.starts_with("⏳"), "{verdict_line}");
    assert_eq!(output.status.code(), Some(if passed { 0 } else { 1 }), "{text}");
    if !passed {
        assert!(text.contains("exercises/todo_user.rs"), "points at the file:\n{text}");
    }
}

#[test]
fn a_compile_error_in_exercises_is_reported_and_progress_still_works() {
    let workbook = tempfile::tempdir().unwrap();
    std::fs::write(
        workbook.path().join("Cargo.toml"),
        "[package]\nname = \"broken-workbook\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[lib]\npath = \"lib.rs\"\n\n[[example]]\nname = \"exercises\"\npath = \"exercises/main.rs\"\n",
    )
    .unwrap();
    std::fs::write(workbook.path().join("lib.rs"), "").unwrap();
    std::fs::create_dir(workbook.path().join("exercises")).unwrap();
    std::fs::write(workbook.path().join("exercises/main.rs"), "fn main() { let x = ; }\n").unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_loadlab"))
            .args(args)
            .env("NO_COLOR", "1")
            .env("LOADLAB_WORKBOOK", workbook.path())
            .env("LOADLAB_HOME", workbook.path())
            .env("CARGO_TARGET_DIR", workbook.path().join("target"))
            .output()
            .unwrap()
    };
    let output = run(&["check"]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    assert!(errors.contains("expected expression"), "cargo's own diagnostic is shown:\n{errors}");
    assert!(errors.contains("exercises/ 컴파일에 실패했습니다"), "{errors}");
    let progress = run(&["progress"]);
    assert_eq!(progress.status.code(), Some(0), "{}", stderr(&progress));
    assert!(stdout(&progress).contains("체크리스트"), "{}", stdout(&progress));
}
