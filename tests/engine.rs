//! The engine's promises about users and their tasks, checked against the lab server on a free
//! loopback port: task weights, marking a response as failure or success, panics in a task,
//! refused connections, and `on_start`/`on_stop` at the end of a timed run.

use std::time::Duration;

use loadlab::engine::{RunConfig, run};
use loadlab::prelude::*;

use crate::users;

use users::{lab_server, row};

#[derive(Default)]
struct WeightedUser;

impl User for WeightedUser {
    fn tasks() -> Vec<Task<Self>> {
        vec![task(3, heavy), task(1, light)]
    }
}

async fn heavy(_: &mut WeightedUser, client: &Client) {
    client.get("/health").name("heavy").send().await;
}

async fn light(_: &mut WeightedUser, client: &Client) {
    client.get("/health").name("light").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_weights_hold_over_many_iterations() {
    let server = lab_server().await;
    let config = RunConfig::new(
        vec![UserClass::of::<WeightedUser>()],
        server.url(),
        4,
        100.0,
        Duration::from_millis(1500),
    );
    let result = run(config).await.unwrap();
    server.shutdown().await;
    let heavy = row(&result, "heavy").num_requests as f64;
    let light = row(&result, "light").num_requests as f64;
    assert!(heavy + light > 400.0, "too few iterations to judge: {heavy} + {light}");
    // Expected 3:1; with hundreds of draws the ratio stays within ±20 %.
    let ratio = heavy / light;
    assert!((2.4..=3.6).contains(&ratio), "weight ratio {ratio:.2} (heavy {heavy}, light {light})");
}

#[derive(Default)]
struct PacedUser;

impl User for PacedUser {
    fn wait_time() -> WaitTime {
        between(0.1, 0.2)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, light_health)]
    }
}

async fn light_health(_: &mut PacedUser, client: &Client) {
    client.get("/health").send().await;
}

#[derive(Default)]
struct MarkingUser;

impl User for MarkingUser {
    fn wait_time() -> WaitTime {
        constant(0.01)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, fail_a_200), task(1, accept_a_404), task(1, default_404)]
    }
}

async fn fail_a_200(_: &mut MarkingUser, client: &Client) {
    let response = client.get("/health").name("200 marked failure").send().await;
    assert_eq!(response.status(), 200);
    response.failure("본문이 기대와 다름");
}

async fn accept_a_404(_: &mut MarkingUser, client: &Client) {
    let response = client.get("/todos/999999").name("404 marked success").send().await;
    if response.status() == 404 {
        response.success();
    }
}

async fn default_404(_: &mut MarkingUser, client: &Client) {
    client.get("/todos/999999").name("404 unmarked").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marked_responses_count_as_marked() {
    let server = lab_server().await;
    let config =
        RunConfig::new(vec![UserClass::of::<MarkingUser>()], server.url(), 2, 10.0, Duration::from_secs(1));
    let result = run(config).await.unwrap();
    server.shutdown().await;
    let marked_failure = row(&result, "200 marked failure");
    assert!(marked_failure.num_requests > 0);
    assert_eq!(marked_failure.num_failures, marked_failure.num_requests);
    let marked_success = row(&result, "404 marked success");
    assert!(marked_success.num_requests > 0);
    assert_eq!(marked_success.num_failures, 0);
    let unmarked = row(&result, "404 unmarked");
    assert_eq!(unmarked.num_failures, unmarked.num_requests, "Locust's default: >= 400 fails");
    assert!(result.errors.iter().any(|e| e.name == "200 marked failure" && e.error == "본문이 기대와 다름"));
    assert!(result.errors.iter().any(|e| e.name == "404 unmarked" && e.error.contains("404")));
    assert_eq!(loadlab::ops::run::exit_code(&result), 1);
}

#[derive(Default)]
struct PanickyUser {
    calls: u32,
}

impl User for PanickyUser {
    fn wait_time() -> WaitTime {
        constant(0.01)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, unfinished), task(1, working)]
    }
}

async fn unfinished(user: &mut PanickyUser, _: &Client) {
    user.calls += 1;
    todo!("아직 안 만든 태스크")
}

async fn working(user: &mut PanickyUser, client: &Client) {
    user.calls += 1;
    client.get("/health").name("after panic").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_task_is_counted_and_the_user_goes_on() {
    let server = lab_server().await;
    let config =
        RunConfig::new(vec![UserClass::of::<PanickyUser>()], server.url(), 1, 1.0, Duration::from_secs(1));
    let result = run(config).await.unwrap();
    server.shutdown().await;
    let exception = result.exceptions.first().expect("an exceptions row");
    assert!(exception.message.contains("not yet implemented: 아직 안 만든 태스크"), "{}", exception.message);
    assert!(exception.location.starts_with("tests/engine.rs:"), "{}", exception.location);
    assert_eq!(exception.task, "unfinished");
    assert!(exception.count >= 5, "the same user kept panicking and going on: {}", exception.count);
    assert!(row(&result, "after panic").num_requests >= 5, "the user went on after panics");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_target_yields_failures_not_a_panic() {
    // Bind then drop a listener: nothing listens on that loopback port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let host = format!("http://127.0.0.1:{port}");
    let config = RunConfig::new(vec![UserClass::of::<PacedUser>()], host, 2, 10.0, Duration::from_secs(1));
    let result = run(config).await.unwrap();
    assert!(result.total.num_requests > 0);
    assert_eq!(result.total.num_failures, result.total.num_requests);
    assert!(result.errors[0].error.starts_with("ConnectionRefusedError"), "{}", result.errors[0].error);
    assert_eq!(result.total.status_codes.get(&0), Some(&result.total.num_requests));
    assert_eq!(loadlab::ops::run::exit_code(&result), 1);
}

/// Locust's SetupUser: a request in `on_start`, one per task, and a teardown in `on_stop`.
#[derive(Default)]
struct TeardownUser;

impl User for TeardownUser {
    fn wait_time() -> WaitTime {
        constant(0.1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, work)]
    }
    async fn on_start(&mut self, client: &Client) {
        client.get("/health").name("setup").send().await;
    }
    async fn on_stop(&mut self, client: &Client) {
        client.get("/health").name("teardown").send().await;
    }
}

async fn work(_: &mut TeardownUser, client: &Client) {
    client.get("/__test/delay/30").name("work").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_started_user_runs_on_stop_at_the_end_without_a_stop_timeout() {
    let server = lab_server().await;
    // `-t 1s`, no `--stop-timeout` (0): the run ends with tasks in flight.
    let config =
        RunConfig::new(vec![UserClass::of::<TeardownUser>()], server.url(), 3, 100.0, Duration::from_secs(1));
    let result = run(config).await.unwrap();
    server.shutdown().await;
    assert_eq!(row(&result, "setup").num_requests, 3);
    assert_eq!(row(&result, "teardown").num_requests, 3, "one teardown per user that started");
    assert_eq!(row(&result, "teardown").num_failures, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_setup_user_exercise_tears_down_at_the_end_of_a_timed_run() {
    let server = lab_server().await;
    let setup_user = loadlab::solutions::workbook()
        .classes
        .into_iter()
        .find(|class| class.name == "SetupUser")
        .expect("SetupUser is registered");
    let config = RunConfig::new(vec![setup_user], server.url(), 2, 10.0, Duration::from_secs(1));
    let result = run(config).await.unwrap();
    server.shutdown().await;
    let teardown = row(&result, "/todos/{id} [DELETE - Teardown]");
    assert_eq!(teardown.num_requests, 6, "2 users × 3 todos made in on_start, deleted in on_stop");
    assert_eq!(teardown.num_failures, 0);
}
