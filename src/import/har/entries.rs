//! A recording's entries: which of them a scenario can send (the browser's own requests and
//! unreadable ones set aside), which are static assets, and which host is the recorded
//! application's.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::import::Method;

/// Resource types (Chrome's `_resourceType`) and file endings that are a page's static assets.
const STATIC_TYPES: [&str; 8] =
    ["script", "stylesheet", "image", "font", "media", "manifest", "texttrack", "ping"];
const STATIC_ENDINGS: [&str; 20] = [
    ".js", ".mjs", ".css", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp4", ".webm", ".mp3",
];
const STATIC_MIME_PREFIXES: [&str; 6] =
    ["image/", "font/", "text/css", "video/", "audio/", "application/font"];

/// One recorded request a scenario can send.
pub(super) struct Entry<'a> {
    pub index: usize,
    pub json: &'a Value,
    pub url: url::Url,
    pub method: Method,
}

/// The sendable entries, the ones that could not be read (named), and how many were the
/// browser's own (CORS preflights, `data:` and extension addresses).
pub(super) struct Sendable<'a> {
    pub entries: Vec<Entry<'a>>,
    pub skipped: Vec<String>,
    pub internal: usize,
}

pub(super) fn sendable(recorded: &[Value]) -> Sendable<'_> {
    let mut sendable = Sendable { entries: Vec::new(), skipped: Vec::new(), internal: 0 };
    for (index, entry) in recorded.iter().enumerate() {
        let place = format!("항목 {}", index + 1);
        let Some(url) = entry.pointer("/request/url").and_then(Value::as_str) else {
            sendable.skipped.push(format!("{place}: request.url이 없어요"));
            continue;
        };
        let Ok(parsed_url) = url::Url::parse(url) else {
            sendable.skipped.push(format!("{place}: 주소를 읽을 수 없어요 ({url})"));
            continue;
        };
        if !["http", "https"].contains(&parsed_url.scheme()) {
            sendable.internal += 1;
            continue;
        }
        let method_text = entry.pointer("/request/method").and_then(Value::as_str).unwrap_or_default();
        if method_text.eq_ignore_ascii_case("OPTIONS") {
            sendable.internal += 1; // CORS preflight: the browser's, not the application's
            continue;
        }
        let Some(method) = Method::parse(method_text) else {
            sendable
                .skipped
                .push(format!("{place}: {method_text} {url} — 시나리오 API로 보낼 수 없는 메서드예요"));
            continue;
        };
        sendable.entries.push(Entry { index, json: entry, url: parsed_url, method });
    }
    sendable
}

/// The application's own API requests, and how many static assets and other hosts' requests
/// were left out.
pub(super) struct Kept<'a> {
    pub entries: Vec<Entry<'a>>,
    pub dropped_static: usize,
    pub other_hosts: BTreeMap<String, usize>,
}

pub(super) fn keep<'a>(entries: Vec<Entry<'a>>, host: &str) -> Kept<'a> {
    let mut kept = Kept { entries: Vec::new(), dropped_static: 0, other_hosts: BTreeMap::new() };
    for entry in entries {
        if host_of(&entry.url) != host {
            *kept.other_hosts.entry(host_of(&entry.url)).or_default() += 1;
        } else if is_static(&entry) {
            kept.dropped_static += 1;
        } else {
            kept.entries.push(entry);
        }
    }
    kept
}

fn host_of(url: &url::Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    }
}

/// The recorded application's host: the page's host when it made API calls, else the host that
/// answered most API calls (a page served from one host calling an API on another).
pub(super) fn application_host(har: &Value, entries: &[Entry]) -> Option<String> {
    let page = har
        .pointer("/log/pages/0/title")
        .and_then(Value::as_str)
        .and_then(|title| url::Url::parse(title).ok())
        .map(|url| host_of(&url))
        .or_else(|| {
            entries
                .iter()
                .find(|entry| resource_type(entry) == Some("document"))
                .map(|entry| host_of(&entry.url))
        });
    let mut api_calls: BTreeMap<String, usize> = BTreeMap::new();
    for entry in entries.iter().filter(|entry| !is_static(entry) && resource_type(entry) != Some("document"))
    {
        *api_calls.entry(host_of(&entry.url)).or_default() += 1;
    }
    match page {
        Some(page) if api_calls.contains_key(&page) || api_calls.is_empty() => Some(page),
        _ => api_calls
            .into_iter()
            .max_by_key(|(_, count)| *count)
            .map(|(host, _)| host)
            .or_else(|| entries.first().map(|entry| host_of(&entry.url))),
    }
}

fn resource_type<'a>(entry: &'a Entry) -> Option<&'a str> {
    entry.json.get("_resourceType").and_then(Value::as_str)
}

/// A path that names a static file by its ending (`/static/app.js`, `/favicon.ico`).
pub fn is_static_path(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or(path).to_ascii_lowercase();
    STATIC_ENDINGS.iter().any(|ending| path.ends_with(ending))
}

fn is_static(entry: &Entry) -> bool {
    let mime = entry.json.pointer("/response/content/mimeType").and_then(Value::as_str).unwrap_or_default();
    resource_type(entry).is_some_and(|kind| STATIC_TYPES.contains(&kind))
        || is_static_path(entry.url.path())
        || STATIC_MIME_PREFIXES.iter().any(|prefix| mime.starts_with(prefix))
        || mime.contains("javascript")
}
