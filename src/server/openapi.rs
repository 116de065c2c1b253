//! The OpenAPI 3 document of the lab server (`/openapi.json`) and a small `/docs` page.
//!
//! Owns: the machine-readable description of the contract's routes and a self-contained Korean
//! HTML page listing them (no Swagger UI: it needs the network). Promises: the document is
//! the one FastAPI itself generates for the guide's app, captured into `openapi.json` by
//! `benches/reference/capture_openapi.sh` and served byte for byte; `tests/server_openapi.rs`
//! checks that every operation in it is routed and answers in the shape it describes.

/// FastAPI's document for `benches/reference/app.py`, as captured (indented, key order kept).
pub const DOCUMENT: &str = include_str!("openapi.json");

const DOCS_HEAD: &str = "<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\">\
<title>TODO API 문서</title><style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}\
code{background:#eee;padding:0 .2rem}td{padding:.2rem .6rem}</style></head><body>\
<h1>TODO API (loadlab 실습 서버)</h1><p>전체 명세(OpenAPI 3)는 \
<a href=\"/openapi.json\"><code>/openapi.json</code></a>, 서버 지표는 \
<a href=\"/metrics\"><code>/metrics</code></a> 에 있어요.</p><table>";

/// `/docs`: the contract's routes with Korean summaries.
pub fn docs_html() -> String {
    const SUMMARIES: [(&str, &str, &str); 8] = [
        ("GET", "/", "환영 메시지"),
        ("GET", "/health", "상태 확인"),
        ("GET", "/todos/?skip=0&limit=100", "TODO 목록 (id 순서)"),
        ("POST", "/todos/", "TODO 만들기 (201)"),
        ("GET", "/todos/{todo_id}", "TODO 하나 읽기"),
        ("PUT", "/todos/{todo_id}", "TODO 수정 (보낸 필드만 바뀜)"),
        ("DELETE", "/todos/{todo_id}", "TODO 삭제 (204)"),
        ("GET", "/openapi.json", "OpenAPI 문서"),
    ];
    let mut html = String::from(DOCS_HEAD);
    for (method, path, summary) in SUMMARIES {
        html.push_str(&format!(
            "<tr><td><b>{method}</b></td><td><code>{path}</code></td><td>{summary}</td></tr>"
        ));
    }
    html.push_str("</table></body></html>");
    html
}
