//! Every lesson — the embedded `lessons/*.md` and the fixtures in tests/fixtures/tutor/lessons —
//! parses and renders at 60, 80 and 120 columns; every quiz has one right answer and an
//! explanation for every choice; and the lessons together cover every `## ` section of the guide.

use loadlab::progress::Progress;
use loadlab::tutor::lesson::{self, Lesson};
use loadlab::tutor::render::display_width;
use loadlab::tutor::render_lesson;
use std::collections::BTreeSet;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tutor/lessons");

/// Every `## ` heading of shared/guide/performance-guide.md except `## 목차`.
const GUIDE_SECTIONS: &[&str] = &[
    "🚀 빠른 시작 (Quick Start)",
    "📝 실습 과제",
    "성능 테스트가 필요한 이유",
    "성능 테스트의 종류",
    "Locust 소개",
    "핵심 개념",
    "Locust 시나리오 작성",
    "실행 및 결과 분석",
    "실습",
    "성능 최적화 팁",
    "실전 시나리오",
    "트러블슈팅",
    "다음 단계",
    "참고 자료",
    "요약",
];

/// (where it comes from, file name, text) of every lesson to check.
fn every_lesson() -> Vec<(String, String, String)> {
    let mut lessons: Vec<(String, String, String)> = lesson::embedded()
        .into_iter()
        .map(|(name, text)| ("lessons/".to_string() + name, name.to_string(), text.to_string()))
        .collect();
    let mut fixtures: Vec<_> =
        std::fs::read_dir(FIXTURES).unwrap().map(|entry| entry.unwrap().path()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= 2, "the fixture lessons are missing");
    for path in fixtures {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        lessons.push((path.display().to_string(), name, std::fs::read_to_string(&path).unwrap()));
    }
    lessons
}

fn parse(origin: &str, name: &str, text: &str) -> Lesson {
    Lesson::parse(name, text).unwrap_or_else(|err| panic!("{origin}: {err:#}"))
}

#[test]
fn every_lesson_renders_at_60_80_and_120_columns() {
    for (origin, name, text) in every_lesson() {
        let lesson = parse(&origin, &name, &text);
        assert!(!lesson.pages.is_empty(), "{origin}: no page");
        for width in [60, 80, 120] {
            let out = render_lesson(&lesson, &Progress::default(), width, false);
            assert!(!out.contains('\x1b'), "{origin} at {width}: escape codes in plain text");
            assert!(out.contains(&lesson.title), "{origin} at {width}: title missing");
            for page in &lesson.pages {
                assert!(out.contains(&page.title), "{origin} at {width}: page `{}` missing", page.title);
            }
            // Only code may be wider than the screen (it is never wrapped): a line of the
            // lesson's own code blocks, or the command of a `loadlab-run` block.
            for line in out.lines().filter(|line| display_width(line) > width) {
                let code = line.trim();
                let code = code.strip_prefix("$ cargo run --release -- ").unwrap_or(code);
                assert!(text.contains(code), "{origin} at {width}: line wider than the screen:\n{line}");
            }
        }
    }
}

#[test]
fn every_quiz_has_one_right_answer_and_an_explanation_for_every_choice() {
    let mut ids = BTreeSet::new();
    let mut count = 0;
    for (origin, name, text) in every_lesson() {
        let lesson = parse(&origin, &name, &text);
        for quiz in lesson.quizzes() {
            count += 1;
            let right = quiz.choices.iter().filter(|choice| choice.correct).count();
            assert_eq!(right, 1, "{origin}: quiz {:?} has {right} right answers", quiz.question);
            assert!(quiz.choices.len() >= 2, "{origin}: quiz {:?} has fewer than two choices", quiz.question);
            for choice in &quiz.choices {
                assert!(
                    !choice.explanation.trim().is_empty(),
                    "{origin}: choice {:?} is not explained",
                    choice.text
                );
            }
            assert!(quiz.id.starts_with(&lesson.stem), "{origin}: quiz id {}", quiz.id);
            assert!(ids.insert((origin.clone(), quiz.id.clone())), "{origin}: quiz id {} twice", quiz.id);
        }
    }
    assert!(count >= 2, "no quiz was checked");
}

