//! Load shapes: what user count a run aims for at each moment, and when it ends. A plain run is
//! a fixed shape (`-u`, `-r`, `-t`); `--shape "10:30s,50:1m,0:10s"` is a list of stages, each
//! ramping linearly from the previous stage's users to its own over its duration; the guide's
//! four kinds of test are [`Preset`]s (with a time-compressed `--quick` variant); and a
//! scenario can bring its own [`LoadShape`], Locust's `LoadTestShape`.

mod stages;

use std::time::Duration;

pub use stages::{Preset, Stage};

/// What the runner should aim for now: how many users (or how many of each class), and how
/// fast to get there.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub users: usize,
    /// Users started (or stopped) per second on the way to `users`.
    pub spawn_rate: f64,
    /// The stage's label, shown in the live display.
    pub stage: Option<String>,
    /// Exact users per class (by the run's class order) instead of the weighted mix.
    pub class_counts: Option<Vec<usize>>,
}

/// Locust's `LoadTestShape`: asked about once a second how many users to run now and how fast
/// to get there, or `None` to end the run.
pub trait LoadShape: Send + 'static {
    /// `run_time` is the time since the start of the run.
    fn tick(&mut self, run_time: Duration) -> Option<(usize, f64)>;
}

/// A scenario's shape type, as `--shape NAME` finds it (`SpikeShape`).
#[derive(Clone)]
pub struct ShapeClass {
    pub name: &'static str,
    make: fn() -> Box<dyn LoadShape>,
}

impl ShapeClass {
    /// The shape `S`, named after its type.
    pub fn of<S: LoadShape + Default>() -> Self {
        let name = std::any::type_name::<S>();
        ShapeClass { name: name.rsplit("::").next().unwrap_or(name), make: || Box::new(S::default()) }
    }

    /// The same shape under another name (a test fixture standing in for `SpikeShape`).
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// A fresh instance, for one run.
    pub fn instance(&self) -> Box<dyn LoadShape> {
        (self.make)()
    }
}

enum Kind {
    Fixed {
        users: usize,
        spawn_rate: f64,
        run_time: Option<Duration>,
    },
    Stages {
        stages: Vec<Stage>,
        label: String,
    },
    Custom {
        shape: Box<dyn LoadShape>,
        label: String,
        last: Option<(Duration, Option<(usize, f64)>)>,
    },
    /// Steered by a front end ([`super::control`]): no end of its own but `run_time`.
    Controlled {
        users: usize,
        spawn_rate: f64,
        class_counts: Option<Vec<usize>>,
        run_time: Option<Duration>,
    },
}

/// A run's schedule.
pub struct Schedule {
    kind: Kind,
}

impl Preset {
    /// The preset as a schedule, labelled with its name (and `(quick)` when compressed).
    pub fn schedule(self, quick: bool) -> Schedule {
        let label = if quick { format!("{} (quick)", self.name()) } else { self.name().to_string() };
        Schedule::stages(self.stages(quick), label)
    }
}

impl Schedule {
    /// `users` at `spawn_rate` per second, for `run_time` (or until interrupted).
    pub fn fixed(users: usize, spawn_rate: f64, run_time: Option<Duration>) -> Self {
        Schedule { kind: Kind::Fixed { users, spawn_rate: spawn_rate.max(0.001), run_time } }
    }

    /// A run that starts with no users and follows a front end's commands ([`Schedule::set_users`],
    /// [`Schedule::set_class_counts`]) until it is stopped, interrupted or `run_time` passes.
    pub fn controlled(run_time: Option<Duration>) -> Self {
        Schedule { kind: Kind::Controlled { users: 0, spawn_rate: 1.0, class_counts: None, run_time } }
    }

