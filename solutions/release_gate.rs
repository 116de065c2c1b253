//! 출시 전 성능 검증 (가이드 실전 시나리오 1): CI가 자동으로 판정할 합격 기준.
//!
//! 사용: cargo run --release -- run TodoUser -u 100 -r 10 -t 1m --check release

/// `--check` 문법의 합격 기준: p95 500ms 미만, 에러율 0.1% 미만, 처리량 50 req/s 초과.
pub fn release_criteria() -> &'static str {
    "p95<500ms,fail<0.1%,rps>50"
}
