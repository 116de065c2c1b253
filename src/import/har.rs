//! A browser recording (HAR 1.2, as Chrome's and Firefox's "Save all as HAR" write it) as a
//! scenario. Keeps the recorded application's own requests, drops static assets, other hosts
//! and the headers a browser adds by itself, and correlates instead of replaying: a value that
//! a response returned and a later request used is read from that response at run time.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::Value;

use super::names;
use super::{
    Capture, Flow, ImportError, ImportResult, Imported, JsonTemplate, Method, Part, Scenario, Source, Step,
    Template, Wait,
};

/// Resource types (Chrome's `_resourceType`) and file endings that are a page's static assets.
const STATIC_TYPES: [&str; 8] =
    ["script", "stylesheet", "image", "font", "media", "manifest", "texttrack", "ping"];
const STATIC_ENDINGS: [&str; 20] = [
    ".js", ".mjs", ".css", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp4", ".webm", ".mp3",
];
const STATIC_MIME_PREFIXES: [&str; 6] =
    ["image/", "font/", "text/css", "video/", "audio/", "application/font"];

/// Headers the browser or the HTTP layer writes by itself; the engine writes its own.
const BROWSER_HEADERS: [&str; 22] = [
    "host",
    "connection",
    "content-length",
    "accept-encoding",
    "accept-language",
    "user-agent",
    "origin",
    "referer",
    "cookie",
    "cache-control",
    "pragma",
    "upgrade-insecure-requests",
    "if-none-match",
    "if-modified-since",
    "priority",
    "dnt",
    "te",
    "keep-alive",
    "content-type",
    "accept",
    "purpose",
    "x-requested-with",
];

/// Keys whose values are identifiers or credentials, worth following to a later request.
fn id_like(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "id"
        || key.ends_with("_id")
        || key.ends_with("id") && key.len() > 2
        || ["token", "key", "uuid", "slug", "session", "csrf", "nonce"].iter().any(|word| key.contains(word))
}

struct Entry<'a> {
    index: usize,
    json: &'a Value,
    url: url::Url,
    method: Method,
}

/// A value seen in a response: who returned it and the variable it becomes.
struct Known {
    text: String,
    number: bool,
    var: String,
    /// The name the statistics row shows (`id` for `{id}`), the same for every value of one field.
    display: String,
    producer: usize,
    from: Source,
}

