//! The OpenAPI 3 document of the lab server (`/openapi.json`) and a small `/docs` page.
//!
//! Owns: the machine-readable description of the contract's routes and a self-contained Korean
//! HTML page listing them (no Swagger UI: it needs the network). Promises: the document is
//! the one FastAPI itself generates for the guide's app, captured into `openapi.json` by
//! `benches/reference/capture_openapi.sh` and served byte for byte; `tests/server_openapi.rs`
//! checks that every operation in it is routed and answers in the shape it describes.

use maud::{PreEscaped, html};

/// FastAPI's document for `benches/reference/app.py`, as captured (indented, key order kept).
pub const DOCUMENT: &str = include_str!("openapi.json");

/// The page's own style: no stylesheet to fetch, offline.
const DOCS_STYLE: &str = "body{font-family:sans-serif;max-width:48rem;margin:2rem auto}\
code{background:#eee;padding:0 .2rem}td{padding:.2rem .6rem}";

/// The contract's routes as `/docs` lists them: method, path, Korean summary.
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

/// `/docs`: the contract's routes with Korean summaries, every text escaped.
pub fn docs_html() -> String {
    let page = html! {
        (PreEscaped("<!doctype html>"))
        html lang="ko" {
            head {
                meta charset="utf-8";
                title { "TODO API 문서" }
                style { (PreEscaped(DOCS_STYLE)) }
            }
            body {
                h1 { "TODO API (loadlab 실습 서버)" }
                p {
                    "전체 명세(OpenAPI 3)는 "
                    a href="/openapi.json" { code { "/openapi.json" } }
                    ", 서버 지표는 "
                    a href="/metrics" { code { "/metrics" } }
                    " 에 있어요."
                }
                table {
                    @for (method, path, summary) in SUMMARIES {
                        tr { td { b { (method) } } td { code { (path) } } td { (summary) } }
                    }
                }
            }
        }
    };
    page.into_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_docs_page_is_the_old_page_with_its_ampersand_escaped() {
        let page = super::docs_html();
        assert!(
            page.starts_with("<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>"),
            "{page}"
        );
        assert!(page.contains("<a href=\"/openapi.json\"><code>/openapi.json</code></a>"), "{page}");
        assert!(page.contains("<code>/todos/?skip=0&amp;limit=100</code>"), "{page}");
        assert!(page.ends_with("</table></body></html>"), "{page}");
    }
}
