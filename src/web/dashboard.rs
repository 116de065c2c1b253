//! The dashboard's state, with one owner: which run is going (at most one), its live numbers
//! and history as the engine's observer reports them, how to stop or steer it, and the outcome
//! of the last run (explanation, saturation, report files). Handlers and the event stream only
//! call into it; every change bumps one version number that wakes the event streams.
//!
//! Promises: a start that fails leaves the previous state as it was, with the reason in Korean;
//! the embedded lab server of a run is stopped when the run ends, however it ends.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::{Notify, watch};

use super::form::{self, StartForm};
use super::outcome::Outcome;
use crate::engine::LiveStatus;
use crate::engine::stats::{EndpointStats, ErrorRow, ExceptionRow, HistoryPoint};
use crate::engine::workbook::Workbook;
use crate::ops::run::{RunHooks, Target};

/// Where the dashboard is in a run's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// No run yet.
    Idle,
    /// Checking the form and starting the target.
    Starting,
    Running,
    /// Stop was asked; users are finishing.
    Stopping,
    /// The last run ended; its outcome is ready.
    Finished,
}

/// Why a start was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Another run goes on.
    Busy(String),
    /// The form or the target is wrong.
    Invalid(String),
}

const BUSY: &str = "이미 실행 중이에요. 먼저 멈춘 뒤 새로 시작해 주세요.";
const NOT_RUNNING: &str = "지금 실행 중인 테스트가 없어요.";
const START_FAILED: &str = "테스트를 시작하다가 예기치 못한 오류가 났어요. 값을 확인하고 다시 시작해 주세요.";

/// Puts back the phase a start found unless the start got under way (see [`Dashboard::start`]).
struct RestoreOnExit<'a> {
    dashboard: &'a Dashboard,
    previous: Phase,
}

impl Drop for RestoreOnExit<'_> {
    fn drop(&mut self) {
        let mut inner = self.dashboard.lock();
        if inner.phase == Phase::Starting {
            inner.phase = self.previous;
        }
        drop(inner);
        self.dashboard.changed();
    }
}

/// What the run was asked to do, as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub host: String,
    pub embedded: bool,
    /// The schedule in words (`20명, 초당 5명, 30초`).
    pub describe: String,
    pub shape: Option<String>,
    pub classes: Vec<ClassRatio>,
}

/// A class's share of the users and each task's share of the class (Locust's ratio tab).
#[derive(Debug, Clone, Serialize)]
pub struct ClassRatio {
    pub name: String,
    pub weight: u32,
    pub share: f64,
    pub tasks: Vec<TaskRatio>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskRatio {
    pub name: String,
    pub weight: u32,
    /// Of this class's task picks.
    pub share: f64,
    /// Of all task picks of the run.
    pub total_share: f64,
}

/// The numbers of the moment.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Live {
    pub elapsed: f64,
    pub run_time: Option<f64>,
    pub users: usize,
    pub target_users: usize,
    pub stage: Option<String>,
    pub cpu_percent: Option<f64>,
    pub stats: Vec<EndpointStats>,
    pub total: Option<EndpointStats>,
    pub errors: Vec<ErrorRow>,
    pub exceptions: Vec<ExceptionRow>,
    /// Korean notices the engine raised (name limit, CPU), oldest first.
    pub notices: Vec<String>,
}

struct Inner {
    phase: Phase,
    run: u64,
    message: Option<String>,
    info: Option<RunInfo>,
    live: Live,
    history: Vec<HistoryPoint>,
    stop: Option<Arc<Notify>>,
    control: Option<super::steer::Steering>,
    outcome: Option<Arc<Outcome>>,
}

/// What one event stream has already sent, so the next event carries only what is new.
#[derive(Debug, Default)]
pub struct Cursor {
    run: u64,
    history_sent: usize,
    outcome_sent: bool,
}

/// The dashboard: the workbook it runs, and the state of its run.
pub struct Dashboard {
    workbook: Workbook,
    record_practice: bool,
    inner: Mutex<Inner>,
    version: watch::Sender<u64>,
}

impl Dashboard {
    /// A dashboard for `workbook`'s classes; `record_practice` ticks the learner's practices.
    pub fn new(workbook: Workbook, record_practice: bool) -> Arc<Self> {
        Arc::new(Dashboard {
            workbook,
            record_practice,
            inner: Mutex::new(Inner {
                phase: Phase::Idle,
                run: 0,
                message: None,
                info: None,
                live: Live::default(),
                history: Vec::new(),
                stop: None,
                control: None,
                outcome: None,
            }),
            version: watch::channel(0).0,
        })
    }

    pub fn workbook(&self) -> &Workbook {
        &self.workbook
    }

