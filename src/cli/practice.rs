//! `loadlab practice 3`: the questions about the learner's own stress run (실습 3). The answers
//! are checked against what the saturation finder detected, within a step of users; right
//! answers tick 실습 3. Asked interactively on a terminal, or given as flags.

use std::io::IsTerminal;

use clap::Args;
use colored::Colorize;

use crate::grader::practice::{
    Answers, judge_practice3, latest_stress, no_limit_seen, only_stress_without_limit,
};
use crate::progress::Progress;

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

fn parse_users(text: &str) -> Result<Option<usize>, String> {
    match text.trim() {
        "none" | "없음" | "" => Ok(None),
        number => number
            .trim_end_matches('명')
            .parse()
            .map(Some)
            .map_err(|_| format!("사용자 수 '{text}'를 읽을 수 없어요 (숫자 또는 none)")),
    }
}

fn no_stress_run() -> String {
    format!(
        "아직 실습 3용 스트레스 실행이 없어요. 먼저 이렇게 실행하세요:\n  {}",
        crate::places::command("run StressTestUser --shape stress --quick --html stress.html")
    )
}

pub fn exec(args: PracticeArgs) -> anyhow::Result<i32> {
    if args.number != 3 {
        return Err(super::UsageError(format!(
            "질문이 있는 실습은 3뿐이에요 (입력: 실습 {}): 실습 1·2·4는 실행과 채점으로 자동 체크돼요 ({})",
            args.number,
            crate::places::command("progress")
        ))
        .into());
    }
    let (progress, _) = Progress::load();
    let Some(record) = latest_stress(&progress) else {
        println!("{}", if only_stress_without_limit(&progress) { no_limit_seen() } else { no_stress_run() });
        return Ok(1);
    };
    println!(
        "{} ({} 실행, {}명까지)",
        "실습 3: 스트레스 테스트 결과 읽기".bold(),
        record.at.with_timezone(&chrono::Local).format("%m-%d %H:%M"),
        record.users
    );
    let answers = match (args.p95, args.plateau, args.errors) {
        (Some(Said(p95_break)), Some(Said(plateau)), Some(Said(errors))) => {
            Answers { p95_break, plateau, errors }
        }
        _ if std::io::stdin().is_terminal() => Answers {
            p95_break: ask("응답 시간(p95)이 급증하기 시작한 사용자 수는? (없었으면 '없음')")?,
            plateau: ask("처리량(req/s)이 더 늘지 않게 된 사용자 수는?")?,
            errors: ask("실패가 나오기 시작한 사용자 수는?")?,
        },
        _ => {
            return Err(super::UsageError(
                "터미널이 아니라 물어볼 수 없어요: --p95 N --plateau N --errors N (없으면 none)으로 답하세요"
                    .to_string(),
            )
            .into());
        }
    };
    let problems = judge_practice3(&record, &answers);
    if problems.is_empty() {
        Progress::update(|progress| progress.mark_item_done("practice3"))?;
        println!("{}", "🎉 정답! 실습 3 완료: 결과에서 한계점을 정확히 읽었어요.".green().bold());
        return Ok(0);
    }
    for problem in &problems {
        println!("❌ {problem}");
    }
    Ok(1)
}

fn ask(question: &str) -> anyhow::Result<Option<usize>> {
    let answer = inquire::Text::new(question)
        .with_validator(|text: &str| {
            Ok(match parse_users(text) {
                Ok(_) => inquire::validator::Validation::Valid,
                Err(message) => inquire::validator::Validation::Invalid(message.into()),
            })
        })
        .prompt()?;
    Ok(parse_users(&answer).unwrap_or(None))
}
