//! `loadlab explain RESULT.json`: the tables of a saved run, then its Korean explanation —
//! each metric against the guide's targets and what the data points to.

use std::path::PathBuf;

use clap::Args;

use crate::engine::console;
use crate::explain::explain;
use crate::report::json;

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// run --json 으로 저장한 결과 파일, 또는 Locust --csv의 PREFIX_stats.csv (분산 실행의 마스터)
    #[arg(value_name = "RESULT.json")]
    pub file: PathBuf,
    /// 요청 통계표는 빼고 해설만 출력해요
    #[arg(long)]
    pub no_tables: bool,
}

pub fn exec(args: ExplainArgs) -> anyhow::Result<i32> {
    let result = if crate::report::locust_csv::is_stats_csv(&args.file) {
        crate::report::locust_csv::read(&args.file)?
    } else {
        json::read(&args.file)?
    };
    println!(
        "{} — {} (사용자 {}명, {}초)\n",
        args.file.display(),
        result.settings.host,
        result.settings.users,
        crate::report::short_number(result.duration)
    );
    if !args.no_tables {
        println!("{}", console::summary(&result));
    }
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    print!("{}", explain(&result).render(color));
    Ok(0)
}
