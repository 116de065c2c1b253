//! The engine's statistics, checked against the lab server on a free loopback port: exact
//! percentiles against an endpoint with a known delay, the cap on distinct request names,
//! latency from the intended start for fixed-rate users, and a sampler that a blocking server
//! cannot stall.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use loadlab::engine::{RunConfig, run};
use loadlab::prelude::*;
use loadlab::server::ServerConfig;

use crate::users;

use users::{get_user, lab_server, row};

get_user!(DelayUser, fixed_delay, constant(0), "/__test/delay/40", "delay");

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

// Ten tasks a second against an endpoint that takes 250 ms: every task overruns its interval.
get_user!(FixedRateSlowUser, slow_call, constant_throughput(10), "/__test/delay/250", "slow");

// One task a second against a fast endpoint: always on time.
get_user!(FixedRateFastUser, fast_call, constant_throughput(1), "/health", "fast");

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
    use loadlab::ops::lab::IsolatedServer;
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