/// `loadlab import har`.
pub fn import(text: &str, origin: &str, class: &str, host_filter: Option<&str>) -> ImportResult<Imported> {
    names::check_class(class)?;
    let har: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|error| {
        ImportError(format!(
            "{origin}: JSON으로 읽을 수 없어요 ({}행 {}열: {error})",
            error.line(),
            error.column()
        ))
    })?;
    let entries = har
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError(format!("{origin}: HAR 파일이 아니에요 ('log.entries'가 없어요)")))?;
    let mut skipped = Vec::new();
    let mut parsed = Vec::new();
    let mut internal = 0;
    for (index, entry) in entries.iter().enumerate() {
        let place = format!("항목 {}", index + 1);
        let Some(url) = entry.pointer("/request/url").and_then(Value::as_str) else {
            skipped.push(format!("{place}: request.url이 없어요"));
            continue;
        };
        let Ok(parsed_url) = url::Url::parse(url) else {
            skipped.push(format!("{place}: 주소를 읽을 수 없어요 ({url})"));
            continue;
        };
        if !["http", "https"].contains(&parsed_url.scheme()) {
            internal += 1;
            continue;
        }
        let method_text = entry.pointer("/request/method").and_then(Value::as_str).unwrap_or_default();
        if method_text.eq_ignore_ascii_case("OPTIONS") {
            internal += 1; // CORS preflight: the browser's, not the application's
            continue;
        }
        let Some(method) = Method::parse(method_text) else {
            skipped.push(format!("{place}: {method_text} {url} — 시나리오 API로 보낼 수 없는 메서드예요"));
            continue;
        };
        parsed.push(Entry { index, json: entry, url: parsed_url, method });
    }
    let host = match host_filter {
        Some(host) => host.to_string(),
        None => application_host(&har, &parsed)
            .ok_or_else(|| ImportError(format!("{origin}: 요청이 하나도 없어요")))?,
    };
    let mut dropped_static = 0;
    let mut other_hosts: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for entry in parsed {
        if host_of(&entry.url) != host {
            *other_hosts.entry(host_of(&entry.url)).or_default() += 1;
        } else if is_static(&entry) {
            dropped_static += 1;
        } else {
            kept.push(entry);
        }
    }
    if kept.is_empty() {
        return Err(ImportError(format!(
            "{origin}: 걸러 내고 나니 남은 요청이 없어요 (호스트 {host}의 API 요청이 없어요; 정적 파일 {dropped_static}개, 다른 호스트 {}개를 뺐어요). --host-filter로 호스트를 정해 보세요",
            other_hosts.values().sum::<usize>()
        )));
    }

    let mut known: Vec<Known> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut replayed = Vec::new();
    let mut credentials = Vec::new();
    let mut dropped_cookies = false;
    for entry in &kept {
        let place = format!("항목 {}", entry.index + 1);
        let path = entry.url.path().to_string();
        let mut path_parts = Vec::new();
        let mut name = String::new();
        if let Some(location) =
            known.iter().find(|value| matches!(value.from, Source::Location) && value.text == path)
        {
            path_parts.push(Part::Var(location.var.clone()));
            name = names::route(&path);
        } else {
            for (at, segment) in path.split('/').enumerate() {
                if at > 0 {
                    path_parts.push(Part::Text("/".into()));
                    name.push('/');
                }
                // A word segment (`todos`) stays a word even if some field had that value.
                let may_vary = names::varies(segment) || segment.len() >= 8;
                match known.iter().find(|value| may_vary && value.text == segment) {
                    Some(value) => {
                        path_parts.push(Part::Var(value.var.clone()));
                        name.push_str(&format!("{{{}}}", value.display));
                    }
                    None => {
                        path_parts.push(Part::Text(segment.to_string()));
                        if names::varies(segment) {
                            name.push_str("{id}");
                            replayed.push(format!("{} {path}", entry.method.upper()));
                        } else {
                            name.push_str(segment);
                        }
                    }
                }
            }
        }
        let mut step = Step::new(entry.method, merge_text(path_parts), name);
        for (key, value) in entry.url.query_pairs() {
            let template = match known.iter().find(|known| known.text == value) {
                Some(known) => Template(vec![Part::Var(known.var.clone())]),
                None => Template::text(value.to_string()),
            };
            step.query.push((key.to_string(), template));
        }
        for header in entry.json.pointer("/request/headers").and_then(Value::as_array).into_iter().flatten() {
            let (Some(key), Some(value)) =
                (header.get("name").and_then(Value::as_str), header.get("value").and_then(Value::as_str))
            else {
                continue;
            };
            let lower = key.to_ascii_lowercase();
            if lower == "cookie" {
                dropped_cookies = true;
            }
            if lower.starts_with(':')
                || lower.starts_with("sec-")
                || BROWSER_HEADERS.contains(&lower.as_str())
            {
                continue;
            }
            let template = substitute(value, &known);
            if template.vars().next().is_none() && (lower == "authorization" || id_like(&lower)) {
                credentials.push(format!("{} {}의 {key}", entry.method.upper(), step.name));
            }
            if step.headers.iter().all(|(existing, _)| !existing.eq_ignore_ascii_case(key)) {
                step.headers.push((key.to_string(), template));
            }
        }
        if let Some(text) = entry.json.pointer("/request/postData/text").and_then(Value::as_str)
            && ["password", "passwd", "secret"].iter().any(|word| text.to_ascii_lowercase().contains(word))
        {
            credentials.push(format!("{} {}의 본문", entry.method.upper(), step.name));
        }
        if let Some(post) = entry.json.pointer("/request/postData") {
            let mime = post.get("mimeType").and_then(Value::as_str).unwrap_or_default();
            let body = post.get("text").and_then(Value::as_str).unwrap_or_default();
            if !body.trim().is_empty() {
                if !mime.is_empty() && !mime.contains("json") {
                    skipped.push(format!(
                        "{place}: {} {path} — 본문이 JSON이 아니에요 ({mime}): JSON 본문만 보낼 수 있어요",
                        entry.method.upper()
                    ));
                    continue;
                }
                match serde_json::from_str::<Value>(body) {
                    Ok(value) => step.body = Some(JsonTemplate(substitute_json(&value, "", &known))),
                    Err(error) => {
                        skipped.push(format!(
                            "{place}: {} {path} — 본문 JSON을 읽을 수 없어요 ({error})",
                            entry.method.upper()
                        ));
                        continue;
                    }
                }
            }
        }
        for var in step.needs() {
            if let Some(value) = known.iter().find(|value| value.var == var) {
                let producer: &mut Step = &mut steps[value.producer];
                if producer.captures.iter().all(|capture| capture.var != var) {
                    producer.captures.push(Capture { var: var.clone(), from: value.from.clone() });
                }
            }
        }
        let index = steps.len();
        steps.push(step);
        learn_values(entry.json, index, &mut known);
    }

    let correlated = steps.iter().any(|step| !step.captures.is_empty());
    let mut notes = vec![format!(
        "브라우저 기록에서 {host}의 요청 {}개를 가져왔어요 (기록 전체 {}개).",
        steps.len(),
        entries.len()
    )];
    let mut dropped = Vec::new();
    if dropped_static > 0 {
        dropped.push(format!("정적 파일(스크립트·스타일시트·이미지·글꼴·미디어) {dropped_static}개: 부하 테스트는 API를 재요, CDN이 맡는 파일은 빼요"));
    }
    if !other_hosts.is_empty() {
        let hosts: Vec<String> =
            other_hosts.iter().map(|(host, count)| format!("{host} {count}개")).collect();
        dropped.push(format!(
            "다른 호스트의 요청({}): 내 서비스가 아닌 곳에는 부하를 걸지 않아요",
            hosts.join(", ")
        ));
    }
    if internal > 0 {
        dropped
            .push(format!("브라우저 내부 요청(CORS 사전 요청, data:·chrome-extension: 주소) {internal}개"));
    }
    dropped.push("브라우저가 스스로 붙이는 헤더(User-Agent, Accept-*, Sec-*, Referer, Cookie …)".to_string());
    notes.push(format!("뺀 것: {}.", dropped.join("; ")));
    if correlated {
        notes.push(
            "응답에서 받은 값(JSON의 id, Location 헤더, 토큰)을 뒤의 요청이 쓰기 때문에, 기록된 순서를 지키는 작업 하나(recorded_flow)로 만들었어요. 값은 실행할 때 응답에서 읽어요(기록된 값을 그대로 보내지 않아요). 로그인처럼 한 번이면 되는 요청도 바퀴마다 다시 보내니, 그런 요청은 on_start로 옮기세요."
                .to_string(),
        );
    } else {
        notes.push(
            "요청끼리 주고받는 값이 없어, 엔드포인트마다 작업 하나로 나누고 기록된 횟수를 가중치로 썼어요."
                .to_string(),
        );
    }
    let pauses = recorded_pauses(&kept);
    let wait = wait_for(&pauses, correlated);
    notes.push(match (wait, correlated) {
        (Some(wait), true) => format!(
            "대기 시간: 흐름 한 바퀴의 요청은 이어서 보내고, 기록에서 요청 사이에 쉰 시간을 모두 더한 만큼(약 {:.1}초) 바퀴 사이에 쉬어요. 요청이 몰려 나가지만, 사용자 한 명이 1분에 보내는 요청 수는 기록과 같아요.",
            (wait.min + wait.max) / 2.0
        ),
        (Some(wait), false) => {
            format!("대기 시간: 기록된 요청 사이의 쉬는 시간(최소 {:.1}초, 최대 {:.1}초)이에요.", wait.min, wait.max)
        }
        (None, _) => "대기 시간: 기록에 쉬는 시간이 없어 가이드의 between(1, 3)을 썼어요.".to_string(),
    });
    notes.push(
        "경로는 상대 경로라서 실행의 -H가 대상을 정해요. 검토할 것: 인증 정보, 테스트 데이터(운영 데이터에 섞이지 않게), 가중치.".to_string(),
    );
    if dropped_cookies {
        notes.push(
            "기록의 Cookie 헤더는 뺐어요: 로그인 응답이 주는 쿠키는 loadlab이 사용자마다 저장해서 보내요."
                .to_string(),
        );
    }
    if !credentials.is_empty() {
        notes.push(format!(
            "주의: 기록된 인증 값이 그대로 들어 있어요 ({}). 테스트 계정의 값으로 바꾸고, 이 파일을 공개 저장소에 올리지 마세요.",
            credentials.join(", ")
        ));
    }
    if !replayed.is_empty() {
        replayed.dedup();
        notes.push(format!(
            "검토: 다음 경로의 id는 응답에서 온 값이 아니라 기록 때의 값 그대로예요. 새 서버에서는 없을 수 있어요: {}.",
            replayed.join(", ")
        ));
    }
    if !skipped.is_empty() {
        notes.push(format!("가져오지 못한 요청: {}.", skipped.join("; ")));
    }
    let flow = if correlated {
        Flow::Sequence(steps)
    } else {
        let mut grouped: Vec<(u32, Step)> = Vec::new();
        for step in steps {
            match grouped.iter_mut().find(|(_, kept)| kept.method == step.method && kept.name == step.name) {
                Some((count, _)) => *count += 1,
                None => grouped.push((1, step)),
            }
        }
        Flow::Tasks(grouped)
    };
    Ok(Imported {
        scenario: Scenario {
            class: class.to_string(),
            origin: format!("브라우저 기록 {origin}"),
            notes,
            wait: wait.unwrap_or(super::openapi::DEFAULT_WAIT),
            flow,
        },
        skipped,
    })
}

