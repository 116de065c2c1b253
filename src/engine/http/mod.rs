//! The engine's HTTP layer: one [`Session`] per virtual user, as a Locust user has one
//! `requests.Session`. A session owns one HTTP/1.1 keep-alive connection driven inside the
//! user's own task (see [`conn`]), its cookie jar, and the rules a browser follows: redirects
//! (307/308 keep the method and body; 301/302/303 turn a POST into a GET), gzip answers decoded,
//! a connect time-out and a whole-request time-out, and a keep-alive connection the server
//! closed replaced by a fresh one without the scenario noticing.
//!
//! The run's [`Destination`] is parsed once (origin, base path, TLS configuration) and shared by all
//! sessions. A request never panics: everything that prevents an answer is a [`Failure`]. An
//! answer is read within the bounds of `limit` (`--max-body`, and one budget for all answers being
//! read at once), counted as its bytes arrive.

mod conn;
mod cookies;
mod failure;
mod head;
mod limit;
mod origin;
pub mod tls;
mod wire;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, StatusCode};

use conn::Conn;
use cookies::CookieJar;
pub(crate) use failure::Failure;
use limit::Limits;
use origin::{Origin, resolve_location, write_target};
pub use tls::TlsOptions;

/// Opening a connection (TCP and TLS handshake) may take this long.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A whole request, redirects and body included, may take this long.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// `requests`' limit.
const MAX_REDIRECTS: usize = 30;

/// Whether `host` (`-H`, the form's host) names a usable origin: `http(s)://`, a host name, a
/// valid port; the Korean reason otherwise.
pub fn check_host(host: &str) -> Result<(), String> {
    Origin::parse(host).map(|_| ()).map_err(|why| format!("호스트를 쓸 수 없어요: {why}"))
}

/// Where a run sends its requests, parsed once for all users.
pub(crate) struct Destination {
    /// The host's origin, or why the host cannot be used (then every request fails with it).
    origin: Result<Origin, String>,
    /// The host's own path (`-H http://x/api` → `/api`), put before every request's path.
    base_path: String,
    tls: Arc<rustls::ClientConfig>,
    connect_timeout: Duration,
    request_timeout: Duration,
    /// What reading answers may cost (`--max-body` and the run's shared budget).
    limits: Limits,
}

impl Destination {
    /// `host` with `tls`, each response's body limited to `max_body` bytes.
    pub fn new(host: &str, tls: &TlsOptions, max_body: usize) -> anyhow::Result<Destination> {
        let (origin, base_path) = match Origin::parse(host) {
            Ok((origin, path)) => {
                (Ok(origin), path.split(['?', '#']).next().unwrap_or("").trim_end_matches('/'))
            }
            Err(message) => (Err(message), ""),
        };
        Ok(Destination {
            origin,
            base_path: base_path.to_string(),
            tls: tls.client_config()?,
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            limits: Limits::new(max_body),
        })
    }
}

/// One request as the scenario built it.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    /// A path on the target (`/todos/1`) or a whole `http(s)://` URL.
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a [(String, String)],
    /// A JSON body.
    pub json: Option<Bytes>,
}

/// The final answer, after redirects, with a decoded body.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// One virtual user's HTTP state.
pub(crate) struct Session {
    destination: Arc<Destination>,
    /// The user's keep-alive connection while no request uses it.
    idle: Mutex<Option<Conn>>,
    cookies: Mutex<CookieJar>,
}

impl Session {
    pub fn new(destination: Arc<Destination>) -> Self {
        Session { destination, idle: Mutex::new(None), cookies: Mutex::new(CookieJar::default()) }
    }

    /// Sends `request`, follows redirects, and returns the final answer, all within
    /// [`REQUEST_TIMEOUT`].
    pub async fn send(&self, request: Outgoing<'_>) -> Result<Answer, Failure> {
        let timeout = self.destination.request_timeout;
        tokio::time::timeout(timeout, self.follow(request)).await.unwrap_or(Err(Failure::Timeout))
    }

