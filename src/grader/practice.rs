//! The practices (실습) that tick themselves from the learner's own runs: 실습 1 (the quick start
//! done right), 실습 3 (a stress run whose break points the learner then reads correctly) and
//! 실습 4 (load, stress and spike runs of the same scenario). Every learner run is recorded in
//! the progress file; this module decides what the runs prove.

use serde::{Deserialize, Serialize};

use crate::engine::RunResult;
use crate::explain::saturation;
use crate::progress::Progress;

/// What a learner's run says about the practices, as kept in `practice_runs`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    pub classes: Vec<String>,
    pub users: usize,
    pub spawn_rate: f64,
    pub run_time_secs: Option<f64>,
    /// The shape label (`stress (quick)`), when a shape drove the run.
    pub shape: Option<String>,
    pub requests: u64,
    pub failures: u64,
    pub p95_ms: f64,
    pub requests_per_second: f64,
    /// With a stepped shape: the saturation finder's points (users).
    pub p95_break_users: Option<usize>,
    pub plateau_users: Option<usize>,
    pub errors_users: Option<usize>,
    /// Users between two steps: the tolerance of the 실습 3 answers.
    pub step_users: Option<usize>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// How a plain run was asked for (shapes and graders' fast-forwarding do not count for 실습 1).
pub struct Settings {
    pub spawn_rate: f64,
    pub plain: bool,
}

/// The kinds of test 실습 4 compares, by the shape preset that ran them.
pub const COMPARED_KINDS: [&str; 3] = ["load", "stress", "spike"];

impl RunRecord {
    pub fn of(result: &RunResult, settings: &Settings) -> Self {
        let found = saturation::find(result);
        let step_users = found.as_ref().and_then(|s| {
            s.steps.windows(2).map(|pair| pair[1].users.abs_diff(pair[0].users)).filter(|d| *d > 0).min()
        });
        let users_at = |point: Option<&saturation::BreakPoint>| point.map(|p| p.users);
        RunRecord {
            classes: result.settings.classes.iter().map(|class| class.name.clone()).collect(),
            users: result.settings.users,
            spawn_rate: settings.spawn_rate,
            run_time_secs: result.settings.run_time,
            shape: result.settings.shape.clone(),
            requests: result.total.num_requests,
            failures: result.total.num_failures,
            p95_ms: result.total.percentile(0.95),
            requests_per_second: result.total.requests_per_second,
            p95_break_users: found.as_ref().and_then(|s| users_at(s.p95_break.as_ref())),
            plateau_users: found.as_ref().and_then(|s| users_at(s.throughput_plateau.as_ref())),
            errors_users: found.as_ref().and_then(|s| users_at(s.errors_begin.as_ref())),
            step_users,
            at: result.end_time,
        }
    }

    /// Whether the saturation finder confirmed any point (where p95, throughput or errors broke
    /// away): 실습 3 is about finding the limit, so a run that never reached one cannot be read.
    pub fn found_a_limit(&self) -> bool {
        self.p95_break_users.is_some() || self.plateau_users.is_some() || self.errors_users.is_some()
    }

    /// A stress run with steps to read.
    fn stepped_stress(&self) -> bool {
        self.kind() == Some("stress") && self.step_users.is_some()
    }

    /// The preset kind of the shape (`stress` for `stress (quick)`).
    pub fn kind(&self) -> Option<&str> {
        let shape = self.shape.as_deref()?;
        COMPARED_KINDS.iter().copied().find(|kind| shape == *kind || shape.starts_with(&format!("{kind} ")))
    }
}

/// 실습 1's run: the learner's TodoUser, >= 20 users at spawn rate >= 5 for >= 15 s, no
/// failure — the exceptions are judged apart, so a learner can be told that they alone stand
/// in the way.
fn practice1_run(record: &RunRecord, result: &RunResult, settings: &Settings) -> bool {
    settings.plain
        && record.classes.iter().any(|class| class == "TodoUser")
        && record.users >= 20
        && record.spawn_rate >= 5.0
        && record.run_time_secs.is_some_and(|t| t >= 15.0)
        && !result.interrupted
        && record.requests > 0
        && record.failures == 0
}

