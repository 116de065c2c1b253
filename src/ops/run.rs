//! One load test from settings to files: validates the settings against a workbook, starts the
//! embedded lab server when no host is given, runs the engine, stops the server, writes the
//! report files, judges the criteria and records practice progress. Prints nothing: every
//! front end (the console, the web UI, the worker) shows the outcome its own way.
//!
//! Promises: a bad setting is a [`UsageError`] before anything starts; the embedded server is
//! stopped whether the run ends, fails or is interrupted.

use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use anyhow::Context;

use super::lab::IsolatedServer;
use crate::engine::http::TlsOptions;
use crate::engine::shape::Schedule;
use crate::engine::user::UserClass;
use crate::engine::workbook::Workbook;
use crate::engine::{RunConfig, RunResult};
use crate::exit::UsageError;
use crate::report;
use crate::report::thresholds::{Criterion, Verdict};
use crate::server::Bottleneck;

/// `--check release`: the workbook's own release criteria.
pub const RELEASE: &str = "release";

/// What a run is asked to do, as a front end collected it (the CLI's flags, the web UI's form).
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// User classes by name; empty runs every class of the workbook, by weight.
    pub classes: Vec<String>,
    pub users: usize,
    pub spawn_rate: f64,
    pub run_time: Option<Duration>,
    /// The target; `None` starts the embedded lab server.
    pub host: Option<String>,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    /// Bottlenecks of the embedded lab server (only without `host`).
    pub bottlenecks: Vec<Bottleneck>,
    /// A preset, stages, or the name of one of the workbook's shapes.
    pub shape: Option<String>,
    pub quick: bool,
    pub stop_timeout: Duration,
    /// The most bytes one response's body may have ([`crate::limits::DEFAULT_MAX_BODY`]).
    pub max_body: usize,
    pub time_scale: f64,
    pub tasks: Option<Vec<String>>,
    pub trace: Option<PathBuf>,
    /// `--check` criteria, or [`RELEASE`].
    pub check: Option<String>,
}

impl Default for RunSettings {
    /// Locust's defaults: one user, one per second, until stopped, on the embedded server.
    fn default() -> Self {
        RunSettings {
            classes: Vec::new(),
            users: 1,
            spawn_rate: 1.0,
            run_time: None,
            host: None,
            insecure: false,
            ca_cert: None,
            bottlenecks: Vec::new(),
            shape: None,
            quick: false,
            stop_timeout: Duration::ZERO,
            max_body: crate::limits::DEFAULT_MAX_BODY,
            time_scale: 1.0,
            tasks: None,
            trace: None,
            check: None,
        }
    }
}

impl RunSettings {
    /// Whether this is a plain run that may tick practices (no shape, no fast-forward, no filter).
    pub fn is_plain(&self) -> bool {
        self.shape.is_none() && self.time_scale == 1.0 && self.tasks.is_none()
    }
}

/// Settings checked against a workbook: everything the engine needs except the target.
pub struct PreparedRun {
    pub settings: RunSettings,
    pub classes: Vec<UserClass>,
    /// Taken by the run: a prepared run runs once.
    schedule: Option<Schedule>,
    pub criteria: Option<Vec<Criterion>>,
    pub tls: TlsOptions,
}

/// The numbers of `settings`, whichever front end filled them, against [`crate::limits`].
fn check_numbers(settings: &RunSettings) -> Result<(), UsageError> {
    if settings.users == 0 && settings.shape.is_none() {
        return Err(UsageError("사용자 수(-u)는 1 이상이어야 해요".to_string()));
    }
    crate::limits::users(settings.users as u64).map_err(UsageError)?;
    crate::limits::spawn_rate(settings.spawn_rate).map_err(UsageError)?;
    for duration in [settings.run_time.unwrap_or_default(), settings.stop_timeout] {
        if duration > crate::limits::MAX_DURATION {
            return Err(UsageError("시간이 너무 길어요 (30일까지 받을 수 있어요)".to_string()));
        }
    }
    if !(1024..=crate::limits::MAX_MAX_BODY).contains(&settings.max_body) {
        return Err(UsageError("응답 본문 한도(--max-body)는 1KiB부터 1GiB까지예요".to_string()));
    }
    Ok(())
}

