//! One refusal of a request, shaped like a pydantic v2 validation error, and the 422 body.
//!
//! Owns: [`FieldError`] (an entry of FastAPI's 422 `detail` list) and its serialisation.
//! Promises: [`render_errors`] writes pydantic's key order (type, loc, msg, input, ctx) and keeps
//! an echoed request object in request key order, as Python dicts do. Imports nothing of the
//! server: the parsers and the error answers both build on it.

use serde_json::Value;

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
    pub fn new(kind: &'static str, loc: Vec<Value>, msg: impl Into<String>, input: Value) -> Self {
        FieldError { kind, loc, msg: msg.into(), input: Input::Value(input), ctx: None }
    }

    /// The same error with pydantic's `ctx` (the limit a length error was held to, ...).
    pub fn with_ctx(mut self, ctx: Value) -> Self {
        self.ctx = Some(Box::new(ctx));
        self
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_pydantic_key_order_and_keeps_object_order() {
        let missing = FieldError {
            input: Input::Object(vec![("zeta".into(), json!(1)), ("a".into(), json!(2))]),
            ..FieldError::new("missing", vec![json!("body"), json!("title")], "Field required", Value::Null)
        };
        let short = FieldError::new("string_too_short", vec![json!("body")], "short", json!(""))
            .with_ctx(json!({"min_length": 1}));
        let text = String::from_utf8(render_errors(&[missing, short])).unwrap();
        assert_eq!(
            text,
            r#"{"detail":[{"type":"missing","loc":["body","title"],"msg":"Field required","input":{"zeta":1,"a":2}},{"type":"string_too_short","loc":["body"],"msg":"short","input":"","ctx":{"min_length":1}}]}"#
        );
    }
}
