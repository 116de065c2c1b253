//! A user's cookie jar, as a `requests.Session` keeps one: cookies set by responses are sent
//! back on later requests whose host and path match (RFC 6265: domain and path matching,
//! `Max-Age`/`Expires`, `Secure`). Each virtual user has its own jar, so logins don't mix.

use std::time::SystemTime;

use super::origin::Origin;

#[derive(Debug, Clone)]
struct Cookie {
    name: String,
    value: String,
    /// Lower-case host or domain, without a leading dot.
    domain: String,
    /// Only the exact host that set it (no `Domain` attribute).
    host_only: bool,
    path: String,
    secure: bool,
    expires: Option<SystemTime>,
}

/// Cookies one user keeps at most (browsers keep a few hundred across all sites).
const MAX_COOKIES: usize = 300;

#[derive(Debug, Default)]
pub(crate) struct CookieJar {
    cookies: Vec<Cookie>,
}

impl CookieJar {
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// Stores (or, when expired, removes) the cookie of one `Set-Cookie` header from a response
    /// to `target` on `origin`. A malformed or foreign-domain cookie is ignored, as browsers do.
    pub fn store(&mut self, origin: &Origin, target: &str, header: &str) {
        let mut parts = header.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else { return };
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let mut cookie = Cookie {
            name: name.to_string(),
            value: value.trim().trim_matches('"').to_string(),
            domain: origin.host.clone(),
            host_only: true,
            path: default_path(target).to_string(),
            secure: false,
            expires: None,
        };
        let mut max_age_seen = false;
        for attribute in parts {
            let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
            let (key, value) = (key.trim(), value.trim());
            if key.eq_ignore_ascii_case("domain") && !value.is_empty() {
                let domain = value.trim_start_matches('.').to_ascii_lowercase();
                if !domain_matches(&origin.host, &domain) {
                    return;
                }
                cookie.host_only = domain == origin.host;
                cookie.domain = domain;
            } else if key.eq_ignore_ascii_case("path") && value.starts_with('/') {
                cookie.path = value.to_string();
            } else if key.eq_ignore_ascii_case("secure") {
                cookie.secure = true;
            } else if key.eq_ignore_ascii_case("max-age") {
                if let Ok(seconds) = value.parse::<i64>() {
                    max_age_seen = true;
                    // A lifetime past what the clock can hold (Max-Age=9223372036854775807) is
                    // "never expires", not an overflow.
                    cookie.expires = if seconds <= 0 {
                        Some(SystemTime::UNIX_EPOCH)
                    } else {
                        SystemTime::now().checked_add(std::time::Duration::from_secs(seconds as u64))
                    };
                }
            } else if key.eq_ignore_ascii_case("expires") && !max_age_seen {
                // Max-Age wins over Expires whichever comes first.
                if let Ok(when) = httpdate::parse_http_date(value) {
                    cookie.expires = Some(when);
                }
            }
        }
        self.cookies.retain(|old| {
            !(old.name == cookie.name && old.domain == cookie.domain && old.path == cookie.path)
        });
        if cookie.expires.is_none_or(|when| when > SystemTime::now()) {
            if self.cookies.len() >= MAX_COOKIES {
                // A target that sets a new cookie on every answer must not grow the jar for the
                // whole run: the oldest goes, as browsers evict.
                self.cookies.remove(0);
            }
            self.cookies.push(cookie);
        }
    }

    /// The `Cookie` header for a request to `target` on `origin`, or `None` when no cookie
    /// matches. Longer paths first, as RFC 6265 asks.
    pub fn header(&mut self, origin: &Origin, target: &str) -> Option<String> {
        let now = SystemTime::now();
        self.cookies.retain(|cookie| cookie.expires.is_none_or(|when| when > now));
        let path = target.split('?').next().unwrap_or("/");
        let mut matching: Vec<&Cookie> = self
            .cookies
            .iter()
            .filter(|cookie| {
                let host_ok = if cookie.host_only {
                    cookie.domain == origin.host
                } else {
                    domain_matches(&origin.host, &cookie.domain)
                };
                host_ok && path_matches(path, &cookie.path) && (origin.tls || !cookie.secure)
            })
            .collect();
        if matching.is_empty() {
            return None;
        }
        matching.sort_by_key(|cookie| std::cmp::Reverse(cookie.path.len()));
        let pairs: Vec<String> = matching.iter().map(|c| format!("{}={}", c.name, c.value)).collect();
        Some(pairs.join("; "))
    }
}

fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && host.parse::<std::net::IpAddr>().is_err())
}

fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || request_path.as_bytes()[cookie_path.len()] == b'/'))
}

/// RFC 6265 5.1.4: the directory of the request path (`/a/b` → `/a`, `/a` → `/`).
fn default_path(target: &str) -> &str {
    let path = target.split('?').next().unwrap_or("/");
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(index) => &path[..index],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: &str) -> Origin {
        Origin::parse(url).unwrap().0
    }

    #[test]
    fn a_cookie_goes_back_to_its_host_and_path_only() {
        let lab = origin("http://127.0.0.1:8000");
        let mut jar = CookieJar::default();
        jar.store(&lab, "/login", "session=abc; Path=/; HttpOnly");
        jar.store(&lab, "/admin/x", "admin=1");
        assert_eq!(jar.header(&lab, "/todos/").as_deref(), Some("session=abc"));
        assert_eq!(jar.header(&lab, "/admin/y?z=1").as_deref(), Some("admin=1; session=abc"));
        assert_eq!(jar.header(&origin("http://localhost:8000"), "/"), None);
    }

    #[test]
    fn hostile_cookies_neither_panic_nor_grow_the_jar() {
        let lab = origin("http://127.0.0.1:8000");
        let mut jar = CookieJar::default();
        jar.store(&lab, "/", "forever=1; Max-Age=9223372036854775807");
        jar.store(&lab, "/", "old=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT");
        assert!(jar.header(&lab, "/").is_some_and(|header| header.contains("forever=1")));
        for index in 0..5_000 {
            jar.store(&lab, "/", &format!("c{index}=x"));
        }
        assert_eq!(jar.cookies.len(), MAX_COOKIES);
        assert!(jar.header(&lab, "/").is_some_and(|header| header.contains("c4999=x")));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        #[test]
        fn any_set_cookie_is_stored_or_ignored(header in "\\PC{0,80}", attributes in "(; ?(Max-Age|Expires|Domain|Path|Secure)=?[-0-9A-Za-z ,:./]{0,30}){0,4}") {
            let lab = origin("http://127.0.0.1:8000");
            let mut jar = CookieJar::default();
            jar.store(&lab, "/a/b", &format!("{header}{attributes}"));
            let _ = jar.header(&lab, "/a/b?c");
        }
    }

    #[test]
    fn expiry_removes_and_replaces() {
        let lab = origin("http://127.0.0.1:8000");
        let mut jar = CookieJar::default();
        jar.store(&lab, "/", "a=1");
        jar.store(&lab, "/", "a=2");
        assert_eq!(jar.header(&lab, "/").as_deref(), Some("a=2"));
        jar.store(&lab, "/", "a=gone; Max-Age=0");
        assert_eq!(jar.header(&lab, "/"), None);
        jar.store(&lab, "/", "b=1; Expires=Thu, 01 Jan 1970 00:00:01 GMT");
        assert!(jar.is_empty());
    }

    #[test]
    fn domain_and_secure_attributes_are_honoured() {
        let site = origin("http://app.example.com");
        let mut jar = CookieJar::default();
        jar.store(&site, "/", "wide=1; Domain=.example.com");
        jar.store(&site, "/", "foreign=1; Domain=other.com");
        jar.store(&site, "/", "safe=1; Secure");
        assert_eq!(jar.header(&origin("http://api.example.com"), "/").as_deref(), Some("wide=1"));
        assert_eq!(jar.header(&site, "/").as_deref(), Some("wide=1"));
        assert_eq!(jar.header(&origin("https://app.example.com"), "/").as_deref(), Some("wide=1; safe=1"));
    }
}