    /// Wakes when anything changed.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        crate::process::lock(&self.inner)
    }

    fn changed(&self) {
        self.version.send_modify(|version| *version += 1);
    }

    pub fn phase(&self) -> Phase {
        self.lock().phase
    }

    /// Whether the current (or last) run's target is the embedded lab server.
    pub fn embedded(&self) -> bool {
        self.lock().info.as_ref().is_some_and(|info| info.embedded)
    }

    /// Checks `form`, starts the target (the embedded lab server when no host is given) and
    /// the run in the background; returns the run's number.
    ///
    /// All or nothing: until the run is under way the phase is [`Phase::Starting`], and any way
    /// out before that (a refusal, a panic, the request dropped half-way) puts the previous
    /// phase back, so the next good start works.
    pub async fn start(self: &Arc<Self>, form: StartForm) -> Result<u64, Refusal> {
        let previous = {
            let mut inner = self.lock();
            if matches!(inner.phase, Phase::Starting | Phase::Running | Phase::Stopping) {
                return Err(Refusal::Busy(BUSY.to_string()));
            }
            std::mem::replace(&mut inner.phase, Phase::Starting)
        };
        // Dropped on every way out; a start under way has left Starting, so it changes nothing.
        let _restore = RestoreOnExit { dashboard: self, previous };
        let prepared = std::panic::AssertUnwindSafe(self.prepare(form));
        let outcome = match futures::FutureExt::catch_unwind(prepared).await {
            Ok(outcome) => outcome,
            Err(_) => Err(START_FAILED.to_string()),
        };
        outcome.map_err(Refusal::Invalid)
    }

    async fn prepare(self: &Arc<Self>, form: StartForm) -> Result<u64, String> {
        let mut workbook = self.workbook.clone();
        let settings = form::settings(&form, &mut workbook)?;
        let mut prepared = crate::ops::run::prepare(settings, workbook).map_err(|error| error.to_string())?;
        if let Some(host) = &prepared.settings.host {
            super::reach::check(host).await?;
        }
        let (control, receiver) = super::steer::Steering::new();
        let target = Target::start(&prepared.settings).await.map_err(|error| format!("{error:#}"))?;
        let lab = target.lab.as_ref().map(crate::ops::lab::IsolatedServer::bottlenecks);
        let info = RunInfo {
            host: target.host.clone(),
            embedded: target.is_embedded(),
            describe: prepared.describe(),
            shape: prepared.settings.shape.clone(),
            classes: ratios(&prepared.classes),
        };
        let stop = Arc::new(Notify::new());
        let run = {
            let mut inner = self.lock();
            inner.run += 1;
            inner.phase = Phase::Running;
            inner.message = None;
            inner.info = Some(info);
            inner.live = Live::default();
            inner.history.clear();
            inner.stop = Some(stop.clone());
            inner.control = Some(control.with_lab(lab));
            inner.outcome = None;
            inner.run
        };
        self.changed();
        let dashboard = Arc::clone(self);
        tokio::spawn(async move {
            let observer = Arc::clone(&dashboard);
            let hooks = RunHooks {
                observer: Some(Box::new(move |status: &LiveStatus<'_>| observer.observe(run, status))),
                interrupt: Some(Box::pin(async move { stop.notified().await })),
                control: Some(receiver.into_engine()),
            };
            // A panic inside the run still ends it as a run that failed, never as a dashboard
            // stuck in Running.
            let running =
                std::panic::AssertUnwindSafe(crate::ops::run::run_on(&mut prepared, &target, hooks));
            let result = futures::FutureExt::catch_unwind(running)
                .await
                .unwrap_or_else(|_| Err(anyhow::anyhow!("부하 실행 중에 예기치 못한 오류가 났어요")));
            target.stop().await;
            dashboard.finish(run, result, &prepared.settings);
        });
        Ok(run)
    }

    /// The engine's observer: the latest numbers and the newest history point.
    fn observe(&self, run: u64, status: &LiveStatus<'_>) {
        let summary = status.summary();
        let mut inner = self.lock();
        if inner.run != run {
            return;
        }
        let notices = std::mem::take(&mut inner.live.notices);
        inner.live = Live {
            elapsed: status.elapsed.as_secs_f64(),
            run_time: status.run_time.map(|time| time.as_secs_f64()),
            users: status.users,
            target_users: status.target_users,
            stage: status.stage.clone(),
            cpu_percent: status.generator_cpu_percent,
            stats: summary.stats,
            total: Some(summary.total),
            errors: summary.errors,
            exceptions: summary.exceptions,
            notices,
        };
        let fresh = status.notices.iter().map(crate::engine::console::notice_text);
        inner.live.notices.extend(fresh);
        if let Some(point) = status.last_second
            && inner.history.last().is_none_or(|last| last.elapsed < point.elapsed)
        {
            inner.history.push(point.clone());
        }
        drop(inner);
        self.changed();
    }

    fn finish(
        &self,
        run: u64,
        result: anyhow::Result<crate::engine::RunResult>,
        settings: &crate::ops::run::RunSettings,
    ) {
        let outcome = result.and_then(|result| Outcome::new(result, settings, self.record_practice));
        let mut inner = self.lock();
        if inner.run != run {
            return;
        }
        inner.phase = Phase::Finished;
        inner.stop = None;
        inner.control = None;
        match outcome {
            Ok(outcome) => {
                let result = &outcome.result;
                inner.live.stats = result.stats.clone();
                inner.live.total = Some(result.total.clone());
                inner.live.errors = result.errors.clone();
                inner.live.exceptions = result.exceptions.clone();
                inner.live.elapsed = result.duration;
                inner.live.users = 0;
                inner.history = result.history.clone();
                inner.outcome = Some(Arc::new(outcome));
            }
            Err(error) => inner.message = Some(format!("실행이 오류로 끝났어요: {error:#}")),
        }
        drop(inner);
        self.changed();
    }

    /// Asks the running test to stop; it finishes its users and writes its outcome.
    pub fn stop(&self) -> Result<(), String> {
        let mut inner = self.lock();
        let Some(stop) = inner.stop.take().filter(|_| inner.phase == Phase::Running) else {
            return Err(NOT_RUNNING.to_string());
        };
        stop.notify_one();
        inner.phase = Phase::Stopping;
        drop(inner);
        self.changed();
        Ok(())
    }

    /// The running test's steering (edit, reset, lab switches), if a test is running.
    pub fn steering(&self) -> Result<super::steer::Steering, String> {
        let inner = self.lock();
        match (&inner.control, inner.phase) {
            (Some(control), Phase::Running) => Ok(control.clone()),
            _ => Err(NOT_RUNNING.to_string()),
        }
    }

    /// Drops the history after a statistics reset (the engine's numbers start again).
    pub fn history_reset(&self) {
        self.lock().history.clear();
        self.changed();
    }

    /// The last finished run's outcome.
    pub fn outcome(&self) -> Option<Arc<Outcome>> {
        self.lock().outcome.clone()
    }

    /// Ends the running test, if any, and waits until its outcome is written.
    pub async fn stop_and_wait(&self) {
        let mut version = self.subscribe();
        if self.stop().is_err() && self.phase() != Phase::Stopping {
            return;
        }
        while self.phase() == Phase::Stopping {
            if version.changed().await.is_err() {
                return;
            }
        }
    }

    /// Everything `cursor` has not seen yet, as one JSON event.
    pub fn snapshot(&self, cursor: &mut Cursor) -> String {
        let inner = self.lock();
        if cursor.run != inner.run {
            *cursor = Cursor { run: inner.run, ..Cursor::default() };
        }
        if inner.history.len() < cursor.history_sent {
            // A statistics reset: the page starts its charts again.
            cursor.history_sent = 0;
        }
        let history = &inner.history[cursor.history_sent..];
        let outcome = inner.outcome.as_ref().filter(|_| !cursor.outcome_sent);
        let lab = inner.control.as_ref().and_then(|control| control.lab_state());
        let class_users = inner.control.as_ref().map(|control| control.class_users()).unwrap_or_default();
        let json = serde_json::json!({
            "phase": inner.phase,
            "run": inner.run,
            "message": inner.message,
            "info": inner.info,
            "live": inner.live,
            "history_from": cursor.history_sent,
            "history": history,
            "lab": lab,
            "class_users": class_users,
            "outcome": outcome.map(|outcome| outcome.view()),
        });
        cursor.history_sent = inner.history.len();
        cursor.outcome_sent |= outcome.is_some();
        json.to_string()
    }
}

/// Each class's share of users by weight, each task's share of its class and of the run.
pub fn ratios(classes: &[crate::engine::user::UserClass]) -> Vec<ClassRatio> {
    let total: u32 = classes.iter().map(|class| class.weight.max(1)).sum();
    classes
        .iter()
        .map(|class| {
            let share = f64::from(class.weight.max(1)) / f64::from(total.max(1));
            let task_total: u32 = class.tasks.iter().map(|(_, weight)| weight).sum();
            let tasks = class
                .tasks
                .iter()
                .filter(|(_, weight)| *weight > 0)
                .map(|(name, weight)| {
                    let within = f64::from(*weight) / f64::from(task_total.max(1));
                    TaskRatio {
                        name: name.to_string(),
                        weight: *weight,
                        share: within,
                        total_share: within * share,
                    }
                })
                .collect();
            ClassRatio { name: class.name.to_string(), weight: class.weight, share, tasks }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ratios_follow_class_and_task_weights() {
        let workbook = crate::solutions::workbook();
        let classes: Vec<_> = workbook.classes.into_iter().filter(|class| class.name == "TodoUser").collect();
        let ratios = super::ratios(&classes);
        assert_eq!(ratios.len(), 1);
        assert_eq!(ratios[0].share, 1.0);
        let sum: f64 = ratios[0].tasks.iter().map(|task| task.share).sum();
        assert!((sum - 1.0).abs() < 1e-9, "task shares add up to one: {sum}");
        let weights: Vec<u32> = ratios[0].tasks.iter().map(|task| task.weight).collect();
        assert_eq!(weights, vec![3, 2, 1, 1, 1], "TodoUser's weights as the checklist teaches");
    }
}
