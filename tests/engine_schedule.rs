//! The engine's schedule on tokio's paused clock, with users that send nothing so only the
//! schedule is in play: wait times, spawn rate and run time, history windows after a stalled
//! runtime, and `on_stop` for users a shape removes and users the end stops.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use loadlab::engine::{RunConfig, run};
use loadlab::prelude::*;

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