#[test]
fn every_guide_section_maps_to_a_lesson() {
    let mut covered = BTreeSet::new();
    for (name, text) in lesson::embedded() {
        let lesson = parse(name, name, text);
        for entry in &lesson.guide {
            if let Some(section) = entry.strip_prefix("## ") {
                assert!(
                    GUIDE_SECTIONS.contains(&section),
                    "{name}: `## {section}` is not a section of the guide"
                );
                covered.insert(section.to_string());
            }
        }
    }
    let missing: Vec<&&str> = GUIDE_SECTIONS.iter().filter(|section| !covered.contains(**section)).collect();
    assert!(
        missing.is_empty(),
        "guide sections no lesson names in its `<!-- guide: ... -->` line ({} embedded lessons): {missing:?}",
        lesson::embedded().len()
    );
}

#[test]
fn the_embedded_lessons_are_the_files_in_lessons() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .filter(|name| name.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    let embedded: Vec<String> = lesson::embedded().into_iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(embedded, on_disk);
    for (name, text) in lesson::embedded() {
        assert_eq!(std::fs::read_to_string(format!("{dir}/{name}")).unwrap(), text, "{name} is stale");
    }
}

fn embedded_lessons() -> Vec<Lesson> {
    lesson::embedded().into_iter().map(|(name, text)| parse(name, name, text)).collect()
}

#[test]
fn the_right_answer_is_not_given_away_by_its_length() {
    // A learner who always picks the longest (or the shortest) choice must not pass: the right
    // choice is the strictly longest in at most a third of the quizzes, and the strictly
    // shortest in at most a third.
    let (mut longest, mut shortest) = (Vec::new(), Vec::new());
    let mut count = 0;
    for lesson in embedded_lessons() {
        for quiz in lesson.quizzes() {
            count += 1;
            let right = display_width(&quiz.choices[quiz.answer()].text);
            let others: Vec<usize> = quiz
                .choices
                .iter()
                .filter(|choice| !choice.correct)
                .map(|choice| display_width(&choice.text))
                .collect();
            let label = format!("{} ({})", quiz.id, quiz.question);
            if others.iter().all(|&width| width < right) {
                longest.push(label.clone());
            }
            if others.iter().all(|&width| width > right) {
                shortest.push(label);
            }
        }
    }
    assert!(count >= 20, "only {count} quizzes");
    for (what, found) in [("longest", &longest), ("shortest", &shortest)] {
        assert!(
            found.len() * 3 <= count,
            "the right answer is the {what} choice in {} of {count} quizzes:\n{}",
            found.len(),
            found.join("\n")
        );
    }
}

#[test]
fn every_lesson_has_a_quiz() {
    for lesson in embedded_lessons() {
        assert!(lesson.quizzes().count() >= 1, "{} has no quiz", lesson.label());
    }
}

#[test]
fn every_lesson_has_a_runnable_step() {
    use loadlab::tutor::lesson::Step;
    for lesson in embedded_lessons() {
        let runnable = lesson
            .pages
            .iter()
            .flat_map(|page| &page.steps)
            .filter(|step| matches!(step, Step::Run(_) | Step::Drill(_) | Step::Exercise(_)))
            .count();
        assert!(
            runnable >= 1,
            "{}: no runnable step (loadlab-run, loadlab-drill or loadlab-exercise)",
            lesson.label()
        );
    }
}

#[test]
fn reading_lessons_have_a_predict_then_run_drill() {
    let lessons = embedded_lessons();
    let mut ids = BTreeSet::new();
    for number in [2, 4, 7, 9, 11, 12] {
        let lesson = lessons.iter().find(|lesson| lesson.number == number).expect("lesson exists");
        let drills: Vec<_> = lesson.drills().collect();
        assert!(!drills.is_empty(), "{} has no loadlab-drill", lesson.label());
        for drill in drills {
            assert!(ids.insert(drill.id.clone()), "drill id {} twice", drill.id);
            // A drill runs on the embedded lab server (or a port nobody listens on), briefly.
            let host = drill.run.iter().position(|arg| arg == "-H").map(|at| drill.run[at + 1].clone());
            assert!(
                host.as_deref().is_none_or(|host| host.starts_with("http://127.0.0.1:{free_port}")),
                "{}: a drill may only aim at a free loopback port: {host:?}",
                drill.id
            );
            let time = drill.run.iter().position(|arg| arg == "-t").map(|at| drill.run[at + 1].clone());
            let seconds =
                time.as_deref().and_then(|t| t.strip_suffix('s')).and_then(|t| t.parse::<u32>().ok());
            assert!(
                seconds.is_some_and(|s| s <= 20),
                "{}: a drill runs 20 s or less, not {time:?}",
                drill.id
            );
        }
    }
}

