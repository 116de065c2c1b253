//! `loadlab solution ITEM`: its argument; the diff against the reference solution is
//! [`crate::ops::console::solution`]'s.

use clap::Args;

#[derive(Args, Debug)]
pub struct SolutionArgs {
    /// 항목: update_todo, delete_todo, mixed_workload, stress_user …
    item: String,
}

pub fn exec(args: SolutionArgs) -> anyhow::Result<i32> {
    crate::ops::console::solution::show(&args.item)
}
