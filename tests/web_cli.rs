//! `loadlab run --solutions --web`: the dashboard opens on the port asked for, starts the run the
//! flags describe, streams it, and Ctrl-C closes the dashboard with its run.

#[path = "web_support/mod.rs"]
mod web_support;

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
