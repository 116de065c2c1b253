//! The lab server's HTTP surface: routes, handlers, redirects, fault injection.
//!
//! Owns: the router and every handler of `todo-api-contract.md`, FastAPI's trailing-slash
//! redirects (307), its 404/405 bodies, and the grading faults. Promises: handlers validate
//! first (via [`super::body`] and [`super::models`]) and touch data only through [`Store`].

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures::TryStreamExt as _;
use serde_json::Value;
use tower_http::compression::CompressionLayer;
use tower_http::compression::Predicate as _;
use tower_http::compression::predicate::SizeAbove;

use super::body::{RawBody, read_body};
use super::bottlenecks;
use super::db::Store;
use super::errors::{ApiError, DETAIL_METHOD_NOT_ALLOWED, DETAIL_NOT_FOUND, json_response, not_found_detail};
use super::faults::FaultSchedule;
use super::field_error::FieldError;
use super::lax::{PyInt, parse_py_int};
use super::metrics::{self, Metrics};
use super::models::{validate_create, validate_update};
use super::openapi;

const ROOT_BODY: &str = r#"{"message":"TODO API에 오신 것을 환영합니다!","docs":"/docs","version":"1.0.0"}"#;
const HEALTH_BODY: &str = r#"{"status":"healthy"}"#;
const DEFAULT_SKIP: i64 = 0;
const DEFAULT_LIMIT: i64 = 100;
/// How long a "vanishing" todo lives: long enough for the creating request to see it, short
/// enough that a user's next task (wait times are seconds) meets a 404.
pub const VANISH_AFTER: Duration = Duration::from_millis(100);
/// Like Starlette's GZipMiddleware(minimum_size=1000): small answers are not worth it.
const COMPRESS_ABOVE_BYTES: u64 = 1000;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: Arc<Metrics>,
    pub faults: Arc<FaultSchedule>,
    pub test_routes: bool,
    pub bottlenecks: Arc<bottlenecks::Active>,
}

pub fn router(state: AppState) -> Router {
    let todos = Router::new()
        .route("/todos/", get(list_todos).post(create_todo))
        .route("/todos/{todo_id}", get(read_todo).put(update_todo).delete(delete_todo))
        .route_layer(middleware::from_fn_with_state(state.clone(), apply_bottlenecks))
        .route_layer(middleware::from_fn_with_state(state.clone(), inject_faults));
    let mut app = Router::new()
        .route("/", get(root))
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs))
        .route("/metrics", get(metrics_text))
        .merge(todos);
    if state.test_routes {
        app = app.route("/__test/delay/{ms}", get(test_delay));
    }
    let app = app
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        // Inside compression: the bodies as the handlers made them.
        .layer(middleware::from_fn_with_state(state.clone(), count_plain_body));
    // Asked per answer: no-compression may be switched while the server runs.
    let active = state.bottlenecks.clone();
    let compress = SizeAbove::new(COMPRESS_ABOVE_BYTES).and(
        move |_: StatusCode, _: http::Version, _: &http::HeaderMap, _: &http::Extensions| {
            !active.no_compression()
        },
    );
    let app = app.layer(CompressionLayer::new().compress_when(compress));
    // Outermost, so it sees the bodies as they leave, compressed or not.
    app.layer(middleware::from_fn_with_state(state.clone(), count_sent_body)).with_state(state)
}

fn static_json(status: StatusCode, body: &'static str) -> Response {
    json_response(status, body.as_bytes().to_vec())
}

fn todo_json<T: serde::Serialize>(status: StatusCode, value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(anyhow::Error::from)?;
    Ok(json_response(status, body))
}

async fn root() -> Response {
    static_json(StatusCode::OK, ROOT_BODY)
}

async fn health() -> Response {
    static_json(StatusCode::OK, HEALTH_BODY)
}

async fn openapi_json() -> Response {
    json_response(StatusCode::OK, openapi::DOCUMENT.as_bytes().to_vec())
}

async fn docs() -> Html<String> {
    Html(openapi::docs_html())
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    let todos = state.store.count_todos().await.ok();
    let history = state.bottlenecks.leaked_bytes();
    let mut text = state.metrics.render(todos, state.store.queries(), history);
    text.push_str(&state.bottlenecks.metrics_text(state.store.rows_scanned()));
    let mut res = text.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    res
}

// ---------------------------------------------------------------------------------------------
// /todos

/// `{todo_id}` as FastAPI's `todo_id: int` reads it; not an integer is the 422 ([`BadTodoId`]).
/// A handler whose body errors come first takes `Result<TodoId, BadTodoId>`.
struct TodoId(PyInt);