    async fn follow(&self, request: Outgoing<'_>) -> Result<Answer, Failure> {
        let Outgoing { mut method, path, query, headers, json } = request;
        let mut body = json;
        let mut target = String::with_capacity(path.len() + 16);
        let mut origin = if path.starts_with("http://") || path.starts_with("https://") {
            let (origin, rest) = Origin::parse(path).map_err(Failure::InvalidUrl)?;
            write_target(&mut target, "", rest, query);
            origin
        } else {
            let origin = self.destination.origin.clone().map_err(Failure::InvalidUrl)?;
            write_target(&mut target, &self.destination.base_path, path, query);
            origin
        };
        let mut extra = user_headers(headers)?;
        for hop in 0..=MAX_REDIRECTS {
            let cookie = {
                let mut jar = crate::process::lock(&self.cookies);
                if jar.is_empty() { None } else { jar.header(&origin, &target) }
            };
            let make = || build(&method, &origin, &target, &extra, cookie.as_deref(), body.as_ref());
            let (parts, bytes) = self.exchange(&origin, &method, make).await?;
            self.keep_cookies(&origin, &target, &parts.headers);
            let location = parts.headers.get(header::LOCATION).and_then(|value| value.to_str().ok());
            let Some(location) = location.filter(|_| is_redirect(parts.status)) else {
                return finish(parts.status, parts.headers, bytes, &self.destination.limits);
            };
            if hop == MAX_REDIRECTS {
                return Err(Failure::TooManyRedirects);
            }
            let (next_origin, next_target) =
                resolve_location(&origin, &target, location).map_err(Failure::InvalidUrl)?;
            if redirect_method(parts.status, &method) != method {
                method = Method::GET;
                body = None;
            }
            if let Some(next) = next_origin {
                // Credentials the scenario set for one host don't travel to another.
                extra.remove(header::AUTHORIZATION);
                origin = next;
            }
            target = next_target;
        }
        Err(Failure::TooManyRedirects)
    }

    /// One request and its whole answer on this user's connection to `origin`: the idle one
    /// when it is still open, otherwise a new one. A request that meets a keep-alive connection
    /// the server had just closed is sent again on a fresh one when it is safe to repeat.
    async fn exchange(
        &self,
        origin: &Origin,
        method: &Method,
        make: impl Fn() -> Result<Request<Bytes>, Failure>,
    ) -> Result<(http::response::Parts, Bytes), Failure> {
        let idle = crate::process::lock(&self.idle).take();
        let reusable = match idle {
            Some(mut conn) if conn.origin == *origin => conn.usable().await.then_some(conn),
            _ => None,
        };
        let mut conn = match reusable {
            Some(conn) => conn,
            None => self.open(origin).await?,
        };
        let limits = &self.destination.limits;
        let outcome = match conn.exchange(&make()?, limits).await {
            Err(failure) if conn.answered > 0 && failure.stale_connection() && method.is_idempotent() => {
                conn = self.open(origin).await?;
                conn.exchange(&make()?, limits).await
            }
            outcome => outcome,
        };
        let (parts, bytes) = outcome?;
        if conn.reusable {
            let mut idle = crate::process::lock(&self.idle);
            if idle.is_none() {
                *idle = Some(conn);
            }
        }
        Ok((parts, bytes))
    }

    async fn open(&self, origin: &Origin) -> Result<Conn, Failure> {
        tokio::time::timeout(
            self.destination.connect_timeout,
            Conn::open(origin, Some(&self.destination.tls)),
        )
        .await
        .unwrap_or(Err(Failure::ConnectTimeout))
    }

    fn keep_cookies(&self, origin: &Origin, target: &str, headers: &HeaderMap) {
        let mut set_cookies = headers.get_all(header::SET_COOKIE).iter().peekable();
        if set_cookies.peek().is_none() {
            return;
        }
        let mut jar = crate::process::lock(&self.cookies);
        for value in set_cookies {
            if let Ok(text) = value.to_str() {
                jar.store(origin, target, text);
            }
        }
    }
}

fn user_headers(headers: &[(String, String)]) -> Result<HeaderMap, Failure> {
    let mut map = HeaderMap::new();
    for (key, value) in headers {
        let name = HeaderName::try_from(key.as_str())
            .map_err(|_| Failure::InvalidUrl(format!("헤더 이름 '{key}'")))?;
        let value = HeaderValue::try_from(value.as_str())
            .map_err(|_| Failure::InvalidUrl(format!("헤더 '{key}'의 값")))?;
        map.append(name, value);
    }
    Ok(map)
}