fn host_of(url: &url::Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    }
}

/// The recorded application's host: the page's host when it made API calls, else the host that
/// answered most API calls (a page served from one host calling an API on another).
fn application_host(har: &Value, entries: &[Entry]) -> Option<String> {
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

/// Joins neighbouring text parts (`/`, `todos`, `/` → `/todos/`).
fn merge_text(parts: Vec<Part>) -> Template {
    let mut merged: Vec<Part> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(Part::Text(previous)), Part::Text(text)) => previous.push_str(&text),
            (_, part) => merged.push(part),
        }
    }
    Template(merged)
}

/// A header value with every known value of eight characters or more replaced by its variable
/// (`Bearer eyJhbGciOi…` → `Bearer {access_token}`).
fn substitute(value: &str, known: &[Known]) -> Template {
    let mut parts = vec![Part::Text(value.to_string())];
    for known in known.iter().filter(|known| !known.number && known.text.len() >= 8) {
        parts = parts
            .into_iter()
            .flat_map(|part| match part {
                Part::Text(text) if text.contains(&known.text) => {
                    let mut split = Vec::new();
                    for (index, piece) in text.split(known.text.as_str()).enumerate() {
                        if index > 0 {
                            split.push(Part::Var(known.var.clone()));
                        }
                        if !piece.is_empty() {
                            split.push(Part::Text(piece.to_string()));
                        }
                    }
                    split
                }
                other => vec![other],
            })
            .collect();
    }
    Template(parts)
}

