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
    // TODO: 실제 사용자의 한 흐름을 순서대로 보내세요.
    //  1. TODO 3개 생성 (POST /todos/), 201이면 응답의 id를 모아 둬요
    //  2. 목록 조회 (GET /todos/)
    //  3. 첫 번째로 만든 TODO를 완료 처리 (PUT /todos/{id}, {"completed": true})
    //  4. 그 TODO를 삭제 (DELETE /todos/{id})
    //  규칙: 경로에 id가 들어가는 요청(3, 4단계)에는 .name("/todos/{id} [...]")을 붙여
    //  통계표의 한 행으로 모으세요. 채점기가 확인해요.
    todo!("complete_workflow를 완성하세요 — 힌트: cargo run --release -- hint mixed_workload")
}
