//! The bottleneck hunt, as `hunt` and the tutor's bottleneck lab show it. The lab server runs
//! with a secret bottleneck (`serve --bottleneck mystery`); the learner tests, reads the
//! results, names the bottleneck (`hunt guess NAME`), then runs the healthy server again and
//! proves the improvement with two saved results (`hunt prove BEFORE.json AFTER.json`), which
//! ticks the checklist item.

use colored::Colorize;

use crate::exit::UsageError;
use crate::progress::Progress;
use crate::report::compare::{CompareOptions, compare};
use crate::server::Bottleneck;

const STEPS: &str = "🕵️ 병목 찾기 실습
  1. 다른 터미널에서 수수께끼 병목이 켜진 서버를 띄워요 (메모리 DB: 빈 테이블에서 시작해요):
       cargo run --release -- serve --bottleneck mystery --in-memory
  2. 부하를 걸고 결과를 저장해요:
       cargo run --release -- run --solutions MixedWorkloadUser TodoUser -u 30 -r 10 -t 60s -H http://127.0.0.1:8000 --json before.json
  3. 결과와 해설을 읽고 (explain before.json), 무엇이 병목인지 맞혀 봐요:
       cargo run --release -- hunt guess 병목이름
  4. 서버를 Ctrl-C로 멈추고 병목 없이 같은 빈 테이블에서 다시 띄운 뒤,
     같은 부하로 after.json을 남기고 (--json after.json) 개선을 증명해요:
       cargo run --release -- serve --in-memory
       cargo run --release -- hunt prove before.json after.json
     prove는 그 병목이 남기는 흔적(요청당 쿼리 수, 보낸 바이트, 메모리 증가 …)이 사라졌는지로 판정해요.";

/// One step of the hunt.
#[derive(Debug, Clone)]
pub enum HuntStep {
    /// The steps and where the learner stands.
    Guide,
    /// Names the mystery bottleneck.
    Guess(String),
    /// Proves the improvement with two saved results.
    Prove { before: std::path::PathBuf, after: std::path::PathBuf },
}

/// Runs one step of the hunt; exit code 1 for a wrong guess or a failed proof.
pub fn hunt(step: HuntStep) -> anyhow::Result<i32> {
    let (progress, _) = Progress::load();
    match step {
        HuntStep::Guide => {
            println!("{}", crate::places::localized_commands(STEPS));
            println!("\n병목 이름:");
            for bottleneck in Bottleneck::ALL {
                println!("  {:<16} {}", bottleneck.name(), bottleneck.describe());
            }
            let state = match (&progress.mystery_bottleneck, progress.is_item_done("bottleneck_hunt")) {
                (_, true) => "완료했어요 ✅",
                (Some(_), false) => "수수께끼 병목이 정해져 있어요 (serve --bottleneck mystery로 띄운 서버)",
                (None, false) => "아직 시작하지 않았어요 (1단계부터)",
            };
            println!("\n지금 상태: {state}");
            Ok(0)
        }
        HuntStep::Guess(name) => guess(&progress, &name),
        HuntStep::Prove { before, after } => prove(&before, &after),
    }
}

fn guess(progress: &Progress, name: &str) -> anyhow::Result<i32> {
    let guessed = name.parse::<Bottleneck>().map_err(|e| UsageError(e.to_string()))?;
    let Some(secret) = progress.mystery_bottleneck.clone() else {
        println!(
            "아직 수수께끼 병목이 없어요. 먼저 `{}`로 서버를 띄우세요.",
            crate::places::command("serve --bottleneck mystery --in-memory")
        );
        return Ok(1);
    };
    let correct = guessed.name() == secret;
    Progress::update(|progress| {
        progress.bottleneck_guesses.push(
            serde_json::json!({ "guess": guessed.name(), "correct": correct, "at": chrono::Utc::now() }),
        );
    })?;
    if correct {
        println!("{}", format!("🎯 정답: {} — {}", guessed.name(), guessed.describe()).green().bold());
        println!("🔧 고치는 방법: {}", guessed.fix());
        println!(
            "loadlab에서는 서버를 병목 없이 다시 띄우는 것이 고친 서버예요: `serve --in-memory`로 띄우고 같은 부하로 after.json을 남긴 뒤 \
             `hunt prove before.json after.json`으로 개선을 증명하세요."
        );
        Ok(0)
    } else {
        println!(
            "❌ 정답이 아니에요 (고른 답: {}). 결과를 다시 읽어 보세요: 어떤 요청이 느린가요? 사용자 수와 함께 늘어나나요? 응답 크기는? 서버 메모리는?",
            guessed.name()
        );
        Ok(1)
    }
}

fn prove(before: &std::path::Path, after: &std::path::Path) -> anyhow::Result<i32> {
    let (progress, _) = Progress::load();
    // The guess must name today's secret (a new `serve --bottleneck mystery` draws another).
    let secret = progress.mystery_bottleneck.as_deref().and_then(|name| name.parse::<Bottleneck>().ok());
    let guessed = |secret: &Bottleneck| {
        progress
            .bottleneck_guesses
            .iter()
            .any(|guess| guess["correct"] == true && guess["guess"] == secret.name())
    };
    let Some(secret) = secret.filter(guessed) else {
        println!("먼저 병목 이름을 맞혀야 해요: `{}`", crate::places::command("hunt guess 병목이름"));
        return Ok(1);
    };
    let (before, after) = (crate::report::json::read(before)?, crate::report::json::read(after)?);
    let comparison = compare(&before, &after, &CompareOptions::default());
    print!("{}", comparison.render(colored::control::SHOULD_COLORIZE.should_colorize()));
    let proof = crate::grader::hunt::judge(&before, &after, secret);
    println!();
    for line in &proof.lines {
        println!("{line}");
    }
    if proof.proved {
        Progress::update(|progress| progress.mark_item_done("bottleneck_hunt"))?;
        println!(
            "{}",
            "🎉 병목 찾기 완료: 고친 뒤에 병목의 흔적이 사라졌다는 것을 숫자로 보였어요.".green().bold()
        );
        Ok(0)
    } else {
        Ok(1)
    }
}
