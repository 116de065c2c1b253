//! One HTTP/1.1 connection (TCP, or TLS over TCP) owned by one virtual user and driven inside
//! that user's own task: the request is written and its answer read right there (see
//! [`super::wire`]), so a request costs no background task, no channel hop between threads and
//! no wake-up of another task, and an idle connection holds no buffers. The failure kinds a
//! request can meet are [`Failure`]s with stable Korean messages.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Request;
use http::response::Parts;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::failure::{Failure, describe_tls};
use super::limit::Limits;
use super::origin::Origin;

/// TCP or TLS, as one stream type.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }
    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// An open connection to one origin: between requests, only its socket.
pub(crate) struct Conn {
    pub origin: Origin,
    stream: Stream,
    /// Answers read on it so far: a failure on a used connection may be a stale keep-alive.
    pub answered: u64,
    /// The last answer left the connection ready for another request.
    pub reusable: bool,
}

impl Conn {
    /// Opens a connection to `origin` (TLS with `tls` for https). Time-outs are the caller's.
    pub async fn open(origin: &Origin, tls: Option<&Arc<rustls::ClientConfig>>) -> Result<Conn, Failure> {
        let tcp = TcpStream::connect((origin.host.as_str(), origin.port)).await.map_err(|error| {
            if error.to_string().contains("failed to lookup") {
                Failure::NameResolution
            } else {
                Failure::from_io(&error)
            }
        })?;
        // One request is one write; waiting for more data to coalesce only adds latency.
        let _ = tcp.set_nodelay(true);
        let stream = if origin.tls {
            let config = tls.ok_or_else(|| Failure::Tls("TLS 설정이 없어요".into()))?;
            let name = rustls::pki_types::ServerName::try_from(origin.host.clone()).map_err(|_| {
                Failure::InvalidUrl(format!("TLS 서버 이름으로 쓸 수 없어요: {}", origin.host))
            })?;
            let connector = tokio_rustls::TlsConnector::from(Arc::clone(config));
            let tls_stream = connector.connect(name, tcp).await.map_err(|error| match error.kind() {
                std::io::ErrorKind::InvalidData => Failure::Tls(describe_tls(&error)),
                _ => match Failure::from_io(&error) {
                    Failure::Connect(_) => Failure::Tls(describe_tls(&error)),
                    other => other,
                },
            })?;
            Stream::Tls(Box::new(tls_stream))
        } else {
            Stream::Plain(tcp)
        };
        Ok(Conn { origin: origin.clone(), stream, answered: 0, reusable: true })
    }

    /// Whether the connection can take a request: a keep-alive connection the server closed
    /// while it sat idle (or that holds bytes nobody asked for) is not, so the request goes out
    /// on a fresh one instead.
    pub async fn usable(&mut self) -> bool {
        if !self.reusable {
            return false;
        }
        let stream = &mut self.stream;
        poll_fn(|cx| {
            let mut probe = [0u8; 1];
            let mut probe = ReadBuf::new(&mut probe);
            // Pending: nothing to read, open and quiet, as an idle keep-alive connection should
            // be. Ready: end of stream, bytes nobody asked for, or an error.
            Poll::Ready(Pin::new(&mut *stream).poll_read(cx, &mut probe).is_pending())
        })
        .await
    }

    /// Sends `request` and reads the whole answer.
    pub async fn exchange(
        &mut self,
        request: &Request<Bytes>,
        limits: &Limits,
    ) -> Result<(Parts, Bytes), Failure> {
        self.reusable = false;
        let answered = super::wire::exchange(&mut self.stream, request, limits).await?;
        self.answered += 1;
        self.reusable = answered.reusable;
        Ok((answered.parts, answered.body))
    }
}
