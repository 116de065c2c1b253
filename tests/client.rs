//! The scenario client's Locust semantics, through `engine::run` against small servers on
//! 127.0.0.1: one kept-alive connection per user, cookies per user, redirects (307/308 keep the
//! method and body, 301/302/303 turn POST into GET), gzip decoded, a closed keep-alive connection
//! replaced transparently, and a connection closed without an answer as status 0.
//!
//! Each user does its checks once in `on_start` and marks a wrong answer as a failure, so the
//! statistics say exactly what happened.

use crate::http_support;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_support::{Mode, response};
use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;

/// Runs `users` users of `class` until each has done its `on_start` (no tasks: they then idle).
async fn run_once(class: UserClass, host: &str, users: usize) -> RunResult {
    let mut config = RunConfig::new(vec![class], host, users, 1000.0, Duration::from_millis(800));
    // A slow machine may still be in on_start when the time is up: let it finish.
    config.stop_timeout = Duration::from_secs(60);
    run(config).await.expect("run completes")
}

fn row<'a>(result: &'a RunResult, name: &str) -> &'a loadlab::engine::stats::EndpointStats {
    result
        .stats
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no row {name}: {:?}", result.stats))
}

fn errors(result: &RunResult) -> Vec<String> {
    result.errors.iter().map(|e| format!("{} {} ×{}", e.name, e.error, e.occurrences)).collect()
}

#[derive(Default)]
struct RepeatUser;

