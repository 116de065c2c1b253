//! The request models of the contract: `TodoCreate` and `TodoUpdate`, validated like pydantic.
//!
//! Owns: the field rules (title 1..=100 characters, description up to 500 or null, lax
//! boolean `completed`) and what a valid body becomes ([`NewTodo`], [`TodoPatch`]). Promises:
//! all of a body's errors at once, in model field order (title, description, completed), each
//! a [`FieldError`] as pydantic words it; a missing `title` echoes the whole body in request
//! key order.

use serde_json::Value;

use super::body::{Body, RawBody};
use super::field_error::FieldError;
use super::lax::{parse_py_bool, parse_str};

pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;

const MSG_MISSING: &str = "Field required";
const MSG_MODEL_TYPE: &str = "Input should be a valid dictionary or object to extract fields from";

fn body_loc(field: &str) -> Vec<Value> {
    vec![Value::from("body"), Value::from(field)]
}

/// A valid `TodoCreate`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTodo {
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
}

/// A valid `TodoUpdate`: `None` leaves a field as it is. `description: Some(None)` clears it.
/// An explicit `null` title or completed changes nothing (the original accepts the `null` and
/// then fails in the database with a 500; a drop-in must never 500 on bad input).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TodoPatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub completed: Option<bool>,
}

fn model_errors(raw: &RawBody) -> Result<&Body, Vec<FieldError>> {
    match raw {
        RawBody::Missing => {
            Err(vec![FieldError::new("missing", vec![Value::from("body")], MSG_MISSING, Value::Null)])
        }
        RawBody::Value(Body::Other(v)) => Err(vec![FieldError::new(
            "model_attributes_type",
            vec![Value::from("body")],
            MSG_MODEL_TYPE,
            v.clone(),
        )]),
        RawBody::Value(body) => Ok(body),
    }
}

pub fn validate_create(raw: &RawBody) -> Result<NewTodo, Vec<FieldError>> {
    let body = model_errors(raw)?;
    let mut errors = Vec::new();
    let title = match body.get("title") {
        None => {
            errors.push(FieldError {
                input: body.echo(),
                ..FieldError::new("missing", body_loc("title"), MSG_MISSING, Value::Null)
            });
            None
        }
        Some(v) => parse_str(v, body_loc("title"), 1, TITLE_MAX).map_err(|e| errors.push(e)).ok(),
    };
    let description = match body.get("description") {
        None | Some(Value::Null) => None,
        Some(v) => parse_str(v, body_loc("description"), 0, DESCRIPTION_MAX).map_err(|e| errors.push(e)).ok(),
    };
    let completed = match body.get("completed") {
        None => Some(false),
        Some(v) => parse_py_bool(v, body_loc("completed")).map_err(|e| errors.push(e)).ok(),
    };
    match (title, completed) {
        (Some(title), Some(completed)) if errors.is_empty() => Ok(NewTodo { title, description, completed }),
        _ => Err(errors),
    }
}

pub fn validate_update(raw: &RawBody) -> Result<TodoPatch, Vec<FieldError>> {
    let body = model_errors(raw)?;
    let mut errors = Vec::new();
    let mut patch = TodoPatch::default();
    match body.get("title") {
        None | Some(Value::Null) => {}
        Some(v) => match parse_str(v, body_loc("title"), 1, TITLE_MAX) {
            Ok(t) => patch.title = Some(t),
            Err(e) => errors.push(e),
        },
    }
    match body.get("description") {
        None => {}
        Some(Value::Null) => patch.description = Some(None),
        Some(v) => match parse_str(v, body_loc("description"), 0, DESCRIPTION_MAX) {
            Ok(d) => patch.description = Some(Some(d)),
            Err(e) => errors.push(e),
        },
    }
    match body.get("completed") {
        None | Some(Value::Null) => {}
        Some(v) => match parse_py_bool(v, body_loc("completed")) {
            Ok(b) => patch.completed = Some(b),
            Err(e) => errors.push(e),
        },
    }
    if errors.is_empty() { Ok(patch) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::field_error::render_errors;

    #[test]
    fn missing_title_echoes_body_in_request_order() {
        let body: Body = serde_json::from_str(r#"{"zeta": 1, "completed": true, "a": 2}"#).unwrap();
        let errors = validate_create(&RawBody::Value(body)).unwrap_err();
        let rendered = String::from_utf8(render_errors(&errors)).unwrap();
        assert!(rendered.contains(r#""input":{"zeta":1,"completed":true,"a":2}"#), "{rendered}");
        let parsed: Value = serde_json::from_str(&rendered).unwrap();
        assert_eq!(parsed["detail"][0]["type"], "missing");
    }
}
