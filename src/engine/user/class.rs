//! [`UserClass`]: a [`User`] type erased into what the engine spawns from, with what graders
//! and reports need to know about it (name, weight, wait time, tasks).

use std::sync::Arc;

use futures::future::BoxFuture;

use super::life::live;
use super::scenario::{User, last_path_segment};
use crate::engine::context::UserContext;
use crate::engine::wait_time::WaitTime;

type Spawner = dyn Fn(UserContext) -> BoxFuture<'static, ()> + Send + Sync;

/// A user class the engine can spawn, with what graders and reports need to know about it.
#[derive(Clone)]
pub struct UserClass {
    pub name: &'static str,
    pub weight: u32,
    pub wait_time: WaitTime,
    /// `(task name, weight)` in declaration order.
    pub tasks: Vec<(&'static str, u32)>,
    spawn: Arc<Spawner>,
}

impl UserClass {
    /// The class for user type `U`, named after the type (`TodoUser`).
    pub fn of<U: User>() -> Self {
        UserClass {
            name: last_path_segment(std::any::type_name::<U>()),
            weight: U::weight(),
            wait_time: U::wait_time(),
            tasks: U::tasks().iter().map(|task| (task.name, task.weight)).collect(),
            spawn: Arc::new(|context| Box::pin(live::<U>(context))),
        }
    }

    /// The same class under another name (a test fixture standing in for `TodoUser`).
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    pub(crate) fn spawn(&self, context: UserContext) -> BoxFuture<'static, ()> {
        (self.spawn)(context)
    }
}

impl std::fmt::Debug for UserClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserClass")
            .field("name", &self.name)
            .field("weight", &self.weight)
            .field("wait_time", &self.wait_time)
            .field("tasks", &self.tasks)
            .finish()
    }
}
