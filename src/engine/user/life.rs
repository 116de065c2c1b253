//! One virtual user's life: `on_start`, then weighted tasks with waits until told to stop, then
//! `on_stop` — every user that started runs `on_stop`, whatever stopped it (time up, Ctrl-C,
//! a shape or a front end asking for fewer users), as Locust does. `stop_timeout` only bounds
//! how long the task in progress may go on first, and `on_stop` gets [`ON_STOP_LIMIT`].
//!
//! A panic inside a task is caught at the task boundary (not the user's), recorded with its
//! message and source location, and the user goes on with its next task, as Locust does.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::scenario::User;
use crate::engine::client::Client;
use crate::engine::context::UserContext;
use crate::engine::task_guard::CatchPanic;

/// How long a stopped user's `on_stop` may take before it is cut off.
pub const ON_STOP_LIMIT: Duration = Duration::from_secs(5);

/// One user's life: `on_start`, then weighted tasks with waits until told to stop, then
/// `on_stop` (also when the stop cut a task short).
pub(crate) async fn live<U: User>(context: UserContext) {
    let client = Client::new(Arc::clone(&context.shared), context.user_id);
    let mut user = U::default();
    let tasks: Vec<_> = U::tasks()
        .into_iter()
        .filter(|task| task.weight() > 0)
        .filter(|task| {
            context.task_filter.as_ref().is_none_or(|only| only.iter().any(|name| name == task.name()))
        })
        .collect();
    let wait_time = U::wait_time();
    let total_weight: u32 = tasks.iter().map(|task| task.weight()).sum();
    let mut stop = context.stop.clone();
    // For a fixed-rate user: how late the current task started (the previous one overran).
    let mut lateness = wait_time.lateness(Duration::ZERO, context.time_scale);

    client.set_task("on_start");
    let mut stopped = unless_stopped(
        &mut stop,
        context.stop_timeout,
        guarded(&context, "on_start", lateness, user.on_start(&client)),
    )
    .await;
    while !stopped {
        if *stop.borrow() {
            break;
        }
        if total_weight == 0 {
            // A class with no task to run only waits for the end, like an idle Locust user.
            let _ = stop.wait_for(|stop| *stop).await;
            break;
        }
        let mut pick = crate::engine::random::randint(0, total_weight as i64 - 1) as u32;
        let task = tasks
            .iter()
            .find(|task| {
                if pick < task.weight() {
                    true
                } else {
                    pick -= task.weight();
                    false
                }
            })
            .expect("pick is below the total weight");
        client.set_task(task.name());
        let began = Instant::now();
        let work = guarded(&context, task.name(), lateness, task.call(&mut user, &client));
        stopped = unless_stopped(&mut stop, context.stop_timeout, work).await;
        if stopped {
            break;
        }
        let took = began.elapsed();
        lateness = wait_time.lateness(took, context.time_scale);
        let pause = wait_time.next_pause(took).mul_f64(context.time_scale.max(0.0));
        if pause.is_zero() {
            // No wait: let other users and the runner's timer run once this user has used its
            // scheduling budget (a task that sent no request would otherwise never yield).
            tokio::task::consume_budget().await;
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|stop| *stop) => break,
        }
    }
    client.set_task("on_stop");
    let _ =
        tokio::time::timeout(ON_STOP_LIMIT, guarded(&context, "on_stop", None, user.on_stop(&client))).await;
}

/// Runs `work` to its end, or until `stop_timeout` after the user is told to stop; true when
/// the stop cut it short.
async fn unless_stopped(
    stop: &mut watch::Receiver<bool>,
    stop_timeout: Duration,
    work: impl Future<Output = ()>,
) -> bool {
    tokio::select! {
        _ = work => false,
        _ = async {
            // An error means the runner is gone: stop as well.
            let _ = stop.wait_for(|stop| *stop).await;
            tokio::time::sleep(stop_timeout).await;
        } => true,
    }
}

async fn guarded(
    context: &UserContext,
    task: &str,
    lateness: Option<Duration>,
    future: impl Future<Output = ()>,
) {
    if let Err(panic) = (CatchPanic { inner: Box::pin(future), lateness }).await {
        context.shared.stats.record_exception(context.class_name, task, &panic.message, &panic.location);
    }
}
