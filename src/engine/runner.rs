//! Runs a load test: spawns users at the spawn rate toward the schedule's target, lets them loop
//! over their weighted tasks, samples one history point per second, stops on time or on an
//! interrupt, and returns the [`RunResult`]. The runner owns the run's users; the collector in
//! [`Shared`] owns its numbers.
//!
//! The schedule runs on tokio's clock (`tokio::time::Instant`), so tests can pause it. Each
//! history point records how long its window really lasted and divides by that: a stalled
//! second is reported as a long window, not as a second with many requests.
//!
//! Every user that started runs `on_stop` when it is stopped — time up, Ctrl-C, shape end or
//! fewer users — as Locust does; `stop_timeout` only bounds how long the task in progress may
//! go on first, and `on_stop` gets [`ON_STOP_LIMIT`].
//!
//! A panic inside a task is caught at the task boundary (not the user's), recorded with its
//! message and source location, and the user goes on with its next task, as Locust does.

use std::fs::File;
use std::future::Future;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::client::Client;
use super::cpu::CpuWatch;
use super::shape::Schedule;
use super::stats::{
    ClassInfo, GeneratorNotes, HistoryPoint, RequestRecord, RunResult, RunSettings, StatsCollector, Summary,
    TraceLine,
};
use super::task_guard::{CatchPanic, install_panic_hook};
use super::user::{User, UserClass};

/// How long a stopped user's `on_stop` may take before it is cut off.
pub const ON_STOP_LIMIT: Duration = Duration::from_secs(5);

/// State every user of a run shares: where to send requests and where to record them.
pub struct Shared {
    pub(crate) host: String,
    /// The host parsed once, with the run's TLS settings (engine::http).
    pub(crate) target: Arc<super::http::Target>,
    pub(crate) stats: StatsCollector,
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
            let mut writer = trace.lock().unwrap_or_else(|e| e.into_inner());
            // A trace line lost to a full disk must not stop the load test.
            let _ = writeln!(writer, "{line}");
        }
    }
}

/// What one spawned user gets from the runner.
pub struct UserContext {
    shared: Arc<Shared>,
    user_id: usize,
    class_name: &'static str,
    stop: watch::Receiver<bool>,
    stop_timeout: Duration,
    time_scale: f64,
    task_filter: Option<Arc<Vec<String>>>,
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
            time_scale: 1.0,
            task_filter: None,
            trace: None,
            observer: None,
            interrupt: None,
            embedded_server: false,
            sample_server: false,
            tls: Default::default(),
        }
    }
}

struct RunningUser {
    handle: JoinHandle<()>,
    stop: watch::Sender<bool>,
    class_index: usize,
}

const TICK: Duration = Duration::from_millis(10);
const SAMPLE_EVERY: Duration = Duration::from_secs(1);

/// The per-second history: windows on a one-second grid, each divided by its real length, and
/// the generator's CPU share over the same window.
struct Sampler {
    next: Instant,
    window_start: Instant,
    cpu: Option<(std::time::Instant, f64)>,
    cores: usize,
    watch: CpuWatch,
    last_cpu_percent: Option<f64>,
}

impl Sampler {
    fn new(started: Instant) -> Self {
        let cores = super::cpu::usable_cores();
        Sampler {
            next: started + SAMPLE_EVERY,
            window_start: started,
            cpu: super::cpu::generator_cpu_seconds().map(|seconds| (std::time::Instant::now(), seconds)),
            cores,
            watch: CpuWatch::new(cores),
            last_cpu_percent: None,
        }
    }

    /// The window just ended at `now`, in seconds, when a point is due; moves the grid past
    /// `now` (a stall skips grid points instead of producing catch-up points).
    fn due(&mut self, now: Instant) -> Option<f64> {
        if now < self.next {
            return None;
        }
        while self.next <= now {
            self.next += SAMPLE_EVERY;
        }
        let window = (now - self.window_start).as_secs_f64();
        self.window_start = now;
        Some(window)
    }

