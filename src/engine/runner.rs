//! Runs a load test: spawns users at the spawn rate toward the schedule's goal, lets them loop
//! over their weighted tasks, samples one history point per second, stops on time or on an
//! interrupt, and returns the [`RunResult`]. The runner owns the run's users; the collector in
//! the run's shared state (`context::Shared`) owns its numbers.
//!
//! The schedule runs on tokio's clock (`tokio::time::Instant`), so tests can pause it. Each
//! history point records how long its window really lasted and divides by that: a stalled
//! second is reported as a long window, not as a second with many requests.
//!
//! A front end can steer a run while it goes through [`super::control`] (users, class counts,
//! reset, stop); the users themselves live in [`super::population`] and [`super::user`].

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::context::{Shared, UserContext};
use super::control::{Command, ControlReceiver, RunState};
use super::population::Population;
use super::result::{ClassInfo, GeneratorNotes, HistoryPoint, RecordedSettings, RunResult};
use super::sampler::Sampler;
use super::server_metrics;
use super::shape::{Goal, Schedule};
use super::stats::{StatsCollector, Summary};
use super::task_guard::install_panic_hook;
use super::user::UserClass;
pub use super::user::life::ON_STOP_LIMIT;

/// A callback the runner calls about twice a second while it runs.
pub type Observer = Box<dyn FnMut(&LiveStatus<'_>) + Send>;

/// Something the learner should hear about while the run goes on (given once).
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Request names passed [`super::stats::MAX_NAMES`].
    NameLimit,
    /// The generator used more than [`super::cpu::THRESHOLD`] of its CPU.
    CpuOverload { percent: f64, cores: usize },
    /// The schedule asked for more users than this process can hold; it runs `ceiling`.
    UserCeiling { asked: usize, ceiling: usize },
}

/// The state of a run as it goes, for progress bars and periodic tables.
pub struct LiveStatus<'a> {
    pub elapsed: Duration,
    pub run_time: Option<Duration>,
    pub users: usize,
    pub target_users: usize,
    pub stage: Option<String>,
    pub last_second: Option<&'a HistoryPoint>,
    /// Notices raised since the previous call.
    pub notices: Vec<Notice>,
    /// The generator's CPU share of its last window (percent of all usable cores).
    pub generator_cpu_percent: Option<f64>,
    stats: &'a StatsCollector,
    seconds: f64,
}

impl LiveStatus<'_> {
    /// The statistics so far, as the final tables would show them now.
    pub fn summary(&self) -> Summary {
        self.stats.summarize(self.seconds)
    }
}

/// Everything a run needs.
pub struct RunConfig {
    pub classes: Vec<UserClass>,
    pub host: String,
    pub schedule: Schedule,
    /// How long a stopped user's task in progress may go on before it is cut off (Locust's
    /// `--stop-timeout`); `on_stop` runs after it either way.
    pub stop_timeout: Duration,
    /// The most bytes one response's body may have (`--max-body`).
    pub max_body: usize,
    /// Multiplies every wait time; graders fast-forward with values below 1.
    pub time_scale: f64,
    /// Run only these tasks (by function name); `None` runs all.
    pub task_filter: Option<Vec<String>>,
    /// Writes one JSON line per request (used by the grader).
    pub trace: Option<PathBuf>,
    pub observer: Option<Observer>,
    /// Resolves when the run should stop early (Ctrl-C).
    pub interrupt: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    pub embedded_server: bool,
    /// Sample the target's `/metrics` each second (the target is a lab server).
    pub sample_server: bool,
    /// How `https://` targets are checked (`--insecure`, `--ca-cert`).
    pub tls: super::http::TlsOptions,
    /// Live control by a front end ([`super::control::channel`]); pair it with
    /// [`Schedule::controlled`] for a run that follows only the commands.
    pub control: Option<ControlReceiver>,
}

impl RunConfig {
    /// `users` users spawned at `spawn_rate` per second for `run_time`, no extras.
    pub fn new(
        classes: Vec<UserClass>,
        host: impl Into<String>,
        users: usize,
        spawn_rate: f64,
        run_time: Duration,
    ) -> Self {
        RunConfig {
            classes,
            host: host.into(),
            schedule: Schedule::fixed(users, spawn_rate, Some(run_time)),
            stop_timeout: Duration::ZERO,
            max_body: crate::limits::DEFAULT_MAX_BODY,
            time_scale: 1.0,
            task_filter: None,
            trace: None,
            observer: None,
            interrupt: None,
            embedded_server: false,
            sample_server: false,
            tls: Default::default(),
            control: None,
        }
    }
}
const TICK: Duration = Duration::from_millis(10);

/// Runs the load test described by `config` to its end and returns the result.
pub async fn run(config: RunConfig) -> anyhow::Result<RunResult> {
    anyhow::ensure!(!config.classes.is_empty(), "실행할 사용자 클래스가 없어요");
    install_panic_hook();
    let mut run = Run::start(config)?;
    let interrupted = run.drive().await;
    run.finish(interrupted).await
}

