//! StressTestUser — 대기 시간을 최소로 줄이고 큰 TODO를 대량으로 만드는 스트레스 사용자.

use loadlab::prelude::*;

/// API의 description 한도(500자)를 넘지 않는 큰 본문
const LARGE_DESCRIPTION_CHARS: usize = 480;

#[derive(Default)]
pub struct StressTestUser;

impl User for StressTestUser {
    fn wait_time() -> WaitTime {
        between(0.1, 0.5)
    }

    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, create_many_todos)]
    }
}

/// 큰 description을 가진 TODO를 쉬지 않고 만들어요.
pub async fn create_many_todos(_user: &mut StressTestUser, client: &Client) {
    let body = json!({
        "title": format!("스트레스 {}", randint(1, 1_000_000)),
        "description": random_string(LARGE_DESCRIPTION_CHARS),
        "completed": false,
    });
    client.post("/todos/").json(&body).name("/todos/ [POST - Stress]").send().await;
}
