//! The boundary around each task of a virtual user: a panic inside a task is caught there
//! (not at the user's), with its message and source location for the exceptions table, while
//! panics anywhere else stay loud; and while a fixed-rate user's task is polled, its lateness
//! is at hand for the requests it records ([`current_lateness`]).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll};
use std::time::Duration;

/// How late the task being polled on this thread started (`None`: not a fixed-rate user).
pub(crate) fn current_lateness() -> Option<Duration> {
    LATENESS.with(Cell::get)
}

pub(crate) struct CaughtPanic {
    pub(crate) message: String,
    pub(crate) location: String,
}

thread_local! {
    static INSIDE_TASK: Cell<bool> = const { Cell::new(false) };
    /// While a fixed-rate user's task is polled: how late it started. Requests it records get
    /// a corrected latency from it (coordinated omission), with no change to the client.
    static LATENESS: Cell<Option<Duration>> = const { Cell::new(None) };
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Polls a task and turns a panic during any poll into an error instead of killing the user;
/// while polling, [`LATENESS`] holds the task's lateness.
pub(crate) struct CatchPanic<F> {
    pub(crate) inner: Pin<Box<F>>,
    pub(crate) lateness: Option<Duration>,
}

impl<F: Future<Output = ()>> Future for CatchPanic<F> {
    type Output = Result<(), CaughtPanic>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let was_inside = INSIDE_TASK.with(|flag| flag.replace(true));
        let was_late = LATENESS.with(|late| late.replace(self.lateness));
        let polled = std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.as_mut().poll(cx)));
        LATENESS.with(|late| late.set(was_late));
        INSIDE_TASK.with(|flag| flag.set(was_inside));
        match polled {
            Ok(Poll::Ready(())) => Poll::Ready(Ok(())),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => {
                let (message, location) =
                    LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap_or_else(|| {
                        let message = payload
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| payload.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "panic".to_string());
                        (message, "?".to_string())
                    });
                Poll::Ready(Err(CaughtPanic { message, location }))
            }
        }
    }
}

/// Keeps panics inside tasks quiet (they go to the exceptions table) and every other panic
/// loud, as before.
pub(crate) fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if INSIDE_TASK.with(Cell::get) {
                let message = info.payload_as_str().unwrap_or("panic").to_string();
                let location = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_default();
                LAST_PANIC.with(|last| *last.borrow_mut() = Some((message, location)));
            } else {
                previous(info);
            }
        }));
    });
}