/// One run while it goes: its users, its numbers so far, and what it already told the learner.
struct Run {
    config: RunConfig,
    control: Option<ControlReceiver>,
    shared: Arc<Shared>,
    task_filter: Option<Arc<Vec<String>>>,
    population: Population,
    /// Users spawned so far: the next user's id.
    spawned_total: usize,
    history: Vec<HistoryPoint>,
    sampler: Sampler,
    server_sampler: Option<(server_metrics::Latest, JoinHandle<()>)>,
    /// Notices not yet handed to the observer.
    notices: Vec<Notice>,
    name_limit_told: bool,
    ceiling_told: bool,
    /// What this process can hold, whatever a shape's own code or a front end asks for later.
    ceiling: usize,
    started: Instant,
    start_time: chrono::DateTime<chrono::Utc>,
    last_tick: Instant,
    next_observe: Instant,
    /// Where the statistics begin: the start, or the last reset.
    stats_since: Instant,
    /// Front-end commands applied so far.
    applied: u64,
}

impl Run {
    /// Opens the trace, parses the host and starts the samplers; no user runs yet.
    fn start(mut config: RunConfig) -> anyhow::Result<Run> {
        let host = config.host.trim_end_matches('/').to_string();
        let started = Instant::now();
        let start_time = chrono::Utc::now();
        let control = config.control.take();
        let stats = control.as_ref().map_or_else(Default::default, |control| Arc::clone(&control.stats));
        let shared = Shared::new(host, &config.tls, config.max_body, stats, config.trace.as_deref())?;
        let server_sampler = config.sample_server.then(|| server_metrics::spawn_sampler(shared.host.clone()));
        Ok(Run {
            control,
            shared: Arc::new(shared),
            task_filter: config.task_filter.clone().map(Arc::new),
            population: Population::new(&config.classes, config.stop_timeout),
            spawned_total: 0,
            history: Vec::new(),
            sampler: Sampler::new(started),
            server_sampler,
            notices: Vec::new(),
            name_limit_told: false,
            ceiling_told: false,
            ceiling: crate::limits::capacity::ceiling(config.embedded_server),
            started,
            start_time,
            last_tick: started,
            next_observe: started,
            stats_since: started,
            applied: 0,
            config,
        })
    }

