//! The checklist's checks. Each runs the item's class briefly against a fresh lab server and
//! judges what the scenario did — which requests, to which ids, in which order, with which
//! bodies, and how each answer was counted — never the source text. Every problem is one Korean
//! line saying what was observed and what was expected.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use super::observe::{Observation, Plan, Scenarios, Unobservable, observe, todo_id};
use crate::engine::stats::TraceLine;
use crate::server::Faults;

/// How an item came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    /// The item's body is still `todo!()`.
    NotStarted,
}

/// A graded item.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub item: &'static str,
    pub status: Status,
    /// What went wrong, one Korean sentence each (observed — expected).
    pub problems: Vec<String>,
    /// What the check saw, in one line (e.g. the status codes of the item's requests).
    pub observed: String,
}

impl Verdict {
    fn judge(item: &'static str, problems: Vec<String>, observed: String) -> Self {
        let status = if problems.is_empty() { Status::Passed } else { Status::Failed };
        Verdict { item, status, problems, observed }
    }

    fn not_started(item: &'static str, task: &str) -> Self {
        Verdict {
            item,
            status: Status::NotStarted,
            problems: vec![format!("아직 시작하지 않았어요: {task}의 본문이 todo!() 그대로예요")],
            observed: String::new(),
        }
    }

    fn failed(item: &'static str, problem: String) -> Self {
        Verdict { item, status: Status::Failed, problems: vec![problem], observed: String::new() }
    }
}

/// The items `check` grades by running code, in checklist order.
pub const GRADED_ITEMS: &[&str] = &[
    "create_todo",
    "list_todos",
    "get_single_todo",
    "update_todo",
    "delete_todo",
    "mixed_workload",
    "stress_user",
    "spike_shape",
    "setup_user",
    "release_gate",
];

/// The guide's locustfile: all of these passing is 실습 2.
pub const LOCUSTFILE_ITEMS: &[&str] = &[
    "create_todo",
    "list_todos",
    "get_single_todo",
    "update_todo",
    "delete_todo",
    "mixed_workload",
    "stress_user",
];

const FAST: f64 = 0.01;

/// Each TodoUser task's weight in the guide's locustfile (`@task(3)` …), i.e. the mix
/// `tasks()` must declare: 3 creates for every 2 lists and 1 of each other task.
const TODO_USER_WEIGHTS: &[(&str, u32)] =
    &[("create_todo", 3), ("list_todos", 2), ("get_single_todo", 1), ("update_todo", 1), ("delete_todo", 1)];

/// A wrong weight for `item` in the TodoUser that ran, as one line aimed at `tasks()`, and
/// whether the task can never run (missing, or weight 0): then nothing else about it can be judged.
fn weight_problem(observation: &Observation, item: &str) -> Option<(String, bool)> {
    let &(_, expected) = TODO_USER_WEIGHTS.iter().find(|(task, _)| *task == item)?;
    let class = observation.result.settings.classes.iter().find(|class| class.name == "TodoUser")?;
    let wanted = format!("기대: tasks()에 task({expected}, {item}) (가이드의 @task({expected}))");
    match class.tasks.iter().find(|(task, _)| task == item) {
        None => Some((
            format!("TodoUser의 tasks()에 {item} 작업이 없어서 한 번도 실행되지 않아요 — {wanted}"),
            true,
        )),
        Some((_, 0)) => Some((
            format!("TodoUser의 tasks()에서 {item}의 가중치가 0이라 한 번도 실행되지 않아요 — {wanted}"),
            true,
        )),
        Some(&(_, weight)) if weight != expected => Some((
            format!(
                "TodoUser의 tasks()에서 {item}의 가중치: {weight} — {wanted}. 가중치가 요청 비율을 정해요"
            ),
            false,
        )),
        Some(_) => None,
    }
}

fn plan(class: &'static str, tasks: &[&'static str], users: usize, millis: u64, time_scale: f64) -> Plan {
    Plan {
        class,
        tasks: tasks.to_vec(),
        users,
        run_time: Duration::from_millis(millis),
        time_scale,
        faults: Faults::default(),
        stop_timeout: Duration::ZERO,
    }
}

