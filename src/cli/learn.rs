//! `loadlab` (no arguments) and `loadlab learn [N] [--print]`: the tutor's entry points.

use std::process::ExitCode;

use clap::Args;

#[derive(Args, Debug)]
pub struct LearnArgs {
    /// 레슨 번호 (없으면 멈췄던 곳부터)
    number: Option<usize>,
    /// 대화형 화면 없이 레슨 전체를 출력해요
    #[arg(long)]
    print: bool,
    /// --print의 줄 폭 (기본: 터미널 폭, 아니면 80)
    #[arg(long)]
    width: Option<usize>,
}

fn hooks() -> crate::tutor::Hooks {
    crate::tutor::Hooks { run_command: Box::new(|args: &[String]| super::execute(args)) }
}

/// The tutor's exit code as a number (ExitCode has no stable getter; the tutor uses 0, 1, 2).
fn code(exit: ExitCode) -> i32 {
    if exit == ExitCode::SUCCESS {
        0
    } else if exit == ExitCode::from(crate::tutor::NOT_A_TERMINAL_EXIT) {
        i32::from(crate::tutor::NOT_A_TERMINAL_EXIT)
    } else {
        1
    }
}

pub fn exec(args: LearnArgs) -> anyhow::Result<i32> {
    if args.print {
        let width = args.width.unwrap_or_else(crate::tutor::terminal_width);
        let color = colored::control::SHOULD_COLORIZE.should_colorize();
        print!("{}", crate::tutor::print_lesson(args.number, width, color)?);
        return Ok(0);
    }
    Ok(code(crate::tutor::learn(args.number, hooks())?))
}

pub fn exec_tutor() -> anyhow::Result<i32> {
    Ok(code(crate::tutor::run_tutor(hooks())?))
}
