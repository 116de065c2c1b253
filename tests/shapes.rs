//! Each load-shape preset (quick variant) and a custom shape produce the user counts they
//! promise over time, read back from the run's per-second history. The runs use users that send
//! nothing, on tokio's paused clock: only the schedule is under test, and a busy machine cannot
//! shift it.

use std::time::Duration;

use loadlab::engine::shape::{Preset, Schedule};
use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;

/// A user that only waits: hundreds of them cost nothing.
#[derive(Default)]
struct IdleUser;

impl User for IdleUser {
    fn wait_time() -> WaitTime {
        constant(1)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, idle)]
    }
}

async fn idle(_: &mut IdleUser, _: &Client) {}

async fn run_shape(schedule: Schedule) -> RunResult {
    // Nothing listens here, and nothing is sent.
    let mut config =
        RunConfig::new(vec![UserClass::of::<IdleUser>()], "http://127.0.0.1:9", 0, 1.0, Duration::ZERO);
    config.schedule = schedule;
    run(config).await.unwrap()
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
    // The runner looks at the clock every 10 ms.
    assert!(
        (expected_length..expected_length + 0.02).contains(&result.duration),
        "{preset:?} ran {:.3}s",
        result.duration
    );
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
#[tokio::test(start_paused = true)]
async fn every_preset_produces_the_users_it_promises() {
    tokio::join!(
        check_preset(Preset::Load, &[8.0, 14.0]),
        stress_steps_up_to_its_maximum(),
        check_preset(Preset::Spike, &[4.0, 12.0, 19.0]),
        check_preset(Preset::Soak, &[10.0, 20.0, 28.0]),
    );
}

#[tokio::test(start_paused = true)]
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
    // Asked once a second (at the first 10 ms tick after each second): ends just after 6 s.
    assert!((6.0..6.1).contains(&result.duration), "{}", result.duration);
}
