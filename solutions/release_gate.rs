//! 출시 전 성능 검증 (가이드 실전 시나리오 1): CI가 자동으로 판정할 합격 기준.
//!
//! 사용: cargo run --release -- run TodoUser -u 150 -r 50 -t 1m --check release
//! (TodoUser 100명으로는 RPS가 50을 넘을 수 없어서 RPS 기준에서 떨어져요. 10장을 보세요.)

/// `--check` 문법의 합격 기준: p95 500ms 미만, 실패율 0.1% 미만, 처리량 50 req/s 초과.
pub fn release_criteria() -> &'static str {
    "p95<500ms,fail<0.1%,rps>50"
}
