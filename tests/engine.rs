//! The engine's promises, checked against the lab server on a free loopback port: task weights,
//! wait times, spawn rate and run time, marking, panics, refused connections, and exact
//! percentiles against an endpoint with a known delay.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// A user that sends nothing: it notes when each of its tasks starts on tokio's clock, so
/// schedule tests run on a paused clock with nothing but the schedule in play.
#[derive(Default)]
struct QuietPacedUser;

static QUIET_STARTS: Mutex<Vec<tokio::time::Instant>> = Mutex::new(Vec::new());

impl User for QuietPacedUser {
    fn wait_time() -> WaitTime {
        between(0.1, 0.2)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, note_start)]
    }
}

async fn note_start(_: &mut QuietPacedUser, _: &Client) {
    QUIET_STARTS.lock().unwrap().push(tokio::time::Instant::now());
}

#[tokio::test(start_paused = true)]
async fn wait_times_stay_within_bounds() {
    let config = RunConfig::new(
        vec![UserClass::of::<QuietPacedUser>()],
        "http://127.0.0.1:9",
        1,
        10.0,
        Duration::from_millis(2500),
    );
    run(config).await.unwrap();
    let starts = QUIET_STARTS.lock().unwrap().clone();
    assert!(starts.len() >= 12, "only {} tasks in 2.5 s of between(0.1, 0.2)", starts.len());
    for pair in starts.windows(2) {
        let gap = (pair[1] - pair[0]).as_secs_f64();
        // The task itself takes no time on a paused clock; tokio's timer rounds up to 1 ms.
        assert!((0.1..=0.201).contains(&gap), "gap {gap:.4}s outside between(0.1, 0.2)");
    }
}

/// Sends nothing and waits a second between tasks: only the schedule moves.
#[derive(Default)]
struct QuietUser;

impl User for QuietUser {
    fn wait_time() -> WaitTime {
        constant(1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, nothing)]
    }
}

async fn nothing(_: &mut QuietUser, _: &Client) {}

#[tokio::test(start_paused = true)]
async fn spawn_rate_and_run_time_are_honoured() {
    let config = RunConfig::new(
        vec![UserClass::of::<QuietUser>()],
        "http://127.0.0.1:9",
        8,
        4.0,
        Duration::from_secs(3),
    );
    let result = run(config).await.unwrap();
    // The runner checks the clock every 10 ms.
    assert!((3.0..3.02).contains(&result.duration), "run took {:.3}s for -t 3s", result.duration);
    // 4 users a second, the first at once: 4-5 after one second, 8 after two.
    let users_at = |second: usize| result.history[second - 1].users;
    assert!((4..=5).contains(&users_at(1)), "users after 1s: {}", users_at(1));
    assert_eq!(users_at(2), 8, "users after 2s");
    assert_eq!(result.history.last().unwrap().users, 8);
}

/// Stalls the whole runtime once, in its fourth task (1.5 s into the run), for 2.5 s: tokio's
/// clock jumps, as a blocked runtime's clock would have moved on.
#[derive(Default)]
struct StallingUser;

static TASKS_BEFORE_STALL: AtomicUsize = AtomicUsize::new(0);
static STALLED: AtomicBool = AtomicBool::new(false);

impl User for StallingUser {
    fn wait_time() -> WaitTime {
        constant(0.5)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, stall_once)]
    }
}

