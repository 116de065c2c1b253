//! SpikeShape — 스파이크 테스트 (가이드 실습 4): 평소 → 순식간에 200명 → 다시 평소.
//!
//! 실행: cargo run --release -- run TodoUser --shape SpikeShape

use loadlab::prelude::*;

#[derive(Default)]
pub struct SpikeShape;

impl LoadShape for SpikeShape {
    /// 매초 불려서 (목표 사용자 수, 투입 속도)를 돌려주고, 끝낼 때는 None을 돌려줘요.
    /// 투입 속도는 사용자를 줄일 때의 속도이기도 해요.
    fn tick(&mut self, run_time: Duration) -> Option<(usize, f64)> {
        // TODO: 스파이크 모양을 만드세요 (Locust의 LoadTestShape.tick과 같아요).
        //  1. 처음 몇 초는 평소 부하: 20명 이하 (예: 10명)
        //  2. 갑자기 200명으로: 초당 100명 이상으로 띄워 2초 안에 도달하고, 5초 이상 유지
        //  3. 다시 평소 부하(20명 이하)로 빠르게 떨어뜨리고, 회복을 5초 이상 지켜봐요
        //  4. 3분 안에 None을 돌려 테스트를 끝내요
        //  힌트: match run_time.as_secs() { 0..10 => Some((10, 10.0)), ... _ => None }
        todo!("SpikeShape::tick을 완성하세요 — 힌트: cargo run --release -- hint spike_shape")
    }
}
