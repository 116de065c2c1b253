//! StressTestUser — 대기 시간을 최소로 줄이고 큰 TODO를 대량으로 만드는 스트레스 사용자.

use loadlab::prelude::*;

#[derive(Default)]
pub struct StressTestUser;

impl User for StressTestUser {
    fn wait_time() -> WaitTime {
        // TODO: 스트레스 사용자는 거의 쉬지 않아요. 대기 시간을 0.5초 이하로 줄이세요.
        between(1, 3)
    }

    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, create_many_todos)]
    }
}

/// 큰 description을 가진 TODO를 쉬지 않고 만들어요.
pub async fn create_many_todos(_user: &mut StressTestUser, client: &Client) {
    // TODO: 큰 TODO를 대량으로 만드세요.
    //  - POST /todos/에 200~500자의 긴 description을 보내요 (random_string(n)).
    //    API의 description 한도는 500자예요. 넘으면 422가 돌아와요!
    //  - 생성만 해요 (조회·수정·삭제 없음).
    todo!("create_many_todos를 완성하세요 — 힌트: cargo run --release -- hint stress_user")
}
