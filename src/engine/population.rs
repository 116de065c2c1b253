//! The run's users: starts and stops them toward a [`Goal`] at its spawn rate, either in the
//! classes' weighted mix (smooth weighted round-robin, so every prefix of the spawn order follows
//! the weights) or in exact counts per class (a front end's [`super::control`] command). Owns
//! every running user's task and stop signal until the run hands them to [`Population::stop_all`].

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::shape::Goal;
use super::user::UserClass;
use super::user::life::ON_STOP_LIMIT;

/// Users one tick may start or stop, whatever the spawn rate: the runner's loop comes back every
/// tick to see the clock, Ctrl-C and its front end, so a spawn of thousands "at once" still
/// ends on time and can be interrupted (500 a tick is 50,000 a second).
const CHANGES_PER_TICK: usize = 500;

struct RunningUser {
    handle: JoinHandle<()>,
    stop: watch::Sender<bool>,
    class_index: usize,
}

/// The users of a run.
pub(crate) struct Population {
    users: Vec<RunningUser>,
    picker: ClassPicker,
    classes: usize,
    /// Users started (or stopped) this tick may use: grows with the spawn rate, capped at a
    /// second's worth, so a stall does not bring a burst.
    allowance: f64,
    stop_timeout: Duration,
    /// Tasks stopping the users removed so far.
    stopping: Vec<JoinHandle<()>>,
    peak: usize,
}

impl Population {
    pub(crate) fn new(classes: &[UserClass], stop_timeout: Duration) -> Self {
        Population {
            users: Vec::new(),
            picker: ClassPicker::new(classes),
            classes: classes.len(),
            allowance: 1.0,
            stop_timeout,
            stopping: Vec::new(),
            peak: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.users.len()
    }

    /// The most users that ran at once.
    pub(crate) fn peak(&self) -> usize {
        self.peak
    }

    /// Users running now per class index.
    pub(crate) fn per_class(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes];
        for user in &self.users {
            counts[user.class_index] += 1;
        }
        counts
    }

    /// Whether the users match `goal` (in number, and per class when it gives counts).
    pub(crate) fn reached(&self, goal: &Goal) -> bool {
        match &goal.class_counts {
            Some(counts) => {
                self.per_class().iter().enumerate().all(|(i, &n)| n == counts.get(i).copied().unwrap_or(0))
            }
            None => self.users.len() == goal.users,
        }
    }

    /// Moves toward `goal` for a tick of `seconds`; `spawn(class_index, stop)` starts one user.
    pub(crate) fn step(
        &mut self,
        goal: &Goal,
        seconds: f64,
        mut spawn: impl FnMut(usize, watch::Receiver<bool>) -> JoinHandle<()>,
    ) {
        self.users.retain(|user| !user.handle.is_finished());
        self.allowance = if goal.spawn_rate.is_infinite() {
            f64::INFINITY
        } else {
            (self.allowance + goal.spawn_rate * seconds).min(goal.spawn_rate.max(1.0))
        };
        let mut start = |users: &mut Vec<RunningUser>, class_index: usize| {
            let (stop, stop_receiver) = watch::channel(false);
            users.push(RunningUser { handle: spawn(class_index, stop_receiver), stop, class_index });
        };
        let mut changes = 0;
        match &goal.class_counts {
            None => {
                while self.users.len() < goal.users && self.allowance >= 1.0 && changes < CHANGES_PER_TICK {
                    self.allowance -= 1.0;
                    changes += 1;
                    start(&mut self.users, self.picker.next());
                }
                while self.users.len() > goal.users && self.allowance >= 1.0 && changes < CHANGES_PER_TICK {
                    self.allowance -= 1.0;
                    changes += 1;
                    if let Some(user) = self.users.pop() {
                        self.picker.release(user.class_index);
                        self.stopping.push(stop_users(vec![user], self.stop_timeout));
                    }
                }
            }
            Some(counts) => {
                let wanted = |class: usize| counts.get(class).copied().unwrap_or(0);
                let mut have = self.per_class();
                while self.allowance >= 1.0 && changes < CHANGES_PER_TICK {
                    changes += 1;
                    // Stop the excess first, then start the class that lacks the most users.
                    if let Some(class) = (0..self.classes).find(|&class| have[class] > wanted(class)) {
                        let index = self.users.iter().rposition(|user| user.class_index == class);
                        let user = self.users.remove(index.expect("a class with users has a user"));
                        self.stopping.push(stop_users(vec![user], self.stop_timeout));
                        have[class] -= 1;
                    } else if let Some(class) = (0..self.classes)
                        .filter(|&class| have[class] < wanted(class))
                        .max_by_key(|&class| (wanted(class) - have[class], usize::MAX - class))
                    {
                        start(&mut self.users, class);
                        have[class] += 1;
                    } else {
                        break;
                    }
                    self.allowance -= 1.0;
                }
            }
        }
        self.peak = self.peak.max(self.users.len());
        if self.reached(goal) {
            self.allowance = self.allowance.min(1.0);
        }
    }

