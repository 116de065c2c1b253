//! An OpenAPI 3.0 or 3.1 document (JSON or YAML) as a scenario: one task per operation, bodies
//! from the schemas, path parameters chained from the operation that creates them
//! (`POST /todos/` → its `id` → `GET /todos/{todo_id}`), reads weighted above writes.
//!
//! [`Document::operations`] is also what the access-log reader uses for bodies and chaining.

use serde_json::Value;

use super::names;
use super::schema::{example, resolve};
use super::{
    Capture, Flow, ImportError, ImportResult, Imported, JsonTemplate, Method, Part, Scenario, Source, Step,
    Template, Wait,
};

/// Weights of a generated task: reads come more often than writes, as in most services.
pub const READ_WEIGHT: u32 = 3;
pub const WRITE_WEIGHT: u32 = 1;

/// The guide's wait time, until the learner measures their own users.
pub const DEFAULT_WAIT: Wait = Wait { min: 1.0, max: 3.0 };

/// One operation of the document as a request step.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The path as the document writes it (`/todos/{todo_id}`).
    pub template: String,
    pub step: Step,
}

/// A parsed document and its operations, chained.
pub struct Document {
    pub title: String,
    pub operations: Vec<Operation>,
    /// Operations that cannot become a request, each with the reason.
    pub skipped: Vec<String>,
    /// Review notes (a parameter with no operation that creates it, …).
    pub notes: Vec<String>,
}

impl Document {
    pub fn parse(text: &str, origin: &str) -> ImportResult<Self> {
        let document = super::json_or_yaml(text, origin)?;
        match (document.get("openapi").and_then(Value::as_str), document.get("swagger")) {
            (Some(version), _) if version.starts_with("3.") => {}
            (Some(version), _) => {
                return Err(ImportError(format!(
                    "{origin}: OpenAPI {version}은 읽을 수 없어요 (3.0과 3.1을 읽어요)"
                )));
            }
            (None, Some(_)) => {
                return Err(ImportError(format!(
                    "{origin}: Swagger 2.0 문서예요. OpenAPI 3으로 바꾼 뒤(예: swagger2openapi) 다시 해 보세요"
                )));
            }
            (None, None) => {
                return Err(ImportError(format!(
                    "{origin}: OpenAPI 문서가 아니에요 (맨 위에 'openapi: 3.x' 필드가 없어요)"
                )));
            }
        }
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| ImportError(format!("{origin}: 'paths'가 없어서 만들 작업이 없어요")))?;
        let title = document.pointer("/info/title").and_then(Value::as_str).unwrap_or("API").to_string();
        let base = base_path(&document);
        let mut parsed = Self { title, operations: Vec::new(), skipped: Vec::new(), notes: Vec::new() };
        let mut creators = Vec::new();
        for (path, item) in paths {
            let item = resolve(&document, item);
            let Some(item) = item.as_object() else { continue };
            // Methods in one order (GET, POST, PUT, PATCH, DELETE), not the map's alphabetical one.
            let mut entries: Vec<(&String, &Value)> = item.iter().collect();
            entries.sort_by_key(|(key, _)| (Method::parse(key), key.to_string()));
            for (key, operation) in entries {
                if ["parameters", "summary", "description", "servers", "$ref"].contains(&key.as_str()) {
                    continue;
                }
                let Some(method) = Method::parse(key) else {
                    parsed.skipped.push(format!(
                        "{} {path}: loadlab 시나리오 API로 보낼 수 없는 메서드예요",
                        key.to_ascii_uppercase()
                    ));
                    continue;
                };
                let full_path = format!("{base}{path}");
                let path = &full_path;
                match operation_step(&document, path, method, item.get("parameters"), operation) {
                    Ok((step, created)) => {
                        if let Some(fields) = created {
                            creators.push((parsed.operations.len(), fields));
                        }
                        parsed.operations.push(Operation { template: path.clone(), step });
                    }
                    Err(reason) => parsed.skipped.push(format!("{} {path}: {reason}", method.upper())),
                }
            }
        }
        parsed.chain(&document, &creators);
        Ok(parsed)
    }

    /// Gives every path parameter a source: the POST on the collection above it that returns the
    /// id, or else the document's example (with a review note).
    fn chain(&mut self, document: &Value, creators: &[(usize, Vec<String>)]) {
        let mut captures: Vec<(usize, Capture)> = Vec::new();
        for index in 0..self.operations.len() {
            let template = self.operations[index].template.clone();
            let segments: Vec<&str> = template.split('/').collect();
            for (at, segment) in segments.iter().enumerate() {
                let Some(param) = segment.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) else {
                    continue;
                };
                let var = names::variable(param);
                let collection = segments[..at].join("/");
                let creator = creators.iter().find(|(creator, _)| {
                    let candidate = &self.operations[*creator];
                    candidate.step.method == Method::Post
                        && candidate.template.trim_end_matches('/') == collection.trim_end_matches('/')
                });
                match creator {
                    Some((creator, fields)) => {
                        let field = id_field(param, fields);
                        if !captures.iter().any(|(i, capture)| i == creator && capture.var == var) {
                            captures.push((
                                *creator,
                                Capture { var: var.clone(), from: Source::JsonField(vec![field]) },
                            ));
                        }
                    }
                    None => {
                        let value = parameter_example(document, param);
                        let step = &mut self.operations[index].step;
                        for part in &mut step.path.0 {
                            if *part == Part::Var(var.clone()) {
                                *part = Part::Text(value.clone());
                            }
                        }
                        self.notes.push(format!(
                            "{}: '{param}' 값을 만드는 작업(POST {collection})이 문서에 없어 예시 값 {value}을 보내요. 실제로 있는 값으로 바꾸세요.",
                            step.label()
                        ));
                    }
                }
            }
            let step = &mut self.operations[index].step;
            if step.method == Method::Delete
                && let Some(Part::Var(last)) = step.path.0.last()
            {
                step.consumes.push(last.clone());
            }
        }
        for (creator, capture) in captures {
            self.operations[creator].step.captures.push(capture);
        }
    }
}

