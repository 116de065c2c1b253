//! The interactive tutor: the main menu, lessons paged section by section with their steps
//! (run a demo, answer a quiz, grade an exercise), the exercise and load-test dialogs, the lab
//! server and the progress view.
//!
//! Promises: Esc goes back one level (from the main menu it stays there); Ctrl-C anywhere
//! leaves the tutor cleanly through [`Interrupted`]. The progress file is loaded fresh before
//! each use and saved after each change, since the hooks (grader, runs) write it too.

use super::lesson::{self, Lesson, Step};
use super::page;
use super::render::{RenderOptions, render};
use super::{Hooks, Interrupted, pager, terminal_width};
use crate::ops::console::serve::{Serve, serve};
use crate::ops::console::{block_on, check};
use crate::progress::Progress;
use anyhow::{Context, Result};
use colored::Colorize;
use inquire::error::InquireResult;
use inquire::ui::{RenderConfig, Styled};
use inquire::{Confirm, InquireError, Select};
use std::cell::Cell;
use std::fmt;

mod dialogs;
mod steps;

const SELECT_HELP: &str = "↑↓ 이동 · Enter 선택 · 글자 입력으로 찾기 · Esc 뒤로 · Ctrl-C 끝내기";
const QUIZ_HELP: &str = "↑↓ 이동 · Enter 답하기 · Esc 건너뛰기";
const NAV_HELP: &str = "↑↓ 이동 · Enter 선택 · Esc 메뉴로 · Ctrl-C 끝내기";
const SERVE_NOTE: &str = "실습 서버를 http://127.0.0.1:8000 에서 시작해요. 다른 터미널에서 요청을 보내 보세요.\n\
                          멈추려면 Ctrl-C를 누르세요. 서버가 멈추면 메뉴로 돌아와요.";
const BANNER: &str = "loadlab — 한국어 성능 테스트 실습서";
const NO_LESSONS: &str = "레슨이 없어요. lessons/ 폴더에 레슨 파일이 있는지 확인하세요.";
const SOLUTION_WARNING: &str = "정답을 먼저 보면 스스로 풀어 볼 기회가 사라져요. 그래도 볼까요?";

/// The running tutor.
pub struct App<'h> {
    hooks: &'h Hooks,
    lessons: Vec<Lesson>,
    color: bool,
    /// Rows the page header took on a fresh screen, for the pager's first screenful.
    header_rows: Cell<usize>,
}

/// Where the learner wants to go from a lesson page.
enum Nav {
    Next,
    Previous,
    NextLesson(String),
    Menu,
}

impl fmt::Display for Nav {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nav::Next => write!(f, "다음 쪽 ▶"),
            Nav::Previous => write!(f, "◀ 이전 쪽"),
            Nav::NextLesson(label) => write!(f, "다음 레슨 ▶ {label}"),
            Nav::Menu => write!(f, "☰ 메뉴로"),
        }
    }
}

enum MenuItem {
    Continue(String),
    Lessons,
    Exercises,
    Run,
    Web,
    Serve,
    Lab,
    Progress,
    Quit,
}

impl fmt::Display for MenuItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MenuItem::Continue(label) => write!(f, "▶ {label}"),
            MenuItem::Lessons => write!(f, "📚 레슨 목록"),
            MenuItem::Exercises => write!(f, "📝 실습 과제와 채점"),
            MenuItem::Run => write!(f, "🚀 부하 테스트 실행"),
            MenuItem::Web => write!(f, "🖥️ 웹 UI로 실행 (Locust 화면처럼 브라우저에서)"),
            MenuItem::Serve => write!(f, "🌐 실습 서버 시작"),
            MenuItem::Lab => write!(f, "🕵️ 병목 실험실 (실습 3 질문, 병목 찾기)"),
            MenuItem::Progress => write!(f, "📊 진행 상황"),
            MenuItem::Quit => write!(f, "👋 종료"),
        }
    }
}

/// A labelled choice in a list.
struct Labelled<T> {
    label: String,
    value: T,
}

impl<T> fmt::Display for Labelled<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Turns an inquire answer into `Some(value)`, `None` for Esc, or [`Interrupted`] for Ctrl-C.
fn answered<T>(answer: InquireResult<T>) -> Result<Option<T>> {
    match answer {
        Ok(value) => Ok(Some(value)),
        Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::OperationInterrupted) => Err(Interrupted.into()),
        Err(err) => Err(anyhow::Error::new(err).context("입력을 받지 못했어요")),
    }
}

