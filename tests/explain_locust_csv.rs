//! `explain` reads Locust's `--csv` files: a real Locust master's output (fixture) and loadlab's
//! own CSV files read back equal to the run they came from, as far as the CSV holds it.

use std::process::Command;

use loadlab::report::locust_csv;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/locust/master_stats.csv");

#[test]
fn a_locust_masters_files_become_a_result() {
    let result = locust_csv::read(std::path::Path::new(FIXTURE)).unwrap();
    let names: Vec<&str> = result.stats.iter().map(|row| row.name.as_str()).collect();
    assert_eq!(names, ["/todos/ [GET - List]", "/todos/ [POST]", "/todos/{id} [GET]"]);
    assert_eq!((result.total.num_requests, result.total.num_failures), (325, 51));
    assert_eq!(result.total.percentile(0.95), 4.0);
    let missing = &result.stats[2];
    assert_eq!((missing.method.as_str(), missing.num_failures), ("GET", 51));
    // Locust's failure message names the status: 404 × 51 on that row and in the total.
    assert_eq!(missing.status_codes.get(&404), Some(&51));
    assert_eq!(result.total.status_codes.get(&404), Some(&51));
    assert_eq!(result.errors.len(), 1);
    assert!(result.errors[0].error.contains("404"), "{:?}", result.errors);
    assert_eq!(result.settings.users, 10, "the history's user count");
    assert!(result.history.len() >= 5 && result.duration >= 5.0, "{}", result.duration);
}

#[test]
fn explain_speaks_about_a_locust_run() {
    let output = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(["explain", FIXTURE])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("/todos/{id} [GET]"), "the table shows the master's rows:\n{stdout}");
    // 51 of 325 failed: the explanation must say so, in Korean.
    assert!(stdout.contains("실패"), "{stdout}");
    assert!(stdout.contains("15.7%") || stdout.contains("15.69%"), "the failure share:\n{stdout}");
    // Locust's percentiles are Locust's rounded ones: no HDR promise over them, and the median's
    // clamping is told.
    assert!(!stdout.contains("오차 0.1% 이내"), "{stdout}");
    assert!(
        stdout.contains("Locust가 반올림한 값") && stdout.contains("50% 열과 다를 수 있어요"),
        "{stdout}"
    );
}

#[test]
fn a_file_that_is_not_locusts_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x_stats.csv");
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_loadlab")).arg("explain").arg(&path).output().unwrap();
    assert_ne!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Locust 통계 파일이 아니에요"), "{stderr}");
    let missing = dir.path().join("none_stats.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_loadlab")).arg("explain").arg(&missing).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("--csv"), "says how to make one");
}
