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
    // TODO: update_todo를 완성하세요.
    //  1. 만든 TODO가 없으면 아무것도 하지 않고 return해요. (힌트: choose(&user.created_todo_ids))
    //  2. 제목과 completed를 바꾸는 JSON 본문을 만들어요. (json!, randint, random_bool)
    //  3. PUT /todos/{id}를 보내되, 통계가 id마다 따로 쌓이지 않게 .name("/todos/{id} [PUT - Update]")
    //  4. 200과 404(이미 지워진 TODO)는 response.success(), 그 밖의 코드는 response.failure(..)
    todo!("update_todo를 완성하세요 — 힌트: cargo run --release -- hint update_todo")
}

/// TODO 삭제 시나리오
pub async fn delete_todo(user: &mut TodoUser, client: &Client) {
    // TODO: delete_todo를 완성하세요.
    //  1. 만든 TODO가 없으면 return해요.
    //  2. DELETE /todos/{id}를 .name("/todos/{id} [DELETE]")로 보내요.
    //  3. 204면 그 id를 user.created_todo_ids에서 빼고(다시는 쓰지 않도록) success()
    //  4. 404(이미 지워짐)도 success(), 그 밖의 코드는 failure(..)
    todo!("delete_todo를 완성하세요 — 힌트: cargo run --release -- hint delete_todo")
}
