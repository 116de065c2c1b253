//! A web server's access log (nginx/Apache "combined", or JSON lines with method, path, status
//! and time) as a load model: requests grouped by route, each route's share of the traffic as
//! its task weight, and the log's average and busiest-minute request rates as suggested
//! settings. With an OpenAPI document the routes get its names, bodies and id chaining.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use super::openapi::{DEFAULT_WAIT, Document};
use super::{Flow, ImportError, ImportResult, Imported, Method, Scenario, Step, names};

/// One request of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub time: Option<DateTime<FixedOffset>>,
}

/// A route's traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub method: Method,
    pub name: String,
    pub requests: u64,
    /// Its share of the answered (non-error) requests, in percent.
    pub share: f64,
    /// Its busiest minute, in requests per second.
    pub peak_rps: f64,
}

/// What the log says about the traffic, printed before the file is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Traffic {
    pub routes: Vec<Route>,
    pub lines: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    pub unreadable: Vec<String>,
    /// Answered requests for scripts, styles, images, fonts and media: left out like a
    /// recording's static assets.
    pub static_files: u64,
    pub average_rps: f64,
    pub peak_rps: f64,
    pub span_seconds: f64,
}

/// Why a write from a log is a `todo!()`.
pub const MISSING_BODY: &str = "접근 로그에는 요청 본문이 없어요. 이 작업이 보낼 JSON 본문을 채우세요 (--openapi로 API 문서를 주면 자동으로 만들어요)";
/// Why a request that needs an id from a log is a `todo!()`.
pub const MISSING_ID: &str = "접근 로그에는 이 id가 어디서 오는지 없어요. 테스트 서버에 있는 id를 쓰거나, 만드는 작업의 응답에서 읽게 채우세요 (--openapi로 API 문서를 주면 자동으로 연결해요)";

/// The wait time the suggested user counts assume (the guide's `between(1, 3)`, 2 s on average).
const MEAN_WAIT_SECONDS: f64 = 2.0;

impl Traffic {
    /// Users that make `rps` with the scenario's wait time (RPS ≈ users ÷ wait, the response time
    /// being small beside it).
    pub fn users_for(rps: f64) -> u64 {
        (rps * MEAN_WAIT_SECONDS).ceil().max(1.0) as u64
    }
}

/// Reads one line: combined format first, then a JSON object.
pub fn parse_line(line: &str) -> Option<Line> {
    let line = line.trim();
    if line.starts_with('{') { json_line(line) } else { combined_line(line) }
}

/// `127.0.0.1 - - [04/Dec/2026:10:00:00 +0000] "GET /todos/41 HTTP/1.1" 200 123 "-" "ua"`
fn combined_line(line: &str) -> Option<Line> {
    let open = line.find('[')?;
    let close = open + line[open..].find(']')?;
    let time = DateTime::parse_from_str(&line[open + 1..close], "%d/%b/%Y:%H:%M:%S %z").ok();
    let rest = &line[close + 1..];
    let quote = rest.find('"')?;
    let request_end = quote + 1 + rest[quote + 1..].find('"')?;
    let mut request = rest[quote + 1..request_end].split_whitespace();
    let method = request.next()?.to_string();
    let path = request.next()?.to_string();
    let status = rest[request_end + 1..].split_whitespace().next()?.parse().ok()?;
    Some(Line { method, path, status, time })
}

