//! `loadlab run`: a headless load test with Locust's flags. Without `-H` it starts the lab
//! server in this process on a free loopback port — on its own tokio runtime and threads
//! ([`IsolatedServer`]), so a blocking bottleneck cannot stall the users or the sampler —
//! runs, prints Locust's tables, writes the requested report files, and exits non-zero when
//! requests failed.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::UsageError;
use super::Workbook;
use crate::engine::console;
use crate::engine::shape::{Schedule, parse_duration};
use crate::engine::user::UserClass;
use crate::engine::{LiveStatus, RunConfig, RunResult};
use crate::{explain, report};

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// 실행할 사용자 클래스 (없으면 전부, 가중치대로 나눔)
    #[arg(value_name = "USER_CLASS")]
    pub classes: Vec<String>,
    /// 동시 사용자 수 (Locust: --users)
    #[arg(short = 'u', long = "users", default_value_t = 1)]
    pub users: usize,
    /// 초당 새로 띄울 사용자 수 (Locust: --spawn-rate)
    #[arg(short = 'r', long = "spawn-rate", default_value_t = 1.0)]
    pub spawn_rate: f64,
    /// 실행 시간: 15s, 1m30s … (없으면 Ctrl-C까지)
    #[arg(short = 't', long = "run-time", value_parser = parse_run_time)]
    pub run_time: Option<Duration>,
    /// 대상 서버 (없으면 내장 실습 서버를 띄워요)
    #[arg(short = 'H', long = "host")]
    pub host: Option<String>,
    /// https 대상의 인증서를 확인하지 않아요 (자체 서명 인증서를 쓰는 실습 서버용)
    #[arg(long, requires = "host")]
    pub insecure: bool,
    /// https 대상의 인증서를 이 PEM 파일의 인증 기관으로도 확인해요 (사설 인증 기관)
    #[arg(long, value_name = "FILE", requires = "host", conflicts_with = "insecure")]
    pub ca_cert: Option<PathBuf>,
    /// exercises/ 대신 완성된 solutions/의 시나리오를 실행해요
    #[arg(long)]
    pub solutions: bool,
    /// 내장 실습 서버에 병목을 켜요 (-H 없이만): n-plus-one, missing-index, no-pagination, …
    #[arg(long, value_name = "NAME", conflicts_with = "host")]
    pub bottleneck: Vec<crate::server::Bottleneck>,
    /// 실행 결과 전체를 JSON으로 저장해요 (explain·compare의 입력)
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Locust 형식 CSV: PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv
    #[arg(long, value_name = "PREFIX")]
    pub csv: Option<String>,
    /// 오프라인에서도 열리는 HTML 보고서 (차트, 표, 한국어 해설)
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// 합격 기준: "p95<500ms,p99<1s,fail<0.1%,rps>50" (이름별: "/todos/ [GET - List]:p95<300ms")
    #[arg(long, value_name = "CRITERIA")]
    pub check: Option<String>,
    /// 실행 뒤 한국어 해설을 생략해요
    #[arg(long)]
    pub no_explain: bool,
    /// 실행 중 주기적인 통계를 끄고 마지막 요약만 출력해요
    #[arg(long)]
    pub only_summary: bool,
    /// 종료할 때 진행 중인 작업을 기다려 줄 시간(초)
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    pub stop_timeout: f64,
    /// 부하 모양: load | stress | spike | soak, "사용자:시간,…" 단계, 또는 시나리오의 LoadShape 이름
    #[arg(long, value_name = "SHAPE")]
    pub shape: Option<String>,
    /// 프리셋의 시간을 압축한 학습용 버전 (몇 분 → 몇십 초)
    #[arg(long, requires = "shape")]
    pub quick: bool,
    /// 대기 시간 배율 (채점기가 대기 시간을 빨리 감을 때 써요)
    #[arg(long, default_value_t = 1.0, hide = true)]
    pub time_scale: f64,
    /// 이 작업만 실행해요 (함수 이름, 쉼표로 구분)
    #[arg(long, value_delimiter = ',', hide = true)]
    pub tasks: Option<Vec<String>>,
    /// 요청마다 한 줄씩 JSON으로 기록해요 (채점기용)
    #[arg(long, value_name = "FILE", hide = true)]
    pub trace: Option<PathBuf>,
}

