//! The TodoUser tasks of the guide's locustfile — create, list, get one, update, delete — each
//! judged from its own requests in a run against a fresh (and, for update and delete, faulty)
//! lab server.

use super::Verdict;
use super::evidence::*;
use crate::engine::stats::TraceLine;
use crate::grader::observe::{Observation, todo_id};

pub(super) fn check_create(observation: &Observation) -> Verdict {
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

pub(super) fn check_list(observation: &Observation) -> Verdict {
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

pub(super) fn check_get_single(observation: &Observation) -> Verdict {
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

pub(super) fn check_update(observation: &Observation) -> Verdict {
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
pub(super) fn coverage_problem(lines: &[&TraceLine], label: &str) -> Option<String> {
    let saw_404 = lines.iter().any(|line| line.status == 404);
    let saw_500 = lines.iter().any(|line| line.status >= 500);
    (!saw_404 || !saw_500).then(|| {
        format!(
            "{label} 요청이 {}건뿐이라 404·500 처리를 확인하지 못했어요 — 대기 시간이나 가중치를 바꾸지 않았는지 확인하고 다시 채점하세요",
            lines.len()
        )
    })
}

pub(super) fn check_delete(observation: &Observation) -> Verdict {
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
