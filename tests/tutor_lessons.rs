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
