//! The web UI: the guide's Locust dashboard, in Korean, on `127.0.0.1:8089` (`loadlab web`,
//! `loadlab run --web`). A start form (users, spawn rate, host or the embedded lab server, run
//! time, classes with weights, load shapes), live statistics, charts, failures, exceptions,
//! class ratios and the lab server's own numbers pushed by Server-Sent Events, the lab panel's
//! bottleneck switches, and after the run the explanation and the report files.
//!
//! Owns: the dashboard's HTTP server and its page (HTML, CSS and JavaScript embedded in the
//! binary: no CDN, no build step). The run itself is [`crate::ops::run`]'s. Promises: only
//! same-origin JSON requests change anything ([`api::guard`]); a bad form is a Korean sentence
//! on the page; stopping the dashboard stops its run and the embedded lab server.

mod api;
mod dashboard;
mod events;
pub mod form;
pub mod open;
mod outcome;
mod reach;
mod steer;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::routing::{get, post};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use dashboard::{Dashboard, Phase};
use form::StartForm;

use crate::engine::workbook::Workbook;

/// Locust's web UI port.
pub const DEFAULT_PORT: u16 = 8089;

/// Where the dashboard listens and what it starts with.
#[derive(Debug, Clone)]
pub struct WebOptions {
    pub host: IpAddr,
    /// 0 lets the OS choose (tests).
    pub port: u16,
    /// The learner's own scenarios: finished runs tick practices in the progress file.
    pub record_practice: bool,
    /// The form's starting values (`run --web` passes its flags); started at once when `autostart`.
    pub defaults: Option<StartForm>,
    pub autostart: bool,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            record_practice: false,
            defaults: None,
            autostart: false,
        }
    }
}

/// A running dashboard. [`WebServer::shutdown`] stops its run and the server.
pub struct WebServer {
    addr: SocketAddr,
    dashboard: Arc<Dashboard>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// A warning for a dashboard that other machines can reach.
pub const EXPOSED_WARNING: &str = "⚠️ 루프백이 아닌 주소에서 대시보드를 열었어요: 이 네트워크의 누구나 이 페이지에서 부하 테스트를 시작할 수 있어요. 믿을 수 있는 네트워크에서만 쓰세요.";

impl WebServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, e.g. `http://127.0.0.1:8089`.
    pub fn url(&self) -> String {
        let ip =
            if self.addr.ip().is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { self.addr.ip() };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    pub fn dashboard(&self) -> &Arc<Dashboard> {
        &self.dashboard
    }

    /// Stops the running test (waiting for its outcome) and the server.
    pub async fn shutdown(mut self) {
        self.dashboard.stop_and_wait().await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // Open event streams never end by themselves: give them a moment, then cut.
            let abort = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(2), task).await.is_err() {
                abort.abort();
            }
        }
    }
}

/// Binds and serves the dashboard for `workbook` on the current runtime; returns once it listens.
pub async fn start(workbook: Workbook, options: WebOptions) -> anyhow::Result<WebServer> {
    let dashboard = Dashboard::new(workbook, options.record_practice);
    let bind = SocketAddr::new(options.host, options.port);
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| {
        format!(
            "{bind}에서 대시보드를 열 수 없어요 (포트를 이미 쓰는 중이면 --web-port로 다른 포트를 고르세요)"
        )
    })?;
    let addr = listener.local_addr().context("대시보드 주소를 알 수 없어요")?;
    let defaults = serde_json::to_value(options.defaults.clone()).unwrap_or_default();
    let state = api::AppState { dashboard: dashboard.clone(), defaults: Arc::new(defaults) };
    let allowed = api::Allowed {
        bound_host: addr.ip().to_string(),
        port: addr.port(),
        any_name: addr.ip().is_unspecified(),
    };
    // On each POST handler only: an unknown path stays 404 and a GET on a POST route 405,
    // instead of the guard's 403 (a router-wide route_layer also wraps the 405 answer).
    let guard = axum::middleware::from_fn_with_state(allowed.clone(), api::guard);
    let changes = Router::new()
        .route("/api/start", post(api::start).route_layer(guard.clone()))
        .route("/api/stop", post(api::stop).route_layer(guard.clone()))
        .route("/api/edit", post(api::edit).route_layer(guard.clone()))
        .route("/api/reset", post(api::reset).route_layer(guard.clone()))
        .route("/api/lab", post(api::lab).route_layer(guard));
    let app = Router::new()
        .route("/", get(api::index))
        .route("/app.js", get(api::app_js))
        .route("/chart.js", get(api::chart_js))
        .route("/style.css", get(api::style_css))
        .route("/api/config", get(api::config))
        .route("/events", get(events::events))
        .route("/download/{name}", get(api::download))
        .merge(changes)
        .layer(axum::middleware::from_fn_with_state(allowed, api::host_guard))
        .with_state(state);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(crate::server::serve_router(listener, app, stop_rx));
    if options.autostart
        && let Some(form) = options.defaults
        && let Err(refusal) = dashboard.start(form).await
    {
        let message = match refusal {
            dashboard::Refusal::Busy(message) | dashboard::Refusal::Invalid(message) => message,
        };
        eprintln!("오류: {message}");
    }
    Ok(WebServer { addr, dashboard, stop: Some(stop_tx), task: Some(task) })
}

/// The warning a dashboard bound to `host` needs: anyone who reaches it can start load.
pub fn exposure_warning(host: IpAddr) -> Option<&'static str> {
    (!host.is_loopback()).then_some(EXPOSED_WARNING)
}

/// `loadlab web`: serves the dashboard until Ctrl-C, then stops the run and the server.
pub async fn serve(workbook: Workbook, options: WebOptions) -> anyhow::Result<()> {
    let warning = exposure_warning(options.host);
    let server = start(workbook, options).await?;
    let url = server.url();
    println!("loadlab 대시보드가 열렸어요: {}", url);
    println!("  브라우저에서 이 주소를 열고 사용자 수와 투입 속도를 적은 뒤 '시작'을 누르세요.");
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    println!("  멈추려면 Ctrl-C를 누르세요.");
    tokio::signal::ctrl_c().await.context("Ctrl-C 신호를 기다릴 수 없어요")?;
    println!("\n대시보드를 닫는 중이에요...");
    server.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_loopback_dashboard_goes_without_a_warning() {
        for quiet in ["127.0.0.1", "::1"] {
            assert_eq!(super::exposure_warning(quiet.parse().unwrap()), None, "{quiet}");
        }
        for loud in ["0.0.0.0", "192.168.0.10", "::"] {
            assert_eq!(
                super::exposure_warning(loud.parse().unwrap()),
                Some(super::EXPOSED_WARNING),
                "{loud}"
            );
        }
    }
}
