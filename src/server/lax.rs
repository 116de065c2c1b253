//! pydantic v2's lax parsing of the scalars the contract takes: integers (path ids, `skip`,
//! `limit`), booleans (`completed`) and length-limited strings (`title`, `description`).
//!
//! Owns: what pydantic-core accepts in lax mode and how it refuses the rest. Promises: every
//! refusal is a [`FieldError`] with pydantic's `type`, English `msg`, the `input` as sent, and
//! `ctx` where pydantic gives one, at the `loc` the caller names.

use std::fmt;

use serde_json::{Value, json};

use super::field_error::FieldError;

const MSG_STRING_TYPE: &str = "Input should be a valid string";
const MSG_BOOL_TYPE: &str = "Input should be a valid boolean";
const MSG_BOOL_PARSING: &str = "Input should be a valid boolean, unable to interpret input";
const MSG_INT_PARSING: &str = "Input should be a valid integer, unable to parse string as an integer";
const MSG_INT_SIZE: &str = "Unable to parse input string as an integer, exceeded maximum size";

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
pub fn parse_py_bool(v: &Value, loc: Vec<Value>) -> Result<bool, FieldError> {
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

/// A string with pydantic's `min_length` / `max_length`, counted in characters.
pub fn parse_str(v: &Value, loc: Vec<Value>, min: usize, max: usize) -> Result<String, FieldError> {
    let Value::String(s) = v else {
        return Err(FieldError::new("string_type", loc, MSG_STRING_TYPE, v.clone()));
    };
    let n = s.chars().count();
    if n < min {
        let msg = format!("String should have at least {min} character{}", plural(min));
        return Err(
            FieldError::new("string_too_short", loc, msg, v.clone()).with_ctx(json!({ "min_length": min }))
        );
    }
    if n > max {
        let msg = format!("String should have at most {max} character{}", plural(max));
        return Err(
            FieldError::new("string_too_long", loc, msg, v.clone()).with_ctx(json!({ "max_length": max }))
        );
    }
    Ok(s.clone())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn str_lengths_count_characters_and_say_the_limit() {
        let s = |v: Value| parse_str(&v, vec![], 1, 3).map_err(|e| (e.kind, e.msg, e.ctx));
        assert_eq!(s(json!("가나다")), Ok("가나다".to_string()));
        assert_eq!(
            s(json!("")),
            Err((
                "string_too_short",
                "String should have at least 1 character".into(),
                Some(Box::new(json!({"min_length": 1})))
            ))
        );
        assert_eq!(
            s(json!("가나다라")),
            Err((
                "string_too_long",
                "String should have at most 3 characters".into(),
                Some(Box::new(json!({"max_length": 3})))
            ))
        );
        assert_eq!(s(json!(5)).map_err(|e| e.0), Err("string_type"));
    }
}
