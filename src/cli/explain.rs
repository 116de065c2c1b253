//! `loadlab explain RESULT.json` (or a Locust `PREFIX_stats.csv`, e.g. a Locust master's files
//! after a distributed run): the tables of a saved run, then its Korean explanation — each
//! metric against the guide's targets and what the data points to.

use std::path::PathBuf;

use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// run --json 으로 저장한 결과 파일, 또는 Locust·loadlab --csv 의 PREFIX_stats.csv
    #[arg(value_name = "RESULT.json | PREFIX_stats.csv")]
    pub file: PathBuf,
    /// 요청 통계표는 빼고 해설만 출력해요
    #[arg(long)]
    pub no_tables: bool,
}

pub fn exec(args: ExplainArgs) -> anyhow::Result<i32> {
    crate::ops::console::explain::explain(&args.file, !args.no_tables)
}
