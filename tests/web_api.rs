//! The dashboard over HTTP: start, stop, lab switches, bad input and foreign origins, and the
//! event stream's content, against real runs on the embedded lab server (a few users, stopped
//! by the test).

use crate::web_support;

use serde_json::{Value, json};
use web_support::{Events, client, dashboard, post, todo_form};

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

fn hangul(text: &str) -> bool {
    text.chars().any(|c| ('가'..='힣').contains(&c))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_forms_get_korean_messages_and_start_nothing() {
    let server = dashboard().await;
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cases = [
        (json!({"users": -1, "spawn_rate": 1, "classes": [{"name": "TodoUser", "weight": 1}]}), "사용자 수"),
        (json!({"users": 5, "spawn_rate": 0, "classes": [{"name": "TodoUser", "weight": 1}]}), "투입 속도"),
        (json!({"users": 5, "spawn_rate": 1, "classes": [{"name": "GhostUser", "weight": 1}]}), "GhostUser"),
        (json!({"users": 5, "spawn_rate": 1, "classes": []}), "클래스"),
        (
            json!({"users": 5, "spawn_rate": 1, "host": "127.0.0.1:8000",
            "classes": [{"name": "TodoUser", "weight": 1}]}),
            "http://",
        ),
        (
            json!({"users": 5, "spawn_rate": 1, "host": format!("http://127.0.0.1:{closed}"),
            "classes": [{"name": "TodoUser", "weight": 1}]}),
            "연결할 수 없어요",
        ),
        (
            json!({"users": 5, "spawn_rate": 1, "shape": "zigzag",
            "classes": [{"name": "TodoUser", "weight": 1}]}),
            "zigzag",
        ),
        (
            json!({"users": 5, "spawn_rate": 1, "run_time": "soon",
            "classes": [{"name": "TodoUser", "weight": 1}]}),
            "soon",
        ),
    ];
    for (form, expected) in cases {
        let (status, body) = post(&server, "/api/start", form.clone()).await;
        assert_eq!(status, 400, "{form}: {body}");
        let message = error_of(&body);
        assert!(message.contains(expected) && hangul(message), "{form}: {message}");
    }
    let (status, body) = post(&server, "/api/start", json!("not an object")).await;
    assert_eq!(status, 400);
    assert!(hangul(error_of(&body)), "{body}");
    let (status, body) = post(&server, "/api/stop", json!({})).await;
    assert_eq!(status, 409, "nothing runs: {body}");
    assert_eq!(server.dashboard().phase(), loadlab::web::Phase::Idle);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_same_origin_json_changes_anything() {
    let server = dashboard().await;
    let url = server.url();
    let form = todo_form(2).to_string();
    let attempts = [
        // No Origin at all (a script outside any page), a page in another tab, a simple form post.
        vec![("Content-Type", "application/json".to_string())],
        vec![("Content-Type", "application/json".to_string()), ("Origin", "http://evil.example".to_string())],
        vec![("Content-Type", "text/plain".to_string()), ("Origin", url.clone())],
        vec![
            ("Content-Type", "application/json".to_string()),
            ("Origin", url.clone()),
            ("Sec-Fetch-Site", "cross-site".to_string()),
        ],
    ];
    for headers in attempts {
        let mut request = client().post(format!("{url}/api/start")).body(form.clone());
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert!(status == 403 || status == 415, "{headers:?}: {status}");
        assert!(hangul(error_of(&body)), "{body}");
    }
    // A DNS-rebound name reaches the port but not the dashboard.
    let rebound = client()
        .post(format!("{url}/api/start"))
        .header("Host", "evil.example")
        .header("Origin", "http://evil.example")
        .header("Content-Type", "application/json")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status().as_u16(), 403);
    let peek =
        client().get(format!("{url}/api/config")).header("Host", "evil.example:80").send().await.unwrap();
    assert_eq!(peek.status().as_u16(), 403, "a rebound name cannot read the dashboard either");
    assert_eq!(server.dashboard().phase(), loadlab::web::Phase::Idle, "no attempt started a run");
    server.shutdown().await;
}

/// The lab server's database query counter, from its own `/metrics`.
async fn db_queries(host: &str) -> f64 {
    let text = client().get(format!("{host}/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("loadlab_db_queries_total "))
        .and_then(|value| value.trim().parse().ok())
        .expect("loadlab_db_queries_total")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_streams_live_numbers_switches_bottlenecks_and_leaves_its_reports() {
    let server = dashboard().await;
    let mut events = Events::open(&server).await;
    let first = events.next().await;
    assert_eq!(first["phase"], "idle", "{first}");

    let (status, body) = post(&server, "/api/start", todo_form(4)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&server, "/api/start", todo_form(4)).await;
    assert_eq!(status, 409, "one run at a time: {body}");
    assert!(hangul(error_of(&body)));

    // Live: per-name rows with the console's numbers, history points, the server's own view.
    let live = events
        .until("rows, three history points and a server sample", |snapshot, history| {
            snapshot["phase"] == "running"
                && snapshot["live"]["stats"].as_array().is_some_and(|rows| !rows.is_empty())
                && history.len() >= 3
                && history.iter().any(|point| point["server"].is_object())
        })
        .await;
    assert_eq!(live["info"]["embedded"], true);
    assert_eq!(live["info"]["classes"][0]["name"], "TodoUser");
    let total = &live["live"]["total"];
    assert!(total["num_requests"].as_u64().unwrap() > 0, "{total}");
    let summed: u64 = live["live"]["stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["num_requests"].as_u64().unwrap())
        .sum();
    assert_eq!(summed, total["num_requests"].as_u64().unwrap(), "Aggregated is the sum of the rows");
    assert!(events.history.iter().any(|point| point["requests_per_second"].as_f64().unwrap() > 0.0));
    let elapsed: Vec<f64> = events.history.iter().map(|point| point["elapsed"].as_f64().unwrap()).collect();
    assert!(elapsed.windows(2).all(|pair| pair[0] < pair[1]), "history arrives once, in order: {elapsed:?}");

    // The lab panel: N+1 on makes one list request cost one query per listed todo.
    let host = live["info"]["host"].as_str().unwrap().to_string();
    assert!(live["lab"].as_array().unwrap().iter().all(|switch| switch["on"] == false));
    let list = |host: String| async move {
        let before = db_queries(&host).await;
        client().get(format!("{host}/todos/?limit=1000")).send().await.unwrap();
        db_queries(&host).await - before
    };
    let (status, body) = post(&server, "/api/lab", json!({"bottleneck": "n-plus-one", "on": true})).await;
    assert_eq!(status, 200, "{body}");
    let switched = events
        .until("n-plus-one shown on", |snapshot, _| {
            snapshot["lab"]
                .as_array()
                .is_some_and(|lab| lab.iter().any(|s| s["name"] == "n-plus-one" && s["on"] == true))
        })
        .await;
    assert_eq!(switched["phase"], "running");
    let (status, _) = post(&server, "/api/lab", json!({"bottleneck": "warp-drive", "on": true})).await;
    assert_eq!(status, 400);
    // Forty todos of our own, so the list is long next to what the four users do meanwhile.
    for i in 0..40 {
        let todo = json!({"title": format!("web {i}")});
        client().post(format!("{host}/todos/")).json(&todo).send().await.unwrap();
    }
    let with_n_plus_one = list(host.clone()).await;
    assert!(with_n_plus_one >= 40.0, "N+1 on: {with_n_plus_one} queries for one list");
    let (status, _) = post(&server, "/api/lab", json!({"bottleneck": "n-plus-one", "on": false})).await;
    assert_eq!(status, 200);
    let healthy = list(host.clone()).await;
    assert!(healthy < 20.0, "N+1 off again: {healthy} queries for one list");

    // Edit: more users, at once; bad values are refused in Korean.
    let (status, body) = post(&server, "/api/edit", json!({"users": -2, "spawn_rate": 5})).await;
    assert_eq!(status, 400, "{body}");
    assert!(hangul(error_of(&body)));
    let (status, body) = post(&server, "/api/edit", json!({"users": 7, "spawn_rate": 100})).await;
    assert_eq!(status, 200, "{body}");
    events
        .until("seven users", |snapshot, _| {
            snapshot["live"]["users"] == 7 && snapshot["live"]["target_users"] == 7
        })
        .await;

    // Reset: the numbers start again from zero, and so does the history.
    let before = events
        .until("some requests to reset", |snapshot, _| {
            snapshot["live"]["total"]["num_requests"].as_u64() >= Some(20)
        })
        .await;
    let counted = before["live"]["total"]["num_requests"].as_u64().unwrap();
    let (status, body) = post(&server, "/api/reset", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let after = events
        .until("fewer requests after the reset", |snapshot, _| {
            snapshot["live"]["total"]["num_requests"].as_u64().is_some_and(|n| n < counted)
        })
        .await;
    assert_eq!(after["phase"], "running");
    // Counting again from the reset on, so the outcome has numbers to explain.
    events
        .until("requests after the reset", |snapshot, _| {
            snapshot["live"]["total"]["num_requests"].as_u64() >= Some(5)
        })
        .await;

    let (status, body) = post(&server, "/api/stop", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let done = events.until("the outcome", |snapshot, _| snapshot["outcome"].is_object()).await;
    assert_eq!(done["phase"], "finished");
    let outcome = &done["outcome"];
    assert_eq!(outcome["interrupted"], true);
    assert!(hangul(outcome["verdict"].as_str().unwrap()));
    assert!(outcome["metrics"].as_array().unwrap().len() >= 4, "{outcome}");
    let names: Vec<&str> =
        outcome["downloads"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    for wanted in [
        "report.html",
        "result.json",
        "loadlab_stats.csv",
        "loadlab_stats_history.csv",
        "loadlab_failures.csv",
    ] {
        assert!(names.contains(&wanted), "{names:?}");
    }
    let url = server.url();
    let get = |path: String| {
        let url = url.clone();
        async move { client().get(format!("{url}{path}")).send().await.unwrap() }
    };
    let html = get("/download/report.html".into()).await;
    assert!(html.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    assert!(html.text().await.unwrap().contains("<html"));
    let csv = get("/download/loadlab_stats.csv".into()).await.text().await.unwrap();
    assert!(csv.starts_with("Type,Name,Request Count,Failure Count"), "{csv}");
    assert!(csv.contains("Aggregated"));
    let json: Value = get("/download/result.json".into()).await.json().await.unwrap();
    assert_eq!(
        json["total"]["num_requests"], done["live"]["total"]["num_requests"],
        "the page shows the result's totals"
    );
    assert_eq!(get("/download/..%2FCargo.toml".into()).await.status().as_u16(), 404);
    assert_eq!(get("/download/secret.txt".into()).await.status().as_u16(), 404);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staged_run_ends_by_itself_with_its_saturation_steps() {
    let server = dashboard().await;
    let mut events = Events::open(&server).await;
    let form = json!({"users": "", "spawn_rate": 10, "shape": "2:1s,2:3s,4:1s,4:3s,6:1s,6:3s",
        "classes": [{"name": "TodoUser", "weight": 1}]});
    let (status, body) = post(&server, "/api/start", form).await;
    assert_eq!(status, 200, "{body}");
    let done = events.until("the end of the stages", |snapshot, _| snapshot["outcome"].is_object()).await;
    assert_eq!(done["info"]["shape"], "2:1s,2:3s,4:1s,4:3s,6:1s,6:3s");
    assert_eq!(done["outcome"]["interrupted"], false, "nobody pressed Stop");
    // A shaped run gets the saturation finder's steps (a run this short reaches no limit: it
    // says how to push further).
    let saturation = done["outcome"]["saturation"].as_str().expect("saturation text for a shaped run");
    assert!(saturation.contains("포화점"), "{saturation}");
    server.shutdown().await;
}

/// A scenario's shape whose construction panics: a start that meets it must leave the
/// dashboard as it found it.
struct PanickingShape;

impl Default for PanickingShape {
    fn default() -> Self {
        panic!("a shape that cannot be built")
    }
}

impl loadlab::prelude::LoadShape for PanickingShape {
    fn tick(&mut self, _: std::time::Duration) -> Option<(usize, f64)> {
        None
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_bad_form_or_panic_wedges_the_dashboard() {
    let mut workbook = loadlab::solutions::workbook();
    workbook.shapes.push(loadlab::prelude::ShapeClass::of::<PanickingShape>());
    let options = loadlab::web::WebOptions { port: 0, ..loadlab::web::WebOptions::default() };
    let server = loadlab::web::start(workbook, options).await.expect("dashboard starts");
    let with = |key: &str, value: Value| {
        let mut form = todo_form(2);
        form[key] = value;
        form
    };
    let bad = [
        with("run_time", json!("1e20")),
        with("run_time", json!("0s")),
        with("shape", json!("10:1e20")),
        with("shape", json!("10:10000000000000000000s,10:10000000000000000000s")),
        with("shape", json!("100000000000:2s")),
        with("shape", json!("PanickingShape")),
        with("users", json!(1e300)),
        with("spawn_rate", json!("NaN")),
        with("spawn_rate", json!(1e300)),
        with("host", json!("http://")),
    ];
    for form in bad {
        let (status, body) = post(&server, "/api/start", form.clone()).await;
        assert_eq!(status, 400, "{form}: {body}");
        assert!(hangul(error_of(&body)), "{form}: {body}");
        assert_eq!(server.dashboard().phase(), loadlab::web::Phase::Idle, "{form}");
    }
    let (status, body) = post(&server, "/api/start", todo_form(2)).await;
    assert_eq!(status, 200, "a good start after the bad ones: {body}");
    let (status, body) = post(&server, "/api/stop", json!({})).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_are_404_wrong_methods_405_and_only_json_is_json() {
    let server = dashboard().await;
    let url = server.url();
    let unknown = client().get(format!("{url}/no/such/page")).send().await.unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
    let unknown_post = client()
        .post(format!("{url}/api/nothing"))
        .header("Origin", url.clone())
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_post.status().as_u16(), 404);
    let wrong_method = client().get(format!("{url}/api/start")).send().await.unwrap();
    assert_eq!(wrong_method.status().as_u16(), 405);
    for content_type in ["application/jsonfoo", "application/json-seq", "text/json"] {
        let response = client()
            .post(format!("{url}/api/start"))
            .header("Origin", url.clone())
            .header("Content-Type", content_type)
            .body(todo_form(1).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 415, "{content_type}");
    }
    let with_charset = client()
        .post(format!("{url}/api/stop"))
        .header("Origin", url.clone())
        .header("Content-Type", "application/json; charset=utf-8")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(with_charset.status().as_u16(), 409, "JSON with a charset is JSON: nothing runs");
    assert_eq!(server.dashboard().phase(), loadlab::web::Phase::Idle);
    server.shutdown().await;
}
