//! The scenario's side of a user: the [`User`] trait a scenario struct implements and its
//! weighted [`Task`]s (`task(3, create_todo)` for Locust's `@task(3)`).

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::engine::client::Client;
use crate::engine::wait_time::{WaitTime, constant};

/// A virtual user: one struct per user class, holding that user's state.
///
/// Every item but [`User::tasks`] has Locust's default.
pub trait User: Default + Send + 'static {
    /// The task list with weights (`@task(N)`).
    fn tasks() -> Vec<Task<Self>>;

    /// Pause between two tasks (`wait_time`); Locust's default is no pause.
    fn wait_time() -> WaitTime {
        constant(0)
    }

    /// How many users of this class to spawn relative to the other classes (`weight = N`).
    fn weight() -> u32 {
        1
    }

    /// Runs once when the user starts, before its first task (`on_start`).
    fn on_start(&mut self, client: &Client) -> impl Future<Output = ()> + Send {
        let _ = client;
        async {}
    }

    /// Runs once when the user stops gracefully (`on_stop`).
    fn on_stop(&mut self, client: &Client) -> impl Future<Output = ()> + Send {
        let _ = client;
        async {}
    }
}

/// An `async fn(&mut U, &Client)` usable as a task. Implemented for every such `async fn`;
/// the lifetime parameter lets the returned future borrow the user and the client.
pub trait TaskFn<'a, U: 'a>: Send + Sync + 'static {
    type Output: Future<Output = ()> + Send + 'a;
    fn call_task(&self, user: &'a mut U, client: &'a Client) -> Self::Output;
}

impl<'a, U: 'a, F, Fut> TaskFn<'a, U> for F
where
    F: Fn(&'a mut U, &'a Client) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'a,
{
    type Output = Fut;
    fn call_task(&self, user: &'a mut U, client: &'a Client) -> Fut {
        self(user, client)
    }
}

trait ErasedTask<U>: Send + Sync {
    fn call<'a>(&'a self, user: &'a mut U, client: &'a Client) -> BoxFuture<'a, ()>;
}

struct FnTask<F>(F);

impl<U, F> ErasedTask<U> for FnTask<F>
where
    F: for<'a> TaskFn<'a, U>,
{
    fn call<'a>(&'a self, user: &'a mut U, client: &'a Client) -> BoxFuture<'a, ()> {
        Box::pin(self.0.call_task(user, client))
    }
}

/// One weighted task of a user class.
pub struct Task<U> {
    pub(crate) name: &'static str,
    pub(crate) weight: u32,
    run: Arc<dyn ErasedTask<U>>,
}

impl<U> Clone for Task<U> {
    fn clone(&self) -> Self {
        Task { name: self.name, weight: self.weight, run: Arc::clone(&self.run) }
    }
}

impl<U> Task<U> {
    /// The task's name: its function's name (`update_todo`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn weight(&self) -> u32 {
        self.weight
    }

    pub(crate) fn call<'a>(&'a self, user: &'a mut U, client: &'a Client) -> BoxFuture<'a, ()> {
        self.run.call(user, client)
    }
}

/// `@task(weight)`: registers `function` with a weight (0 disables it).
pub fn task<U, F>(weight: u32, function: F) -> Task<U>
where
    F: for<'a> TaskFn<'a, U>,
{
    Task { name: last_path_segment(std::any::type_name::<F>()), weight, run: Arc::new(FnTask(function)) }
}

pub(super) fn last_path_segment(path: &'static str) -> &'static str {
    path.rsplit("::").next().unwrap_or(path)
}
