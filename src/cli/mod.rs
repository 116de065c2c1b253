//! Stub command line for the tutor's worktree; the lead replaces it with the real CLI. It
//! opens the tutor (`loadlab`, `loadlab learn [N] [--print]`) and, for any other command,
//! prints the command instead of running it, so the tutor can be driven end to end in tests.

use crate::tutor::{self, Hooks};
use std::process::ExitCode;

pub fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hooks = || Hooks {
        run_command: Box::new(|args: &[String]| {
            println!("[stub] loadlab {}", args.join(" "));
            Ok(0)
        }),
    };
    let result = match args.first().map(String::as_str) {
        None => tutor::run_tutor(hooks()),
        Some("learn") => {
            let number = args[1..].iter().find_map(|arg| arg.parse::<usize>().ok());
            if args.iter().any(|arg| arg == "--print") {
                tutor::print_lesson(number, tutor::terminal_width(), tutor::color_enabled()).map(
                    |text| {
                        print!("{text}");
                        ExitCode::SUCCESS
                    },
                )
            } else {
                tutor::learn(number, hooks())
            }
        }
        Some(_) => (hooks().run_command)(&args).map(|code| ExitCode::from(code as u8)),
    };
    match result {
        // main.rs returns (); ExitCode has no stable getter, so find the number it holds.
        Ok(code) => std::process::exit(
            (0..=255u8)
                .find(|&n| ExitCode::from(n) == code)
                .map_or(1, i32::from),
        ),
        Err(err) => {
            eprintln!("오류: {err:#}");
            std::process::exit(1);
        }
    }
}