    /// Samples the generator's CPU; true when the saturation warning is due.
    fn cpu_warning_due(&mut self, at: f64) -> bool {
        let (Some((then, cpu_then)), Some(cpu_now)) = (self.cpu, super::cpu::generator_cpu_seconds()) else {
            return false;
        };
        let wall = std::time::Instant::now();
        self.cpu = Some((wall, cpu_now));
        let share = super::cpu::share(cpu_now - cpu_then, (wall - then).as_secs_f64(), self.cores);
        self.last_cpu_percent = Some(share * 100.0);
        self.watch.observe(share, at)
    }
}

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
    let target = Arc::new(super::http::Target::new(&host, &config.tls)?);
    let shared = Arc::new(Shared {
        host: host.clone(),
        target,
        stats: StatsCollector::default(),
        trace,
        started: std::time::Instant::now(),
    });
    let task_filter = config.task_filter.clone().map(Arc::new);
    let mut picker = ClassPicker::new(&config.classes);
    let mut users: Vec<RunningUser> = Vec::new();
    let mut ramped_down: Vec<JoinHandle<()>> = Vec::new();
    let mut spawned_total = 0usize;
    let mut spawn_allowance = 1.0f64;
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
    let server_sampler = config.sample_server.then(|| super::server_metrics::spawn_sampler(host.clone()));

    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = async { interrupt.as_mut().expect("guarded").await }, if interrupt.is_some() => {
                interrupted = true;
                break;
            }
        }
        let now = Instant::now();
        let elapsed = now - started;
        let Some(target) = config.schedule.target_at(elapsed) else { break };
        users.retain(|user| !user.handle.is_finished());
        spawn_allowance = (spawn_allowance + target.spawn_rate * (now - last_tick).as_secs_f64())
            .min(target.spawn_rate.max(1.0));
        last_tick = now;
        while users.len() < target.users && spawn_allowance >= 1.0 {
            spawn_allowance -= 1.0;
            let class_index = picker.next();
            let (stop_sender, stop_receiver) = watch::channel(false);
            let class = &config.classes[class_index];
            let context = UserContext {
                shared: Arc::clone(&shared),
                user_id: spawned_total,
                class_name: class.name,
                stop: stop_receiver,
                stop_timeout: config.stop_timeout,
                time_scale: config.time_scale,
                task_filter: task_filter.clone(),
            };
            spawned_total += 1;
            users.push(RunningUser {
                handle: tokio::spawn(class.spawn(context)),
                stop: stop_sender,
                class_index,
            });
        }
        while users.len() > target.users && spawn_allowance >= 1.0 {
            spawn_allowance -= 1.0;
            if let Some(user) = users.pop() {
                picker.release(user.class_index);
                ramped_down.push(stop_users(vec![user], config.stop_timeout));
            }
        }
        if users.len() == target.users {
            spawn_allowance = spawn_allowance.min(1.0);
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
                users: users.len(),
                target_users: target.users,
                requests_per_second: snapshot.requests as f64 / window,
                failures_per_second: snapshot.failures as f64 / window,
                p50_response_time: snapshot.p50_ms,
                p95_response_time: snapshot.p95_ms,
                total_requests: snapshot.total_requests,
                total_failures: snapshot.total_failures,
                window,
                server: server_sampler
                    .as_ref()
                    .and_then(|(latest, _)| *latest.lock().unwrap_or_else(|e| e.into_inner())),
            });
        }
        if now >= next_observe {
            next_observe = now + Duration::from_millis(500);
            if let Some(observer) = config.observer.as_mut() {
                observer(&LiveStatus {
                    elapsed,
                    run_time: config.schedule.run_time(),
                    users: users.len(),
                    target_users: target.users,
                    stage: target.stage.clone(),
                    last_second: history.last(),
                    notices: std::mem::take(&mut notices),
                    generator_cpu_percent: sampler.last_cpu_percent,
                    stats: &shared.stats,
                    seconds: elapsed.as_secs_f64(),
                });
            }
        }
    }

    if let Some((_, handle)) = &server_sampler {
        handle.abort();
    }
    let users_at_end = users.len();
    let mut per_class = vec![0usize; config.classes.len()];
    for user in &users {
        per_class[user.class_index] += 1;
    }
    ramped_down.push(stop_users(users, config.stop_timeout));
    for stopping in ramped_down {
        let _ = stopping.await;
    }
    let duration = started.elapsed().as_secs_f64();
    if let Some(trace) = &shared.trace {
        trace.lock().unwrap_or_else(|e| e.into_inner()).flush().context("trace 파일 쓰기 실패")?;
    }
    let Summary { stats, total, errors, exceptions, name_limit } = shared.stats.summarize(duration);
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
    Ok(RunResult {
        loadlab_version: env!("CARGO_PKG_VERSION").to_string(),
        settings: RunSettings {
            users: config.schedule.peak_users().max(users_at_end),
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

/// One user's life: `on_start`, then weighted tasks with waits until told to stop, then
/// `on_stop` (also when the stop cut a task short).
pub(crate) async fn live<U: User>(context: UserContext) {
    let client = Client::new(Arc::clone(&context.shared), context.user_id);
    let mut user = U::default();
    let tasks: Vec<_> = U::tasks()
        .into_iter()
        .filter(|task| task.weight() > 0)
        .filter(|task| {
            context.task_filter.as_ref().is_none_or(|only| only.iter().any(|name| name == task.name()))
        })
        .collect();
    let wait_time = U::wait_time();
    let total_weight: u32 = tasks.iter().map(|task| task.weight()).sum();
    let mut stop = context.stop.clone();
    // For a fixed-rate user: how late the current task started (the previous one overran).
    let mut lateness = wait_time.lateness(Duration::ZERO, context.time_scale);

    client.set_task("on_start");
    let mut stopped = unless_stopped(
        &mut stop,
        context.stop_timeout,
        guarded(&context, "on_start", lateness, user.on_start(&client)),
    )
    .await;
    while !stopped {
        if *stop.borrow() {
            break;
        }
        if total_weight == 0 {
            // A class with no task to run only waits for the end, like an idle Locust user.
            let _ = stop.wait_for(|stop| *stop).await;
            break;
        }
        let mut pick = super::random::randint(0, total_weight as i64 - 1) as u32;
        let task = tasks
            .iter()
            .find(|task| {
                if pick < task.weight() {
                    true
                } else {
                    pick -= task.weight();
                    false
                }
            })
            .expect("pick is below the total weight");
        client.set_task(task.name());
        let began = Instant::now();
        let work = guarded(&context, task.name(), lateness, task.call(&mut user, &client));
        stopped = unless_stopped(&mut stop, context.stop_timeout, work).await;
        if stopped {
            break;
        }
        let took = began.elapsed();
        lateness = wait_time.lateness(took, context.time_scale);
        let pause = wait_time.next_pause(took).mul_f64(context.time_scale.max(0.0));
        if pause.is_zero() {
            // No wait: let other users and the runner's timer run once this user has used its
            // scheduling budget (a task that sent no request would otherwise never yield).
            tokio::task::consume_budget().await;
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|stop| *stop) => break,
        }
    }
    client.set_task("on_stop");
    let _ =
        tokio::time::timeout(ON_STOP_LIMIT, guarded(&context, "on_stop", None, user.on_stop(&client))).await;
}

/// Runs `work` to its end, or until `stop_timeout` after the user is told to stop; true when
/// the stop cut it short.
async fn unless_stopped(
    stop: &mut watch::Receiver<bool>,
    stop_timeout: Duration,
    work: impl Future<Output = ()>,
) -> bool {
    tokio::select! {
        _ = work => false,
        _ = async {
            // An error means the runner is gone: stop as well.
            let _ = stop.wait_for(|stop| *stop).await;
            tokio::time::sleep(stop_timeout).await;
        } => true,
    }
}

async fn guarded(
    context: &UserContext,
    task: &str,
    lateness: Option<Duration>,
    future: impl Future<Output = ()>,
) {
    if let Err(panic) = (CatchPanic { inner: Box::pin(future), lateness }).await {
        context.shared.stats.record_exception(context.class_name, task, &panic.message, &panic.location);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_stall_makes_one_long_window_not_catch_up_points() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut sampler = Sampler::new(start);
        assert_eq!(sampler.due(at(990)), None);
        assert_eq!(sampler.due(at(1_000)), Some(1.0));
        // Stalled from 1.0 s to 4.25 s: one window of 3.25 s, then back on the grid.
        assert_eq!(sampler.due(at(4_250)), Some(3.25));
        assert_eq!(sampler.due(at(4_260)), None, "no catch-up point");
        assert_eq!(sampler.due(at(5_000)), Some(0.75));
        assert_eq!(sampler.due(at(6_010)), Some(1.01));
    }

    #[test]
    fn class_picker_follows_weights_in_every_prefix() {
        let mut picker = ClassPicker { weights: vec![3, 1], current: vec![0, 0] };
        let picks: Vec<usize> = (0..8).map(|_| picker.next()).collect();
        assert_eq!(picks.iter().filter(|&&i| i == 0).count(), 6);
        assert_eq!(&picks[..4].iter().filter(|&&i| i == 1).count(), &1);
    }
}
