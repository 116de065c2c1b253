//! The README's commands as a learner types them: the real `loadlab` binary, its output, its
//! exit codes, and its one-line errors.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn loadlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", std::env::temp_dir().join("loadlab-cli-tests"))
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
    assert!(
        !text.lines().any(|line| line.starts_with("실패 (Failures)")),
        "no error table without failures:\n{text}"
    );
    assert!(text.contains("결과 해설"), "the Korean explanation follows the tables:\n{text}");
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
        // A certificate file that cannot be read is refused before any connection is made.
        vec![
            "run",
            "--solutions",
            "-u",
            "5",
            "-H",
            "https://127.0.0.1:9",
            "--ca-cert",
            "/nonexistent/ca.pem",
        ],
        vec!["run", "--solutions", "-u", "5", "--insecure"],
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
fn json_csv_and_html_results_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let html = dir.path().join("report.html");
    let prefix = dir.path().join("result");
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
        "--html",
        html.to_str().unwrap(),
        "--csv",
        prefix.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = std::fs::read_to_string(&html).expect("the HTML report is written");
    assert!(page.contains("<svg") && page.contains("요청 통계"), "a real report");
    let stats =
        std::fs::read_to_string(dir.path().join("result_stats.csv")).expect("the stats CSV is written");
    assert!(stats.starts_with("Type,Name,Request Count,Failure Count"), "{stats}");
    for suffix in ["_stats_history.csv", "_failures.csv", "_exceptions.csv"] {
        assert!(dir.path().join(format!("result{suffix}")).exists(), "{suffix}");
    }
    let result: loadlab::engine::RunResult =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(result.settings.users, 2);
    assert!(result.total.num_requests > 0);
    assert!(result.settings.embedded_server);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_run_and_still_prints_the_summary() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(["run", "--solutions", "TodoUser", "-u", "3", "-r", "3", "-t", "60s"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first live status line (`[  2/60초] 사용자 …`): the run is under way, Ctrl-C is handled.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok);
    let live = lines.find(|line| line.starts_with('[')).expect("a live status line");
    assert!(live.contains("사용자"), "{live}");
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let text: String = lines.map(|line| line + "\n").collect();
    let output = child.wait_with_output().unwrap();
    assert!(text.contains("Aggregated"), "summary after Ctrl-C:\n{text}\n{}", stderr(&output));
    assert!(text.contains("Ctrl-C로 중단됨"), "{text}");
}

#[test]
fn check_builds_the_real_exercises_and_grades_them() {
    // Each kind of item goes through the exercises binary differently: a run, a shape
    // profile, the release criteria.
    for item in ["update_todo", "spike_shape", "release_gate"] {
        let output = loadlab(&["check", item]);
        let text = stdout(&output);
        let verdict_line =
            text.lines().find(|line| line.contains(&format!("{item}  "))).unwrap_or_else(|| {
                panic!("no verdict line for {item}:\n{text}\n{}", stderr(&output));
            });
        // Whatever state the learner's file is in, the verdict and the exit code agree.
        let passed = verdict_line.starts_with("✅");
        assert!(passed || verdict_line.starts_with("❌") || verdict_line.starts_with("⏳"), "{verdict_line}");
        assert_eq!(output.status.code(), Some(if passed { 0 } else { 1 }), "{text}");
        if !passed {
            assert!(text.contains("exercises/"), "points at the file:\n{text}");
        }
    }
}

#[test]
fn a_compile_error_in_exercises_is_reported_and_progress_still_works() {
    let workbook = broken_workbook();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_loadlab"))
            .args(args)
            .env("NO_COLOR", "1")
            .env("LOADLAB_WORKBOOK", workbook.path())
            .env("LOADLAB_PROGRESS_DIR", workbook.path())
            .env("CARGO_TARGET_DIR", workbook.path().join("target"))
            .output()
            .unwrap()
    };
    let output = run(&["check"]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    assert!(errors.contains("expected expression"), "cargo's own diagnostic is shown:\n{errors}");
    assert!(errors.contains("exercises/ 컴파일에 실패했"), "{errors}");
    let progress = run(&["progress"]);
    assert_eq!(progress.status.code(), Some(0), "{}", stderr(&progress));
    assert!(stdout(&progress).contains("체크리스트"), "{}", stdout(&progress));
}

/// A workbook whose exercises never compile: fast to "build", and safe to edit in a test.
fn broken_workbook() -> tempfile::TempDir {
    let workbook = tempfile::tempdir().unwrap();
    std::fs::write(
        workbook.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"exercises\"]\nresolver = \"3\"\n",
    )
    .unwrap();
    std::fs::create_dir(workbook.path().join("exercises")).unwrap();
    std::fs::write(
        workbook.path().join("exercises/Cargo.toml"),
        "[package]\nname = \"exercises\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[[bin]]\nname = \"exercises\"\npath = \"main.rs\"\n",
    )
    .unwrap();
    std::fs::write(workbook.path().join("exercises/main.rs"), "fn main() { let x = ; }\n").unwrap();
    workbook
}