    /// Stops every user (each runs `on_stop`) and waits for all stopped so far; returns the
    /// users that were running per class.
    pub(crate) async fn stop_all(mut self) -> Vec<usize> {
        let per_class = self.per_class();
        let users = std::mem::take(&mut self.users);
        self.stopping.push(stop_users(users, self.stop_timeout));
        for stopping in self.stopping {
            let _ = stopping.await;
        }
        per_class
    }
}

/// Signals `users` to stop; each cuts its task in progress after `stop_timeout` and runs
/// `on_stop`. The returned task ends when they all finished, or aborts those that did not
/// within `stop_timeout` + [`ON_STOP_LIMIT`] (and a second's grace).
fn stop_users(users: Vec<RunningUser>, stop_timeout: Duration) -> JoinHandle<()> {
    for user in &users {
        let _ = user.stop.send(true);
    }
    let handles: Vec<JoinHandle<()>> = users.into_iter().map(|user| user.handle).collect();
    let aborts: Vec<_> = handles.iter().map(|handle| handle.abort_handle()).collect();
    tokio::spawn(async move {
        let limit = stop_timeout + ON_STOP_LIMIT + Duration::from_secs(1);
        let _ = tokio::time::timeout(limit, futures::future::join_all(handles)).await;
        for abort in aborts {
            abort.abort();
        }
    })
}

/// Assigns spawned users to classes so that every prefix of the spawn order follows the class
/// weights as closely as possible (smooth weighted round-robin).
struct ClassPicker {
    weights: Vec<i64>,
    current: Vec<i64>,
}

impl ClassPicker {
    fn new(classes: &[UserClass]) -> Self {
        let weights: Vec<i64> = classes.iter().map(|class| class.weight.max(1) as i64).collect();
        ClassPicker { current: vec![0; weights.len()], weights }
    }

    fn next(&mut self) -> usize {
        let total: i64 = self.weights.iter().sum();
        for (current, weight) in self.current.iter_mut().zip(&self.weights) {
            *current += weight;
        }
        let best = (0..self.weights.len()).max_by_key(|&i| (self.current[i], -(i as i64))).unwrap_or(0);
        self.current[best] -= total;
        best
    }

    /// Undoes one pick of `index` (a stopped user), so ramping down keeps the proportions.
    fn release(&mut self, index: usize) {
        let total: i64 = self.weights.iter().sum();
        self.current[index] += total;
        for (current, weight) in self.current.iter_mut().zip(&self.weights) {
            *current -= weight;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_picker_follows_weights_in_every_prefix() {
        let mut picker = ClassPicker { weights: vec![3, 1], current: vec![0, 0] };
        let picks: Vec<usize> = (0..8).map(|_| picker.next()).collect();
        assert_eq!(picks.iter().filter(|&&i| i == 0).count(), 6);
        assert_eq!(&picks[..4].iter().filter(|&&i| i == 1).count(), &1);
    }
}
