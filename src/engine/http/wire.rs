//! HTTP/1.1 on the wire for one request at a time: the request written in one go, the answer's
//! head parsed with `httparse` (the parser hyper itself uses), the body read by Content-Length,
//! chunked framing, or to the end of the connection.
//!
//! Why not hyper's connection: its HTTP/1 state keeps an 8 KiB write buffer and an 8 KiB read
//! buffer alive for as long as the connection lives, and neither can be made smaller. A load
//! test keeps one connection per user, mostly idle while the user thinks, so 10,000 users paid
//! about 160 MB for buffers that held nothing. Here the buffers live only while a request is on
//! the wire; an idle connection is its socket and nothing else.

use std::io::Write as _;

use bytes::{Buf, Bytes, BytesMut};
use http::header;
use http::response::Parts;
use http::{Method, Request, StatusCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::failure::Failure;
use super::head::{content_length, keeps_alive, parse_head};
use super::limit::{Limits, Meter};

/// Most answer heads fit; the buffer grows when one does not.
const FIRST_READ: usize = 2048;
/// An answer head larger than this is not HTTP we can use.
const MAX_HEAD: usize = 64 * 1024;
/// `100 Continue` and friends before the real answer: a few are HTTP, hundreds are a loop.
const MAX_INFORMATIONAL: usize = 16;

/// How an answer left the connection.
pub(crate) struct Answered {
    pub parts: Parts,
    pub body: Bytes,
    /// The connection can carry the next request (keep-alive, and the answer ended cleanly).
    pub reusable: bool,
}

/// Writes `request` (head and body in one write) and reads its whole answer within `limits`.
pub(crate) async fn exchange<S>(
    stream: &mut S,
    request: &Request<Bytes>,
    limits: &Limits,
) -> Result<Answered, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let message = encode(request);
    stream.write_all(&message).await.map_err(|error| Failure::from_io(&error))?;
    drop(message);
    let mut meter = limits.meter();
    read_answer(stream, request.method(), &mut meter).await
}

