//! The extra scenarios: MixedWorkloadUser's workflow order, StressTestUser's pace and payload,
//! and SetupUser's on_start/on_stop bookkeeping, each judged from what the class did.

use std::collections::{BTreeMap, BTreeSet};

use super::Verdict;
use super::evidence::*;
use crate::engine::stats::TraceLine;
use crate::grader::observe::{Observation, Plan, todo_id};

/// The shape of one workflow step, for comparing orders.
pub(super) fn step_label(line: &TraceLine) -> String {
    let path = line.path.split('?').next().unwrap_or("");
    let target = if todo_id(path).is_some() { "/todos/{id}" } else { path };
    format!("{} {target}", line.method)
}

pub(super) const WORKFLOW: [&str; 6] =
    ["POST /todos/", "POST /todos/", "POST /todos/", "GET /todos/", "PUT /todos/{id}", "DELETE /todos/{id}"];

pub(super) fn check_mixed(observation: &Observation) -> Verdict {
    const ITEM: &str = "mixed_workload";
    const TASK: &str = "complete_workflow";
    if not_started(observation, TASK) {
        return Verdict::not_started(ITEM, TASK);
    }
    let mut problems = panics(observation, TASK);
    match observation.result.settings.classes.first().map(|class| class.wait_time) {
        Some(crate::engine::user::WaitTime::Between { min, max }) if min == 2.0 && max == 5.0 => {}
        Some(other) => problems.push(format!("대기 시간: {other} — 기대: between(2, 5)")),
        None => {}
    }
    let mut by_user: BTreeMap<usize, Vec<&TraceLine>> = BTreeMap::new();
    for line in observation.trace.iter().filter(|line| line.task == TASK) {
        by_user.entry(line.user).or_default().push(line);
    }
    let mut complete = 0;
    let mut order_problem = None;
    let mut target_problem = None;
    let mut body_problem = None;
    for lines in by_user.values() {
        // The last workflow may have been cut off by the end of the run: judge whole ones only.
        for workflow in lines.chunks(WORKFLOW.len()).filter(|chunk| chunk.len() == WORKFLOW.len()) {
            complete += 1;
            let labels: Vec<String> = workflow.iter().map(|line| step_label(line)).collect();
            if labels.iter().map(String::as_str).ne(WORKFLOW) {
                order_problem.get_or_insert_with(|| {
                    format!(
                        "순서가 달라요: {} — 기대: POST×3 → GET /todos/ → PUT(완료) → DELETE",
                        labels.join(" → ")
                    )
                });
                continue;
            }
            let first_created = workflow[0].id;
            let put_id = todo_id(&workflow[4].path);
            let delete_id = todo_id(&workflow[5].path);
            if first_created.is_none() || put_id != first_created || delete_id != first_created {
                target_problem.get_or_insert_with(|| {
                    format!(
                        "완료·삭제한 TODO가 첫 번째로 만든 것이 아니에요 (첫 생성 id {}, PUT id {}, DELETE id {}) — 기대: 첫 번째로 만든 TODO",
                        shown(first_created), shown(put_id), shown(delete_id)
                    )
                });
            }
            let completed = workflow[4].body.as_ref().and_then(|body| body.get("completed").cloned());
            if completed != Some(serde_json::Value::Bool(true)) {
                body_problem.get_or_insert_with(|| {
                    format!(
                        "완료 처리 PUT의 본문: {} — 기대: {{\"completed\": true}}",
                        workflow[4].body.as_ref().map_or("(없음)".to_string(), |b| b.to_string())
                    )
                });
            }
        }
    }
    if complete == 0 && order_problem.is_none() {
        let seen = by_user
            .values()
            .next()
            .map(|lines| lines.iter().map(|line| step_label(line)).collect::<Vec<_>>().join(" → "));
        problems.push(format!(
            "끝까지 간 워크플로우가 하나도 없어요 (관찰: {}) — 기대: POST×3 → GET /todos/ → PUT(완료) → DELETE",
            seen.unwrap_or_else(|| "요청 없음".to_string())
        ));
    }
    problems.extend(order_problem);
    problems.extend(target_problem);
    problems.extend(body_problem);
    // The rule of every item: a request whose path holds an id is grouped into one row.
    let task_lines = |method: &str| -> Vec<&TraceLine> {
        observation.trace.iter().filter(|line| line.task == TASK && line.method == method).collect()
    };
    problems.extend(naming_problem(&task_lines("PUT"), "완료 처리 PUT", "/todos/{id} [PUT - Complete]"));
    problems.extend(naming_problem(&task_lines("DELETE"), "삭제", "/todos/{id} [DELETE - Workflow]"));
    Verdict::judge(ITEM, problems, format!("완료된 워크플로우 {complete}번"))
}

/// An id as the learner reads it: the number, or 없음.
pub(super) fn shown(id: Option<i64>) -> String {
    id.map_or_else(|| "없음".to_string(), |id| id.to_string())
}

pub(super) const DESCRIPTION_LIMIT: usize = 500;
pub(super) const LARGE_DESCRIPTION: usize = 200;