    /// Ticks until the schedule ends, a front end stops the run or the interrupt comes; true
    /// when the interrupt ended it.
    async fn drive(&mut self) -> bool {
        let mut interrupt = self.config.interrupt.take();
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = async { interrupt.as_mut().expect("guarded").await }, if interrupt.is_some() => return true,
            }
            if !self.tick(Instant::now()) {
                return false;
            }
        }
    }

    /// One tick at `now`: the front end's commands, the users toward the goal, the history and
    /// the observer. False when the run is over.
    fn tick(&mut self, now: Instant) -> bool {
        let elapsed = now - self.started;
        if self.apply_commands(now) {
            return false;
        }
        let Some(goal) = self.goal_at(elapsed) else { return false };
        self.move_users(&goal, now);
        if let Some(control) = &self.control {
            control.publish(state(&self.config.classes, &self.population, &goal, self.applied));
        }
        self.sample(now, elapsed, &goal);
        self.observe(now, elapsed, &goal);
        true
    }

    /// Applies the front end's pending commands; true when one of them stops the run.
    fn apply_commands(&mut self, now: Instant) -> bool {
        for command in self.control.as_mut().map(ControlReceiver::pending).unwrap_or_default() {
            self.applied += 1;
            match command {
                Command::SetUsers { users, spawn_rate } => self.config.schedule.set_users(users, spawn_rate),
                Command::SetClassCounts { counts, spawn_rate } => {
                    let count = |class: &UserClass| {
                        counts.iter().filter(|(name, _)| name == class.name).map(|(_, n)| n).sum()
                    };
                    let counts = self.config.classes.iter().map(count).collect();
                    self.config.schedule.set_class_counts(counts, spawn_rate);
                }
                Command::ResetStats => {
                    self.shared.stats.reset();
                    self.history.clear();
                    self.stats_since = now;
                }
                Command::Stop => return true,
            }
        }
        false
    }

    /// The schedule's goal at `elapsed`, held to what this process can hold (said once);
    /// `None` when the schedule is over.
    fn goal_at(&mut self, elapsed: Duration) -> Option<Goal> {
        let mut goal = self.config.schedule.target_at(elapsed)?;
        if goal.users > self.ceiling && goal.class_counts.is_none() {
            if !self.ceiling_told {
                self.ceiling_told = true;
                self.notices.push(Notice::UserCeiling { asked: goal.users, ceiling: self.ceiling });
            }
            goal.users = self.ceiling;
        }
        Some(goal)
    }

    /// Starts or stops users toward `goal` for the time since the previous tick.
    fn move_users(&mut self, goal: &Goal, now: Instant) {
        let seconds = (now - self.last_tick).as_secs_f64();
        let Run { config, shared, task_filter, spawned_total, population, .. } = self;
        population.step(goal, seconds, |class_index, stop| {
            let class = &config.classes[class_index];
            let context = UserContext {
                shared: Arc::clone(shared),
                user_id: *spawned_total,
                class_name: class.name,
                stop,
                stop_timeout: config.stop_timeout,
                time_scale: config.time_scale,
                task_filter: task_filter.clone(),
            };
            *spawned_total += 1;
            tokio::spawn(class.spawn(context))
        });
        self.last_tick = now;
    }

    /// When a second is due, adds its history point and notes a name limit or CPU overload.
    fn sample(&mut self, now: Instant, elapsed: Duration, goal: &Goal) {
        let Some(window) = self.sampler.due(now) else { return };
        let snapshot = self.shared.stats.take_window();
        if snapshot.names_over_limit && !self.name_limit_told {
            self.name_limit_told = true;
            self.notices.push(Notice::NameLimit);
        }
        if self.sampler.cpu_warning_due(elapsed.as_secs_f64())
            && let Some(overload) = self.sampler.watch.overload()
        {
            self.notices.push(Notice::CpuOverload { percent: overload.peak_percent, cores: overload.cores });
        }
        self.history.push(HistoryPoint {
            elapsed: elapsed.as_secs_f64(),
            timestamp: chrono::Utc::now(),
            users: self.population.len(),
            target_users: goal.users,
            requests_per_second: snapshot.requests as f64 / window,
            failures_per_second: snapshot.failures as f64 / window,
            p50_response_time: snapshot.p50_ms,
            p95_response_time: snapshot.p95_ms,
            total_requests: snapshot.total_requests,
            total_failures: snapshot.total_failures,
            window,
            server: self.server_sampler.as_ref().and_then(|(latest, _)| *crate::process::lock(latest)),
        });
    }

    /// Tells the observer how the run goes, about twice a second.
    fn observe(&mut self, now: Instant, elapsed: Duration, goal: &Goal) {
        if now < self.next_observe {
            return;
        }
        self.next_observe = now + Duration::from_millis(500);
        let run_time = self.config.schedule.run_time();
        let Run { config, population, history, notices, sampler, shared, stats_since, .. } = self;
        if let Some(observer) = config.observer.as_mut() {
            observer(&LiveStatus {
                elapsed,
                run_time,
                users: population.len(),
                target_users: goal.users,
                stage: goal.stage.clone(),
                last_second: history.last(),
                notices: std::mem::take(notices),
                generator_cpu_percent: sampler.last_cpu_percent,
                stats: &shared.stats,
                seconds: (now - *stats_since).as_secs_f64(),
            });
        }
    }

    /// Stops every user (each runs `on_stop`), flushes the trace and builds the result.
    async fn finish(self, interrupted: bool) -> anyhow::Result<RunResult> {
        if let Some((_, handle)) = &self.server_sampler {
            handle.abort();
        }
        let users_at_end = self.population.len();
        let peak = self.population.peak();
        if let Some(control) = &self.control {
            let mut last = control.state.borrow().clone();
            last.finished = true;
            control.publish(last);
        }
        let per_class = self.population.stop_all().await;
        let duration = self.started.elapsed().as_secs_f64();
        self.shared.flush_trace()?;
        let Summary { stats, total, errors, exceptions, name_limit } =
            self.shared.stats.summarize(self.stats_since.elapsed().as_secs_f64());
        let users = if self.control.is_some() { peak } else { users_at_end };
        Ok(RunResult {
            loadlab_version: env!("CARGO_PKG_VERSION").to_string(),
            settings: recorded_settings(&self.config, &self.shared.host, users, &per_class),
            start_time: self.start_time,
            end_time: chrono::Utc::now(),
            duration,
            interrupted,
            stats,
            total,
            errors,
            exceptions,
            history: self.history,
            generator: GeneratorNotes { name_limit, cpu_overload: self.sampler.watch.overload() },
        })
    }
}

/// The settings the result records: `users` ran at the end (at the peak, for a controlled
/// run) unless the schedule asked for more; `per_class` users of each class ran at the end.
fn recorded_settings(config: &RunConfig, host: &str, users: usize, per_class: &[usize]) -> RecordedSettings {
    let classes = config
        .classes
        .iter()
        .zip(per_class)
        .map(|(class, &count)| ClassInfo {
            name: class.name.to_string(),
            weight: class.weight,
            wait_time: class.wait_time,
            users: count,
            tasks: class.tasks.iter().map(|(name, weight)| (name.to_string(), *weight)).collect(),
        })
        .collect();
    RecordedSettings {
        users: config.schedule.peak_users().max(users),
        spawn_rate: config.schedule.spawn_rate(),
        run_time: config.schedule.run_time().map(|d| d.as_secs_f64()),
        host: host.to_string(),
        classes,
        shape: config.schedule.label(),
        time_scale: config.time_scale,
        embedded_server: config.embedded_server,
    }
}

/// What a front end sees of the run now.
fn state(classes: &[UserClass], population: &Population, goal: &Goal, applied: u64) -> RunState {
    RunState {
        users: population.len(),
        target_users: goal.users,
        class_users: classes
            .iter()
            .zip(population.per_class())
            .map(|(class, n)| (class.name.to_string(), n))
            .collect(),
        spawning: !population.reached(goal),
        applied,
        finished: false,
    }
}