/// Grades one item.
pub async fn check(scenarios: &Scenarios, item: &str) -> anyhow::Result<Verdict> {
    let Some(item) = GRADED_ITEMS.iter().copied().find(|known| *known == item) else {
        anyhow::bail!("코드로 채점하는 항목이 아니에요: '{item}' (있는 항목: {})", GRADED_ITEMS.join(", "))
    };
    let with_faults = |mut plan: Plan, error_rate: f64, vanish_rate: f64| {
        plan.faults = Faults { error_rate, vanish_rate };
        plan
    };
    let plan = match item {
        "create_todo" => plan("TodoUser", &["create_todo"], 2, 1500, FAST),
        "list_todos" => plan("TodoUser", &["create_todo", "list_todos"], 2, 1500, FAST),
        "get_single_todo" => plan("TodoUser", &["create_todo", "get_single_todo"], 2, 1500, FAST),
        "update_todo" => {
            with_faults(plan("TodoUser", &["create_todo", "update_todo"], 3, 2500, FAST), 0.1, 0.3)
        }
        "delete_todo" => with_faults(
            plan("TodoUser", &["create_todo", "get_single_todo", "delete_todo"], 3, 2500, FAST),
            0.1,
            0.2,
        ),
        "mixed_workload" => plan("MixedWorkloadUser", &[], 2, 2000, FAST),
        "stress_user" => plan("StressTestUser", &[], 2, 3000, 1.0),
        "setup_user" => {
            Plan { stop_timeout: Duration::from_secs(3), ..plan("SetupUser", &[], 3, 1500, FAST) }
        }
        "spike_shape" => return check_spike(scenarios).await,
        "release_gate" => return check_release(scenarios).await,
        _ => unreachable!("listed in GRADED_ITEMS"),
    };
    let observation = match observe(scenarios, &plan).await? {
        Ok(observation) => observation,
        Err(Unobservable::UnknownClass(class)) => {
            return Ok(Verdict::failed(
                item,
                format!(
                    "사용자 클래스 {class}를 찾을 수 없어요 — exercises/main.rs의 user_classes()에 있어야 해요"
                ),
            ));
        }
        Err(Unobservable::Broken(message)) => return Ok(Verdict::failed(item, message)),
    };
    let weight = weight_problem(&observation, item);
    if let Some((problem, true)) = weight {
        return Ok(Verdict::failed(item, problem));
    }
    let mut verdict = match item {
        "create_todo" => check_create(&observation),
        "list_todos" => check_list(&observation),
        "get_single_todo" => check_get_single(&observation),
        "update_todo" => check_update(&observation),
        "delete_todo" => check_delete(&observation),
        "mixed_workload" => check_mixed(&observation),
        "stress_user" => check_stress(&observation, &plan),
        "setup_user" => check_setup(&observation),
        _ => unreachable!("listed in GRADED_ITEMS"),
    };
    if let Some((problem, _)) = weight {
        verdict.problems.insert(0, problem);
        verdict.status = Status::Failed;
    }
    Ok(verdict)
}

fn not_started(observation: &Observation, task: &str) -> bool {
    observation
        .result
        .exceptions
        .iter()
        .any(|e| e.task == task && e.message.starts_with("not yet implemented"))
}

/// Panics other than `todo!()` inside `task`, as problems.
fn panics(observation: &Observation, task: &str) -> Vec<String> {
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

fn lines_of<'a>(observation: &'a Observation, task: &str, method: &str) -> Vec<&'a TraceLine> {
    observation.trace.iter().filter(|line| line.task == task && line.method == method).collect()
}

/// `200×48, 404×20, 500×7`.
fn status_summary(lines: &[&TraceLine]) -> String {
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for line in lines {
        *counts.entry(line.status).or_default() += 1;
    }
    counts.iter().map(|(status, count)| format!("{status}×{count}")).collect::<Vec<_>>().join(", ")
}

