//! SetupUser — on_start로 준비하고 on_stop으로 치우는 사용자 (Locust의 on_start / on_stop).

use loadlab::prelude::*;

#[derive(Default)]
pub struct SetupUser {
    /// on_start에서 만든 이 사용자 전용 TODO
    own_todo_ids: Vec<i64>,
}

impl User for SetupUser {
    fn wait_time() -> WaitTime {
        between(1, 2)
    }

    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, read_own_todo)]
    }

    /// 시작할 때 한 번: 내 테스트 데이터 TODO 3개를 만들어 둬요.
    async fn on_start(&mut self, client: &Client) {
        for i in 0..3 {
            let body = json!({ "title": format!("준비 데이터 {i}") });
            let response = client.post("/todos/").json(&body).name("/todos/ [POST - Setup]").send().await;
            if let Some(id) = response.json::<Value>().and_then(|todo| todo["id"].as_i64()) {
                self.own_todo_ids.push(id);
            }
        }
    }

    /// 끝날 때 한 번: 만든 TODO를 모두 지워 서버를 처음처럼 돌려놔요.
    async fn on_stop(&mut self, client: &Client) {
        for id in self.own_todo_ids.drain(..) {
            client.delete(format!("/todos/{id}")).name("/todos/{id} [DELETE - Teardown]").send().await;
        }
    }
}

/// 준비해 둔 내 TODO 중 하나를 읽어요.
pub async fn read_own_todo(user: &mut SetupUser, client: &Client) {
    let Some(&id) = choose(&user.own_todo_ids) else { return };
    client.get(format!("/todos/{id}")).name("/todos/{id} [GET - Own]").send().await;
}
