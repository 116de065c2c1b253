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

    pub(super) fn from_io(error: &std::io::Error) -> Failure {
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
    pub async fn exchange(&mut self, request: &Request<Bytes>) -> Result<(Parts, Bytes), Failure> {
        self.reusable = false;
        let answered = super::wire::exchange(&mut self.stream, request).await?;
        self.answered += 1;
        self.reusable = answered.reusable;
        Ok((answered.parts, answered.body))
    }
}
