//! Live control of a running load test, for front ends that steer a run while it goes: the web
//! UI's "Edit" and "Reset stats", and a Locust master's `spawn`/`stop` reaching a worker.
//!
//! [`channel`] gives a [`RunControl`] (cheap to clone, kept by the front end) and a
//! [`ControlReceiver`] (given to the engine in [`super::RunConfig::control`]). The runner applies
//! commands in the order they were sent, on its next tick (every 10 ms), and publishes a
//! [`RunState`] whenever the users it runs change. The statistics collector is shared, so the
//! front end can also take statistics deltas ([`RunControl::take_interval`]).
//!
//! Promises: [`RunControl::set_users`] keeps the classes' weighted mix as a plain run does;
//! [`RunControl::set_class_counts`] runs exactly the given count of each named class; after
//! [`RunControl::stop`] every started user runs `on_stop` and the run returns its result. A
//! command sent after the run ended is ignored.

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use super::interval::IntervalStats;
use super::stats::StatsCollector;

/// What a front end asks of a running test.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Command {
    SetUsers { users: usize, spawn_rate: f64 },
    SetClassCounts { counts: Vec<(String, usize)>, spawn_rate: f64 },
    ResetStats,
    Stop,
}

/// The run as the runner last published it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunState {
    /// Users running now.
    pub users: usize,
    /// Users the run aims for now.
    pub target_users: usize,
    /// Users running now per class, in the run's class order.
    pub class_users: Vec<(String, usize)>,
    /// The users still differ from the target (in number or, for class counts, in mix).
    pub spawning: bool,
    /// Commands the runner has applied so far.
    pub applied: u64,
    /// The run has ended (its users have been told to stop).
    pub finished: bool,
}

impl RunState {
    /// Every command sent so far is applied and the users match the target.
    fn settled(&self, sent: u64) -> bool {
        self.finished || (self.applied >= sent && !self.spawning)
    }
}

/// The front end's handle on a run.
#[derive(Clone)]
pub struct RunControl {
    commands: mpsc::UnboundedSender<Command>,
    /// Commands sent; the lock also keeps the count in the order of the channel.
    sent: Arc<Mutex<u64>>,
    state: watch::Receiver<RunState>,
    stats: Arc<StatsCollector>,
}

/// The engine's end of the control channel (see [`super::RunConfig::control`]).
pub struct ControlReceiver {
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    pub(crate) state: watch::Sender<RunState>,
    pub(crate) stats: Arc<StatsCollector>,
}

/// A control and its receiver, sharing one statistics collector.
pub fn channel() -> (RunControl, ControlReceiver) {
    let (command_tx, command_rx) = mpsc::unbounded_channel();
    let (state_tx, state_rx) = watch::channel(RunState::default());
    let stats = Arc::new(StatsCollector::default());
    (
        RunControl { commands: command_tx, sent: Arc::default(), state: state_rx, stats: Arc::clone(&stats) },
        ControlReceiver { commands: command_rx, state: state_tx, stats },
    )
}

impl RunControl {
    fn send(&self, command: Command) {
        let mut sent = crate::process::lock(&self.sent);
        if self.commands.send(command).is_ok() {
            *sent += 1;
        }
    }

    /// Runs `users` users, started (or stopped) at `spawn_rate` per second, the classes mixed by
    /// weight as in a plain run (Locust web UI's "Edit"). An infinite rate changes them at once.
    pub fn set_users(&self, users: usize, spawn_rate: f64) {
        self.send(Command::SetUsers { users, spawn_rate });
    }

    /// Runs exactly `counts` users of each named class (classes not named: none), at
    /// `spawn_rate` changes per second; infinite changes them at once (a Locust master's `spawn`).
    /// Names the run does not have are ignored: check them against the run's classes first.
    pub fn set_class_counts(&self, counts: Vec<(String, usize)>, spawn_rate: f64) {
        self.send(Command::SetClassCounts { counts, spawn_rate });
    }

    /// Forgets the statistics so far: requests, failures, exceptions and history.
    pub fn reset_stats(&self) {
        self.send(Command::ResetStats);
    }

    /// Ends the run: every user stops and runs `on_stop`, then the run returns its result.
    pub fn stop(&self) {
        self.send(Command::Stop);
    }

    /// The run's state as last published.
    pub fn state(&self) -> RunState {
        self.state.borrow().clone()
    }

    /// Waits until every command sent so far is applied and the users match the target (or
    /// the run ended); returns that state.
    pub async fn settled(&self) -> RunState {
        let sent = *crate::process::lock(&self.sent);
        let mut state = self.state.clone();
        match state.wait_for(|state| state.settled(sent)).await {
            Ok(state) => state.clone(),
            // The runner is gone: its last word is the state.
            Err(_) => RunState { finished: true, ..self.state() },
        }
    }

    /// Waits until the run has ended.
    pub async fn finished(&self) {
        let mut state = self.state.clone();
        let _ = state.wait_for(|state| state.finished).await;
    }

    /// Starts keeping statistics deltas for [`RunControl::take_interval`].
    pub fn report_intervals(&self) {
        self.stats.report_intervals();
    }

    /// What the run recorded since the previous call (empty until [`RunControl::report_intervals`]).
    pub fn take_interval(&self) -> Option<IntervalStats> {
        self.stats.take_interval()
    }
}

impl ControlReceiver {
    /// Every command sent since the previous call, in order.
    pub(crate) fn pending(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        while let Ok(command) = self.commands.try_recv() {
            commands.push(command);
        }
        commands
    }

    /// Publishes `state` when it differs from the last one.
    pub(crate) fn publish(&self, state: RunState) {
        self.state.send_if_modified(|current| {
            let changed = *current != state;
            *current = state;
            changed
        });
    }
}
