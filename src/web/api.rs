//! The dashboard's HTTP routes: the page and its assets, the configuration the form is built
//! from, the state-changing JSON endpoints (start, stop, edit, reset, lab switches) and the
//! downloads. Every state-changing request must be same-origin JSON ([`guard`]): a page in
//! another tab cannot start a load test, and a DNS-rebound name cannot reach the dashboard.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::dashboard::{Dashboard, Refusal};
use super::form::StartForm;

/// The guide's four kinds of test, in the order lesson 3 teaches them.
const PRESETS: [&str; 4] = ["load", "stress", "spike", "soak"];

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const CHART_JS: &str = include_str!("assets/chart.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

const NOT_JSON: &str = "요청 본문은 JSON이어야 해요 (Content-Type: application/json).";
const BAD_JSON: &str = "요청 본문을 JSON으로 읽을 수 없어요";
const FOREIGN_ORIGIN: &str =
    "다른 출처의 요청은 받지 않아요: 대시보드 페이지에서 보낸 요청만 부하 테스트를 바꿀 수 있어요.";
const NO_SUCH_FILE: &str = "그런 파일은 없어요. 실행이 끝난 뒤 내려받기 목록의 파일만 받을 수 있어요.";

/// What the routes share.
#[derive(Clone)]
pub struct AppState {
    pub dashboard: Arc<Dashboard>,
    /// The form's starting values (`run --web` fills them from its flags).
    pub defaults: Arc<serde_json::Value>,
}

impl axum::extract::FromRef<AppState> for Arc<Dashboard> {
    fn from_ref(state: &AppState) -> Arc<Dashboard> {
        state.dashboard.clone()
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

pub async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

pub async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

pub async fn chart_js() -> Response {
    asset("text/javascript; charset=utf-8", CHART_JS)
}

pub async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

/// A Korean message with its status, as JSON `{"error": "…"}`.
pub fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message.into() }))).into_response()
}

fn ok(value: serde_json::Value) -> Response {
    axum::Json(value).into_response()
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|error| format!("{BAD_JSON}: {error}"))
}

/// What the form is built from: the classes with their weights and tasks, the shapes, the
/// bottlenecks, and the starting values.
pub async fn config(State(state): State<AppState>) -> Response {
    let workbook = state.dashboard.workbook();
    let classes: Vec<_> = super::dashboard::ratios(&workbook.classes);
    let shapes: Vec<&str> = workbook.shapes.iter().map(|shape| shape.name).collect();
    let presets: Vec<_> = PRESETS
        .iter()
        .filter_map(|name| crate::engine::shape::Preset::parse(name))
        .map(|preset| {
            serde_json::json!({
                "name": preset.name(),
                "describe": preset.schedule(false).describe(),
                "quick": preset.schedule(true).describe(),
            })
        })
        .collect();
    let bottlenecks: Vec<_> = crate::server::Bottleneck::ALL
        .iter()
        .map(|b| serde_json::json!({ "name": b.name(), "describe": b.describe() }))
        .collect();
    ok(serde_json::json!({
        "classes": classes,
        "shapes": shapes,
        "presets": presets,
        "bottlenecks": bottlenecks,
        "defaults": *state.defaults,
        "max_users": super::form::MAX_USERS,
    }))
}

