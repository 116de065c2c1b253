//! A loadlab worker for a real Locust 2.x master: it connects to the master's ZeroMQ port as a
//! DEALER, announces itself, runs the user counts each `spawn` asks for with loadlab's engine
//! (live control, [`crate::engine::control`]), reports statistics deltas every 3 s in Locust's
//! wire format, heartbeats every second, and handles `stop`, `quit` and `reconnect`. The
//! master aggregates: its web UI, `--csv` and `--html` show these requests as a Python worker's.
//!
//! - [`protocol`]: the messages and their bytes.
//! - [`report`]: statistics deltas as Locust's `stats` message.
//! - `link`: the connection, made afresh (and announced) on `reconnect` or when it drops.
//!
//! Promises: a malformed or unknown message is logged and skipped, and so is a `spawn` whose
//! numbers [`crate::limits`] refuses (an infinite stop time-out, a NaN timestamp, more users
//! than one process holds); heartbeats, `stop` and `quit` are served while users spawn; a
//! master silent for the heartbeat timeout ends the worker with [`crate::exit::MASTER_LOST`] and
//! a Korean message; a `quit` ends it with 0 after a last report.

mod link;
pub mod protocol;
pub mod report;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use anyhow::Context;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::engine::RunResult;
use crate::engine::control::{self, RunControl, RunState};
use crate::engine::shape::Schedule;
use crate::engine::workbook::Workbook;
use crate::ops::run::{RunHooks, RunSettings, Target};
use link::Link;
use protocol::{Incoming, Outgoing};

/// Locust's `WORKER_REPORT_INTERVAL`.
pub const REPORT_EVERY: Duration = Duration::from_secs(3);
/// Locust's `HEARTBEAT_INTERVAL`.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);
/// Locust's `MASTER_HEARTBEAT_TIMEOUT`.
pub const MASTER_TIMEOUT: Duration = Duration::from_secs(60);

const MASTER_LOST: &str = "마스터가 응답하지 않아요";
const MASTER_LOST_HINT: &str = "마스터(locust --master)가 아직 떠 있는지, 주소와 포트(--master-host, --master-port)가 맞는지 확인해 보세요";

/// How a worker is started.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    pub master_host: String,
    pub master_port: u16,
    /// User classes this worker may run (empty: all of the workbook's).
    pub classes: Vec<String>,
    /// The target when the master was started without `-H`.
    pub host: Option<String>,
    /// How long the master may stay silent before the worker gives up.
    pub master_timeout: Duration,
}

/// One test the master started on this worker.
struct Test {
    control: RunControl,
    run: JoinHandle<anyhow::Result<RunResult>>,
    /// The last `spawn`'s timestamp: older ones are discarded, as Locust does.
    last_spawn: f64,
    /// Requests reported to the master so far.
    reported: u64,
}

fn log(message: impl std::fmt::Display) {
    eprintln!("[loadlab worker] {message}");
}

/// A name unique to this process, like Locust's `hostname_uuid`.
fn node_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    let host = if host.is_empty() { "loadlab".to_string() } else { host };
    format!("{host}_{:016x}{:08x}", rand::random::<u64>(), std::process::id())
}

/// Runs the worker until the master says `quit` (0) or goes silent ([`crate::exit::MASTER_LOST`]).
pub async fn run(options: WorkerOptions, workbook: Workbook) -> anyhow::Result<i32> {
    // Check the classes before connecting: a typo is a usage error, not a lost master.
    let prepared = crate::ops::run::prepare(settings(&options, None), workbook.clone())?;
    let class_names: Vec<String> = prepared.classes.iter().map(|class| class.name.to_string()).collect();
    let endpoint = format!("tcp://{}:{}", options.master_host, options.master_port);
    let link = match Link::open(endpoint, node_id(), options.master_timeout).await {
        Ok(link) => link,
        Err(error) => {
            log(format!("{MASTER_LOST}: {error:#}"));
            log(MASTER_LOST_HINT);
            return Ok(crate::exit::MASTER_LOST);
        }
    };
    log(format!("마스터 {}에 연결했어요 (클래스: {})", link.endpoint(), class_names.join(", ")));
    let mut session = Session {
        options,
        workbook,
        class_names,
        link,
        test: None,
        settling: None,
        last_heard: Instant::now(),
    };
    session.serve().await
}

/// What the worker does next after a message from the master.
enum Next {
    Continue(Vec<Outgoing>),
    Exit(i32),
}

