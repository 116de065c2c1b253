//! `loadlab hunt [guess NAME | prove BEFORE AFTER]`: its arguments; the bottleneck hunt is
//! [`crate::ops::console::hunt`]'s.

use clap::{Args, Subcommand};

use crate::ops::console::hunt::{HuntStep, hunt};

#[derive(Args, Debug)]
pub struct HuntArgs {
    #[command(subcommand)]
    step: Option<Step>,
}

#[derive(Subcommand, Debug)]
enum Step {
    /// 수수께끼 병목의 이름을 맞혀요 (n-plus-one, missing-index, …)
    Guess { name: String },
    /// 고치기 전과 후의 결과(JSON)로 개선을 증명해요
    Prove { before: std::path::PathBuf, after: std::path::PathBuf },
}

pub fn exec(args: HuntArgs) -> anyhow::Result<i32> {
    hunt(match args.step {
        None => HuntStep::Guide,
        Some(Step::Guess { name }) => HuntStep::Guess(name),
        Some(Step::Prove { before, after }) => HuntStep::Prove { before, after },
    })
}
