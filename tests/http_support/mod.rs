//! Small HTTP/1.1 servers for the client tests: on 127.0.0.1 port 0, answering with a handler,
//! keeping connections alive or closing them after each answer (or before any), over plain TCP
//! or any TLS stream, and counting the connections and requests they saw. Stopped when dropped.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

pub type Handler = Arc<dyn Fn(&Seen) -> Vec<u8> + Send + Sync>;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    KeepAlive,
    /// Closes the connection after each answer, without a `Connection: close` header (as a
    /// server whose keep-alive time-out just ran out).
    CloseAfterAnswer,
    /// Accepts and closes at once, answering nothing.
    CloseAtOnce,
    /// Reads the request and never answers.
    Silent,
}

pub struct Server {
    pub url: String,
    pub port: u16,
    pub connections: Arc<AtomicUsize>,
    pub requests: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
    pub fn requests(&self) -> Vec<Seen> {
        self.requests.lock().unwrap().clone()
    }
}

/// A plain-TCP server.
pub async fn start(mode: Mode, handler: impl Fn(&Seen) -> Vec<u8> + Send + Sync + 'static) -> Server {
    start_with(mode, Arc::new(handler), |tcp| async move { Some(tcp) }).await
}

/// A server whose accepted TCP streams go through `wrap` first (a TLS handshake); a `None`
/// from `wrap` drops the connection.
pub async fn start_with<S, F, W>(mode: Mode, handler: Handler, wrap: W) -> Server
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    F: std::future::Future<Output = Option<S>> + Send + 'static,
    W: Fn(tokio::net::TcpStream) -> F + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (count, log) = (Arc::clone(&connections), Arc::clone(&requests));
    let wrap = Arc::new(wrap);
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let (handler, log, wrap) = (Arc::clone(&handler), Arc::clone(&log), Arc::clone(&wrap));
            tokio::spawn(async move {
                if mode == Mode::CloseAtOnce {
                    return;
                }
                if let Some(stream) = wrap(tcp).await {
                    serve(stream, mode, handler, log).await;
                }
            });
        }
    });
    Server { url: format!("http://127.0.0.1:{port}"), port, connections, requests, task }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    mode: Mode,
    handler: Handler,
    log: Arc<Mutex<Vec<Seen>>>,
) {
    let mut buffer = Vec::new();
    loop {
        let Some(seen) = read_request(&mut stream, &mut buffer).await else { return };
        log.lock().unwrap().push(seen.clone());
        if mode == Mode::Silent {
            // Hold the connection open without answering until the client gives up.
            let _ = stream.read(&mut [0u8; 1]).await;
            return;
        }
        let answer = handler(&seen);
        if stream.write_all(&answer).await.is_err() || stream.flush().await.is_err() {
            return;
        }
        if mode == Mode::CloseAfterAnswer {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut Vec<u8>) -> Option<Seen> {
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(key, _)| key == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer[head_end..head_end + length].to_vec();
    buffer.drain(..head_end + length);
    Some(Seen { method, path, headers, body })
}

/// A whole response with a `Content-Length`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
    for (key, value) in headers {
        out.push_str(&format!("{key}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}