    /// From now on, `users` users in the weighted mix at `spawn_rate` per second (infinite: at
    /// once). Any schedule becomes a controlled one that keeps its run time.
    pub fn set_users(&mut self, users: usize, spawn_rate: f64) {
        let run_time = self.run_time();
        self.kind =
            Kind::Controlled { users, spawn_rate: clamp_rate(spawn_rate), class_counts: None, run_time };
    }

    /// From now on, exactly `counts[i]` users of class `i`, changed at `spawn_rate` per second.
    pub fn set_class_counts(&mut self, counts: Vec<usize>, spawn_rate: f64) {
        let run_time = self.run_time();
        self.kind = Kind::Controlled {
            users: counts.iter().sum(),
            spawn_rate: clamp_rate(spawn_rate),
            class_counts: Some(counts),
            run_time,
        };
    }

    /// Linear ramps between stages, starting from 0 users.
    pub fn stages(stages: Vec<Stage>, label: impl Into<String>) -> Self {
        Schedule { kind: Kind::Stages { stages, label: label.into() } }
    }

    /// A scenario's own shape, asked once a second.
    pub fn custom(shape: Box<dyn LoadShape>, label: impl Into<String>) -> Self {
        Schedule { kind: Kind::Custom { shape, label: label.into(), last: None } }
    }

    /// `--shape VALUE`: a preset name (`load`, `stress`, `spike`, `soak`) or stages.
    pub fn parse(value: &str, quick: bool) -> Result<Self, String> {
        match Preset::parse(value.trim()) {
            Some(preset) => Ok(preset.schedule(quick)),
            None if value.contains(':') => Schedule::parse_stages(value),
            None => Err(format!(
                "알 수 없는 부하 모양 '{value}' — load, stress, spike, soak 또는 \"사용자:시간,…\" (예: \"10:30s,50:1m,0:10s\")"
            )),
        }
    }

