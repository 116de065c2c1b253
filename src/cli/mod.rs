//! The command line: parses arguments with clap and hands each subcommand to its own file
//! (`run.rs`, `serve.rs`, …), each holding its argument definition and its `exec`. This is the
//! only place that turns errors into messages and exit codes.

mod check;
mod compare;
mod explain;
mod hint;
mod hunt;
mod import;
mod learn;
mod practice;
mod progress;
mod reset;
mod run;
mod serve;
mod solution;
mod watch;
mod web;
mod worker;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::ops::console::{self, run::run_learner};
pub(crate) use crate::ops::console::{block_on, usage_result};

pub use crate::exit::{USAGE as EXIT_USAGE, UsageError};

#[derive(Parser, Debug)]
#[command(
    name = "loadlab",
    version,
    about = "한국어 성능 테스트 실습서 — 레슨을 읽고, 시나리오를 쓰고, 실제 TODO API에 부하를 걸어 보세요",
    long_about = None,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 레슨을 한 섹션씩 읽어요 (--print: 화면 출력만)
    Learn(learn::LearnArgs),
    /// 실습용 TODO API 서버를 띄워요 (가이드의 FastAPI 앱과 같은 API)
    Serve(serve::ServeArgs),
    /// 부하 테스트를 실행해요 (Locust의 --headless 실행과 같은 플래그)
    Run(Box<run::RunArgs>),
    /// exercises/를 빌드하고 체크리스트 항목을 동작으로 채점해요
    Check(check::CheckArgs),
    /// 항목의 힌트를 봐요
    Hint(hint::HintArgs),
    /// 모범 답안을 내 코드와의 차이(diff)로 봐요
    Solution(solution::SolutionArgs),
    /// 항목을 처음 상태로 되돌려요 (먼저 물어봐요)
    Reset(reset::ResetArgs),
    /// 체크리스트와 진도를 봐요
    Progress,
    /// 실습 3: 내 스트레스 테스트 결과에 대한 질문에 답해요
    Practice(practice::PracticeArgs),
    /// 병목 찾기 실습: 수수께끼 병목 맞히기(guess)와 개선 증명(prove)
    Hunt(hunt::HuntArgs),
    /// 저장할 때마다 지금 하는 항목을 다시 채점해요 (h 힌트, l 목록, n 다음, r 채점, q 끝)
    Watch(watch::WatchArgs),
    /// 저장한 결과(JSON)의 지표와 병목을 한국어로 해설해요
    Explain(explain::ExplainArgs),
    /// 두 결과(JSON)를 요청별로 비교해요 (회귀 테스트)
    Compare(compare::CompareArgs),
    /// Locust처럼 웹 대시보드를 열어요 (http://127.0.0.1:8089): 시작·중지·실시간 차트·해설
    Web(web::WebArgs),
    /// Locust 마스터(locust --master)에 워커로 붙어 부하를 나눠 맡아요
    Worker(worker::WorkerArgs),
    /// 브라우저 기록(HAR)·OpenAPI 문서·접근 로그에서 시나리오를 만들어 exercises/에 넣어요
    Import(import::ImportArgs),
}

/// `loadlab`'s `main`: parses `std::env::args`, runs the command, exits with its code.
pub fn main() -> ExitCode {
    quiet_broken_pipe();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match execute(&args) {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(error) => {
            eprintln!("{}", format_error(&error));
            ExitCode::from(1)
        }
    }
}

