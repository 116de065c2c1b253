//! A browser recording (HAR 1.2, as Chrome's and Firefox's "Save all as HAR" write it) as a
//! scenario. Keeps the recorded application's own requests, drops static assets, other hosts
//! and the headers a browser adds by itself, and correlates instead of replaying: a value that
//! a response returned and a later request used is read from that response at run time.

mod correlate;
mod entries;
mod notes;
mod pauses;
mod steps;

use serde_json::Value;

pub use entries::is_static_path;

use super::names;
use super::{Flow, ImportError, ImportResult, Imported, Scenario, Step};

/// `loadlab import har`.
pub fn import(text: &str, origin: &str, class: &str, host_filter: Option<&str>) -> ImportResult<Imported> {
    names::check_class(class)?;
    let har = parse(text, origin)?;
    let recorded = har
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError(format!("{origin}: HAR 파일이 아니에요 ('log.entries'가 없어요)")))?;
    let entries::Sendable { entries: sendable, mut skipped, internal } = entries::sendable(recorded);
    let host = match host_filter {
        Some(host) => host.to_string(),
        None => entries::application_host(&har, &sendable)
            .ok_or_else(|| ImportError(format!("{origin}: 요청이 하나도 없어요")))?,
    };
    let kept = entries::keep(sendable, &host);
    if kept.entries.is_empty() {
        return Err(ImportError(format!(
            "{origin}: 걸러 내고 나니 남은 요청이 없어요 (호스트 {host}의 API 요청이 없어요; 정적 파일 {}개, 다른 호스트 {}개를 뺐어요). --host-filter로 호스트를 정해 보세요",
            kept.dropped_static,
            kept.other_hosts.values().sum::<usize>()
        )));
    }
    let mut recorder = steps::Recorder::default();
    for entry in &kept.entries {
        recorder.record(entry, &mut skipped);
    }
    let correlated = recorder.steps.iter().any(|step| !step.captures.is_empty());
    let wait = pauses::wait_for(&pauses::recorded_pauses(&kept.entries), correlated);
    let notes = notes::notes(&notes::Summary {
        host: &host,
        taken: recorder.steps.len(),
        recorded: recorded.len(),
        dropped_static: kept.dropped_static,
        other_hosts: &kept.other_hosts,
        internal,
        correlated,
        wait,
        dropped_cookies: recorder.dropped_cookies,
        credentials: &recorder.credentials,
        replayed: &recorder.replayed,
        skipped: &skipped,
    });
    Ok(Imported {
        scenario: Scenario {
            class: class.to_string(),
            origin: format!("브라우저 기록 {origin}"),
            notes,
            wait: wait.unwrap_or(super::openapi::DEFAULT_WAIT),
            flow: flow(recorder.steps, correlated),
        },
        skipped,
    })
}

fn parse(text: &str, origin: &str) -> ImportResult<Value> {
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|error| {
        ImportError(format!(
            "{origin}: JSON으로 읽을 수 없어요 ({}행 {}열: {error})",
            error.line(),
            error.column()
        ))
    })
}

