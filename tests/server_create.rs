//! `POST /todos/` against `todo-api-contract.md`: the created todo in the original's shape, and
//! every refusal as pydantic words it (lax booleans, lengths in characters, missing fields,
//! malformed JSON at Python's offset, non-objects, non-JSON bodies). Every test starts its own
//! server on a free loopback port.

use crate::common;

use common::lab::{Lab, is_timestamp, keys};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// POST /todos/

#[tokio::test]
async fn create_answers_201_with_the_todo_in_the_original_shape() {
    let lab = Lab::new().await;
    let (status, text) = lab.call(Method::POST, "/todos/", Some(json!({"title": "FastAPI 공부하기"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    // Field order as the original serialises it.
    let order: Vec<usize> =
        ["\"title\"", "\"description\"", "\"completed\"", "\"id\"", "\"created_at\"", "\"updated_at\""]
            .iter()
            .map(|k| text.find(k).unwrap_or_else(|| panic!("{k} missing in {text}")))
            .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    let todo: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(todo["title"], "FastAPI 공부하기");
    assert_eq!(todo["description"], Value::Null);
    assert_eq!(todo["completed"], false);
    assert!(todo["id"].as_i64().unwrap() >= 1);
    let (created, updated) = (todo["created_at"].as_str().unwrap(), todo["updated_at"].as_str().unwrap());
    assert!(is_timestamp(created) && is_timestamp(updated), "{created} {updated}");
    assert!(updated >= created);
}

#[tokio::test]
async fn create_keeps_description_and_completed_and_ignores_unknown_fields() {
    let lab = Lab::new().await;
    let todo = lab
        .create(json!({"title": "장보기", "description": "우유, 빵", "completed": true, "priority": 5, "id": 999}))
        .await;
    assert_eq!(todo["description"], "우유, 빵");
    assert_eq!(todo["completed"], true);
    assert_ne!(todo["id"], 999, "a client cannot choose the id");
    assert_eq!(keys(&todo), ["completed", "created_at", "description", "id", "title", "updated_at"]);
}

#[tokio::test]
async fn create_accepts_lax_booleans_like_pydantic() {
    let lab = Lab::new().await;
    let cases = [
        (json!(true), true),
        (json!(false), false),
        (json!(1), true),
        (json!(0), false),
        (json!("true"), true),
        (json!("YES"), true),
        (json!("on"), true),
        (json!("1"), true),
        (json!("t"), true),
        (json!("y"), true),
        (json!("False"), false),
        (json!("no"), false),
        (json!("off"), false),
        (json!("0"), false),
        (json!("f"), false),
        (json!("N"), false),
    ];
    for (input, expected) in cases {
        let todo = lab.create(json!({"title": "x", "completed": input})).await;
        assert_eq!(todo["completed"], expected, "completed = {input}");
    }
}

#[tokio::test]
async fn create_refuses_a_non_boolean_with_bool_parsing() {
    let lab = Lab::new().await;
    let (status, body) =
        lab.json(Method::POST, "/todos/", Some(json!({"title": "x", "completed": "maybe"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail": [{"type": "bool_parsing", "loc": ["body", "completed"],
                           "msg": "Input should be a valid boolean, unable to interpret input",
                           "input": "maybe"}]})
    );
    let (status, body) = lab.json(Method::POST, "/todos/", Some(json!({"title": "x", "completed": 2}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "bool_parsing");
    let (status, body) =
        lab.json(Method::POST, "/todos/", Some(json!({"title": "x", "completed": null}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "bool_type");
    assert_eq!(body["detail"][0]["msg"], "Input should be a valid boolean");
}

#[tokio::test]
async fn create_refuses_an_empty_title_with_string_too_short() {
    let lab = Lab::new().await;
    let (status, body) = lab.json(Method::POST, "/todos/", Some(json!({"title": ""}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail": [{"type": "string_too_short", "loc": ["body", "title"],
                           "msg": "String should have at least 1 character", "input": "",
                           "ctx": {"min_length": 1}}]})
    );
}

#[tokio::test]
async fn title_length_counts_characters_not_bytes() {
    let lab = Lab::new().await;
    // 100 Hangul syllables are 300 bytes: still a valid title.
    let hundred = "가".repeat(100);
    assert_eq!(lab.create(json!({"title": hundred})).await["title"], hundred.as_str());
    let (status, body) = lab.json(Method::POST, "/todos/", Some(json!({"title": "가".repeat(101)}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = &body["detail"][0];
    assert_eq!(e["type"], "string_too_long");
    assert_eq!(e["loc"], json!(["body", "title"]));
    assert_eq!(e["msg"], "String should have at most 100 characters");
    assert_eq!(e["ctx"], json!({"max_length": 100}));
}

#[tokio::test]
async fn description_allows_500_characters_and_no_more() {
    let lab = Lab::new().await;
    let five_hundred = "설".repeat(500);
    let todo = lab.create(json!({"title": "x", "description": five_hundred})).await;
    assert_eq!(todo["description"].as_str().unwrap().chars().count(), 500);
    let (status, body) =
        lab.json(Method::POST, "/todos/", Some(json!({"title": "x", "description": "설".repeat(501)}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "string_too_long");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "description"]));
    assert_eq!(body["detail"][0]["msg"], "String should have at most 500 characters");
}

#[tokio::test]
async fn create_refuses_a_number_title_with_string_type() {
    let lab = Lab::new().await;
    let (status, body) = lab.json(Method::POST, "/todos/", Some(json!({"title": 123}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail": [{"type": "string_type", "loc": ["body", "title"],
                           "msg": "Input should be a valid string", "input": 123}]})
    );
}

#[tokio::test]
async fn create_without_title_is_missing_and_echoes_the_body() {
    let lab = Lab::new().await;
    let (status, text) = lab.call(Method::POST, "/todos/", Some(json!({"description": "제목 없음"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        body,
        json!({"detail": [{"type": "missing", "loc": ["body", "title"], "msg": "Field required",
                           "input": {"description": "제목 없음"}}]})
    );
}

#[tokio::test]
async fn create_reports_every_bad_field_in_model_order() {
    let lab = Lab::new().await;
    let (status, body) =
        lab.json(Method::POST, "/todos/", Some(json!({"completed": "maybe", "description": 5}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let types: Vec<&str> =
        body["detail"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["missing", "string_type", "bool_parsing"]);
}

#[tokio::test]
async fn create_with_an_empty_body_is_missing_body() {
    let lab = Lab::new().await;
    for ct in [Some("application/json"), None] {
        let (status, body) = lab.raw(Method::POST, "/todos/", ct, Vec::new()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body,
            json!({"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": null}]})
        );
    }
}

#[tokio::test]
async fn create_with_malformed_json_is_json_invalid_at_the_offset() {
    let lab = Lab::new().await;
    let (status, body) =
        lab.raw(Method::POST, "/todos/", Some("application/json"), br#"{"title": }"#.to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail": [{"type": "json_invalid", "loc": ["body", 10], "msg": "JSON decode error",
                           "input": {}, "ctx": {"error": "Expecting value"}}]})
    );
    let (_, body) =
        lab.raw(Method::POST, "/todos/", Some("application/json"), br#"{"title": "x",}"#.to_vec()).await;
    assert_eq!(body["detail"][0]["loc"], json!(["body", 14]));
    assert_eq!(body["detail"][0]["ctx"]["error"], "Expecting property name enclosed in double quotes");
}

#[tokio::test]
async fn create_with_a_non_object_is_model_attributes_type() {
    let lab = Lab::new().await;
    for input in [json!(["title"]), json!("title"), json!(42)] {
        let (status, body) = lab.json(Method::POST, "/todos/", Some(input.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body,
            json!({"detail": [{"type": "model_attributes_type", "loc": ["body"],
                               "msg": "Input should be a valid dictionary or object to extract fields from",
                               "input": input}]})
        );
    }
    // A JSON null body counts as no body at all.
    let (status, body) = lab.json(Method::POST, "/todos/", Some(Value::Null)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["loc"], json!(["body"]));
    assert_eq!(body["detail"][0]["type"], "missing");
}

#[tokio::test]
async fn create_with_a_non_json_content_type_or_bad_bytes_is_refused_as_json() {
    let lab = Lab::new().await;
    let (status, body) =
        lab.raw(Method::POST, "/todos/", Some("text/plain"), br#"{"title": "x"}"#.to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "model_attributes_type");
    assert_eq!(body["detail"][0]["input"], r#"{"title": "x"}"#);
    // JSON with a charset or a +json subtype is still JSON.
    let (status, _) = lab
        .raw(Method::POST, "/todos/", Some("application/json; charset=utf-8"), br#"{"title": "x"}"#.to_vec())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) =
        lab.raw(Method::POST, "/todos/", Some("application/json"), vec![b'"', 0xff, b'"']).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"detail": "There was an error parsing the body"}));
}