/// Checks `settings` against `workbook`; every problem is a one-line [`UsageError`].
pub fn prepare(settings: RunSettings, workbook: Workbook) -> anyhow::Result<PreparedRun> {
    let Workbook { classes: available, shapes, release_criteria } = workbook;
    let classes = select_classes(&settings.classes, available)?;
    let criteria = match settings.check.as_deref() {
        Some(RELEASE) => Some(release_check(release_criteria)?),
        Some(text) => Some(report::thresholds::parse(text).map_err(UsageError)?),
        None => None,
    };
    check_numbers(&settings)?;
    let schedule = match &settings.shape {
        Some(name) => match shapes.iter().find(|shape| shape.name == name) {
            Some(shape) => Schedule::custom(shape.instance(), name.clone()),
            None => Schedule::parse(name, settings.quick).map_err(UsageError)?,
        },
        None => Schedule::fixed(settings.users, settings.spawn_rate, settings.run_time),
    };
    if let Some(host) = &settings.host
        && !(host.starts_with("http://") || host.starts_with("https://"))
    {
        return Err(UsageError(format!(
            "호스트 '{host}': http:// 또는 https:// 로 시작해야 해요 (예: -H http://127.0.0.1:8000)"
        ))
        .into());
    }
    if let Some(host) = &settings.host {
        crate::engine::http::check_host(host).map_err(UsageError)?;
    }
    // Know before spawning whether this process can hold the users (a custom shape or a
    // front end's later command is capped at [`crate::limits::MAX_USERS`] by the engine).
    crate::limits::capacity::check(schedule.peak_users(), settings.host.is_none()).map_err(UsageError)?;
    let tls = TlsOptions { insecure: settings.insecure, ca_cert: settings.ca_cert.clone() };
    // A certificate file that cannot be used is a bad setting: one line before anything starts.
    tls.client_config().map_err(|error| UsageError(error.to_string()))?;
    Ok(PreparedRun { settings, classes, schedule: Some(schedule), criteria, tls })
}

impl PreparedRun {
    /// The schedule in words (`20명, 초당 5명, 15초`), for a run's header.
    pub fn describe(&self) -> String {
        self.schedule.as_ref().map(Schedule::describe).unwrap_or_default()
    }
}

/// Where the load goes: the given host, or the embedded lab server started for this run.
pub struct Target {
    pub host: String,
    pub lab: Option<IsolatedServer>,
}

impl Target {
    /// The given host, or a fresh embedded lab server with the settings' bottlenecks.
    pub async fn start(settings: &RunSettings) -> anyhow::Result<Target> {
        match &settings.host {
            Some(host) => Ok(Target { host: host.clone(), lab: None }),
            None => {
                let lab = IsolatedServer::start(crate::server::ServerConfig {
                    bottlenecks: settings.bottlenecks.clone(),
                    ..crate::server::ServerConfig::in_memory()
                })
                .await
                .context("내장 실습 서버를 시작할 수 없어요")?;
                Ok(Target { host: lab.url(), lab: Some(lab) })
            }
        }
    }

    pub fn is_embedded(&self) -> bool {
        self.lab.is_some()
    }

    /// Stops the embedded server, if this target started one.
    pub async fn stop(self) {
        if let Some(lab) = self.lab {
            lab.shutdown().await;
        }
    }
}

/// What a front end plugs into a run: live status, an early stop, live control.
#[derive(Default)]
pub struct RunHooks {
    pub observer: Option<crate::engine::runner::Observer>,
    pub interrupt: Option<Pin<Box<dyn std::future::Future<Output = ()> + Send>>>,
    /// The engine's end of a [`crate::engine::control::channel`]: the web UI's Edit and Reset,
    /// a Locust master's spawn messages.
    pub control: Option<crate::engine::control::ControlReceiver>,
}

/// The engine's configuration for `prepared` against `target`.
pub async fn engine_config(
    prepared: &mut PreparedRun,
    target: &Target,
    hooks: RunHooks,
) -> anyhow::Result<RunConfig> {
    let schedule = prepared.schedule.take().context("이 실행은 이미 시작했어요")?;
    let settings = &prepared.settings;
    let mut config = RunConfig::new(prepared.classes.clone(), target.host.clone(), 0, 1.0, Duration::ZERO);
    config.schedule = schedule;
    config.stop_timeout = settings.stop_timeout;
    config.max_body = settings.max_body;
    config.time_scale = settings.time_scale;
    config.task_filter = settings.tasks.clone();
    config.trace = settings.trace.clone();
    config.embedded_server = target.is_embedded();
    config.tls = prepared.tls.clone();
    config.sample_server = target.is_embedded() || crate::engine::server_metrics::probe(&config.host).await;
    config.observer = hooks.observer;
    config.interrupt = hooks.interrupt;
    config.control = hooks.control;
    Ok(config)
}

/// Runs `prepared` against `target` to its end; the target stays up (the caller stops it).
pub async fn run_on(
    prepared: &mut PreparedRun,
    target: &Target,
    hooks: RunHooks,
) -> anyhow::Result<RunResult> {
    crate::engine::run(engine_config(prepared, target, hooks).await?).await
}