    /// Parses `"10:30s,50:1m,0:10s"` (users:duration, comma separated).
    pub fn parse_stages(text: &str) -> Result<Self, String> {
        let mut stages = Vec::new();
        for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
            let (users, duration) = part
                .split_once(':')
                .ok_or_else(|| format!("단계 '{part}'의 형식이 잘못되었어요 (예: 10:30s)"))?;
            let users: u64 = users
                .trim()
                .parse()
                .map_err(|_| format!("단계 '{part}'의 사용자 수 '{users}'가 0 이상의 정수가 아니에요"))?;
            let users = crate::limits::users(users).map_err(|why| format!("단계 '{part}': {why}"))?;
            let duration = parse_duration(duration).map_err(|why| format!("단계 '{part}': {why}"))?;
            stages.push(Stage { users, duration });
        }
        if stages.is_empty() {
            return Err("단계가 하나도 없어요 (예: --shape \"10:30s,50:1m,0:10s\")".to_string());
        }
        if stages.len() > crate::limits::MAX_STAGES {
            return Err(format!(
                "단계는 {}개까지 받을 수 있어요 (받은 단계: {}개)",
                crate::limits::MAX_STAGES,
                stages.len()
            ));
        }
        crate::limits::total(stages.iter().map(|stage| stage.duration))?;
        Ok(Schedule::stages(stages, text.trim()))
    }

    /// The goal at `elapsed`, or `None` when the run is over.
    pub fn target_at(&mut self, elapsed: Duration) -> Option<Goal> {
        match &mut self.kind {
            Kind::Custom { shape, label, last } => {
                let due = last.as_ref().is_none_or(|(asked, _)| elapsed >= *asked + Duration::from_secs(1));
                if due {
                    *last = Some((elapsed, shape.tick(elapsed)));
                }
                // A scenario's shape is code, not a checked value: the runner holds its answer to
                // what the process can hold, and says so.
                let (users, spawn_rate) = last.as_ref().and_then(|(_, answer)| *answer)?;
                Some(Goal {
                    users,
                    spawn_rate: clamp_rate(spawn_rate),
                    stage: Some(format!("{label} → {users}명")),
                    class_counts: None,
                })
            }
            Kind::Fixed { users, spawn_rate, run_time } => {
                if run_time.is_some_and(|limit| elapsed >= limit) {
                    return None;
                }
                Some(Goal { users: *users, spawn_rate: *spawn_rate, stage: None, class_counts: None })
            }
            Kind::Controlled { users, spawn_rate, class_counts, run_time } => {
                if run_time.is_some_and(|limit| elapsed >= limit) {
                    return None;
                }
                Some(Goal {
                    users: *users,
                    spawn_rate: *spawn_rate,
                    stage: None,
                    class_counts: class_counts.clone(),
                })
            }
            Kind::Stages { stages, .. } => {
                let mut start = Duration::ZERO;
                let mut from = 0usize;
                for (index, stage) in stages.iter().enumerate() {
                    let end = start + stage.duration;
                    if elapsed < end {
                        let progress =
                            (elapsed - start).as_secs_f64() / stage.duration.as_secs_f64().max(1e-9);
                        let users = from as f64 + (stage.users as f64 - from as f64) * progress;
                        let slope =
                            (stage.users as f64 - from as f64).abs() / stage.duration.as_secs_f64().max(1e-9);
                        return Some(Goal {
                            users: users.round() as usize,
                            // Fast enough to follow the ramp, never slower than 1 user a second.
                            spawn_rate: (slope * 2.0).max(1.0),
                            stage: Some(format!("{}/{} 단계 → {}명", index + 1, stages.len(), stage.users)),
                            class_counts: None,
                        });
                    }
                    start = end;
                    from = stage.users;
                }
                None
            }
        }
    }

    pub fn run_time(&self) -> Option<Duration> {
        match &self.kind {
            Kind::Fixed { run_time, .. } | Kind::Controlled { run_time, .. } => *run_time,
            Kind::Stages { stages, .. } => Some(stages.iter().map(|stage| stage.duration).sum()),
            Kind::Custom { .. } => None,
        }
    }

    /// The most users the schedule asks for (known ahead only for fixed and staged shapes).
    pub fn peak_users(&self) -> usize {
        match &self.kind {
            Kind::Fixed { users, .. } => *users,
            Kind::Stages { stages, .. } => stages.iter().map(|stage| stage.users).max().unwrap_or(0),
            Kind::Custom { .. } | Kind::Controlled { .. } => 0,
        }
    }

    pub fn spawn_rate(&self) -> f64 {
        match &self.kind {
            Kind::Fixed { spawn_rate, .. } | Kind::Controlled { spawn_rate, .. } => *spawn_rate,
            Kind::Stages { .. } | Kind::Custom { .. } => 0.0,
        }
    }

    /// The schedule in one Korean phrase for the run's header: the users and spawn rate a
    /// fixed run asks for, or a shape's own stages (how many users, how fast, how long).
    pub fn describe(&self) -> String {
        let seconds = |duration: Duration| format!("{}초", trim_number(duration.as_secs_f64()));
        match &self.kind {
            Kind::Fixed { users, spawn_rate, run_time } => format!(
                "사용자 {users}명, 초당 {}명{}",
                trim_number(*spawn_rate),
                run_time.map(|t| format!(", {}", seconds(t))).unwrap_or_default()
            ),
            Kind::Stages { stages, label } => {
                const SHOWN: usize = 6;
                let mut from = 0;
                let mut parts: Vec<String> = stages
                    .iter()
                    .map(|stage| {
                        let part = if stage.users == from {
                            format!("{}명 유지 {}", stage.users, seconds(stage.duration))
                        } else {
                            let rate =
                                from.abs_diff(stage.users) as f64 / stage.duration.as_secs_f64().max(0.001);
                            format!(
                                "{from}→{}명 {}(초당 {}명)",
                                stage.users,
                                seconds(stage.duration),
                                trim_number((rate * 10.0).round() / 10.0)
                            )
                        };
                        from = stage.users;
                        part
                    })
                    .collect();
                if parts.len() > SHOWN {
                    let hidden = parts.len() - SHOWN + 1;
                    parts.truncate(SHOWN - 1);
                    parts.push(format!("… 단계 {hidden}개 더"));
                }
                format!(
                    "모양 {label}: {}; 최대 {}명, 모두 {}",
                    parts.join(", "),
                    self.peak_users(),
                    seconds(self.run_time().unwrap_or_default())
                )
            }
            Kind::Custom { label, .. } => format!("모양 {label}: 사용자 수와 투입 속도는 모양이 정해요"),
            Kind::Controlled { users, .. } => format!("사용자 {users}명, 실행 중에 바뀔 수 있어요"),
        }
    }

    pub fn label(&self) -> Option<String> {
        match &self.kind {
            Kind::Fixed { .. } | Kind::Controlled { .. } => None,
            Kind::Stages { label, .. } | Kind::Custom { label, .. } => Some(label.clone()),
        }
    }
}

