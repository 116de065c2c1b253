//! `loadlab compare BASE.json NEW.json`: per request name, how requests/s, median, p95, p99 and
//! the failure rate moved, judged against a noise margin; exits with
//! [`EXIT_THRESHOLD_FAILED`](crate::report::EXIT_THRESHOLD_FAILED) when `--max-regression` is
//! exceeded, so a release pipeline can stop.

use std::path::PathBuf;

use clap::Args;

use super::UsageError;
use crate::ops::console::compare::{compare, load_kinds};
use crate::report::compare::{CompareOptions, parse_max_regression, parse_noise};

#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    /// 기준 결과 (이전 버전, run --json 으로 저장)
    #[arg(value_name = "BASE.json")]
    pub base: PathBuf,
    /// 새 결과 (같은 조건으로 잰 새 버전)
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// 결과를 셋 이상 주면 실습 4의 비교표를 만들어요 (예: load.json stress.json spike.json)
    #[arg(value_name = "MORE.json")]
    pub more: Vec<PathBuf>,
    /// 전체 합계의 허용 한도: 넘으면 종료 코드 3 (예: p95=10%,rps=5%,fail=0.1%)
    #[arg(long, value_name = "LIMITS")]
    pub max_regression: Option<String>,
    /// 이보다 작은 변화는 '비슷'으로 봐요 (기본 10%; 응답 시간은 최소 2 ms)
    #[arg(long, value_name = "PERCENT")]
    pub noise: Option<String>,
}

pub fn exec(args: CompareArgs) -> anyhow::Result<i32> {
    let mut options = CompareOptions::default();
    if let Some(noise) = &args.noise {
        options.noise = parse_noise(noise).map_err(UsageError)?;
    }
    if let Some(limits) = &args.max_regression {
        options.max_regression = parse_max_regression(limits).map_err(UsageError)?;
    }
    if !args.more.is_empty() {
        let runs: Vec<PathBuf> = [args.base, args.new].into_iter().chain(args.more).collect();
        return load_kinds(&runs);
    }
    compare(&args.base, &args.new, &options)
}