/// What a run means for 실습 1.
#[derive(Debug, PartialEq)]
enum Practice1 {
    NotThisRun,
    Done,
    /// The run was 실습 1's in all else, but tasks panicked.
    Exceptions,
}

fn practice1(record: &RunRecord, result: &RunResult, settings: &Settings) -> Practice1 {
    match (practice1_run(record, result, settings), result.exceptions.is_empty()) {
        (false, _) => Practice1::NotThisRun,
        (true, true) => Practice1::Done,
        (true, false) => Practice1::Exceptions,
    }
}

/// Why a run that was 실습 1's in all else did not tick it.
const PRACTICE1_EXCEPTIONS: &str = "실습 1은 예외(panic)가 0건이어야 체크돼요: 이번 실행에 예외가 있었어요. \
todo!()가 남은 update_todo·delete_todo도 예외로 세니, 두 과제를 끝내고(`check update_todo`, `check delete_todo`) 다시 실행해 보세요.";

/// The runs kept for the practices, newest last.
fn records(progress: &Progress) -> Vec<RunRecord> {
    progress.practice_runs.iter().filter_map(|value| serde_json::from_value(value.clone()).ok()).collect()
}

/// The latest stress run that reached a limit, the one 실습 3 asks about.
pub fn latest_stress(progress: &Progress) -> Option<RunRecord> {
    records(progress).into_iter().rev().find(|record| record.stepped_stress() && record.found_a_limit())
}

/// Whether the learner has stress runs, none of which reached a limit.
pub fn only_stress_without_limit(progress: &Progress) -> bool {
    let all = records(progress);
    all.iter().any(RunRecord::stepped_stress) && !all.iter().any(|r| r.stepped_stress() && r.found_a_limit())
}

/// What to do when a stress run ended before any limit.
pub fn no_limit_seen() -> String {
    format!(
        "실습 3: 이번 스트레스 실행에서는 한계(p95 급증·처리량 정체·실패)가 나타나지 않았어요. \
실습 3은 한계를 찾는 실습이라, 한계가 보이는 실행이 있어야 질문에 답할 수 있어요. 병목을 켜거나 더 무거운 클래스로 다시 실행해 보세요:\n  {}",
        crate::places::command("run StressTestUser --shape stress --quick --bottleneck pool-starvation")
    )
}

/// The capstone's proof: a class `import` wrote ran writes too, with no failure or exception, past
/// a handful of requests.
fn own_service(result: &RunResult, classes: &[String]) -> bool {
    let imported = classes.iter().any(|class| {
        let file = crate::places::workbook_dir()
            .join("exercises")
            .join(format!("{}.rs", crate::import::names::snake_case(class)));
        std::fs::read_to_string(file).is_ok_and(|source| crate::import::render::is_generated(&source))
    });
    imported && proves_own_service(result)
}

/// The behaviour half of [`own_service`].
fn proves_own_service(result: &RunResult) -> bool {
    let wrote = result
        .stats
        .iter()
        .any(|row| row.num_requests > 0 && ["POST", "PUT", "PATCH", "DELETE"].contains(&row.method.as_str()));
    wrote && result.total.num_failures == 0 && result.exceptions.is_empty() && result.total.num_requests >= 50
}