/// A request body with known values (ids under id-like keys, long strings) as variables.
fn substitute_json(value: &Value, key: &str, known: &[Known]) -> Value {
    match value {
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| substitute_json(item, key, known)).collect())
        }
        Value::Object(fields) => Value::Object(
            fields.iter().map(|(name, field)| (name.clone(), substitute_json(field, name, known))).collect(),
        ),
        Value::Number(number) if id_like(key) => known
            .iter()
            .find(|known| known.number && known.text == number.to_string())
            .map_or_else(|| value.clone(), |known| JsonTemplate::var(&known.var)),
        Value::String(text) if id_like(key) || text.len() >= 8 => known
            .iter()
            .find(|known| !known.number && known.text == *text)
            .map_or_else(|| value.clone(), |known| JsonTemplate::var(&known.var)),
        other => other.clone(),
    }
}

/// Remembers the values a response returned: id-like fields of its JSON body and its Location.
fn learn_values(entry: &Value, producer: usize, known: &mut Vec<Known>) {
    let content = entry.pointer("/response/content");
    let text = content.and_then(|content| content.get("text")).and_then(Value::as_str).unwrap_or_default();
    let decoded;
    let text =
        if content.and_then(|content| content.get("encoding")).and_then(Value::as_str) == Some("base64") {
            decoded = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default();
            decoded.as_str()
        } else {
            text
        };
    if let Ok(body) = serde_json::from_str::<Value>(text) {
        let mut found = Vec::new();
        walk(&body, &mut Vec::new(), &mut found);
        for (path, key, value) in found {
            if known.iter().any(|known| known.text == value.0) {
                continue;
            }
            let display = names::variable(&key);
            let mut var = display.clone();
            let mut suffix = 2;
            while known.iter().any(|known| known.var == var) {
                var = format!("{display}_{suffix}");
                suffix += 1;
            }
            known.push(Known {
                text: value.0,
                number: value.1,
                var,
                display,
                producer,
                from: Source::JsonField(path),
            });
        }
    }
    let location = entry
        .pointer("/response/headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|header| {
            header
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.eq_ignore_ascii_case("location"))
        })
        .and_then(|header| header.get("value").and_then(Value::as_str));
    if let Some(location) = location {
        let path = match url::Url::parse(location) {
            Ok(url) => url.path().to_string(),
            Err(_) => location.split('?').next().unwrap_or(location).to_string(),
        };
        let mut var = "location".to_string();
        let mut suffix = 2;
        while known.iter().any(|known| known.var == var) {
            var = format!("location_{suffix}");
            suffix += 1;
        }
        known.push(Known {
            text: path,
            number: false,
            display: "location".into(),
            var,
            producer,
            from: Source::Location,
        });
    }
}