#[test]
fn lesson_one_maps_every_exercise_file() {
    let lessons = embedded_lessons();
    let first = lessons.iter().find(|lesson| lesson.number == 1).expect("lesson 1");
    let text =
        lesson::embedded().into_iter().find(|(name, _)| name.starts_with("01-")).expect("lesson 1 file").1;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/exercises");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".rs") && name != "main.rs")
        .collect();
    files.sort();
    assert!(files.len() >= 6, "exercise files: {files:?}");
    let missing: Vec<&String> =
        files.iter().filter(|name| !text.contains(&format!("| `exercises/{name}` |"))).collect();
    assert!(missing.is_empty(), "{}: the exercise map does not list {missing:?}", first.label());
    assert!(
        text.contains("`exercises/main.rs`") && text.contains("user_classes()"),
        "the map names main.rs's user_classes()"
    );
}

#[test]
fn lesson_eight_names_every_registered_class() {
    let registered = loadlab::tutor::classes::solution_classes();
    let text = lesson::embedded().into_iter().find(|(name, _)| name.starts_with("08-")).expect("lesson 8").1;
    let sentence = text
        .lines()
        .find(|line| line.contains("클래스 이름을 생략하면"))
        .expect("lesson 8 says what runs without class names");
    for class in &registered {
        assert!(sentence.contains(&format!("`{class}`")), "lesson 8 does not name {class}: {sentence}");
    }
    let count = ["", "한", "두", "세", "네", "다섯", "여섯"][registered.len().min(6)];
    assert!(sentence.contains(&format!("{count} 클래스")), "lesson 8 should say {count} 클래스: {sentence}");
}

#[test]
fn the_rust_primer_is_linked_from_the_first_exercises_and_from_compile_errors() {
    let lessons = embedded_lessons();
    let primer = lessons
        .iter()
        .find(|lesson| lesson.title.contains("이 과정에 필요한 Rust"))
        .expect("a Rust primer lesson");
    let command = format!("cargo run --release -- learn {}", primer.number);
    assert!(
        loadlab::grader::build::failed_message().contains(&command),
        "{}",
        loadlab::grader::build::failed_message()
    );
    for stem in ["01-", "05-", "08-"] {
        let text = lesson::embedded().into_iter().find(|(name, _)| name.starts_with(stem)).unwrap().1;
        assert!(text.contains(&command), "lesson {stem} does not link the primer ({command})");
    }
    let primer_text =
        lesson::embedded().into_iter().find(|(name, _)| name.contains("rust-primer")).unwrap().1;
    for topic in ["async fn", ".await", "impl", "match", "let … else", "E0502", "|&id|"] {
        assert!(primer_text.contains(topic), "the primer does not cover {topic}");
    }
}

#[test]
fn every_checklist_item_is_taught_by_its_lesson() {
    let lessons = lesson::embedded();
    for item in loadlab::checklist::ITEMS {
        let (name, text) = lessons
            .iter()
            .find(|(name, _)| name.trim_end_matches(".md") == item.lesson)
            .unwrap_or_else(|| panic!("{}: no lesson {}", item.id, item.lesson));
        let taught = match item.kind {
            // The exercise's own block, which the tutor turns into "open the file, then check".
            loadlab::checklist::ItemKind::Exercise => text.contains(&format!("item: {}", item.id)),
            loadlab::checklist::ItemKind::Example => item.functions.iter().all(|f| text.contains(f)),
            // A practice is named as 실습 N, or by its command.
            loadlab::checklist::ItemKind::Practice => {
                let title = item.title.split(':').next().unwrap_or(item.title);
                text.contains(title) || (item.id == "bottleneck_hunt" && text.contains("-- hunt"))
            }
        };
        assert!(taught, "{}: lesson {name} does not teach it", item.id);
    }
}