fn build(
    method: &Method,
    origin: &Origin,
    target: &str,
    extra: &HeaderMap,
    cookie: Option<&str>,
    body: Option<&Bytes>,
) -> Result<Request<Bytes>, Failure> {
    let uri = http::Uri::try_from(target).map_err(|e| Failure::InvalidUrl(format!("{target}: {e}")))?;
    let mut request = Request::new(body.cloned().unwrap_or_default());
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.insert(header::HOST, origin.authority.clone());
    headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
    headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
    if body.is_some() {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(cookie) = cookie.and_then(|text| HeaderValue::try_from(text).ok()) {
        headers.insert(header::COOKIE, cookie);
    }
    for (name, value) in extra {
        headers.insert(name, value.clone());
    }
    Ok(request)
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The method a browser (and `requests`) uses after a redirect: 303 and 302 turn everything but
/// HEAD into GET, 301 turns POST into GET, 307 and 308 keep it.
fn redirect_method(status: StatusCode, method: &Method) -> Method {
    match status.as_u16() {
        302 | 303 if *method != Method::HEAD => Method::GET,
        301 if *method == Method::POST => Method::GET,
        _ => method.clone(),
    }
}

/// The answer as the scenario sees it: a gzip body decoded, its encoding headers gone.
fn finish(
    status: StatusCode,
    mut headers: HeaderMap,
    body: Bytes,
    limits: &Limits,
) -> Result<Answer, Failure> {
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"gzip"));
    let body = if gzip && !body.is_empty() {
        let decoded = gunzip(&body, limits)?;
        headers.remove(header::CONTENT_ENCODING);
        headers.remove(header::CONTENT_LENGTH);
        decoded
    } else {
        body
    };
    Ok(Answer { status: status.as_u16(), headers, body })
}

/// Decodes a gzip body a piece at a time, holding the decoded size to the body limit: a small
/// answer that decodes to gigabytes (a compression bomb) fails after the limit, not after the
/// memory.
fn gunzip(body: &[u8], limits: &Limits) -> Result<Bytes, Failure> {
    use std::io::Read;
    const PIECE: usize = 64 * 1024;
    let mut meter = limits.meter();
    let mut decoder = flate2::read::MultiGzDecoder::new(body);
    let mut decoded = Vec::with_capacity((body.len().saturating_mul(4)).min(limits.max_body));
    let mut piece = vec![0u8; PIECE];
    loop {
        let read = decoder.read(&mut piece).map_err(|_| Failure::Decode)?;
        if read == 0 {
            return Ok(Bytes::from(decoded));
        }
        meter.body(decoded.len() + read, body.len()).map_err(|failure| match failure {
            Failure::TooLarge(limit) => Failure::DecodedTooLarge(limit),
            other => other,
        })?;
        decoded.extend_from_slice(&piece[..read]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_change_the_method_as_browsers_do() {
        let code = |n| StatusCode::from_u16(n).unwrap();
        assert_eq!(redirect_method(code(303), &Method::PUT), Method::GET);
        assert_eq!(redirect_method(code(302), &Method::POST), Method::GET);
        assert_eq!(redirect_method(code(302), &Method::HEAD), Method::HEAD);
        assert_eq!(redirect_method(code(301), &Method::POST), Method::GET);
        assert_eq!(redirect_method(code(301), &Method::DELETE), Method::DELETE);
        assert_eq!(redirect_method(code(307), &Method::POST), Method::POST);
        assert_eq!(redirect_method(code(308), &Method::PATCH), Method::PATCH);
    }

    #[tokio::test]
    async fn an_answer_that_never_comes_is_a_timeout() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let host = format!("http://{}", listener.local_addr().unwrap());
        // Accepts, reads nothing, answers nothing, keeps the socket open until the test ends.
        let holder = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            std::future::pending::<()>().await;
            drop(socket);
        });
        let mut destination = Destination::new(&host, &TlsOptions::default(), 1024 * 1024).unwrap();
        destination.request_timeout = Duration::from_millis(200);
        let session = Session::new(Arc::new(destination));
        let request = Outgoing { method: Method::GET, path: "/slow", query: &[], headers: &[], json: None };
        let failure = session.send(request).await.err().expect("no answer can come");
        assert_eq!(failure.message(), "Timeout: 응답 시간 초과");
        holder.abort();
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        use std::io::Write;
        let gzip = |bytes: &[u8]| {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        };
        let limits = Limits::new(1024 * 1024);
        let bomb = gzip(&vec![0u8; 8 * 1024 * 1024]);
        assert!(bomb.len() < 64 * 1024, "a bomb is small: {}", bomb.len());
        assert!(matches!(gunzip(&bomb, &limits), Err(Failure::DecodedTooLarge(_))));
        assert_eq!(&gunzip(&gzip(b"{\"id\": 1}"), &limits).ok().unwrap()[..], b"{\"id\": 1}");
        assert!(matches!(gunzip(b"\x1f\x8b not gzip", &limits), Err(Failure::Decode)));
    }

    #[test]
    fn a_bad_host_fails_each_request_instead_of_the_run() {
        let destination = Destination::new("localhost:8000", &TlsOptions::default(), 1024).unwrap();
        assert!(destination.origin.is_err());
        let destination =
            Destination::new("http://127.0.0.1:8000/api/", &TlsOptions::default(), 1024).unwrap();
        assert_eq!(destination.base_path, "/api");
    }
}