fn json_line(line: &str) -> Option<Line> {
    let value: Value = serde_json::from_str(line).ok()?;
    let field = |names: &[&str]| names.iter().find_map(|name| value.get(*name)).cloned();
    let request = field(&["request"]).and_then(|request| request.as_str().map(str::to_string));
    let mut from_request = request.as_deref().map(str::split_whitespace);
    let method = field(&["method", "request_method", "verb"])
        .and_then(|method| method.as_str().map(str::to_string))
        .or_else(|| from_request.as_mut()?.next().map(str::to_string))?;
    let path = field(&["path", "uri", "request_uri", "url"])
        .and_then(|path| path.as_str().map(str::to_string))
        .or_else(|| from_request.as_mut()?.next().map(str::to_string))?;
    let status = field(&["status", "status_code", "code"]).and_then(|status| match status {
        Value::Number(number) => number.as_u64().and_then(|code| u16::try_from(code).ok()),
        Value::String(text) => text.parse().ok(),
        _ => None,
    })?;
    let time = field(&["time", "timestamp", "@timestamp", "time_iso8601", "time_local", "date", "ts"])
        .and_then(|time| match time {
            Value::String(text) => DateTime::parse_from_rfc3339(&text)
                .ok()
                .or_else(|| DateTime::parse_from_str(&text, "%d/%b/%Y:%H:%M:%S %z").ok()),
            Value::Number(number) => {
                let seconds = number.as_f64()?;
                let seconds = if seconds > 1e11 { seconds / 1000.0 } else { seconds };
                DateTime::from_timestamp(seconds.trunc() as i64, (seconds.fract() * 1e9) as u32)
                    .map(|utc| utc.fixed_offset())
            }
            _ => None,
        });
    Some(Line { method, path, status, time })
}

/// The route a path belongs to: the document's template when one matches, else the path with
/// its varying segments named `{id}`. Query strings are dropped.
fn route_of(path: &str, document: Option<&Document>, method: Method) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = if let Some(rest) = path.split_once("://").map(|(_, rest)| rest) {
        rest.find('/').map_or("/", |at| &rest[at..])
    } else {
        path
    };
    if let Some(document) = document {
        let matching = document.operations.iter().filter(|operation| {
            operation.step.method == method && names::matches_template(path, &operation.template)
        });
        // A literal segment beats a parameter: `/todos/search` before `/todos/{todo_id}`.
        if let Some(best) = matching.max_by_key(|operation| operation.template.matches('{').count() == 0) {
            return best.template.clone();
        }
    }
    names::route(path)
}

/// The readable lines counted per route and per minute, and the first and last time seen.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<(Method, String), (u64, BTreeMap<i64, u64>)>,
    per_minute: BTreeMap<i64, u64>,
    first: Option<DateTime<FixedOffset>>,
    last: Option<DateTime<FixedOffset>>,
    unreadable: u64,
}

impl Tally {
    /// Counts an answered request under its route; errors and static files only in `traffic`.
    fn add(&mut self, parsed: &Line, document: Option<&Document>, traffic: &mut Traffic) {
        traffic.lines += 1;
        let minute = parsed.time.map(|time| time.timestamp().div_euclid(60));
        if let Some(time) = parsed.time {
            self.first = Some(self.first.map_or(time, |first| first.min(time)));
            self.last = Some(self.last.map_or(time, |last| last.max(time)));
        }
        match parsed.status {
            400..=499 => traffic.errors_4xx += 1,
            500..=599 => traffic.errors_5xx += 1,
            _ if super::har::is_static_path(&parsed.path) => traffic.static_files += 1,
            _ => {
                let Some(method) = Method::parse(&parsed.method) else { return };
                let route = route_of(&parsed.path, document, method);
                let entry = self.counts.entry((method, route)).or_default();
                entry.0 += 1;
                if let Some(minute) = minute {
                    *entry.1.entry(minute).or_default() += 1;
                    *self.per_minute.entry(minute).or_default() += 1;
                }
            }
        }
    }

    /// Answered requests per route, busiest first.
    fn routes(self, answered: u64) -> Vec<Route> {
        let mut routes: Vec<Route> = self
            .counts
            .into_iter()
            .map(|((method, name), (requests, minutes))| Route {
                method,
                name,
                requests,
                share: requests as f64 * 100.0 / answered as f64,
                peak_rps: minutes.values().copied().max().unwrap_or(0) as f64 / 60.0,
            })
            .collect();
        routes.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.name.cmp(&b.name)));
        routes
    }
}

