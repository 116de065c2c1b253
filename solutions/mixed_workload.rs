//! MixedWorkloadUser — 실제 사용자의 한 흐름: TODO 3개 생성 → 목록 → 첫 번째 완료 처리 → 삭제.

use loadlab::prelude::*;

#[derive(Default)]
pub struct MixedWorkloadUser;

impl User for MixedWorkloadUser {
    fn wait_time() -> WaitTime {
        between(2, 5)
    }

    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, complete_workflow)]
    }
}

/// 전체 워크플로우
pub async fn complete_workflow(_user: &mut MixedWorkloadUser, client: &Client) {
    // 1. TODO 3개 생성
    let mut todo_ids = Vec::new();
    for i in 0..3 {
        let body = json!({ "title": format!("워크플로우 TODO {i}"), "completed": false });
        let response = client.post("/todos/").json(&body).name("/todos/ [POST - Workflow]").send().await;
        if response.status() == 201
            && let Some(id) = response.json::<Value>().and_then(|todo| todo["id"].as_i64())
        {
            todo_ids.push(id);
        }
    }

    // 2. 목록 조회
    client.get("/todos/").name("/todos/ [GET - Workflow]").send().await;

    // 3. 첫 번째 TODO 완료 처리 → 4. 삭제
    let Some(&first) = todo_ids.first() else { return };
    client
        .put(format!("/todos/{first}"))
        .json(&json!({ "completed": true }))
        .name("/todos/{id} [PUT - Complete]")
        .send()
        .await;
    client.delete(format!("/todos/{first}")).name("/todos/{id} [DELETE - Workflow]").send().await;
}
