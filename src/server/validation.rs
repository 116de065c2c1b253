//! Request validation, faithful to FastAPI + pydantic v2 (lax mode).
//!
//! Owns: reading a request body the way FastAPI does (content type, empty body, JSON decoding
//! with Python's `json` error messages and positions), pydantic's lax integer and boolean
//! parsing, and the field rules of `TodoCreate` / `TodoUpdate`. Promises: every refusal is a
//! [`FieldError`] with pydantic's `type`, `loc`, `msg`, `input` (and `ctx` where pydantic gives
//! one), in pydantic's order (fields in model order: title, description, completed).

use std::collections::HashMap;
use std::fmt;

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value, json};

use super::errors::ApiError;

pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;

const MSG_MISSING: &str = "Field required";
const MSG_STRING_TYPE: &str = "Input should be a valid string";
const MSG_BOOL_TYPE: &str = "Input should be a valid boolean";
const MSG_BOOL_PARSING: &str = "Input should be a valid boolean, unable to interpret input";
const MSG_INT_PARSING: &str = "Input should be a valid integer, unable to parse string as an integer";
const MSG_INT_SIZE: &str = "Unable to parse input string as an integer, exceeded maximum size";
const MSG_MODEL_TYPE: &str = "Input should be a valid dictionary or object to extract fields from";
const MSG_JSON_INVALID: &str = "JSON decode error";
/// Starlette/FastAPI's answer when the body cannot even be decoded (not UTF-8, too deep).
pub const MSG_BODY_PARSE: &str = "There was an error parsing the body";

/// One entry of a 422 `detail` list.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub kind: &'static str,
    pub loc: Vec<Value>,
    pub msg: String,
    pub input: Input,
    /// Boxed: most errors have none, and it keeps `Result<_, FieldError>` small.
    pub ctx: Option<Box<Value>>,
}

/// The `input` of an error: a plain value, or a request object kept in request key order
/// (serde_json's `Map` sorts keys; Python dicts keep insertion order).
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Value(Value),
    Object(Vec<(String, Value)>),
}

impl FieldError {
    fn new(kind: &'static str, loc: Vec<Value>, msg: impl Into<String>, input: Value) -> Self {
        FieldError { kind, loc, msg: msg.into(), input: Input::Value(input), ctx: None }
    }
}

/// Serialises a 422 body `{"detail": [...]}` with pydantic's key order: type, loc, msg,
/// input, ctx.
pub fn render_errors(errors: &[FieldError]) -> Vec<u8> {
    let mut out = String::from("{\"detail\":[");
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"type\":");
        out.push_str(&Value::from(e.kind).to_string());
        out.push_str(",\"loc\":");
        out.push_str(&Value::Array(e.loc.clone()).to_string());
        out.push_str(",\"msg\":");
        out.push_str(&Value::from(e.msg.as_str()).to_string());
        out.push_str(",\"input\":");
        match &e.input {
            Input::Value(v) => out.push_str(&v.to_string()),
            Input::Object(pairs) => {
                out.push('{');
                for (k, (key, v)) in pairs.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(key.as_str()).to_string());
                    out.push(':');
                    out.push_str(&v.to_string());
                }
                out.push('}');
            }
        }
        if let Some(ctx) = &e.ctx {
            out.push_str(",\"ctx\":");
            out.push_str(&ctx.to_string());
        }
        out.push('}');
    }
    out.push_str("]}");
    out.into_bytes()
}

fn body_loc(field: &str) -> Vec<Value> {
    vec![Value::from("body"), Value::from(field)]
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/// A decoded JSON body. Objects keep their keys in request order (Python dicts do, and the
/// `input` echoed in a `missing` error shows the whole object), later duplicates overwrite.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Object(Vec<(String, Value)>),
    Other(Value),
}