/// Reads the whole log.
pub fn traffic(text: &str, origin: &str, document: Option<&Document>) -> ImportResult<Traffic> {
    let mut traffic = Traffic {
        routes: Vec::new(),
        lines: 0,
        errors_4xx: 0,
        errors_5xx: 0,
        unreadable: Vec::new(),
        static_files: 0,
        average_rps: 0.0,
        peak_rps: 0.0,
        span_seconds: 0.0,
    };
    let mut tally = Tally::default();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Some(parsed) => tally.add(&parsed, document, &mut traffic),
            None => {
                tally.unreadable += 1;
                if traffic.unreadable.len() < 5 {
                    traffic.unreadable.push(format!("{}행", number + 1));
                }
            }
        }
    }
    if traffic.lines == 0 {
        return Err(ImportError(format!(
            "{origin}: 읽을 수 있는 줄이 없어요 (nginx/Apache combined 형식이나, method·path·status가 있는 JSON 줄을 읽어요; 읽지 못한 줄 {}개)",
            tally.unreadable
        )));
    }
    if tally.unreadable > 0 {
        traffic.unreadable.insert(0, format!("{}줄", tally.unreadable));
    }
    let answered: u64 = tally.counts.values().map(|(count, _)| count).sum();
    if answered == 0 {
        return Err(ImportError(format!(
            "{origin}: 성공한 요청이 없어요 (4xx {}건, 5xx {}건): 부하 모델을 만들 트래픽이 남지 않았어요",
            traffic.errors_4xx, traffic.errors_5xx
        )));
    }
    traffic.span_seconds = match (tally.first, tally.last) {
        (Some(first), Some(last)) => ((last - first).num_milliseconds() as f64 / 1000.0).max(60.0),
        _ => 0.0,
    };
    if traffic.span_seconds > 0.0 {
        traffic.average_rps = answered as f64 / traffic.span_seconds;
        traffic.peak_rps = tally.per_minute.values().copied().max().unwrap_or(0) as f64 / 60.0;
    }
    traffic.routes = tally.routes(answered);
    Ok(traffic)
}

/// `loadlab import access-log`: the traffic and the scenario made from it.
pub fn import(
    text: &str,
    origin: &str,
    class: &str,
    document: Option<(&str, &str)>,
) -> ImportResult<(Traffic, Imported)> {
    names::check_class(class)?;
    let document = document.map(|(text, origin)| Document::parse(text, origin)).transpose()?;
    let traffic = traffic(text, origin, document.as_ref())?;
    let mut notes = vec![format!(
        "접근 로그의 요청 {}건(성공 {}건, 4xx {}건과 5xx {}건은 작업으로 만들지 않았어요)을 경로별로 묶었어요. 정적 파일 요청 {}건은 뺐어요.",
        traffic.lines,
        traffic.routes.iter().map(|route| route.requests).sum::<u64>(),
        traffic.errors_4xx,
        traffic.errors_5xx,
        traffic.static_files
    )];
    notes.push("가중치는 경로마다 로그에서 차지한 비율(%)이에요. 쿼리 문자열의 값은 뺐어요.".to_string());
    let (mut tasks, todo_routes) = route_tasks(&traffic, document.as_ref());
    let produced: Vec<String> =
        tasks.iter().flat_map(|(_, step)| step.captures.iter().map(|capture| capture.var.clone())).collect();
    if let Some(document) = &document {
        notes.extend(add_creators(document, &mut tasks));
    }
    let todo_ids = mark_unknown_ids(&mut tasks, &produced);
    if !todo_ids.is_empty() {
        notes.push(format!(
            "id가 필요한 작업은 todo!()로 남겼어요: {}. 로그에는 그 id를 만든 요청의 응답이 없어요. 테스트 서버에 있는 id를 쓰거나, --openapi로 API 문서를 주면 만드는 작업의 응답에서 읽어요.",
            todo_ids.join(", ")
        ));
    }
    notes.extend(rate_notes(&traffic));
    if !todo_routes.is_empty() {
        notes.push(format!(
            "접근 로그에는 요청 본문이 없어서 쓰기 작업은 todo!()로 남겼어요: {}. --openapi로 API 문서를 주면 본문과 id 연결을 만들어요.",
            todo_routes.join(", ")
        ));
    }
    notes.push(
        "검토할 것: 인증, 테스트 데이터, 그리고 로그의 시간대가 보고 싶은 트래픽(평소/피크)을 담았는지."
            .to_string(),
    );
    let skipped = document.map(|document| document.skipped).unwrap_or_default();
    let imported = Imported {
        scenario: Scenario {
            class: class.to_string(),
            origin: format!("접근 로그 {origin}"),
            notes,
            wait: DEFAULT_WAIT,
            flow: Flow::Tasks(tasks),
        },
        skipped,
    };
    Ok((traffic, imported))
}

