//! `/openapi.json` is FastAPI's own document for the guide's app (`src/server/openapi.json`,
//! recaptured by `benches/reference/capture_openapi.sh`), and the server keeps every promise in
//! it: each operation is routed and answers one of its documented statuses in the documented
//! shape, and its documented 422 comes in FastAPI's `HTTPValidationError` shape.

use crate::common;

use common::lab::Lab;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

const CAPTURED: &str = include_str!("../src/server/openapi.json");

fn captured() -> Value {
    serde_json::from_str(CAPTURED).expect("src/server/openapi.json is JSON")
}

/// The schema a `$ref` points at, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").expect("a local $ref");
            let target = &doc["components"]["schemas"][name];
            assert!(target.is_object(), "dangling $ref {r}");
            target
        }
        None => schema,
    }
}

/// Whether `value` has the shape `schema` describes (the JSON Schema parts FastAPI uses).
fn conforms(doc: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        return any
            .iter()
            .any(|s| conforms(doc, s, value).is_ok())
            .then_some(())
            .ok_or_else(|| format!("{value} matches no branch of {schema}"));
    }
    let wrong = || Err(format!("{value} is not {schema}"));
    match schema.get("type").and_then(Value::as_str) {
        None => Ok(()),
        Some("object") => {
            let Some(object) = value.as_object() else { return wrong() };
            for key in schema["required"].as_array().into_iter().flatten() {
                let key = key.as_str().unwrap();
                if !object.contains_key(key) {
                    return Err(format!("{value} lacks required {key}"));
                }
            }
            let properties = schema["properties"].as_object().cloned().unwrap_or_default();
            for (key, v) in object {
                if let Some(property) = properties.get(key) {
                    conforms(doc, property, v).map_err(|e| format!("{key}: {e}"))?;
                }
            }
            Ok(())
        }
        Some("array") => {
            let Some(items) = value.as_array() else { return wrong() };
            items.iter().try_for_each(|item| conforms(doc, &schema["items"], item))
        }
        Some("string") => {
            let Some(s) = value.as_str() else { return wrong() };
            let n = s.chars().count() as u64;
            let min = schema["minLength"].as_u64().unwrap_or(0);
            let max = schema["maxLength"].as_u64().unwrap_or(u64::MAX);
            if n < min || n > max {
                return wrong();
            }
            Ok(())
        }
        Some("integer") if value.is_i64() || value.is_u64() => Ok(()),
        Some("boolean") if value.is_boolean() => Ok(()),
        Some("null") if value.is_null() => Ok(()),
        Some(_) => wrong(),
    }
}

/// A small valid instance of `schema`: required properties only, strings at their minimum.
fn example(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut out = serde_json::Map::new();
            for key in schema["required"].as_array().into_iter().flatten() {
                let key = key.as_str().unwrap();
                out.insert(key.to_string(), example(doc, &schema["properties"][key]));
            }
            Value::Object(out)
        }
        Some("string") => json!("o".repeat(schema["minLength"].as_u64().unwrap_or(1).max(1) as usize)),
        Some("integer") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        _ => Value::Null,
    }
}

/// Every operation of the document: (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, Method, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("an HTTP method");
            out.push((path.clone(), method, operation.clone()));
        }
    }
    out
}

/// `path` with its path parameters filled in: `id` for integers.
fn fill(path: &str, operation: &Value, id: &str) -> String {
    let mut filled = path.to_string();
    for p in operation["parameters"].as_array().into_iter().flatten() {
        if p["in"] == "path" {
            filled = filled.replace(&format!("{{{}}}", p["name"].as_str().unwrap()), id);
        }
    }
    filled
}

