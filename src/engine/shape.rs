//! Load shapes: what user count a run aims for at each moment, and when it ends. A plain run is
//! a fixed shape (`-u`, `-r`, `-t`); `--shape "10:30s,50:1m,0:10s"` is a list of stages, each
//! ramping linearly from the previous stage's users to its own over its duration.

use std::time::Duration;

/// What the runner should aim for now.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub users: usize,
    /// Users started (or stopped) per second on the way to `users`.
    pub spawn_rate: f64,
    /// The stage's label, shown in the live display.
    pub stage: Option<String>,
}

/// One stage of a staged shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub users: usize,
    pub duration: Duration,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Fixed { users: usize, spawn_rate: f64, run_time: Option<Duration> },
    Stages { stages: Vec<Stage>, label: String },
}

/// A run's schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    kind: Kind,
}

impl Schedule {
    /// `users` at `spawn_rate` per second, for `run_time` (or until interrupted).
    pub fn fixed(users: usize, spawn_rate: f64, run_time: Option<Duration>) -> Self {
        Schedule { kind: Kind::Fixed { users, spawn_rate: spawn_rate.max(0.001), run_time } }
    }

    /// Linear ramps between stages, starting from 0 users.
    pub fn stages(stages: Vec<Stage>, label: impl Into<String>) -> Self {
        Schedule { kind: Kind::Stages { stages, label: label.into() } }
    }

    /// Parses `"10:30s,50:1m,0:10s"` (users:duration, comma separated).
    pub fn parse_stages(text: &str) -> Result<Self, String> {
        let mut stages = Vec::new();
        for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
            let (users, duration) = part
                .split_once(':')
                .ok_or_else(|| format!("단계 '{part}'의 형식이 잘못되었습니다 (예: 10:30s)"))?;
            let users: usize = users
                .trim()
                .parse()
                .map_err(|_| format!("단계 '{part}'의 사용자 수 '{users}'가 숫자가 아닙니다"))?;
            let duration = parse_duration(duration)?;
            stages.push(Stage { users, duration });
        }
        if stages.is_empty() {
            return Err("단계가 하나도 없습니다 (예: --shape \"10:30s,50:1m,0:10s\")".to_string());
        }
        Ok(Schedule::stages(stages, text.trim()))
    }

    /// The target at `elapsed`, or `None` when the run is over.
    pub fn target_at(&self, elapsed: Duration) -> Option<Target> {
        match &self.kind {
            Kind::Fixed { users, spawn_rate, run_time } => {
                if run_time.is_some_and(|limit| elapsed >= limit) {
                    return None;
                }
                Some(Target { users: *users, spawn_rate: *spawn_rate, stage: None })
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
                        return Some(Target {
                            users: users.round() as usize,
                            // Fast enough to follow the ramp, never slower than 1 user a second.
                            spawn_rate: (slope * 2.0).max(1.0),
                            stage: Some(format!("{}/{} 단계 → {}명", index + 1, stages.len(), stage.users)),
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
            Kind::Fixed { run_time, .. } => *run_time,
            Kind::Stages { stages, .. } => Some(stages.iter().map(|stage| stage.duration).sum()),
        }
    }

    pub fn peak_users(&self) -> usize {
        match &self.kind {
            Kind::Fixed { users, .. } => *users,
            Kind::Stages { stages, .. } => stages.iter().map(|stage| stage.users).max().unwrap_or(0),
        }
    }

    pub fn spawn_rate(&self) -> f64 {
        match &self.kind {
            Kind::Fixed { spawn_rate, .. } => *spawn_rate,
            Kind::Stages { .. } => 0.0,
        }
    }

    pub fn label(&self) -> Option<String> {
        match &self.kind {
            Kind::Fixed { .. } => None,
            Kind::Stages { label, .. } => Some(label.clone()),
        }
    }
}

/// Parses Locust-style run times: `15s`, `1m30s`, `2h`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Ok(Duration::from_secs_f64(seconds));
    }
    humantime::parse_duration(text)
        .map_err(|_| format!("시간 '{text}'을(를) 읽을 수 없습니다 (예: 15s, 1m30s, 2h)"))
}

#[cfg(test)]
mod tests {
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
        let schedule = Schedule::parse_stages("10:10s,10:5s,0:5s").unwrap();
        assert_eq!(schedule.target_at(Duration::from_secs(5)).unwrap().users, 5);
        assert_eq!(schedule.target_at(Duration::from_secs(12)).unwrap().users, 10);
        assert_eq!(schedule.target_at(Duration::from_millis(17_500)).unwrap().users, 5);
        assert_eq!(schedule.target_at(Duration::from_secs(20)), None);
        assert_eq!(schedule.peak_users(), 10);
        assert!(Schedule::parse_stages("10-30s").is_err());
        assert!(Schedule::parse_stages("ten:30s").is_err());
    }
}
