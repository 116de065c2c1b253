//! `loadlab run`: a headless load test with Locust's flags. The flags become
//! [`RunSettings`] and the work is [`crate::ops::run`]'s (the embedded lab server on its own
//! runtime, the engine, the report files, practice progress); this file prints: the header, the
//! live progress, Locust's tables, the explanation and the criteria's verdicts.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::Workbook;
use crate::engine::LiveStatus;
use crate::engine::console;
use crate::ops::run::{Outputs, RunHooks, RunSettings, Target, Written};
use crate::{explain, ops, report};

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// 실행할 사용자 클래스 (없으면 전부, 가중치대로 나눔)
    #[arg(value_name = "USER_CLASS")]
    pub classes: Vec<String>,
    /// 동시 사용자 수 (Locust: --users)
    #[arg(short = 'u', long = "users", default_value = "1", allow_negative_numbers = true,
        value_parser = crate::limits::users_text)]
    pub users: usize,
    /// 초당 새로 띄울 사용자 수 (Locust: --spawn-rate)
    #[arg(short = 'r', long = "spawn-rate", default_value = "1", allow_negative_numbers = true,
        value_parser = crate::limits::spawn_rate_text)]
    pub spawn_rate: f64,
    /// 실행 시간: 15s, 1m30s … (없으면 Ctrl-C까지)
    #[arg(short = 't', long = "run-time", allow_negative_numbers = true, value_parser = crate::limits::run_time)]
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
    #[arg(long, value_name = "SECONDS", default_value = "0", allow_negative_numbers = true,
        value_parser = parse_stop_timeout)]
    pub stop_timeout: Duration,
    /// 응답 본문 하나의 최대 크기 (기본 64MiB): 넘는 응답은 실패로 기록하고 연결을 닫아요
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = crate::limits::byte_size)]
    pub max_body: usize,
    /// 부하 모양: load | stress | spike | soak, 단계 "사용자:시간,…", 또는 시나리오의 LoadShape 이름.
    /// 단계는 앞 단계의 사용자 수에서 그 시간 동안 일정한 속도로 늘거나 줄어요: "10:30s,50:1m,0:10s"는
    /// 30초 동안 10명까지, 1분 동안 50명까지, 10초 동안 0명으로
    #[arg(long, value_name = "SHAPE")]
    pub shape: Option<String>,
    /// 프리셋의 시간을 압축한 학습용 버전 (몇 분 → 몇십 초)
    #[arg(long, requires = "shape")]
    pub quick: bool,
    /// 대기 시간 배율 (채점기가 대기 시간을 빨리 감을 때 써요)
    #[arg(long, default_value = "1", hide = true, value_parser = parse_time_scale)]
    pub time_scale: f64,
    /// 이 작업만 실행해요 (함수 이름, 쉼표로 구분)
    #[arg(long, value_delimiter = ',', hide = true)]
    pub tasks: Option<Vec<String>>,
    /// 요청마다 한 줄씩 JSON으로 기록해요 (채점기용)
    #[arg(long, value_name = "FILE", hide = true)]
    pub trace: Option<PathBuf>,
    #[command(flatten)]
    pub web: super::web::RunWeb,
}

fn parse_stop_timeout(text: &str) -> Result<Duration, String> {
    crate::limits::seconds_text(text, "--stop-timeout")
}

/// The grader's wait-time factor: finite, from 0 to 1000.
fn parse_time_scale(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|scale| scale.is_finite() && (0.0..=1000.0).contains(scale))
        .ok_or_else(|| format!("--time-scale: 0부터 1000까지의 숫자로 적어 주세요 (받은 값: '{text}')"))
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

impl RunArgs {
    /// The run as the operations layer takes it.
    pub fn settings(&self) -> RunSettings {
        RunSettings {
            classes: self.classes.clone(),
            users: self.users,
            spawn_rate: self.spawn_rate,
            run_time: self.run_time,
            host: self.host.clone(),
            insecure: self.insecure,
            ca_cert: self.ca_cert.clone(),
            bottlenecks: self.bottleneck.clone(),
            shape: self.shape.clone(),
            quick: self.quick,
            stop_timeout: self.stop_timeout,
            max_body: self.max_body,
            time_scale: self.time_scale,
            tasks: self.tasks.clone(),
            trace: self.trace.clone(),
            check: self.check.clone(),
        }
    }

    /// The report files asked for.
    pub fn outputs(&self) -> Outputs {
        Outputs { json: self.json.clone(), csv: self.csv.clone(), html: self.html.clone() }
    }
}

/// Runs `args` against `workbook`'s classes: prints the header, the live lines, Locust's tables
/// and the explanation, writes the report files, and returns the exit code.
pub async fn exec_with_workbook(args: RunArgs, workbook: Workbook, origin: Origin) -> anyhow::Result<i32> {
    args.outputs().check()?;
    let mut prepared = ops::run::prepare(args.settings(), workbook)?;
    let target = Target::start(&prepared.settings).await?;
    let class_names: Vec<&str> = prepared.classes.iter().map(|class| class.name).collect();
    println!(
        "부하 테스트 시작: {} → {} ({}){}",
        class_names.join(", "),
        target.host,
        prepared.describe(),
        if target.is_embedded() { " — 내장 실습 서버" } else { "" }
    );

    let display = LiveDisplay::new(!args.only_summary);
    let observer_display = display.clone();
    let hooks = RunHooks {
        observer: Some(Box::new(move |status: &LiveStatus<'_>| observer_display.update(status))),
        interrupt: Some(Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        })),
        control: None,
    };
    let result = ops::run::run_on(&mut prepared, &target, hooks).await;
    display.finish();
    target.stop().await;
    let result = result?;
    println!();
    print!("{}", console::summary(&result));
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    if !args.no_explain {
        print!("\n{}", explain::explain(&result).render(color));
    }
    for (kind, path) in ops::run::write_reports(&args.outputs(), &result)? {
        let what = match kind {
            Written::Json => "JSON 결과 저장",
            Written::Csv => "CSV 저장",
            Written::Html => "HTML 보고서 저장",
        };
        println!("{what}: {}", path.display());
    }
    if let Some(saturation) = args.shape.as_ref().and_then(|_| explain::saturation::find(&result)) {
        print!("\n{}", saturation.render());
    }
    if origin == Origin::Learner {
        match ops::run::record_practice(&result, &prepared.settings) {
            Ok(news) => news.iter().for_each(|line| println!("{line}")),
            Err(error) => eprintln!("진행 상황 파일을 저장하지 못했어요: {error}"),
        }
    }
    let (verdicts, code) = ops::run::judge(prepared.criteria.as_deref(), &result);
    if prepared.criteria.is_some() {
        print!("\n{}", report::thresholds::render(&verdicts, color));
    }
    Ok(code)
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
        let mut last = crate::process::lock(&self.last_line);
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
