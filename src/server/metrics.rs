//! The lab server's own metrics, served at `/metrics` in Prometheus text format.
//!
//! Owns: request counters by method/route/status, a latency histogram by method/route, the
//! open-connections gauge (kept by a listener wrapper that counts accepted sockets until they
//! close), process resident memory, and the todo count. Promises: routes are labelled by
//! their pattern (`/todos/{todo_id}`), never by the raw path, so label sets stay small; every
//! series name comes from [`crate::lab_metrics`], which the engine's sampler reads too.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::lab_metrics as names;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

const HELP_REQUESTS: &str = "처리한 HTTP 요청 수 (메서드, 경로 패턴, 상태 코드별)";
const HELP_DURATION: &str = "요청 처리 시간(초) 히스토그램";
const HELP_OPEN_CONNECTIONS: &str = "지금 열려 있는 TCP 연결 수";
const HELP_RESIDENT_MEMORY: &str = "서버 프로세스의 상주 메모리(RSS, 바이트)";
const HELP_DB_QUERIES: &str = "서버가 데이터베이스에 보낸 쿼리 수";
const HELP_HISTORY: &str = "버리지 않고 쌓아 둔 요청 기록의 크기(바이트)";
const HELP_TODOS: &str = "데이터베이스에 있는 TODO 개수";

/// Label for requests that matched no route (404s), so scanners cannot blow up the label set.
pub const UNMATCHED_ROUTE: &str = "unmatched";

#[derive(Default)]
struct RouteStats {
    by_status: Vec<(u16, u64)>,
    buckets: [u64; BUCKETS.len()],
    sum_seconds: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    // route -> per-method stats; one short lock per request.
    routes: Mutex<HashMap<String, Vec<(Method, RouteStats)>>>,
    open_connections: Arc<AtomicI64>,
}

impl Metrics {
    pub fn record(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut routes = crate::process::lock(&self.routes);
        let per_method = match routes.get_mut(route) {
            Some(v) => v,
            None => routes.entry(route.to_string()).or_default(),
        };
        let stats = match per_method.iter().position(|(m, _)| m == method) {
            Some(i) => &mut per_method[i].1,
            None => {
                per_method.push((method.clone(), RouteStats::default()));
                &mut per_method.last_mut().expect("just pushed").1
            }
        };
        match stats.by_status.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => stats.by_status.push((status, 1)),
        }
        // Buckets hold non-cumulative counts; rendering accumulates them.
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            stats.buckets[i] += 1;
        }
        stats.sum_seconds += secs;
        stats.count += 1;
    }

    pub fn open_connections(&self) -> i64 {
        self.open_connections.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition.
    /// `history_bytes` is only shown while the memory-leak bottleneck is on.
    pub fn render(&self, todos: Option<i64>, db_queries: u64, history_bytes: Option<u64>) -> String {
        let mut out = String::new();
        let routes = crate::process::lock(&self.routes);
        let mut keys: Vec<&String> = routes.keys().collect();
        keys.sort();

        header(&mut out, names::HTTP_REQUESTS_TOTAL, "counter", HELP_REQUESTS);
        for route in &keys {
            for (method, stats) in &routes[*route] {
                let mut statuses = stats.by_status.clone();
                statuses.sort();
                for (status, n) in statuses {
                    let _ = writeln!(
                        out,
                        "{}{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                        names::HTTP_REQUESTS_TOTAL,
                        escape(method.as_str()),
                        escape(route)
                    );
                }
            }
        }

        let duration = names::HTTP_REQUEST_DURATION_SECONDS;
        header(&mut out, duration, "histogram", HELP_DURATION);
        for route in &keys {
            for (method, stats) in &routes[*route] {
                let labels = format!("method=\"{}\",route=\"{}\"", escape(method.as_str()), escape(route));
                let mut cumulative = 0;
                for (bound, n) in BUCKETS.iter().zip(stats.buckets) {
                    cumulative += n;
                    let _ = writeln!(out, "{duration}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
                }
                let _ = writeln!(out, "{duration}_bucket{{{labels},le=\"+Inf\"}} {}", stats.count);
                let _ = writeln!(out, "{duration}_sum{{{labels}}} {}", stats.sum_seconds);
                let _ = writeln!(out, "{duration}_count{{{labels}}} {}", stats.count);
            }
        }
        drop(routes);

        let mut single = |name: &str, kind: &str, help: &str, value: &dyn std::fmt::Display| {
            header(&mut out, name, kind, help);
            let _ = writeln!(out, "{name} {value}");
        };
        single(names::HTTP_OPEN_CONNECTIONS, "gauge", HELP_OPEN_CONNECTIONS, &self.open_connections());
        single(
            names::PROCESS_RESIDENT_MEMORY_BYTES,
            "gauge",
            HELP_RESIDENT_MEMORY,
            &crate::process::resident_memory_bytes().unwrap_or(0),
        );
        single(names::DB_QUERIES_TOTAL, "counter", HELP_DB_QUERIES, &db_queries);
        if let Some(bytes) = history_bytes {
            single(names::REQUEST_HISTORY_BYTES, "gauge", HELP_HISTORY, &bytes);
        }
        if let Some(n) = todos {
            single(names::TODOS, "gauge", HELP_TODOS, &n);
        }
        out
    }
}

/// The `# HELP` and `# TYPE` lines that open a series.
fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Middleware: times every request and records it under its route pattern.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let res = next.run(req).await;
    let route = route.as_deref().unwrap_or(UNMATCHED_ROUTE);
    metrics.record(&method, route, res.status().as_u16(), start.elapsed());
    res
}

