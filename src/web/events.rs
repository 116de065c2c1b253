//! The live feed: Server-Sent Events on `GET /events`. Each connection gets a full picture
//! first, then, whenever the dashboard changes (the engine's observer reports twice a second)
//! or at least once a second, what it has not seen yet: the numbers of the moment, new history
//! points, the outcome once. The browser's `EventSource` reconnects by itself.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;

use super::dashboard::{Cursor, Dashboard};

/// Even an idle dashboard speaks this often, so the page can tell a live feed from a dead one.
const AT_LEAST_EVERY: Duration = Duration::from_secs(1);
/// Changes closer together than this share one event.
const AT_MOST_EVERY: Duration = Duration::from_millis(200);

pub async fn events(
    State(dashboard): State<Arc<Dashboard>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let changes = dashboard.subscribe();
    let stream = futures::stream::unfold(
        (dashboard, changes, Cursor::default(), true),
        |(dashboard, mut changes, mut cursor, first)| async move {
            if !first {
                tokio::time::sleep(AT_MOST_EVERY).await;
                // A dropped sender cannot happen while the dashboard lives; time out either way.
                let _ = tokio::time::timeout(AT_LEAST_EVERY, changes.changed()).await;
            }
            changes.borrow_and_update();
            let data = dashboard.snapshot(&mut cursor);
            let event = Event::default().event("snapshot").data(data);
            Some((Ok(event), (dashboard, changes, cursor, false)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}