/// A connected worker: the master's link, the test it started, and when it last spoke.
struct Session {
    options: WorkerOptions,
    workbook: Workbook,
    class_names: Vec<String>,
    link: Link,
    test: Option<Test>,
    /// The users of the last spawn on their way: `spawning_complete` goes out when they run,
    /// while heartbeats, stop and quit are served as usual.
    settling: Option<Pin<Box<dyn Future<Output = RunState> + Send>>>,
    last_heard: Instant,
}

impl Session {
    async fn serve(&mut self) -> anyhow::Result<i32> {
        let mut heartbeat = tokio::time::interval(HEARTBEAT_EVERY);
        let mut cpu = crate::engine::cpu::CpuMeter::default();
        let mut report = tokio::time::interval(REPORT_EVERY);
        report.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let outgoing = tokio::select! {
                frame = self.link.recv() => match frame {
                    Ok(frame) => match self.on_message(&frame).await {
                        Next::Continue(outgoing) => outgoing,
                        Next::Exit(code) => return Ok(code),
                    },
                    Err(error) => {
                        log(format!("마스터와의 연결이 끊겼어요: {error}"));
                        self.reconnect().await;
                        Vec::new()
                    }
                },
                state = async { self.settling.as_mut().expect("guarded").await }, if self.settling.is_some() => {
                    self.settling = None;
                    let counts = state.class_users;
                    vec![Outgoing::SpawningComplete { user_count: counts.iter().map(|(_, n)| n).sum(), user_classes_count: counts }]
                }
                _ = heartbeat.tick() => {
                    if self.last_heard.elapsed() > self.options.master_timeout {
                        return Ok(self.master_lost().await);
                    }
                    if !self.link.is_connected() {
                        self.reconnect().await;
                    }
                    vec![self.heartbeat(&mut cpu)]
                }
                _ = report.tick() => self.test.as_mut().map(deltas).unwrap_or_default(),
            };
            self.send(outgoing).await;
        }
    }

    async fn on_message(&mut self, frame: &[u8]) -> Next {
        self.last_heard = Instant::now();
        let mut outgoing = Vec::new();
        match Incoming::decode(frame) {
            Err(malformed) => log(format!("잘못된 메시지를 건너뛰어요: {malformed}")),
            Ok(Incoming::Ack { index }) => {
                log(format!("마스터가 받아 줬어요 (워커 번호 {})", index.unwrap_or(-1)))
            }
            Ok(Incoming::Heartbeat | Incoming::SpawningComplete) => {}
            Ok(Incoming::Unknown(kind)) => log(format!("모르는 메시지 '{kind}'를 건너뛰어요")),
            Ok(Incoming::Spawn(spawn)) => return Next::Continue(self.on_spawn(&spawn).await),
            Ok(Incoming::Stop) => {
                self.settling = None;
                if let Some(finished) = self.test.take() {
                    outgoing.extend(finish(finished).await);
                }
                outgoing.push(Outgoing::ClientStopped);
                outgoing.push(Outgoing::ClientReady);
                log("마스터가 테스트를 멈췄어요. 다음 테스트를 기다려요");
            }
            Ok(Incoming::Quit) => {
                if let Some(finished) = self.test.take() {
                    outgoing.extend(finish(finished).await);
                }
                outgoing.push(Outgoing::Quit);
                self.send(outgoing).await;
                log("마스터가 끝내라고 해서 워커를 끝내요");
                return Next::Exit(0);
            }
            Ok(Incoming::Reconnect) => {
                log("마스터가 다시 연결하라고 해서 연결을 새로 맺어요");
                self.reconnect().await;
            }
        }
        Next::Continue(outgoing)
    }

    async fn on_spawn(&mut self, spawn: &protocol::Spawn) -> Vec<Outgoing> {
        let stop_timeout = match check_spawn(spawn) {
            Ok(stop_timeout) => stop_timeout,
            Err(why) => {
                log(format!("마스터의 spawn을 거절해요: {why}"));
                return Vec::new();
            }
        };
        let fresh = self.test.as_ref().is_none_or(|test| spawn.timestamp > test.last_spawn);
        if fresh {
            let started = start_or_steer(
                &mut self.test,
                spawn,
                stop_timeout,
                &self.options,
                &self.workbook,
                &self.class_names,
            )
            .await;
            match started {
                Ok(control) => self.settling = Some(Box::pin(async move { control.settled().await })),
                Err(error) => log(format!("부하를 시작할 수 없어요: {error:#}")),
            }
        }
        vec![Outgoing::Spawning]
    }

    /// A fresh connection that announces itself; on failure the heartbeat tries again until
    /// the master has been silent for the time-out.
    async fn reconnect(&mut self) {
        if let Err(error) = self.link.connect().await {
            log(format!("다시 연결하지 못했어요: {error:#}"));
        }
    }

    fn heartbeat(&self, cpu: &mut crate::engine::cpu::CpuMeter) -> Outgoing {
        let state = match &self.test {
            None => "ready",
            Some(test) if test.control.state().spawning => "spawning",
            Some(_) => "running",
        };
        Outgoing::Heartbeat {
            state,
            cpu_percent: cpu.percent(),
            memory_bytes: crate::process::resident_memory_bytes().unwrap_or(0),
        }
    }

    async fn master_lost(&mut self) -> i32 {
        log(format!("{MASTER_LOST}: {}초 동안 아무 소식이 없었어요", self.options.master_timeout.as_secs()));
        log(MASTER_LOST_HINT);
        if let Some(finished) = self.test.take() {
            finish(finished).await;
        }
        crate::exit::MASTER_LOST
    }

    async fn send(&mut self, outgoing: Vec<Outgoing>) {
        for message in outgoing {
            if let Err(error) = self.link.send(&message).await {
                log(format!("마스터에 보내지 못했어요: {error}"));
            }
        }
    }
}

