//! The grading faults, spread evenly instead of drawn at random.
//!
//! Owns one counter per HTTP method for the injected 500s and one for vanishing todos.
//! Promises: at rate `r`, the `k`-th request of a method fails exactly when `⌊k·r + ½⌋` steps up,
//! so every method meets its first fault within `1/(2r)` requests and its share never strays
//! from `r` by more than one request. A grader run that sent enough requests has therefore seen
//! a fault of each kind — its verdict cannot hang on a dice roll.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::Method;

/// Fault injection, for grading how a scenario copes with a misbehaving service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Share (0.0..=1.0) of `/todos` answers replaced by a JSON 500 `{"detail": "..."}`; the
    /// request is then not executed. Spread evenly over each method's requests, not drawn at
    /// random (see [`FaultSchedule`]).
    pub error_rate: f64,
    /// Share (0.0..=1.0) of successful `POST /todos/` whose todo is deleted again
    /// `VANISH_AFTER` (100 ms) later, so that clients meet 404s; spread evenly like `error_rate`.
    pub vanish_rate: f64,
}

#[derive(Debug, Default)]
pub struct FaultSchedule {
    faults: Faults,
    errors_by_method: [AtomicU64; 5],
    creates: AtomicU64,
}

impl FaultSchedule {
    pub fn new(faults: Faults) -> Self {
        Self { faults, ..Self::default() }
    }

    /// Whether this `/todos` request is answered with an injected 500.
    pub fn fails(&self, method: &Method) -> bool {
        let slot = match *method {
            Method::GET => 0,
            Method::POST => 1,
            Method::PUT => 2,
            Method::DELETE => 3,
            _ => 4,
        };
        fires(self.faults.error_rate, &self.errors_by_method[slot])
    }

    /// Whether the todo a successful create just stored should vanish soon.
    pub fn vanishes(&self) -> bool {
        fires(self.faults.vanish_rate, &self.creates)
    }
}

fn fires(rate: f64, counter: &AtomicU64) -> bool {
    if rate <= 0.0 {
        return false;
    }
    let seen = counter.fetch_add(1, Ordering::Relaxed) as f64;
    ((seen + 1.0) * rate + 0.5).floor() > (seen * rate + 0.5).floor()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(rate: f64, n: usize) -> Vec<bool> {
        let counter = AtomicU64::new(0);
        (0..n).map(|_| fires(rate, &counter)).collect()
    }

    #[test]
    fn a_tenth_fails_every_tenth_request_starting_at_the_fifth() {
        let fired: Vec<usize> =
            pattern(0.1, 40).iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| i + 1).collect();
        assert_eq!(fired, [5, 15, 25, 35]);
    }

    #[test]
    fn the_share_never_strays_by_more_than_one_request() {
        for rate in [0.05, 0.1, 0.2, 0.3, 0.5, 0.77, 1.0] {
            let mut fired = 0usize;
            let counter = AtomicU64::new(0);
            for sent in 1..=500usize {
                fired += usize::from(fires(rate, &counter));
                let expected = sent as f64 * rate;
                assert!((fired as f64 - expected).abs() <= 1.0, "rate {rate}: {fired} of {sent}");
            }
        }
        assert!(pattern(0.0, 100).iter().all(|f| !f));
        assert!(pattern(1.0, 100).iter().all(|f| *f));
    }

    #[test]
    fn each_method_counts_on_its_own() {
        let schedule = FaultSchedule::new(Faults { error_rate: 0.5, vanish_rate: 0.0 });
        // Twenty GETs in between do not move DELETE's turn.
        for _ in 0..20 {
            schedule.fails(&Method::GET);
        }
        assert!(schedule.fails(&Method::DELETE));
        assert!(!schedule.fails(&Method::DELETE));
        assert!(!schedule.vanishes());
    }
}