/// Runs one command line (without the program name) in this process and returns its exit
/// code. The tutor uses this to run what a lesson offers.
pub fn execute(args: &[String]) -> anyhow::Result<i32> {
    configure_color();
    let argv = std::iter::once("loadlab".to_string()).chain(args.iter().cloned());
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(error) => return Ok(report_usage_error(&error)),
    };
    match cli.command {
        None => learn::exec_tutor(),
        Some(Command::Learn(args)) => learn::exec(args),
        Some(Command::Serve(args)) => block_on(serve::exec(args)),
        Some(Command::Run(args)) if args.solutions && args.web.web => {
            block_on(web::exec_run(&args.settings(), &args.web, crate::solutions::workbook(), false))
        }
        Some(Command::Run(args)) if args.solutions => block_on(run::exec(*args)),
        Some(Command::Run(_)) => usage_result(run_learner(&after_subcommand(args, "run"))),
        Some(Command::Check(args)) => block_on(check::exec(args)),
        Some(Command::Hint(args)) => usage_result(hint::exec(args)),
        Some(Command::Solution(args)) => usage_result(solution::exec(args)),
        Some(Command::Reset(args)) => usage_result(reset::exec(args)),
        Some(Command::Progress) => progress::exec(),
        Some(Command::Practice(args)) => usage_result(practice::exec(args)),
        Some(Command::Hunt(args)) => usage_result(hunt::exec(args)),
        Some(Command::Watch(args)) => block_on(watch::exec(args)),
        Some(Command::Explain(args)) => usage_result(explain::exec(args)),
        Some(Command::Compare(args)) => usage_result(compare::exec(args)),
        Some(Command::Web(args)) => web::exec(args),
        Some(Command::Worker(args)) if args.solutions => {
            block_on(worker::exec(args, crate::solutions::workbook()))
        }
        Some(Command::Import(args)) => block_on(import::exec(args)),
        Some(Command::Worker(_)) => {
            let mut learner = vec![worker::EXERCISES_MODE.to_string()];
            learner.extend(after_subcommand(args, "worker"));
            usage_result(run_learner(&learner))
        }
    }
}

/// Whether `args` (without the program name) is a command line `loadlab` accepts; the parse
/// error's first line otherwise. Runs nothing: lessons are checked with it.
pub fn check_command_line(args: &[String]) -> Result<(), String> {
    let argv = std::iter::once("loadlab".to_string()).chain(args.iter().cloned());
    match Cli::try_parse_from(argv) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == clap::error::ErrorKind::DisplayHelp => Ok(()),
        Err(error) => Err(error.render().to_string().lines().next().unwrap_or_default().to_string()),
    }
}

/// The arguments after the first `subcommand` word.
fn after_subcommand(args: &[String], subcommand: &str) -> Vec<String> {
    let position = args.iter().position(|arg| arg == subcommand).map_or(0, |i| i + 1);
    args[position..].to_vec()
}

/// Prints clap's help or version as clap does, and any other parse error as one line.
fn report_usage_error(error: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            0
        }
        _ => {
            eprintln!("오류: {} (도움말: loadlab --help)", usage_sentence(error));
            EXIT_USAGE
        }
    }
}

/// A parse error as one Korean sentence: our own value checks speak for themselves, clap's
/// common complaints are said again in Korean, and only rare kinds keep clap's English line.
fn usage_sentence(error: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => text.clone(),
        Some(ContextValue::Strings(texts)) => texts.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    // `--users <USERS>` → `--users`: the value's placeholder says nothing to a learner.
    let argument = context(ContextKind::InvalidArg);
    let argument = match error.kind() {
        ErrorKind::MissingRequiredArgument => argument,
        _ => argument.split(' ').next().unwrap_or_default().to_string(),
    };
    let value = context(ContextKind::InvalidValue);
    match error.kind() {
        ErrorKind::ValueValidation => match std::error::Error::source(error) {
            // Our own checks ([`crate::limits`]) already say it in Korean.
            // A positional's placeholder (`[NUMBER]`) says nothing; a flag is named once.
            Some(why) if why.to_string().chars().any(|c| ('가'..='힣').contains(&c)) => {
                let why = why.to_string();
                if !argument.starts_with('-') || why.starts_with(&argument) {
                    why
                } else {
                    format!("{argument}: {why}")
                }
            }
            Some(why) => format!("{argument}에 쓸 수 없는 값이에요: '{value}' ({why})"),
            None => format!("{argument}에 쓸 수 없는 값이에요: '{value}'"),
        },
        ErrorKind::InvalidValue => {
            let valid = context(ContextKind::ValidValue);
            if value.is_empty() {
                format!("{argument}에 값이 필요해요")
            } else if valid.is_empty() {
                format!("{argument}에 쓸 수 없는 값이에요: '{value}'")
            } else {
                format!("{argument}에 쓸 수 없는 값이에요: '{value}' (쓸 수 있는 값: {valid})")
            }
        }
        ErrorKind::UnknownArgument => {
            let suggested = context(ContextKind::SuggestedArg);
            let negative = argument.starts_with('-') && argument[1..].parse::<f64>().is_ok();
            if negative {
                format!("'{argument}'처럼 0보다 작은 값은 받을 수 없어요")
            } else if suggested.is_empty() {
                format!("모르는 인자예요: '{argument}'")
            } else {
                format!("모르는 인자예요: '{argument}' (혹시 '{suggested}'?)")
            }
        }
        ErrorKind::InvalidSubcommand => format!("모르는 명령이에요: '{argument}'"),
        ErrorKind::MissingRequiredArgument => format!("꼭 필요한 인자가 빠졌어요: {argument}"),
        ErrorKind::ArgumentConflict => {
            format!("함께 쓸 수 없는 인자예요: {argument}, {}", context(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{argument}의 값 개수가 맞지 않아요")
        }
        _ => {
            let rendered = error.render().to_string();
            rendered.lines().next().unwrap_or("잘못된 명령줄이에요").trim_start_matches("error: ").to_string()
        }
    }
}

fn format_error(error: &anyhow::Error) -> String {
    let mut message = format!("오류: {error}");
    for cause in error.chain().skip(1) {
        message.push_str(&format!("\n  원인: {cause}"));
    }
    message
}

/// `loadlab solution x | head` closes the pipe early: end quietly, as other Unix tools do.
/// (Resetting SIGPIPE instead would let a peer that drops a connection kill a load test.)
fn quiet_broken_pipe() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload_as_str().unwrap_or("");
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        previous(info);
    }));
}

