//! `loadlab practice 3 [--p95 N --plateau N --errors N]`: its arguments; the questions are
//! [`crate::ops::console::practice`]'s.

use clap::Args;

use crate::grader::practice::Answers;
use crate::ops::console::practice::{parse_users, practice};

#[derive(Args, Debug)]
pub struct PracticeArgs {
    /// 실습 번호 (지금은 3: 스트레스 테스트 결과 읽기)
    number: u32,
    /// p95가 급증하기 시작한 사용자 수 (없었으면 none)
    #[arg(long, value_parser = parse_said)]
    p95: Option<Said>,
    /// 처리량이 더 늘지 않게 된 사용자 수 (없었으면 none)
    #[arg(long, value_parser = parse_said)]
    plateau: Option<Said>,
    /// 실패가 나오기 시작한 사용자 수 (없었으면 none)
    #[arg(long, value_parser = parse_said)]
    errors: Option<Said>,
}

/// A user count, or "did not happen" (`none`).
#[derive(Debug, Clone, Copy)]
struct Said(Option<usize>);

fn parse_said(text: &str) -> Result<Said, String> {
    parse_users(text).map(Said)
}

pub fn exec(args: PracticeArgs) -> anyhow::Result<i32> {
    let given = match (args.p95, args.plateau, args.errors) {
        (Some(Said(p95_break)), Some(Said(plateau)), Some(Said(errors))) => {
            Some(Answers { p95_break, plateau, errors })
        }
        _ => None,
    };
    practice(args.number, given)
}
