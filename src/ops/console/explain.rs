//! `explain`: the tables of a saved run (a `run --json` file, or a Locust or loadlab
//! `PREFIX_stats.csv`), then its Korean explanation.

use std::path::Path;

use crate::engine::console;
use crate::report::{json, locust_csv};

/// Prints the run saved in `file`; with `tables` false, only the explanation.
pub fn explain(file: &Path, tables: bool) -> anyhow::Result<i32> {
    let result = if locust_csv::is_stats_file(file) { locust_csv::read(file)? } else { json::read(file)? };
    println!(
        "{} — {} (사용자 {}명, {}초)\n",
        file.display(),
        result.settings.host,
        result.settings.users,
        crate::text::short_number(result.duration)
    );
    if tables {
        println!("{}", console::summary(&result));
    }
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    print!("{}", crate::explain::explain(&result).render(color));
    Ok(0)
}
