//! `loadlab hint ITEM`: its argument; the hints are printed by [`crate::tutor::print_hint`].

use clap::Args;

#[derive(Args, Debug)]
pub struct HintArgs {
    /// 항목: update_todo, delete_todo, mixed_workload, stress_user …
    item: String,
}

pub fn exec(args: HintArgs) -> anyhow::Result<i32> {
    exec_item(&args.item)
}

/// Prints the hints of `item`.
pub fn exec_item(item: &str) -> anyhow::Result<i32> {
    crate::tutor::print_hint(item)
}