#[test]
fn watch_regrades_on_save_and_answers_keys() {
    use std::io::{BufRead, BufReader, Write};
    let workbook = broken_workbook();
    let mut child = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(["watch", "update_todo"])
        .env("NO_COLOR", "1")
        .env("LOADLAB_WORKBOOK", workbook.path())
        .env("LOADLAB_PROGRESS_DIR", workbook.path())
        .env("CARGO_TARGET_DIR", workbook.path().join("target"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let wait_for = |needle: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match received.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    };
    assert!(wait_for("update_todo 채점 중"), "first grading");
    assert!(wait_for("[h] 힌트"), "keys are shown");
    std::fs::write(workbook.path().join("exercises/main.rs"), "fn main() { let y = ; }\n").unwrap();
    assert!(wait_for("update_todo 채점 중"), "a save re-grades");
    let stdin = child.stdin.as_mut().unwrap();
    writeln!(stdin, "l").unwrap();
    assert!(wait_for("▶ ⬜ update_todo"), "l lists the items with the current one marked");
    writeln!(stdin, "q").unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn practice_3_checks_answers_against_the_detected_points() {
    let home = tempfile::tempdir().unwrap();
    let record = serde_json::json!({
        "classes": ["StressTestUser"], "users": 100, "spawn_rate": 0.0, "run_time_secs": 32.0,
        "shape": "stress (quick)", "requests": 4000, "failures": 0, "p95_ms": 40.0, "requests_per_second": 120.0,
        "p95_break_users": 60, "plateau_users": 50, "errors_users": null, "step_users": 10,
        "at": "2026-11-27T08:00:00Z"
    });
    std::fs::write(
        home.path().join("loadlab-progress.json"),
        serde_json::json!({ "practice_runs": [record] }).to_string(),
    )
    .unwrap();
    let answer = |p95: &str, plateau: &str, errors: &str| {
        Command::new(env!("CARGO_BIN_EXE_loadlab"))
            .args(["practice", "3", "--p95", p95, "--plateau", plateau, "--errors", errors])
            .env("NO_COLOR", "1")
            .env("LOADLAB_PROGRESS_DIR", home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let wrong = answer("20", "50", "none");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stdout(&wrong).contains("결과에서 찾은 값은 60명"), "{}", stdout(&wrong));
    let right = answer("65", "50", "none");
    assert_eq!(right.status.code(), Some(0), "{}", stdout(&right));
    let progress = std::fs::read_to_string(home.path().join("loadlab-progress.json")).unwrap();
    assert!(progress.contains("practice3"), "{progress}");
}

#[test]
fn compare_of_three_kinds_fills_the_practice_4_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (kind, users) in [("load", 20), ("stress", 100), ("spike", 200)] {
        let mut result: serde_json::Value =
            serde_json::from_str(include_str!("fixtures/report/result.json")).unwrap();
        result["settings"]["shape"] = serde_json::json!(format!("{kind} (quick)"));
        result["settings"]["users"] = serde_json::json!(users);
        let path = dir.path().join(format!("{kind}.json"));
        std::fs::write(&path, result.to_string()).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let output = loadlab(&["compare", &paths[0], &paths[1], &paths[2]]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    for expected in
        ["부하 테스트", "스트레스 테스트", "스파이크 테스트", "한계 파악", "급증 대응", "정상 성능"]
    {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    // Every row of lesson 8's comparison table is a column the learner finds in the output.
    let lesson =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/08-practice.md")).unwrap();
    let table = lesson.split("compare load.json stress.json spike.json").nth(1).expect("the compare step");
    let labels: Vec<&str> = table
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .filter_map(|line| line.split('|').nth(1).map(str::trim))
        .collect();
    assert!(labels.len() >= 3, "{labels:?}");
    for label in labels {
        for part in label.split(" / ") {
            assert!(text.contains(part), "lesson 8 promises {part:?}; compare shows:\n{text}");
        }
    }
}

#[test]
fn the_bottleneck_hunt_keeps_its_secret_checks_the_guess_and_the_proof() {
    use std::io::{BufRead, BufReader};
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_loadlab"))
            .args(args)
            .env("NO_COLOR", "1")
            .env("LOADLAB_PROGRESS_DIR", home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    // The mystery server draws a bottleneck, keeps it out of its banner, and remembers it.
    let mut server = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(["serve", "--port", "0", "--in-memory", "--bottleneck", "mystery"])
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", home.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    while !banner.contains("Ctrl-C") {
        banner.push_str(&lines.next().expect("banner line").unwrap());
        banner.push('\n');
    }
    let _ = server.kill();
    let _ = server.wait();
    assert!(banner.contains("비밀"), "{banner}");
    let progress: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.path().join("loadlab-progress.json")).unwrap())
            .unwrap();
    let secret = progress["mystery_bottleneck"].as_str().expect("the secret is kept").to_string();
    assert!(!banner.contains(&format!("[{secret}]")), "{banner}");

    let wrong =
        loadlab::server::Bottleneck::ALL.iter().map(|b| b.name()).find(|name| *name != secret).unwrap();
    assert_eq!(run(&["hunt", "guess", wrong]).status.code(), Some(1));
    assert_eq!(run(&["hunt", "guess", "no-such-thing"]).status.code(), Some(2));
    let right = run(&["hunt", "guess", &secret]);
    assert_eq!(right.status.code(), Some(0), "{}", stdout(&right));
    assert!(stdout(&right).contains("고치는 방법:"), "a right guess explains the fix: {}", stdout(&right));

    // Proof by evidence, with N+1 as the secret (the drawn one is random; the real runs of every
    // bottleneck are proved in tests/bottleneck_lab.rs): "before" carries the mystery server's
    // counters, nine queries a request; "after" a healthy server's, one a request. The users'
    // view is the same fixture in both: latency alone would prove nothing.
    let mut progress: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.path().join("loadlab-progress.json")).unwrap())
            .unwrap();
    progress["mystery_bottleneck"] = serde_json::json!("n-plus-one");
    std::fs::write(home.path().join("loadlab-progress.json"), progress.to_string()).unwrap();
    assert_eq!(run(&["hunt", "guess", "n-plus-one"]).status.code(), Some(0));
    let fixture = include_str!("fixtures/report/result.json");
    let with_server = |queries_per_request: u64, secret: bool| {
        let mut result: serde_json::Value = serde_json::from_str(fixture).unwrap();
        for (second, point) in result["history"].as_array_mut().unwrap().iter_mut().enumerate() {
            let requests = 50 * second as u64;
            point["server"] = serde_json::json!({
                "memory_bytes": 50 << 20, "open_connections": 10, "todos": 400,
                "requests_total": requests, "db_queries_total": requests * queries_per_request,
                "secret_bottleneck": secret,
            });
        }
        result.to_string()
    };
    let before_path = home.path().join("before.json");
    let after_path = home.path().join("after.json");
    let unfixed_path = home.path().join("unfixed.json");
    std::fs::write(&before_path, with_server(9, true)).unwrap();
    std::fs::write(&after_path, with_server(1, false)).unwrap();
    std::fs::write(&unfixed_path, with_server(9, false)).unwrap();
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let no_fix = run(&["hunt", "prove", &path(&before_path), &path(&unfixed_path)]);
    assert_eq!(no_fix.status.code(), Some(1), "{}", stdout(&no_fix));
    assert!(stdout(&no_fix).contains("after.json에도 n-plus-one의 흔적이 그대로예요"), "{}", stdout(&no_fix));
    let proved = run(&["hunt", "prove", &path(&before_path), &path(&after_path)]);
    assert_eq!(proved.status.code(), Some(0), "{}", stdout(&proved));
    assert!(
        stdout(&proved).contains("요청 1건당 DB 쿼리: before 9.0개 → after 1.0개"),
        "{}",
        stdout(&proved)
    );
    let progress = std::fs::read_to_string(home.path().join("loadlab-progress.json")).unwrap();
    assert!(progress.contains("bottleneck_hunt"), "{progress}");
}

#[test]
fn a_broken_progress_file_is_reported_and_rebuilt() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("loadlab-progress.json");
    std::fs::write(&file, "{\"items_done\": [1, 2").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .arg("progress")
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", home.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("손상"), "reported: {}", stderr(&output));
    let rebuilt: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(rebuilt.is_object());
    assert_eq!(
        std::fs::read_to_string(home.path().join("loadlab-progress.json.broken")).unwrap(),
        "{\"items_done\": [1, 2"
    );
}