impl Body {
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Body::Object(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Body::Other(_) => None,
        }
    }

    /// The body as pydantic shows it in `input`.
    fn echo(&self) -> Input {
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
                let mut e = FieldError::new(
                    "json_invalid",
                    vec![Value::from("body"), Value::from(pos)],
                    MSG_JSON_INVALID,
                    json!({}),
                );
                e.ctx = Some(Box::new(json!({ "error": msg })));
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

// ---------------------------------------------------------------------------------------------
// Python's json error positions and messages (CPython's C scanner, 3.11/3.12 wording)

pub enum PyJsonError {
    /// `json.JSONDecodeError`: the message without "line/column", and the character index.
    Decode { pos: usize, msg: &'static str },
    /// Nesting beyond what we are willing to scan (Python raises RecursionError: 400).
    TooDeep,
}

const MAX_SCAN_DEPTH: usize = 1000;

/// Where and why Python's `json.loads` fails on `text`, or `None` if Python accepts it.
/// Positions count characters (Python indexes the decoded `str`), equal to bytes for ASCII.
pub fn python_json_error(text: &str) -> Option<PyJsonError> {
    let s: Vec<char> = text.chars().collect();
    let scan = Scanner { s: &s };
    let start = scan.skip_ws(0);
    match scan.value(start, 0) {
        Err(ScanFail::Stop(idx)) => Some(PyJsonError::Decode { pos: idx, msg: "Expecting value" }),
        Err(ScanFail::Decode(pos, msg)) => Some(PyJsonError::Decode { pos, msg }),
        Err(ScanFail::TooDeep) => Some(PyJsonError::TooDeep),
        Ok(end) => {
            let end = scan.skip_ws(end);
            (end != s.len()).then_some(PyJsonError::Decode { pos: end, msg: "Extra data" })
        }
    }
}

enum ScanFail {
    /// StopIteration(idx): surfaces as "Expecting value" at idx.
    Stop(usize),
    Decode(usize, &'static str),
    TooDeep,
}

struct Scanner<'a> {
    s: &'a [char],
}

impl Scanner<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while matches!(self.at(i), Some(' ' | '\t' | '\n' | '\r')) {
            i += 1;
        }
        i
    }

    fn starts(&self, i: usize, word: &str) -> bool {
        word.chars().enumerate().all(|(k, c)| self.at(i + k) == Some(c))
    }

    fn value(&self, idx: usize, depth: usize) -> Result<usize, ScanFail> {
        if depth > MAX_SCAN_DEPTH {
            return Err(ScanFail::TooDeep);
        }
        match self.at(idx) {
            None => Err(ScanFail::Stop(idx)),
            Some('"') => self.string(idx + 1),
            Some('{') => self.object(idx + 1, depth + 1),
            Some('[') => self.array(idx + 1, depth + 1),
            Some('n') if self.starts(idx, "null") => Ok(idx + 4),
            Some('t') if self.starts(idx, "true") => Ok(idx + 4),
            Some('f') if self.starts(idx, "false") => Ok(idx + 5),
            Some('N') if self.starts(idx, "NaN") => Ok(idx + 3),
            Some('I') if self.starts(idx, "Infinity") => Ok(idx + 8),
            Some('-') if self.starts(idx, "-Infinity") => Ok(idx + 9),
            Some(_) => self.number(idx),
        }
    }

    fn digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn number(&self, start: usize) -> Result<usize, ScanFail> {
        let mut i = start;
        if self.at(i) == Some('-') {
            i += 1;
        }
        match self.at(i) {
            Some('1'..='9') => {
                i += 1;
                while self.digit(i) {
                    i += 1;
                }
            }
            Some('0') => i += 1,
            _ => return Err(ScanFail::Stop(start)),
        }
        if self.at(i) == Some('.') && self.digit(i + 1) {
            i += 2;
            while self.digit(i) {
                i += 1;
            }
        }
        if matches!(self.at(i), Some('e' | 'E')) {
            let e_start = i;
            i += 1;
            if matches!(self.at(i), Some('-' | '+')) {
                i += 1;
            }
            while self.digit(i) {
                i += 1;
            }
            if !self.digit(i - 1) {
                i = e_start;
            }
        }
        Ok(i)
    }

    /// `begin_content` is just after the opening quote.
    fn string(&self, begin_content: usize) -> Result<usize, ScanFail> {
        let begin = begin_content - 1;
        let unterminated = ScanFail::Decode(begin, "Unterminated string starting at");
        let mut i = begin_content;
        loop {
            let c = loop {
                match self.at(i) {
                    None => return Err(unterminated),
                    Some(c @ ('"' | '\\')) => break c,
                    Some(c) if (c as u32) <= 0x1f => {
                        return Err(ScanFail::Decode(i, "Invalid control character at"));
                    }
                    Some(_) => i += 1,
                }
            };
            if c == '"' {
                return Ok(i + 1);
            }
            i += 1; // past the backslash
            let Some(esc) = self.at(i) else {
                return Err(unterminated);
            };
            if esc != 'u' {
                if !matches!(esc, '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') {
                    return Err(ScanFail::Decode(i - 1, "Invalid \\escape"));
                }
                i += 1;
                continue;
            }
            let u_pos = i;
            let end = i + 5;
            if end >= self.s.len() {
                return Err(ScanFail::Decode(u_pos, "Invalid \\uXXXX escape"));
            }
            if !(i + 1..end).all(|k| self.at(k).is_some_and(|c| c.is_ascii_hexdigit())) {
                return Err(ScanFail::Decode(u_pos, "Invalid \\uXXXX escape"));
            }
            let hex: String = self.s[i + 1..end].iter().collect();
            let code = u32::from_str_radix(&hex, 16).unwrap_or(0);
            i = end;
            // A high surrogate takes a following \uXXXX along, which must be hex too.
            if (0xd800..0xdc00).contains(&code)
                && end + 6 < self.s.len()
                && self.at(end) == Some('\\')
                && self.at(end + 1) == Some('u')
            {
                if !(end + 2..end + 6).all(|k| self.at(k).is_some_and(|c| c.is_ascii_hexdigit())) {
                    return Err(ScanFail::Decode(end + 1, "Invalid \\uXXXX escape"));
                }
                i = end + 6;
            }
        }
    }

    fn object(&self, after_brace: usize, depth: usize) -> Result<usize, ScanFail> {
        let mut i = self.skip_ws(after_brace);
        if self.at(i) == Some('}') {
            return Ok(i + 1);
        }
        loop {
            if self.at(i) != Some('"') {
                return Err(ScanFail::Decode(i, "Expecting property name enclosed in double quotes"));
            }
            i = self.string(i + 1)?;
            i = self.skip_ws(i);
            if self.at(i) != Some(':') {
                return Err(ScanFail::Decode(i, "Expecting ':' delimiter"));
            }
            i = self.skip_ws(i + 1);
            i = self.value(i, depth)?;
            i = self.skip_ws(i);
            match self.at(i) {
                Some('}') => return Ok(i + 1),
                Some(',') => i = self.skip_ws(i + 1),
                _ => return Err(ScanFail::Decode(i, "Expecting ',' delimiter")),
            }
        }
    }

    fn array(&self, after_bracket: usize, depth: usize) -> Result<usize, ScanFail> {
        let mut i = self.skip_ws(after_bracket);
        if self.at(i) == Some(']') {
            return Ok(i + 1);
        }
        loop {
            i = self.value(i, depth)?;
            i = self.skip_ws(i);
            match self.at(i) {
                Some(']') => return Ok(i + 1),
                Some(',') => i = self.skip_ws(i + 1),
                _ => return Err(ScanFail::Decode(i, "Expecting ',' delimiter")),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Integers (path ids, skip/limit) and booleans

/// A Python int parsed from a string: most fit in i64; larger ones are valid to pydantic too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyInt {
    Small(i64),
    /// Too large for i64: the decimal digits with sign, normalised (no `+`, no leading zeros).
    Big {
        digits: String,
        negative: bool,
    },
}

impl PyInt {
    /// Clamped into i64 (for skip/limit, where "beyond any row" is the meaning).
    pub fn saturating(&self) -> i64 {
        match self {
            PyInt::Small(v) => *v,
            PyInt::Big { negative: true, .. } => i64::MIN,
            PyInt::Big { negative: false, .. } => i64::MAX,
        }
    }
}

impl fmt::Display for PyInt {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            PyInt::Small(v) => write!(f, "{v}"),
            PyInt::Big { digits, negative } => {
                write!(f, "{}{digits}", if *negative { "-" } else { "" })
            }
        }
    }
}

/// pydantic-core's lax `str -> int`: surrounding whitespace, a `+` or `-`, leading zeros,
/// single underscores between digits, and a `.000` tail are all accepted.
pub fn parse_py_int(raw: &str, loc: Vec<Value>) -> Result<PyInt, FieldError> {
    let refuse = |kind, msg| FieldError::new(kind, loc.clone(), msg, Value::from(raw));
    if raw.len() > 4300 {
        return Err(refuse("int_parsing_size", MSG_INT_SIZE));
    }
    let mut s = raw.trim();
    if let Some(rest) = s.strip_prefix('+') {
        if rest.starts_with('-') {
            return Err(refuse("int_parsing", MSG_INT_PARSING));
        }
        s = rest;
    }
    let mut negative = false;
    if let Some(rest) = s.strip_prefix('-') {
        if rest.starts_with(['-', '+']) {
            return Err(refuse("int_parsing", MSG_INT_PARSING));
        }
        negative = true;
        s = rest;
    }
    if let Some((int_part, frac)) = s.split_once('.') {
        if frac.is_empty() || !frac.bytes().all(|b| b == b'0') {
            return Err(refuse("int_parsing", MSG_INT_PARSING));
        }
        s = int_part;
    }
    let b = s.as_bytes();
    let digit_ends = !b.is_empty() && b[0].is_ascii_digit() && b[b.len() - 1].is_ascii_digit();
    if !digit_ends || s.contains("__") || !b.iter().all(|c| c.is_ascii_digit() || *c == b'_') {
        return Err(refuse("int_parsing", MSG_INT_PARSING));
    }
    let cleaned: String = s.chars().filter(|c| *c != '_').collect();
    let digits = cleaned.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let signed = if negative { format!("-{digits}") } else { digits.to_string() };
    Ok(match signed.parse::<i64>() {
        Ok(v) => PyInt::Small(v),
        Err(_) => PyInt::Big { digits: digits.to_string(), negative },
    })
}

/// pydantic's lax bool: true/false, 0/1 (also 0.0/1.0) and the strings
/// 0/1, f/t, n/y, no/yes, off/on, false/true in any case.
fn parse_py_bool(v: &Value, loc: Vec<Value>) -> Result<bool, FieldError> {
    let parsing = || FieldError::new("bool_parsing", loc.clone(), MSG_BOOL_PARSING, v.clone());
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => {
            const FALSE: [&str; 6] = ["0", "f", "n", "no", "off", "false"];
            const TRUE: [&str; 6] = ["1", "t", "y", "on", "yes", "true"];
            if FALSE.iter().any(|w| s.eq_ignore_ascii_case(w)) {
                Ok(false)
            } else if TRUE.iter().any(|w| s.eq_ignore_ascii_case(w)) {
                Ok(true)
            } else {
                Err(parsing())
            }
        }
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return match i {
                    0 => Ok(false),
                    1 => Ok(true),
                    _ => Err(parsing()),
                };
            }
            if n.is_u64() {
                return Err(parsing());
            }
            let f = n.as_f64().unwrap_or(f64::NAN);
            if !f.is_finite() || f.fract() != 0.0 {
                Err(FieldError::new("bool_type", loc, MSG_BOOL_TYPE, v.clone()))
            } else if f == 0.0 {
                Ok(false)
            } else if f == 1.0 {
                Ok(true)
            } else {
                Err(parsing())
            }
        }
        _ => Err(FieldError::new("bool_type", loc, MSG_BOOL_TYPE, v.clone())),
    }
}

