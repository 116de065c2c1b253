//! `loadlab reset ITEM [--yes]`: its arguments; the restoring is
//! [`crate::ops::console::reset`]'s.

use clap::Args;

#[derive(Args, Debug)]
pub struct ResetArgs {
    /// 되돌릴 항목
    item: String,
    /// 묻지 않고 되돌려요
    #[arg(long, short = 'y')]
    yes: bool,
}

pub fn exec(args: ResetArgs) -> anyhow::Result<i32> {
    crate::ops::console::reset::reset(&args.item, args.yes)
}
