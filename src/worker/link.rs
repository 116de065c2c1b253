//! The worker's connection to the master: one ZeroMQ DEALER socket, replaced whole when the
//! master asks for a reconnect or the connection drops.
//!
//! Promises: the old connection is closed before the new one is made (Locust's
//! `reset_connection` does the same: a ROUTER that still holds a peer of the same identity
//! refuses or confuses the newcomer), and every fresh connection announces itself with
//! `client_ready`, so a master that lost track of the worker takes it back. A send while
//! disconnected is dropped, as Locust's NOBLOCK send drops it.

use std::time::Duration;

use anyhow::Context;
use zeromq::{Socket, SocketRecv, SocketSend};

use super::protocol::Outgoing;

/// libzmq's default `ZMQ_RECONNECT_IVL`.
const RECONNECT_PAUSE: Duration = Duration::from_millis(100);

pub struct Link {
    endpoint: String,
    node_id: String,
    connect_timeout: Duration,
    socket: Option<zeromq::DealerSocket>,
}

impl Link {
    /// Connects to `endpoint` as `node_id` and announces the worker.
    pub async fn open(endpoint: String, node_id: String, connect_timeout: Duration) -> anyhow::Result<Link> {
        let mut link = Link { endpoint, node_id, connect_timeout, socket: None };
        link.connect().await?;
        Ok(link)
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn is_connected(&self) -> bool {
        self.socket.is_some()
    }

    /// Closes the current connection (if any), connects afresh and announces the worker.
    pub async fn connect(&mut self) -> anyhow::Result<()> {
        if let Some(old) = self.socket.take() {
            old.close().await;
            // The old connection's writer closes it in the background; libzmq waits its
            // ZMQ_RECONNECT_IVL (100 ms) before a reconnect too, so the master sees the old
            // peer leave before the new one arrives.
            tokio::time::sleep(RECONNECT_PAUSE).await;
        }
        let mut options = zeromq::SocketOptions::default();
        options
            .peer_identity(self.node_id.as_bytes().to_vec().try_into().context("워커 이름이 너무 길어요")?);
        options.connect_timeout(self.connect_timeout);
        let mut socket = zeromq::DealerSocket::with_options(options);
        socket
            .connect(&self.endpoint)
            .await
            .with_context(|| format!("마스터 {}에 연결할 수 없어요", self.endpoint))?;
        socket
            .send(Outgoing::ClientReady.encode(&self.node_id).into())
            .await
            .context("client_ready를 보낼 수 없어요")?;
        self.socket = Some(socket);
        Ok(())
    }

    /// The next frame from the master; `Err` when the connection broke (it is then closed, and
    /// [`Link::is_connected`] is false until [`Link::connect`] succeeds). Pending while
    /// disconnected.
    pub async fn recv(&mut self) -> Result<Vec<u8>, zeromq::ZmqError> {
        let Some(socket) = self.socket.as_mut() else { return std::future::pending().await };
        match socket.recv().await {
            Ok(message) => Ok(message.into_vec().into_iter().next_back().map(Vec::from).unwrap_or_default()),
            Err(error) => {
                if let Some(broken) = self.socket.take() {
                    broken.close().await;
                }
                Err(error)
            }
        }
    }

    /// Sends `message`; with the master away it is dropped and the reason returned. A master
    /// that closed the connection cleanly shows up here, not in [`Link::recv`]: the connection
    /// is then closed too, and the next heartbeat makes a fresh one.
    pub async fn send(&mut self, message: &Outgoing) -> Result<(), String> {
        let Some(socket) = self.socket.as_mut() else {
            return Err("마스터와 연결이 끊겨 있어요".to_string());
        };
        let sent = socket.send(message.encode(&self.node_id).into()).await;
        if let Err(error) = sent {
            if let Some(broken) = self.socket.take() {
                broken.close().await;
            }
            return Err(error.to_string());
        }
        Ok(())
    }
}