/// The path part of the first server (`servers: [{url: https://api.example.com/v1}]` → `/v1`):
/// operations live under it, and the run's `-H` gives the host.
fn base_path(document: &Value) -> String {
    let Some(url) = document.pointer("/servers/0/url").and_then(Value::as_str) else { return String::new() };
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |at| &rest[at..]),
        None => url,
    };
    // Server variables (`{version}`) have defaults in the document; a path with one left is
    // not guessed.
    if path.contains('{') { String::new() } else { path.trim_end_matches('/').to_string() }
}

/// Which response field holds the id a parameter names: the parameter itself (`todo_id`), its
/// last word (`id`), or `id`.
fn id_field(param: &str, fields: &[String]) -> String {
    let last_word = param.rsplit(['_', '-']).next().unwrap_or(param);
    let camel_id = param.strip_suffix("Id").map(|_| "id");
    [Some(param), Some(last_word), camel_id, Some("id")]
        .into_iter()
        .flatten()
        .find(|candidate| fields.iter().any(|field| field == candidate))
        .unwrap_or("id")
        .to_string()
}

fn parameter_example(document: &Value, param: &str) -> String {
    let value = example(document, &serde_json::json!({"type": "integer"}), param);
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

/// The step for one operation, and the fields of its JSON response when it may create
/// something (a POST answering an object).
fn operation_step(
    document: &Value,
    path: &str,
    method: Method,
    shared_parameters: Option<&Value>,
    operation: &Value,
) -> Result<(Step, Option<Vec<String>>), String> {
    let mut step = Step::new(method, path_template(path), path);
    let parameters = shared_parameters
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(operation.get("parameters").and_then(Value::as_array).into_iter().flatten());
    for parameter in parameters {
        let parameter = resolve(document, parameter);
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
        let required = parameter.get("required").and_then(Value::as_bool).unwrap_or(false);
        let schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
        let value = parameter.get("example").cloned().unwrap_or_else(|| example(document, &schema, name));
        let text = match value {
            Value::String(text) => text,
            other => other.to_string(),
        };
        match parameter.get("in").and_then(Value::as_str) {
            Some("query") if required => step.query.push((name.to_string(), Template::text(text))),
            Some("header") if required => step.headers.push((name.to_string(), Template::text(text))),
            _ => {}
        }
    }
    if let Some(body) = operation.get("requestBody") {
        let body = resolve(document, body);
        let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);
        let content = body.get("content").and_then(Value::as_object);
        let json = content.and_then(|content| {
            content.iter().find(|(kind, _)| kind.starts_with("application/json") || kind.ends_with("+json"))
        });
        match json {
            Some((_, media)) => {
                let value = media
                    .get("example")
                    .cloned()
                    .unwrap_or_else(|| example(document, media.get("schema").unwrap_or(&Value::Null), ""));
                step.body = Some(JsonTemplate(value));
            }
            None if required => {
                let kinds: Vec<&str> =
                    content.into_iter().flat_map(|content| content.keys().map(String::as_str)).collect();
                return Err(format!(
                    "본문이 JSON이 아니에요 ({}): JSON 본문만 만들 수 있어요",
                    kinds.join(", ")
                ));
            }
            None => {}
        }
    }
    let created = (method == Method::Post).then(|| response_fields(document, operation));
    Ok((step, created))
}