/// Ids each user created, with when the creating request started.
fn created_ids(observation: &Observation) -> HashMap<usize, Vec<(f64, i64)>> {
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
fn owned_before(created: &HashMap<usize, Vec<(f64, i64)>>, user: usize, id: i64, t: f64) -> bool {
    created.get(&user).is_some_and(|ids| ids.iter().any(|&(at, own)| own == id && at <= t))
}

/// Requests must land in one statistics row, not one per id.
fn naming_problem(lines: &[&TraceLine], label: &str, expected: &str) -> Option<String> {
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
fn marking_problems(lines: &[&TraceLine], label: &str, success_statuses: &[u16]) -> Vec<String> {
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

fn ownership_problems(
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
fn task_requests<'a>(
    observation: &'a Observation,
    item: &'static str,
    method: &str,
) -> Result<(Vec<&'a TraceLine>, Vec<String>), Verdict> {
    if not_started(observation, item) {
        return Err(Verdict::not_started(item, item));
    }
    Ok((lines_of(observation, item, method), panics(observation, item)))
}

fn check_create(observation: &Observation) -> Verdict {
    const ITEM: &str = "create_todo";
    let (posts, mut problems) = match task_requests(observation, ITEM, "POST") {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    if posts.is_empty() {
        problems.push("POST /todos/ 요청이 없었어요 — 기대: 작업마다 TODO 하나 생성".to_string());
    }
    let not_created = posts.iter().filter(|line| line.status != 201).count();
    if not_created > 0 {
        problems.push(format!(
            "생성 요청 {not_created}건이 201이 아니었어요 ({}) — 기대: 올바른 본문으로 201 Created",
            status_summary(&posts)
        ));
    }
    if posts.iter().any(|line| line.path.split('?').next() != Some("/todos/")) {
        problems.push("생성 요청이 /todos/ 가 아닌 곳으로 갔어요 — 기대: POST /todos/".to_string());
    }
    problems.extend(naming_problem(&posts, "생성", "/todos/ [POST - Create]"));
    Verdict::judge(ITEM, problems, format!("POST {}건: {}", posts.len(), status_summary(&posts)))
}

fn check_list(observation: &Observation) -> Verdict {
    const ITEM: &str = "list_todos";
    let (gets, mut problems) = match task_requests(observation, ITEM, "GET") {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    if gets.is_empty() {
        problems.push("GET /todos/ 요청이 없었어요 — 기대: 목록 조회".to_string());
    }
    if let Some(line) =
        gets.iter().find(|line| !line.path.starts_with("/todos/") || todo_id(&line.path).is_some())
    {
        problems
            .push(format!("목록이 아닌 곳을 조회했어요 ({}) — 기대: GET /todos/?skip=…&limit=…", line.path));
    }
    let failed = gets.iter().filter(|line| line.failure.is_some()).count();
    if failed > 0 {
        problems.push(format!("목록 조회 {failed}건이 실패했어요 ({}) — 기대: 200", status_summary(&gets)));
    }
    problems.extend(naming_problem(&gets, "목록 조회", "/todos/ [GET - List]"));
    Verdict::judge(ITEM, problems, format!("GET {}건: {}", gets.len(), status_summary(&gets)))
}

fn check_get_single(observation: &Observation) -> Verdict {
    const ITEM: &str = "get_single_todo";
    let (gets, mut problems) = match task_requests(observation, ITEM, "GET") {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let created = created_ids(observation);
    if gets.is_empty() {
        problems.push("GET /todos/{id} 요청이 없었어요 — 기대: 만든 TODO 중 하나를 조회 (create_todo가 id를 모으는지도 확인하세요)".to_string());
    }
    problems.extend(ownership_problems(&gets, &created, "조회"));
    problems.extend(marking_problems(&gets, "조회", &[200, 404]));
    problems.extend(naming_problem(&gets, "개별 조회", "/todos/{id} [GET - Single]"));
    Verdict::judge(ITEM, problems, format!("GET {}건: {}", gets.len(), status_summary(&gets)))
}

fn check_update(observation: &Observation) -> Verdict {
    const ITEM: &str = "update_todo";
    let (puts, mut problems) = match task_requests(observation, ITEM, "PUT") {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let created = created_ids(observation);
    if puts.is_empty() {
        problems.push("PUT 요청이 한 번도 없었어요 — 기대: 만든 TODO가 있으면 PUT /todos/{id}".to_string());
        return Verdict::judge(ITEM, problems, String::new());
    }
    let other = observation.trace.iter().filter(|line| line.task == ITEM && line.method != "PUT").count();
    if other > 0 {
        problems.push(format!(
            "update_todo가 PUT이 아닌 요청을 {other}번 보냈어요 — 기대: PUT /todos/{{id}} 하나"
        ));
    }
    problems.extend(ownership_problems(&puts, &created, "PUT"));
    let invalid = puts.iter().filter(|line| line.status == 422).count();
    if invalid > 0 {
        problems.push(format!(
            "PUT 본문이 잘못되어 422가 {invalid}번 돌아왔어요 — 기대: title(1~100자 문자열)과 completed(true/false)를 담은 JSON"
        ));
    }
    problems.extend(marking_problems(&puts, "PUT", &[200, 404]));
    problems.extend(naming_problem(&puts, "PUT", "/todos/{id} [PUT - Update]"));
    problems.extend(coverage_problem(&puts, "PUT"));
    Verdict::judge(ITEM, problems, format!("PUT {}건: {}", puts.len(), status_summary(&puts)))
}

/// The fault-injecting server makes 404s and 500s happen; a run too short to see both cannot
/// prove how they are counted.
fn coverage_problem(lines: &[&TraceLine], label: &str) -> Option<String> {
    let saw_404 = lines.iter().any(|line| line.status == 404);
    let saw_500 = lines.iter().any(|line| line.status >= 500);
    (!saw_404 || !saw_500).then(|| {
        format!(
            "{label} 요청이 {}건뿐이라 404·500 처리를 확인하지 못했어요 — 대기 시간이나 가중치를 바꾸지 않았는지 확인하고 다시 채점하세요",
            lines.len()
        )
    })
}

fn check_delete(observation: &Observation) -> Verdict {
    const ITEM: &str = "delete_todo";
    let (deletes, mut problems) = match task_requests(observation, ITEM, "DELETE") {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let created = created_ids(observation);
    if deletes.is_empty() {
        problems
            .push("DELETE 요청이 한 번도 없었어요 — 기대: 만든 TODO가 있으면 DELETE /todos/{id}".to_string());
        return Verdict::judge(ITEM, problems, String::new());
    }
    problems.extend(ownership_problems(&deletes, &created, "DELETE"));
    problems.extend(marking_problems(&deletes, "DELETE", &[204, 404]));
    // After a 204, the same user must never touch that id again.
    let mut revisits = 0;
    let mut example = String::new();
    for deleted in deletes.iter().filter(|line| line.status == 204) {
        let id = todo_id(&deleted.path);
        for later in observation.trace.iter().filter(|line| line.user == deleted.user && line.t > deleted.t) {
            if todo_id(&later.path) == id {
                revisits += 1;
                if example.is_empty() {
                    example = format!("{} {}", later.method, later.path);
                }
            }
        }
    }
    if revisits > 0 {
        problems.push(format!(
            "삭제(204)한 TODO에 다시 요청을 {revisits}번 보냈어요 (예: {example}) — 기대: 204를 받으면 그 id를 created_todo_ids에서 빼기"
        ));
    }
    problems.extend(naming_problem(&deletes, "DELETE", "/todos/{id} [DELETE]"));
    problems.extend(coverage_problem(&deletes, "DELETE"));
    Verdict::judge(ITEM, problems, format!("DELETE {}건: {}", deletes.len(), status_summary(&deletes)))
}

/// The shape of one workflow step, for comparing orders.
fn step_label(line: &TraceLine) -> String {
    let path = line.path.split('?').next().unwrap_or("");
    let target = if todo_id(path).is_some() { "/todos/{id}" } else { path };
    format!("{} {target}", line.method)
}

const WORKFLOW: [&str; 6] =
    ["POST /todos/", "POST /todos/", "POST /todos/", "GET /todos/", "PUT /todos/{id}", "DELETE /todos/{id}"];

fn check_mixed(observation: &Observation) -> Verdict {
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
fn shown(id: Option<i64>) -> String {
    id.map_or_else(|| "없음".to_string(), |id| id.to_string())
}

const DESCRIPTION_LIMIT: usize = 500;
const LARGE_DESCRIPTION: usize = 200;

fn check_stress(observation: &Observation, plan: &Plan) -> Verdict {
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
            "사용자 한 명이 초당 {per_user:.1}건만 보냈어요 — 기대: 대기를 최소로 줄여 초당 2건 이상"
        ));
    }
    Verdict::judge(
        ITEM,
        problems,
        format!("POST {}건, 사용자당 초당 {per_user:.1}건, description 최대 {longest}자", requests.len()),
    )
}

fn check_setup(observation: &Observation) -> Verdict {
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

/// Shape limits the spike exercise asks for.
const SPIKE_PEAK: usize = 200;
const SPIKE_BASELINE_MAX: usize = 20;
const SPIKE_MIN_RATE: f64 = 100.0;
const SPIKE_MAX_SECONDS: u64 = 180;

async fn check_spike(scenarios: &Scenarios) -> anyhow::Result<Verdict> {
    const ITEM: &str = "spike_shape";
    let profile = match super::observe::observe_shape(scenarios, "SpikeShape", SPIKE_MAX_SECONDS + 60).await?
    {
        Ok(profile) => profile,
        Err(Unobservable::UnknownClass(_)) => {
            return Ok(Verdict::failed(
                ITEM,
                "SpikeShape을 찾을 수 없어요 — exercises/main.rs의 shapes()에 있어야 해요".to_string(),
            ));
        }
        Err(Unobservable::Broken(message)) if message.contains("not yet implemented") => {
            return Ok(Verdict::not_started(ITEM, "SpikeShape::tick"));
        }
        Err(Unobservable::Broken(message)) => return Ok(Verdict::failed(ITEM, message)),
    };
    Ok(judge_spike(&profile))
}

/// Judges a spike: a low start, a jump to the peak within 2 s, a hold, a fall back, an end.
fn judge_spike(profile: &[(u64, usize, f64)]) -> Verdict {
    const ITEM: &str = "spike_shape";
    let mut problems = Vec::new();
    let users: Vec<usize> = profile.iter().map(|(_, users, _)| *users).collect();
    let describe = || {
        let mut points: Vec<String> = Vec::new();
        for (second, users, _) in profile {
            if points.last().is_none_or(|last| !last.ends_with(&format!("{users}명"))) {
                points.push(format!("{second}초 {users}명"));
            }
        }
        points.join(" → ")
    };
    if profile.is_empty() {
        return Verdict::failed(ITEM, "0초에 바로 None을 돌려 테스트가 시작하자마자 끝나요".to_string());
    }
    if users[0] > SPIKE_BASELINE_MAX {
        problems.push(format!(
            "처음부터 {}명이에요 — 기대: 평소 부하({SPIKE_BASELINE_MAX}명 이하)로 시작",
            users[0]
        ));
    }
    let peak_at = users.iter().position(|&u| u >= SPIKE_PEAK);
    let peak = users.iter().copied().max().unwrap_or(0);
    match peak_at {
        None => problems.push(format!("가장 많을 때가 {peak}명이에요 — 기대: {SPIKE_PEAK}명까지 급증")),
        Some(at) => {
            let rate = profile[at].2;
            if rate < SPIKE_MIN_RATE {
                problems.push(format!(
                    "{SPIKE_PEAK}명으로 올릴 때 초당 {rate}명씩 띄워요 — 기대: 초당 {SPIKE_MIN_RATE}명 이상 (급증이어야 해요)"
                ));
            }
            let held = users[at..].iter().take_while(|&&u| u >= SPIKE_PEAK).count();
            if held < 5 {
                problems.push(format!("{SPIKE_PEAK}명을 {held}초만 유지해요 — 기대: 5초 이상"));
            }
            let after = &users[at + held..];
            let recovered = after.iter().take_while(|&&u| u <= SPIKE_BASELINE_MAX).count();
            if after.first().is_none_or(|&u| u > SPIKE_BASELINE_MAX) {
                problems.push(format!(
                    "급증 뒤에 평소 부하({SPIKE_BASELINE_MAX}명 이하)로 돌아오지 않아요 — 관찰: {}",
                    describe()
                ));
            } else if recovered < 5 {
                problems.push(format!("급감 뒤 {recovered}초 만에 끝나요 — 기대: 회복을 5초 이상 지켜보기"));
            }
        }
    }
    let last_second = profile.last().map_or(0, |(second, _, _)| *second);
    if last_second >= SPIKE_MAX_SECONDS {
        problems.push(format!("{SPIKE_MAX_SECONDS}초가 지나도 끝나지 않아요 — 기대: 3분 안에 None으로 종료"));
    }
    Verdict::judge(ITEM, problems, describe())
}

/// A made-up run with the given p95, failure share and throughput (10,000 requests).
fn synthetic_result(p95_ms: f64, failure_ratio: f64, rps: f64) -> crate::engine::RunResult {
    use crate::engine::stats::{RequestRecord, RunSettings, StatsCollector};
    const REQUESTS: usize = 10_000;
    let collector = StatsCollector::default();
    let failures = (failure_ratio * REQUESTS as f64).round() as usize;
    for index in 0..REQUESTS {
        // 95 % at the p95 value, the slowest 5 % at twice it.
        let ms = if index < REQUESTS * 95 / 100 { p95_ms } else { p95_ms * 2.0 };
        collector.record(&RequestRecord {
            user_id: 0,
            task: "synthetic",
            method: "GET".into(),
            path: "/todos/".into(),
            name: "/todos/".into(),
            status: if index < failures { 500 } else { 200 },
            started: std::time::Instant::now(),
            elapsed: Duration::from_secs_f64(ms / 1000.0),
            content_length: 100,
            failure: (index < failures).then(|| "HTTPError: 500".to_string()),
            traced: None,
        });
    }
    let duration = REQUESTS as f64 / rps;
    let summary = collector.summarize(duration);
    let now = chrono::Utc::now();
    crate::engine::RunResult {
        loadlab_version: env!("CARGO_PKG_VERSION").to_string(),
        settings: RunSettings {
            users: 100,
            spawn_rate: 10.0,
            run_time: Some(duration),
            host: String::new(),
            classes: Vec::new(),
            shape: None,
            time_scale: 1.0,
            embedded_server: false,
        },
        start_time: now,
        end_time: now,
        duration,
        interrupted: false,
        stats: summary.stats,
        total: summary.total,
        errors: summary.errors,
        exceptions: summary.exceptions,
        history: Vec::new(),
        generator: Default::default(),
    }
}

async fn check_release(scenarios: &Scenarios) -> anyhow::Result<Verdict> {
    const ITEM: &str = "release_gate";
    let text = match super::observe::observe_release_criteria(scenarios).await? {
        Ok(text) => text,
        Err(Unobservable::Broken(message)) if message.contains("not yet implemented") => {
            return Ok(Verdict::not_started(ITEM, "release_criteria"));
        }
        Err(Unobservable::Broken(message) | Unobservable::UnknownClass(message)) => {
            return Ok(Verdict::failed(ITEM, message));
        }
    };
    Ok(judge_release(&text))
}

/// Judges release criteria by what they let through: healthy releases pass, and each of the
/// guide's three limits stops a release that breaks it.
fn judge_release(text: &str) -> Verdict {
    const ITEM: &str = "release_gate";
    let criteria = match crate::report::thresholds::parse(text) {
        Ok(criteria) => criteria,
        Err(error) => {
            return Verdict::failed(ITEM, format!("기준을 읽을 수 없어요: \"{text}\" ({error})"));
        }
    };
    let passes = |p95: f64, failure: f64, rps: f64| {
        let verdicts = crate::report::thresholds::evaluate(&criteria, &synthetic_result(p95, failure, rps));
        let failed: Vec<String> =
            verdicts.iter().filter(|v| !v.passed).map(|v| v.criterion.text.clone()).collect();
        (failed.is_empty(), failed)
    };
    let mut problems = Vec::new();
    for (p95, failure, rps) in [(300.0, 0.0, 80.0), (480.0, 0.0005, 55.0)] {
        let (ok, failed) = passes(p95, failure, rps);
        if !ok {
            problems.push(format!(
                "기준이 너무 엄격해요: p95 {p95}ms · 실패율 {}% · {rps} req/s인 문제없는 출시를 막았어요 (걸린 기준: {}) — 기대: 가이드의 세 기준만",
                failure * 100.0,
                failed.join(", ")
            ));
        }
    }
    for (p95, failure, rps, what) in [
        (700.0, 0.0, 80.0, "p95가 700ms인 출시를 통과시켰어요 — 기대: p95 500ms 미만을 요구"),
        (300.0, 0.005, 80.0, "실패율이 0.5%인 출시를 통과시켰어요 — 기대: 실패율 0.1% 미만을 요구"),
        (300.0, 0.0, 30.0, "RPS가 30인 출시를 통과시켰어요 — 기대: RPS 50 초과를 요구"),
    ] {
        if passes(p95, failure, rps).0 {
            problems.push(what.to_string());
        }
    }
    Verdict::judge(ITEM, problems, format!("기준: {text}"))
}
