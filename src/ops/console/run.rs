//! A load test as the terminal shows it: the header, the live progress (a bar on a terminal,
//! status lines otherwise), Locust's tables, the explanation, the files written, practice news
//! and the criteria's verdicts. The command line's `run` and the tutor's load-test dialog call
//! this; the run itself is [`crate::ops::run`]'s. Also the learner's runs, which build
//! `exercises/` and hand the terminal to its binary.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::LiveStatus;
use crate::engine::console;
use crate::engine::workbook::Workbook;
use crate::ops::check::Built;
use crate::ops::run::{Outputs, RunHooks, RunSettings, Target, Written};
use crate::{explain, ops, report};

/// Whose scenarios a run uses: the learner's runs can tick practice items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenarios {
    Solutions,
    Learners,
}

/// What the console shows besides the tables.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsoleOptions {
    /// Leave out the Korean explanation after the run.
    pub no_explain: bool,
    /// No periodic status lines or tables during the run, only the final summary.
    pub only_summary: bool,
}

/// Runs `settings` against `workbook`'s classes with the finished scenarios compiled into
/// loadlab.
pub async fn run_solutions(
    settings: RunSettings,
    outputs: Outputs,
    console_options: ConsoleOptions,
) -> anyhow::Result<i32> {
    run(settings, outputs, console_options, crate::solutions::workbook(), Scenarios::Solutions).await
}

/// Runs `settings` against `workbook`'s classes: prints the header, the live lines, Locust's tables
/// and the explanation, writes the report files, and returns the exit code.
pub async fn run(
    settings: RunSettings,
    outputs: Outputs,
    console_options: ConsoleOptions,
    workbook: Workbook,
    scenarios: Scenarios,
) -> anyhow::Result<i32> {
    outputs.check()?;
    let mut prepared = ops::run::prepare(settings, workbook)?;
    let target = Target::start(&prepared.settings).await?;
    let class_names: Vec<&str> = prepared.classes.iter().map(|class| class.name).collect();
    println!(
        "부하 테스트 시작: {} → {} ({}){}",
        class_names.join(", "),
        target.host,
        prepared.describe(),
        if target.is_embedded() { " — 내장 실습 서버" } else { "" }
    );

    let live = LiveDisplay::new(!console_options.only_summary);
    let observer_display = live.clone();
    let hooks = RunHooks {
        observer: Some(Box::new(move |status: &LiveStatus<'_>| observer_display.update(status))),
        interrupt: Some(Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        })),
        control: None,
    };
    let result = ops::run::run_on(&mut prepared, &target, hooks).await;
    live.finish();
    target.stop().await;
    let result = result?;
    println!();
    print!("{}", console::summary(&result));
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    if !console_options.no_explain {
        print!("\n{}", explain::explain(&result).render(color));
    }
    for (kind, path) in ops::run::write_reports(&outputs, &result)? {
        let what = match kind {
            Written::Json => "JSON 결과 저장",
            Written::Csv => "CSV 저장",
            Written::Html => "HTML 보고서 저장",
        };
        println!("{what}: {}", path.display());
    }
    if let Some(saturation) =
        prepared.settings.shape.as_ref().and_then(|_| explain::saturation::find(&result))
    {
        print!("\n{}", saturation.render());
    }
    if scenarios == Scenarios::Learners {
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

/// A run of the learner's scenarios: builds `exercises/` and runs its binary with `args` (its own
/// command line, `run`'s flags), in a child process that shares this terminal (Ctrl-C reaches it, and it
/// prints its own summary).
pub fn run_learner(args: &[String]) -> anyhow::Result<i32> {
    let binary = match ops::check::build_exercises(true)? {
        Built::Ready(binary) => binary,
        Built::Failed(message) => {
            eprintln!("{message}");
            return Ok(1);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio 런타임 시작 실패")?;
    runtime.block_on(async {
        let mut child = tokio::process::Command::new(&binary)
            .args(args)
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