/// One ordered task when steps pass values on; else one task per endpoint, weighted by how many
/// times it was recorded.
fn flow(steps: Vec<Step>, correlated: bool) -> Flow {
    if correlated {
        return Flow::Sequence(steps);
    }
    let mut grouped: Vec<(u32, Step)> = Vec::new();
    for step in steps {
        match grouped.iter_mut().find(|(_, kept)| kept.method == step.method && kept.name == step.name) {
            Some((count, _)) => *count += 1,
            None => grouped.push((1, step)),
        }
    }
    Flow::Tasks(grouped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Capture, Part, Source, Template, Wait};
    use serde_json::json;

    fn entry(method: &str, url: &str, body: Option<Value>, response: Value, started: &str) -> Value {
        let mut request = json!({"method": method, "url": url, "headers": [
            {"name": "User-Agent", "value": "Mozilla/5.0"},
            {"name": "Accept", "value": "application/json"},
            {"name": "sec-ch-ua", "value": "\"Chromium\""},
            {"name": "X-Tenant", "value": "lab"}
        ]});
        if let Some(body) = body {
            request["postData"] = json!({"mimeType": "application/json", "text": body.to_string()});
        }
        json!({"startedDateTime": started, "time": 5.0, "request": request, "_resourceType": "fetch",
               "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": response.to_string()}}})
    }

    fn recording() -> String {
        json!({"log": {"version": "1.2", "pages": [{"id": "page_1", "title": "http://127.0.0.1:8000/docs"}], "entries": [
            {"startedDateTime": "2026-12-04T10:00:00.000Z", "time": 3.0, "_resourceType": "document",
             "request": {"method": "GET", "url": "http://127.0.0.1:8000/docs", "headers": []},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html></html>"}}},
            {"startedDateTime": "2026-12-04T10:00:00.100Z", "time": 3.0, "_resourceType": "script",
             "request": {"method": "GET", "url": "http://127.0.0.1:8000/static/app.js", "headers": []},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/javascript"}}},
            {"startedDateTime": "2026-12-04T10:00:00.200Z", "time": 30.0, "_resourceType": "script",
             "request": {"method": "GET", "url": "https://www.googletagmanager.com/gtag/js?id=G-1", "headers": []},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/javascript"}}},
            {"startedDateTime": "2026-12-04T10:00:01.000Z", "time": 5.0,
             "request": {"method": "OPTIONS", "url": "http://127.0.0.1:8000/todos/", "headers": []},
             "response": {"status": 200, "headers": [], "content": {}}},
            entry("POST", "http://127.0.0.1:8000/todos/", Some(json!({"title": "장보기", "completed": false})),
                  json!({"id": 41, "title": "장보기", "completed": false}), "2026-12-04T10:00:02.000Z"),
            entry("GET", "http://127.0.0.1:8000/todos/41", None, json!({"id": 41}), "2026-12-04T10:00:04.000Z"),
            entry("PUT", "http://127.0.0.1:8000/todos/41", Some(json!({"completed": true})), json!({"id": 41}), "2026-12-04T10:00:05.500Z"),
            entry("GET", "http://127.0.0.1:8000/todos/?skip=0&limit=10", None, json!([{"id": 41}]), "2026-12-04T10:00:06.000Z"),
            entry("DELETE", "http://127.0.0.1:8000/todos/41", None, json!(null), "2026-12-04T10:00:08.000Z"),
        ]}}).to_string()
    }

    #[test]
    fn an_id_a_response_returned_is_read_at_run_time_not_replayed() {
        let imported = import(&recording(), "todo.har", "RecordedUser", None).unwrap();
        let Flow::Sequence(steps) = &imported.scenario.flow else {
            panic!("a correlated flow is one sequence")
        };
        let labels: Vec<String> = steps.iter().map(Step::label).collect();
        assert_eq!(
            labels,
            [
                "GET /docs",
                "POST /todos/",
                "GET /todos/{id}",
                "PUT /todos/{id}",
                "GET /todos/",
                "DELETE /todos/{id}"
            ]
        );
        assert_eq!(
            steps[1].captures,
            [Capture { var: "id".into(), from: Source::JsonField(vec!["id".into()]) }]
        );
        assert_eq!(steps[2].path, Template(vec![Part::Text("/todos/".into()), Part::Var("id".into())]));
        assert_eq!(steps[4].query.len(), 2);
        // Only the application's own header is kept.
        assert_eq!(steps[1].headers, [("X-Tenant".to_string(), Template::text("lab"))]);
        let notes = imported.scenario.notes.join("\n");
        assert!(notes.contains("www.googletagmanager.com 1개"), "{notes}");
        assert!(notes.contains("정적 파일(스크립트·스타일시트·이미지·글꼴·미디어) 1개"), "{notes}");
        // One ordered flow: the pauses' sum (about 8 s) around each turn, ±20 %.
        assert_eq!(imported.scenario.wait, Wait { min: 6.4, max: 9.6 });
    }

    #[test]
    fn a_token_from_a_login_goes_into_the_authorization_header() {
        let har = json!({"log": {"entries": [
            entry("POST", "https://shop.test/api/login", Some(json!({"user": "a"})),
                  json!({"access_token": "eyJhbGciOiJIUzI1NiJ9.abc"}), "2026-12-04T10:00:00Z"),
            {"startedDateTime": "2026-12-04T10:00:01Z", "time": 4.0,
             "request": {"method": "GET", "url": "https://shop.test/api/cart",
                         "headers": [{"name": "Authorization", "value": "Bearer eyJhbGciOiJIUzI1NiJ9.abc"}]},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "{}"}}}
        ]}});
        let imported = import(&har.to_string(), "shop.har", "ShopUser", None).unwrap();
        let Flow::Sequence(steps) = &imported.scenario.flow else { panic!("sequence") };
        assert_eq!(
            steps[1].headers,
            [(
                "Authorization".to_string(),
                Template(vec![Part::Text("Bearer ".into()), Part::Var("access_token".into())])
            )]
        );
        assert_eq!(steps[0].captures[0].var, "access_token");
    }

    #[test]
    fn a_location_header_becomes_the_next_path() {
        let mut create = entry(
            "POST",
            "http://api.test/orders",
            Some(json!({"sku": "A"})),
            json!({}),
            "2026-12-04T10:00:00Z",
        );
        create["response"]["headers"] =
            json!([{"name": "Location", "value": "http://api.test/orders/ord-77a1b2"}]);
        let read = entry("GET", "http://api.test/orders/ord-77a1b2", None, json!({}), "2026-12-04T10:00:01Z");
        let imported =
            import(&json!({"log": {"entries": [create, read]}}).to_string(), "o.har", "OrderUser", None)
                .unwrap();
        let Flow::Sequence(steps) = &imported.scenario.flow else { panic!("sequence") };
        assert_eq!(steps[1].path, Template(vec![Part::Var("location".into())]));
        assert_eq!(steps[1].name, "/orders/{id}");
    }

    #[test]
    fn bad_recordings_are_named() {
        let error = |text: &str| import(text, "x.har", "XUser", None).unwrap_err().0;
        assert!(error("not json").contains("JSON으로 읽을 수 없어요"));
        assert!(error("{\"openapi\": \"3.1.0\"}").contains("HAR 파일이 아니에요"));
        let only_assets = json!({"log": {"entries": [{"request": {"method": "GET", "url": "http://a.test/app.js"}, "response": {}}]}});
        assert!(error(&only_assets.to_string()).contains("남은 요청이 없어요"));
    }
}