async fn stall_once(_: &mut StallingUser, _: &Client) {
    if TASKS_BEFORE_STALL.fetch_add(1, Ordering::SeqCst) == 3 && !STALLED.swap(true, Ordering::SeqCst) {
        tokio::time::advance(Duration::from_millis(2500)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn history_windows_are_divided_by_their_real_length() {
    let config = RunConfig::new(
        vec![UserClass::of::<StallingUser>()],
        "http://127.0.0.1:9",
        1,
        1.0,
        Duration::from_secs(7),
    );
    let result = run(config).await.unwrap();
    assert!(STALLED.load(Ordering::SeqCst), "the stall happened");
    let windows: Vec<f64> = result.history.iter().map(|point| point.window).collect();
    // One point per grid second, except the seconds the stall swallowed: no catch-up points.
    assert!(windows.iter().all(|&w| w >= 0.99), "no short catch-up windows: {windows:?}");
    let stalled = windows.iter().copied().fold(0.0, f64::max);
    assert!((2.5..3.1).contains(&stalled), "the stalled window lasted {stalled:.2}s: {windows:?}");
    // The windows tile the run: each ends where the next begins.
    let covered: f64 = windows.iter().sum();
    let last = result.history.last().unwrap().elapsed;
    assert!((covered - last).abs() < 1e-6, "windows cover {covered:.3}s of {last:.3}s");
    assert_eq!(result.history.len(), 4, "{windows:?}");
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

/// Leaves the id in the name: every request gets a statistics row of its own.
#[derive(Default)]
struct ExplodingUser;

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

impl User for ExplodingUser {
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, unnamed_id)]
    }
}

async fn unnamed_id(_: &mut ExplodingUser, client: &Client) {
    let id = NEXT_ID.fetch_add(1, Ordering::SeqCst);
    client.get("/health").name(format!("/health/{id}")).send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exploding_names_are_capped_and_the_learner_is_told_during_the_run_and_after() {
    use loadlab::engine::runner::Notice;
    use loadlab::engine::stats::{MAX_NAMES, OVERFLOW_NAME};
    let server = lab_server().await;
    let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
    let mut config = RunConfig::new(
        vec![UserClass::of::<ExplodingUser>()],
        server.url(),
        4,
        100.0,
        Duration::from_secs(4),
    );
    let notices = std::sync::Arc::clone(&seen);
    config.observer = Some(Box::new(move |status: &loadlab::engine::LiveStatus<'_>| {
        notices.lock().unwrap().extend(status.notices.clone())
    }));
    let result = run(config).await.unwrap();
    server.shutdown().await;
    assert!(
        result.total.num_requests > MAX_NAMES as u64 + 50,
        "too few requests to pass the limit: {}",
        result.total.num_requests
    );
    assert_eq!(result.stats.len(), MAX_NAMES + 1, "500 rows and one overflow row");
    let overflow = row(&result, OVERFLOW_NAME);
    assert_eq!(overflow.num_requests, result.total.num_requests - MAX_NAMES as u64);
    // During the run: told once, in Korean, with the fix.
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, vec![Notice::NameLimit], "{seen:?}");
    let text = loadlab::engine::console::notice_text(&seen[0]);
    assert!(text.contains("요청 이름이 500개를 넘었어요") && text.contains(".name("), "{text}");
    // After the run: in the JSON result and in explain.
    let limit = result.generator.name_limit.as_ref().expect("recorded in the result");
    assert_eq!(limit.overflow_requests, overflow.num_requests);
    let json = serde_json::to_string(&result).unwrap();
    assert!(json.contains("\"name_limit\""));
    let explanation = loadlab::explain::explain(&result);
    let finding = explanation.finding(loadlab::explain::FindingId::NameExplosion).expect("explained");
    assert!(finding.advice.iter().any(|line| line.contains(".name(")), "{:?}", finding.advice);
}

/// Ten tasks a second against an endpoint that takes 250 ms: every task overruns its interval.
#[derive(Default)]
struct FixedRateSlowUser;

impl User for FixedRateSlowUser {
    fn wait_time() -> WaitTime {
        constant_throughput(10)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, slow_call)]
    }
}

async fn slow_call(_: &mut FixedRateSlowUser, client: &Client) {
    client.get("/__test/delay/250").name("slow").send().await;
}

/// One task a second against a fast endpoint: always on time.
#[derive(Default)]
struct FixedRateFastUser;

impl User for FixedRateFastUser {
    fn wait_time() -> WaitTime {
        constant_throughput(1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, fast_call)]
    }
}

