//! The stages of a staged shape: one [`Stage`] (users and how long to get there), and the
//! guide's four kinds of load test as lists of stages ([`Preset`]), in their full sizes and
//! compressed into seconds for `--quick`.

use std::time::Duration;

/// One stage of a staged shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub users: usize,
    pub duration: Duration,
}

/// The guide's four kinds of load test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Ramp up to the expected load, hold it, ramp down.
    Load,
    /// Step the users up until a maximum, to find where the system breaks.
    Stress,
    /// A baseline, a sudden jump, back to the baseline.
    Spike,
    /// The expected load, held for a long time.
    Soak,
}

impl Preset {
    pub fn parse(name: &str) -> Option<Preset> {
        match name {
            "load" => Some(Preset::Load),
            "stress" => Some(Preset::Stress),
            "spike" => Some(Preset::Spike),
            "soak" => Some(Preset::Soak),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Load => "load",
            Preset::Stress => "stress",
            Preset::Spike => "spike",
            Preset::Soak => "soak",
        }
    }

    /// The stages: the guide's sizes, or with `quick` the same shape compressed into seconds.
    pub fn stages(self, quick: bool) -> Vec<Stage> {
        let stage = |users: usize, seconds: u64| Stage { users, duration: Duration::from_secs(seconds) };
        match (self, quick) {
            // 실습 4: 50 users at 10/s, 5 minutes.
            (Preset::Load, false) => vec![stage(50, 5), stage(50, 285), stage(0, 10)],
            (Preset::Load, true) => vec![stage(20, 4), stage(20, 12), stage(0, 4)],
            // 실습 3/4: +50 users a minute up to 500 (10 minutes); quick: +10 every 3 s up to 100.
            (Preset::Stress, false) => steps(50, 50, 500, 60, 50.0),
            (Preset::Stress, true) => steps(10, 10, 100, 3, 50.0),
            // 실습 4: 0 → 200 → 0 at 100/s within 3 minutes, around a small baseline.
            (Preset::Spike, false) => {
                vec![stage(10, 1), stage(10, 60), stage(200, 2), stage(200, 60), stage(10, 2), stage(10, 55)]
            }
            (Preset::Spike, true) => {
                vec![stage(10, 1), stage(10, 5), stage(200, 2), stage(200, 8), stage(10, 2), stage(10, 5)]
            }
            // 100 users held for an hour (the guide holds for hours or a day: use -t for longer).
            (Preset::Soak, false) => vec![stage(100, 10), stage(100, 3590)],
            (Preset::Soak, true) => vec![stage(50, 5), stage(50, 25)],
        }
    }
}

/// `start`, `start + step`, … up to `max` users, each held `hold` seconds, reached at `rate`/s.
fn steps(start: usize, step: usize, max: usize, hold: u64, rate: f64) -> Vec<Stage> {
    let mut stages = Vec::new();
    let mut users = start;
    let mut previous = 0;
    loop {
        let ramp = (users - previous) as f64 / rate;
        stages.push(Stage { users, duration: Duration::from_millis((ramp.max(0.1) * 1000.0) as u64) });
        stages.push(Stage { users, duration: Duration::from_secs(hold) });
        if users >= max {
            return stages;
        }
        previous = users;
        users = (users + step).min(max);
    }
}