#[cfg(unix)]
#[test]
fn a_pipe_closed_early_ends_quietly() {
    // `learn 1 --print | true`: the reader is gone before loadlab writes a line.
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' learn 1 --print | true", env!("CARGO_BIN_EXE_loadlab")))
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", std::env::temp_dir().join("loadlab-cli-tests"))
        .output()
        .unwrap();
    let errors = stderr(&output);
    assert!(!errors.contains("panicked"), "{errors}");
}

/// The first `check` after `cargo run --release` must reuse everything that command compiled:
/// the exercises are their own package, built without loadlab's dev-dependencies (an example
/// target would pull them in, and their features would rebuild ~100 shared crates).
#[test]
fn the_exercises_build_sees_none_of_the_dev_dependencies() {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--package", "exercises", "--edges", "normal,build", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let tree = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(tree.lines().any(|line| line.starts_with("loadlab v")), "{tree}");
    assert!(!tree.contains("portable-pty"), "{tree}");
}

/// Piped, the progress view is plain text: no Markdown marks of any kind.
#[test]
fn piped_progress_shows_no_markdown_marks() {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .arg("progress")
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(text.contains("update_todo"), "{text}");
    for mark in ["`", "**", "- [ ]"] {
        assert!(!text.contains(mark), "{mark:?} in:\n{text}");
    }
}