/// The request as bytes: request line, headers, a Content-Length when a body is sent (or the
/// method expects one), then the body.
fn encode(request: &Request<Bytes>) -> Vec<u8> {
    let body = request.body();
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let headers = request.headers();
    let head_len: usize =
        headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum::<usize>()
            + path.len()
            + 48;
    let mut out = Vec::with_capacity(head_len + body.len());
    out.extend_from_slice(request.method().as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    let expects_body = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH);
    let framed =
        headers.contains_key(header::CONTENT_LENGTH) || headers.contains_key(header::TRANSFER_ENCODING);
    if (expects_body || !body.is_empty()) && !framed {
        // Writing into a Vec cannot fail.
        let _ = write!(out, "content-length: {}\r\n", body.len());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// Reads bytes into `buffer`; `Ok(false)` at the end of the stream. The buffer grows with what
/// arrives (doubling, from [`FIRST_READ`]), never with what a header promised.
async fn fill<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut BytesMut) -> Result<bool, Failure> {
    if buffer.capacity() - buffer.len() < 512 {
        buffer.reserve(buffer.capacity().max(FIRST_READ));
    }
    let read = stream.read_buf(buffer).await.map_err(|error| Failure::from_io(&error))?;
    Ok(read > 0)
}

async fn read_answer<S: AsyncRead + Unpin>(
    stream: &mut S,
    method: &Method,
    meter: &mut Meter<'_>,
) -> Result<Answered, Failure> {
    let mut buffer = BytesMut::with_capacity(FIRST_READ);
    let mut informational = 0;
    loop {
        let (parts, head_len) = loop {
            if let Some(parsed) = parse_head(&buffer)? {
                break parsed;
            }
            if buffer.len() > MAX_HEAD {
                return Err(Failure::Protocol("응답 헤더가 너무 커요".into()));
            }
            if !fill(stream, &mut buffer).await? {
                return Err(Failure::Closed);
            }
        };
        buffer.advance(head_len);
        let status = parts.status;
        // 100 Continue and friends come before the real answer.
        if status.is_informational() && status != StatusCode::SWITCHING_PROTOCOLS {
            informational += 1;
            if informational > MAX_INFORMATIONAL {
                return Err(Failure::Protocol("1xx 중간 응답이 끝없이 와요".into()));
            }
            continue;
        }
        let keep_alive = keeps_alive(&parts);
        let no_body = *method == Method::HEAD
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED;
        if no_body {
            return Ok(Answered { parts, body: Bytes::new(), reusable: keep_alive && buffer.is_empty() });
        }
        let chunked = parts
            .headers
            .get_all(header::TRANSFER_ENCODING)
            .iter()
            .any(|value| value.to_str().is_ok_and(|text| text.to_ascii_lowercase().contains("chunked")));
        if chunked {
            let body = read_chunked(stream, &mut buffer, meter).await?;
            return Ok(Answered { parts, body, reusable: keep_alive && buffer.is_empty() });
        }
        return match content_length(&parts)? {
            Some(length) => {
                // Checked before anything is read or reserved: the header is a claim, not a size.
                if length > meter.max_body() as u64 {
                    return Err(Failure::TooLarge(meter.max_body()));
                }
                let length = length as usize;
                while buffer.len() < length {
                    if !fill(stream, &mut buffer).await? {
                        return Err(Failure::Closed);
                    }
                    meter.body(buffer.len().min(length), 0)?;
                }
                let body = buffer.split_to(length).freeze();
                Ok(Answered { parts, body, reusable: keep_alive && buffer.is_empty() })
            }
            // No framing: the body runs to the end of the connection.
            None => {
                meter.body(buffer.len(), 0)?;
                while fill(stream, &mut buffer).await? {
                    meter.body(buffer.len(), 0)?;
                }
                Ok(Answered { parts, body: buffer.freeze(), reusable: false })
            }
        };
    }
}

/// A chunked body: each chunk's size line, its data, then the trailer section. Each chunk's
/// size is checked against the body limit before its data is read, and the data moves into
/// the body as it arrives.
async fn read_chunked<S: AsyncRead + Unpin>(
    stream: &mut S,
    buffer: &mut BytesMut,
    meter: &mut Meter<'_>,
) -> Result<Bytes, Failure> {
    let mut body = BytesMut::new();
    loop {
        let (consumed, size) = loop {
            match httparse::parse_chunk_size(buffer) {
                Ok(httparse::Status::Complete(found)) => break found,
                Ok(httparse::Status::Partial) => {
                    if buffer.len() > MAX_HEAD {
                        return Err(Failure::Protocol("청크 크기 줄이 너무 길어요".into()));
                    }
                    if !fill(stream, buffer).await? {
                        return Err(Failure::Closed);
                    }
                }
                // httparse refuses a size that overflows 64 bits here.
                Err(_) => return Err(Failure::Protocol("청크 크기를 읽을 수 없어요".into())),
            }
        };
        buffer.advance(consumed);
        if size > (meter.max_body() - body.len()) as u64 {
            return Err(Failure::TooLarge(meter.max_body()));
        }
        let mut remaining = size as usize;
        if remaining == 0 {
            // Trailers, if any, end with an empty line.
            loop {
                if let Some(end) = find_line_end(buffer) {
                    let empty = end == 0;
                    buffer.advance(end + 2);
                    if empty {
                        return Ok(body.freeze());
                    }
                } else if buffer.len() > MAX_HEAD {
                    return Err(Failure::Protocol("트레일러가 너무 길어요".into()));
                } else if !fill(stream, buffer).await? {
                    return Err(Failure::Closed);
                }
            }
        }
        while remaining > 0 {
            if buffer.is_empty() && !fill(stream, buffer).await? {
                return Err(Failure::Closed);
            }
            let take = remaining.min(buffer.len());
            body.extend_from_slice(&buffer[..take]);
            buffer.advance(take);
            remaining -= take;
            meter.body(body.len(), buffer.len())?;
        }
        while buffer.len() < 2 {
            if !fill(stream, buffer).await? {
                return Err(Failure::Closed);
            }
        }
        if &buffer[..2] != b"\r\n" {
            return Err(Failure::Protocol("청크 끝에 CRLF가 없어요".into()));
        }
        buffer.advance(2);
    }
}

fn find_line_end(buffer: &[u8]) -> Option<usize> {
    buffer.windows(2).position(|pair| pair == b"\r\n")
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    /// Feeds `answer` to a request as the server would, in pieces of `piece` bytes, and returns
    /// what the request read and what the server received.
    async fn exchange_with(
        answer: &'static [u8],
        method: Method,
        piece: usize,
    ) -> (Result<Answered, Failure>, Vec<u8>) {
        let (mut client, mut server) = tokio::io::duplex(64);
        let serve = tokio::spawn(async move {
            let mut received = Vec::new();
            let mut buffer = [0u8; 256];
            while !received.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = server.read(&mut buffer).await.unwrap();
                received.extend_from_slice(&buffer[..n]);
            }
            for part in answer.chunks(piece) {
                server.write_all(part).await.unwrap();
            }
            received
        });
        let mut request = Request::new(Bytes::new());
        *request.method_mut() = method;
        *request.uri_mut() = "/todos/?limit=2".parse().unwrap();
        request.headers_mut().insert(header::HOST, HeaderValue::from_static("lab"));
        let outcome = exchange(&mut client, &request, &Limits::new(1024 * 1024)).await;
        (outcome, serve.await.unwrap())
    }

    #[tokio::test]
    async fn a_content_length_body_is_read_whole_even_in_one_byte_pieces() {
        let (outcome, sent) =
            exchange_with(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello", Method::GET, 1)
                .await;
        let answer = outcome.ok().unwrap();
        assert_eq!(answer.parts.status, 200);
        assert_eq!(&answer.body[..], b"hello");
        assert_eq!(answer.parts.headers["x-a"], "1");
        assert!(answer.reusable);
        assert_eq!(sent, b"GET /todos/?limit=2 HTTP/1.1\r\nhost: lab\r\n\r\n");
    }

    #[tokio::test]
    async fn chunked_bodies_and_trailers_are_joined() {
        let answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\nT: 1\r\n\r\n";
        for piece in [1, 7, 1000] {
            let answer = exchange_with(answer, Method::GET, piece).await.0.ok().unwrap();
            assert_eq!(&answer.body[..], b"abcdefg", "pieces of {piece}");
            assert!(answer.reusable);
        }
    }

    #[tokio::test]
    async fn an_unframed_body_runs_to_the_close_and_ends_the_connection() {
        let (outcome, _) = exchange_with(b"HTTP/1.0 200 OK\r\n\r\nall of it", Method::GET, 3).await;
        let answer = outcome.ok().unwrap();
        assert_eq!(&answer.body[..], b"all of it");
        assert!(!answer.reusable);
    }

    #[tokio::test]
    async fn head_and_no_content_answers_have_no_body_and_continue_is_skipped() {
        let head = exchange_with(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", Method::HEAD, 5).await.0;
        assert!(head.ok().unwrap().body.is_empty());
        let deleted = exchange_with(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
            Method::DELETE,
            4,
        )
        .await
        .0
        .ok()
        .unwrap();
        assert_eq!(deleted.parts.status, 204);
        assert!(!deleted.reusable, "the server said close");
    }

    #[tokio::test]
    async fn a_cut_answer_is_a_closed_connection_and_garbage_is_a_protocol_error() {
        let cut =
            exchange_with(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", Method::GET, 100).await.0;
        assert!(matches!(cut, Err(Failure::Closed)));
        let garbage = exchange_with(b"SMTP ready\r\n\r\n", Method::GET, 100).await.0;
        assert!(matches!(garbage, Err(Failure::Protocol(_))));
    }

    /// What a request reads from `answer` (written whole, then the server's end closes),
    /// with a body limit of `max_body`.
    fn read_from(answer: Vec<u8>, max_body: usize) -> Result<Answered, Failure> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let (mut client, mut server) = tokio::io::duplex(4096);
            let serve = tokio::spawn(async move {
                let mut request = [0u8; 512];
                let _ = server.read(&mut request).await;
                let _ = server.write_all(&answer).await;
            });
            let mut request = Request::new(Bytes::new());
            *request.uri_mut() = "/".parse().unwrap();
            let outcome = exchange(&mut client, &request, &Limits::new(max_body)).await;
            drop(client);
            let _ = serve.await;
            outcome
        })
    }

    #[test]
    fn answers_over_the_limit_fail_before_anything_is_reserved() {
        for head in ["Content-Length: 30000000000", "Content-Length: 18446744073709551615"] {
            let answer = format!("HTTP/1.1 200 OK\r\n{head}\r\n\r\nabc").into_bytes();
            assert!(matches!(read_from(answer, 1024), Err(Failure::TooLarge(1024))), "{head}");
        }
        let huge_chunk =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab".to_vec();
        assert!(matches!(read_from(huge_chunk, 1024), Err(Failure::TooLarge(1024))));
        let overflow =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\nab".to_vec();
        assert!(matches!(read_from(overflow, 1024), Err(Failure::Protocol(_))));
        let mut many_chunks = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..20 {
            many_chunks.extend_from_slice(b"100\r\n");
            many_chunks.extend_from_slice(&[b'x'; 256]);
            many_chunks.extend_from_slice(b"\r\n");
        }
        assert!(matches!(read_from(many_chunks, 4096), Err(Failure::TooLarge(4096))));
        let mut unframed = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        unframed.extend_from_slice(&[b'x'; 5000]);
        assert!(matches!(read_from(unframed, 4096), Err(Failure::TooLarge(4096))));
        let continues = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(100);
        assert!(matches!(read_from(continues, 4096), Err(Failure::Protocol(_))));
        let twice = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd".to_vec();
        assert!(matches!(read_from(twice, 4096), Err(Failure::Protocol(_))));
        let at_limit = format!("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n{}", "y".repeat(4096));
        assert_eq!(read_from(at_limit.into_bytes(), 4096).ok().unwrap().body.len(), 4096);
    }

    /// `body` in chunked framing, cut where `cuts` say.
    fn chunked(body: &[u8], cuts: &[usize]) -> Vec<u8> {
        let mut out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        let mut at = 0;
        for cut in cuts.iter().map(|cut| cut % (body.len() + 1)).chain([body.len()]) {
            if cut <= at {
                continue;
            }
            out.extend_from_slice(format!("{:x}\r\n", cut - at).as_bytes());
            out.extend_from_slice(&body[at..cut]);
            out.extend_from_slice(b"\r\n");
            at = cut;
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// Whatever a server sends, reading it ends with an answer within the limit or a failure.
        #[test]
        fn any_bytes_are_an_answer_or_a_failure(answer in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            if let Ok(answered) = read_from(answer, 256) {
                proptest::prop_assert!(answered.body.len() <= 256);
            }
        }

        /// Heads with hostile framing values: never a panic, never a body over the limit.
        #[test]
        fn hostile_framing_is_a_failure_or_fits(
            length in "[0-9a-fA-F +-]{0,24}",
            chunk in "[0-9a-fA-F;=x ]{0,24}",
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            for head in [
                format!("HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n"),
                format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}\r\n"),
            ] {
                let mut answer = head.into_bytes();
                answer.extend_from_slice(&tail);
                if let Ok(answered) = read_from(answer, 256) {
                    proptest::prop_assert!(answered.body.len() <= 256);
                }
            }
        }

        /// A chunked body, cut anywhere, reads back whole.
        #[test]
        fn chunked_bodies_read_back_whole(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let answered = read_from(chunked(&body, &cuts), 1024);
            proptest::prop_assert!(answered.is_ok());
            proptest::prop_assert_eq!(&answered.ok().unwrap().body[..], &body[..]);
        }
    }

    #[test]
    fn a_post_always_says_its_length() {
        let mut request = Request::new(Bytes::new());
        *request.method_mut() = Method::POST;
        *request.uri_mut() = "/todos/".parse().unwrap();
        assert_eq!(encode(&request), b"POST /todos/ HTTP/1.1\r\ncontent-length: 0\r\n\r\n");
        *request.body_mut() = Bytes::from_static(b"{}");
        assert!(encode(&request).ends_with(b"content-length: 2\r\n\r\n{}"));
    }
}