/// The run settings for `options`, against `host` (`None`: a placeholder, for checks only).
fn settings(options: &WorkerOptions, host: Option<String>) -> RunSettings {
    RunSettings {
        classes: options.classes.clone(),
        host: Some(host.unwrap_or_else(|| "http://127.0.0.1".to_string())),
        ..RunSettings::default()
    }
}

/// The spawn's numbers against [`crate::limits`]: a timestamp that orders (finite), at most
/// [`crate::limits::MAX_USERS`] users in all, a stop time-out within bounds (returned). A spawn
/// that fails is refused whole, and the worker goes on as before.
fn check_spawn(spawn: &protocol::Spawn) -> Result<Duration, String> {
    if !spawn.timestamp.is_finite() {
        return Err(format!("timestamp가 유한한 숫자가 아니에요 ({})", spawn.timestamp));
    }
    let users = spawn
        .user_classes_count
        .values()
        .try_fold(0u64, |sum, count| sum.checked_add(*count as u64))
        .unwrap_or(u64::MAX);
    let users = crate::limits::users(users)?;
    crate::limits::capacity::check(users, false)?;
    crate::limits::seconds(spawn.stop_timeout.unwrap_or(0.0), "stop_timeout")
}

/// Starts a test for the first `spawn`, or steers the running one; returns the test's control,
/// whose users are on their way.
async fn start_or_steer(
    test: &mut Option<Test>,
    spawn: &protocol::Spawn,
    stop_timeout: Duration,
    options: &WorkerOptions,
    workbook: &Workbook,
    class_names: &[String],
) -> anyhow::Result<RunControl> {
    for (name, count) in &spawn.user_classes_count {
        if *count > 0 && !class_names.contains(name) {
            log(format!("이 워커에는 '{name}' 클래스가 없어서 그 사용자 {count}명은 띄우지 않아요"));
        }
    }
    if test.is_none() {
        let host = spawn
            .host
            .clone()
            .filter(|host| !host.is_empty())
            .or_else(|| options.host.clone())
            .context("대상 서버를 모르겠어요: 마스터를 -H와 함께 띄우거나 워커에 -H를 주세요")?;
        let mut run_settings = settings(options, Some(host.clone()));
        run_settings.stop_timeout = stop_timeout;
        let mut prepared = crate::ops::run::prepare(run_settings, workbook.clone())?;
        let target = Target { host: host.clone(), lab: None };
        let mut config = crate::ops::run::engine_config(&mut prepared, &target, RunHooks::default()).await?;
        let (control, receiver) = control::channel();
        config.schedule = Schedule::controlled(None);
        config.control = Some(receiver);
        control.report_intervals();
        let run = tokio::spawn(crate::engine::run(config));
        log(format!("부하를 시작해요: {host}"));
        *test = Some(Test { control, run, last_spawn: spawn.timestamp, reported: 0 });
    }
    let test = test.as_mut().expect("started above");
    test.last_spawn = spawn.timestamp;
    let counts = spawn.user_classes_count.iter().map(|(name, n)| (name.clone(), *n)).collect();
    test.control.set_class_counts(counts, f64::INFINITY);
    Ok(test.control.clone())
}

/// The `stats` message and one `exception` message per new panic since the last report.
fn deltas(test: &mut Test) -> Vec<Outgoing> {
    let control = &test.control;
    let Some(mut interval) = control.take_interval() else { return Vec::new() };
    test.reported += interval.total.requests;
    let mut messages = Vec::new();
    for exception in std::mem::take(&mut interval.exceptions) {
        let traceback = format!("{} ({} / {})", exception.location, exception.user_class, exception.task);
        for _ in 0..exception.count {
            messages.push(Outgoing::Exception {
                message: exception.message.clone(),
                traceback: traceback.clone(),
            });
        }
    }
    let report = report::stats_report(interval, control.state().class_users);
    messages.insert(0, Outgoing::Stats(Box::new(report)));
    messages
}