/// Id-like scalars of a JSON body: (path of keys, key, (text, is a number)).
fn walk(value: &Value, path: &mut Vec<String>, found: &mut Vec<(Vec<String>, String, (String, bool))>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                path.push(key.clone());
                match field {
                    Value::Number(number) if id_like(key) => {
                        found.push((path.clone(), key.clone(), (number.to_string(), true)))
                    }
                    Value::String(text) if id_like(key) && !text.is_empty() && !text.contains(' ') => {
                        found.push((path.clone(), key.clone(), (text.clone(), false)))
                    }
                    Value::Object(_) | Value::Array(_) => walk(field, path, found),
                    _ => {}
                }
                path.pop();
            }
        }
        // Any item of a list is read from its first one at run time (`data/0/id`): the recorded
        // position need not exist on another server, the first one does whenever the list has any.
        Value::Array(items) => {
            path.push("0".into());
            for item in items.iter().take(100) {
                walk(item, path, found);
            }
            path.pop();
        }
        _ => {}
    }
}

/// The pauses between one request's end and the next request's start, in seconds.
fn recorded_pauses(entries: &[Entry]) -> Vec<f64> {
    let times: Vec<(f64, f64)> = entries
        .iter()
        .filter_map(|entry| {
            let started = entry.json.get("startedDateTime").and_then(Value::as_str)?;
            let started = chrono::DateTime::parse_from_rfc3339(started).ok()?;
            let took = entry.json.get("time").and_then(Value::as_f64).unwrap_or(0.0).max(0.0) / 1000.0;
            Some((started.timestamp_millis() as f64 / 1000.0, took))
        })
        .collect();
    times
        .windows(2)
        .map(|pair| (pair[1].0 - (pair[0].0 + pair[0].1)).max(0.0))
        .filter(|pause| pause.is_finite())
        .collect()
}

