//! SpikeShape — 스파이크 테스트 (가이드 실습 4): 평소 → 순식간에 200명 → 다시 평소.

use loadlab::prelude::*;

/// 평소 부하(명)
const BASELINE: usize = 10;
/// 급증했을 때(명)
const PEAK: usize = 200;

#[derive(Default)]
pub struct SpikeShape;

impl LoadShape for SpikeShape {
    /// 매초 불려서 (목표 사용자 수, 투입 속도)를 돌려주고, 끝낼 때는 None을 돌려줘요.
    /// 투입 속도는 사용자를 줄일 때의 속도이기도 해요.
    fn tick(&mut self, run_time: Duration) -> Option<(usize, f64)> {
        match run_time.as_secs() {
            0..10 => Some((BASELINE, 10.0)),   // 평소
            10..30 => Some((PEAK, 100.0)),     // 급증: 초당 100명씩, 2초 만에 200명
            30..45 => Some((BASELINE, 100.0)), // 급감: 회복하는지 지켜봐요
            _ => None,
        }
    }
}