/// Stops `test` (its users run `on_stop`) and returns its last deltas.
async fn finish(mut test: Test) -> Vec<Outgoing> {
    test.control.stop();
    match (&mut test.run).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => log(format!("부하 실행이 실패했어요: {error:#}")),
        Err(error) => log(format!("부하 실행이 중단됐어요: {error}")),
    }
    let mut messages = deltas(&mut test);
    log(format!("이번 테스트에서 마스터에 보고한 요청: {}개", test.reported));
    // The users are gone: the last report says so.
    if let Some(Outgoing::Stats(report)) = messages.first_mut() {
        for (_, count) in &mut report.user_classes_count {
            *count = 0;
        }
        report.user_count = 0;
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::protocol::{Incoming, Spawn};
    use super::*;

    #[derive(serde::Serialize)]
    struct SpawnData {
        timestamp: f64,
        user_classes_count: std::collections::BTreeMap<String, u64>,
        host: String,
        stop_timeout: Option<f64>,
    }

    fn spawn_frame(timestamp: f64, users: u64, stop_timeout: Option<f64>) -> Vec<u8> {
        let data = SpawnData {
            timestamp,
            user_classes_count: [("TodoUser".to_string(), users)].into(),
            host: "http://127.0.0.1:9".into(),
            stop_timeout,
        };
        rmp_serde::to_vec_named(&("spawn", data, "master")).unwrap()
    }

    fn checked(frame: &[u8]) -> Option<Result<Duration, String>> {
        match Incoming::decode(frame) {
            Ok(Incoming::Spawn(spawn)) => Some(check_spawn(&spawn)),
            _ => None,
        }
    }

    #[test]
    fn hostile_spawns_are_refused_with_a_reason() {
        for (timestamp, users, stop_timeout) in [
            (1.0, 1, Some(1e20)),
            (1.0, 1, Some(f64::INFINITY)),
            (1.0, 1, Some(f64::NAN)),
            (1.0, 1, Some(-1.0)),
            (1.0, 1_000_000_000, None),
            (f64::NAN, 1, None),
            (f64::INFINITY, 1, None),
        ] {
            let refusal =
                checked(&spawn_frame(timestamp, users, stop_timeout)).expect("a spawn").unwrap_err();
            assert!(refusal.chars().any(|c| ('가'..='힣').contains(&c)), "{refusal}");
        }
        assert_eq!(checked(&spawn_frame(1.0, 20, Some(2.5))), Some(Ok(Duration::from_millis(2500))));
        let too_many = Spawn {
            timestamp: 1.0,
            user_classes_count: [("A".into(), usize::MAX), ("B".into(), usize::MAX)].into(),
            host: None,
            stop_timeout: None,
        };
        assert!(check_spawn(&too_many).unwrap_err().contains("10000명까지"));
    }

    #[test]
    fn deeply_nested_and_huge_claims_are_errors_not_crashes() {
        let mut nested = b"\x93\xa4stop".to_vec();
        nested.extend(std::iter::repeat_n(0x91u8, 200_000));
        nested.push(0xc0);
        nested.extend_from_slice(b"\xa6master");
        assert!(Incoming::decode(&nested).is_err());
        // An array that claims four billion elements, and a string that claims four gigabytes.
        for claim in [&b"\x93\xa5spawn\xdd\xff\xff\xff\xff"[..], b"\x93\xdb\xff\xff\xff\xffab"] {
            assert!(Incoming::decode(claim).is_err());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any frame decodes to a message or an error; a spawn is accepted only within limits.
        #[test]
        fn any_frame_is_a_message_or_skipped(frame in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = checked(&frame);
        }

        #[test]
        fn any_spawn_numbers_are_bounded_or_refused(
            timestamp in proptest::prelude::any::<f64>(),
            users in proptest::prelude::any::<u64>(),
            stop_timeout in proptest::option::of(proptest::prelude::any::<f64>()),
        ) {
            if let Some(Ok(stop_timeout)) = checked(&spawn_frame(timestamp, users, stop_timeout)) {
                proptest::prop_assert!(timestamp.is_finite());
                proptest::prop_assert!(users as usize <= crate::limits::MAX_USERS);
                proptest::prop_assert!(stop_timeout <= crate::limits::MAX_DURATION);
            }
        }
    }
}
