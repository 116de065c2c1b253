//! Turns lesson steps into Markdown for the renderer: the command of a run step, where an
//! exercise's TODO is, the checklist with the learner's real progress, and whole lessons for
//! `loadlab learn N --print` (every page, quizzes with their answers and drills with their
//! explanations folded at the page's end).

use super::command::command_line;
use super::lesson::{Exercise, Lesson, Step};
use super::render::{RenderOptions, render};
use crate::checklist::{self, ITEMS};
use crate::progress::Progress;
use std::path::Path;

/// One line of Markdown (`code`, **bold**) as the terminal shows it, unwrapped, for a prompt
/// line: with colour, code spans are coloured instead of wrapped in backticks.
pub fn inline(md: &str, opts: &RenderOptions) -> String {
    let opts = RenderOptions { width: usize::MAX / 4, ..*opts };
    render(md, &opts).trim_end().to_string()
}

/// A run step as a shell block.
pub fn run_markdown(args: &[String]) -> String {
    format!("```bash\n$ {}\n```\n", command_line(args))
}

/// Where to write an exercise: `file:LINE` when the file and its TODO are found.
pub fn exercise_location(exercise: &Exercise, workbook: &Path) -> String {
    let line = std::fs::read_to_string(workbook.join(&exercise.file))
        .ok()
        .and_then(|text| crate::grader::source::todo_line(&text, checklist::find(&exercise.item)?));
    match line {
        Some(line) => format!("{}:{line}", exercise.file),
        None => exercise.file.clone(),
    }
}

/// An exercise step: what to write, where, and how to grade it.
pub fn exercise_markdown(exercise: &Exercise, workbook: &Path, progress: &Progress) -> String {
    let title = checklist::find(&exercise.item).map_or("", |item| item.title);
    let mut md = format!(
        "📝 **실습 — {title}**\n\n**{}**의 빈칸을 채우세요.\n\n채점: `{}`\n",
        exercise_location(exercise, workbook),
        crate::places::command(&format!("check {}", exercise.item))
    );
    if progress.is_item_done(&exercise.item) {
        md.push_str("\n✅ 이미 통과한 항목이에요.\n");
    }
    md
}

/// The checklist, grouped as the guide groups it, ticked from the progress file.
pub fn checklist_markdown(progress: &Progress) -> String {
    let mut md = String::new();
    let mut group = "";
    for item in ITEMS {
        if item.group != group {
            group = item.group;
            md.push_str(&format!("\n**{group}**\n\n"));
        }
        let mark = if progress.is_item_done(item.id) { "x" } else { " " };
        // The id is what `check ID` takes: plain text, so piped output shows no code marks.
        md.push_str(&format!("- [{mark}] {} — {}\n", item.title, item.id));
    }
    md
}

/// Markdown of a step that needs no answer (for a quiz: the question only).
pub fn step_markdown(step: &Step, workbook: &Path, progress: &Progress) -> String {
    match step {
        Step::Markdown(md) => md.clone(),
        Step::Run(args) => run_markdown(args),
        Step::Quiz(quiz) => quiz.question_markdown(&quiz.display_order(0)),
        Step::Drill(drill) => drill.question_markdown(),
        Step::Exercise(exercise) => exercise_markdown(exercise, workbook, progress),
        Step::Checklist => checklist_markdown(progress),
    }
}

