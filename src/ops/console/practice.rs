//! 실습 3's questions about the learner's own stress run, as `practice 3` and the tutor's
//! bottleneck lab ask them. The answers are checked against what the saturation finder
//! detected, within a step of users; right answers tick 실습 3. Asked interactively on a
//! terminal, or given up front.

use std::io::IsTerminal;

use colored::Colorize;

use crate::exit::UsageError;
use crate::grader::practice::{
    Answers, judge_practice3, latest_stress, no_limit_seen, only_stress_without_limit,
};
use crate::progress::Progress;

/// A user count as the learner types it: a number (`30`, `30명`), or `none` / `없음` for "did
/// not happen".
pub fn parse_users(text: &str) -> Result<Option<usize>, String> {
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

/// Asks practice `number`'s questions (only 3 has some), or takes `given` answers; exit code 1
/// when an answer is wrong or there is no stress run to ask about.
pub fn practice(number: u32, given: Option<Answers>) -> anyhow::Result<i32> {
    if number != 3 {
        return Err(UsageError(format!(
            "질문이 있는 실습은 3뿐이에요 (입력: 실습 {}): 실습 1·2·4는 실행과 채점으로 자동 체크돼요 ({})",
            number,
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
    let answers = match given {
        Some(answers) => answers,
        None if std::io::stdin().is_terminal() => Answers {
            p95_break: ask("응답 시간(p95)이 급증하기 시작한 사용자 수는? (없었으면 '없음')")?,
            plateau: ask("처리량(req/s)이 더 늘지 않게 된 사용자 수는?")?,
            errors: ask("실패가 나오기 시작한 사용자 수는?")?,
        },
        _ => {
            return Err(UsageError(
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
