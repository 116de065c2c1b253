//! `loadlab import` end to end: a browser recording (Firefox's HAR format, shipped with lesson 14),
//! a recording headless Chromium makes here of a page that calls the TODO API with `fetch`, the
//! lab server's own OpenAPI document fetched from a running lab, and an access log read with
//! that document each become a scenario in a scratch copy of the workbook; one `loadlab run`
//! then compiles them and runs them against a fresh embedded lab server: no failure, no
//! exception, one row per endpoint, and the capstone's checklist item ticked.

use crate::browser;
use crate::common;
use crate::web_support;

use std::path::Path;
use std::process::{Command, Output};

use common::lab::Lab;
use serde_json::Value;

fn loadlab(workbook: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(args)
        .env("LOADLAB_WORKBOOK", workbook)
        .env("LOADLAB_PROGRESS_DIR", workbook)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `loadlab ARGS` started in `workbook`, as a learner types a lesson's command there.
fn loadlab_in(workbook: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(args)
        .current_dir(workbook)
        .env("LOADLAB_WORKBOOK", workbook)
        .env("LOADLAB_PROGRESS_DIR", workbook)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// The `import` commands of lesson 14's runnable steps, as the lesson writes them.
fn lesson_imports() -> Vec<Vec<String>> {
    let lesson = include_str!("../lessons/14-own-service.md");
    lesson
        .split("```loadlab-run\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .flat_map(str::lines)
        .filter(|line| line.starts_with("import "))
        .map(|line| line.split_whitespace().map(str::to_string).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_scenarios_compile_and_run_against_a_fresh_lab_with_no_failures() {
    let workbook = common::workbook::scratch();
    let lab = Lab::new().await;
    let document = lab.url("/openapi.json");
    let imports = lesson_imports();
    assert_eq!(imports.len(), 3, "lesson 14's import steps: {imports:?}");

    // Lesson 14's steps as written (from the workbook folder, where the learner types them), and
    // the document fetched from a running lab server.
    let scratch = workbook.to_path_buf();
    let outputs = tokio::task::spawn_blocking(move || {
        let mut outputs: Vec<Output> = imports
            .iter()
            .map(|args| {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                loadlab_in(&scratch, &args)
            })
            .collect();
        outputs.push(loadlab(&scratch, &["import", "openapi", &document, "--class", "FetchedApiUser"]));
        outputs
    })
    .await
    .unwrap();
    for output in &outputs {
        assert!(output.status.success(), "{}", text(output));
    }
    let from_log = &outputs[2];
    // The log's table comes before the file is written, shares as in the log.
    let log_text = text(from_log);
    assert!(
        log_text.contains("GET /todos/{todo_id}") && log_text.contains("DELETE /todos/{todo_id}"),
        "{log_text}"
    );
    assert!(log_text.contains("4xx 16건"), "{log_text}");
    let recorded = std::fs::read_to_string(workbook.join("exercises/recorded_user.rs")).unwrap();
    assert!(
        recorded.starts_with("//! RecordedUser — 브라우저 기록 todo-app.har에서 만든 시나리오예요."),
        "{recorded}"
    );
    assert!(recorded.contains("fonts.googleapis.com 1개"), "{recorded}");
    assert!(!recorded.contains("/todos/7"), "a recorded id is replayed:\n{recorded}");
    let main = std::fs::read_to_string(workbook.join("exercises/main.rs")).unwrap();
    for class in [
        "lab_api_user::LabApiUser",
        "recorded_user::RecordedUser",
        "log_user::LogUser",
        "fetched_api_user::FetchedApiUser",
    ] {
        assert!(main.contains(&format!("UserClass::of::<{class}>()")), "{class} not registered:\n{main}");
    }

    let result = workbook.join("imported.json");
    let run_workbook = workbook.to_path_buf();
    let result_path = result.clone();
    let run = tokio::task::spawn_blocking(move || {
        loadlab(
            &run_workbook,
            &[
                "run",
                "LabApiUser",
                "RecordedUser",
                "LogUser",
                "FetchedApiUser",
                "-u",
                "30",
                "-r",
                "30",
                "-t",
                "8s",
                "--only-summary",
                "--no-explain",
                "--json",
                result_path.to_str().unwrap(),
            ],
        )
    })
    .await
    .unwrap();
    assert!(run.status.success(), "{}", text(&run));
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap();
    assert_eq!(result["total"]["num_failures"], 0, "{}", text(&run));
    assert_eq!(result["exceptions"].as_array().map(Vec::len), Some(0), "{}", text(&run));
    let rows: Vec<(String, String)> = result["stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["method"].as_str().unwrap().to_string(), row["name"].as_str().unwrap().to_string()))
        .collect();
    let mut unique = rows.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), rows.len(), "{rows:?}");
    assert!(
        rows.iter().all(|(_, name)| !name.chars().any(|ch| ch.is_ascii_digit())),
        "an id in a row name: {rows:?}"
    );
    // The recording is one ordered flow: every one of its endpoints ran.
    for (method, name) in
        [("POST", "/todos/"), ("GET", "/todos/{id}"), ("PUT", "/todos/{id}"), ("DELETE", "/todos/{id}")]
    {
        assert!(rows.contains(&(method.to_string(), name.to_string())), "{method} {name} not in {rows:?}");
    }
    assert!(rows.iter().any(|(method, name)| method == "GET" && name == "/todos/{todo_id}"), "{rows:?}");
    // The capstone's checklist item: imported classes ran their writes without a failure.
    let progress: Value =
        serde_json::from_str(&std::fs::read_to_string(workbook.join("loadlab-progress.json")).unwrap())
            .unwrap();
    assert!(progress.to_string().contains("\"own_service\""), "own_service not ticked: {progress}");
}

#[test]
fn bad_input_is_named_and_nothing_is_written() {
    let workbook = tempfile::tempdir().unwrap();
    std::fs::create_dir(workbook.path().join("exercises")).unwrap();
    let main = include_str!("../exercises/main.rs");
    std::fs::write(workbook.path().join("exercises/main.rs"), main).unwrap();
    let not_json = workbook.path().join("broken.har");
    std::fs::write(&not_json, "<html>").unwrap();
    let cases: [(Vec<String>, &str); 4] = [
        (
            vec![
                "import".into(),
                "har".into(),
                not_json.display().to_string(),
                "--class".into(),
                "BrokenUser".into(),
            ],
            "JSON으로 읽을 수 없어요",
        ),
        (
            vec![
                "import".into(),
                "openapi".into(),
                "/nonexistent/openapi.yaml".into(),
                "--class".into(),
                "ApiUser".into(),
            ],
            "파일을 열 수 없어요: /nonexistent/openapi.yaml",
        ),
        (
            vec![
                "import".into(),
                "har".into(),
                not_json.display().to_string(),
                "--class".into(),
                "TodoUser".into(),
            ],
            "이미 있어요",
        ),
        (
            vec![
                "import".into(),
                "har".into(),
                not_json.display().to_string(),
                "--class".into(),
                "lower".into(),
            ],
            "쓸 수 없는 클래스 이름이에요",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = loadlab(workbook.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(workbook.path().join("exercises/main.rs")).unwrap(), main);
    assert_eq!(std::fs::read_dir(workbook.path().join("exercises")).unwrap().count(), 1);
}

/// What the page does, as a learner would in the TODO app: create, open, complete, list, delete.
const TODO_FLOW: &str = r#"(async () => {
  const json = { 'Content-Type': 'application/json' };
  const created = await (await fetch('/todos/', { method: 'POST', headers: json,
    body: JSON.stringify({ title: '브라우저에서 만든 할 일', completed: false }) })).json();
  await new Promise(done => setTimeout(done, 300));
  await fetch('/todos/' + created.id);
  await fetch('/todos/' + created.id, { method: 'PUT', headers: json, body: JSON.stringify({ completed: true }) });
  await new Promise(done => setTimeout(done, 300));
  await fetch('/todos/?skip=0&limit=10');
  await fetch('/todos/' + created.id, { method: 'DELETE' });
  return created.id;
})()"#;

/// A HAR 1.2 document from the page's Network events, as DevTools' "Save all as HAR with
/// content" writes it (the fields `import har` reads, and Chrome's `_resourceType`).
async fn har_from_network_events(page: &mut browser::Page, page_url: &str) -> Value {
    let events = std::mem::take(&mut page.events);
    let mut entries = Vec::new();
    for sent in events.iter().filter(|event| event["method"] == "Network.requestWillBeSent") {
        let params = &sent["params"];
        let id = &params["requestId"];
        let Some(received) = events.iter().find(|event| {
            event["method"] == "Network.responseReceived" && event["params"]["requestId"] == *id
        }) else {
            continue;
        };
        let response = &received["params"]["response"];
        // A 204 or a redirect has no body to give.
        let body = page
            .try_call("Network.getResponseBody", serde_json::json!({ "requestId": id }))
            .await
            .unwrap_or(Value::Null);
        let headers = |object: &Value| -> Vec<Value> {
            object
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, value)| serde_json::json!({ "name": name, "value": value }))
                .collect()
        };
        let request = &params["request"];
        let mut har_request = serde_json::json!({
            "method": request["method"], "url": request["url"], "httpVersion": "HTTP/1.1",
            "headers": headers(&request["headers"]), "queryString": [], "cookies": [],
        });
        if let Some(text) = request["postData"].as_str() {
            let mime = request["headers"]["Content-Type"].as_str().unwrap_or("application/json");
            har_request["postData"] = serde_json::json!({ "mimeType": mime, "text": text });
        }
        let started =
            chrono::DateTime::from_timestamp_millis((params["wallTime"].as_f64().unwrap() * 1000.0) as i64)
                .unwrap();
        entries.push(serde_json::json!({
            "startedDateTime": started.to_rfc3339(),
            "time": 1.0,
            "_resourceType": params["type"].as_str().unwrap_or("other").to_ascii_lowercase(),
            "request": har_request,
            "response": {
                "status": response["status"], "httpVersion": "HTTP/1.1", "headers": headers(&response["headers"]),
                "content": { "mimeType": response["mimeType"], "text": body["body"],
                             "encoding": if body["base64Encoded"] == true { "base64" } else { "" } },
            },
        }));
    }
    serde_json::json!({ "log": { "version": "1.2", "creator": { "name": "loadlab test", "version": "1" },
        "pages": [{ "id": "page_1", "title": page_url }], "entries": entries } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_chromium_made_imports_and_runs_with_no_failures() {
    let Some(chromium) = browser::chromium_or_skip() else { return };
    let lab = Lab::new().await;
    let browser = browser::Browser::launch(&chromium);
    let mut page = browser::Page::open(&browser).await;
    page.call("Network.enable", serde_json::json!({})).await;
    page.call("Page.enable", serde_json::json!({})).await;
    let page_url = lab.url("/docs");
    page.call("Page.navigate", serde_json::json!({ "url": page_url })).await;
    page.wait_for("the docs page", "document.readyState === 'complete'").await;
    let id = page.eval(TODO_FLOW).await;
    assert!(id.is_number(), "the page's create answered {id}");
    // One more round trip, so the last responses' events have arrived.
    page.eval("1").await;
    let har = har_from_network_events(&mut page, &page_url).await;
    let methods: Vec<&str> = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["request"]["method"].as_str())
        .collect();
    for method in ["POST", "GET", "PUT", "DELETE"] {
        assert!(methods.contains(&method), "Chromium recorded no {method}: {methods:?}");
    }

    let workbook = common::workbook::scratch();
    let recording = workbook.join("chromium.har");
    std::fs::write(&recording, serde_json::to_string_pretty(&har).unwrap()).unwrap();
    let imported =
        loadlab(&workbook, &["import", "har", recording.to_str().unwrap(), "--class", "ChromiumUser"]);
    assert!(imported.status.success(), "{}", text(&imported));
    let source = std::fs::read_to_string(workbook.join("exercises/chromium_user.rs")).unwrap();
    assert!(source.contains("recorded_flow"), "the flow is one ordered task:\n{source}");
    assert!(!source.contains(&format!("/todos/{id}")), "the recorded id is replayed:\n{source}");

    let result = workbook.join("chromium.json");
    let run = loadlab(
        &workbook,
        &[
            "run",
            "ChromiumUser",
            "-u",
            "4",
            "-r",
            "4",
            "-t",
            "6s",
            "--only-summary",
            "--no-explain",
            "--json",
            result.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}\n{source}", text(&run));
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap();
    assert_eq!(result["total"]["num_failures"], 0, "{}", text(&run));
    let rows: Vec<String> = result["stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| format!("{} {}", row["method"].as_str().unwrap(), row["name"].as_str().unwrap()))
        .collect();
    for expected in ["POST /todos/", "GET /todos/{id}", "PUT /todos/{id}", "DELETE /todos/{id}"] {
        assert!(rows.contains(&expected.to_string()), "{expected} not in {rows:?}");
    }
}

/// nginx from the PATH or `/usr/sbin`, the place Debian's package puts it.
fn find_nginx() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join("nginx")).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path.into_iter().chain([std::path::PathBuf::from("/usr/sbin/nginx")]).find(|path| path.is_file())
}

/// nginx in front of `upstream`, on a free loopback port, logging in the combined format;
/// stopped when dropped.
struct Nginx {
    child: std::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Nginx {
    fn start(binary: &Path, upstream: &str) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let path = dir.path().display();
        let config = format!(
            "worker_processes 1;\ndaemon off;\nmaster_process off;\npid {path}/nginx.pid;\nerror_log {path}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log {path}/access.log combined;\n  client_body_temp_path {path}/body;\n  proxy_temp_path {path}/proxy;\n\
             fastcgi_temp_path {path}/fastcgi;\n  uwsgi_temp_path {path}/uwsgi;\n  scgi_temp_path {path}/scgi;\n\
             server {{\n    listen 127.0.0.1:{port};\n    location / {{ proxy_pass {upstream}; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}\n  }}\n}}\n"
        );
        let config_path = dir.path().join("nginx.conf");
        std::fs::write(&config_path, config).unwrap();
        let child = Command::new(binary)
            .args(["-p", &path.to_string(), "-c"])
            .arg(&config_path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + web_support::PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "nginx never listened: {:?}",
                std::fs::read_to_string(dir.path().join("error.log"))
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Nginx { child, dir, port }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_log_a_real_nginx_wrote_becomes_the_traffic_mix() {
    let Some(nginx) = find_nginx() else {
        eprintln!(
            "\n!!!!!!!!!! SKIPPED: no nginx (Debian's package: apt-get install nginx) — the access-log test did not run !!!!!!!!!!\n"
        );
        return;
    };
    let lab = Lab::new().await;
    let proxy = Nginx::start(&nginx, &lab.server.url());
    let host = format!("http://127.0.0.1:{}", proxy.port);
    let workbook = tempfile::tempdir().unwrap();
    let dir = workbook.path().to_path_buf();
    let run_host = host.clone();
    let run = tokio::task::spawn_blocking(move || {
        loadlab(
            &dir,
            &[
                "run",
                "--solutions",
                "TodoUser",
                "-u",
                "8",
                "-r",
                "8",
                "-t",
                "5s",
                "--only-summary",
                "--no-explain",
                "-H",
                &run_host,
            ],
        )
    })
    .await
    .unwrap();
    assert!(run.status.success(), "{}", text(&run));
    // One request of each id route by hand, so the log surely has them (the run's mix is random).
    let created: Value = lab
        .http
        .post(format!("{host}/todos/"))
        .json(&serde_json::json!({"title": "nginx"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().expect("an id");
    assert!(lab.http.get(format!("{host}/todos/{id}")).send().await.unwrap().status().is_success());
    let update = serde_json::json!({"completed": true});
    assert!(
        lab.http.put(format!("{host}/todos/{id}")).json(&update).send().await.unwrap().status().is_success()
    );
    assert!(lab.http.delete(format!("{host}/todos/{id}")).send().await.unwrap().status().is_success());
    // nginx writes a line after it answered: wait for the last one.
    let deadline = std::time::Instant::now() + web_support::PATIENCE;
    while !proxy.log().contains(&format!("\"DELETE /todos/{id} ")) {
        assert!(std::time::Instant::now() < deadline, "nginx never logged the DELETE:\n{}", proxy.log());
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let log = proxy.log();
    drop(proxy);

    // The log's own shares, counted here from the raw lines.
    let answered: Vec<&str> = log
        .lines()
        .filter(|line| {
            line.split('"').nth(2).is_some_and(|after| after.trim_start().starts_with(['1', '2', '3']))
        })
        .collect();
    let posts = answered.iter().filter(|line| line.contains("\"POST /todos/ ")).count();
    assert!(posts > 0 && answered.len() > 20, "{log}");
    let expected_share = format!("{:.1}%", posts as f64 * 100.0 / answered.len() as f64);

    let scratch = tempfile::tempdir().unwrap();
    std::fs::create_dir(scratch.path().join("exercises")).unwrap();
    std::fs::write(scratch.path().join("exercises/main.rs"), include_str!("../exercises/main.rs")).unwrap();
    let log_file = scratch.path().join("access.log");
    std::fs::write(&log_file, &log).unwrap();
    let document = lab.url("/openapi.json");
    let scratch_dir = scratch.path().to_path_buf();
    let imported = tokio::task::spawn_blocking(move || {
        loadlab(
            &scratch_dir,
            &[
                "import",
                "access-log",
                log_file.to_str().unwrap(),
                "--class",
                "NginxUser",
                "--openapi",
                &document,
            ],
        )
    })
    .await
    .unwrap();
    let output = text(&imported);
    assert!(imported.status.success(), "{output}");
    let post_row = output
        .lines()
        .find(|line| line.trim_start().starts_with("POST /todos/"))
        .unwrap_or_else(|| panic!("{output}"));
    assert!(post_row.contains(&expected_share), "{post_row} vs {expected_share}:\n{output}");
    for route in ["GET /todos/{todo_id}", "PUT /todos/{todo_id}", "DELETE /todos/{todo_id}"] {
        assert!(output.contains(route), "{route}:\n{output}");
    }
    let source = std::fs::read_to_string(scratch.path().join("exercises/nginx_user.rs")).unwrap();
    assert!(source.contains("todo_id_pool") && source.contains(".json(&json!("), "{source}");
}