/// One task per route, weighted by its share: the document's operation when it names the
/// route, else a bare request (a write without a body is a `todo!()`, named in the second list).
fn route_tasks(traffic: &Traffic, document: Option<&Document>) -> (Vec<(u32, Step)>, Vec<String>) {
    let mut tasks = Vec::new();
    let mut todo_routes = Vec::new();
    for route in &traffic.routes {
        let weight = (route.share.round() as u32).max(1);
        let from_document = document.and_then(|document| {
            document.operations.iter().find(|op| op.step.method == route.method && op.template == route.name)
        });
        let step = match from_document {
            Some(operation) => operation.step.clone(),
            None => {
                let mut step =
                    Step::new(route.method, super::openapi::path_template(&route.name), route.name.clone());
                if !route.method.is_read() && route.method != Method::Delete {
                    step.todo = Some(MISSING_BODY.to_string());
                    todo_routes.push(format!("{} {}", route.method.upper(), route.name));
                }
                step
            }
        };
        tasks.push((weight, step));
    }
    (tasks, todo_routes)
}

/// A value a task needs must come from a task that creates it: keeps creators even when the log
/// shows them rarely (weight 1), and returns a note for each.
fn add_creators(document: &Document, tasks: &mut Vec<(u32, Step)>) -> Vec<String> {
    let mut notes = Vec::new();
    for operation in &document.operations {
        for capture in &operation.step.captures {
            let needed = tasks.iter().any(|(_, step)| step.needs().contains(&capture.var));
            let present = tasks.iter().any(|(_, step)| step.captures.contains(capture));
            if needed && !present {
                tasks.push((1, operation.step.clone()));
                notes.push(format!(
                    "가중치 1로 더한 작업: {} (로그에는 없지만, 다른 작업이 쓰는 값 {}을 만들어요).",
                    operation.step.label(),
                    capture.var
                ));
            }
        }
    }
    notes
}

/// Without a source for an id, a fixed one would be a replay: reads of ids that do not exist,
/// or a DELETE of a record nobody chose. Such a task says what to fill instead; returns their
/// labels.
fn mark_unknown_ids(tasks: &mut [(u32, Step)], produced: &[String]) -> Vec<String> {
    let mut todo_ids = Vec::new();
    for (_, step) in tasks {
        let unknown = step.needs().iter().any(|var| !produced.contains(var));
        if unknown && step.todo.is_none() {
            step.todo = Some(MISSING_ID.to_string());
            todo_ids.push(step.label());
        }
    }
    todo_ids
}

