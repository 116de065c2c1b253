//! The OpenAPI 3 document of the lab server (`/openapi.json`) and a small `/docs` page.
//!
//! Owns: the machine-readable description of the contract's routes, shaped like the one
//! FastAPI generates for the original (same schema names, constraints and status codes), and
//! a self-contained Korean HTML page listing the routes (no Swagger UI: it needs the network).

use serde_json::{Value, json};

fn todo_id_param() -> Value {
    json!({
        "name": "todo_id", "in": "path", "required": true,
        "schema": {"type": "integer", "title": "Todo Id"}
    })
}

fn json_content(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": json_content(schema)})
}

fn validation_error() -> Value {
    ok("Validation Error", json!({"$ref": "#/components/schemas/HTTPValidationError"}))
}

fn todo_ref() -> Value {
    json!({"$ref": "#/components/schemas/Todo"})
}

fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

/// The document, rendered once at start-up.
pub fn document() -> Value {
    let title = json!({"type": "string", "maxLength": 100, "minLength": 1, "title": "Title"});
    let description = json!({"type": "string", "maxLength": 500});
    let mut description_field = nullable(description);
    description_field["title"] = json!("Description");
    let mut update_title = nullable(json!({"type": "string", "maxLength": 100, "minLength": 1}));
    update_title["title"] = json!("Title");
    let mut update_completed = nullable(json!({"type": "boolean"}));
    update_completed["title"] = json!("Completed");

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "TODO API",
            "description": "loadlab 실습 서버: 가이드의 FastAPI TODO 서비스와 같은 계약을 따라요.",
            "version": "1.0.0"
        },
        "paths": {
            "/": {"get": {
                "summary": "Root", "operationId": "root__get",
                "responses": {"200": ok("Successful Response", json!({}))}
            }},
            "/health": {"get": {
                "summary": "Health Check", "operationId": "health_check_health_get",
                "responses": {"200": ok("Successful Response", json!({}))}
            }},
            "/todos/": {
                "get": {
                    "summary": "Read Todos", "operationId": "read_todos_todos__get",
                    "parameters": [
                        {"name": "skip", "in": "query", "required": false,
                         "schema": {"type": "integer", "default": 0, "title": "Skip"}},
                        {"name": "limit", "in": "query", "required": false,
                         "schema": {"type": "integer", "default": 100, "title": "Limit"}}
                    ],
                    "responses": {
                        "200": ok("Successful Response",
                                  json!({"type": "array", "items": todo_ref(), "title": "Response Read Todos Todos  Get"})),
                        "422": validation_error()
                    }
                },
                "post": {
                    "summary": "Create Todo", "operationId": "create_todo_todos__post",
                    "requestBody": {"required": true, "content": json_content(json!({"$ref": "#/components/schemas/TodoCreate"}))},
                    "responses": {"201": ok("Successful Response", todo_ref()), "422": validation_error()}
                }
            },
            "/todos/{todo_id}": {
                "get": {
                    "summary": "Read Todo", "operationId": "read_todo_todos__todo_id__get",
                    "parameters": [todo_id_param()],
                    "responses": {"200": ok("Successful Response", todo_ref()), "422": validation_error()}
                },
                "put": {
                    "summary": "Update Todo", "operationId": "update_todo_todos__todo_id__put",
                    "parameters": [todo_id_param()],
                    "requestBody": {"required": true, "content": json_content(json!({"$ref": "#/components/schemas/TodoUpdate"}))},
                    "responses": {"200": ok("Successful Response", todo_ref()), "422": validation_error()}
                },
                "delete": {
                    "summary": "Delete Todo", "operationId": "delete_todo_todos__todo_id__delete",
                    "parameters": [todo_id_param()],
                    "responses": {"204": {"description": "Successful Response"}, "422": validation_error()}
                }
            }
        },
        "components": {"schemas": {
            "TodoCreate": {
                "properties": {
                    "title": title,
                    "description": description_field,
                    "completed": {"type": "boolean", "title": "Completed", "default": false}
                },
                "type": "object", "required": ["title"], "title": "TodoCreate"
            },
            "TodoUpdate": {
                "properties": {
                    "title": update_title,
                    "description": description_field,
                    "completed": update_completed
                },
                "type": "object", "title": "TodoUpdate"
            },
            "Todo": {
                "properties": {
                    "title": title,
                    "description": description_field,
                    "completed": {"type": "boolean", "title": "Completed", "default": false},
                    "id": {"type": "integer", "title": "Id"},
                    "created_at": {"type": "string", "format": "date-time", "title": "Created At"},
                    "updated_at": {"type": "string", "format": "date-time", "title": "Updated At"}
                },
                "type": "object", "required": ["title", "id", "created_at", "updated_at"], "title": "Todo"
            },
            "HTTPValidationError": {
                "properties": {"detail": {"items": {"$ref": "#/components/schemas/ValidationError"},
                                          "type": "array", "title": "Detail"}},
                "type": "object", "title": "HTTPValidationError"
            },
            "ValidationError": {
                "properties": {
                    "loc": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            "type": "array", "title": "Location"},
                    "msg": {"type": "string", "title": "Message"},
                    "type": {"type": "string", "title": "Error Type"}
                },
                "type": "object", "required": ["loc", "msg", "type"], "title": "ValidationError"
            }
        }}
    })
}

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
