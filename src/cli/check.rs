//! `loadlab check [ITEM]`: its arguments; the building, grading and the ✅ / ❌ / ⏳ lines are
//! [`crate::ops::console::check`]'s.

use clap::Args;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// 채점할 항목 (없으면 전부): update_todo, delete_todo, mixed_workload, stress_user …
    item: Option<String>,
    /// exercises/ 대신 solutions/를 채점해요 (채점기 자체 확인용)
    #[arg(long)]
    solutions: bool,
}

pub async fn exec(args: CheckArgs) -> anyhow::Result<i32> {
    crate::ops::console::check::check(args.item.as_deref(), args.solutions).await
}