fn select<T: fmt::Display>(prompt: &str, options: Vec<T>, cursor: usize) -> Result<Option<T>> {
    let cursor = cursor.min(options.len().saturating_sub(1));
    answered(
        Select::new(prompt, options)
            .with_starting_cursor(cursor)
            .with_help_message(SELECT_HELP)
            .with_page_size(12)
            .prompt(),
    )
}

/// A short list right after a page: no filtering, so a key meant for the pager (`q`) cannot
/// hide every choice.
fn select_short<T: fmt::Display>(prompt: &str, options: Vec<T>) -> Result<Option<T>> {
    answered(Select::new(prompt, options).with_help_message(NAV_HELP).without_filtering().prompt())
}

fn confirm(prompt: &str, default: bool) -> Result<Option<bool>> {
    println!();
    let prompt = Confirm::new(prompt)
        .with_default(default)
        .with_formatter(&|yes| {
            if yes { "예".into() } else { "아니요".into() }
        })
        .with_help_message(if default {
            "y 또는 n을 입력하고 Enter · Enter만 누르면 예 · Esc 건너뛰기"
        } else {
            "y 또는 n을 입력하고 Enter · Enter만 누르면 아니요 · Esc 건너뛰기"
        });
    answered(prompt.prompt())
}

impl<'h> App<'h> {
    pub fn new(hooks: &'h Hooks, color: bool) -> Result<Self> {
        let lessons = lesson::all()?;
        // inquire colours its prompts unless told not to; NO_COLOR covers them too.
        let mut config = if color { RenderConfig::default() } else { RenderConfig::empty() };
        config.canceled_prompt_indicator = Styled::new("<뒤로>");
        inquire::set_global_render_config(config);
        Ok(Self { hooks, lessons, color, header_rows: Cell::new(0) })
    }

    fn options(&self) -> RenderOptions {
        RenderOptions::new(terminal_width(), self.color)
    }

    /// Renders Markdown to the terminal, through the pager when it is tall.
    fn show(&self, md: &str) -> Result<()> {
        pager::show(&render(md, &self.options()), self.header_rows.take())
    }

    fn progress(&self) -> Progress {
        let (progress, warning) = Progress::load();
        if let Some(warning) = warning {
            eprintln!("{} {warning}", "⚠️".yellow());
        }
        progress
    }

    /// Records a change in the progress file; a file that cannot be written is reported, and
    /// the tutor goes on.
    fn record(&self, change: impl FnOnce(&mut Progress)) {
        match Progress::update(change) {
            Ok((_, Some(warning))) => eprintln!("{} {warning}", "⚠️".yellow()),
            Ok((_, None)) => {}
            Err(err) => eprintln!("{} 진행 상황을 저장하지 못했어요: {err:#}", "⚠️".yellow()),
        }
    }

    /// Runs a command line a lesson holds, through the hooks.
    fn run_command(&self, args: Vec<String>) {
        self.perform(&args, || (self.hooks.run_command)(&args));
    }

    /// Shows `shown`, the command line a learner would type for the same, runs `operation` and
    /// says how it ended as that command would: a usage error in one line, any other exit code
    /// or error noted, and the tutor goes on.
    fn perform(&self, shown: &[String], operation: impl FnOnce() -> Result<i32>) {
        println!("{}", format!("$ {}", super::command::command_line(shown)).dimmed());
        match crate::ops::console::usage_result(operation()) {
            Ok(0) => {}
            Ok(code) => println!("{}", format!("(명령이 끝났어요. 종료 코드: {code})").yellow()),
            Err(err) => println!("{} {err:#}", "명령을 실행하지 못했어요:".red()),
        }
    }

    fn lesson_index(&self, number: usize) -> Result<usize> {
        self.lessons.iter().position(|lesson| lesson.number == number).with_context(|| {
            let numbers: Vec<String> = self.lessons.iter().map(|lesson| lesson.number.to_string()).collect();
            format!("{number}번 레슨이 없어요. 있는 레슨: {}", numbers.join(", "))
        })
    }