/// The 422 `int_parsing` error of a `{todo_id}` that is not an integer.
struct BadTodoId(FieldError);

impl IntoResponse for BadTodoId {
    fn into_response(self) -> Response {
        ApiError::Validation(vec![self.0]).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TodoId {
    type Rejection = BadTodoId;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, BadTodoId> {
        let loc = vec![Value::from("path"), Value::from("todo_id")];
        let parsed = match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(raw)) => parse_py_int(&raw, loc),
            // Not valid UTF-8 once percent-decoded; the raw segment still holds its `%`, which
            // no integer parser accepts, so this is an `int_parsing` error echoing what was sent.
            Err(_) => parse_py_int(parts.uri.path().rsplit('/').next().unwrap_or_default(), loc),
        };
        parsed.map(TodoId).map_err(BadTodoId)
    }
}

impl TodoId {
    /// The row's id. An id beyond 64 bits names no todo: the same 404 as an id not stored.
    fn row(&self) -> Result<i64, ApiError> {
        match self.0 {
            PyInt::Small(n) => Ok(n),
            PyInt::Big { .. } => Err(self.missing()),
        }
    }

    /// The contract's 404 for this id.
    fn missing(&self) -> ApiError {
        ApiError::NotFound(not_found_detail(&self.0))
    }
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| ApiError::Status(rejection.status(), rejection.body_text()))
}

async fn list_todos(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let pairs = query.map(|Query(p)| p).unwrap_or_default();
    // Starlette keeps the last of repeated keys.
    let last = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let mut errors = Vec::new();
    let mut read = |key: &'static str, default: i64| match last(key) {
        None => default,
        Some(raw) => match parse_py_int(raw, vec![Value::from("query"), Value::from(key)]) {
            Ok(v) => v.saturating(),
            Err(e) => {
                errors.push(e);
                default
            }
        },
    };
    let skip = read("skip", DEFAULT_SKIP);
    let limit = read("limit", DEFAULT_LIMIT);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let todos = state.store.list_todos(skip, limit).await?;
    todo_json(StatusCode::OK, &todos)
}

async fn create_todo(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = body_bytes(body)?;
    let raw = read_body(&headers, &bytes)?;
    let new = validate_create(&raw).map_err(ApiError::Validation)?;
    let todo = state.store.create_todo(new).await?;
    if state.faults.vanishes() {
        let store = state.store.clone();
        let id = todo.id;
        tokio::spawn(async move {
            tokio::time::sleep(VANISH_AFTER).await;
            let _ = store.delete_todo(id).await;
        });
    }
    todo_json(StatusCode::CREATED, &todo)
}

async fn read_todo(State(state): State<AppState>, id: TodoId) -> Result<Response, ApiError> {
    let Some(todo) = state.store.get_todo(id.row()?).await? else {
        return Err(id.missing());
    };
    let mut res = todo_json(StatusCode::OK, &todo)?;
    if let Some(rounds) = state.bottlenecks.etag_rounds() {
        let body = serde_json::to_vec(&todo).map_err(anyhow::Error::from)?;
        let etag = tokio::task::spawn_blocking(move || bottlenecks::expensive_etag(&body, rounds))
            .await
            .map_err(anyhow::Error::from)?;
        if let Ok(v) = HeaderValue::from_str(&etag) {
            res.headers_mut().insert(header::ETAG, v);
        }
    }
    Ok(res)
}

async fn update_todo(
    State(state): State<AppState>,
    id: Result<TodoId, BadTodoId>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = body_bytes(body)?;
    // FastAPI decodes the body before validating anything: a JSON error comes alone.
    let raw: RawBody = read_body(&headers, &bytes)?;
    let (id, patch) = match (id, validate_update(&raw)) {
        (Ok(id), Ok(patch)) => (id, patch),
        (id, patch) => {
            let mut errors: Vec<FieldError> = id.err().map(|BadTodoId(error)| error).into_iter().collect();
            errors.extend(patch.err().unwrap_or_default());
            return Err(ApiError::Validation(errors));
        }
    };
    match state.store.update_todo(id.row()?, patch).await? {
        Some(todo) => todo_json(StatusCode::OK, &todo),
        None => Err(id.missing()),
    }
}

async fn delete_todo(State(state): State<AppState>, id: TodoId) -> Result<Response, ApiError> {
    if state.store.delete_todo(id.row()?).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(id.missing())
    }
}

// ---------------------------------------------------------------------------------------------
// Faults, test routes, fallbacks

