//! Where a request goes: an [`Origin`] (`scheme://host:port`, parsed once per run for the
//! target) and the path sent on the wire, including how a redirect's `Location` resolves
//! against the request it answers.

use http::HeaderValue;

/// `http(s)://host:port`: what one connection is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub tls: bool,
    /// The host name or IP, without brackets or port.
    pub host: String,
    pub port: u16,
    /// The `Host` header: `host` or `host:port` when the port is not the scheme's default.
    pub authority: HeaderValue,
}

impl Origin {
    /// Splits `http(s)://host[:port][/path?query]` into its origin and the rest (`""` when none).
    pub fn parse(url: &str) -> Result<(Origin, &str), String> {
        let (tls, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
            (false, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
            (true, rest)
        } else {
            return Err(format!("http:// 또는 https:// 로 시작해야 해요: '{url}'"));
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        // Credentials in the URL (user:pass@host) are not supported; the host is what follows.
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = split_port(authority)?;
        if host.is_empty() {
            return Err(format!("호스트 이름이 없어요: '{url}'"));
        }
        let default_port = if tls { 443 } else { 80 };
        let port = port.unwrap_or(default_port);
        let shown_host = if host.contains(':') { format!("[{host}]") } else { host.to_string() };
        let authority = if port == default_port { shown_host } else { format!("{shown_host}:{port}") };
        let authority = HeaderValue::try_from(authority)
            .map_err(|_| format!("호스트 이름에 쓸 수 없는 문자가 있어요: '{url}'"))?;
        Ok((Origin { tls, host: host.to_ascii_lowercase(), port, authority }, path))
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

fn split_port(authority: &str) -> Result<(&str, Option<u16>), String> {
    let bad_port = || format!("포트가 올바르지 않아요: '{authority}'");
    if let Some(inner) = authority.strip_prefix('[') {
        // An IPv6 literal: [::1]:8080
        let (host, after) = inner.split_once(']').ok_or_else(bad_port)?;
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port.parse().map_err(|_| bad_port())?))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(bad_port()),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, "")) => Ok((host, None)),
        Some((host, port)) => Ok((host, Some(port.parse().map_err(|_| bad_port())?))),
        None => Ok((authority, None)),
    }
}

/// The request target sent on the wire: `path` with its fragment removed and every byte that
/// may not appear in a request line percent-encoded (spaces, Hangul, quotes …), plus `query`
/// pairs form-encoded. Writes into `out` (cleared first) so the caller can reuse one buffer.
pub(crate) fn write_target(out: &mut String, base: &str, path: &str, query: &[(String, String)]) {
    out.clear();
    let path = path.split('#').next().unwrap_or("");
    for part in [base, path] {
        encode_into(out, part, |byte| byte > b' ' && byte < 0x7f && !b"\"<>\\^`{|}".contains(&byte));
    }
    if out.is_empty() || out.starts_with('?') {
        out.insert(0, '/');
    }
    let mut separator = if out.contains('?') { '&' } else { '?' };
    for (key, value) in query {
        out.push(separator);
        separator = '&';
        encode_into(out, key, unreserved);
        out.push('=');
        encode_into(out, value, unreserved);
    }
}

/// Characters a form-encoded query key or value keeps as they are.
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~*".contains(&byte)
}

fn encode_into(out: &mut String, text: &str, keep: impl Fn(u8) -> bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if text.bytes().all(&keep) {
        out.push_str(text);
        return;
    }
    for byte in text.bytes() {
        if keep(byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[(byte >> 4) as usize] as char);
            out.push(HEX[(byte & 15) as usize] as char);
        }
    }
}

