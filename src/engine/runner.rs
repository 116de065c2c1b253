//! Runs a load test: spawns users at the spawn rate toward the schedule's target, lets them loop
//! over their weighted tasks, samples one history point per second, stops on time or on an
//! interrupt, and returns the [`RunResult`]. The runner owns the run's users; the collector in
//! [`Shared`] owns its numbers.
//!
//! The schedule runs on tokio's clock (`tokio::time::Instant`), so tests can pause it. Each
//! history point records how long its window really lasted and divides by that: a stalled
//! second is reported as a long window, not as a second with many requests.
//!
//! A front end can steer a run while it goes through [`super::control`] (users, class counts,
//! reset, stop); the users themselves live in [`super::population`] and [`super::life`].

use std::fs::File;
use std::future::Future;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use tokio::time::Instant;

use super::control::{Command, ControlReceiver, RunState};
pub use super::life::ON_STOP_LIMIT;
use super::life::UserContext;
use super::population::Population;
use super::sampler::Sampler;
use super::shape::Schedule;
use super::stats::{
    ClassInfo, GeneratorNotes, HistoryPoint, RequestRecord, RunResult, RunSettings, StatsCollector, Summary,
    TraceLine,
};
use super::task_guard::install_panic_hook;
use super::user::UserClass;

/// State every user of a run shares: where to send requests and where to record them.
pub struct Shared {
    pub(crate) host: String,
    /// The host parsed once, with the run's TLS settings (engine::http).
    pub(crate) target: Arc<super::http::Target>,
    pub(crate) stats: Arc<StatsCollector>,
    trace: Option<Mutex<BufWriter<File>>>,
    /// The wall-clock start, for the trace's times (requests are timed with `std`'s clock).
    started: std::time::Instant,
}

