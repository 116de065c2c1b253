//! `loadlab run`: a headless load test with Locust's flags. The flags become [`RunSettings`],
//! [`Outputs`] and a [`ConsoleOptions`]; the run as the terminal shows it is
//! [`crate::ops::console::run`]'s, the run itself [`crate::ops::run`]'s.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::ops::console::run::ConsoleOptions;
use crate::ops::run::{Outputs, RunSettings};

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
    crate::ops::console::run::run_solutions(args.settings(), args.outputs(), args.console_options()).await
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

    /// What the console shows besides the tables.
    pub fn console_options(&self) -> ConsoleOptions {
        ConsoleOptions { no_explain: self.no_explain, only_summary: self.only_summary }
    }

    /// The report files asked for.
    pub fn outputs(&self) -> Outputs {
        Outputs { json: self.json.clone(), csv: self.csv.clone(), html: self.html.clone() }
    }
}
