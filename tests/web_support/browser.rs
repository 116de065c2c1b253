//! Headless Chromium over the DevTools protocol, for the tests that need a real browser: a
//! browser with its own profile, one page's session, and the events the page sent (kept, so a
//! test can read the Network events of what the page did).
//!
//! The protocol is spoken directly (a WebSocket and a dozen JSON commands) rather than through
//! chromiumoxide, whose generated protocol crate takes minutes to build, or fantoccini, which
//! needs a chromedriver next to the browser.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::web_support::PATIENCE;

/// Chromium from `LOADLAB_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH; `None`
/// (the caller skips loudly) unless `LOADLAB_REQUIRE_CHROMIUM=1`, where it is a failure.
pub fn chromium_or_skip() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        if std::env::var("LOADLAB_REQUIRE_CHROMIUM").is_ok_and(|value| value == "1") {
            panic!("LOADLAB_REQUIRE_CHROMIUM=1 but no Chromium: set LOADLAB_CHROMIUM or install chromium");
        }
        eprintln!(
            "\n!!!!!!!!!! SKIPPED: no Chromium found (LOADLAB_CHROMIUM, chromium, chromium-browser) — the browser test did not run !!!!!!!!!!\n"
        );
    }
    found
}

pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LOADLAB_CHROMIUM").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| std::env::split_paths(&paths).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A headless Chromium with its own profile, killed when dropped.
pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    pub port: u16,
}

impl Browser {
    pub fn launch(binary: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--lang=ko-KR",
                "--window-size=1360,1000",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        // Chromium writes the port it chose into the profile.
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = std::time::Instant::now() + PATIENCE;
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|text| text.lines().next().and_then(|line| line.trim().parse().ok()))
            {
                break port;
            }
            assert!(std::time::Instant::now() < deadline, "Chromium never opened its DevTools port");
            std::thread::sleep(Duration::from_millis(100));
        };
        Browser { child, _profile: profile, port }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One page's DevTools session.
pub struct Page {
    socket: Socket,
    next_id: u64,
    /// Every event the page sent, in order (`{"method": …, "params": …}`).
    pub events: Vec<Value>,
}

impl Page {
    pub async fn open(browser: &Browser) -> Page {
        let list: Vec<Value> = crate::web_support::client()
            .get(format!("http://127.0.0.1:{}/json/list", browser.port))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let target = list.iter().find(|target| target["type"] == "page").expect("a page target");
        let url = target["webSocketDebuggerUrl"].as_str().expect("page socket");
        let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("DevTools socket");
        Page { socket, next_id: 0, events: Vec::new() }
    }

    /// Sends one command and returns its result (events in between are kept in `events`).
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params).await {
            Ok(result) => result,
            Err(error) => panic!("{method}: {error}"),
        }
    }

    /// Sends one command: its result, or the error the browser answered.
    pub async fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket.send(Message::text(message)).await.unwrap();
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("DevTools answered")
                .expect("socket open")
                .unwrap();
            let Message::Text(text) = message else { continue };
            let value: Value = serde_json::from_str(&text).unwrap();
            if value["id"] == id {
                return if value["error"].is_null() { Ok(value["result"].clone()) } else { Err(value) };
            }
            if value.get("method").is_some() {
                self.events.push(value);
            }
        }
    }

    /// Evaluates `script` in the page and returns its value (promises awaited).
    pub async fn eval(&mut self, script: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": script, "returnByValue": true, "awaitPromise": true }),
            )
            .await;
        assert!(result["exceptionDetails"].is_null(), "{script}: {result}");
        result["result"]["value"].clone()
    }

    /// Waits until `script` is true in the page.
    pub async fn wait_for(&mut self, what: &str, script: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while self.eval(script).await != json!(true) {
            assert!(tokio::time::Instant::now() < deadline, "never saw: {what} ({script})");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn screenshot(&mut self, name: &str) -> PathBuf {
        let shot = self
            .call("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true }))
            .await;
        let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap()).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join(name);
        std::fs::write(&path, png).unwrap();
        println!("screenshot: {}", path.display());
        path
    }
}