pub(super) fn check_stress(observation: &Observation, plan: &Plan) -> Verdict {
    const ITEM: &str = "stress_user";
    let tasks: BTreeSet<&str> = observation.result.exceptions.iter().map(|e| e.task.as_str()).collect();
    if let Some(task) = tasks.iter().find(|task| {
        observation
            .result
            .exceptions
            .iter()
            .any(|e| &e.task == *task && e.message.starts_with("not yet implemented"))
    }) {
        return Verdict::not_started(ITEM, task);
    }
    let mut problems: Vec<String> = tasks.iter().flat_map(|task| panics(observation, task)).collect();
    if let Some(class) = observation.result.settings.classes.first()
        && class.wait_time.max_seconds() > 0.5
    {
        problems.push(format!(
            "대기 시간이 {}로 최대 {}초예요 — 기대: 0.5초 이하 (예: between(0.1, 0.5))",
            class.wait_time,
            class.wait_time.max_seconds()
        ));
    }
    let requests = &observation.trace;
    if requests.is_empty() {
        problems.push("요청이 하나도 없었어요 — 기대: POST /todos/로 TODO를 대량 생성".to_string());
        return Verdict::judge(ITEM, problems, String::new());
    }
    let others: Vec<String> = requests
        .iter()
        .filter(|line| !(line.method == "POST" && line.path.split('?').next() == Some("/todos/")))
        .map(|line| format!("{} {}", line.method, line.path))
        .collect();
    if let Some(example) = others.first() {
        problems.push(format!(
            "생성 외의 요청이 {}번 있었어요 (예: {example}) — 기대: 생성(POST /todos/)만",
            others.len()
        ));
    }
    let lengths: Vec<usize> = requests
        .iter()
        .filter_map(|line| line.body.as_ref()?.get("description")?.as_str().map(|d| d.chars().count()))
        .collect();
    let rejected = requests.iter().filter(|line| line.status == 422).count();
    let longest = lengths.iter().copied().max().unwrap_or(0);
    if rejected > 0 || longest > DESCRIPTION_LIMIT {
        problems.push(format!(
            "description이 최대 {longest}자라 422(검증 실패)가 {rejected}번 났어요 — API의 description 한도는 {DESCRIPTION_LIMIT}자예요. 그 안에서 크게 만드세요"
        ));
    } else if lengths.iter().copied().min().unwrap_or(0) < LARGE_DESCRIPTION {
        problems.push(format!(
            "description이 {}자로 작아요 — 기대: 대량 데이터 테스트이니 {LARGE_DESCRIPTION}~{DESCRIPTION_LIMIT}자의 큰 본문",
            lengths.iter().copied().min().unwrap_or(0)
        ));
    }
    let per_user = requests.len() as f64 / plan.users as f64 / plan.run_time.as_secs_f64();
    if per_user < 1.5 {
        problems.push(format!(
            "사용자 한 명이 초당 {per_user:.1}건만 보냈어요 — 기대: 대기를 최소로 줄여 초당 1.5건 이상"
        ));
    }
    Verdict::judge(
        ITEM,
        problems,
        format!("POST {}건, 사용자당 초당 {per_user:.1}건, description 최대 {longest}자", requests.len()),
    )
}

pub(super) fn check_setup(observation: &Observation) -> Verdict {
    const ITEM: &str = "setup_user";
    for hook in ["on_start", "on_stop"] {
        if not_started(observation, hook) {
            return Verdict::not_started(ITEM, hook);
        }
    }
    let mut problems: Vec<String> =
        ["on_start", "read_own_todo", "on_stop"].iter().flat_map(|task| panics(observation, task)).collect();
    let mut by_user: BTreeMap<usize, Vec<&TraceLine>> = BTreeMap::new();
    for line in &observation.trace {
        by_user.entry(line.user).or_default().push(line);
    }
    let (mut setup_problem, mut foreign_read, mut leftovers) = (None, 0, 0);
    let mut reads = 0;
    for (user, lines) in &by_user {
        let created: Vec<i64> = lines
            .iter()
            .filter(|line| line.task == "on_start" && line.method == "POST" && line.status == 201)
            .filter_map(|line| line.id)
            .collect();
        if created.len() != 3 {
            setup_problem.get_or_insert_with(|| {
                format!(
                    "사용자 {user}가 on_start에서 TODO를 {}개 만들었어요 — 기대: 시작할 때 3개",
                    created.len()
                )
            });
        }
        for line in lines.iter().filter(|line| line.task == "read_own_todo") {
            reads += 1;
            if !todo_id(&line.path).is_some_and(|id| created.contains(&id)) {
                foreign_read += 1;
            }
        }
        let deleted: BTreeSet<i64> = lines
            .iter()
            .filter(|line| line.task == "on_stop" && line.method == "DELETE" && line.status == 204)
            .filter_map(|line| todo_id(&line.path))
            .collect();
        leftovers += created.iter().filter(|id| !deleted.contains(id)).count();
    }
    problems.extend(setup_problem);
    if reads == 0 {
        problems.push(
            "read_own_todo가 한 번도 요청하지 않았어요 — on_start에서 만든 id를 self.own_todo_ids에 모았는지 확인하세요"
                .to_string(),
        );
    }
    if foreign_read > 0 {
        problems.push(format!(
            "자기가 준비하지 않은 TODO를 {foreign_read}번 읽었어요 — 기대: on_start에서 만든 것만"
        ));
    }
    if leftovers > 0 {
        problems.push(format!(
            "끝난 뒤에도 지우지 않은 TODO가 {leftovers}개 남았어요 — 기대: on_stop에서 만든 TODO를 모두 DELETE"
        ));
    }
    Verdict::judge(ITEM, problems, format!("사용자 {}명, 읽기 {reads}건", by_user.len()))
}