fn parse_run_time(text: &str) -> Result<Duration, String> {
    parse_duration(text)
}

/// Runs `args` with the finished scenarios compiled into `loadlab`.
pub async fn exec(args: RunArgs) -> anyhow::Result<i32> {
    exec_with_workbook(args, crate::solutions::workbook(), Origin::Solutions).await
}

/// Whose scenarios a run uses: the learner's runs can tick practice items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Solutions,
    Learner,
}

/// `loadlab run` without `--solutions`: builds the learner's exercises and runs them with the
/// same arguments, in a child process that shares this terminal (Ctrl-C reaches it, and it
/// prints its own summary).
pub fn exec_learner(raw_args: Vec<String>) -> anyhow::Result<i32> {
    let binary = match crate::grader::build::build_exercises(true)? {
        crate::grader::build::Build::Ready(path) => path,
        crate::grader::build::Build::Failed => {
            eprintln!("{}", crate::grader::build::failed_message());
            return Ok(1);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio 런타임 시작 실패")?;
    runtime.block_on(async {
        let mut child = tokio::process::Command::new(&binary)
            .args(&raw_args)
            .spawn()
            .with_context(|| format!("실행할 수 없어요: {}", binary.display()))?;
        // Ctrl-C goes to the whole process group: the child stops and prints; we only wait.
        let status = loop {
            tokio::select! {
                status = child.wait() => break status.context("시나리오 프로세스를 기다릴 수 없어요")?,
                _ = tokio::signal::ctrl_c() => continue,
            }
        };
        Ok(status.code().unwrap_or(1))
    })
}

/// Runs `args` against `available` classes: validates, starts the lab server when no host is
/// given, runs, prints and writes the results, and returns the exit code.
pub async fn exec_with_workbook(args: RunArgs, workbook: Workbook, origin: Origin) -> anyhow::Result<i32> {
    let Workbook { classes: available, shapes, release_criteria } = workbook;
    let classes = select_classes(&args.classes, available)?;
    let criteria = match args.check.as_deref() {
        Some(RELEASE) => Some(release_check(release_criteria)?),
        Some(text) => Some(report::thresholds::parse(text).map_err(UsageError)?),
        None => None,
    };
    if args.users == 0 && args.shape.is_none() {
        return Err(UsageError("사용자 수(-u)는 1 이상이어야 해요".to_string()).into());
    }
    if !(args.spawn_rate > 0.0 && args.spawn_rate.is_finite()) {
        return Err(UsageError("spawn rate(-r)는 0보다 커야 해요".to_string()).into());
    }
    let schedule = match &args.shape {
        Some(name) => match shapes.iter().find(|shape| shape.name == name) {
            Some(shape) => Schedule::custom(shape.instance(), name.clone()),
            None => Schedule::parse(name, args.quick).map_err(UsageError)?,
        },
        None => Schedule::fixed(args.users, args.spawn_rate, args.run_time),
    };
    if let Some(host) = &args.host
        && !(host.starts_with("http://") || host.starts_with("https://"))
    {
        return Err(UsageError(format!(
            "호스트 '{host}': http:// 또는 https:// 로 시작해야 해요 (예: -H http://127.0.0.1:8000)"
        ))
        .into());
    }
    let tls = crate::engine::http::TlsOptions { insecure: args.insecure, ca_cert: args.ca_cert.clone() };
    // A certificate file that cannot be used is a bad flag: one line before anything starts.
    tls.client_config().map_err(|error| UsageError(error.to_string()))?;

    let embedded = match &args.host {
        Some(_) => None,
        None => Some(
            IsolatedServer::start(crate::server::ServerConfig {
                bottlenecks: args.bottleneck.clone(),
                ..crate::server::ServerConfig::in_memory()
            })
            .await
            .context("내장 실습 서버를 시작할 수 없어요")?,
        ),
    };
    let host = match (&args.host, &embedded) {
        (Some(host), _) => host.clone(),
        (None, Some(server)) => server.url(),
        (None, None) => unreachable!("a server was started when no host was given"),
    };
    let class_names: Vec<&str> = classes.iter().map(|class| class.name).collect();
    println!(
        "부하 테스트 시작: {} → {} ({}){}",
        class_names.join(", "),
        host,
        schedule.describe(),
        if embedded.is_some() { " — 내장 실습 서버" } else { "" }
    );

    let display = LiveDisplay::new(!args.only_summary);
    let mut config = RunConfig::new(classes, host, 0, 1.0, Duration::ZERO);
    config.schedule = schedule;
    config.stop_timeout = Duration::from_secs_f64(args.stop_timeout.max(0.0));
    config.time_scale = args.time_scale;
    config.task_filter = args.tasks.clone();
    config.trace = args.trace.clone();
    config.embedded_server = embedded.is_some();
    config.tls = tls;
    config.sample_server = embedded.is_some() || crate::engine::server_metrics::probe(&config.host).await;
    config.interrupt = Some(Box::pin(async {
        let _ = tokio::signal::ctrl_c().await;
    }));
    let observer_display = display.clone();
    config.observer = Some(Box::new(move |status: &LiveStatus<'_>| observer_display.update(status)));

    let result = crate::engine::run(config).await;
    display.finish();
    if let Some(server) = embedded {
        server.shutdown().await;
    }
    let result = result?;
    println!();
    print!("{}", console::summary(&result));
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    if !args.no_explain {
        print!("\n{}", explain::explain(&result).render(color));
    }
    write_reports(&args, &result)?;
    if let Some(saturation) = args.shape.as_ref().and_then(|_| explain::saturation::find(&result)) {
        print!("\n{}", saturation.render());
    }
    if origin == Origin::Learner {
        let plain = args.shape.is_none() && args.time_scale == 1.0 && args.tasks.is_none();
        let settings = crate::grader::practice::Settings { spawn_rate: args.spawn_rate, plain };
        match crate::grader::practice::record_run(&result, &settings) {
            Ok(news) => news.iter().for_each(|line| println!("{line}")),
            Err(error) => eprintln!("진행 상황 파일을 저장하지 못했어요: {error}"),
        }
    }
    match &criteria {
        // With criteria, they decide: "fail<0.1%" may accept a few failures.
        Some(criteria) => {
            let verdicts = report::thresholds::evaluate(criteria, &result);
            print!("\n{}", report::thresholds::render(&verdicts, color));
            Ok(if report::thresholds::all_passed(&verdicts) { 0 } else { report::EXIT_THRESHOLD_FAILED })
        }
        None => Ok(exit_code(&result)),
    }
}

/// The lab server on its own multi-threaded tokio runtime, on threads named
/// [`crate::engine::cpu::SERVER_THREAD_NAME`]: its blocking bottlenecks block only its own
/// threads, and the generator's CPU figure leaves them out.
pub struct IsolatedServer {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl IsolatedServer {
    /// Starts the server on a new runtime; returns once it listens.
    pub async fn start(config: crate::server::ServerConfig) -> anyhow::Result<Self> {
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<anyhow::Result<String>>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let name = crate::engine::cpu::SERVER_THREAD_NAME;
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .thread_name(name)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx
                            .send(Err(anyhow::Error::new(error)
                                .context("실습 서버용 tokio 런타임을 만들 수 없어요")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match crate::server::start(config).await {
                        Ok(server) => {
                            let _ = ready_tx.send(Ok(server.url()));
                            let _ = stop_rx.await;
                            server.shutdown().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })
            .context("실습 서버 스레드를 만들 수 없어요")?;
        let url = ready_rx.await.context("실습 서버 스레드가 멈췄어요")??;
        Ok(IsolatedServer { url, stop: Some(stop_tx), thread: Some(thread) })
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stops the server (letting open requests finish, as [`crate::server::LabServer::shutdown`])
    /// and waits for its thread.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

impl Drop for IsolatedServer {
    fn drop(&mut self) {
        // Dropping the sender stops the server; its thread ends on its own.
        self.stop.take();
    }
}

/// `--check release`: the workbook's own release criteria.
const RELEASE: &str = "release";

fn release_check(criteria: fn() -> &'static str) -> anyhow::Result<Vec<report::thresholds::Criterion>> {
    let text = std::panic::catch_unwind(criteria).map_err(|_| {
        UsageError("release_criteria()가 아직 완성되지 않았어요 (exercises/release_gate.rs)".to_string())
    })?;
    report::thresholds::parse(text).map_err(|error| {
        UsageError(format!("release_criteria()의 기준을 읽을 수 없어요: \"{text}\" ({error})")).into()
    })
}

/// Locust's `--exit-code-on-error` default: 1 when any request failed or a task panicked.
pub fn exit_code(result: &RunResult) -> i32 {
    if result.total.num_failures > 0 || !result.exceptions.is_empty() { 1 } else { 0 }
}

fn write_reports(args: &RunArgs, result: &RunResult) -> anyhow::Result<()> {
    if let Some(path) = &args.json {
        report::json::write(path, result)?;
        println!("JSON 결과 저장: {}", path.display());
    }
    if let Some(prefix) = &args.csv {
        for path in report::csv::write(prefix, result)? {
            println!("CSV 저장: {}", path.display());
        }
    }
    if let Some(path) = &args.html {
        report::html::write(path, result)?;
        println!("HTML 보고서 저장: {}", path.display());
    }
    Ok(())
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

/// The live part of the console: a progress bar on a terminal, a status line every few seconds
/// otherwise, and the request table every ten seconds (unless `--only-summary`).
#[derive(Clone)]
struct LiveDisplay {
    bar: Option<ProgressBar>,
    periodic: bool,
    last_line: std::sync::Arc<std::sync::Mutex<(Instant, Instant)>>,
}

const STATUS_EVERY: Duration = Duration::from_secs(2);
const TABLE_EVERY: Duration = Duration::from_secs(10);

impl LiveDisplay {
    fn new(periodic: bool) -> Self {
        let bar = std::io::stdout().is_terminal().then(|| {
            let bar = ProgressBar::new(100);
            bar.set_style(
                ProgressStyle::with_template("{bar:24.cyan/blue} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        let now = Instant::now();
        LiveDisplay { bar, periodic, last_line: std::sync::Arc::new(std::sync::Mutex::new((now, now))) }
    }

    fn update(&self, status: &LiveStatus<'_>) {
        for notice in &status.notices {
            let text = console::notice_text(notice);
            match &self.bar {
                Some(bar) => bar.suspend(|| println!("{text}")),
                None => println!("{text}"),
            }
        }
        let line = status_line(status);
        let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
        let table_due = self.periodic && last.1.elapsed() >= TABLE_EVERY;
        if table_due {
            last.1 = Instant::now();
        }
        let table = table_due.then(|| {
            let summary = status.summary();
            console::request_table(&summary.stats, &summary.total)
        });
        match &self.bar {
            Some(bar) => {
                if let Some(run_time) = status.run_time {
                    bar.set_position((status.elapsed.as_secs_f64() / run_time.as_secs_f64() * 100.0) as u64);
                }
                bar.set_message(line);
                if let Some(table) = table {
                    bar.suspend(|| println!("{table}"));
                }
            }
            None => {
                if self.periodic && last.0.elapsed() >= STATUS_EVERY {
                    last.0 = Instant::now();
                    println!("{line}");
                }
                if let Some(table) = table {
                    println!("{table}");
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn status_line(status: &LiveStatus<'_>) -> String {
    let time = match status.run_time {
        Some(total) => format!("{:>3.0}/{:.0}초", status.elapsed.as_secs_f64(), total.as_secs_f64()),
        None => format!("{:>3.0}초", status.elapsed.as_secs_f64()),
    };
    let mut line = format!("[{time}] 사용자 {}/{}명", status.users, status.target_users);
    if let Some(stage) = &status.stage {
        line.push_str(&format!(" ({stage})"));
    }
    if let Some(second) = status.last_second {
        line.push_str(&format!(
            " | {:.1} req/s | 실패 {}건 | {}",
            second.requests_per_second,
            second.total_failures,
            console::live_percentiles(second)
        ));
    }
    if let Some(percent) = status.generator_cpu_percent.filter(|p| *p > crate::engine::cpu::THRESHOLD * 100.0)
    {
        line.push_str(&format!(" | ⚠️ 생성기 CPU {percent:.0}%"));
    }
    line
}