async fn fast_call(_: &mut FixedRateFastUser, client: &Client) {
    client.get("/health").name("fast").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_rate_users_report_latency_from_the_intended_start() {
    let server = lab_server().await;
    let config = RunConfig::new(
        vec![UserClass::of::<FixedRateSlowUser>()],
        server.url(),
        1,
        10.0,
        Duration::from_secs(3),
    );
    let slow = run(config).await.unwrap();
    let config = RunConfig::new(
        vec![UserClass::of::<FixedRateFastUser>()],
        server.url(),
        1,
        10.0,
        Duration::from_millis(2500),
    );
    let fast = run(config).await.unwrap();
    server.shutdown().await;

    let measured = row(&slow, "slow");
    assert!(measured.num_requests >= 5, "{}", measured.num_requests);
    let corrected = measured.corrected_if_different().expect("late requests have corrected times");
    // Each task took >= 250 ms of a 100 ms interval, so the next one left >= 150 ms late.
    assert!(
        corrected.percentile(0.95) >= measured.percentile(0.95) + 150.0,
        "corrected p95 {} vs measured p95 {}",
        corrected.percentile(0.95),
        measured.percentile(0.95)
    );
    let summary = loadlab::engine::console::summary(&slow);
    assert!(summary.contains("의도한 시작부터"), "{summary}");
    let explanation = loadlab::explain::explain(&slow);
    let finding = explanation.finding(loadlab::explain::FindingId::CoordinatedOmission).expect("explained");
    assert!(finding.advice.iter().any(|line| line.contains("coordinated omission")));

    let on_time = row(&fast, "fast");
    assert!(on_time.num_requests >= 2);
    assert!(on_time.corrected.is_some(), "a fixed-rate user's row has both views");
    assert!(
        on_time.corrected_if_different().is_none(),
        "on time: the corrected times equal the measured ones"
    );
    assert!(!loadlab::engine::console::summary(&fast).contains("의도한 시작부터"));
}

/// Writes a todo as fast as it can: each write blocks a server thread under blocking-io.
#[derive(Default)]
struct BlockingWriter;

impl User for BlockingWriter {
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, create_todo)]
    }
}

async fn create_todo(_: &mut BlockingWriter, client: &Client) {
    client.post("/todos/").json(&json!({ "title": "blocking" })).name("create").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_lab_server_cannot_stall_the_generator() {
    use loadlab::cli::run::IsolatedServer;
    use loadlab::server::Bottleneck;
    const SECONDS: usize = 10;
    let server = IsolatedServer::start(ServerConfig {
        bottlenecks: vec![Bottleneck::BlockingIo],
        ..ServerConfig::in_memory()
    })
    .await
    .unwrap();
    let config = RunConfig::new(
        vec![UserClass::of::<BlockingWriter>()],
        server.url(),
        100,
        100.0,
        Duration::from_secs(SECONDS as u64),
    );
    let result = run(config).await.unwrap();
    server.shutdown().await;
    assert!(row(&result, "create").num_requests > 0);
    let windows: Vec<f64> = result.history.iter().map(|point| point.window).collect();
    // One point a second (the last second ends the run before its point): N ± 10 %. With the
    // server on the users' runtime, its blocked threads delayed the sampler: windows of
    // 0.78–1.36 s were measured; on its own runtime they stay within 2 %.
    let points = windows.len() as f64;
    assert!(
        (SECONDS as f64 * 0.9..=SECONDS as f64 * 1.1).contains(&points),
        "{} points: {windows:?}",
        points
    );
    assert!(windows.iter().all(|&w| (0.9..1.1).contains(&w)), "a stalled window: {windows:?}");
}

/// Counts its `on_stop`s and sends nothing.
#[derive(Default)]
struct CountingStopper;

static ON_STOPS: AtomicUsize = AtomicUsize::new(0);

impl User for CountingStopper {
    fn wait_time() -> WaitTime {
        constant(0.3)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, long_task)]
    }
    async fn on_stop(&mut self, _: &Client) {
        ON_STOPS.fetch_add(1, Ordering::SeqCst);
    }
}

async fn long_task(_: &mut CountingStopper, _: &Client) {
    // Always busy when stopped: a task in flight must not keep on_stop from running.
    tokio::time::sleep(Duration::from_secs(10)).await;
}

#[tokio::test(start_paused = true)]
async fn users_removed_by_a_shape_and_at_the_end_run_on_stop() {
    use loadlab::engine::shape::Schedule;
    let mut config = RunConfig::new(
        vec![UserClass::of::<CountingStopper>()],
        "http://127.0.0.1:9",
        0,
        1.0,
        Duration::ZERO,
    );
    // Four users, down to one, then the end: three stopped by the shape, one by the end.
    config.schedule = Schedule::parse_stages("4:100ms,4:1s,1:100ms,1:1s").unwrap();
    let result = run(config).await.unwrap();
    assert_eq!(result.history.last().unwrap().users, 1);
    assert_eq!(ON_STOPS.load(Ordering::SeqCst), 4, "every user that started ran on_stop");
    assert!(result.duration < 2.3, "on_stop did not wait for the 10 s tasks: {:.2}s", result.duration);
}