    /// Where "continue" goes: the saved page, or the next lesson once a lesson is finished.
    fn resume_point(&self, progress: &Progress) -> Option<(usize, usize)> {
        let Some(number) = progress.current_lesson else {
            return (!self.lessons.is_empty()).then_some((0, 0));
        };
        let index = self.lessons.iter().position(|lesson| lesson.number == number)?;
        let last_page = self.lessons[index].pages.len().saturating_sub(1);
        if progress.is_lesson_done(number)
            && progress.current_page >= last_page
            && index + 1 < self.lessons.len()
        {
            return Some((index + 1, 0));
        }
        Some((index, progress.current_page.min(last_page)))
    }

    /// `loadlab learn [N]`: the lesson (the current one without N), then the menu.
    pub fn learn(&self, number: Option<usize>) -> Result<()> {
        let progress = self.progress();
        let (index, page) = match number {
            Some(number) => (self.lesson_index(number)?, start_page(&progress, number)),
            None => self.resume_point(&progress).context(NO_LESSONS)?,
        };
        self.read(index, page)?;
        self.menu()
    }

    /// The main menu, until the learner quits.
    pub fn menu(&self) -> Result<()> {
        println!("{}", BANNER.bold());
        loop {
            let progress = self.progress();
            let resume = self.resume_point(&progress);
            let mut items = Vec::new();
            if let Some((index, page)) = resume {
                let lesson = &self.lessons[index];
                let label = if progress.current_lesson.is_none() {
                    format!("처음부터 시작하기: {}", lesson.label())
                } else {
                    format!("이어서 하기: {} ({}/{}쪽)", lesson.label(), page + 1, lesson.pages.len())
                };
                items.push(MenuItem::Continue(label));
            }
            items.extend([
                MenuItem::Lessons,
                MenuItem::Exercises,
                MenuItem::Run,
                MenuItem::Web,
                MenuItem::Serve,
                MenuItem::Lab,
                MenuItem::Progress,
                MenuItem::Quit,
            ]);
            println!();
            let Some(choice) = select("무엇을 할까요?", items, 0)? else {
                continue;
            };
            match choice {
                MenuItem::Continue(_) => {
                    if let Some((index, page)) = resume {
                        self.read(index, page)?;
                    }
                }
                MenuItem::Lessons => self.lesson_list(&progress)?,
                MenuItem::Exercises => self.exercises()?,
                MenuItem::Run => self.load_test()?,
                MenuItem::Web => self.web_ui()?,
                MenuItem::Serve => {
                    println!("{SERVE_NOTE}");
                    self.perform(&words(&["serve", "--port", "8000"]), || {
                        block_on(serve(Serve::on_guide_port()))
                    });
                }
                MenuItem::Lab => self.lab()?,
                MenuItem::Progress => self.show(&self.progress_markdown(&self.progress()))?,
                MenuItem::Quit => {
                    println!("{}", super::goodbye());
                    return Ok(());
                }
            }
        }
    }

    fn lesson_list(&self, progress: &Progress) -> Result<()> {
        if self.lessons.is_empty() {
            println!("{NO_LESSONS}");
            return Ok(());
        }
        let options: Vec<Labelled<usize>> = self
            .lessons
            .iter()
            .enumerate()
            .map(|(index, lesson)| {
                let current = progress.current_lesson == Some(lesson.number);
                let label = if progress.is_lesson_done(lesson.number) {
                    format!("✅ {}", lesson.label())
                } else if current {
                    format!(
                        "📖 {} (읽는 중 {}/{}쪽)",
                        lesson.label(),
                        progress.current_page + 1,
                        lesson.pages.len()
                    )
                } else {
                    format!("⬜ {}", lesson.label())
                };
                Labelled { label, value: index }
            })
            .collect();
        let cursor = progress
            .current_lesson
            .and_then(|n| self.lessons.iter().position(|l| l.number == n))
            .unwrap_or(0);
        let Some(choice) = select("어느 레슨을 볼까요?", options, cursor)? else {
            return Ok(());
        };
        let page = start_page(progress, self.lessons[choice.value].number);
        self.read(choice.value, page)
    }

