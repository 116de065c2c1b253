//! The lab server's storage and grading faults: a SQLite file survives a restart and never
//! reuses an id, concurrent writes lose nothing (in memory and in a file), and injected 500s and
//! vanishing todos come at the configured share. Every test starts its own server on a free
//! loopback port.

use crate::common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::lab::Lab;
use loadlab::server::{Faults, ServerConfig, Storage};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

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
