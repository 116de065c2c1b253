//! The lab server against `todo-api-contract.md`: one test per route and per error case,
//! plus storage, concurrency, fault injection, metrics and the engine's test route.
//! Every test starts its own server on a free loopback port.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use loadlab::server::{Faults, LabServer, ServerConfig, Storage, start};
use reqwest::{Client, Method, StatusCode, header};
use serde_json::{Value, json};

struct Lab {
    server: LabServer,
    http: Client,
}

impl Lab {
    async fn with(config: ServerConfig) -> Lab {
        let server = start(config).await.expect("server starts");
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Lab { server, http }
    }

    async fn new() -> Lab {
        Lab::with(ServerConfig::in_memory()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, String) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        (status, res.text().await.unwrap())
    }

    async fn json(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (status, text) = self.call(method, path, body).await;
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"))
        };
        (status, value)
    }

    /// Sends raw bytes with an optional content type.
    async fn raw(&self, method: Method, path: &str, ct: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path)).body(body);
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}")))
    }

    async fn create(&self, body: Value) -> Value {
        let (status, todo) = self.json(Method::POST, "/todos/", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{todo}");
        todo
    }
}

fn is_timestamp(s: &str) -> bool {
    // 2026-11-27T06:46:18.886508 (the fraction is absent only when it would be .000000)
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let base = b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    base && (b.len() == 19 || (b.len() == 26 && b[19] == b'.' && digits(20..26)))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------------------------
// GET / and /health

#[tokio::test]
async fn root_answers_the_welcome_exactly() {
    let lab = Lab::new().await;
    let res = lab.http.get(lab.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"message": "TODO API에 오신 것을 환영합니다!", "docs": "/docs", "version": "1.0.0"})
    );
}