/// Starts the target, runs, and stops the target, whatever the run's outcome.
pub async fn execute(prepared: &mut PreparedRun, hooks: RunHooks) -> anyhow::Result<RunResult> {
    let target = Target::start(&prepared.settings).await?;
    let result = run_on(prepared, &target, hooks).await;
    target.stop().await;
    result
}

/// The files a run may leave behind.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub json: Option<PathBuf>,
    /// Locust's CSV prefix.
    pub csv: Option<String>,
    pub html: Option<PathBuf>,
}

impl Outputs {
    /// Whether every report file can be written where asked: its folder must exist. Checked
    /// before the run, so a typo in `--csv` costs a line, not the whole run.
    pub fn check(&self) -> Result<(), UsageError> {
        let csv = self.csv.as_ref().map(|prefix| PathBuf::from(format!("{prefix}_stats.csv")));
        let files = [("--json", self.json.clone()), ("--csv", csv), ("--html", self.html.clone())];
        for (flag, path) in files {
            let Some(path) = path else { continue };
            let folder = match path.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => folder,
                _ => continue,
            };
            if !folder.is_dir() {
                return Err(UsageError(format!(
                    "{flag}: 저장할 폴더가 없어요: '{}' (먼저 폴더를 만들거나 다른 경로를 적어 주세요)",
                    folder.display()
                )));
            }
        }
        Ok(())
    }
}

/// A file written, and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Json,
    Csv,
    Html,
}

/// Writes every requested file; returns each path with its kind, in the order written.
pub fn write_reports(outputs: &Outputs, result: &RunResult) -> anyhow::Result<Vec<(Written, PathBuf)>> {
    let mut written = Vec::new();
    if let Some(path) = &outputs.json {
        report::json::write(path, result)?;
        written.push((Written::Json, path.clone()));
    }
    if let Some(prefix) = &outputs.csv {
        written.extend(report::csv::write(prefix, result)?.into_iter().map(|path| (Written::Csv, path)));
    }
    if let Some(path) = &outputs.html {
        report::html::write(path, result)?;
        written.push((Written::Html, path.clone()));
    }
    Ok(written)
}

/// The criteria's verdicts and the exit code they decide; without criteria, Locust's rule.
pub fn judge(criteria: Option<&[Criterion]>, result: &RunResult) -> (Vec<Verdict>, i32) {
    match criteria {
        // With criteria, they decide: "fail<0.1%" may accept a few failures.
        Some(criteria) => {
            let verdicts = report::thresholds::evaluate(criteria, result);
            let code =
                if report::thresholds::all_passed(&verdicts) { 0 } else { crate::exit::THRESHOLD_FAILED };
            (verdicts, code)
        }
        None => (Vec::new(), exit_code(result)),
    }
}

/// Locust's `--exit-code-on-error` default: 1 when any request failed or a task panicked.
pub fn exit_code(result: &RunResult) -> i32 {
    if result.total.num_failures > 0 || !result.exceptions.is_empty() {
        crate::exit::REQUESTS_FAILED
    } else {
        0
    }
}

/// Ticks the practices the learner's own run met; returns the news lines to show.
pub fn record_practice(result: &RunResult, settings: &RunSettings) -> anyhow::Result<Vec<String>> {
    let practice =
        crate::grader::practice::Settings { spawn_rate: settings.spawn_rate, plain: settings.is_plain() };
    crate::grader::practice::record_run(result, &practice)
}

fn release_check(criteria: fn() -> &'static str) -> anyhow::Result<Vec<Criterion>> {
    let text = std::panic::catch_unwind(criteria).map_err(|_| {
        UsageError("release_criteria()가 아직 완성되지 않았어요 (exercises/release_gate.rs)".to_string())
    })?;
    report::thresholds::parse(text).map_err(|error| {
        UsageError(format!("release_criteria()의 기준을 읽을 수 없어요: \"{text}\" ({error})")).into()
    })
}

fn select_classes(names: &[String], available: Vec<UserClass>) -> anyhow::Result<Vec<UserClass>> {
    if names.is_empty() {
        return Ok(available);
    }
    let known: Vec<&str> = available.iter().map(|class| class.name).collect();
    let mut chosen = Vec::new();
    for name in names {
        match available.iter().find(|class| class.name == name) {
            Some(class) => chosen.push(class.clone()),
            None => {
                return Err(UsageError(format!(
                    "알 수 없는 사용자 클래스 '{name}' — 있는 클래스: {}",
                    known.join(", ")
                ))
                .into());
            }
        }
    }
    Ok(chosen)
}