/// The property names of the first 2xx JSON response (empty when the document does not say).
fn response_fields(document: &Value, operation: &Value) -> Vec<String> {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else { return Vec::new() };
    let success =
        responses.iter().filter(|(code, _)| code.starts_with('2')).min_by_key(|(code, _)| code.as_str());
    let Some((_, response)) = success else { return Vec::new() };
    let response = resolve(document, response);
    let schema = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.iter().find(|(kind, _)| kind.contains("json")))
        .and_then(|(_, media)| media.get("schema"));
    let Some(schema) = schema else { return Vec::new() };
    let schema = resolve(document, schema);
    let mut fields: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|all| all.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        if let Some(properties) = resolve(document, part).get("properties").and_then(Value::as_object) {
            fields.extend(properties.keys().cloned());
        }
    }
    fields
}

/// A path a service answers for itself rather than for users (`/`, `/health`, `/metrics`):
/// a read, but weighted like a write.
fn is_housekeeping(template: &str) -> bool {
    let last = template.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last.is_empty()
        || ["health", "healthz", "ping", "status", "ready", "readyz", "live", "livez", "metrics", "version"]
            .contains(&last.to_ascii_lowercase().as_str())
}

fn text_mentions_security(text: &str) -> bool {
    text.contains("securitySchemes")
}

/// `/todos/{todo_id}` → text `/todos/` and variable `todo_id`.
pub fn path_template(path: &str) -> Template {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|at| at + open) else { break };
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_string()));
        }
        parts.push(Part::Var(names::variable(&rest[open + 1..close])));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Template(parts)
}

