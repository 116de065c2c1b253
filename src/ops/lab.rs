//! The embedded lab server as a run uses it: on its own tokio runtime and threads, so a
//! blocking bottleneck stalls only the server, never the virtual users or the sampler. Owns the
//! server's thread from start to shutdown; dropping the handle stops the server.

use anyhow::Context;

/// The lab server on its own multi-threaded tokio runtime, on threads named
/// [`crate::engine::cpu::SERVER_THREAD_NAME`]: its blocking bottlenecks block only its own
/// threads, and the generator's CPU figure leaves them out.
pub struct IsolatedServer {
    url: String,
    bottlenecks: std::sync::Arc<crate::server::bottlenecks::Active>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl IsolatedServer {
    /// Starts the server on a new runtime; returns once it listens.
    pub async fn start(config: crate::server::ServerConfig) -> anyhow::Result<Self> {
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<anyhow::Result<(String, _)>>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let name = crate::engine::cpu::SERVER_THREAD_NAME;
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .thread_name(name)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx
                            .send(Err(anyhow::Error::new(error)
                                .context("실습 서버용 tokio 런타임을 만들 수 없어요")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match crate::server::start(config).await {
                        Ok(server) => {
                            let _ = ready_tx.send(Ok((server.url(), server.bottlenecks())));
                            let _ = stop_rx.await;
                            server.shutdown().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })
            .context("실습 서버 스레드를 만들 수 없어요")?;
        let (url, bottlenecks) = ready_rx.await.context("실습 서버 스레드가 멈췄어요")??;
        Ok(IsolatedServer { url, bottlenecks, stop: Some(stop_tx), thread: Some(thread) })
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The server's bottleneck switches, for the dashboard's lab panel.
    pub fn bottlenecks(&self) -> std::sync::Arc<crate::server::bottlenecks::Active> {
        self.bottlenecks.clone()
    }

    /// Stops the server (letting open requests finish, as [`crate::server::LabServer::shutdown`])
    /// and waits for its thread.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

impl Drop for IsolatedServer {
    fn drop(&mut self) {
        // Dropping the sender stops the server; its thread ends on its own.
        self.stop.take();
    }
}
