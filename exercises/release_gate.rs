//! 출시 전 성능 검증 (가이드 실전 시나리오 1): CI가 자동으로 판정할 합격 기준.
//!
//! 사용: cargo run --release -- run TodoUser -u 150 -r 50 -t 1m --check release
//! (TodoUser 100명으로는 RPS가 50을 넘을 수 없어서 RPS 기준에서 떨어져요. 10장을 보세요.)
//! 기준을 하나라도 못 맞추면 종료 코드가 3이 되어, CI가 배포를 멈출 수 있어요.

/// `--check` 문법의 합격 기준을 돌려줘요.
pub fn release_criteria() -> &'static str {
    // TODO: 가이드가 출시 전에 확인하라는 세 가지 기준을 --check 문법으로 적으세요.
    //  - p95 응답 시간이 500ms 미만
    //  - 실패율이 0.1% 미만
    //  - 처리량(RPS)이 50보다 큼
    //  문법: "지표<값,지표>값" — 지표는 p95, fail, rps …, 단위는 ms, s, % (예: "p99<1s,fail<1%")
    todo!("release_criteria를 완성하세요 — 힌트: cargo run --release -- hint release_gate")
}
