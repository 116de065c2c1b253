//! `loadlab hunt`: the bottleneck hunt. The lab server runs with a secret bottleneck
//! (`serve --bottleneck mystery`); the learner tests, reads the results, names the bottleneck
//! (`hunt guess NAME`), then runs the healthy server again and proves the improvement with two
//! saved results (`hunt prove BEFORE.json AFTER.json`), which ticks the checklist item.

use clap::{Args, Subcommand};
use colored::Colorize;

use super::UsageError;
use crate::progress::Progress;
use crate::report::compare::{CompareOptions, compare};
use crate::server::Bottleneck;

#[derive(Args, Debug)]
pub struct HuntArgs {
    #[command(subcommand)]
    step: Option<HuntStep>,
}

#[derive(Subcommand, Debug)]
enum HuntStep {
    /// 수수께끼 병목의 이름을 맞혀요 (n-plus-one, missing-index, …)
    Guess { name: String },
    /// 고치기 전과 후의 결과(JSON)로 개선을 증명해요
    Prove { before: std::path::PathBuf, after: std::path::PathBuf },
}

const STEPS: &str = "🕵️ 병목 찾기 실습
  1. 다른 터미널에서 수수께끼 병목이 켜진 서버를 띄워요:
       cargo run --release -- serve --bottleneck mystery
  2. 부하를 걸고 결과를 저장해요:
       cargo run --release -- run --solutions MixedWorkloadUser TodoUser -u 30 -r 10 -t 60s -H http://127.0.0.1:8000 --json before.json
  3. 결과와 해설을 읽고 (explain before.json), 무엇이 병목인지 맞혀 봐요:
       cargo run --release -- hunt guess 병목이름
  4. 서버를 병목 없이 다시 띄우고 (serve), 같은 부하로 after.json을 남긴 뒤 개선을 증명해요:
       cargo run --release -- hunt prove before.json after.json";

pub fn exec(args: HuntArgs) -> anyhow::Result<i32> {
    let (progress, _) = Progress::load();
    match args.step {
        None => {
            println!("{STEPS}");
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
        Some(HuntStep::Guess { name }) => guess(&progress, &name),
        Some(HuntStep::Prove { before, after }) => prove(&before, &after),
    }
}

fn guess(progress: &Progress, name: &str) -> anyhow::Result<i32> {
    let guessed = name.parse::<Bottleneck>().map_err(|e| UsageError(e.to_string()))?;
    let Some(secret) = progress.mystery_bottleneck.clone() else {
        println!(
            "아직 수수께끼 병목이 없어요. 먼저 `cargo run --release -- serve --bottleneck mystery`로 서버를 띄우세요."
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
        println!(
            "이제 병목 없이 서버를 다시 띄우고(serve), 같은 부하로 after.json을 남긴 뒤 `hunt prove before.json after.json`으로 개선을 증명하세요."
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
    let guessed_right = progress.bottleneck_guesses.iter().any(|guess| guess["correct"] == true);
    if !guessed_right {
        println!("먼저 병목 이름을 맞혀야 해요: `cargo run --release -- hunt guess 병목이름`");
        return Ok(1);
    }
    let comparison = compare(
        &crate::report::json::read(before)?,
        &crate::report::json::read(after)?,
        &CompareOptions::default(),
    );
    print!("{}", comparison.render(colored::control::SHOULD_COLORIZE.should_colorize()));
    let improved = comparison.total.better() || comparison.rows.iter().any(|row| row.better());
    if improved && !comparison.total.worse() {
        Progress::update(|progress| progress.mark_item_done("bottleneck_hunt"))?;
        println!("{}", "🎉 병목 찾기 완료: 고친 뒤의 결과가 더 좋다는 것을 숫자로 보였어요.".green().bold());
        Ok(0)
    } else {
        println!(
            "❌ 개선이 보이지 않아요 — 같은 시나리오와 부하(-u, -r, -t)로, 병목 없는 서버에서 after.json을 다시 남겨 보세요."
        );
        Ok(1)
    }
}
