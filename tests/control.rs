//! Live control of a run (engine::control): a controlled run starts with no users and follows a
//! front end's commands — users at a spawn rate, exact counts per class, reset, stop — and
//! every stopped user runs `on_stop`. Schedules run on tokio's paused clock.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use loadlab::engine::control::{self, RunControl};
use loadlab::engine::shape::Schedule;
use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A controlled run of `classes` against `host`, in the background.
fn start(classes: Vec<UserClass>, host: &str) -> (RunControl, JoinHandle<RunResult>) {
    let (control, receiver) = control::channel();
    let mut config = RunConfig::new(classes, host, 0, 1.0, Duration::ZERO);
    config.schedule = Schedule::controlled(None);
    config.control = Some(receiver);
    (control, tokio::spawn(async move { run(config).await.expect("the run runs") }))
}

static QUIET_STOPS: AtomicUsize = AtomicUsize::new(0);

/// Sends nothing and counts its `on_stop`s.
#[derive(Default)]
struct Quiet;

impl User for Quiet {
    fn wait_time() -> WaitTime {
        constant(1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, idle)]
    }
    async fn on_stop(&mut self, _: &Client) {
        QUIET_STOPS.fetch_add(1, Ordering::SeqCst);
    }
}

async fn idle(_: &mut Quiet, _: &Client) {}

#[tokio::test(start_paused = true)]
async fn users_follow_the_commands_at_the_spawn_rate_and_stop_runs_on_stop() {
    let (control, run) = start(vec![UserClass::of::<Quiet>()], "http://127.0.0.1:9");
    let began = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(control.state().users, 0, "a controlled run starts with no users");
    control.set_users(8, 4.0);
    tokio::time::sleep(Duration::from_secs(1)).await;
    // 4 a second, the first at once: 4 or 5 after one second.
    let users = control.state().users;
    assert!((4..=5).contains(&users), "users after 1 s at 4/s: {users}");
    let state = control.settled().await;
    assert_eq!((state.users, state.target_users, state.spawning), (8, 8, false));
    let took = (Instant::now() - began).as_secs_f64() - 0.5;
    // The 8th user starts 7 × 0.25 s after the first, within a 10 ms tick of the runner.
    assert!((1.74..=1.76).contains(&took), "8 users at 4/s took {took:.3}s");
    control.set_users(3, f64::INFINITY);
    let state = control.settled().await;
    assert_eq!(state.users, 3, "fewer users at once");
    control.stop();
    let result = run.await.unwrap();
    assert!(!result.interrupted);
    assert_eq!(result.settings.users, 8, "the most users that ran");
    assert_eq!(QUIET_STOPS.load(Ordering::SeqCst), 8, "every user that started ran on_stop");
    assert!(control.state().finished);
}

#[derive(Default)]
struct Heavy;

impl User for Heavy {
    fn weight() -> u32 {
        3
    }
    fn wait_time() -> WaitTime {
        constant(1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, heavy_idle)]
    }
}

async fn heavy_idle(_: &mut Heavy, _: &Client) {}

#[derive(Default)]
struct Light;

impl User for Light {
    fn wait_time() -> WaitTime {
        constant(1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, light_idle)]
    }
}

async fn light_idle(_: &mut Light, _: &Client) {}

fn counts(state: &loadlab::engine::control::RunState) -> Vec<(&str, usize)> {
    state.class_users.iter().map(|(name, n)| (name.as_str(), *n)).collect()
}

#[tokio::test(start_paused = true)]
async fn class_counts_run_exactly_the_asked_users_per_class() {
    let (control, run) =
        start(vec![UserClass::of::<Heavy>(), UserClass::of::<Light>()], "http://127.0.0.1:9");
    // Against the weights (3:1): exact counts win.
    control.set_class_counts(vec![("Heavy".into(), 1), ("Light".into(), 5)], f64::INFINITY);
    let state = control.settled().await;
    assert_eq!(counts(&state), [("Heavy", 1), ("Light", 5)]);
    // A class left out runs no users; unknown names are ignored.
    control.set_class_counts(vec![("Heavy".into(), 4), ("Nobody".into(), 7)], 2.0);
    let began = Instant::now();
    let state = control.settled().await;
    assert_eq!(counts(&state), [("Heavy", 4), ("Light", 0)]);
    // 3 starts and 5 stops at 2 changes a second (one at once): about 3.5 s.
    let took = (Instant::now() - began).as_secs_f64();
    assert!((3.49..=3.52).contains(&took), "8 changes at 2/s took {took:.3}s");
    // Back to the weighted mix.
    control.set_users(8, f64::INFINITY);
    let state = control.settled().await;
    assert_eq!(state.users, 8);
    control.stop();
    let result = run.await.unwrap();
    let users: Vec<usize> = result.settings.classes.iter().map(|class| class.users).collect();
    assert_eq!(users.iter().sum::<usize>(), 8, "{users:?}");
}

static AFTER_RESET: AtomicBool = AtomicBool::new(false);
static NOISY_STOPS: AtomicUsize = AtomicUsize::new(0);

/// Before the reset: a request, a failure and a panic per task; after it: one named request.
#[derive(Default)]
struct Noisy;

impl User for Noisy {
    fn wait_time() -> WaitTime {
        constant(0.01)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, noise)]
    }
    async fn on_stop(&mut self, _: &Client) {
        NOISY_STOPS.fetch_add(1, Ordering::SeqCst);
    }
}

async fn noise(_: &mut Noisy, client: &Client) {
    if AFTER_RESET.load(Ordering::SeqCst) {
        client.get("/health").name("after").send().await;
        return;
    }
    client.get("/health").name("before").send().await;
    client.get("/todos/999999").name("missing").send().await;
    panic!("before the reset");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_forgets_requests_failures_exceptions_and_history() {
    let server =
        loadlab::server::start(loadlab::server::ServerConfig::in_memory()).await.expect("lab server starts");
    let (control, run) = start(vec![UserClass::of::<Noisy>()], &server.url());
    control.report_intervals();
    control.set_users(2, f64::INFINITY);
    // Until the run has seen failures and a second of history.
    let mut seen = (0, 0);
    while seen.0 == 0 || seen.1 == 0 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        let interval = control.take_interval().expect("deltas are kept");
        seen.0 += interval.total.failures;
        seen.1 += interval.exceptions.len();
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Every user stopped (and so recorded its last request) before the reset.
    control.set_users(0, f64::INFINITY);
    control.settled().await;
    while NOISY_STOPS.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    AFTER_RESET.store(true, Ordering::SeqCst);
    control.reset_stats();
    control.set_users(1, f64::INFINITY);
    let mut after = 0;
    while after == 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after += control.take_interval().expect("deltas are kept").total.requests;
    }
    control.stop();
    let result = run.await.unwrap();
    server.shutdown().await;
    let names: Vec<&str> = result.stats.iter().map(|row| row.name.as_str()).collect();
    assert_eq!(names, ["after"], "only what came after the reset");
    assert_eq!(result.total.num_failures, 0);
    assert!(result.errors.is_empty() && result.exceptions.is_empty(), "{:?}", result.exceptions);
    // The history before the reset had failures in every point.
    assert!(
        result.history.iter().all(|point| point.total_failures == 0),
        "history from before the reset: {:?}",
        result.history.iter().map(|p| p.total_failures).collect::<Vec<_>>()
    );
    assert!(result.total.num_requests >= after);
}
