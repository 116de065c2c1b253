//! 여러분의 부하 테스트 시나리오 — 가이드의 `locustfile.py`에 해당해요.
//!
//! 채점:        cargo run --release -- check            (항목 하나만: check update_todo)
//! 실행:        cargo run --release -- run TodoUser -u 20 -r 5 -t 15s
//!
//! 이 파일들은 loadlab 본체와 따로 컴파일돼서, 쓰다 만 코드가 있어도 튜터는 그대로 동작해요.
//! Rust 문법이 낯설면: cargo run --release -- learn 13 (부록: 이 과정에 필요한 Rust)

// 아직 채우지 않은 `todo!()` 본문 때문에 생기는 경고는 숨겨요.
#![allow(unused_variables, unused_imports, unreachable_code)]

mod mixed_workload;
mod release_gate;
mod setup_user;
mod spike_shape;
mod stress_user;
mod todo_user;

use loadlab::prelude::*;

/// `run`이 실행하는 사용자 클래스들. 새 클래스를 만들었다면 파일 위에 `mod 파일이름;`을 쓰고
/// 여기에 `UserClass::of::<파일이름::클래스이름>()`을 더하세요.
fn user_classes() -> Vec<UserClass> {
    vec![
        UserClass::of::<todo_user::TodoUser>(),
        UserClass::of::<mixed_workload::MixedWorkloadUser>(),
        UserClass::of::<stress_user::StressTestUser>(),
        UserClass::of::<setup_user::SetupUser>(),
    ]
}

/// `run --shape 이름`으로 쓸 수 있는 부하 모양들.
fn shapes() -> Vec<ShapeClass> {
    vec![ShapeClass::of::<spike_shape::SpikeShape>()]
}

fn main() -> std::process::ExitCode {
    loadlab::cli::exercises_main(Workbook {
        classes: user_classes(),
        shapes: shapes(),
        release_criteria: release_gate::release_criteria,
    })
}