/// The log's rates and the runs they suggest (none when the log had no times).
fn rate_notes(traffic: &Traffic) -> Vec<String> {
    let timed = traffic.average_rps > 0.0;
    if !timed {
        return Vec::new();
    }
    vec![
        format!(
            "로그의 평균 {:.1} req/s, 가장 바쁜 1분 {:.1} req/s. 대기 시간 between(1, 3)이면 사용자 한 명이 초당 약 {:.1}건을 보내요.",
            traffic.average_rps,
            traffic.peak_rps,
            1.0 / MEAN_WAIT_SECONDS
        ),
        format!(
            "부하 테스트: -u {} -r {} -t 10m, 최대(피크) 테스트: -u {} -r {} -t 5m 부터 해 보세요.",
            Traffic::users_for(traffic.average_rps),
            Traffic::users_for(traffic.average_rps).div_ceil(10).max(1),
            Traffic::users_for(traffic.peak_rps),
            Traffic::users_for(traffic.peak_rps).div_ceil(10).max(1)
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAB: &str = include_str!("../server/openapi.json");

    fn log() -> String {
        let mut lines = Vec::new();
        for second in 0..120 {
            let time = format!("04/Dec/2026:10:{:02}:{:02} +0900", second / 60, second % 60);
            lines.push(format!(
                "127.0.0.1 - - [{time}] \"GET /todos/{} HTTP/1.1\" 200 80 \"-\" \"curl\"",
                second % 7 + 1
            ));
            lines.push(format!(
                "127.0.0.1 - - [{time}] \"GET /todos/?skip=0&limit=10 HTTP/1.1\" 200 900 \"-\" \"curl\""
            ));
            if second % 4 == 0 {
                lines.push(format!("127.0.0.1 - - [{time}] \"POST /todos/ HTTP/1.1\" 201 90 \"-\" \"curl\""));
            }
            if second % 10 == 0 {
                lines.push(format!(
                    "127.0.0.1 - - [{time}] \"GET /todos/999 HTTP/1.1\" 404 30 \"-\" \"curl\""
                ));
            }
        }
        lines.join("\n")
    }

    #[test]
    fn routes_shares_and_rates_come_from_the_log() {
        let traffic = traffic(&log(), "access.log", None).unwrap();
        let shares: Vec<(String, u64)> = traffic
            .routes
            .iter()
            .map(|route| (format!("{} {}", route.method.upper(), route.name), route.requests))
            .collect();
        assert_eq!(
            shares,
            [
                ("GET /todos/".to_string(), 120),
                ("GET /todos/{id}".to_string(), 120),
                ("POST /todos/".to_string(), 30)
            ]
        );
        assert_eq!(traffic.errors_4xx, 12);
        assert!((traffic.routes[2].share - 30.0 * 100.0 / 270.0).abs() < 1e-9);
        assert!((traffic.peak_rps - 135.0 / 60.0).abs() < 1e-9, "{}", traffic.peak_rps);
        assert!((traffic.average_rps - 270.0 / 119.0).abs() < 1e-9, "{}", traffic.average_rps);
    }

    #[test]
    fn with_the_document_writes_get_bodies_and_ids_come_from_the_create() {
        let (_, imported) = import(&log(), "access.log", "LogUser", Some((LAB, "openapi.json"))).unwrap();
        let Flow::Tasks(tasks) = &imported.scenario.flow else { panic!("tasks") };
        let read =
            tasks.iter().find(|(_, step)| step.name == "/todos/{todo_id}").expect("the document's name");
        assert_eq!(read.0, 44);
        let create = tasks.iter().find(|(_, step)| step.label() == "POST /todos/").unwrap();
        assert!(create.1.body.is_some() && !create.1.captures.is_empty());
    }

    #[test]
    fn without_the_document_a_write_is_a_todo_that_names_its_route() {
        let (_, imported) = import(&log(), "access.log", "LogUser", None).unwrap();
        let Flow::Tasks(tasks) = &imported.scenario.flow else { panic!("tasks") };
        let create = tasks.iter().find(|(_, step)| step.label() == "POST /todos/").unwrap();
        assert_eq!(create.1.todo.as_deref(), Some(MISSING_BODY));
        // A DELETE of an id nobody created is never sent with a fixed id.
        let read = tasks.iter().find(|(_, step)| step.label() == "GET /todos/{id}").unwrap();
        assert_eq!(read.1.todo.as_deref(), Some(MISSING_ID));
    }

    #[test]
    fn json_lines_read_like_combined_lines() {
        let line = r#"{"time": "2026-12-04T10:00:00+09:00", "method": "DELETE", "path": "/todos/3?x=1", "status": 204}"#;
        let parsed = parse_line(line).unwrap();
        assert_eq!(
            (parsed.method.as_str(), parsed.path.as_str(), parsed.status),
            ("DELETE", "/todos/3?x=1", 204)
        );
        assert!(parsed.time.is_some());
        let nginx = r#"{"time_iso8601": "2026-12-04T10:00:00+09:00", "request": "GET /health HTTP/1.1", "status": "200"}"#;
        assert_eq!(parse_line(nginx).unwrap().path, "/health");
    }

    #[test]
    fn a_log_of_errors_or_noise_is_refused_with_the_reason() {
        assert!(traffic("hello\nworld\n", "a.log", None).unwrap_err().0.contains("읽을 수 있는 줄이 없어요"));
        let errors = "127.0.0.1 - - [04/Dec/2026:10:00:00 +0000] \"GET /x HTTP/1.1\" 500 1 \"-\" \"-\"";
        assert!(traffic(errors, "a.log", None).unwrap_err().0.contains("5xx 1건"));
    }
}
