//! What the engine's integration tests share about users and their results: a lab server with
//! its test routes (`/__test/delay/MS`) on a free loopback port, a row of a result by name, and
//! `get_user!` for the commonest user class, one task that sends one named GET.
//!
//! Promises: `row` panics with the rows it had when the name is missing, so a failing test
//! says what the run recorded.
#![allow(dead_code, unused_macros, unused_imports)]

use loadlab::engine::RunResult;
use loadlab::engine::stats::EndpointStats;
use loadlab::server::{LabServer, ServerConfig, start};

/// An in-memory lab server with the test routes, on a free loopback port.
pub async fn lab_server() -> LabServer {
    start(ServerConfig { test_routes: true, ..ServerConfig::in_memory() }).await.expect("lab server starts")
}

/// The statistics row of `name`.
pub fn row<'a>(result: &'a RunResult, name: &str) -> &'a EndpointStats {
    result
        .stats
        .iter()
        .find(|stats| stats.name == name)
        .unwrap_or_else(|| panic!("no row {name}: {:?}", result.stats))
}

/// `get_user!(User, task_fn, wait, "/path", "name")`: a user class whose one task sends
/// `GET /path` named `name`, with `wait` between tasks.
macro_rules! get_user {
    ($user:ident, $task:ident, $wait:expr, $path:expr, $name:expr) => {
        #[derive(Default)]
        struct $user;

        impl User for $user {
            fn wait_time() -> WaitTime {
                $wait
            }
            fn tasks() -> Vec<Task<Self>> {
                vec![task(1, $task)]
            }
        }

        async fn $task(_: &mut $user, client: &Client) {
            client.get($path).name($name).send().await;
        }
    };
}
pub(crate) use get_user;
