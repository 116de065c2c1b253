//! A kept entry as a [`Step`]: its path, query and headers with known values as variables, its
//! JSON body, and the captures it asks of the steps that returned those values. Keeps, for the
//! notes, what it had to replay as recorded and which recorded credentials it carries.

use serde_json::Value;

use super::correlate::{Known, id_like, learn_values, substitute, substitute_json};
use super::entries::Entry;
use crate::import::{Capture, JsonTemplate, Part, Source, Step, Template, names};

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

/// The steps made so far, the values their responses returned, and what the notes must say.
#[derive(Default)]
pub(super) struct Recorder {
    known: Vec<Known>,
    pub steps: Vec<Step>,
    /// `GET /todos/41`: requests whose path keeps a recorded id no response returned.
    pub replayed: Vec<String>,
    /// Where a recorded credential stays in the scenario as it was recorded.
    pub credentials: Vec<String>,
    pub dropped_cookies: bool,
}

impl Recorder {
    /// Adds the entry's step, or names in `skipped` why it cannot be sent.
    pub fn record(&mut self, entry: &Entry, skipped: &mut Vec<String>) {
        let path = entry.url.path().to_string();
        let (path_template, name) = self.path(entry, &path);
        let mut step = Step::new(entry.method, path_template, name);
        step.query = self.query(entry);
        self.headers(entry, &mut step);
        if let Some(text) = entry.json.pointer("/request/postData/text").and_then(Value::as_str)
            && ["password", "passwd", "secret"].iter().any(|word| text.to_ascii_lowercase().contains(word))
        {
            self.credentials.push(format!("{} {}의 본문", entry.method.upper(), step.name));
        }
        step.body = match self.body(entry, &path) {
            Ok(body) => body,
            Err(reason) => {
                skipped.push(reason);
                return;
            }
        };
        self.ask_producers(&step);
        let index = self.steps.len();
        self.steps.push(step);
        learn_values(entry.json, index, &mut self.known);
    }

    /// The path as a template and the statistics row's name: a path a `Location` returned is
    /// that variable; a segment some response returned is its variable.
    fn path(&mut self, entry: &Entry, path: &str) -> (Template, String) {
        if let Some(location) =
            self.known.iter().find(|value| matches!(value.from, Source::Location) && value.text == path)
        {
            return (Template(vec![Part::Var(location.var.clone())]), names::route(path));
        }
        let mut parts = Vec::new();
        let mut name = String::new();
        for (at, segment) in path.split('/').enumerate() {
            if at > 0 {
                parts.push(Part::Text("/".into()));
                name.push('/');
            }
            // A word segment (`todos`) stays a word even if some field had that value.
            let may_vary = names::varies(segment) || segment.len() >= 8;
            match self.known.iter().find(|value| may_vary && value.text == segment) {
                Some(value) => {
                    parts.push(Part::Var(value.var.clone()));
                    name.push_str(&format!("{{{}}}", value.display));
                }
                None => {
                    parts.push(Part::Text(segment.to_string()));
                    if names::varies(segment) {
                        name.push_str("{id}");
                        self.replayed.push(format!("{} {path}", entry.method.upper()));
                    } else {
                        name.push_str(segment);
                    }
                }
            }
        }
        (merge_text(parts), name)
    }

    fn query(&self, entry: &Entry) -> Vec<(String, Template)> {
        entry
            .url
            .query_pairs()
            .map(|(key, value)| {
                let template = match self.known.iter().find(|known| known.text == value) {
                    Some(known) => Template(vec![Part::Var(known.var.clone())]),
                    None => Template::text(value.to_string()),
                };
                (key.to_string(), template)
            })
            .collect()
    }

    /// The application's own headers (the first of each name), known values as variables.
    fn headers(&mut self, entry: &Entry, step: &mut Step) {
        for header in entry.json.pointer("/request/headers").and_then(Value::as_array).into_iter().flatten() {
            let (Some(key), Some(value)) =
                (header.get("name").and_then(Value::as_str), header.get("value").and_then(Value::as_str))
            else {
                continue;
            };
            let lower = key.to_ascii_lowercase();
            if lower == "cookie" {
                self.dropped_cookies = true;
            }
            if lower.starts_with(':')
                || lower.starts_with("sec-")
                || BROWSER_HEADERS.contains(&lower.as_str())
            {
                continue;
            }
            let template = substitute(value, &self.known);
            if template.vars().next().is_none() && (lower == "authorization" || id_like(&lower)) {
                self.credentials.push(format!("{} {}의 {key}", entry.method.upper(), step.name));
            }
            if step.headers.iter().all(|(existing, _)| !existing.eq_ignore_ascii_case(key)) {
                step.headers.push((key.to_string(), template));
            }
        }
    }

    /// The JSON body with known values as variables, or why the request cannot be sent.
    fn body(&self, entry: &Entry, path: &str) -> Result<Option<JsonTemplate>, String> {
        let Some(post) = entry.json.pointer("/request/postData") else { return Ok(None) };
        let mime = post.get("mimeType").and_then(Value::as_str).unwrap_or_default();
        let body = post.get("text").and_then(Value::as_str).unwrap_or_default();
        if body.trim().is_empty() {
            return Ok(None);
        }
        let place = format!("항목 {}", entry.index + 1);
        if !mime.is_empty() && !mime.contains("json") {
            return Err(format!(
                "{place}: {} {path} — 본문이 JSON이 아니에요 ({mime}): JSON 본문만 보낼 수 있어요",
                entry.method.upper()
            ));
        }
        match serde_json::from_str::<Value>(body) {
            Ok(value) => Ok(Some(JsonTemplate(substitute_json(&value, "", &self.known)))),
            Err(error) => Err(format!(
                "{place}: {} {path} — 본문 JSON을 읽을 수 없어요 ({error})",
                entry.method.upper()
            )),
        }
    }

    /// Makes the step that returned each value this step needs read it from its response.
    fn ask_producers(&mut self, step: &Step) {
        for var in step.needs() {
            if let Some(value) = self.known.iter().find(|value| value.var == var) {
                let producer: &mut Step = &mut self.steps[value.producer];
                if producer.captures.iter().all(|capture| capture.var != var) {
                    producer.captures.push(Capture { var: var.clone(), from: value.from.clone() });
                }
            }
        }
    }
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
