//! TodoUser — 가이드 locustfile의 기본 사용자: 생성(3) · 목록(2) · 조회(1) · 수정(1) · 삭제(1).

use loadlab::prelude::*;

#[derive(Default)]
pub struct TodoUser {
    /// 이 사용자가 만든 TODO의 id (수정·삭제는 자기 것만 건드려요)
    pub created_todo_ids: Vec<i64>,
}

impl User for TodoUser {
    fn wait_time() -> WaitTime {
        between(1, 3)
    }

    fn tasks() -> Vec<Task<Self>> {
        vec![
            task(3, create_todo),
            task(2, list_todos),
            task(1, get_single_todo),
            task(1, update_todo),
            task(1, delete_todo),
        ]
    }

    /// 시작할 때 서버가 살아 있는지 확인해요.
    async fn on_start(&mut self, client: &Client) {
        client.get("/health").send().await;
    }
}

/// TODO 생성 (가중치 3) — 완성된 예시
pub async fn create_todo(user: &mut TodoUser, client: &Client) {
    let body = json!({
        "title": format!("할 일 {}", randint(1, 1000)),
        "description": "부하 테스트로 만든 TODO",
        "completed": false,
    });
    let response = client.post("/todos/").json(&body).name("/todos/ [POST - Create]").send().await;
    if response.status() == 201
        && let Some(id) = response.json::<Value>().and_then(|todo| todo["id"].as_i64())
    {
        user.created_todo_ids.push(id);
    }
}

/// 목록 조회 (가중치 2) — 완성된 예시
pub async fn list_todos(_user: &mut TodoUser, client: &Client) {
    client
        .get("/todos/")
        .query("skip", randint(0, 10))
        .query("limit", randint(10, 50))
        .name("/todos/ [GET - List]")
        .send()
        .await;
}

/// 개별 조회 (가중치 1) — 완성된 예시
pub async fn get_single_todo(user: &mut TodoUser, client: &Client) {
    let Some(&todo_id) = choose(&user.created_todo_ids) else { return };
    let response = client.get(format!("/todos/{todo_id}")).name("/todos/{id} [GET - Single]").send().await;
    match response.status() {
        200 | 404 => response.success(),
        code => response.failure(format!("조회 실패: {code}")),
    }
}

/// TODO 수정 시나리오
pub async fn update_todo(user: &mut TodoUser, client: &Client) {
    let Some(&todo_id) = choose(&user.created_todo_ids) else { return };
    let body = json!({
        "title": format!("수정된 제목 {}", randint(1, 1000)),
        "completed": random_bool(),
    });
    let response =
        client.put(format!("/todos/{todo_id}")).json(&body).name("/todos/{id} [PUT - Update]").send().await;
    match response.status() {
        200 | 404 => response.success(), // 404: 이미 삭제된 TODO
        code => response.failure(format!("수정 실패: {code}")),
    }
}

/// TODO 삭제 시나리오
pub async fn delete_todo(user: &mut TodoUser, client: &Client) {
    let Some(&todo_id) = choose(&user.created_todo_ids) else { return };
    let response = client.delete(format!("/todos/{todo_id}")).name("/todos/{id} [DELETE]").send().await;
    match response.status() {
        204 | 404 => {
            // 지워졌으니(또는 이미 없으니) 다시는 이 id를 쓰지 않아요.
            user.created_todo_ids.retain(|&id| id != todo_id);
            response.success();
        }
        code => response.failure(format!("삭제 실패: {code}")),
    }
}