// ---------------------------------------------------------------------------------------------
// Counting connections

/// A TCP listener that keeps `open_connections` up to date and sets `TCP_NODELAY`.
pub struct CountingListener {
    inner: TcpListener,
    open: Arc<AtomicI64>,
}

impl CountingListener {
    pub fn new(inner: TcpListener, metrics: &Metrics) -> Self {
        CountingListener { inner, open: metrics.open_connections.clone() }
    }
}

impl axum::serve::Listener for CountingListener {
    type Io = CountedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // Small JSON answers must not wait for Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    self.open.fetch_add(1, Ordering::Relaxed);
                    return (CountedStream { inner: stream, open: self.open.clone() }, addr);
                }
                Err(e) if is_connection_error(&e) => continue,
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// A TCP stream that lowers the open-connections gauge when it is dropped.
pub struct CountedStream {
    inner: TcpStream,
    open: Arc<AtomicI64>,
}

impl Drop for CountedStream {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl AsyncRead for CountedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_match() {
        let m = Metrics::default();
        m.record(&Method::GET, "/health", 200, Duration::from_micros(300));
        m.record(&Method::GET, "/health", 200, Duration::from_millis(30));
        m.record(&Method::GET, "/health", 503, Duration::from_secs(20));
        let text = m.render(Some(7), 3, None);
        assert!(
            text.contains("loadlab_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 2")
        );
        assert!(
            text.contains("loadlab_http_requests_total{method=\"GET\",route=\"/health\",status=\"503\"} 1")
        );
        assert!(text.contains(
            "loadlab_http_request_duration_seconds_bucket{method=\"GET\",route=\"/health\",le=\"0.0005\"} 1"
        ));
        assert!(text.contains(
            "loadlab_http_request_duration_seconds_bucket{method=\"GET\",route=\"/health\",le=\"0.05\"} 2"
        ));
        assert!(text.contains(
            "loadlab_http_request_duration_seconds_bucket{method=\"GET\",route=\"/health\",le=\"10\"} 2"
        ));
        assert!(text.contains(
            "loadlab_http_request_duration_seconds_bucket{method=\"GET\",route=\"/health\",le=\"+Inf\"} 3"
        ));
        assert!(text.contains("loadlab_todos 7\n"));
        assert!(text.contains("loadlab_db_queries_total 3\n"));
        assert!(!text.contains("loadlab_request_history_bytes"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn resident_memory_is_read_on_linux() {
        // A running test binary holds at least a megabyte resident.
        assert!(crate::process::resident_memory_bytes().unwrap() > 1 << 20);
    }
}