/// The wait time from the pauses: between the shortest and the longest for separate tasks; for
/// one ordered flow, their sum around each turn (±20 %), so a user's request rate stays the
/// recording's.
fn wait_for(pauses: &[f64], one_flow: bool) -> Option<Wait> {
    if pauses.is_empty() || pauses.iter().all(|pause| *pause < 0.05) {
        return None;
    }
    let round = |seconds: f64| (seconds * 10.0).round() / 10.0;
    if one_flow {
        let total = pauses.iter().sum::<f64>().clamp(0.1, 600.0);
        return Some(Wait { min: round(total * 0.8), max: round(total * 1.2) });
    }
    let min = pauses.iter().copied().fold(f64::INFINITY, f64::min).clamp(0.1, 30.0);
    let max = pauses.iter().copied().fold(0.0, f64::max).clamp(min, 30.0);
    Some(Wait { min: round(min), max: round(max) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(method: &str, url: &str, body: Option<Value>, response: Value, started: &str) -> Value {
        let mut request = json!({"method": method, "url": url, "headers": [
            {"name": "User-Agent", "value": "Mozilla/5.0"},
            {"name": "Accept", "value": "application/json"},
            {"name": "sec-ch-ua", "value": "\"Chromium\""},
            {"name": "X-Tenant", "value": "lab"}
        ]});
        if let Some(body) = body {
            request["postData"] = json!({"mimeType": "application/json", "text": body.to_string()});
        }
        json!({"startedDateTime": started, "time": 5.0, "request": request, "_resourceType": "fetch",
               "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": response.to_string()}}})
    }

    fn recording() -> String {
        json!({"log": {"version": "1.2", "pages": [{"id": "page_1", "title": "http://127.0.0.1:8000/docs"}], "entries": [
            {"startedDateTime": "2026-12-04T10:00:00.000Z", "time": 3.0, "_resourceType": "document",
             "request": {"method": "GET", "url": "http://127.0.0.1:8000/docs", "headers": []},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html></html>"}}},
            {"startedDateTime": "2026-12-04T10:00:00.100Z", "time": 3.0, "_resourceType": "script",
             "request": {"method": "GET", "url": "http://127.0.0.1:8000/static/app.js", "headers": []},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/javascript"}}},
            {"startedDateTime": "2026-12-04T10:00:00.200Z", "time": 30.0, "_resourceType": "script",
             "request": {"method": "GET", "url": "https://www.googletagmanager.com/gtag/js?id=G-1", "headers": []},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/javascript"}}},
            {"startedDateTime": "2026-12-04T10:00:01.000Z", "time": 5.0,
             "request": {"method": "OPTIONS", "url": "http://127.0.0.1:8000/todos/", "headers": []},
             "response": {"status": 200, "headers": [], "content": {}}},
            entry("POST", "http://127.0.0.1:8000/todos/", Some(json!({"title": "장보기", "completed": false})),
                  json!({"id": 41, "title": "장보기", "completed": false}), "2026-12-04T10:00:02.000Z"),
            entry("GET", "http://127.0.0.1:8000/todos/41", None, json!({"id": 41}), "2026-12-04T10:00:04.000Z"),
            entry("PUT", "http://127.0.0.1:8000/todos/41", Some(json!({"completed": true})), json!({"id": 41}), "2026-12-04T10:00:05.500Z"),
            entry("GET", "http://127.0.0.1:8000/todos/?skip=0&limit=10", None, json!([{"id": 41}]), "2026-12-04T10:00:06.000Z"),
            entry("DELETE", "http://127.0.0.1:8000/todos/41", None, json!(null), "2026-12-04T10:00:08.000Z"),
        ]}}).to_string()
    }

    #[test]
    fn an_id_a_response_returned_is_read_at_run_time_not_replayed() {
        let imported = import(&recording(), "todo.har", "RecordedUser", None).unwrap();
        let Flow::Sequence(steps) = &imported.scenario.flow else {
            panic!("a correlated flow is one sequence")
        };
        let labels: Vec<String> = steps.iter().map(Step::label).collect();
        assert_eq!(
            labels,
            [
                "GET /docs",
                "POST /todos/",
                "GET /todos/{id}",
                "PUT /todos/{id}",
                "GET /todos/",
                "DELETE /todos/{id}"
            ]
        );
        assert_eq!(
            steps[1].captures,
            [Capture { var: "id".into(), from: Source::JsonField(vec!["id".into()]) }]
        );
        assert_eq!(steps[2].path, Template(vec![Part::Text("/todos/".into()), Part::Var("id".into())]));
        assert_eq!(steps[4].query.len(), 2);
        // Only the application's own header is kept.
        assert_eq!(steps[1].headers, [("X-Tenant".to_string(), Template::text("lab"))]);
        let notes = imported.scenario.notes.join("\n");
        assert!(notes.contains("www.googletagmanager.com 1개"), "{notes}");
        assert!(notes.contains("정적 파일(스크립트·스타일시트·이미지·글꼴·미디어) 1개"), "{notes}");
        // One ordered flow: the pauses' sum (about 8 s) around each turn, ±20 %.
        assert_eq!(imported.scenario.wait, Wait { min: 6.4, max: 9.6 });
    }

    #[test]
    fn a_token_from_a_login_goes_into_the_authorization_header() {
        let har = json!({"log": {"entries": [
            entry("POST", "https://shop.test/api/login", Some(json!({"user": "a"})),
                  json!({"access_token": "eyJhbGciOiJIUzI1NiJ9.abc"}), "2026-12-04T10:00:00Z"),
            {"startedDateTime": "2026-12-04T10:00:01Z", "time": 4.0,
             "request": {"method": "GET", "url": "https://shop.test/api/cart",
                         "headers": [{"name": "Authorization", "value": "Bearer eyJhbGciOiJIUzI1NiJ9.abc"}]},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "{}"}}}
        ]}});
        let imported = import(&har.to_string(), "shop.har", "ShopUser", None).unwrap();
        let Flow::Sequence(steps) = &imported.scenario.flow else { panic!("sequence") };
        assert_eq!(
            steps[1].headers,
            [(
                "Authorization".to_string(),
                Template(vec![Part::Text("Bearer ".into()), Part::Var("access_token".into())])
            )]
        );
        assert_eq!(steps[0].captures[0].var, "access_token");
    }

    #[test]
    fn a_location_header_becomes_the_next_path() {
        let mut create = entry(
            "POST",
            "http://api.test/orders",
            Some(json!({"sku": "A"})),
            json!({}),
            "2026-12-04T10:00:00Z",
        );
        create["response"]["headers"] =
            json!([{"name": "Location", "value": "http://api.test/orders/ord-77a1b2"}]);
        let read = entry("GET", "http://api.test/orders/ord-77a1b2", None, json!({}), "2026-12-04T10:00:01Z");
        let imported =
            import(&json!({"log": {"entries": [create, read]}}).to_string(), "o.har", "OrderUser", None)
                .unwrap();
        let Flow::Sequence(steps) = &imported.scenario.flow else { panic!("sequence") };
        assert_eq!(steps[1].path, Template(vec![Part::Var("location".into())]));
        assert_eq!(steps[1].name, "/orders/{id}");
    }

    #[test]
    fn bad_recordings_are_named() {
        let error = |text: &str| import(text, "x.har", "XUser", None).unwrap_err().0;
        assert!(error("not json").contains("JSON으로 읽을 수 없어요"));
        assert!(error("{\"openapi\": \"3.1.0\"}").contains("HAR 파일이 아니에요"));
        let only_assets = json!({"log": {"entries": [{"request": {"method": "GET", "url": "http://a.test/app.js"}, "response": {}}]}});
        assert!(error(&only_assets.to_string()).contains("남은 요청이 없어요"));
    }
}