/// Grading fault: a share of `/todos` answers, spread evenly per method, become JSON 500s (the request is not executed).
async fn inject_faults(State(state): State<AppState>, req: axum::extract::Request, next: Next) -> Response {
    if state.faults.fails(req.method()) {
        return ApiError::InjectedFault.into_response();
    }
    next.run(req).await
}

/// The request-level bottlenecks, around every `/todos` request, and the time each poll of the
/// request kept its async worker thread (healthy handlers yield within microseconds).
async fn apply_bottlenecks(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let active = state.bottlenecks.clone();
    let mut handling = Box::pin(with_bottlenecks(state, req, next));
    std::future::poll_fn(move |cx| {
        let started = Instant::now();
        let poll = handling.as_mut().poll(cx);
        active.polls.record(started.elapsed());
        poll
    })
    .await
}

async fn with_bottlenecks(state: AppState, req: axum::extract::Request, next: Next) -> Response {
    let active = &state.bottlenecks;
    // Session per request, held until the answer is ready (FastAPI's `Depends(get_db)`), with
    // the session's own database work done first.
    let session = match active.sessions() {
        Some(pool) => match pool.checkout().await {
            Some(permit) => {
                pool.hold().await;
                Some(permit)
            }
            None => return ApiError::PoolExhausted.into_response(),
        },
        None => None,
    };
    let line = format!("{} {}", req.method(), req.uri());
    if let Some(audit) = active.audit() {
        audit.record(&line);
    }
    if let Some(history) = active.history() {
        history.remember(&line);
    }
    let res = next.run(req).await;
    drop(session);
    res
}

/// Counts the response body bytes that leave the server (after any compression), except those
/// of `/metrics` itself, so that they can be held against the bodies before compression.
async fn count_sent_body(State(state): State<AppState>, req: axum::extract::Request, next: Next) -> Response {
    count_body(state, req, next, bottlenecks::Active::sent_body).await
}

/// Counts the response body bytes as the handlers made them (before compression), except those
/// of `/metrics`: the same window as [`count_sent_body`], so their ratio is the compression.
async fn count_plain_body(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    count_body(state, req, next, bottlenecks::Active::plain_body).await
}

async fn count_body(
    state: AppState,
    req: axum::extract::Request,
    next: Next,
    count: fn(&bottlenecks::Active, u64),
) -> Response {
    if req.uri().path() == "/metrics" {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    let active = state.bottlenecks.clone();
    if let Some(size) = res.body().size_hint().exact() {
        count(&active, size);
        return res;
    }
    // A compressed body streams: count its chunks as they go (it is sent chunked either way).
    let (parts, body) = res.into_parts();
    let counted = body.into_data_stream().inspect_ok(move |chunk| count(&active, chunk.len() as u64));
    Response::from_parts(parts, Body::from_stream(counted))
}

/// Only with `test_routes`: a request that takes a known time, for the engine's tests.
async fn test_delay(Path(raw): Path<String>) -> Result<Response, ApiError> {
    let ms = parse_py_int(&raw, vec![Value::from("path"), Value::from("ms")])
        .map_err(|e| ApiError::Validation(vec![e]))?
        .saturating()
        .max(0);
    // A thread sleep is precise to a few µs; tokio's timer rounds up to the next millisecond,
    // and this route exists to give the engine's percentile tests an exactly known latency.
    let _ = tokio::task::spawn_blocking(move || std::thread::sleep(Duration::from_millis(ms as u64))).await;
    todo_json(StatusCode::OK, &serde_json::json!({ "slept_ms": ms }))
}

async fn method_not_allowed() -> ApiError {
    ApiError::Status(StatusCode::METHOD_NOT_ALLOWED, DETAIL_METHOD_NOT_ALLOWED.into())
}

fn route_exists(path: &str, test_routes: bool) -> bool {
    let segment =
        |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    matches!(path, "/" | "/health" | "/todos/" | "/openapi.json" | "/docs" | "/metrics")
        || segment("/todos/")
        || (test_routes && segment("/__test/delay/"))
}

/// Starlette's `redirect_slashes`: a path that matches a route once its trailing slash is
/// added or removed answers 307 to that route (any method; clients repeat it there).
/// Everything else is FastAPI's JSON 404.
async fn fallback(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path != "/" {
        let toggled = match path.strip_suffix('/') {
            Some(stripped) => stripped.to_string(),
            None => format!("{path}/"),
        };
        if route_exists(&toggled, state.test_routes) {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            let location = format!("http://{host}{toggled}{query}");
            let mut res = StatusCode::TEMPORARY_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            return res;
        }
    }
    ApiError::NotFound(DETAIL_NOT_FOUND.into()).into_response()
}
