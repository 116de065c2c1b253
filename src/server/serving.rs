//! Serving an axum router on a listener, for the lab server and the web dashboard alike.
//!
//! Owns: the connection loop (HTTP/1.1 or HTTP/2 per connection), the header-read time-out and
//! the graceful stop. Promises: like `axum::serve` with graceful shutdown, plus a time-out on a
//! request's head, which needs hyper's timer that `axum::serve` does not set; a client that
//! goes away or sends garbage ends only its own connection.

use std::future::Future;
use std::time::Duration;

use axum::serve::Listener;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

/// A client has this long to send a request's head (line and headers); then its connection is
/// closed, so half-sent requests cannot hold the server's sockets (slowloris).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on every connection `listener` accepts until `stop` resolves, then stops
/// accepting and lets the requests in progress finish.
pub(crate) async fn serve_router<L: Listener>(
    mut listener: L,
    app: axum::Router,
    stop: impl Future + Send,
) -> std::io::Result<()> {
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            (stream, _) = listener.accept() => {
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
