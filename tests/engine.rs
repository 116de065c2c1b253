//! The engine's promises, checked against the lab server on a free loopback port: task weights,
//! wait times, spawn rate and run time, marking, panics, refused connections, and exact
//! percentiles against an endpoint with a known delay.

use std::time::Duration;

use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;
use loadlab::server::{LabServer, ServerConfig, start};

async fn lab_server() -> LabServer {
    start(ServerConfig { test_routes: true, ..ServerConfig::in_memory() }).await.expect("lab server starts")
}

fn row<'a>(result: &'a RunResult, name: &str) -> &'a loadlab::engine::stats::EndpointStats {
    result
        .stats
        .iter()
        .find(|stats| stats.name == name)
        .unwrap_or_else(|| panic!("no row {name}: {:?}", result.stats))
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_times_stay_within_bounds() {
    let server = lab_server().await;
    let trace = tempfile::NamedTempFile::new().unwrap();
    let mut config = RunConfig::new(
        vec![UserClass::of::<PacedUser>()],
        server.url(),
        1,
        10.0,
        Duration::from_millis(2500),
    );
    config.trace = Some(trace.path().to_path_buf());
    run(config).await.unwrap();
    server.shutdown().await;
    let starts: Vec<f64> = std::fs::read_to_string(trace.path())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["t"].as_f64().unwrap())
        .collect();
    assert!(starts.len() >= 10, "only {} requests", starts.len());
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        // A gap is the wait (0.1–0.2 s) plus one request (fast, but a busy debug build can
        // take tens of milliseconds).
        assert!((0.1..0.3).contains(&gap), "gap {gap:.3}s outside between(0.1, 0.2)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_rate_and_run_time_are_honoured() {
    let server = lab_server().await;
    let config =
        RunConfig::new(vec![UserClass::of::<PacedUser>()], server.url(), 8, 4.0, Duration::from_secs(3));
    let result = run(config).await.unwrap();
    server.shutdown().await;
    assert!((2.9..3.4).contains(&result.duration), "run took {:.2}s for -t 3s", result.duration);
    // 4 users a second, the first at once: about 4-5 after one second, 8 after two.
    let users_at = |second: usize| result.history[second - 1].users;
    assert!((4..=5).contains(&users_at(1)), "users after 1s: {}", users_at(1));
    assert_eq!(users_at(2), 8, "users after 2s");
    assert_eq!(result.history.last().unwrap().users, 8);
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
    assert_eq!(loadlab::cli::run::exit_code(&result), 1);
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
    assert_eq!(loadlab::cli::run::exit_code(&result), 1);
}

#[derive(Default)]
struct DelayUser;

impl User for DelayUser {
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, fixed_delay)]
    }
}

async fn fixed_delay(_: &mut DelayUser, client: &Client) {
    client.get("/__test/delay/40").name("delay").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn percentiles_are_the_recorded_latencies_within_hdr_precision() {
    let server = lab_server().await;
    let trace = tempfile::NamedTempFile::new().unwrap();
    let mut config =
        RunConfig::new(vec![UserClass::of::<DelayUser>()], server.url(), 2, 100.0, Duration::from_secs(2));
    config.trace = Some(trace.path().to_path_buf());
    let result = run(config).await.unwrap();
    server.shutdown().await;
    let delay = row(&result, "delay");
    assert!(delay.num_requests >= 10, "{}", delay.num_requests);
    // The endpoint sleeps 40 ms, so no request can be faster; how much slower is the scheduler's
    // business on a busy machine, so the percentiles are judged against the trace below.
    assert!(delay.min_response_time >= 40.0, "min {}", delay.min_response_time);
    // Against every latency the run recorded: each reported percentile is the exact
    // nearest-rank value, not a bucket boundary (HDR keeps 3 significant digits: 0.1 %).
    let mut latencies: Vec<f64> = std::fs::read_to_string(trace.path())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<loadlab::engine::stats::TraceLine>(line).unwrap().ms)
        .collect();
    latencies.sort_by(f64::total_cmp);
    assert_eq!(latencies.len() as u64, delay.num_requests);
    for quantile in [0.5, 0.66, 0.75, 0.9, 0.95, 0.99, 1.0] {
        let rank = ((quantile * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
        let exact = latencies[rank - 1];
        let reported = delay.percentile(quantile);
        assert!(
            (reported - exact).abs() <= exact * 0.001 + 0.001,
            "p{}: reported {reported} ms, exact {exact} ms",
            quantile * 100.0
        );
    }
}
