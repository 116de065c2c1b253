//! The lab server: a drop-in for the guide's FastAPI TODO service (`todo-api-contract.md`).
//!
//! Owns: starting and stopping the embedded HTTP server ([`start`], [`serve_forever`]) and its
//! configuration. Promises: the contract's routes, status codes, JSON bodies and validation
//! rules exactly (pydantic's lax parsing and English messages included), SQLite storage that
//! never reuses an id and loses no concurrent write, `/metrics` in Prometheus text format,
//! and a graceful stop.
//!
//! Where the original leaves a choice or misbehaves, loadlab decides, and the tests pin it:
//! - Negative `skip` counts as 0; negative `limit` means "no limit" (SQLite's `LIMIT -1`).
//!   Both are accepted with 200, as the original accepts them without validation.
//! - `skip`/`limit` beyond 64 bits are clamped; a todo id beyond 64 bits (the original's 500)
//!   is a JSON 404: pydantic accepts the number and no such todo can exist.
//! - `PUT` with `"title": null` or `"completed": null` leaves the field unchanged (the original
//!   accepts the `null`, then fails in the database with a 500). `"description": null` clears.
//! - A `json_invalid` error's `loc` offset counts characters, as Python's `json` module does
//!   (it equals the byte offset for ASCII bodies; Hangul counts once per syllable).
//! - Any method on a path that differs from a route only by its trailing slash answers 307 to
//!   that route, as Starlette's `redirect_slashes` does (so `/todos` -> `/todos/`).
//! - A body with a non-JSON `Content-Type` reaches the model as text (422
//!   `model_attributes_type`), a body that is not UTF-8 is FastAPI's 400, as in the original.
//! - Answers over 1000 bytes are gzip-compressed when the client asks (`Accept-Encoding`),
//!   like Starlette's `GZipMiddleware(minimum_size=1000)` that the guide recommends.
//! - `/docs` is a small offline Korean page pointing at `/openapi.json` (no Swagger UI).
//!
//! [`Bottleneck`]s switch on real performance problems (see [`bottlenecks`]); none is on by
//! default, and none changes what a request answers — only how it is produced — except
//! `no-pagination`, whose point is to ignore `skip`/`limit`.

mod body;
pub mod bottlenecks;
mod clock;
mod db;
mod errors;
mod faults;
mod field_error;
mod lax;
mod metrics;
mod models;
mod openapi;
mod pyjson;
mod routes;
mod serving;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use bottlenecks::Bottleneck;
pub use db::Storage;
pub use faults::Faults;
pub use routes::VANISH_AFTER;
pub use serving::HEADER_READ_TIMEOUT;
pub(crate) use serving::serve_router;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind; 127.0.0.1 unless there is a reason.
    pub host: IpAddr,
    /// Port to bind; 0 lets the OS choose a free one (see [`LabServer::addr`]).
    pub port: u16,
    pub storage: Storage,
    pub faults: Faults,
    /// Enables `GET /__test/delay/{ms}` (sleeps, then 200 `{"slept_ms": ms}`), for the engine's
    /// own tests only.
    pub test_routes: bool,
    /// Real performance problems to switch on; empty is the healthy server.
    pub bottlenecks: Vec<Bottleneck>,
    /// Keep the bottlenecks out of the banner (the mystery exercise).
    pub secret_bottlenecks: bool,
}

impl ServerConfig {
    /// 127.0.0.1 on a free port, in memory, no faults, no test routes, no bottlenecks.
    pub fn in_memory() -> Self {
        ServerConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            storage: Storage::InMemory,
            faults: Faults::default(),
            test_routes: false,
            bottlenecks: Vec::new(),
            secret_bottlenecks: false,
        }
    }

    /// Like [`ServerConfig::in_memory`], but stored in a SQLite file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        ServerConfig { storage: Storage::File(path.into()), ..Self::in_memory() }
    }
}

