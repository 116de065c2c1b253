//! `loadlab` (no arguments) and `loadlab learn [N] [--print]`: the tutor's entry points.

use std::process::ExitCode;

use clap::Args;

#[derive(Args, Debug)]
pub struct LearnArgs {
    /// 레슨 번호 (없으면 멈췄던 곳부터)
    #[arg(allow_negative_numbers = true, value_parser = lesson_number)]
    number: Option<usize>,
    /// 대화형 화면 없이 레슨 전체를 출력해요
    #[arg(long)]
    print: bool,
    /// --print의 줄 폭 (기본: 터미널 폭, 아니면 80)
    #[arg(long, allow_negative_numbers = true, value_parser = line_width)]
    width: Option<usize>,
}

/// A lesson's number: a whole number from 1 (the tutor says which numbers exist).
fn lesson_number(text: &str) -> Result<usize, String> {
    text.trim().parse::<usize>().ok().filter(|number| (1..=99).contains(number)).ok_or_else(|| {
        format!("레슨 번호는 1 이상의 정수로 적어 주세요 (받은 값: '{}', 예: learn 3)", text.trim())
    })
}

/// A line width from 20 to 1000 columns.
fn line_width(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|width| (20..=1000).contains(width))
        .ok_or_else(|| format!("줄 폭은 20부터 1000까지의 정수로 적어 주세요 (받은 값: '{}')", text.trim()))
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
