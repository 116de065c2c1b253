//! Correlation: the values a recording's responses returned ([`Known`]: id-like JSON fields and
//! `Location` headers) and their replacement, in later requests, by the variables that read them
//! at run time.

use base64::Engine as _;
use serde_json::Value;

use crate::import::{JsonTemplate, Part, Source, Template, names};

/// Keys whose values are identifiers or credentials, worth following to a later request.
pub(super) fn id_like(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "id"
        || key.ends_with("_id")
        || key.ends_with("id") && key.len() > 2
        || ["token", "key", "uuid", "slug", "session", "csrf", "nonce"].iter().any(|word| key.contains(word))
}

/// A value seen in a response: who returned it and the variable it becomes.
pub(super) struct Known {
    pub text: String,
    pub number: bool,
    pub var: String,
    /// The name the statistics row shows (`id` for `{id}`), the same for every value of one field.
    pub display: String,
    pub producer: usize,
    pub from: Source,
}

/// A header value with every known value of eight characters or more replaced by its variable
/// (`Bearer eyJhbGciOi…` → `Bearer {access_token}`).
pub(super) fn substitute(value: &str, known: &[Known]) -> Template {
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
pub(super) fn substitute_json(value: &Value, key: &str, known: &[Known]) -> Value {
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
pub(super) fn learn_values(entry: &Value, producer: usize, known: &mut Vec<Known>) {
    learn_body_fields(entry, producer, known);
    learn_location(entry, producer, known);
}

/// The response body as text, base64 decoded when the recording stored it so.
fn response_body(entry: &Value) -> String {
    let content = entry.pointer("/response/content");
    let text = content.and_then(|content| content.get("text")).and_then(Value::as_str).unwrap_or_default();
    if content.and_then(|content| content.get("encoding")).and_then(Value::as_str) == Some("base64") {
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    } else {
        text.to_string()
    }
}

fn learn_body_fields(entry: &Value, producer: usize, known: &mut Vec<Known>) {
    let Ok(body) = serde_json::from_str::<Value>(&response_body(entry)) else { return };
    let mut found = Vec::new();
    walk(&body, &mut Vec::new(), &mut found);
    for (path, key, value) in found {
        if known.iter().any(|known| known.text == value.0) {
            continue;
        }
        let display = names::variable(&key);
        let var = free_name(known, &display);
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

fn learn_location(entry: &Value, producer: usize, known: &mut Vec<Known>) {
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
    let Some(location) = location else { return };
    let path = match url::Url::parse(location) {
        Ok(url) => url.path().to_string(),
        Err(_) => location.split('?').next().unwrap_or(location).to_string(),
    };
    let var = free_name(known, "location");
    known.push(Known {
        text: path,
        number: false,
        display: "location".into(),
        var,
        producer,
        from: Source::Location,
    });
}

/// `name` when no known value has that variable yet, else the first free `name_2`, `name_3` ….
fn free_name(known: &[Known], name: &str) -> String {
    let mut var = name.to_string();
    let mut suffix = 2;
    while known.iter().any(|known| known.var == var) {
        var = format!("{name}_{suffix}");
        suffix += 1;
    }
    var
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