#[tokio::test]
async fn health_is_healthy() {
    let lab = Lab::new().await;
    let (status, body) = lab.call(Method::GET, "/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"status":"healthy"}"#);
}

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

// ---------------------------------------------------------------------------------------------
// GET /todos/

#[tokio::test]
async fn list_is_ordered_by_id_with_default_limit_100() {
    let lab = Lab::new().await;
    let mut ids = Vec::new();
    for i in 0..105 {
        ids.push(lab.create(json!({"title": format!("할 일 {i}")})).await["id"].as_i64().unwrap());
    }
    let (status, body) = lab.json(Method::GET, "/todos/", None).await;
    assert_eq!(status, StatusCode::OK);
    let got: Vec<i64> = body.as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(got, ids[..100]);
    let (_, body) = lab.json(Method::GET, "/todos/?skip=100&limit=10", None).await;
    let got: Vec<i64> = body.as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(got, ids[100..]);
    let (_, body) = lab.json(Method::GET, "/todos/?skip=3&limit=2", None).await;
    assert_eq!(body.as_array().unwrap().len(), 2);
    assert_eq!(body[0]["id"], ids[3]);
    assert_eq!(body[0]["title"], "할 일 3");
    let (_, body) = lab.json(Method::GET, "/todos/?limit=0", None).await;
    assert_eq!(body, json!([]));
}

#[tokio::test]
async fn list_of_an_empty_database_is_an_empty_array() {
    let lab = Lab::new().await;
    let (status, text) = lab.call(Method::GET, "/todos/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, "[]");
}

#[tokio::test]
async fn list_treats_negative_skip_as_zero_and_negative_limit_as_no_limit() {
    let lab = Lab::new().await;
    for i in 0..103 {
        lab.create(json!({"title": format!("t{i}")})).await;
    }
    let (status, body) = lab.json(Method::GET, "/todos/?skip=-5&limit=2", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 2);
    assert_eq!(body[0]["title"], "t0");
    let (status, body) = lab.json(Method::GET, "/todos/?limit=-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 103, "negative limit means no limit");
    // Beyond 64 bits: clamped, never a 500.
    let (status, body) = lab.json(Method::GET, "/todos/?skip=99999999999999999999999", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!([]));
}

#[tokio::test]
async fn list_refuses_non_integer_skip_and_limit() {
    let lab = Lab::new().await;
    let (status, body) = lab.json(Method::GET, "/todos/?skip=abc&limit=1.5", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = "Input should be a valid integer, unable to parse string as an integer";
    assert_eq!(
        body,
        json!({"detail": [
            {"type": "int_parsing", "loc": ["query", "skip"], "msg": msg, "input": "abc"},
            {"type": "int_parsing", "loc": ["query", "limit"], "msg": msg, "input": "1.5"}
        ]})
    );
    // pydantic's lax integers: spaces, a plus sign, underscores, a zero fraction.
    let (status, _) = lab.json(Method::GET, "/todos/?skip=%2B1&limit=1_0", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = lab.json(Method::GET, "/todos/?skip=%201%20&limit=5.0", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn todos_without_trailing_slash_redirects_307() {
    let lab = Lab::new().await;
    let res = lab.http.get(lab.url("/todos")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(res.headers()[header::LOCATION].to_str().unwrap(), lab.url("/todos/"));
    let res = lab.http.get(lab.url("/todos?skip=1&limit=2")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(res.headers()[header::LOCATION].to_str().unwrap(), lab.url("/todos/?skip=1&limit=2"));
    // 307 keeps the method: a POST is repeated as a POST, and a following client gets its 201.
    let res = lab.http.post(lab.url("/todos")).json(&json!({"title": "x"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TEMPORARY_REDIRECT);
    let following = Client::new();
    let res = following.post(lab.url("/todos")).json(&json!({"title": "따라감"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // And the other way round: an extra slash on a route.
    let res = lab.http.get(lab.url("/health/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(res.headers()[header::LOCATION].to_str().unwrap(), lab.url("/health"));
}

// ---------------------------------------------------------------------------------------------
// GET /todos/{todo_id}

#[tokio::test]
async fn read_returns_the_todo() {
    let lab = Lab::new().await;
    let todo = lab.create(json!({"title": "읽기", "description": "설명"})).await;
    let (status, body) = lab.json(Method::GET, &format!("/todos/{}", todo["id"]), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, todo);
}

#[tokio::test]
async fn read_of_an_unknown_id_is_404_in_korean() {
    let lab = Lab::new().await;
    let (status, body) = lab.json(Method::GET, "/todos/99999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "ID 99999인 TODO를 찾을 수 없습니다."}));
    let (status, body) = lab.json(Method::GET, "/todos/-3", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "ID -3인 TODO를 찾을 수 없습니다."}));
}

#[tokio::test]
async fn read_of_a_non_integer_id_is_int_parsing() {
    let lab = Lab::new().await;
    for raw in ["abc", "1.5", "1e3", "%ED%95%9C"] {
        let (status, body) = lab.json(Method::GET, &format!("/todos/{raw}"), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{raw}");
        let decoded = if raw.starts_with('%') { "한" } else { raw };
        assert_eq!(
            body,
            json!({"detail": [{"type": "int_parsing", "loc": ["path", "todo_id"],
                               "msg": "Input should be a valid integer, unable to parse string as an integer",
                               "input": decoded}]})
        );
    }
}

#[tokio::test]
async fn read_accepts_lax_integer_ids() {
    let lab = Lab::new().await;
    let id = lab.create(json!({"title": "x"})).await["id"].as_i64().unwrap();
    for form in [format!("+{id}"), format!("00{id}"), format!("{id}.0"), format!("%20{id}")] {
        let (status, body) = lab.json(Method::GET, &format!("/todos/{form}"), None).await;
        assert_eq!(status, StatusCode::OK, "{form}");
        assert_eq!(body["id"], id);
    }
}

#[tokio::test]
async fn ids_beyond_64_bits_are_a_json_404_never_a_500() {
    let lab = Lab::new().await;
    let huge = "99999999999999999999999999";
    for method in [Method::GET, Method::DELETE] {
        let (status, body) = lab.json(method, &format!("/todos/{huge}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body, json!({"detail": format!("ID {huge}인 TODO를 찾을 수 없습니다.")}));
    }
    let (status, body) = lab.json(Method::PUT, &format!("/todos/{huge}"), Some(json!({"title": "x"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].as_str().unwrap().contains(huge));
    let (status, _) = lab.json(Method::GET, "/todos/9223372036854775807", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// PUT /todos/{todo_id}

#[tokio::test]
async fn update_changes_only_the_fields_sent_and_moves_updated_at() {
    let lab = Lab::new().await;
    let todo = lab.create(json!({"title": "원래 제목", "description": "원래 설명"})).await;
    tokio::time::sleep(Duration::from_millis(2)).await;
    let path = format!("/todos/{}", todo["id"]);
    let (status, updated) = lab.json(Method::PUT, &path, Some(json!({"completed": "yes"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["title"], "원래 제목");
    assert_eq!(updated["description"], "원래 설명");
    assert_eq!(updated["completed"], true);
    assert_eq!(updated["id"], todo["id"]);
    assert_eq!(updated["created_at"], todo["created_at"]);
    assert!(updated["updated_at"].as_str().unwrap() > todo["updated_at"].as_str().unwrap());
    assert!(is_timestamp(updated["updated_at"].as_str().unwrap()));

    let (_, again) = lab.json(Method::PUT, &path, Some(json!({"title": "새 제목", "extra": 1}))).await;
    assert_eq!(again["title"], "새 제목");
    assert_eq!(again["completed"], true);
    let (_, read) = lab.json(Method::GET, &path, None).await;
    assert_eq!(read, again, "the update is stored");

    // An explicit null description clears it; a null title changes nothing.
    let (_, cleared) = lab.json(Method::PUT, &path, Some(json!({"description": null, "title": null}))).await;
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["title"], "새 제목");
}

#[tokio::test]
async fn update_with_an_empty_object_moves_only_updated_at() {
    let lab = Lab::new().await;
    let todo = lab.create(json!({"title": "그대로"})).await;
    tokio::time::sleep(Duration::from_millis(2)).await;
    let (status, updated) = lab.json(Method::PUT, &format!("/todos/{}", todo["id"]), Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    for field in ["title", "description", "completed", "id", "created_at"] {
        assert_eq!(updated[field], todo[field], "{field}");
    }
    assert_ne!(updated["updated_at"], todo["updated_at"]);
}

#[tokio::test]
async fn update_of_an_unknown_id_is_404() {
    let lab = Lab::new().await;
    let (status, body) = lab.json(Method::PUT, "/todos/4242", Some(json!({"title": "x"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "ID 4242인 TODO를 찾을 수 없습니다."}));
}

#[tokio::test]
async fn update_validates_like_create_and_reports_path_and_body_together() {
    let lab = Lab::new().await;
    let todo = lab.create(json!({"title": "x"})).await;
    let path = format!("/todos/{}", todo["id"]);
    let (status, body) = lab.json(Method::PUT, &path, Some(json!({"title": ""}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "string_too_short");
    let (status, body) = lab.json(Method::PUT, &path, Some(json!({"completed": "maybe"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "bool_parsing");
    let (status, body) = lab.json(Method::PUT, &path, Some(json!(["x"]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["type"], "model_attributes_type");
    let (status, body) = lab.raw(Method::PUT, &path, Some("application/json"), Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["loc"], json!(["body"]));

    // FastAPI collects path and body errors into one answer.
    let (status, body) = lab.json(Method::PUT, "/todos/abc", Some(json!({"title": 5}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let locs: Vec<&Value> = body["detail"].as_array().unwrap().iter().map(|e| &e["loc"]).collect();
    assert_eq!(locs, [&json!(["path", "todo_id"]), &json!(["body", "title"])]);
    // ...but malformed JSON is reported alone.
    let (_, body) = lab.raw(Method::PUT, "/todos/abc", Some("application/json"), b"{".to_vec()).await;
    assert_eq!(body["detail"].as_array().unwrap().len(), 1);
    assert_eq!(body["detail"][0]["type"], "json_invalid");
    assert_eq!(body["detail"][0]["loc"], json!(["body", 1]));

    let (_, read) = lab.json(Method::GET, &path, None).await;
    assert_eq!(read, todo, "refused updates change nothing");
}

// ---------------------------------------------------------------------------------------------
// DELETE /todos/{todo_id}

#[tokio::test]
async fn delete_answers_204_with_an_empty_body_then_404() {
    let lab = Lab::new().await;
    let todo = lab.create(json!({"title": "지울 것"})).await;
    let path = format!("/todos/{}", todo["id"]);
    let (status, text) = lab.call(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(text.is_empty());
    let (status, _) = lab.json(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = lab.json(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": format!("ID {}인 TODO를 찾을 수 없습니다.", todo["id"])}));
    let (status, body) = lab.json(Method::DELETE, "/todos/abc", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["loc"], json!(["path", "todo_id"]));
}

#[tokio::test]
async fn deleted_ids_are_never_reused() {
    let lab = Lab::new().await;
    let a = lab.create(json!({"title": "a"})).await["id"].as_i64().unwrap();
    let b = lab.create(json!({"title": "b"})).await["id"].as_i64().unwrap();
    lab.call(Method::DELETE, &format!("/todos/{b}"), None).await;
    let c = lab.create(json!({"title": "c"})).await["id"].as_i64().unwrap();
    assert!(a < b && b < c, "{a} {b} {c}");
}

// ---------------------------------------------------------------------------------------------
// Unknown routes, wrong methods

#[tokio::test]
async fn unknown_route_is_json_404() {
    let lab = Lab::new().await;
    for path in ["/nope", "/todos/1/comments", "/__test/delay/1"] {
        let (status, body) = lab.json(Method::GET, path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body, json!({"detail": "Not Found"}));
    }
}

#[tokio::test]
async fn wrong_method_is_json_405() {
    let lab = Lab::new().await;
    for (method, path) in [
        (Method::PATCH, "/todos/1"),
        (Method::POST, "/todos/1"),
        (Method::DELETE, "/todos/"),
        (Method::POST, "/health"),
        (Method::PUT, "/"),
    ] {
        let (status, body) = lab.json(method.clone(), path, None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(body, json!({"detail": "Method Not Allowed"}));
    }
}

// ---------------------------------------------------------------------------------------------
// Compression, metrics

#[tokio::test]
async fn large_answers_are_gzipped_when_asked() {
    let lab = Lab::new().await;
    for i in 0..20 {
        lab.create(json!({"title": format!("압축 {i}"), "description": "가".repeat(50)})).await;
    }
    let raw = Client::builder().no_gzip().build().unwrap();
    let res = raw.get(lab.url("/todos/")).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let res = raw.get(lab.url("/health")).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none(), "small answers stay plain");
    let res = raw.get(lab.url("/todos/")).send().await.unwrap();
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none(), "only when asked");
    // A gzip-capable client reads it transparently.
    let (_, list) = lab.json(Method::GET, "/todos/", None).await;
    assert_eq!(list.as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let lab = Lab::new().await;
    let id = lab.create(json!({"title": "m"})).await["id"].as_i64().unwrap();
    lab.call(Method::GET, &format!("/todos/{id}"), None).await;
    lab.call(Method::GET, &format!("/todos/{id}"), None).await;
    lab.call(Method::GET, "/todos/999999", None).await;
    lab.call(Method::GET, "/nope", None).await;
    let res = lab.http.get(lab.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let value = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        value(r#"loadlab_http_requests_total{method="GET",route="/todos/{todo_id}",status="200"}"#),
        2.0
    );
    assert_eq!(
        value(r#"loadlab_http_requests_total{method="GET",route="/todos/{todo_id}",status="404"}"#),
        1.0
    );
    assert_eq!(value(r#"loadlab_http_requests_total{method="POST",route="/todos/",status="201"}"#), 1.0);
    assert_eq!(value(r#"loadlab_http_requests_total{method="GET",route="unmatched",status="404"}"#), 1.0);
    assert_eq!(
        value(r#"loadlab_http_request_duration_seconds_count{method="GET",route="/todos/{todo_id}"}"#),
        3.0
    );
    assert_eq!(
        value(
            r#"loadlab_http_request_duration_seconds_bucket{method="GET",route="/todos/{todo_id}",le="+Inf"}"#
        ),
        3.0
    );
    assert!(value("loadlab_http_open_connections ") >= 1.0);
    assert!(value("loadlab_process_resident_memory_bytes ") > 0.0);
    assert_eq!(value("loadlab_todos "), 1.0);
    assert!(text.contains("# TYPE loadlab_http_request_duration_seconds histogram"));
}

// ---------------------------------------------------------------------------------------------
// Storage and concurrency

#[tokio::test]
async fn file_storage_survives_a_restart_and_never_reuses_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("todos.db");
    let config = ServerConfig { storage: Storage::File(path.clone()), ..ServerConfig::in_memory() };

    let lab = Lab::with(config.clone()).await;
    let kept = lab.create(json!({"title": "남아 있어야 함", "completed": true})).await;
    let gone = lab.create(json!({"title": "지워질 것"})).await;
    lab.call(Method::DELETE, &format!("/todos/{}", gone["id"]), None).await;
    lab.server.shutdown().await;

    let lab = Lab::with(config).await;
    let (_, list) = lab.json(Method::GET, "/todos/", None).await;
    assert_eq!(list, json!([kept]));
    let next = lab.create(json!({"title": "다음"})).await;
    assert!(next["id"].as_i64().unwrap() > gone["id"].as_i64().unwrap());
    lab.server.shutdown().await;
    assert!(path.exists());
}

async fn hammer(lab: &Lab) {
    let mut tasks = Vec::new();
    for t in 0..8 {
        let http = lab.http.clone();
        let url = lab.url("/todos/");
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..50 {
                let res = http.post(&url).json(&json!({"title": format!("{t}-{i}")})).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
                ids.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
            }
            ids
        }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    assert_eq!(ids.len(), 400, "every create got its own id");
    let (_, list) = lab.json(Method::GET, "/todos/?limit=-1", None).await;
    let listed: HashSet<i64> = list.as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, ids, "every created todo is listed");

    // Concurrent updates and deletes on distinct todos all land.
    let mut sorted: Vec<i64> = ids.into_iter().collect();
    sorted.sort();
    let mut tasks = Vec::new();
    for (k, chunk) in sorted.chunks(50).enumerate() {
        let http = lab.http.clone();
        let base = lab.url("/todos/");
        let chunk = chunk.to_vec();
        tasks.push(tokio::spawn(async move {
            for id in chunk {
                let res = if k % 2 == 0 {
                    http.delete(format!("{base}{id}")).send().await.unwrap()
                } else {
                    http.put(format!("{base}{id}")).json(&json!({"completed": true})).send().await.unwrap()
                };
                assert!(res.status().is_success());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (_, list) = lab.json(Method::GET, "/todos/?limit=-1", None).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 200);
    assert!(list.iter().all(|t| t["completed"] == true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_lose_nothing_in_memory() {
    hammer(&Lab::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_lose_nothing_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        ServerConfig { storage: Storage::File(dir.path().join("c.db")), ..ServerConfig::in_memory() };
    hammer(&Lab::with(config).await).await;
}

// ---------------------------------------------------------------------------------------------
// Fault injection

#[tokio::test]
async fn error_rate_one_turns_todos_answers_into_json_500s() {
    let faults = Faults { error_rate: 1.0, vanish_rate: 0.0 };
    let lab = Lab::with(ServerConfig { faults, ..ServerConfig::in_memory() }).await;
    for (method, path) in [(Method::GET, "/todos/"), (Method::POST, "/todos/"), (Method::GET, "/todos/1")] {
        let body = (method == Method::POST).then(|| json!({"title": "x"}));
        let (status, body) = lab.json(method, path, body).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
    }
    let (status, _) = lab.json(Method::GET, "/health", None).await;
    assert_eq!(status, StatusCode::OK, "only /todos is affected");
    let (_, count) = lab.call(Method::GET, "/metrics", None).await;
    assert!(count.contains("loadlab_todos 0\n"), "a failed create does not store");
}

#[tokio::test]
async fn error_rate_zero_point_five_fails_every_other_request() {
    let faults = Faults { error_rate: 0.5, vanish_rate: 0.0 };
    let lab = Lab::with(ServerConfig { faults, ..ServerConfig::in_memory() }).await;
    let mut failed = 0;
    for _ in 0..200 {
        if lab.call(Method::GET, "/todos/", None).await.0 == StatusCode::INTERNAL_SERVER_ERROR {
            failed += 1;
        }
    }
    // Spread evenly, not drawn at random: exactly half.
    assert_eq!(failed, 100);
}

#[tokio::test]
async fn vanish_rate_one_makes_created_todos_disappear_soon() {
    let faults = Faults { error_rate: 0.0, vanish_rate: 1.0 };
    let lab = Lab::with(ServerConfig { faults, ..ServerConfig::in_memory() }).await;
    let todo = lab.create(json!({"title": "곧 사라짐"})).await;
    let path = format!("/todos/{}", todo["id"]);
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let (status, _) = lab.json(Method::GET, &path, None).await;
        if status == StatusCode::NOT_FOUND {
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(Instant::now() < deadline, "todo never vanished");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _) = lab.json(Method::PUT, &path, Some(json!({"title": "늦음"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// The engine's test route, and shutdown

#[tokio::test]
async fn delay_route_exists_only_with_test_routes() {
    let lab = Lab::with(ServerConfig { test_routes: true, ..ServerConfig::in_memory() }).await;
    let started = Instant::now();
    let (status, body) = lab.json(Method::GET, "/__test/delay/150", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"slept_ms": 150}));
    assert!(started.elapsed() >= Duration::from_millis(150));
    let (status, _) = lab.json(Method::GET, "/__test/delay/0", None).await;
    assert_eq!(status, StatusCode::OK);

    let plain = Lab::new().await;
    let (status, body) = plain.json(Method::GET, "/__test/delay/10", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Not Found"}));
}

#[tokio::test]
async fn shutdown_stops_listening_even_with_idle_keepalive_connections() {
    let lab = Lab::new().await;
    let url = lab.url("/health");
    // The client keeps its connection open after this request.
    assert_eq!(lab.http.get(&url).send().await.unwrap().status(), StatusCode::OK);
    let started = Instant::now();
    lab.server.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(2), "graceful stop does not hang");
    let fresh = Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
    assert!(fresh.get(&url).send().await.is_err(), "nothing listens after shutdown");
}
