//! `loadlab worker`: joins a Locust master as a worker (see [`crate::worker`]). Without
//! `--solutions` the learner's scenarios run: `loadlab` builds `exercises/` and runs this
//! command inside that binary (its worker mode, [`exercises_mode`]).

use std::time::Duration;

use clap::{Args, Parser};

use crate::engine::workbook::Workbook;
use crate::worker::WorkerOptions;

/// The word that puts the exercises binary in worker mode (its first argument).
pub const EXERCISES_MODE: &str = "worker";

#[derive(Args, Debug, Clone)]
pub struct WorkerArgs {
    /// 이 워커가 맡을 사용자 클래스 (없으면 전부; 마스터의 locustfile에도 같은 이름이 있어야 해요)
    #[arg(value_name = "USER_CLASS")]
    pub classes: Vec<String>,
    /// 마스터(locust --master)의 주소
    #[arg(long, value_name = "HOST")]
    pub master_host: String,
    /// 마스터의 포트 (Locust: --master-port)
    #[arg(long, value_name = "PORT", default_value_t = 5557)]
    pub master_port: u16,
    /// 마스터를 -H 없이 띄웠을 때 부하를 보낼 대상 서버
    #[arg(short = 'H', long = "host")]
    pub host: Option<String>,
    /// 마스터가 이 시간(초) 동안 아무 소식이 없으면 워커를 끝내요 (Locust: 60초)
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_master_timeout)]
    pub master_timeout: Duration,
    /// exercises/ 대신 완성된 solutions/의 시나리오를 실행해요
    #[arg(long)]
    pub solutions: bool,
}

fn parse_master_timeout(text: &str) -> Result<Duration, String> {
    crate::limits::seconds_text(text, "--master-timeout")
}

impl WorkerArgs {
    fn options(&self) -> WorkerOptions {
        WorkerOptions {
            master_host: self.master_host.clone(),
            master_port: self.master_port,
            classes: self.classes.clone(),
            host: self.host.clone(),
            master_timeout: self.master_timeout.max(Duration::from_millis(100)),
        }
    }
}

/// Runs the worker with `workbook`'s classes in this process.
pub async fn exec(args: WorkerArgs, workbook: Workbook) -> anyhow::Result<i32> {
    crate::worker::run(args.options(), workbook).await
}

#[derive(Parser, Debug)]
#[command(name = "exercises worker")]
struct ExercisesWorker {
    #[command(flatten)]
    worker: WorkerArgs,
}

/// The exercises binary's worker mode: `args` are what follows [`EXERCISES_MODE`].
pub fn exercises_mode(args: &[String], workbook: Workbook) -> i32 {
    let argv = std::iter::once("exercises worker".to_string()).chain(args.iter().cloned());
    match ExercisesWorker::try_parse_from(argv) {
        Ok(cli) => match super::block_on(exec(cli.worker, workbook)) {
            Ok(code) => code,
            Err(error) => {
                eprintln!("{}", super::format_error(&error));
                1
            }
        },
        Err(error) => super::report_usage_error(&error),
    }
}