/// Records a learner's run and ticks what it proves; returns the Korean lines to show.
pub fn record_run(result: &RunResult, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let record = RunRecord::of(result, settings);
    let mut news = Vec::new();
    Progress::update(|progress| {
        progress.record_practice_run(serde_json::to_value(&record).unwrap_or_default());
        if !progress.is_item_done("practice1") {
            match practice1(&record, result, settings) {
                Practice1::NotThisRun => {}
                Practice1::Done => {
                    progress.mark_item_done("practice1");
                    news.push("🎉 실습 1 완료: TodoUser 20명 · 초당 5명 · 15초 · 실패 0%".to_string());
                }
                Practice1::Exceptions => news.push(PRACTICE1_EXCEPTIONS.to_string()),
            }
        }
        if record.stepped_stress() {
            news.push(if record.found_a_limit() {
                format!(
                    "실습 3: 이 결과를 읽고 `{}` 으로 질문에 답해 보세요.",
                    crate::places::command("practice 3")
                )
            } else {
                no_limit_seen()
            });
        }
        if !progress.is_item_done("own_service") && own_service(result, &record.classes) {
            progress.mark_item_done("own_service");
            news.push(
                "🎉 내 서비스에 적용하기 완료: 가져온 시나리오가 쓰기 요청까지 실패 없이 돌았어요."
                    .to_string(),
            );
        }
        let all = records(progress);
        let same_scenario: Vec<&RunRecord> = all.iter().filter(|r| r.classes == record.classes).collect();
        let kinds_done: Vec<&str> = COMPARED_KINDS
            .iter()
            .copied()
            .filter(|kind| same_scenario.iter().any(|r| r.kind() == Some(*kind)))
            .collect();
        if record.kind().is_some() && !progress.is_item_done("practice4") {
            if kinds_done.len() == COMPARED_KINDS.len() {
                progress.mark_item_done("practice4");
                news.push("🎉 실습 4 완료: 같은 시나리오로 부하·스트레스·스파이크를 모두 실행했어요. `compare`로 세 결과를 나란히 보세요.".to_string());
            } else {
                let missing: Vec<&str> =
                    COMPARED_KINDS.iter().copied().filter(|k| !kinds_done.contains(k)).collect();
                news.push(format!("실습 4: 같은 시나리오로 남은 모양 — {}", missing.join(", ")));
            }
        }
    })?;
    Ok(news)
}

/// The learner's reading of their stress run (users at each point; `None`: "did not happen").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answers {
    pub p95_break: Option<usize>,
    pub plateau: Option<usize>,
    pub errors: Option<usize>,
}