impl User for RepeatUser {
    fn tasks() -> Vec<Task<Self>> {
        Vec::new()
    }
    async fn on_start(&mut self, client: &Client) {
        for _ in 0..25 {
            client.get("/ping").send().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_user_keeps_one_connection_alive() {
    let server = http_support::start(Mode::KeepAlive, |_| response(200, &[], b"pong")).await;
    let result = run_once(UserClass::of::<RepeatUser>(), &server.url, 2).await;
    assert_eq!(result.total.num_requests, 50, "{:?}", errors(&result));
    assert_eq!(result.total.num_failures, 0, "{:?}", errors(&result));
    assert_eq!(server.connections(), 2, "one keep-alive connection per user");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keep_alive_connection_the_server_closed_is_replaced() {
    let server = http_support::start(Mode::CloseAfterAnswer, |_| response(200, &[], b"pong")).await;
    let result = run_once(UserClass::of::<RepeatUser>(), &server.url, 1).await;
    assert_eq!(result.total.num_requests, 25, "{:?}", errors(&result));
    assert_eq!(result.total.num_failures, 0, "{:?}", errors(&result));
    assert_eq!(server.connections(), 25, "a new connection for each request after a close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_closed_without_an_answer_is_status_zero() {
    let server = http_support::start(Mode::CloseAtOnce, |_| Vec::new()).await;
    let result = run_once(UserClass::of::<RepeatUser>(), &server.url, 1).await;
    let ping = row(&result, "/ping");
    assert_eq!((ping.num_requests, ping.num_failures), (25, 25));
    assert_eq!(ping.status_codes.get(&0), Some(&25));
    assert!(
        result.errors.iter().all(|e| e.error.starts_with("ConnectionResetError")),
        "{:?}",
        errors(&result)
    );
}

#[derive(Default)]
struct LoginUser;

impl User for LoginUser {
    fn tasks() -> Vec<Task<Self>> {
        Vec::new()
    }
    async fn on_start(&mut self, client: &Client) {
        let login = client.post("/login").json(&json!({"user": client.user_id()})).send().await;
        let session = login.text();
        for _ in 0..3 {
            let me = client.get("/me").send().await;
            if me.text() != session {
                me.failure(format!("expected session {session:?}, got {:?} ({})", me.text(), me.status()));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_user_keeps_its_own_cookies() {
    let logins = AtomicUsize::new(0);
    let server = http_support::start(Mode::KeepAlive, move |seen| match seen.path.as_str() {
        "/login" => {
            let id = format!("s{}", logins.fetch_add(1, Ordering::SeqCst));
            response(200, &[("set-cookie", &format!("session={id}; Path=/; HttpOnly"))], id.as_bytes())
        }
        _ => match seen.header("cookie").and_then(|c| c.strip_prefix("session=")) {
            Some(id) => response(200, &[], id.as_bytes()),
            None => response(401, &[], b"no cookie"),
        },
    })
    .await;
    let result = run_once(UserClass::of::<LoginUser>(), &server.url, 3).await;
    assert_eq!(row(&result, "/me").num_requests, 9, "{:?}", errors(&result));
    assert_eq!(result.total.num_failures, 0, "{:?}", errors(&result));
    let sessions: std::collections::BTreeSet<String> =
        server.requests().iter().filter_map(|seen| seen.header("cookie").map(str::to_string)).collect();
    assert_eq!(sessions.len(), 3, "three users, three sessions: {sessions:?}");
}

#[derive(Default)]
struct RedirectUser;

impl User for RedirectUser {
    fn tasks() -> Vec<Task<Self>> {
        Vec::new()
    }
    async fn on_start(&mut self, client: &Client) {
        let cases = [
            ("301", "GET "),
            ("302", "GET "),
            ("303", "GET "),
            ("307", "POST {\"n\":1}"),
            ("308", "POST {\"n\":1}"),
        ];
        for (code, expected) in cases {
            let answer = client.post(format!("/r/{code}")).json(&json!({"n": 1})).name(code).send().await;
            if answer.status() != 200 || answer.text() != expected {
                answer.failure(format!(
                    "{code}: expected {expected:?}, got {} {:?}",
                    answer.status(),
                    answer.text()
                ));
            }
        }
        let away = client.put("/away").json(&json!({"n": 1})).name("other origin").send().await;
        if away.text() != "GET " {
            away.failure(format!("other origin: got {} {:?}", away.status(), away.text()));
        }
        client.get("/loop").name("loop").send().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_follow_the_browsers_rules() {
    let echo = |seen: &http_support::Seen| {
        let text = format!("{} {}", seen.method, String::from_utf8_lossy(&seen.body));
        response(200, &[], text.as_bytes())
    };
    let other = http_support::start(Mode::KeepAlive, echo).await;
    let elsewhere = format!("{}/echo", other.url);
    let server = http_support::start(Mode::KeepAlive, move |seen| {
        let path = seen.path.as_str();
        if let Some(code) = path.strip_prefix("/r/") {
            response(code.parse().unwrap(), &[("location", "/echo")], b"")
        } else if path == "/away" {
            response(303, &[("location", &elsewhere)], b"")
        } else if path == "/loop" {
            response(302, &[("location", "/loop")], b"")
        } else {
            echo(seen)
        }
    })
    .await;
    let result = run_once(UserClass::of::<RedirectUser>(), &server.url, 1).await;
    for name in ["301", "302", "303", "307", "308", "other origin"] {
        assert_eq!(row(&result, name).num_failures, 0, "{name}: {:?}", errors(&result));
    }
    assert_eq!(other.requests().len(), 1, "the other origin got the redirected request");
    let looping = row(&result, "loop");
    assert_eq!((looping.num_requests, looping.num_failures), (1, 1));
    assert!(result.errors.iter().any(|e| e.error.starts_with("TooManyRedirects")), "{:?}", errors(&result));
}

const GZIP_JSON: &str = r#"{"title":"압축된 할 일","items":[1,2,3,4,5,6,7,8,9,10]}"#;

#[derive(Default)]
struct GzipUser;

impl User for GzipUser {
    fn tasks() -> Vec<Task<Self>> {
        Vec::new()
    }
    async fn on_start(&mut self, client: &Client) {
        let answer = client.get("/gz").send().await;
        let body: Option<Value> = answer.json();
        if body.as_ref().and_then(|b| b["title"].as_str()) != Some("압축된 할 일") {
            answer.failure(format!("not decoded: {:?}", answer.bytes()));
        } else if answer.header("content-encoding").is_some() {
            answer.failure("the encoding header should be gone once decoded");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_answers_are_decoded() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(GZIP_JSON.as_bytes()).unwrap();
    let compressed = encoder.finish().unwrap();
    let server = http_support::start(Mode::KeepAlive, move |seen| {
        if seen.header("accept-encoding") == Some("gzip") {
            response(200, &[("content-encoding", "gzip"), ("content-type", "application/json")], &compressed)
        } else {
            response(200, &[], b"client did not ask for gzip")
        }
    })
    .await;
    let result = run_once(UserClass::of::<GzipUser>(), &server.url, 1).await;
    let gz = row(&result, "/gz");
    assert_eq!((gz.num_requests, gz.num_failures), (1, 0), "{:?}", errors(&result));
    assert_eq!(gz.total_content_length, GZIP_JSON.len() as u64, "content length counts the decoded body");
}
