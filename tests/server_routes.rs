//! The lab server's routes besides creating, against `todo-api-contract.md`: `/` and `/health`,
//! listing with skip/limit and the 307 redirect, reading, updating and deleting a todo with
//! their 404s and 422s, unknown routes and wrong methods, gzip, the engine's delay route and a
//! graceful shutdown. Every test starts its own server on a free loopback port.

use crate::common;

use std::time::{Duration, Instant};

use common::lab::{Lab, is_timestamp};
use loadlab::server::ServerConfig;
use reqwest::{Client, Method, StatusCode, header};
use serde_json::{Value, json};

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
// Compression

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
