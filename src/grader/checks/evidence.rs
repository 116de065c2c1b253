//! What the checks read from an observation run: a task's requests, their statuses, the ids
//! each user created and when, and the problems every check words the same way (request
//! names, how answers were counted, whose ids were touched).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::engine::stats::TraceLine;
use crate::grader::observe::{Observation, todo_id};

use super::Verdict;

pub(super) fn not_started(observation: &Observation, task: &str) -> bool {
    observation
        .result
        .exceptions
        .iter()
        .any(|e| e.task == task && e.message.starts_with("not yet implemented"))
}

/// Panics other than `todo!()` inside `task`, as problems.
pub(super) fn panics(observation: &Observation, task: &str) -> Vec<String> {
    observation
        .result
        .exceptions
        .iter()
        .filter(|e| e.task == task)
        .map(|e| {
            format!(
                "{task}에서 패닉이 {}번 났어요: {} ({}) — 작업은 패닉 없이 끝나야 해요",
                e.count, e.message, e.location
            )
        })
        .collect()
}

pub(super) fn lines_of<'a>(observation: &'a Observation, task: &str, method: &str) -> Vec<&'a TraceLine> {
    observation.trace.iter().filter(|line| line.task == task && line.method == method).collect()
}

/// `200×48, 404×20, 500×7`.
pub(super) fn status_summary(lines: &[&TraceLine]) -> String {
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for line in lines {
        *counts.entry(line.status).or_default() += 1;
    }
    counts.iter().map(|(status, count)| format!("{status}×{count}")).collect::<Vec<_>>().join(", ")
}

/// Ids each user created, with when the creating request started.
pub(super) fn created_ids(observation: &Observation) -> HashMap<usize, Vec<(f64, i64)>> {
    let mut created: HashMap<usize, Vec<(f64, i64)>> = HashMap::new();
    for line in &observation.trace {
        if line.method == "POST"
            && line.status == 201
            && let Some(id) = line.id
        {
            created.entry(line.user).or_default().push((line.t, id));
        }
    }
    created
}

/// Whether `id` was created by `user` before time `t`.
pub(super) fn owned_before(created: &HashMap<usize, Vec<(f64, i64)>>, user: usize, id: i64, t: f64) -> bool {
    created.get(&user).is_some_and(|ids| ids.iter().any(|&(at, own)| own == id && at <= t))
}

/// Requests must land in one statistics row, not one per id.
pub(super) fn naming_problem(lines: &[&TraceLine], label: &str, expected: &str) -> Option<String> {
    let names: BTreeSet<&str> = lines.iter().map(|line| line.name.as_str()).collect();
    let per_id = names.iter().any(|name| name.split(['/', '?', ' ']).any(|part| part.parse::<i64>().is_ok()));
    (names.len() > 1 || per_id).then(|| {
        let sample: Vec<&str> = names.iter().take(3).copied().collect();
        format!(
            "{label} 요청이 통계에서 {}개의 행으로 흩어졌어요 (예: {}) — 기대: .name(\"{expected}\")로 한 행에 모으기",
            names.len(),
            sample.join(", ")
        )
    })
}

/// 200/404-style answers must count as success; server errors must count as failure.
pub(super) fn marking_problems(lines: &[&TraceLine], label: &str, success_statuses: &[u16]) -> Vec<String> {
    let mut problems = Vec::new();
    for &status in success_statuses {
        let wrong = lines.iter().filter(|line| line.status == status && line.failure.is_some()).count();
        if wrong > 0 {
            let why = if status == 404 {
                "404는 이미 삭제된 TODO이니 success()로 처리해야 해요"
            } else {
                "정상 응답이에요"
            };
            problems.push(format!("{label} 요청의 {status} 응답이 실패로 {wrong}번 기록됐어요 — {why}"));
        }
    }
    let server_errors: Vec<&&TraceLine> = lines.iter().filter(|line| line.status >= 500).collect();
    let counted_ok = server_errors.iter().filter(|line| line.failure.is_none()).count();
    if counted_ok > 0 {
        let status = server_errors.iter().find(|line| line.failure.is_none()).map_or(500, |line| line.status);
        problems.push(format!(
            "{label} 요청의 {status} 응답이 성공으로 {counted_ok}번 기록됐어요 — 서버 오류({status})는 failure()로 처리해야 해요"
        ));
    }
    problems
}

pub(super) fn ownership_problems(
    lines: &[&TraceLine],
    created: &HashMap<usize, Vec<(f64, i64)>>,
    label: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let without_ids = lines
        .iter()
        .filter(|line| !created.get(&line.user).is_some_and(|ids| ids.iter().any(|&(at, _)| at <= line.t)))
        .count();
    if without_ids > 0 {
        problems.push(format!(
            "만든 TODO가 하나도 없을 때 {label} 요청을 {without_ids}번 보냈어요 — 기대: 목록이 비어 있으면 아무것도 하지 않고 return"
        ));
    }
    let foreign: Vec<&&TraceLine> = lines
        .iter()
        .filter(|line| match todo_id(&line.path) {
            Some(id) => {
                created.get(&line.user).is_some_and(|ids| ids.iter().any(|&(at, _)| at <= line.t))
                    && !owned_before(created, line.user, id, line.t)
            }
            None => true,
        })
        .collect();
    if let Some(example) = foreign.first() {
        problems.push(format!(
            "이 사용자가 만들지 않은 곳에 {label} 요청을 {}번 보냈어요 (예: {}) — 기대: 자기가 만든 id(/todos/{{id}})만",
            foreign.len(),
            example.path
        ));
    }
    problems
}

/// What every single-task check starts with: `Err` with the verdict when the task is still
/// `todo!()`, else the task's requests of `method` and the panics in it as first problems.
pub(super) fn task_requests<'a>(
    observation: &'a Observation,
    item: &'static str,
    method: &str,
) -> Result<(Vec<&'a TraceLine>, Vec<String>), Verdict> {
    if not_started(observation, item) {
        return Err(Verdict::not_started(item, item));
    }
    Ok((lines_of(observation, item, method), panics(observation, item)))
}
