//! A value that a JSON Schema (as OpenAPI 3.0 and 3.1 use it) accepts: the body a generated task
//! sends. Required fields always, optional ones when the document gives them a default or an
//! example; types, formats, enums and limits respected; `$ref`, `allOf`, `anyOf`, `oneOf` and
//! 3.0's `nullable` followed. Values are plain and readable, since the learner reviews them.

use serde_json::{Map, Value, json};

/// Depth past which a schema is taken as recursive and cut short.
const MAX_DEPTH: usize = 8;

/// Resolves `#/components/schemas/Name`-style references inside one document.
pub fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..MAX_DEPTH {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else { return current };
        let Some(pointer) = reference.strip_prefix('#') else { return current };
        match document.pointer(pointer) {
            Some(target) => current = target,
            None => return current,
        }
    }
    current
}

/// An example value for `schema` (with `field` the property name it sits under, for readable text).
pub fn example(document: &Value, schema: &Value, field: &str) -> Value {
    example_at(document, schema, field, 0)
}

fn example_at(document: &Value, schema: &Value, field: &str, depth: usize) -> Value {
    let schema = resolve(document, schema);
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    for key in ["example", "default", "const"] {
        if let Some(value) = schema.get(key) {
            return value.clone();
        }
    }
    if let Some(first) = schema.get("examples").and_then(Value::as_array).and_then(|all| all.first()) {
        return first.clone();
    }
    if let Some(first) =
        schema.get("enum").and_then(Value::as_array).and_then(|all| all.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = example_at(document, part, field, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(choices) = schema.get(key).and_then(Value::as_array) {
            let chosen =
                choices.iter().find(|choice| !is_null_type(resolve(document, choice))).or(choices.first());
            return chosen.map_or(Value::Null, |choice| example_at(document, choice, field, depth + 1));
        }
    }
    match type_of(schema).as_deref() {
        Some("object") => object(document, schema, depth),
        Some("array") => {
            let wanted = schema.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1);
            let item = schema
                .get("items")
                .map_or(Value::Null, |items| example_at(document, items, field, depth + 1));
            Value::Array(vec![item; wanted.min(3) as usize])
        }
        Some("integer") => json!(number(schema, 1.0).round() as i64),
        Some("number") => json!(number(schema, 1.5)),
        Some("boolean") => json!(false),
        Some("string") => json!(string(schema, field)),
        Some("null") => Value::Null,
        _ if schema.get("properties").is_some() => object(document, schema, depth),
        _ => json!(string(schema, field)),
    }
}

fn is_null_type(schema: &Value) -> bool {
    type_of(schema).as_deref() == Some("null")
}

/// `type` as 3.0 writes it (`"string"`) or as 3.1 may (`["string", "null"]`).
fn type_of(schema: &Value) -> Option<String> {
    match schema.get("type")? {
        Value::String(name) => Some(name.clone()),
        Value::Array(names) => {
            names.iter().filter_map(Value::as_str).find(|name| *name != "null").map(str::to_string)
        }
        _ => None,
    }
}

fn object(document: &Value, schema: &Value, depth: usize) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|all| all.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Map::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let property = resolve(document, property);
            let described = ["example", "default", "examples"].iter().any(|key| property.get(key).is_some());
            let read_only = property.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
            if read_only || !(required.contains(&name.as_str()) || described) {
                continue;
            }
            fields.insert(name.clone(), example_at(document, property, name, depth + 1));
        }
        // An update whose every field is optional still needs something to change.
        if fields.is_empty()
            && let Some((name, property)) = properties.iter().find(|(_, property)| {
                !resolve(document, property).get("readOnly").and_then(Value::as_bool).unwrap_or(false)
            })
        {
            fields.insert(name.clone(), example_at(document, property, name, depth + 1));
        }
    }
    Value::Object(fields)
}

fn number(schema: &Value, fallback: f64) -> f64 {
    let minimum = schema.get("minimum").and_then(Value::as_f64);
    let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_f64).map(|bound| bound + 1.0);
    let maximum = schema.get("maximum").and_then(Value::as_f64);
    let mut value = minimum.or(exclusive).unwrap_or(fallback).max(exclusive.unwrap_or(f64::MIN));
    if let Some(maximum) = maximum {
        value = value.min(maximum);
    }
    value
}

fn string(schema: &Value, field: &str) -> String {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-01-01T09:00:00Z".to_string(),
        Some("date") => "2026-01-01".to_string(),
        Some("time") => "09:00:00".to_string(),
        Some("email") => "loadtest@example.com".to_string(),
        Some("uuid") => "3f2b8c1e-0d5a-4c1b-9e7a-2b6c8d9e0f1a".to_string(),
        Some("uri" | "url") => "https://example.com/".to_string(),
        Some("ipv4") => "192.0.2.1".to_string(),
        Some("password") => "change-me-1234".to_string(),
        _ => {
            let readable = super::names::variable(field);
            if readable.starts_with("value") {
                "load test".to_string()
            } else {
                format!("load test {readable}")
            }
        }
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |max| max as usize);
    let mut text = text;
    while text.chars().count() < min {
        text.push('x');
    }
    text.chars().take(max.max(min)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_fields_with_their_limits_and_defaults() {
        let document = json!({"components": {"schemas": {"TodoCreate": {
            "type": "object",
            "required": ["title"],
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 10},
                "description": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "completed": {"type": "boolean", "default": false},
                "priority": {"type": "integer", "minimum": 1, "maximum": 5, "example": 3}
            }
        }}}});
        let body = example(&document, &json!({"$ref": "#/components/schemas/TodoCreate"}), "");
        assert_eq!(body, json!({"title": "load test ", "completed": false, "priority": 3}));
    }

    #[test]
    fn an_update_with_only_optional_fields_still_changes_one() {
        let document = json!({});
        let schema = json!({"type": "object", "properties": {
            "title": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]},
            "completed": {"type": ["boolean", "null"]}
        }});
        // One field, the first by name: an update may not be empty.
        assert_eq!(example(&document, &schema, ""), json!({"completed": false}));
    }

    #[test]
    fn formats_enums_numbers_and_arrays() {
        let document = json!({});
        assert_eq!(
            example(&document, &json!({"type": "string", "format": "email"}), "to"),
            json!("loadtest@example.com")
        );
        assert_eq!(
            example(&document, &json!({"type": "string", "enum": ["open", "done"]}), "s"),
            json!("open")
        );
        assert_eq!(example(&document, &json!({"type": "integer", "minimum": 10}), "n"), json!(10));
        assert_eq!(example(&document, &json!({"type": "number", "maximum": 1}), "n"), json!(1.0));
        assert_eq!(
            example(
                &document,
                &json!({"type": "array", "minItems": 2, "items": {"type": "boolean"}}),
                "flags"
            ),
            json!([false, false])
        );
    }

    #[test]
    fn a_recursive_schema_ends() {
        let document = json!({"components": {"schemas": {"Node": {
            "type": "object", "required": ["child"], "properties": {"child": {"$ref": "#/components/schemas/Node"}}
        }}}});
        let value = example(&document, &json!({"$ref": "#/components/schemas/Node"}), "");
        assert!(value.to_string().len() < 200, "{value}");
    }
}
