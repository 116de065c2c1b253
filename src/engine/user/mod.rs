//! The user side of the scenario API: the [`User`] trait a scenario struct implements, its weighted
//! [`Task`]s, [`WaitTime`]s, and [`UserClass`], the type-erased handle the engine spawns from.
//!
//! Locust's `class TodoUser(HttpUser)` becomes a struct implementing [`User`]; `@task(3)` becomes
//! `task(3, create_todo)`; `wait_time = between(1, 3)` becomes `fn wait_time() -> WaitTime`.
//!
//! Inside: the scenario's trait (`scenario`), one user's life (`life`), and the class the
//! engine spawns from (`class`), each importing only the ones before it.

mod class;
pub(crate) mod life;
mod scenario;

pub use super::wait_time::{WaitTime, between, constant, constant_throughput};
pub use class::UserClass;
pub use scenario::{Task, TaskFn, User, task};
