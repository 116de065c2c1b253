//! `loadlab run --solutions --web`: the dashboard opens on the port asked for, starts the run the
//! flags describe, streams it, and Ctrl-C closes the dashboard with its run. And the learner's
//! dashboard (`loadlab web`) ticks 실습 1 the way a console run does.

use crate::web_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_web_starts_the_flags_run_in_the_dashboard_and_ctrl_c_ends_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(["run", "--solutions", "--web", "--web-port", "0", "-u", "3", "-r", "3", "TodoUser"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a first line").unwrap();
    let url = first
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .expect(&first)
        .to_string();
    assert!(first.contains("대시보드"), "{first}");

    let response = web_support::client().get(format!("{url}/events")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let mut body = String::new();
    let mut response = response;
    let deadline = tokio::time::Instant::now() + web_support::PATIENCE;
    while !(body.contains("\"phase\":\"running\"") && body.contains("\"users\":3")) {
        assert!(tokio::time::Instant::now() < deadline, "never saw the run with 3 users: {body}");
        let chunk =
            tokio::time::timeout(web_support::PATIENCE, response.chunk()).await.unwrap().unwrap().unwrap();
        body.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(body.contains("\"name\":\"TodoUser\""), "the class from the flags");
    let config: serde_json::Value =
        web_support::client().get(format!("{url}/api/config")).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["defaults"]["users"], 3, "the form shows the flags: {config}");
    drop(response);

    // Ctrl-C: the dashboard stops its run and closes.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|line| line.contains("대시보드를 닫는 중이에요")), "{rest:?}");
}

/// 실습 1 in the dashboard, as lesson 8 walks it: TodoUser, 20 users, spawn rate 5, host left
/// empty (the embedded lab server), 15 s. The finished run ticks 실습 1 in the progress file
/// through the same code as the console's run, and the page says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_run_that_meets_practice_1_ticks_it() {
    let progress_dir = tempfile::tempdir().unwrap();
    // SAFETY: the other tests of this binary read the environment through std (which takes the
    // same lock as set_var) to start their children, and give each child the progress folder
    // it is to use; a child that inherits this one runs the finished scenarios, which never
    // write progress.
    unsafe { std::env::set_var(loadlab::places::PROGRESS_ENV, progress_dir.path()) };
    // The learner's dashboard records practices; the finished scenarios stand in for theirs.
    let options = loadlab::web::WebOptions { port: 0, record_practice: true, ..Default::default() };
    let server = loadlab::web::start(loadlab::solutions::workbook(), options).await.unwrap();
    let mut events = web_support::Events::open(&server).await;
    let form = serde_json::json!({
        "users": 20, "spawn_rate": 5, "host": "", "run_time": "15s",
        "classes": [{"name": "TodoUser", "weight": 1}],
    });
    let (status, body) = web_support::post(&server, "/api/start", form).await;
    assert_eq!(status, 200, "{body}");
    let done = events.until("the outcome", |snapshot, _| snapshot["outcome"].is_object()).await;
    let outcome = &done["outcome"];
    assert_eq!(outcome["interrupted"], false, "{outcome}");
    let news: Vec<&str> = outcome["news"].as_array().unwrap().iter().filter_map(|n| n.as_str()).collect();
    assert!(news.iter().any(|line| line.contains("실습 1 완료")), "{news:?}");
    let (progress, _) = loadlab::progress::Progress::load();
    assert!(progress.is_item_done("practice1"), "실습 1 is ticked in {:?}", progress_dir.path());
    let downloads: Vec<&str> =
        outcome["downloads"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
    assert!(downloads.contains(&"loadlab_stats.csv"), "the CSV the lesson downloads: {downloads:?}");
    server.shutdown().await;
}
