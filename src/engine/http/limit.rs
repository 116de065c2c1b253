//! What reading answers may cost: each response's body has a limit (`--max-body`, applied to
//! the bytes received and again to a gzip body's decoded size), and all responses being read
//! at once share one budget, so a hostile target cannot take the generator's memory however
//! many users it answers at once. Bytes are counted as they arrive, never as a header promises.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::failure::Failure;

/// The shared budget of bytes held by answers being read.
pub(crate) struct Budget {
    held: AtomicUsize,
    total: usize,
}

/// The run's limits on answers.
pub(crate) struct Limits {
    /// The most bytes one response's body may have.
    pub max_body: usize,
    budget: Budget,
}

/// The budget is this many bodies at the limit, and never less than [`MIN_BUDGET`]: a learner
/// who raises `--max-body` for a big download still gets it, a thousand users reading ordinary
/// answers never meet it.
const BODIES_IN_BUDGET: usize = 2;
const MIN_BUDGET: usize = 128 * 1024 * 1024;

impl Limits {
    pub fn new(max_body: usize) -> Self {
        let total = max_body.saturating_mul(BODIES_IN_BUDGET).max(MIN_BUDGET);
        Limits { max_body, budget: Budget { held: AtomicUsize::new(0), total } }
    }

    /// A meter for one answer, holding nothing yet.
    pub fn meter(&self) -> Meter<'_> {
        Meter { limits: self, held: 0 }
    }
}

/// One answer's share of the budget; given back when the answer is read (or fails).
pub(crate) struct Meter<'a> {
    limits: &'a Limits,
    held: usize,
}

impl Meter<'_> {
    pub fn max_body(&self) -> usize {
        self.limits.max_body
    }

    /// The answer now holds `bytes` in all: takes or gives back the difference.
    pub fn hold(&mut self, bytes: usize) -> Result<(), Failure> {
        let budget = &self.limits.budget;
        if bytes <= self.held {
            budget.held.fetch_sub(self.held - bytes, Ordering::Relaxed);
            self.held = bytes;
            return Ok(());
        }
        let more = bytes - self.held;
        let before = budget.held.fetch_add(more, Ordering::Relaxed);
        if before.saturating_add(more) > budget.total {
            budget.held.fetch_sub(more, Ordering::Relaxed);
            return Err(Failure::BudgetExceeded(budget.total));
        }
        self.held = bytes;
        Ok(())
    }

    /// A body of `bytes` so far: within the limit, and held from the budget with `other` bytes.
    pub fn body(&mut self, bytes: usize, other: usize) -> Result<(), Failure> {
        if bytes > self.limits.max_body {
            return Err(Failure::TooLarge(self.limits.max_body));
        }
        self.hold(bytes.saturating_add(other))
    }
}

impl Drop for Meter<'_> {
    fn drop(&mut self) {
        self.limits.budget.held.fetch_sub(self.held, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_share_one_budget_and_give_it_back() {
        let limits = Limits::new(100 * 1024 * 1024);
        let mut first = limits.meter();
        first.body(90 * 1024 * 1024, 0).ok().unwrap();
        let mut second = limits.meter();
        assert!(matches!(second.body(20 * 1024 * 1024, 0), Ok(())));
        assert!(matches!(second.body(200 * 1024 * 1024, 0), Err(Failure::TooLarge(_))));
        let mut third = limits.meter();
        assert!(matches!(third.body(95 * 1024 * 1024, 0), Err(Failure::BudgetExceeded(_))));
        drop(first);
        assert!(matches!(third.body(95 * 1024 * 1024, 0), Ok(())));
        drop((second, third));
        assert_eq!(limits.budget.held.load(Ordering::Relaxed), 0);
    }
}