    /// Reads lessons from `index`, `page` on, until the learner asks for the menu.
    fn read(&self, mut index: usize, mut page: usize) -> Result<()> {
        loop {
            let lesson = &self.lessons[index];
            page = page.min(lesson.pages.len().saturating_sub(1));
            let last = page + 1 >= lesson.pages.len();
            self.record(|progress| {
                progress.set_position(lesson.number, page);
                if last {
                    progress.mark_lesson_done(lesson.number);
                }
            });
            self.show_page(lesson, page)?;

            let mut options = Vec::new();
            if !last {
                options.push(Nav::Next);
            } else if let Some(next) = self.lessons.get(index + 1) {
                options.push(Nav::NextLesson(next.label()));
            }
            if page > 0 {
                options.push(Nav::Previous);
            }
            options.push(Nav::Menu);
            if last && index + 1 == self.lessons.len() {
                println!("\n🎉 마지막 레슨까지 마쳤어요. 수고 많으셨어요!");
            }
            match select_short("어디로 갈까요?", options)? {
                Some(Nav::Next) => page += 1,
                Some(Nav::Previous) => page -= 1,
                Some(Nav::NextLesson(_)) => {
                    index += 1;
                    page = 0;
                }
                Some(Nav::Menu) | None => return Ok(()),
            }
        }
    }

    fn show_page(&self, lesson: &Lesson, page: usize) -> Result<()> {
        clear_screen();
        let header = format!("📖 {} · {}/{}쪽", lesson.label(), page + 1, lesson.pages.len());
        println!("{}\n", header.dimmed());
        self.header_rows.set(2);
        let workbook = crate::places::workbook_dir();
        for step in &lesson.pages[page].steps {
            match step {
                Step::Run(args) => {
                    self.show(&page::run_markdown(args))?;
                    if confirm("지금 실행해 볼까요?", true)? == Some(true) {
                        self.run_command(args.clone());
                    }
                }
                Step::Quiz(quiz) => self.ask(quiz)?,
                Step::Drill(drill) => self.drill(drill)?,
                Step::Exercise(exercise) => {
                    self.show(&page::exercise_markdown(exercise, &workbook, &self.progress()))?;
                    if confirm("지금 채점해 볼까요?", false)? == Some(true) {
                        self.perform(&words(&["check", &exercise.item]), || {
                            block_on(check::check(Some(&exercise.item), false))
                        });
                    }
                }
                Step::Markdown(_) | Step::Checklist => {
                    self.show(&page::step_markdown(step, &workbook, &self.progress()))?;
                }
            }
            println!();
        }
        Ok(())
    }

    /// One line of Markdown (`code`, **bold**) as the terminal shows it, for a prompt line.
    fn inline(&self, md: &str) -> String {
        page::inline(md, &self.options())
    }

    pub(crate) fn progress_markdown(&self, progress: &Progress) -> String {
        let mut md = String::from("## 📊 진행 상황\n\n### 레슨\n\n");
        for lesson in &self.lessons {
            let done = if progress.is_lesson_done(lesson.number) { "x" } else { " " };
            let reading = if progress.current_lesson == Some(lesson.number)
                && !progress.is_lesson_done(lesson.number)
            {
                format!(" — 읽는 중 ({}/{}쪽)", progress.current_page + 1, lesson.pages.len())
            } else {
                String::new()
            };
            md.push_str(&format!("- [{done}] {}{reading}\n", lesson.label()));
        }
        let total: usize = self.lessons.iter().map(|lesson| lesson.quizzes().count()).sum();
        let (right, answered) = progress.quiz_score();
        md.push_str(&format!(
            "\n### 퀴즈\n\n맞힌 문제 **{right}** / 푼 문제 {answered} (전체 {total}문제)\n"
        ));
        let drills: usize = self.lessons.iter().map(|lesson| lesson.drills().count()).sum();
        let close = progress.drill_results.values().filter(|result| result.close).count();
        md.push_str(&format!(
            "\n### 예측해 보기\n\n맞힌 예측 **{close}** / 해 본 예측 {} (전체 {drills}개)\n",
            progress.drill_results.len()
        ));
        md.push_str("\n### 체크리스트\n");
        md.push_str(&page::checklist_markdown(progress));
        md.push_str(&format!("\n진행 상황 파일: {}\n", progress.path().display()));
        md
    }
}

/// A command line's words.
fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|word| word.to_string()).collect()
}

/// Where opening lesson `number` starts: the saved page if the learner was reading it.
fn start_page(progress: &Progress, number: usize) -> usize {
    if progress.current_lesson == Some(number) { progress.current_page } else { 0 }
}

fn clear_screen() {
    use crossterm::{cursor::MoveTo, execute, terminal::Clear, terminal::ClearType};
    let _ = execute!(std::io::stdout(), Clear(ClearType::All), MoveTo(0, 0));
}