/// Rates below 0.001 (and NaN) are 0.001 as in [`Schedule::fixed`]; infinity stays: at once.
fn clamp_rate(rate: f64) -> f64 {
    if rate.is_nan() { 0.001 } else { rate.max(0.001) }
}

/// 1.5 → "1.5", 2.0 → "2".
fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Parses Locust-style durations (`15s`, `1m30s`, `2h`, or a bare number of seconds) within
/// [`crate::limits::MAX_DURATION`]; see [`crate::limits::duration`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::limits::duration(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_shape_describes_its_own_schedule() {
        let spike = super::Preset::Spike.schedule(true).describe();
        assert!(
            spike.starts_with(
                "모양 spike (quick): 0→10명 1초(초당 10명), 10명 유지 5초, 10→200명 2초(초당 95명)"
            ),
            "{spike}"
        );
        assert!(spike.ends_with("최대 200명, 모두 23초"), "{spike}");
        assert!(!spike.contains("초당 1명"), "{spike}");
        let stress = super::Preset::Stress.schedule(true).describe();
        assert!(stress.contains("… 단계 15개 더") && stress.contains("최대 100명"), "{stress}");
        let fixed = super::Schedule::fixed(20, 5.0, Some(std::time::Duration::from_secs(15))).describe();
        assert_eq!(fixed, "사용자 20명, 초당 5명, 15초");
    }

    use super::*;

    #[test]
    fn durations_parse_like_locust() {
        assert_eq!(parse_duration("15s"), Ok(Duration::from_secs(15)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("20"), Ok(Duration::from_secs(20)));
        assert!(parse_duration("15 apples").is_err());
        assert!(parse_duration("-3").is_err());
    }

    #[test]
    fn stages_ramp_linearly_and_end() {
        let mut schedule = Schedule::parse_stages("10:10s,10:5s,0:5s").unwrap();
        assert_eq!(schedule.target_at(Duration::from_secs(5)).unwrap().users, 5);
        assert_eq!(schedule.target_at(Duration::from_secs(12)).unwrap().users, 10);
        assert_eq!(schedule.target_at(Duration::from_millis(17_500)).unwrap().users, 5);
        assert_eq!(schedule.target_at(Duration::from_secs(20)), None);
        assert_eq!(schedule.peak_users(), 10);
        assert!(Schedule::parse_stages("10-30s").is_err());
        assert!(Schedule::parse("wave", false).is_err());
        assert!(Schedule::parse_stages("ten:30s").is_err());
    }

    #[test]
    fn presets_follow_the_guide() {
        let peak = |preset: Preset, quick| Schedule::stages(preset.stages(quick), "").peak_users();
        assert_eq!(peak(Preset::Load, false), 50);
        assert_eq!(peak(Preset::Stress, false), 500);
        assert_eq!(peak(Preset::Spike, false), 200);
        let mut spike = Preset::Spike.schedule(true);
        assert_eq!(spike.target_at(Duration::from_secs(3)).unwrap().users, 10);
        assert_eq!(spike.target_at(Duration::from_secs(10)).unwrap().users, 200);
        assert_eq!(spike.target_at(Duration::from_secs(20)).unwrap().users, 10);
        assert!(spike.run_time().unwrap() <= Duration::from_secs(30));
        let full = Preset::Stress.schedule(false).run_time().unwrap();
        assert_eq!(full.as_secs() / 60, 10, "stress holds 10 steps of a minute");
        let mut stress = Preset::Stress.schedule(true);
        let users: Vec<usize> =
            (0..40).filter_map(|s| stress.target_at(Duration::from_secs(s)).map(|t| t.users)).collect();
        assert!(users.windows(2).all(|w| w[1] >= w[0]), "stress only steps up: {users:?}");
        assert_eq!(*users.last().unwrap(), 100);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..Default::default() })]

        /// Any shape string is a schedule within the limits, or a sentence; a schedule that
        /// parses answers at any moment without panicking.
        #[test]
        fn any_shape_is_bounded_or_refused(
            stages in proptest::collection::vec(("[0-9]{0,22}|-1", proptest::prelude::any::<f64>(), "s|m|h|"), 0..6),
            probe in proptest::prelude::any::<u64>(),
        ) {
            let text: Vec<String> =
                stages.iter().map(|(users, seconds, unit)| format!("{users}:{seconds}{unit}")).collect();
            let text = text.join(",");
            if let Ok(mut schedule) = Schedule::parse(&text, false) {
                let run_time = schedule.run_time().unwrap_or_default();
                proptest::prop_assert!(run_time <= crate::limits::MAX_DURATION);
                proptest::prop_assert!(schedule.peak_users() <= crate::limits::MAX_USERS);
                let at = Duration::from_nanos(probe % (run_time.as_nanos() as u64).max(1));
                if let Some(target) = schedule.target_at(at) {
                    proptest::prop_assert!(target.users <= crate::limits::MAX_USERS);
                }
                let _ = schedule.describe();
            }
        }

        #[test]
        fn any_text_is_a_shape_or_a_sentence(text in "\\PC{0,40}") {
            let _ = Schedule::parse(&text, false);
            let _ = Schedule::parse(&text, true);
        }
    }

    #[test]
    fn sums_of_stages_are_checked() {
        let long = "10:10000000000000000000s,10:10000000000000000000s";
        assert!(Schedule::parse(long, false).is_err());
        assert!(Schedule::parse("10:20d,10:20d", false).err().unwrap().contains("30일"));
        assert!(Schedule::parse("10:1e20", false).err().unwrap().contains("너무 길어요"));
        assert!(Schedule::parse("100000000000:2s", false).err().unwrap().contains("10000명까지"));
        assert!(Schedule::parse(&"1:1s,".repeat(1001), false).err().unwrap().contains("1000개까지"));
    }

    struct Doubling;

    impl LoadShape for Doubling {
        fn tick(&mut self, run_time: Duration) -> Option<(usize, f64)> {
            (run_time < Duration::from_secs(3)).then(|| (1 << run_time.as_secs(), 10.0))
        }
    }

    #[test]
    fn custom_shapes_are_asked_once_a_second() {
        let mut schedule = Schedule::custom(Box::new(Doubling), "doubling");
        assert_eq!(schedule.target_at(Duration::from_millis(0)).unwrap().users, 1);
        assert_eq!(schedule.target_at(Duration::from_millis(900)).unwrap().users, 1);
        assert_eq!(schedule.target_at(Duration::from_millis(1000)).unwrap().users, 2);
        assert_eq!(schedule.target_at(Duration::from_millis(2100)).unwrap().users, 4);
        assert_eq!(schedule.target_at(Duration::from_millis(3200)), None);
    }
}