impl Shared {
    pub(crate) fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    pub(crate) fn record(&self, record: RequestRecord) {
        self.stats.record_paced(&record, super::task_guard::current_lateness());
        if let Some(trace) = &self.trace {
            let line = TraceLine {
                t: record.started.saturating_duration_since(self.started).as_secs_f64(),
                user: record.user_id,
                task: record.task.to_string(),
                method: record.method.clone(),
                path: record.path.clone(),
                name: record.name.clone(),
                status: record.status,
                ms: record.elapsed.as_secs_f64() * 1000.0,
                failure: record.failure.clone(),
                body: record.traced.as_ref().and_then(|t| t.request_body.clone()),
                id: record.traced.as_ref().and_then(|t| t.response_id),
            };
            let line = serde_json::to_string(&line).unwrap_or_default();
            let mut writer = crate::process::lock(trace);
            // A trace line lost to a full disk must not stop the load test.
            let _ = writeln!(writer, "{line}");
        }
    }
}

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
pub async fn run(mut config: RunConfig) -> anyhow::Result<RunResult> {
    anyhow::ensure!(!config.classes.is_empty(), "실행할 사용자 클래스가 없어요");
    install_panic_hook();
    let host = config.host.trim_end_matches('/').to_string();
    let trace = match &config.trace {
        Some(path) => Some(Mutex::new(BufWriter::new(
            File::create(path).with_context(|| format!("trace 파일을 만들 수 없어요: {}", path.display()))?,
        ))),
        None => None,
    };
    let started = Instant::now();
    let start_time = chrono::Utc::now();
    let target = Arc::new(super::http::Target::new(&host, &config.tls, config.max_body)?);
    let mut control = config.control.take();
    let shared = Arc::new(Shared {
        host: host.clone(),
        target,
        stats: control.as_ref().map_or_else(Default::default, |control| Arc::clone(&control.stats)),
        trace,
        started: std::time::Instant::now(),
    });
    let task_filter = config.task_filter.clone().map(Arc::new);
    let mut population = Population::new(&config.classes, config.stop_timeout);
    let mut spawned_total = 0usize;
    let mut history: Vec<HistoryPoint> = Vec::new();
    let mut sampler = Sampler::new(started);
    let mut notices: Vec<Notice> = Vec::new();
    let mut name_limit_told = false;
    let mut next_observe = started;
    let mut interrupt = config.interrupt.take();
    let mut interrupted = false;
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_tick = started;
    // Where the statistics begin: the start, or the last reset.
    let mut stats_since = started;
    let mut applied = 0u64;
    let server_sampler = config.sample_server.then(|| super::server_metrics::spawn_sampler(host.clone()));
    // What this process can hold, whatever a shape's own code or a front end asks for later.
    let ceiling = crate::limits::capacity::ceiling(config.embedded_server);
    let mut ceiling_told = false;

    'run: loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = async { interrupt.as_mut().expect("guarded").await }, if interrupt.is_some() => {
                interrupted = true;
                break;
            }
        }
        let now = Instant::now();
        let elapsed = now - started;
        for command in control.as_mut().map(ControlReceiver::pending).unwrap_or_default() {
            applied += 1;
            match command {
                Command::SetUsers { users, spawn_rate } => config.schedule.set_users(users, spawn_rate),
                Command::SetClassCounts { counts, spawn_rate } => {
                    let count = |class: &UserClass| {
                        counts.iter().filter(|(name, _)| name == class.name).map(|(_, n)| n).sum()
                    };
                    config.schedule.set_class_counts(config.classes.iter().map(count).collect(), spawn_rate);
                }
                Command::ResetStats => {
                    shared.stats.reset();
                    history.clear();
                    stats_since = now;
                }
                Command::Stop => break 'run,
            }
        }
        let Some(mut target) = config.schedule.target_at(elapsed) else { break };
        if target.users > ceiling && target.class_counts.is_none() {
            if !ceiling_told {
                ceiling_told = true;
                notices.push(Notice::UserCeiling { asked: target.users, ceiling });
            }
            target.users = ceiling;
        }
        population.step(&target, (now - last_tick).as_secs_f64(), |class_index, stop| {
            let class = &config.classes[class_index];
            let context = UserContext {
                shared: Arc::clone(&shared),
                user_id: spawned_total,
                class_name: class.name,
                stop,
                stop_timeout: config.stop_timeout,
                time_scale: config.time_scale,
                task_filter: task_filter.clone(),
            };
            spawned_total += 1;
            tokio::spawn(class.spawn(context))
        });
        last_tick = now;
        if let Some(control) = &control {
            control.publish(state(&config.classes, &population, &target, applied));
        }
        if let Some(window) = sampler.due(now) {
            let snapshot = shared.stats.take_window();
            if snapshot.names_over_limit && !name_limit_told {
                name_limit_told = true;
                notices.push(Notice::NameLimit);
            }
            if sampler.cpu_warning_due(elapsed.as_secs_f64())
                && let Some(overload) = sampler.watch.overload()
            {
                notices.push(Notice::CpuOverload { percent: overload.peak_percent, cores: overload.cores });
            }
            history.push(HistoryPoint {
                elapsed: elapsed.as_secs_f64(),
                timestamp: chrono::Utc::now(),
                users: population.len(),
                target_users: target.users,
                requests_per_second: snapshot.requests as f64 / window,
                failures_per_second: snapshot.failures as f64 / window,
                p50_response_time: snapshot.p50_ms,
                p95_response_time: snapshot.p95_ms,
                total_requests: snapshot.total_requests,
                total_failures: snapshot.total_failures,
                window,
                server: server_sampler.as_ref().and_then(|(latest, _)| *crate::process::lock(latest)),
            });
        }
        if now >= next_observe {
            next_observe = now + Duration::from_millis(500);
            if let Some(observer) = config.observer.as_mut() {
                observer(&LiveStatus {
                    elapsed,
                    run_time: config.schedule.run_time(),
                    users: population.len(),
                    target_users: target.users,
                    stage: target.stage.clone(),
                    last_second: history.last(),
                    notices: std::mem::take(&mut notices),
                    generator_cpu_percent: sampler.last_cpu_percent,
                    stats: &shared.stats,
                    seconds: (now - stats_since).as_secs_f64(),
                });
            }
        }
    }

    if let Some((_, handle)) = &server_sampler {
        handle.abort();
    }
    let users_at_end = population.len();
    let peak = population.peak();
    if let Some(control) = &control {
        let mut last = control.state.borrow().clone();
        last.finished = true;
        control.publish(last);
    }
    let per_class = population.stop_all().await;
    let duration = started.elapsed().as_secs_f64();
    if let Some(trace) = &shared.trace {
        crate::process::lock(trace).flush().context("trace 파일 쓰기 실패")?;
    }
    let Summary { stats, total, errors, exceptions, name_limit } =
        shared.stats.summarize(stats_since.elapsed().as_secs_f64());
    let classes = config
        .classes
        .iter()
        .zip(&per_class)
        .map(|(class, &count)| ClassInfo {
            name: class.name.to_string(),
            weight: class.weight,
            wait_time: class.wait_time,
            users: count,
            tasks: class.tasks.iter().map(|(name, weight)| (name.to_string(), *weight)).collect(),
        })
        .collect();
    let controlled = control.is_some();
    Ok(RunResult {
        loadlab_version: env!("CARGO_PKG_VERSION").to_string(),
        settings: RunSettings {
            users: config.schedule.peak_users().max(if controlled { peak } else { users_at_end }),
            spawn_rate: config.schedule.spawn_rate(),
            run_time: config.schedule.run_time().map(|d| d.as_secs_f64()),
            host,
            classes,
            shape: config.schedule.label(),
            time_scale: config.time_scale,
            embedded_server: config.embedded_server,
        },
        start_time,
        end_time: chrono::Utc::now(),
        duration,
        interrupted,
        stats,
        total,
        errors,
        exceptions,
        history,
        generator: GeneratorNotes { name_limit, cpu_overload: sampler.watch.overload() },
    })
}

/// What a front end sees of the run now.
fn state(
    classes: &[UserClass],
    population: &Population,
    target: &super::shape::Target,
    applied: u64,
) -> RunState {
    RunState {
        users: population.len(),
        target_users: target.users,
        class_users: classes
            .iter()
            .zip(population.per_class())
            .map(|(class, n)| (class.name.to_string(), n))
            .collect(),
        spawning: !population.reached(target),
        applied,
        finished: false,
    }
}