/// A whole lesson for print mode: every page, separated by rules; each page's quiz answers
/// in a quote at its end.
pub fn lesson_text(lesson: &Lesson, progress: &Progress, workbook: &Path, opts: &RenderOptions) -> String {
    let mut md = String::new();
    for (index, page) in lesson.pages.iter().enumerate() {
        if index > 0 {
            md.push_str("\n---\n\n");
        }
        let mut answers = String::new();
        for step in &page.steps {
            md.push_str(&step_markdown(step, workbook, progress));
            md.push('\n');
            match step {
                Step::Quiz(quiz) => answers.push_str(&quiz.answer_markdown(&quiz.display_order(0))),
                Step::Drill(drill) => answers.push_str(&drill.explain_markdown()),
                _ => continue,
            }
            answers.push('\n');
        }
        if !answers.is_empty() {
            let quoted: Vec<String> = answers.trim_end().lines().map(|line| format!("> {line}")).collect();
            md.push_str(&format!("\n{}\n", quoted.join("\n")));
        }
    }
    render(&md, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutor::render::display_width;

    fn plain(width: usize) -> RenderOptions {
        RenderOptions { width, color: false, hyperlinks: false }
    }

    #[test]
    fn checklist_shows_real_progress() {
        let mut progress = Progress::default();
        progress.mark_item_done("update_todo");
        let text = render(&checklist_markdown(&progress), &plain(100));
        for item in ITEMS {
            let line = text
                .lines()
                .find(|line| line.contains(item.title))
                .unwrap_or_else(|| panic!("{}: {text}", item.id));
            let expected = if item.id == "update_todo" { "✅" } else { "⬜" };
            assert!(line.starts_with(expected), "{line}");
        }
        for group in ["TodoUser", "추가 시나리오", "실습"] {
            assert!(text.lines().any(|line| line == group), "{group}: {text}");
        }
    }

    #[test]
    fn exercise_points_at_the_todo_line_when_the_file_exists() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("exercises")).unwrap();
        std::fs::write(
            dir.path().join("exercises/todo_user.rs"),
            "fn a() {}\n\nasync fn update_todo() {\n    // TODO: 수정\n}\n",
        )
        .unwrap();
        let exercise =
            Exercise { item: "update_todo".into(), file: "exercises/todo_user.rs".into(), function: None };
        let progress = Progress::default();
        let text = render(&exercise_markdown(&exercise, dir.path(), &progress), &plain(80));
        assert!(text.contains("exercises/todo_user.rs:4의 빈칸"), "{text}");
        assert!(text.contains("check update_todo"), "{text}");

        let missing = Exercise { file: "exercises/none.rs".into(), ..exercise };
        let text = render(&exercise_markdown(&missing, dir.path(), &progress), &plain(80));
        assert!(text.contains("exercises/none.rs의 빈칸"), "{text}");
    }

    #[test]
    fn prompt_lines_render_code_spans() {
        let question = "Locust의 `wait_time = between(1, 3)`을 loadlab에서 쓰는 방법으로 맞는 것은?";
        let colored = inline(question, &RenderOptions { width: 80, color: true, hyperlinks: false });
        assert!(!colored.contains('`') && colored.contains("wait_time = between(1, 3)"), "{colored:?}");
        assert!(!colored.contains('\n'), "{colored:?}");
        let plain = inline(question, &plain(40));
        assert!(!plain.contains('\n') && !plain.contains('\x1b'), "one line, no escapes: {plain:?}");
    }

    #[test]
    fn commands_are_quoted_for_a_shell() {
        let args: Vec<String> =
            ["run", "--check", "p95<500ms,fail<0.1%", "-t", "15s"].map(String::from).to_vec();
        assert_eq!(command_line(&args), "cargo run --release -- run --check \"p95<500ms,fail<0.1%\" -t 15s");
    }

    #[test]
    fn print_mode_shows_every_page_and_folds_answers() {
        let text = "# 2. 퀴즈 레슨\n<!-- guide: ## 실습 -->\n\n소개\n\n## 첫 쪽\n\n```quiz\n? 질문?\n- 오답\n  > 오답 설명\n+ 정답\n  > 정답 설명\n```\n\n뒤 문단\n\n## 둘째 쪽\n\n```loadlab-run\nrun TodoUser -u 20\n```\n";
        let lesson = Lesson::parse("02-quiz.md", text).unwrap();
        let out = lesson_text(&lesson, &Progress::default(), Path::new("/nonexistent"), &plain(60));
        let question = out.find("퀴즈 1.").unwrap();
        let after = out.find("뒤 문단").unwrap();
        let quiz = lesson.quizzes().next().unwrap();
        let shown = quiz.display_order(0).iter().position(|&index| quiz.choices[index].correct).unwrap() + 1;
        let answer = out.find(&format!("정답: {shown}. 정답")).unwrap();
        let second = out.find("둘째 쪽").unwrap();
        assert!(question < after && after < answer && answer < second, "{out}");
        assert!(out.contains("오답 설명") && out.contains("정답 설명"));
        assert!(out.contains("$ cargo run --release -- run TodoUser -u 20"), "{out}");
        assert!(!out.contains("guide:"));
        assert!(out.lines().all(|line| display_width(line) <= 60), "{out}");
    }
}