#[tokio::test]
async fn the_served_document_is_the_captured_file_byte_for_byte() {
    let lab = Lab::new().await;
    let res = lab.http.get(lab.url("/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(res.text().await.unwrap(), CAPTURED);
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_answers_in_its_shape() {
    let doc = captured();
    let lab = Lab::new().await;
    let ops = operations(&doc);
    assert_eq!(
        ops.len(),
        7,
        "the contract's seven operations: {:?}",
        ops.iter().map(|o| &o.0).collect::<Vec<_>>()
    );
    for (path, method, operation) in ops {
        // A todo of its own for each, so that DELETE takes nothing from the others.
        let id = lab.create(json!({"title": "openapi"})).await["id"].to_string();
        let url = fill(&path, &operation, &id);
        let body = operation["requestBody"]["content"]["application/json"]["schema"].clone();
        let body = (!body.is_null()).then(|| example(&doc, &body));
        let (status, text) = lab.call(method.clone(), &url, body).await;
        let what = format!("{method} {url}: {status} {text}");
        assert!(status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED, "{what}");
        let documented = &operation["responses"][status.as_str()];
        assert!(documented.is_object(), "undocumented status: {what}");
        match documented["content"]["application/json"]["schema"].as_object() {
            Some(_) => {
                let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {what}"));
                let schema = &documented["content"]["application/json"]["schema"];
                conforms(&doc, schema, &value).unwrap_or_else(|e| panic!("{e}: {what}"));
            }
            None => assert_eq!(text, "", "{what}"),
        }
    }
}

#[tokio::test]
async fn every_documented_422_comes_in_the_documented_shape() {
    let doc = captured();
    let lab = Lab::new().await;
    let mut checked = 0;
    for (path, method, operation) in operations(&doc) {
        let Some(schema) = operation["responses"]["422"]["content"]["application/json"]["schema"].as_object()
        else {
            continue;
        };
        // An integer parameter that is not one, in the path or the query; else a body that is
        // not an object.
        let mut url = fill(&path, &operation, "not-a-number");
        let mut body = None;
        if url == path {
            match operation["parameters"].as_array().and_then(|ps| ps.iter().find(|p| p["in"] == "query")) {
                Some(p) => url = format!("{path}?{}=not-a-number", p["name"].as_str().unwrap()),
                None => body = Some(json!([])),
            }
        }
        let (status, value) = lab.json(method.clone(), &url, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {url}: {value}");
        conforms(&doc, &Value::Object(schema.clone()), &value)
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        assert!(!value["detail"].as_array().unwrap().is_empty(), "{value}");
        checked += 1;
    }
    assert_eq!(checked, 5, "every /todos operation documents a 422");
}

#[test]
fn the_shape_check_refuses_what_the_document_does_not_allow() {
    // The checks above are only as good as `conforms`: it must say no to a wrong todo.
    let doc = captured();
    let todo = json!({"$ref": "#/components/schemas/Todo"});
    let good = json!({"title": "a", "description": null, "completed": false, "id": 1,
                      "created_at": "2026-01-01T00:00:00", "updated_at": "2026-01-01T00:00:00"});
    assert_eq!(conforms(&doc, &todo, &good), Ok(()));
    let mut no_id = good.clone();
    no_id.as_object_mut().unwrap().remove("id");
    assert!(conforms(&doc, &todo, &no_id).is_err());
    assert!(
        conforms(&doc, &todo, &json!({"title": "", "id": 1, "created_at": "", "updated_at": ""})).is_err()
    );
    let mut text_completed = good.clone();
    text_completed["completed"] = json!("yes");
    assert!(conforms(&doc, &todo, &text_completed).is_err());
    assert!(conforms(&doc, &json!({"type": "array", "items": todo}), &json!([good, 3])).is_err());
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let lab = Lab::new().await;
    let (status, doc) = lab.json(Method::GET, "/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["version"], "1.0.0");
    let paths = &doc["paths"];
    for (path, methods) in [
        ("/", &["get"][..]),
        ("/health", &["get"]),
        ("/todos/", &["get", "post"]),
        ("/todos/{todo_id}", &["get", "put", "delete"]),
    ] {
        for m in methods {
            assert!(paths[path][m].is_object(), "{m} {path} missing");
        }
    }
    assert!(paths["/todos/"]["post"]["responses"]["201"].is_object());
    assert!(paths["/todos/{todo_id}"]["delete"]["responses"]["204"].is_object());
    let create = &doc["components"]["schemas"]["TodoCreate"];
    assert_eq!(create["required"], json!(["title"]));
    assert_eq!(create["properties"]["title"]["maxLength"], 100);
    // Every $ref points at a schema that exists.
    let text = doc.to_string();
    for part in text.split("\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(doc["components"]["schemas"][name].is_object(), "dangling $ref {name}");
    }
}

#[tokio::test]
async fn docs_page_exists_and_points_at_the_document() {
    let lab = Lab::new().await;
    let res = lab.http.get(lab.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("/openapi.json"));
}
