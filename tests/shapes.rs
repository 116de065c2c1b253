//! Each load-shape preset (quick variant) and a custom shape produce the user counts they
//! promise over time, read back from the run's per-second history.

use std::time::Duration;

use loadlab::engine::shape::{Preset, Schedule};
use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;
use loadlab::server::{ServerConfig, start};

/// A light user, so hundreds of them stay cheap on two cores.
#[derive(Default)]
struct IdleUser;

impl User for IdleUser {
    fn wait_time() -> WaitTime {
        constant(1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, health)]
    }
}

async fn health(_: &mut IdleUser, client: &Client) {
    client.get("/health").send().await;
}

async fn run_shape(schedule: Schedule) -> RunResult {
    let server = start(ServerConfig::in_memory()).await.unwrap();
    let mut config = RunConfig::new(vec![UserClass::of::<IdleUser>()], server.url(), 0, 1.0, Duration::ZERO);
    config.schedule = schedule;
    let result = run(config).await.unwrap();
    server.shutdown().await;
    result
}

/// Users at `second` (the history point closest to it).
fn users_at(result: &RunResult, second: f64) -> usize {
    result
        .history
        .iter()
        .min_by(|a, b| (a.elapsed - second).abs().total_cmp(&(b.elapsed - second).abs()))
        .map_or(0, |point| point.users)
}

/// The users the preset's own stages promise at `second`.
fn promised(preset: Preset, second: f64) -> usize {
    preset.schedule(true).target_at(Duration::from_secs_f64(second)).map_or(0, |target| target.users)
}

async fn check_preset(preset: Preset, seconds: &[f64]) {
    let result = run_shape(preset.schedule(true)).await;
    let expected_length = preset.schedule(true).run_time().unwrap().as_secs_f64();
    assert!((result.duration - expected_length).abs() < 1.5, "{preset:?} ran {:.1}s", result.duration);
    for &second in seconds {
        let (seen, wanted) = (users_at(&result, second), promised(preset, second));
        // Users arrive at the spawn rate: allow one second of ramping around a change.
        let tolerance = (wanted / 10).max(2);
        assert!(
            seen.abs_diff(wanted) <= tolerance,
            "{preset:?} at {second}s: {seen} users, promised {wanted}"
        );
    }
}

async fn stress_steps_up_to_its_maximum() {
    let result = run_shape(Preset::Stress.schedule(true)).await;
    let levels: Vec<usize> = result.history.iter().map(|point| point.users).collect();
    assert!(levels.windows(2).all(|pair| pair[1] + 1 >= pair[0]), "stress never steps down: {levels:?}");
    assert_eq!(*levels.iter().max().unwrap(), 100);
    for second in [2.0, 8.0, 20.0] {
        let (seen, wanted) = (users_at(&result, second), promised(Preset::Stress, second));
        assert!(seen.abs_diff(wanted) <= 2, "stress at {second}s: {seen}, promised {wanted}");
    }
}

/// All four presets at once (they mostly wait), so the test takes as long as the longest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_produces_the_users_it_promises() {
    tokio::join!(
        check_preset(Preset::Load, &[8.0, 14.0]),
        stress_steps_up_to_its_maximum(),
        check_preset(Preset::Spike, &[4.0, 12.0, 19.0]),
        check_preset(Preset::Soak, &[10.0, 20.0, 28.0]),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_stages_and_shapes_are_followed() {
    let result = run_shape(Schedule::parse_stages("6:2s,6:3s,2:1s,2:2s").unwrap()).await;
    assert_eq!(users_at(&result, 4.0), 6);
    assert_eq!(users_at(&result, 7.0), 2);

    #[derive(Default)]
    struct Stairs;
    impl LoadShape for Stairs {
        fn tick(&mut self, run_time: Duration) -> Option<(usize, f64)> {
            match run_time.as_secs() {
                0..3 => Some((3, 50.0)),
                3..6 => Some((9, 50.0)),
                _ => None,
            }
        }
    }
    let result = run_shape(Schedule::custom(ShapeClass::of::<Stairs>().instance(), "Stairs")).await;
    assert_eq!(users_at(&result, 2.0), 3);
    assert_eq!(users_at(&result, 5.0), 9);
    assert!((5.5..7.5).contains(&result.duration), "{}", result.duration);
}
