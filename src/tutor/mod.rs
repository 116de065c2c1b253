//! The tutor: walks a learner through the lessons in Korean, remembers progress, asks
//! quizzes, and offers to run what a lesson talks about.
//!
//! It owns the terminal Markdown renderer ([`render_markdown`]), the lesson model
//! (`lessons/*.md`, embedded at build time), the interactive menu and the print mode of
//! `loadlab learn N --print`. Its actions call the operations layer ([`crate::ops::console`]),
//! the same functions the command line calls, so their output is the command's; the tutor
//! never runs the engine, the grader or the server itself. A command line a lesson holds (a
//! `loadlab-run` block, a drill's run) is data the tutor cannot read on its own: it goes to
//! [`Hooks`], which the command line fills with its own parser.
//!
//! Promises: without a terminal (piped, CI) the interactive entry points print a Korean note
//! naming the non-interactive commands and return a non-zero exit code instead of waiting for
//! input; Ctrl-C leaves cleanly with the progress saved; NO_COLOR and non-terminals get plain
//! text.

mod app;
pub mod classes;
pub mod command;
pub mod drill;
mod highlight;
pub mod lesson;
mod page;
mod pager;
pub mod quiz;
pub mod render;

pub use render::{RenderOptions, render_markdown};

use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::process::ExitCode;

/// What the tutor may ask of the layer above it.
pub struct Hooks {
    /// Runs one command line a lesson holds, in-process (e.g.
    /// `["run","--solutions","TodoUser","-u","20",...]`), and returns its exit code.
    pub run_command: Box<CommandHook>,
}

/// Runs one loadlab command line (without the program name) and returns its exit code.
pub type CommandHook = dyn Fn(&[String]) -> anyhow::Result<i32>;

/// The learner pressed Ctrl-C: leave the tutor, cleanly.
#[derive(Debug, Clone, Copy)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("사용자가 중단했어요 (Ctrl-C)")
    }
}

impl std::error::Error for Interrupted {}

/// Exit code when the tutor cannot run because there is no terminal.
pub const NOT_A_TERMINAL_EXIT: u8 = 2;

fn not_a_terminal() -> String {
    let command = crate::places::command;
    format!(
        "loadlab 튜터는 대화형 터미널에서만 열 수 있어요.
지금은 입력이나 출력이 터미널이 아니에요 (파이프, CI 등).

터미널 없이 쓸 수 있는 명령:
  {}        N번 레슨을 화면에 출력
  {}            실습 과제 채점
  {}   부하 테스트 실행
  {}      실습 서버 시작
  {}               진행 상황 보기",
        command("learn N --print"),
        command("check [항목]"),
        command("run TodoUser -u 20 -r 5 -t 15s"),
        command("serve --port 8000"),
        command("progress"),
    )
}

fn goodbye() -> String {
    let tutor = crate::places::command_prefix().trim_end_matches(" --");
    format!("👋 진행 상황을 저장했어요. 다음에 {tutor} 로 이어서 하세요.")
}

/// The interactive tutor: the main menu.
pub fn run_tutor(hooks: Hooks) -> Result<ExitCode> {
    interactive(&hooks, |app| app.menu())
}

/// `loadlab learn [N]`: lesson N (without N, the lesson where the learner stopped), paged
/// section by section; its "menu" choice opens the main menu.
pub fn learn(number: Option<usize>, hooks: Hooks) -> Result<ExitCode> {
    interactive(&hooks, |app| app.learn(number))
}

/// `loadlab learn [N] --print`: the whole lesson rendered for `width` columns, no prompts.
/// Quizzes show their answers at the end of each page; checklists show the real progress.
pub fn print_lesson(number: Option<usize>, width: usize, color: bool) -> Result<String> {
    let lessons = lesson::all()?;
    let (progress, warning) = crate::progress::Progress::load();
    if let Some(warning) = warning {
        eprintln!("⚠️ {warning}");
    }
    let lesson = match number.or(progress.current_lesson) {
        Some(number) => lessons.iter().find(|lesson| lesson.number == number).with_context(|| {
            let numbers: Vec<String> = lessons.iter().map(|lesson| lesson.number.to_string()).collect();
            format!("{number}번 레슨이 없어요. 있는 레슨: {}", numbers.join(", "))
        })?,
        None => lessons.first().context("레슨이 없어요")?,
    };
    Ok(render_lesson(lesson, &progress, width, color))
}

/// A whole lesson as `--print` shows it, for `width` columns.
pub fn render_lesson(
    lesson: &lesson::Lesson,
    progress: &crate::progress::Progress,
    width: usize,
    color: bool,
) -> String {
    let opts = RenderOptions::new(width, color);
    page::lesson_text(lesson, progress, &crate::places::workbook_dir(), &opts)
}

/// Prints the hints of checklist item `item` for the terminal (`hint ITEM`, the exercise dialog).
pub fn print_hint(item: &str) -> Result<i32> {
    let text = crate::ops::console::hint::hint_text(item)?;
    print!("{}", render_markdown(text, terminal_width(), color_enabled()));
    Ok(0)
}

/// The progress view (lessons, quiz score, checklist) as terminal text, for `loadlab progress`.
pub fn progress_report(progress: &crate::progress::Progress) -> Result<String> {
    let hooks = Hooks { run_command: Box::new(|_: &[String]| Ok(0)) };
    let app = app::App::new(&hooks, color_enabled())?;
    Ok(render_markdown(&app.progress_markdown(progress), terminal_width(), color_enabled()))
}

/// Whether colours go to stdout: colored's switch (NO_COLOR, CLICOLOR_FORCE, a terminal).
pub fn color_enabled() -> bool {
    colored::control::SHOULD_COLORIZE.should_colorize()
}

/// Width to render for: the terminal's, clamped to 60..=120; 80 when stdout is no terminal.
pub fn terminal_width() -> usize {
    if !std::io::stdout().is_terminal() {
        return 80;
    }
    crossterm::terminal::size().map_or(80, |(columns, _)| (columns as usize).clamp(60, 120))
}

/// Both ends must be a terminal: prompts read keys from stdin and draw on stdout.
fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

fn interactive(hooks: &Hooks, body: impl FnOnce(&app::App) -> Result<()>) -> Result<ExitCode> {
    if !is_interactive() {
        eprintln!("{}", not_a_terminal());
        return Ok(ExitCode::from(NOT_A_TERMINAL_EXIT));
    }
    let app = app::App::new(hooks, color_enabled())?;
    match body(&app) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(err) if err.is::<Interrupted>() => {
            println!("\n{}", goodbye());
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => Err(err),
    }
}
