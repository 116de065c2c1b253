//! Reading a request body the way FastAPI does, before any model sees it.
//!
//! Owns: the content-type rule, the empty body, the UTF-8 check and JSON decoding into a
//! [`Body`] that keeps object keys in request order. Promises: what FastAPI refuses before
//! validation comes back as the answer FastAPI sends — a `json_invalid` 422 with Python's
//! message and character position (via [`super::pyjson`]), or its 400 — and everything else
//! reaches the model as [`RawBody`].

use std::collections::HashMap;
use std::fmt;

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value, json};

use super::errors::ApiError;
use super::field_error::{FieldError, Input};
use super::pyjson::{PyJsonError, python_json_error};

const MSG_JSON_INVALID: &str = "JSON decode error";
/// Starlette/FastAPI's answer when the body cannot even be decoded (not UTF-8, too deep).
const MSG_BODY_PARSE: &str = "There was an error parsing the body";

/// A decoded JSON body. Objects keep their keys in request order (Python dicts do, and the
/// `input` echoed in a `missing` error shows the whole object), later duplicates overwrite.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Object(Vec<(String, Value)>),
    Other(Value),
}

impl Body {
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Body::Object(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Body::Other(_) => None,
        }
    }

    /// The body as pydantic shows it in `input`.
    pub fn echo(&self) -> Input {
        match self {
            Body::Object(pairs) => Input::Object(pairs.clone()),
            Body::Other(v) => Input::Value(v.clone()),
        }
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Body, E> {
        Ok(Body::Other(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Body, E> {
        Ok(Body::Other(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Body, E> {
        Ok(Body::Other(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Body, E> {
        Ok(Body::Other(Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Body, E> {
        Ok(Body::Other(Value::from(v)))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Body, E> {
        Ok(Body::Other(Value::String(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Body, E> {
        Ok(Body::Other(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Body, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            items.push(v);
        }
        Ok(Body::Other(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let mut pairs: Vec<(String, Value)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            // Python dicts: a repeated key keeps its first position and takes the last value.
            match index.get(&k) {
                Some(&i) => pairs[i].1 = v,
                None => {
                    index.insert(k.clone(), pairs.len());
                    pairs.push((k, v));
                }
            }
        }
        Ok(Body::Object(pairs))
    }
}

/// What FastAPI hands to the model: nothing (empty body or JSON `null`), a decoded JSON value,
/// or raw text (a body whose content type is not JSON).
pub enum RawBody {
    Missing,
    Value(Body),
}

/// Reads a body as FastAPI does. `Err` is an answer to send at once (json_invalid or 400),
/// before any other validation, exactly as FastAPI does it.
pub fn read_body(headers: &HeaderMap, bytes: &[u8]) -> Result<RawBody, ApiError> {
    if bytes.is_empty() {
        return Ok(RawBody::Missing);
    }
    if let Some(ct) = headers.get(CONTENT_TYPE)
        && !is_json_content_type(ct.to_str().unwrap_or(""))
    {
        // FastAPI passes the raw bytes to the model, which refuses them as a non-object.
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Ok(RawBody::Value(Body::Other(Value::String(text))));
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(ApiError::BadRequest(MSG_BODY_PARSE));
    };
    match serde_json::from_str::<Body>(text) {
        Ok(Body::Other(Value::Null)) => Ok(RawBody::Missing),
        Ok(body) => Ok(RawBody::Value(body)),
        Err(_) => match python_json_error(text) {
            Some(PyJsonError::Decode { pos, msg }) => {
                let loc = vec![Value::from("body"), Value::from(pos)];
                let e = FieldError::new("json_invalid", loc, MSG_JSON_INVALID, json!({}))
                    .with_ctx(json!({ "error": msg }));
                Err(ApiError::Validation(vec![e]))
            }
            // Python would have decoded it (NaN, huge numbers, lone surrogates, deep nesting
            // up to Python's limit) or failed outside JSONDecodeError: FastAPI's 400.
            Some(PyJsonError::TooDeep) | None => Err(ApiError::BadRequest(MSG_BODY_PARSE)),
        },
    }
}

fn is_json_content_type(ct: &str) -> bool {
    let main = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match main.split_once('/') {
        Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
        _ => false,
    }
}