/// `loadlab import openapi`: every operation a task.
pub fn import(text: &str, origin: &str, class: &str) -> ImportResult<Imported> {
    names::check_class(class)?;
    let document = Document::parse(text, origin)?;
    if document.operations.is_empty() {
        return Err(ImportError(format!("{origin}: 요청으로 만들 수 있는 작업이 하나도 없어요")));
    }
    let tasks: Vec<(u32, Step)> = document
        .operations
        .iter()
        .map(|operation| {
            let weight = if operation.step.method.is_read() && !is_housekeeping(&operation.template) {
                READ_WEIGHT
            } else {
                WRITE_WEIGHT
            };
            (weight, operation.step.clone())
        })
        .collect();
    let mut notes = vec![
        format!("API 문서 '{}'의 작업 {}개를 작업(task) 하나씩으로 만들었어요.", document.title, tasks.len()),
        format!(
            "가중치: 읽기(GET) {READ_WEIGHT}, 쓰기와 상태 확인(/, /health 같은 경로) {WRITE_WEIGHT}. 실제 트래픽 비율을 알면 접근 로그로 다시 만들거나(import access-log --openapi) 직접 고치세요."
        ),
        "경로 매개변수는 그 값을 만드는 POST의 응답에서 읽어 사용자마다 목록에 모아 두고, DELETE한 값은 목록에서 빼요. 목록이 비어 있으면 만드는 작업을 먼저 해요.".to_string(),
        "검토할 것: 요청 본문의 값(스키마의 필수 필드와 예시로 만들었어요), 인증 헤더, 테스트 데이터가 운영 데이터에 섞이지 않는지.".to_string(),
    ];
    notes.extend(document.notes.iter().cloned());
    if text_mentions_security(text) {
        notes.push(
            "주의: 문서에 인증(securitySchemes)이 있어요. 토큰이나 API 키를 .header(\"Authorization\", ..)로 붙이세요. 값은 코드에 적지 말고 std::env::var로 환경 변수에서 읽으세요.".to_string(),
        );
    }
    if text.contains("\"pattern\"") || text.contains("pattern:") {
        notes.push(
            "주의: 문서의 pattern(정규식) 제한은 지키지 못했을 수 있어요. 그런 필드의 값은 직접 확인하세요."
                .to_string(),
        );
    }
    if !document.skipped.is_empty() {
        notes.push(format!("만들지 못한 작업: {}", document.skipped.join("; ")));
    }
    Ok(Imported {
        scenario: Scenario {
            class: class.to_string(),
            origin: format!("OpenAPI 문서 {origin}"),
            notes,
            wait: DEFAULT_WAIT,
            flow: Flow::Tasks(tasks),
        },
        skipped: document.skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAB: &str = include_str!("../server/openapi.json");

    #[test]
    fn the_lab_document_chains_the_todo_id_from_the_create() {
        let imported = import(LAB, "openapi.json", "LabApiUser").unwrap();
        let Flow::Tasks(tasks) = &imported.scenario.flow else { panic!("tasks") };
        let labels: Vec<String> =
            tasks.iter().map(|(weight, step)| format!("{weight} {}", step.label())).collect();
        for expected in [
            "1 GET /",
            "1 GET /health",
            "3 GET /todos/",
            "1 POST /todos/",
            "3 GET /todos/{todo_id}",
            "1 PUT /todos/{todo_id}",
            "1 DELETE /todos/{todo_id}",
        ] {
            assert!(labels.contains(&expected.to_string()), "{expected} not in {labels:?}");
        }
        let create = tasks.iter().find(|(_, step)| step.label() == "POST /todos/").unwrap();
        assert_eq!(
            create.1.captures,
            [Capture { var: "todo_id".into(), from: Source::JsonField(vec!["id".into()]) }]
        );
        let body = create.1.body.as_ref().unwrap();
        assert!(
            body.0["title"].as_str().is_some_and(|title| !title.is_empty() && title.len() <= 100),
            "{body:?}"
        );
        let delete = tasks.iter().find(|(_, step)| step.label() == "DELETE /todos/{todo_id}").unwrap();
        assert_eq!(delete.1.consumes, ["todo_id"]);
        assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
    }

    #[test]
    fn a_3_0_yaml_document_with_a_server_path_refs_and_nullable() {
        let text = r#"
openapi: 3.0.3
info: {title: Shop, version: "1"}
servers:
  - url: https://shop.example.com/api/v1
paths:
  /orders:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewOrder'}
      responses:
        '201':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
  /orders/{orderId}:
    parameters:
      - {name: orderId, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      responses: {'200': {description: ok}}
    delete:
      responses: {'204': {description: gone}}
components:
  schemas:
    NewOrder:
      type: object
      required: [sku, quantity]
      properties:
        sku: {type: string, minLength: 3, maxLength: 12}
        quantity: {type: integer, minimum: 1, maximum: 10}
        note: {type: string, nullable: true}
    Order:
      allOf:
        - $ref: '#/components/schemas/NewOrder'
        - type: object
          properties:
            orderId: {type: string, format: uuid, readOnly: true}
"#;
        let imported = import(text, "shop.yaml", "ShopUser").unwrap();
        let Flow::Tasks(tasks) = &imported.scenario.flow else { panic!("tasks") };
        let labels: Vec<String> = tasks.iter().map(|(_, step)| step.label()).collect();
        assert_eq!(
            labels,
            ["POST /api/v1/orders", "GET /api/v1/orders/{orderId}", "DELETE /api/v1/orders/{orderId}"]
        );
        let create = &tasks[0].1;
        assert_eq!(
            create.body.as_ref().unwrap().0,
            serde_json::json!({"sku": "load test sk", "quantity": 1})
        );
        assert_eq!(
            create.captures,
            [Capture { var: "order_id".into(), from: Source::JsonField(vec!["orderId".into()]) }]
        );
        assert_eq!(tasks[2].1.consumes, ["order_id"]);
    }

    #[test]
    fn yaml_and_json_read_the_same() {
        let json: Value = serde_json::from_str(LAB).unwrap();
        let yaml = serde_norway::to_string(&json).unwrap();
        let from_yaml = import(&yaml, "openapi.yaml", "LabApiUser").unwrap();
        let from_json = import(LAB, "openapi.yaml", "LabApiUser").unwrap();
        assert_eq!(from_yaml.scenario.flow, from_json.scenario.flow);
    }

    #[test]
    fn what_is_not_openapi_is_named() {
        let error = |text: &str| import(text, "doc.json", "ApiUser").unwrap_err().0;
        assert!(error("{\"swagger\": \"2.0\", \"paths\": {}}").contains("Swagger 2.0"));
        assert!(error("{\"log\": {\"entries\": []}}").contains("OpenAPI 문서가 아니에요"));
        assert!(error("{ not json").contains("JSON으로 읽을 수 없어요"));
        assert!(error("openapi: 3.0.0\npaths: {}\n").contains("하나도 없어요"));
        assert!(import(LAB, "doc.json", "bad name").is_err());
    }

    #[test]
    fn a_form_body_is_skipped_and_listed_and_the_rest_imported() {
        let text = r#"{"openapi": "3.0.3", "info": {"title": "Shop"}, "paths": {
            "/upload": {"post": {"requestBody": {"required": true, "content": {"multipart/form-data": {}}}}},
            "/items": {"get": {}, "head": {}}
        }}"#;
        let imported = import(text, "shop.json", "ShopUser").unwrap();
        assert_eq!(imported.skipped.len(), 2, "{:?}", imported.skipped);
        assert!(
            imported.skipped.iter().any(|reason| reason.starts_with("POST /upload: 본문이 JSON이 아니에요"))
        );
        assert!(imported.skipped.iter().any(|reason| reason.starts_with("HEAD /items")));
    }
}
