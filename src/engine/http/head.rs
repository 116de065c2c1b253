//! An answer's head as the wire brings it: parsed with `httparse` into [`Parts`], and what the
//! head says about the body and the connection (its Content-Length, whether it keeps alive).

use http::header::{self, HeaderName, HeaderValue};
use http::response::Parts;
use http::{Response, StatusCode, Version};

use super::failure::Failure;

const MAX_HEADERS: usize = 100;

/// The answer's Content-Length, if it has one; two different ones are a framing error.
pub(super) fn content_length(parts: &Parts) -> Result<Option<u64>, Failure> {
    let mut found = None;
    for value in parts.headers.get_all(header::CONTENT_LENGTH) {
        let length = value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse::<u64>().ok())
            .ok_or_else(|| Failure::Protocol("Content-Length 값이 올바르지 않아요".into()))?;
        if found.is_some_and(|seen| seen != length) {
            return Err(Failure::Protocol("Content-Length가 서로 다른 값으로 두 번 왔어요".into()));
        }
        found = Some(length);
    }
    Ok(found)
}

/// The answer's head, and its length in bytes, once `buffer` holds all of it.
pub(super) fn parse_head(buffer: &[u8]) -> Result<Option<(Parts, usize)>, Failure> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut slots);
    let head_len = match response.parse(buffer) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(error) => return Err(Failure::Protocol(error.to_string())),
    };
    let code = response.code.ok_or_else(|| Failure::Protocol("상태 코드가 없어요".into()))?;
    let status = StatusCode::from_u16(code).map_err(|error| Failure::Protocol(error.to_string()))?;
    let mut answer = Response::new(());
    *answer.status_mut() = status;
    *answer.version_mut() = if response.version == Some(0) { Version::HTTP_10 } else { Version::HTTP_11 };
    let headers = answer.headers_mut();
    headers.reserve(response.headers.len());
    for slot in response.headers.iter() {
        let name = HeaderName::from_bytes(slot.name.as_bytes())
            .map_err(|_| Failure::Protocol(format!("헤더 이름 '{}'", slot.name)))?;
        let value = HeaderValue::from_bytes(slot.value)
            .map_err(|_| Failure::Protocol(format!("헤더 '{}'의 값", slot.name)))?;
        headers.append(name, value);
    }
    Ok(Some((answer.into_parts().0, head_len)))
}

/// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 only when told `keep-alive`.
pub(super) fn keeps_alive(parts: &Parts) -> bool {
    let says = |token: &str| {
        parts.headers.get_all(header::CONNECTION).iter().any(|value| {
            value
                .to_str()
                .is_ok_and(|text| text.split(',').any(|part| part.trim().eq_ignore_ascii_case(token)))
        })
    };
    match parts.version {
        Version::HTTP_10 => says("keep-alive"),
        _ => !says("close"),
    }
}
