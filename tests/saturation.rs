//! The saturation finder against a server made to saturate at a known level: the lab server with
//! `pool-starvation` holds its single database session for `POOL_HOLD` (5 ms) of real work per
//! `/todos` request, so it serves at most 1 / POOL_HOLD = 200 such requests a second. A stress
//! shape steps users up past that; the finder must report the plateau there.
//!
//! Tolerance: the capacity it reports between half of and 5 % above 200 req/s (the ceiling only
//! drops when the machine is busy: the 5 ms of work stay 5 ms, everything around them slows),
//! and the user count where it says throughput stopped growing within two steps (10 users) of
//! where the closed-loop model puts that measured capacity.

use std::time::Duration;

use loadlab::engine::shape::{Schedule, Stage};
use loadlab::engine::{RunConfig, run};
use loadlab::explain::saturation;
use loadlab::prelude::*;
use loadlab::server::bottlenecks::POOL_HOLD;
use loadlab::server::{Bottleneck, ServerConfig, start};

const WAIT: f64 = 0.1;

#[derive(Default)]
struct Lister;

impl User for Lister {
    fn wait_time() -> WaitTime {
        constant(WAIT)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, list)]
    }
}

async fn list(_: &mut Lister, client: &Client) {
    client.get("/todos/?limit=5").name("/todos/").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_where_a_pool_of_one_saturates() {
    let server =
        start(ServerConfig { bottlenecks: vec![Bottleneck::PoolStarvation], ..ServerConfig::in_memory() })
            .await
            .unwrap();
    let step = 5;
    let mut stages = Vec::new();
    for users in (step..=50).step_by(step) {
        stages.push(Stage { users, duration: Duration::from_millis(200) });
        stages.push(Stage { users, duration: Duration::from_millis(2500) });
    }
    let mut config = RunConfig::new(vec![UserClass::of::<Lister>()], server.url(), 0, 1.0, Duration::ZERO);
    config.schedule = Schedule::stages(stages, "stress (test)");
    let result = run(config).await.unwrap();
    server.shutdown().await;

    let found = saturation::find(&result).expect("ten steps");
    let capacity = 1.0 / POOL_HOLD.as_secs_f64();
    let measured = found.capacity_rps.unwrap_or_else(|| panic!("no plateau found:\n{}", found.render()));
    assert!(
        (capacity * 0.5..=capacity * 1.05).contains(&measured),
        "capacity {measured:.0} vs {capacity:.0}:\n{}",
        found.render()
    );
    // Closed loop: each user asks once per (wait + response); at the first step responses are fast.
    let first = &found.steps[0];
    let cycle = first.users as f64 / first.requests_per_second;
    let predicted_users = measured * cycle;
    let plateau = found.throughput_plateau.as_ref().expect("a plateau").users as f64;
    assert!(
        (plateau - predicted_users).abs() <= 2.0 * step as f64,
        "plateau at {plateau} users, predicted {predicted_users:.0} (cycle {cycle:.3}s):\n{}",
        found.render()
    );
    assert!(found.p95_break.is_some(), "queueing behind one session lifts p95:\n{}", found.render());
}
