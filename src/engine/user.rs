//! The user side of the scenario API: the [`User`] trait a scenario struct implements, its weighted
//! [`Task`]s, [`WaitTime`]s, and [`UserClass`], the type-erased handle the engine spawns from.
//!
//! Locust's `class TodoUser(HttpUser)` becomes a struct implementing [`User`]; `@task(3)` becomes
//! `task(3, create_todo)`; `wait_time = between(1, 3)` becomes `fn wait_time() -> WaitTime`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::client::Client;

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

/// How long a user waits after each task.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WaitTime {
    /// A uniformly random pause in `min..=max` seconds (`between(min, max)`).
    Between { min: f64, max: f64 },
    /// Always the same pause (`constant(seconds)`).
    Constant { seconds: f64 },
    /// Paces the user to at most `per_second` tasks per second, whatever the task took
    /// (`constant_throughput(n)`).
    ConstantThroughput { per_second: f64 },
}

/// `between(min, max)`: seconds, integers or decimals.
pub fn between(min: impl Into<f64>, max: impl Into<f64>) -> WaitTime {
    WaitTime::Between { min: min.into(), max: max.into() }
}

/// `constant(seconds)`.
pub fn constant(seconds: impl Into<f64>) -> WaitTime {
    WaitTime::Constant { seconds: seconds.into() }
}

/// `constant_throughput(tasks_per_second)`.
pub fn constant_throughput(per_second: impl Into<f64>) -> WaitTime {
    WaitTime::ConstantThroughput { per_second: per_second.into() }
}

impl WaitTime {
    /// The pause after a task that took `task_took`, before scaling.
    pub fn next_pause(&self, task_took: Duration) -> Duration {
        let seconds = match *self {
            WaitTime::Between { min, max } => super::random::uniform(min, max),
            WaitTime::Constant { seconds } => seconds,
            WaitTime::ConstantThroughput { per_second } if per_second > 0.0 => {
                1.0 / per_second - task_took.as_secs_f64()
            }
            WaitTime::ConstantThroughput { .. } => 0.0,
        };
        // The scenario chose these numbers: a huge or NaN wait must not panic the user.
        crate::limits::saturating_seconds(seconds)
    }

    /// For a fixed-rate wait time (`constant_throughput`), how late the next task starts
    /// because this one took `task_took` at `time_scale`: the part of the task beyond its
    /// interval (zero when on time). `None` for wait times that set no rate.
    pub fn lateness(&self, task_took: Duration, time_scale: f64) -> Option<Duration> {
        match *self {
            WaitTime::ConstantThroughput { per_second } if per_second > 0.0 => {
                let interval = crate::limits::saturating_seconds(time_scale / per_second);
                Some(task_took.saturating_sub(interval))
            }
            _ => None,
        }
    }

    /// The largest pause this wait time can produce, in seconds (used by graders and explain).
    pub fn max_seconds(&self) -> f64 {
        match *self {
            WaitTime::Between { max, .. } => max,
            WaitTime::Constant { seconds } => seconds,
            WaitTime::ConstantThroughput { per_second } if per_second > 0.0 => 1.0 / per_second,
            WaitTime::ConstantThroughput { .. } => 0.0,
        }
    }

    /// The average pause, ignoring task time (the closed-loop model's think time).
    pub fn mean_seconds(&self) -> f64 {
        match *self {
            WaitTime::Between { min, max } => (min + max) / 2.0,
            other => other.max_seconds(),
        }
    }
}

impl std::fmt::Display for WaitTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            WaitTime::Between { min, max } => write!(f, "between({min}, {max})"),
            WaitTime::Constant { seconds } => write!(f, "constant({seconds})"),
            WaitTime::ConstantThroughput { per_second } => {
                write!(f, "constant_throughput({per_second})")
            }
        }
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

fn last_path_segment(path: &'static str) -> &'static str {
    path.rsplit("::").next().unwrap_or(path)
}

type Spawner = dyn Fn(super::life::UserContext) -> BoxFuture<'static, ()> + Send + Sync;

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
            spawn: Arc::new(|context| Box::pin(super::life::live::<U>(context))),
        }
    }

    /// The same class under another name (a test fixture standing in for `TodoUser`).
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    pub(crate) fn spawn(&self, context: super::life::UserContext) -> BoxFuture<'static, ()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_stays_within_bounds() {
        let wait = between(1, 3);
        for _ in 0..1000 {
            let pause = wait.next_pause(Duration::ZERO).as_secs_f64();
            assert!((1.0..=3.0).contains(&pause), "{pause}");
        }
    }

    #[test]
    fn constant_throughput_subtracts_task_time() {
        let wait = constant_throughput(2);
        assert_eq!(wait.next_pause(Duration::from_millis(100)), Duration::from_millis(400));
        assert_eq!(wait.next_pause(Duration::from_secs(2)), Duration::ZERO);
    }

    #[test]
    fn only_fixed_rate_users_run_late() {
        let paced = constant_throughput(10);
        assert_eq!(paced.lateness(Duration::from_millis(30), 1.0), Some(Duration::ZERO));
        assert_eq!(paced.lateness(Duration::from_millis(250), 1.0), Some(Duration::from_millis(150)));
        assert_eq!(between(1, 2).lateness(Duration::from_secs(5), 1.0), None);
        assert_eq!(constant(1).lateness(Duration::from_secs(5), 1.0), None);
    }

    #[test]
    fn wait_time_prints_like_locust() {
        assert_eq!(between(2, 5).to_string(), "between(2, 5)");
        assert_eq!(constant(0.5).to_string(), "constant(0.5)");
    }
}