/// Where a redirect's `location` points, seen from a request to `origin` with wire target
/// `target`: the new origin (if it changed) and the new wire target.
pub(crate) fn resolve_location(
    origin: &Origin,
    target: &str,
    location: &str,
) -> Result<(Option<Origin>, String), String> {
    let location = location.trim();
    if location.starts_with("//") {
        let scheme = if origin.tls { "https:" } else { "http:" };
        return resolve_location(origin, target, &format!("{scheme}{location}"));
    }
    if location.contains("://") {
        let (next, path) = Origin::parse(location)?;
        let mut wire = String::new();
        write_target(&mut wire, "", path, &[]);
        let changed = next != *origin;
        return Ok((changed.then_some(next), wire));
    }
    let mut wire = String::new();
    if location.starts_with('/') {
        write_target(&mut wire, "", location, &[]);
    } else if location.starts_with('?') {
        let path = target.split('?').next().unwrap_or("/");
        write_target(&mut wire, path, location, &[]);
    } else {
        // Relative to the current path's directory (RFC 3986 merge, without dot segments).
        let path = target.split('?').next().unwrap_or("/");
        let directory = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        write_target(&mut wire, directory, location, &[]);
    }
    Ok((None, wire))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any `-H` value or `Location` a target sends is an origin or a sentence.
        #[test]
        fn any_host_or_location_is_an_origin_or_a_sentence(
            text in "(https?://)?[\\PC@:/\\[\\]?#%.]{0,40}",
        ) {
            if let Ok((origin, _)) = Origin::parse(&text) {
                let _ = resolve_location(&origin, "/a/b?c", &text);
                let _ = resolve_location(&origin, "/", "../../x");
            }
        }
    }

    #[test]
    fn parses_origins_with_and_without_ports() {
        let (origin, rest) = Origin::parse("http://127.0.0.1:8000/api").unwrap();
        assert_eq!((origin.tls, origin.host.as_str(), origin.port, rest), (false, "127.0.0.1", 8000, "/api"));
        assert_eq!(origin.authority, "127.0.0.1:8000");
        let (origin, rest) = Origin::parse("HTTPS://Example.com").unwrap();
        assert_eq!((origin.tls, origin.host.as_str(), origin.port, rest), (true, "example.com", 443, ""));
        assert_eq!(origin.authority, "Example.com");
        let (origin, _) = Origin::parse("http://[::1]:9/").unwrap();
        assert_eq!((origin.host.as_str(), origin.port), ("::1", 9));
        assert!(Origin::parse("ftp://x").is_err());
        assert!(Origin::parse("http://host:http/").is_err());
    }

    #[test]
    fn wire_targets_are_encoded_once() {
        let mut out = String::new();
        let query = [("q".to_string(), "a b&c".to_string()), ("n".to_string(), "3".to_string())];
        write_target(&mut out, "/api", "/todos/할 일#frag", &query);
        assert_eq!(out, "/api/todos/%ED%95%A0%20%EC%9D%BC?q=a%20b%26c&n=3");
        let mut out = String::new();
        write_target(&mut out, "", "/todos/?skip=1", &query[1..]);
        assert_eq!(out, "/todos/?skip=1&n=3");
        let mut out = String::new();
        write_target(&mut out, "", "", &[]);
        assert_eq!(out, "/");
    }

    #[test]
    fn locations_resolve_like_a_browser() {
        let (origin, _) = Origin::parse("http://127.0.0.1:8000").unwrap();
        assert_eq!(resolve_location(&origin, "/a/b?x=1", "/c").unwrap(), (None, "/c".to_string()));
        assert_eq!(resolve_location(&origin, "/a/b?x=1", "c").unwrap(), (None, "/a/c".to_string()));
        assert_eq!(resolve_location(&origin, "/a/b", "?y=2").unwrap(), (None, "/a/b?y=2".to_string()));
        let (same, path) = resolve_location(&origin, "/", "http://127.0.0.1:8000/d").unwrap();
        assert_eq!((same, path.as_str()), (None, "/d"));
        let (other, path) = resolve_location(&origin, "/", "//localhost:9/e").unwrap();
        assert_eq!((other.unwrap().port, path.as_str()), (9, "/e"));
    }
}