/// A string field with pydantic's `min_length` / `max_length`, counted in characters.
fn parse_str(v: &Value, field: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let loc = body_loc(field);
    let Value::String(s) = v else {
        return Err(FieldError::new("string_type", loc, MSG_STRING_TYPE, v.clone()));
    };
    let n = s.chars().count();
    if n < min {
        let mut e = FieldError::new(
            "string_too_short",
            loc,
            format!("String should have at least {min} character{}", plural(min)),
            v.clone(),
        );
        e.ctx = Some(Box::new(json!({ "min_length": min })));
        return Err(e);
    }
    if n > max {
        let mut e = FieldError::new(
            "string_too_long",
            loc,
            format!("String should have at most {max} character{}", plural(max)),
            v.clone(),
        );
        e.ctx = Some(Box::new(json!({ "max_length": max })));
        return Err(e);
    }
    Ok(s.clone())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// ---------------------------------------------------------------------------------------------
// The models

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
        Some(v) => parse_str(v, "title", 1, TITLE_MAX).map_err(|e| errors.push(e)).ok(),
    };
    let description = match body.get("description") {
        None | Some(Value::Null) => None,
        Some(v) => parse_str(v, "description", 0, DESCRIPTION_MAX).map_err(|e| errors.push(e)).ok(),
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
        Some(v) => match parse_str(v, "title", 1, TITLE_MAX) {
            Ok(t) => patch.title = Some(t),
            Err(e) => errors.push(e),
        },
    }
    match body.get("description") {
        None => {}
        Some(Value::Null) => patch.description = Some(None),
        Some(v) => match parse_str(v, "description", 0, DESCRIPTION_MAX) {
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

    fn decode_err(text: &str) -> (usize, &'static str) {
        match python_json_error(text) {
            Some(PyJsonError::Decode { pos, msg }) => (pos, msg),
            _ => panic!("no decode error for {text:?}"),
        }
    }

    #[test]
    fn python_json_errors_match_cpython() {
        // Positions and messages as CPython's json.loads reports them.
        assert_eq!(decode_err("{\"title\": }"), (10, "Expecting value"));
        assert_eq!(decode_err("{title: 1}"), (1, "Expecting property name enclosed in double quotes"));
        assert_eq!(decode_err("{\"a\" 1}"), (5, "Expecting ':' delimiter"));
        assert_eq!(decode_err("{\"a\": 1 \"b\": 2}"), (8, "Expecting ',' delimiter"));
        assert_eq!(decode_err("{\"a\": \"abc"), (6, "Unterminated string starting at"));
        assert_eq!(decode_err("{} x"), (3, "Extra data"));
        assert_eq!(decode_err("[1,]"), (3, "Expecting value"));
        assert_eq!(decode_err("{\"a\":1,}"), (7, "Expecting property name enclosed in double quotes"));
        assert_eq!(decode_err("\"a\\qb\""), (2, "Invalid \\escape"));
        assert_eq!(decode_err("\"\\u12x4\""), (2, "Invalid \\uXXXX escape"));
        assert_eq!(decode_err("\"a\u{1}\""), (2, "Invalid control character at"));
        assert_eq!(decode_err("   "), (3, "Expecting value"));
        // Characters, not bytes: Hangul before the error counts once per syllable.
        assert_eq!(decode_err("{\"제목\": }"), (7, "Expecting value"));
        assert!(python_json_error("{\"a\": [1, 2.5e3, -0, true, null, \"\\u00e9\"]}").is_none());
        assert!(python_json_error("NaN").is_none());
    }

    #[test]
    fn py_int_is_lax_like_pydantic() {
        let p = |s: &str| parse_py_int(s, vec![]).map_err(|e| e.kind);
        assert_eq!(p("42"), Ok(PyInt::Small(42)));
        assert_eq!(p(" 42 "), Ok(PyInt::Small(42)));
        assert_eq!(p("+7"), Ok(PyInt::Small(7)));
        assert_eq!(p("-7"), Ok(PyInt::Small(-7)));
        assert_eq!(p("007"), Ok(PyInt::Small(7)));
        assert_eq!(p("1_000"), Ok(PyInt::Small(1000)));
        assert_eq!(p("5.00"), Ok(PyInt::Small(5)));
        assert_eq!(p("abc"), Err("int_parsing"));
        assert_eq!(p(""), Err("int_parsing"));
        assert_eq!(p("1.5"), Err("int_parsing"));
        assert_eq!(p("1e3"), Err("int_parsing"));
        assert_eq!(p("_1"), Err("int_parsing"));
        assert_eq!(p("1__0"), Err("int_parsing"));
        assert_eq!(p("+-1"), Err("int_parsing"));
        assert_eq!(
            p("0099999999999999999999"),
            Ok(PyInt::Big { digits: "99999999999999999999".into(), negative: false })
        );
        assert_eq!(p(&"9".repeat(5000)), Err("int_parsing_size"));
    }

    #[test]
    fn py_bool_is_lax_like_pydantic() {
        let b = |v: Value| parse_py_bool(&v, vec![]).map_err(|e| e.kind);
        for t in ["yes", "YES", "true", "True", "on", "1", "t", "y", "Y"] {
            assert_eq!(b(json!(t)), Ok(true), "{t}");
        }
        for f in ["no", "false", "OFF", "0", "f", "n"] {
            assert_eq!(b(json!(f)), Ok(false), "{f}");
        }
        assert_eq!(b(json!(1)), Ok(true));
        assert_eq!(b(json!(0.0)), Ok(false));
        assert_eq!(b(json!("maybe")), Err("bool_parsing"));
        assert_eq!(b(json!(" yes")), Err("bool_parsing"));
        assert_eq!(b(json!(2)), Err("bool_parsing"));
        assert_eq!(b(json!(0.5)), Err("bool_type"));
        assert_eq!(b(json!(null)), Err("bool_type"));
        assert_eq!(b(json!([])), Err("bool_type"));
    }

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
