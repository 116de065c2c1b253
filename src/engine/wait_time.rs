//! How long a user waits after each task: [`WaitTime`] and its constructors (`between`,
//! `constant`, `constant_throughput`). A description a result stores and `explain` reads as
//! much as a rule a running user follows, so it stands below both.

use std::time::Duration;

/// How long a user waits after each task.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WaitTime {
    /// A uniformly random pause in `min..=max` seconds (`between(min, max)`).
    Between { min: f64, max: f64 },
    /// Always the same pause (`constant(seconds)`).
    Constant { seconds: f64 },
    /// Paces the user to at most `per_second` tasks per second, whatever the task took
    /// (`constant_throughput(n)`).
    ConstantThroughput { per_second: f64 },
}

/// `between(min, max)`: seconds, integers or decimals.
pub fn between(min: impl Into<f64>, max: impl Into<f64>) -> WaitTime {
    WaitTime::Between { min: min.into(), max: max.into() }
}

/// `constant(seconds)`.
pub fn constant(seconds: impl Into<f64>) -> WaitTime {
    WaitTime::Constant { seconds: seconds.into() }
}

/// `constant_throughput(tasks_per_second)`.
pub fn constant_throughput(per_second: impl Into<f64>) -> WaitTime {
    WaitTime::ConstantThroughput { per_second: per_second.into() }
}

impl WaitTime {
    /// The pause after a task that took `task_took`, before scaling.
    pub fn next_pause(&self, task_took: Duration) -> Duration {
        let seconds = match *self {
            WaitTime::Between { min, max } => super::random::uniform(min, max),
            WaitTime::Constant { seconds } => seconds,
            WaitTime::ConstantThroughput { per_second } if per_second > 0.0 => {
                1.0 / per_second - task_took.as_secs_f64()
            }
            WaitTime::ConstantThroughput { .. } => 0.0,
        };
        // The scenario chose these numbers: a huge or NaN wait must not panic the user.
        crate::limits::saturating_seconds(seconds)
    }

    /// For a fixed-rate wait time (`constant_throughput`), how late the next task starts
    /// because this one took `task_took` at `time_scale`: the part of the task beyond its
    /// interval (zero when on time). `None` for wait times that set no rate.
    pub fn lateness(&self, task_took: Duration, time_scale: f64) -> Option<Duration> {
        match *self {
            WaitTime::ConstantThroughput { per_second } if per_second > 0.0 => {
                let interval = crate::limits::saturating_seconds(time_scale / per_second);
                Some(task_took.saturating_sub(interval))
            }
            _ => None,
        }
    }

    /// The largest pause this wait time can produce, in seconds (used by graders and explain).
    pub fn max_seconds(&self) -> f64 {
        match *self {
            WaitTime::Between { max, .. } => max,
            WaitTime::Constant { seconds } => seconds,
            WaitTime::ConstantThroughput { per_second } if per_second > 0.0 => 1.0 / per_second,
            WaitTime::ConstantThroughput { .. } => 0.0,
        }
    }

    /// The average pause, ignoring task time (the closed-loop model's think time).
    pub fn mean_seconds(&self) -> f64 {
        match *self {
            WaitTime::Between { min, max } => (min + max) / 2.0,
            other => other.max_seconds(),
        }
    }
}

impl std::fmt::Display for WaitTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            WaitTime::Between { min, max } => write!(f, "between({min}, {max})"),
            WaitTime::Constant { seconds } => write!(f, "constant({seconds})"),
            WaitTime::ConstantThroughput { per_second } => {
                write!(f, "constant_throughput({per_second})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_stays_within_bounds() {
        let wait = between(1, 3);
        for _ in 0..1000 {
            let pause = wait.next_pause(Duration::ZERO).as_secs_f64();
            assert!((1.0..=3.0).contains(&pause), "{pause}");
        }
    }

    #[test]
    fn constant_throughput_subtracts_task_time() {
        let wait = constant_throughput(2);
        assert_eq!(wait.next_pause(Duration::from_millis(100)), Duration::from_millis(400));
        assert_eq!(wait.next_pause(Duration::from_secs(2)), Duration::ZERO);
    }

    #[test]
    fn only_fixed_rate_users_run_late() {
        let paced = constant_throughput(10);
        assert_eq!(paced.lateness(Duration::from_millis(30), 1.0), Some(Duration::ZERO));
        assert_eq!(paced.lateness(Duration::from_millis(250), 1.0), Some(Duration::from_millis(150)));
        assert_eq!(between(1, 2).lateness(Duration::from_secs(5), 1.0), None);
        assert_eq!(constant(1).lateness(Duration::from_secs(5), 1.0), None);
    }

    #[test]
    fn wait_time_prints_like_locust() {
        assert_eq!(between(2, 5).to_string(), "between(2, 5)");
        assert_eq!(constant(0.5).to_string(), "constant(0.5)");
    }
}
