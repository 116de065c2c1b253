//! Predict, then run, without a terminal: a drill's typed prediction is read, its command runs
//! through the same hook the tutor uses (the real command line, on the embedded lab server or
//! a port nobody listens on), the result is compared and the outcome lands in the progress file.
//! What is asserted is what loadlab controls: which requests failed, what was recorded.

use loadlab::tutor::Hooks;
use loadlab::tutor::drill::{Drill, Measured};

fn hooks() -> Hooks {
    Hooks { run_command: Box::new(|args: &[String]| loadlab::cli::execute(args)) }
}

fn progress(home: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(home.join("loadlab-progress.json")).expect("progress file written");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_drill_runs_compares_and_records_either_way() {
    let home = tempfile::tempdir().unwrap();
    // SAFETY: the other tests of this binary only read files and render text: nothing else reads
    // the environment meanwhile, and std's own readers take the same lock as set_var.
    unsafe { std::env::set_var("LOADLAB_PROGRESS_DIR", home.path()) };

    // Nobody listens on the port: every request fails, whatever the machine's speed.
    let refused = "ask: 몇 %가 실패할까요?
run: run --solutions TodoUser -u 3 -r 3 -t 2s -H http://127.0.0.1:{free_port}
measure: fail
tolerance: 5
explain: 연결을 기다리는 서버가 없어요.
";
    let drill = Drill::parse_block(refused, "11-troubleshooting", 0).unwrap();
    let right = drill.predict_and_run("100%", &hooks()).unwrap();
    assert!(
        right.contains("✅") && right.contains("측정값: 100 %") && right.contains("연결을 기다리는"),
        "{right}"
    );
    let wrong = drill.predict_and_run("약 10", &hooks()).unwrap();
    assert!(wrong.contains("❌") && wrong.contains("연결을 기다리는"), "{wrong}");
    let saved = &progress(home.path())["drill_results"]["11-troubleshooting!1"];
    assert_eq!(saved["attempts"], 2, "{saved}");
    assert_eq!(saved["close"], false, "the latest try is kept: {saved}");
    assert_eq!(saved["prediction"], "10.0 %", "{saved}");
    let (saved_progress, _) = loadlab::progress::Progress::load();
    let report = loadlab::tutor::progress_report(&saved_progress).unwrap();
    assert!(report.contains("맞힌 예측 0 / 해 본 예측 1"), "the progress view counts drills: {report}");

    // On the embedded lab server: the result is read back and the request rows are there.
    let rows = "ask: 어느 행?
run: run --solutions TodoUser -u 2 -r 2 -t 2s
measure: slowest
choice: /todos/ [POST - Create]
choice: /health
explain: 해설
";
    let drill = Drill::parse_block(rows, "09-optimization", 0).unwrap();
    let prediction = drill.parse_prediction("2").unwrap();
    let outcome = drill.run(&prediction, &hooks()).unwrap();
    // on_start asks /health once per user, so that row has requests: a choice was measured.
    assert!(matches!(outcome.measured, Measured::Choice(Some(_))), "{outcome:?}");
    assert!(drill.predict_and_run("7", &hooks()).is_err(), "a choice out of range is refused before running");
}
