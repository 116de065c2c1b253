//! Error answers of the lab server.
//!
//! Owns: every non-2xx body the server sends. Promises: each one is JSON with FastAPI's shape —
//! `{"detail": "..."}` or a 422 `{"detail": [...]}` list — never an empty body, never a 500 for
//! bad input (500s come only from fault injection or a broken database).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::field_error::{FieldError, render_errors};

/// The original's 404 for a todo id, Korean as it is.
pub fn not_found_detail(id: impl std::fmt::Display) -> String {
    format!("ID {id}인 TODO를 찾을 수 없습니다.")
}

pub const DETAIL_NOT_FOUND: &str = "Not Found";
pub const DETAIL_METHOD_NOT_ALLOWED: &str = "Method Not Allowed";
pub const DETAIL_INJECTED_FAULT: &str =
    "서버 내부 오류가 발생했어요. (채점용 장애 주입으로 일부러 만든 500 응답이에요)";
pub const DETAIL_POOL_EXHAUSTED: &str = "데이터베이스 세션을 얻지 못했어요: 커넥션 풀이 고갈되어 2초를 기다려도 빈 세션이 없어요. (QueuePool limit reached, connection timed out)";
pub const DETAIL_DATABASE: &str = "데이터베이스 오류로 요청을 처리하지 못했어요.";

#[derive(Debug)]
pub enum ApiError {
    /// 404 with a detail message (unknown todo id, unknown route).
    NotFound(String),
    /// 422 with pydantic-shaped errors.
    Validation(Vec<FieldError>),
    /// 400 `{"detail": ...}` (a body that is not even text, as FastAPI answers it).
    BadRequest(&'static str),
    /// 500 from fault injection.
    InjectedFault,
    /// 500 because no database session came free in time (pool-starvation).
    PoolExhausted,
    /// 500 because the database failed; the cause is logged, not sent.
    Database(anyhow::Error),
    /// Any other status with a fixed detail (405, 413, ...).
    Status(StatusCode, String),
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Database(e)
    }
}

pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

fn detail(status: StatusCode, text: &str) -> Response {
    let body = serde_json::to_vec(&json!({ "detail": text })).unwrap_or_default();
    json_response(status, body)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::NotFound(text) => detail(StatusCode::NOT_FOUND, &text),
            ApiError::Validation(errors) => {
                json_response(StatusCode::UNPROCESSABLE_ENTITY, render_errors(&errors))
            }
            ApiError::BadRequest(text) => detail(StatusCode::BAD_REQUEST, text),
            ApiError::InjectedFault => detail(StatusCode::INTERNAL_SERVER_ERROR, DETAIL_INJECTED_FAULT),
            ApiError::PoolExhausted => detail(StatusCode::INTERNAL_SERVER_ERROR, DETAIL_POOL_EXHAUSTED),
            ApiError::Database(e) => {
                eprintln!("loadlab 실습 서버: 데이터베이스 오류: {e:#}");
                detail(StatusCode::INTERNAL_SERVER_ERROR, DETAIL_DATABASE)
            }
            ApiError::Status(status, text) => detail(status, &text),
        }
    }
}