/// Checks answers against the detected points: right within one step of users (or 20 %).
pub fn judge_practice3(record: &RunRecord, answers: &Answers) -> Vec<String> {
    let tolerance = |users: usize| record.step_users.unwrap_or(0).max(users / 5);
    let mut problems = Vec::new();
    for (label, detected, answered) in [
        ("p95가 급증한 사용자 수", record.p95_break_users, answers.p95_break),
        ("처리량이 더 늘지 않은 사용자 수", record.plateau_users, answers.plateau),
        ("실패가 나오기 시작한 사용자 수", record.errors_users, answers.errors),
    ] {
        let right = match (detected, answered) {
            (None, None) => true,
            (Some(detected), Some(answered)) => answered.abs_diff(detected) <= tolerance(detected),
            _ => false,
        };
        if !right {
            let said =
                |value: Option<usize>| value.map_or("없음".to_string(), |users| format!("{users}명"));
            problems.push(format!(
                "{label}: 답 {} — 결과에서 찾은 값은 {} (허용 오차 ±{}명). 스트레스 결과의 단계 표를 다시 보세요",
                said(answered),
                said(detected),
                detected.map_or(0, tolerance)
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capstone_needs_writes_and_no_failure_or_exception() {
        use crate::explain::testing::{endpoint, result};
        let read = endpoint("GET", "/todos/{todo_id}", 60, 0, 2.0);
        let write = endpoint("POST", "/todos/", 20, 0, 3.0);
        assert!(proves_own_service(&result(
            vec![read.clone(), write.clone()],
            endpoint("", "Aggregated", 80, 0, 2.0)
        )));
        // Reads alone, a failure, too few requests, or an exception: not yet.
        assert!(!proves_own_service(&result(vec![read.clone()], endpoint("", "Aggregated", 60, 0, 2.0))));
        assert!(!proves_own_service(&result(
            vec![read.clone(), write.clone()],
            endpoint("", "Aggregated", 80, 1, 2.0)
        )));
        assert!(!proves_own_service(&result(vec![write.clone()], endpoint("", "Aggregated", 20, 0, 2.0))));
        let mut panicked = result(vec![read, write], endpoint("", "Aggregated", 80, 0, 2.0));
        panicked.exceptions.push(crate::engine::result::ExceptionRow {
            count: 1,
            message: "not yet implemented".into(),
            location: "exercises/x.rs:1".into(),
            task: "post_todos".into(),
            user_class: "ShopUser".into(),
        });
        assert!(!proves_own_service(&panicked));
    }

    #[test]
    fn only_a_file_import_wrote_counts_as_imported() {
        assert!(crate::import::render::is_generated(
            "//! ShopUser — OpenAPI 문서 shop.json에서 만든 시나리오예요.\n"
        ));
        assert!(!crate::import::render::is_generated("//! TodoUser — 가이드 locustfile의 기본 사용자\n"));
    }

    fn stress_record() -> RunRecord {
        RunRecord {
            classes: vec!["StressTestUser".into()],
            users: 100,
            spawn_rate: 0.0,
            run_time_secs: Some(60.0),
            shape: Some("stress (quick)".into()),
            requests: 5000,
            failures: 0,
            p95_ms: 40.0,
            requests_per_second: 80.0,
            p95_break_users: Some(40),
            plateau_users: Some(30),
            errors_users: None,
            step_users: Some(10),
            at: chrono::Utc::now(),
        }
    }

    #[test]
    fn answers_within_a_step_are_right() {
        let record = stress_record();
        let right = Answers { p95_break: Some(45), plateau: Some(30), errors: None };
        assert!(judge_practice3(&record, &right).is_empty());
        let wrong = Answers { p95_break: Some(80), plateau: Some(30), errors: Some(50) };
        let problems = judge_practice3(&record, &wrong);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("답 80명") && problems[0].contains("40명"));
        assert!(problems[1].contains("결과에서 찾은 값은 없음"));
    }

    #[test]
    fn practice_3_needs_a_run_that_reached_a_limit() {
        let mut healthy = stress_record();
        healthy.p95_break_users = None;
        healthy.plateau_users = None;
        healthy.errors_users = None;
        let mut progress = Progress::default();
        progress.record_practice_run(serde_json::to_value(&healthy).unwrap());
        // Answering "none" three times about a run without a limit must not tick 실습 3.
        assert_eq!(latest_stress(&progress), None);
        assert!(only_stress_without_limit(&progress));
        progress.record_practice_run(serde_json::to_value(stress_record()).unwrap());
        assert!(latest_stress(&progress).is_some_and(|record| record.found_a_limit()));
        assert!(!only_stress_without_limit(&progress));
    }

    #[test]
    fn practice_1_says_when_only_exceptions_stand_in_the_way() {
        let mut result: RunResult =
            serde_json::from_str(include_str!("../../tests/fixtures/report/result.json")).expect("fixture");
        result.settings.users = 20;
        result.settings.run_time = Some(15.0);
        result.settings.shape = None;
        result.settings.classes.truncate(1);
        result.settings.classes[0].name = "TodoUser".into();
        result.total.num_failures = 0;
        result.interrupted = false;
        let settings = Settings { spawn_rate: 5.0, plain: true };
        result.exceptions.clear();
        let record = RunRecord::of(&result, &settings);
        assert_eq!(practice1(&record, &result, &settings), Practice1::Done);
        result.exceptions.push(crate::engine::stats::ExceptionRow {
            count: 3,
            message: "not yet implemented: update_todo".into(),
            location: "exercises/todo_user.rs:70:5".into(),
            task: "update_todo".into(),
            user_class: "TodoUser".into(),
        });
        assert_eq!(practice1(&record, &result, &settings), Practice1::Exceptions);
        assert!(PRACTICE1_EXCEPTIONS.contains("update_todo·delete_todo"));
        assert_eq!(
            practice1(&record, &result, &Settings { plain: false, ..settings }),
            Practice1::NotThisRun
        );
    }

    #[test]
    fn shapes_name_their_kind() {
        let mut record = stress_record();
        assert_eq!(record.kind(), Some("stress"));
        record.shape = Some("spike".into());
        assert_eq!(record.kind(), Some("spike"));
        record.shape = Some("10:30s,0:5s".into());
        assert_eq!(record.kind(), None);
    }
}