/// How long [`LabServer::shutdown`] lets open requests finish before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running lab server. Dropping it asks the server to stop without waiting;
/// [`LabServer::shutdown`] stops it and waits.
pub struct LabServer {
    addr: SocketAddr,
    bottlenecks: Arc<bottlenecks::Active>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl LabServer {
    /// The address the server listens on (with the OS-chosen port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL for clients, e.g. `http://127.0.0.1:8000` (loopback if bound to all addresses).
    pub fn url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            });
        }
        format!("http://{addr}")
    }

    /// This server's bottleneck switches and machinery, for whoever steers it (the dashboard's
    /// lab panel gets them from the run that started the server).
    pub fn bottlenecks(&self) -> Arc<bottlenecks::Active> {
        self.bottlenecks.clone()
    }

    /// Stops accepting, lets open requests finish (up to a few seconds), and waits for the
    /// server task; the database is closed when this returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err()
        {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Opens the database, binds, and spawns the server on the current tokio runtime. Returns
/// once the socket is listening, so requests to [`LabServer::url`] succeed at once.
pub async fn start(config: ServerConfig) -> Result<LabServer> {
    let switches = Arc::new(bottlenecks::Switches::of(&config.bottlenecks));
    let storage = config.storage.clone();
    let store_switches = switches.clone();
    let store = tokio::task::spawn_blocking(move || db::Store::open_switched(&storage, store_switches))
        .await
        .context("데이터베이스를 여는 작업이 중단되었어요")??;
    let bind = SocketAddr::new(config.host, config.port);
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("{bind} 에서 서버를 열 수 없어요 (포트를 이미 쓰는 중일 수 있어요)"))?;
    let addr = listener.local_addr().context("서버 주소를 알 수 없어요")?;

    // blocking-io's synchronous log lives in the temp folder under a name that says nothing of
    // what it is for (the mystery hunt must not be solved with `ls`), and goes with the server.
    let audit_path = bottlenecks::journal_path(addr.port());
    let temporary = true;
    let mut active =
        tokio::task::spawn_blocking(move || bottlenecks::Active::new(switches, audit_path, temporary))
            .await
            .context("병목 준비 작업이 중단되었어요")??;
    active.secret = config.secret_bottlenecks;
    let active = Arc::new(active);

    let metrics = Arc::new(metrics::Metrics::default());
    let state = routes::AppState {
        store,
        metrics: metrics.clone(),
        faults: Arc::new(faults::FaultSchedule::new(config.faults.clone())),
        test_routes: config.test_routes,
        bottlenecks: active.clone(),
    };
    let app = routes::router(state);
    let listener = metrics::CountingListener::new(listener, &metrics);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_router(listener, app, stop_rx));
    Ok(LabServer { addr, bottlenecks: active, stop: Some(stop_tx), task: Some(task) })
}

const BANNER_STARTED: &str = "TODO 실습 서버가 실행 중이에요";
const BANNER_STOP_HINT: &str = "멈추려면 Ctrl-C 를 누르세요.";
const MSG_STOPPING: &str = "서버를 멈추는 중이에요...";
const MSG_STOPPED: &str = "서버를 멈췄어요.";

/// `loadlab serve`: runs until Ctrl-C, then stops gracefully.
pub async fn serve_forever(config: ServerConfig) -> Result<()> {
    let storage = match &config.storage {
        Storage::File(path) => format!("{} (파일, 다시 켜도 데이터가 남아요)", path.display()),
        Storage::InMemory => "메모리 (서버를 끄면 데이터가 사라져요)".to_string(),
    };
    let faults = config.faults.clone();
    let mut active = config.bottlenecks.clone();
    active.sort();
    active.dedup();
    let secret = config.secret_bottlenecks;
    let server = start(config).await?;
    let url = server.url();
    println!("{BANNER_STARTED}: {url}");
    println!("  저장소: {storage}");
    println!("  API 명세: {url}/openapi.json   서버 지표: {url}/metrics");
    if faults.error_rate > 0.0 || faults.vanish_rate > 0.0 {
        println!(
            "  장애 주입: 500 응답 {:.1}%, 만든 TODO 사라짐 {:.1}%",
            faults.error_rate * 100.0,
            faults.vanish_rate * 100.0
        );
    }
    if secret {
        println!("  병목 켜짐: 무엇인지는 비밀이에요");
    } else {
        for b in active {
            println!("  병목 켜짐 [{b}] {}", b.describe());
        }
    }
    println!("  {BANNER_STOP_HINT}");
    tokio::signal::ctrl_c().await.context("Ctrl-C 신호를 기다릴 수 없어요")?;
    println!("\n{MSG_STOPPING}");
    server.shutdown().await;
    println!("{MSG_STOPPED}");
    Ok(())
}
