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
        // TODO: 준비 단계를 완성하세요.
        //  POST /todos/ 로 TODO 3개를 만들고, 응답의 id를 self.own_todo_ids에 모아 두세요.
        todo!("on_start를 완성하세요 — 힌트: cargo run --release -- hint setup_user")
    }

    /// 끝날 때 한 번: 만든 TODO를 모두 지워 서버를 처음처럼 돌려놔요.
    async fn on_stop(&mut self, client: &Client) {
        // TODO: 정리 단계를 완성하세요.
        //  self.own_todo_ids의 TODO를 모두 DELETE /todos/{id} 로 지우세요.
        todo!("on_stop을 완성하세요 — 힌트: cargo run --release -- hint setup_user")
    }
}

/// 준비해 둔 내 TODO 중 하나를 읽어요. (완성된 예시)
pub async fn read_own_todo(user: &mut SetupUser, client: &Client) {
    let Some(&id) = choose(&user.own_todo_ids) else { return };
    client.get(format!("/todos/{id}")).name("/todos/{id} [GET - Own]").send().await;
}
