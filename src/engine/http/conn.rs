//! One HTTP/1.1 connection (TCP, or TLS over TCP) owned by one virtual user and driven inside
//! that user's own task: hyper's connection state machine is polled next to the request, so a
//! request costs no background task, no channel hop between threads and no wake-up of another
//! task. The failure kinds a request can meet are [`Failure`]s with stable Korean messages.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http::Request;
use http::response::Parts;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::origin::Origin;

/// Why a request got no answer. Each kind renders as one stable message, so the failures table
/// groups all of a kind in one row.
#[derive(Debug)]
pub(crate) enum Failure {
    Refused,
    Reset,
    NameResolution,
    Connect(String),
    Tls(String),
    ConnectTimeout,
    Timeout,
    /// The connection closed before a whole answer came.
    Closed,
    Protocol(String),
    Decode,
    InvalidUrl(String),
    TooManyRedirects,
}

impl Failure {
    pub fn message(&self) -> String {
        match self {
            Failure::Refused => {
                "ConnectionRefusedError: 연결이 거부됐어요 (서버가 꺼져 있거나 주소·포트가 틀렸어요)".into()
            }
            Failure::Reset | Failure::Closed => "ConnectionResetError: 서버가 연결을 끊었어요".into(),
            Failure::NameResolution => "NameResolutionError: 호스트 이름을 찾을 수 없어요".into(),
            Failure::Connect(detail) => format!("ConnectionError: 연결 실패 ({detail})"),
            Failure::Tls(detail) => format!("SSLError: TLS 연결 실패 — {detail}"),
            Failure::ConnectTimeout => "Timeout: 연결 시간 초과".into(),
            Failure::Timeout => "Timeout: 응답 시간 초과".into(),
            Failure::Protocol(detail) => format!("RequestError: HTTP 응답을 읽을 수 없어요 ({detail})"),
            Failure::Decode => "RequestError: gzip 응답 본문을 풀 수 없어요".into(),
            Failure::InvalidUrl(detail) => format!("InvalidURL: 요청 주소가 올바르지 않아요 ({detail})"),
            Failure::TooManyRedirects => "TooManyRedirects: 리다이렉트가 너무 많아요 (30번 넘게)".into(),
        }
    }

    fn from_io(error: &std::io::Error) -> Failure {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::ConnectionRefused => Failure::Refused,
            ErrorKind::ConnectionReset | ErrorKind::BrokenPipe | ErrorKind::ConnectionAborted => {
                Failure::Reset
            }
            ErrorKind::UnexpectedEof => Failure::Closed,
            _ => Failure::Connect(error.to_string()),
        }
    }

    fn from_hyper(error: &hyper::Error) -> Failure {
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                return Failure::from_io(io);
            }
            source = cause.source();
        }
        if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
            Failure::Closed
        } else {
            Failure::Protocol(error.to_string())
        }
    }

    /// Whether a fresh connection may succeed where a reused one failed (the server closed an
    /// idle keep-alive connection as the request went out).
    pub fn stale_connection(&self) -> bool {
        matches!(self, Failure::Closed | Failure::Reset)
    }
}

/// The TLS message a learner can act on: which check failed and the two flags that help.
fn describe_tls(error: &std::io::Error) -> String {
    let detail = error.get_ref().map_or_else(|| error.to_string(), |inner| inner.to_string());
    if detail.contains("certificate") || detail.contains("Certificate") {
        format!(
            "서버 인증서를 믿을 수 없어요 ({detail}). 사설 인증 기관이면 --ca-cert FILE, 실습용 자체 서명 인증서면 --insecure"
        )
    } else {
        detail
    }
}

/// TCP or TLS, as one stream type for hyper.
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

pub(crate) type Body = Full<Bytes>;

/// An open connection to one origin.
pub(crate) struct Conn {
    pub origin: Origin,
    sender: http1::SendRequest<Body>,
    driver: http1::Connection<TokioIo<Stream>, Body>,
    /// Answers read on it so far: a failure on a used connection may be a stale keep-alive.
    pub answered: u64,
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
        let (sender, driver) = http1::Builder::new()
            .handshake(TokioIo::new(stream))
            .await
            .map_err(|error| Failure::from_hyper(&error))?;
        Ok(Conn { origin: origin.clone(), sender, driver, answered: 0 })
    }

    /// Whether the connection can take a request: lets hyper notice a close the server sent
    /// while the connection sat idle, so the request goes out on a fresh one instead.
    /// (One poll also brings hyper back to waiting for the next request, which it must be before
    /// it takes one.)
    pub async fn usable(&mut self) -> bool {
        let driver = &mut self.driver;
        let closed = poll_fn(|cx| Poll::Ready(driver.poll_without_shutdown(cx).is_ready())).await;
        !closed && self.sender.is_ready()
    }

    /// Sends `request` and reads the whole answer, polling the connection in this task.
    pub async fn exchange(&mut self, request: Request<Body>) -> Result<(Parts, Bytes), Failure> {
        let Conn { sender, driver, .. } = self;
        let answer = async {
            let response = sender.send_request(request).await?;
            let (parts, body) = response.into_parts();
            Ok::<_, hyper::Error>((parts, collect(body).await?))
        };
        let mut answer = std::pin::pin!(answer);
        let mut driver_done = false;
        let outcome = poll_fn(|cx| {
            // The answer moves forward in steps that wake each other (head, then the body once
            // it is wanted), all inside this task: a few rounds settle them in one wake-up.
            for _ in 0..4 {
                if let Poll::Ready(outcome) = answer.as_mut().poll(cx) {
                    return Poll::Ready(outcome.map_err(|e| Failure::from_hyper(&e)));
                }
                if driver_done {
                    return Poll::Ready(Err(Failure::Closed));
                }
                match driver.poll_without_shutdown(cx) {
                    Poll::Ready(Ok(())) => driver_done = true,
                    Poll::Ready(Err(error)) => return Poll::Ready(Err(Failure::from_hyper(&error))),
                    Poll::Pending => {}
                }
            }
            Poll::Pending
        })
        .await;
        if outcome.is_ok() {
            self.answered += 1;
        }
        outcome
    }
}

/// The whole body as one `Bytes`: no copy when it came in one piece (the usual small answer).
async fn collect(mut body: Incoming) -> Result<Bytes, hyper::Error> {
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else { continue };
        match (&mut joined, first.take()) {
            (Some(joined), _) => joined.extend_from_slice(&data),
            (None, None) => first = Some(data),
            (None, Some(previous)) => {
                let mut buffer = BytesMut::with_capacity(previous.len() + data.len());
                buffer.extend_from_slice(&previous);
                buffer.extend_from_slice(&data);
                joined = Some(buffer);
            }
        }
    }
    Ok(joined.map(BytesMut::freeze).or(first).unwrap_or_default())
}