/// Colour only for a terminal, and never with `NO_COLOR` set.
fn configure_color() {
    let wanted = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    colored::control::set_override(wanted);
}

pub use crate::engine::workbook::Workbook;

/// The command line of the learner's exercises binary: `loadlab run`'s arguments, run against
/// the learner's own `classes`.
#[derive(Parser, Debug)]
#[command(name = "exercises", about = "여러분의 시나리오(exercises/)로 부하 테스트를 실행해요")]
struct ExercisesCli {
    #[command(flatten)]
    run: run::RunArgs,
    /// Prints the release criteria as JSON, for the grader.
    #[arg(long, hide = true)]
    print_release_criteria: bool,
    /// Prints a shape's answers second by second as JSON, for the grader.
    #[arg(long, hide = true, value_name = "SHAPE")]
    shape_profile: Option<String>,
    #[arg(long, hide = true, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    profile_seconds: u64,
}

/// `main` of the exercises target (`exercises/main.rs`).
pub fn exercises_main(workbook: Workbook) -> ExitCode {
    configure_color();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(worker::EXERCISES_MODE) {
        return ExitCode::from(worker::exercises_mode(&args[1..], workbook).clamp(0, 255) as u8);
    }
    let code = match ExercisesCli::try_parse() {
        Ok(ExercisesCli { print_release_criteria: true, .. }) => {
            println!("{}", serde_json::to_string((workbook.release_criteria)()).unwrap_or_default());
            0
        }
        Ok(ExercisesCli { shape_profile: Some(name), profile_seconds, .. }) => {
            match workbook.shapes.iter().find(|shape| shape.name == name) {
                Some(shape) => {
                    let profile = crate::grader::observe::profile_shape(shape, profile_seconds);
                    println!("{}", serde_json::to_string(&profile).unwrap_or_default());
                    0
                }
                None => {
                    eprintln!("오류: 알 수 없는 부하 모양 '{name}'");
                    EXIT_USAGE
                }
            }
        }
        Ok(cli) if cli.run.web.web => {
            match block_on(web::exec_run(&cli.run.settings(), &cli.run.web, workbook, true)) {
                Ok(code) => code,
                Err(error) => {
                    eprintln!("{}", format_error(&error));
                    1
                }
            }
        }
        Ok(cli) => match block_on(console::run::run(
            cli.run.settings(),
            cli.run.outputs(),
            cli.run.console_options(),
            workbook,
            console::run::Scenarios::Learners,
        )) {
            Ok(code) => code,
            Err(error) => {
                eprintln!("{}", format_error(&error));
                1
            }
        },
        Err(error) => report_usage_error(&error),
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}