pub async fn start(State(state): State<AppState>, body: Bytes) -> Response {
    let form: StartForm = match parse(&body) {
        Ok(form) => form,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    match state.dashboard.start(form).await {
        Ok(run) => ok(serde_json::json!({ "run": run })),
        Err(Refusal::Busy(message)) => refuse(StatusCode::CONFLICT, message),
        Err(Refusal::Invalid(message)) => refuse(StatusCode::BAD_REQUEST, message),
    }
}

pub async fn stop(State(state): State<AppState>) -> Response {
    match state.dashboard.stop() {
        Ok(()) => ok(serde_json::json!({ "stopping": true })),
        Err(message) => refuse(StatusCode::CONFLICT, message),
    }
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    users: serde_json::Value,
    #[serde(default)]
    spawn_rate: serde_json::Value,
}

pub async fn edit(State(state): State<AppState>, body: Bytes) -> Response {
    let form: EditForm = match parse(&body) {
        Ok(form) => form,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let checked = super::form::edit_values(&form.users, &form.spawn_rate);
    let (users, spawn_rate) = match checked {
        Ok(values) => values,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    // More users than this process can hold is said now, not as a run of failed connections.
    if let Err(message) = crate::limits::capacity::check(users, state.dashboard.embedded()) {
        return refuse(StatusCode::BAD_REQUEST, message);
    }
    match state.dashboard.steering().map(|steering| steering.edit(users, spawn_rate)) {
        Ok(()) => ok(serde_json::json!({ "users": users, "spawn_rate": spawn_rate })),
        Err(message) => refuse(StatusCode::CONFLICT, message),
    }
}

pub async fn reset(State(state): State<AppState>) -> Response {
    match state.dashboard.steering().map(|steering| steering.reset()) {
        Ok(()) => {
            state.dashboard.history_reset();
            ok(serde_json::json!({ "reset": true }))
        }
        Err(message) => refuse(StatusCode::CONFLICT, message),
    }
}

#[derive(Deserialize)]
struct LabForm {
    bottleneck: String,
    on: bool,
}

pub async fn lab(State(state): State<AppState>, body: Bytes) -> Response {
    let form: LabForm = match parse(&body) {
        Ok(form) => form,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let bottleneck = match form.bottleneck.parse::<crate::server::Bottleneck>() {
        Ok(bottleneck) => bottleneck,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let steering = match state.dashboard.steering() {
        Ok(steering) => steering,
        Err(message) => return refuse(StatusCode::CONFLICT, message),
    };
    match steering.set_bottleneck(bottleneck, form.on).await {
        Ok(()) => ok(serde_json::json!({ "bottleneck": bottleneck.name(), "on": form.on })),
        Err(message) => refuse(StatusCode::CONFLICT, message),
    }
}

/// One file of the last run's outcome, as an attachment.
pub async fn download(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(path) = state.dashboard.outcome().and_then(|outcome| outcome.file(&name)) else {
        return refuse(StatusCode::NOT_FOUND, NO_SUCH_FILE);
    };
    let body = match tokio::fs::read(&path).await {
        Ok(body) => body,
        Err(error) => {
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("파일을 읽지 못했어요: {error}"));
        }
    };
    let content_type = match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        _ => "text/csv; charset=utf-8",
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The names this dashboard answers to (the `Host` header): loopback names, and the address
/// it was bound to.
#[derive(Clone)]
pub struct Allowed {
    pub bound_host: String,
    pub port: u16,
    /// Bound to every address (`--web-host 0.0.0.0`, with its warning): other machines reach it
    /// by names we cannot know.
    pub any_name: bool,
}

impl Allowed {
    fn host_ok(&self, host: &str) -> bool {
        let Some((name, port)) = host.rsplit_once(':') else { return false };
        port.parse() == Ok(self.port)
            && (self.any_name
                || ["127.0.0.1", "localhost", "[::1]"].contains(&name)
                || name == self.bound_host)
    }
}

/// Every route answers only to our own names: a page on another name that resolves to
/// 127.0.0.1 (DNS rebinding) cannot read the live numbers or the reports either.
pub async fn host_guard(State(allowed): State<Allowed>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok());
    if !host.is_some_and(|host| allowed.host_ok(host)) {
        return refuse(StatusCode::FORBIDDEN, FOREIGN_ORIGIN);
    }
    next.run(request).await
}

/// Same-origin JSON only: the `Host` must be one of ours, the `Origin` must be this page's,
/// and the body must say it is JSON (a cross-site form cannot send that without asking first).
pub async fn guard(State(allowed): State<Allowed>, request: Request, next: Next) -> Response {
    if let Err(message) = same_origin(&allowed, request.headers()) {
        return refuse(StatusCode::FORBIDDEN, message);
    }
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json);
    if !json {
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, NOT_JSON);
    }
    next.run(request).await
}

/// `application/json`, with or without parameters (`; charset=utf-8`); not `application/jsonfoo`.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default();
    essence.trim().eq_ignore_ascii_case("application/json")
}

fn same_origin(allowed: &Allowed, headers: &HeaderMap) -> Result<(), String> {
    let text = |name| headers.get(name).and_then(|value: &HeaderValue| value.to_str().ok());
    let host = text(header::HOST).ok_or(FOREIGN_ORIGIN)?;
    let origin = text(header::ORIGIN).ok_or(FOREIGN_ORIGIN)?;
    if !allowed.host_ok(host) || origin != format!("http://{host}") {
        return Err(FOREIGN_ORIGIN.to_string());
    }
    if text(axum::http::HeaderName::from_static("sec-fetch-site")).is_some_and(|site| site != "same-origin") {
        return Err(FOREIGN_ORIGIN.to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_json_with_optional_parameters_is_json() {
        for yes in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            " application/json ;x=y",
        ] {
            assert!(is_json(yes), "{yes}");
        }
        for no in ["application/jsonfoo", "application/json-patch+json", "text/plain", "", "application/"] {
            assert!(!is_json(no), "{no}");
        }
    }

    #[test]
    fn only_this_pages_origin_passes() {
        let allowed = Allowed { bound_host: "127.0.0.1".to_string(), port: 8089, any_name: false };
        let ours = [("host", "127.0.0.1:8089"), ("origin", "http://127.0.0.1:8089")];
        assert!(same_origin(&allowed, &headers(&ours)).is_ok());
        assert!(
            same_origin(
                &allowed,
                &headers(&[("host", "localhost:8089"), ("origin", "http://localhost:8089")])
            )
            .is_ok()
        );
        for bad in [
            vec![("host", "127.0.0.1:8089")],
            vec![("host", "127.0.0.1:8089"), ("origin", "http://evil.example")],
            vec![("host", "evil.example:8089"), ("origin", "http://evil.example:8089")],
            vec![("host", "127.0.0.1:9999"), ("origin", "http://127.0.0.1:9999")],
            vec![
                ("host", "127.0.0.1:8089"),
                ("origin", "http://127.0.0.1:8089"),
                ("sec-fetch-site", "cross-site"),
            ],
        ] {
            assert!(same_origin(&allowed, &headers(&bad)).is_err(), "{bad:?}");
        }
    }
}
