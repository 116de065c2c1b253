//! Writes a [`Scenario`] as a Rust scenario file: the same shape as the lessons' `TodoUser`
//! (a `#[derive(Default)]` struct, `impl User`, one `async fn` per task). The text is parsed
//! before it is returned, so a generator bug is an error here, not a compile error in the
//! learner's folder; the caller lays it out with rustfmt, or [`pretty`] where rustfmt is missing.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use super::{Capture, Flow, JsonTemplate, Part, Scenario, Source, Step, Template};

/// What the first line of every generated file says after the class and the origin; the grader
/// knows an imported scenario by it.
pub const GENERATED_MARK: &str = "에서 만든 시나리오예요.";

/// Whether a scenario file was written by `import` (and still opens with its comment).
pub fn is_generated(source: &str) -> bool {
    source.lines().next().is_some_and(|line| line.starts_with("//! ") && line.ends_with(GENERATED_MARK))
}

/// The scenario as a formatted Rust file.
pub fn render(scenario: &Scenario) -> anyhow::Result<String> {
    let mut code = String::new();
    writeln!(code, "use loadlab::prelude::*;").unwrap();
    let pools = pools(scenario);
    writeln!(code, "#[derive(Default)] pub struct {} {{", scenario.class).unwrap();
    for var in &pools {
        writeln!(code, "/// 응답에서 받은 `{var}` 값들: 이 사용자가 만든 것만 다시 써요").unwrap();
        writeln!(code, "pub {}: Vec<Value>,", pool_field(var)).unwrap();
    }
    writeln!(code, "}}").unwrap();

    let functions = task_functions(scenario);
    writeln!(code, "impl User for {} {{", scenario.class).unwrap();
    let wait = scenario.wait;
    if (wait.max - wait.min).abs() < 0.05 {
        writeln!(code, "fn wait_time() -> WaitTime {{ constant({}) }}", seconds(wait.min)).unwrap();
    } else {
        writeln!(
            code,
            "fn wait_time() -> WaitTime {{ between({}, {}) }}",
            seconds(wait.min),
            seconds(wait.max)
        )
        .unwrap();
    }
    let tasks: Vec<String> =
        functions.iter().map(|(weight, name, _)| format!("task({weight}, {name})")).collect();
    writeln!(code, "fn tasks() -> Vec<Task<Self>> {{ vec![{}] }}", tasks.join(", ")).unwrap();
    writeln!(code, "}}").unwrap();
    for (_, _, function) in &functions {
        code.push_str(function);
    }
    if code.contains("text(&") {
        code.push_str(
            "/// 경로에 넣을 값: 문자열은 따옴표 없이, 숫자는 그대로\n\
             fn text(value: &Value) -> String { value.as_str().map_or_else(|| value.to_string(), str::to_string) }\n",
        );
    }
    if code.contains("location_path(") {
        code.push_str(
            "/// Location 헤더가 가리키는 경로: 절대 주소면 호스트를 떼어 내서 -H의 서버로 보내요\n\
             fn location_path(location: &str) -> String {\n\
                 match location.split_once(\"://\") {\n\
                     Some((_, rest)) => rest.find('/').map_or_else(|| \"/\".to_string(), |at| rest[at..].to_string()),\n\
                     None => location.to_string(),\n\
                 }\n\
             }\n",
        );
    }
    let mut out = String::new();
    writeln!(out, "//! {} — {}{GENERATED_MARK}", scenario.class, scenario.origin).unwrap();
    for note in &scenario.notes {
        if note.is_empty() {
            out.push_str("//!\n");
        } else {
            // Break at spaces only: Unicode line breaking would split Hangul words mid-word.
            let options = textwrap::Options::new(96).word_separator(textwrap::WordSeparator::AsciiSpace);
            for line in textwrap::wrap(note, options) {
                writeln!(out, "//! {line}").unwrap();
            }
        }
    }
    out.push('\n');
    out.push_str(&code);
    syn::parse_file(&out).map_err(|error| {
        anyhow::anyhow!("만든 코드가 Rust 문법에 맞지 않아요 (loadlab의 버그예요): {error}\n{out}")
    })?;
    Ok(out)
}

/// The file laid out by prettyplease, for when `rustfmt` is not there (it keeps doc comments,
/// not `//` ones).
pub fn pretty(code: &str) -> anyhow::Result<String> {
    let file =
        syn::parse_file(code).map_err(|error| anyhow::anyhow!("만든 코드를 읽을 수 없어요: {error}"))?;
    Ok(prettyplease::unparse(&file))
}

fn seconds(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{}", rounded as i64) } else { format!("{rounded:.1}") }
}

/// The variables kept per user in a list: those one task produces and another uses.
fn pools(scenario: &Scenario) -> BTreeSet<String> {
    match &scenario.flow {
        Flow::Sequence(_) => BTreeSet::new(),
        Flow::Tasks(steps) => steps
            .iter()
            .flat_map(|(_, step)| step.captures.iter().map(|capture| capture.var.clone()))
            .collect(),
    }
}

fn pool_field(var: &str) -> String {
    format!("{var}_pool")
}

/// (weight, function name, function text) for every task.
fn task_functions(scenario: &Scenario) -> Vec<(u32, String, String)> {
    let class = &scenario.class;
    match &scenario.flow {
        Flow::Sequence(steps) => {
            let mut body = String::new();
            for (index, step) in steps.iter().enumerate() {
                writeln!(body, "// {}. {}", index + 1, step.label()).unwrap();
                body.push_str(&request(step, false));
                for capture in &step.captures {
                    body.push_str(&capture_into_local(capture));
                }
            }
            let function = format!(
                "/// 기록된 순서 그대로 보내는 흐름: 뒤의 요청이 앞의 응답 값을 써서, 순서를 지켜야 해요\n\
                 pub async fn recorded_flow(_user: &mut {class}, client: &Client) {{\n{body}}}\n"
            );
            vec![(1, "recorded_flow".to_string(), function)]
        }
        Flow::Tasks(steps) => {
            let mut used = BTreeSet::new();
            let names: Vec<String> = steps
                .iter()
                .map(|(_, step)| {
                    let mut name = function_name(step);
                    while !used.insert(name.clone()) {
                        name.push('_');
                    }
                    name
                })
                .collect();
            // Which task fills each list: a task that finds its list empty runs it first.
            let mut creators = std::collections::BTreeMap::new();
            for ((_, step), name) in steps.iter().zip(&names) {
                for capture in &step.captures {
                    creators.entry(capture.var.clone()).or_insert_with(|| name.clone());
                }
            }
            steps
                .iter()
                .zip(names)
                .map(|((weight, step), name)| {
                    let function = task_function(class, &name, step, &creators);
                    (*weight, name, function)
                })
                .collect()
        }
    }
}

/// `get_todos_todo_id` for `GET /todos/{todo_id}`.
fn function_name(step: &super::Step) -> String {
    let mut name = step.method.client_call().to_string();
    for word in step.name.split(|ch: char| !ch.is_ascii_alphanumeric()).filter(|word| !word.is_empty()) {
        name.push('_');
        name.push_str(super::names::variable(word).trim_end_matches("_value"));
    }
    if name == step.method.client_call() {
        name.push_str("_root");
    }
    name
}

fn task_function(
    class: &str,
    name: &str,
    step: &Step,
    creators: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut body = String::new();
    let needs = step.needs();
    let uses_user = !needs.is_empty() || !step.captures.is_empty();
    let user = if uses_user { "user" } else { "_user" };
    if let Some(reason) = &step.todo {
        return format!(
            "/// {label}\npub async fn {name}(_user: &mut {class}, _client: &Client) {{\n    todo!({message:?})\n}}\n",
            label = step.label(),
            message = format!("{}: {reason}", step.label()),
        );
    }
    for var in &needs {
        if let Some(creator) = creators.get(var).filter(|creator| creator.as_str() != name) {
            writeln!(body, "if user.{}.is_empty() {{ {creator}(user, client).await; }}", pool_field(var))
                .unwrap();
        }
        writeln!(body, "let Some({var}) = choose(&user.{}).cloned() else {{ return }};", pool_field(var))
            .unwrap();
    }
    let keeps_response = !step.captures.is_empty();
    body.push_str(&request(step, keeps_response));
    for capture in &step.captures {
        writeln!(
            body,
            "if let Some(value) = {} {{ if user.{pool}.len() < 100 {{ user.{pool}.push(value); }} }}",
            read_capture(capture),
            pool = pool_field(&capture.var)
        )
        .unwrap();
    }
    for var in &step.consumes {
        writeln!(body, "user.{}.retain(|kept| kept != &{var});", pool_field(var)).unwrap();
    }
    format!("/// {}\npub async fn {name}({user}: &mut {class}, client: &Client) {{\n{body}}}\n", step.label())
}

/// `let response = client.post(..)…send().await;` (or a statement without `let` when nothing is
/// read from the response).
fn request(step: &Step, keep_response: bool) -> String {
    let keep = keep_response || !step.captures.is_empty();
    let mut call = format!("client.{}({})", step.method.client_call(), template_expression(&step.path));
    for (key, value) in &step.query {
        write!(call, ".query({key:?}, {})", template_expression(value)).unwrap();
    }
    for (key, value) in &step.headers {
        write!(call, ".header({key:?}, {})", template_expression(value)).unwrap();
    }
    if let Some(body) = &step.body {
        write!(call, ".json(&json!({}))", json_expression(&body.0)).unwrap();
    }
    write!(call, ".name({:?}).send().await", step.name).unwrap();
    if keep { format!("let response = {call};\n") } else { format!("{call};\n") }
}

/// A template as a Rust expression: a literal, or `format!` with `text(&var)` for each variable.
fn template_expression(template: &Template) -> String {
    if template.vars().next().is_none() {
        let text: String = template
            .0
            .iter()
            .map(|part| if let Part::Text(text) = part { text.as_str() } else { "" })
            .collect();
        return format!("{text:?}");
    }
    let mut pattern = String::new();
    let mut arguments = Vec::new();
    for part in &template.0 {
        match part {
            Part::Text(text) => pattern.push_str(&text.replace('{', "{{").replace('}', "}}")),
            Part::Var(var) => {
                pattern.push_str("{}");
                arguments.push(format!("text(&{var})"));
            }
        }
    }
    format!("format!({pattern:?}, {})", arguments.join(", "))
}

/// A JSON value as the inside of `json!(..)`, with variables as Rust expressions.
fn json_expression(value: &Value) -> String {
    if let Some(var) = JsonTemplate::var_of(value) {
        return var.to_string();
    }
    match value {
        Value::Array(items) => {
            format!("[{}]", items.iter().map(json_expression).collect::<Vec<_>>().join(", "))
        }
        Value::Object(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(key, field)| format!("{key:?}: {}", json_expression(field)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// An expression of type `Option<Value>`: the captured value, if the response has it.
fn read_capture(capture: &Capture) -> String {
    match &capture.from {
        Source::JsonField(path) => {
            let pointer: String =
                path.iter().map(|key| format!("/{}", key.replace('~', "~0").replace('/', "~1"))).collect();
            format!(
                "response.json::<Value>().and_then(|body| body.pointer({pointer:?}).cloned()).filter(|value| !value.is_null())"
            )
        }
        Source::Location => {
            "response.header(\"location\").map(|path| Value::from(location_path(path)))".to_string()
        }
    }
}

/// In a sequence: `let Some(var) = … else { return };` — without the value the rest cannot run.
fn capture_into_local(capture: &Capture) -> String {
    format!("let Some({}) = {} else {{ return }};\n", capture.var, read_capture(capture))
}

#[cfg(test)]
mod tests {
    use super::super::{Method, Wait};
    use super::*;

    fn lab_scenario(flow: Flow) -> Scenario {
        Scenario {
            class: "LabUser".into(),
            origin: "테스트".into(),
            notes: vec!["검토할 것: 가중치".into()],
            wait: Wait { min: 1.0, max: 3.0 },
            flow,
        }
    }

    fn create() -> Step {
        let mut step = Step::new(Method::Post, Template::text("/todos/"), "/todos/");
        step.body = Some(JsonTemplate(serde_json::json!({"title": "부하 테스트"})));
        step.captures.push(Capture { var: "todo_id".into(), from: Source::JsonField(vec!["id".into()]) });
        step
    }

    fn read() -> Step {
        Step::new(
            Method::Get,
            Template(vec![Part::Text("/todos/".into()), Part::Var("todo_id".into())]),
            "/todos/{todo_id}",
        )
    }

    fn squeeze(code: &str) -> String {
        code.split_whitespace().collect()
    }

    #[test]
    fn a_sequence_reads_each_value_from_the_response_before_the_request_that_needs_it() {
        let code = squeeze(&render(&lab_scenario(Flow::Sequence(vec![create(), read()]))).unwrap());
        assert!(
            code.starts_with(&squeeze(
                "//! LabUser — 테스트에서 만든 시나리오예요.\n//! 검토할 것: 가중치\n"
            )),
            "{code}"
        );
        let captured = code.find("letSome(todo_id)=response").expect(&code);
        let used = code.find("format!(\"/todos/{}\",text(&todo_id))").expect(&code);
        assert!(captured < used, "{code}");
        assert!(code.contains("task(1,recorded_flow)"), "{code}");
        assert!(code.contains(".name(\"/todos/{todo_id}\")"), "{code}");
        assert!(code.contains("//2.GET/todos/{todo_id}"), "{code}");
    }

    #[test]
    fn tasks_keep_values_per_user_and_a_delete_uses_its_value_up() {
        let mut delete = Step::new(
            Method::Delete,
            Template(vec![Part::Text("/todos/".into()), Part::Var("todo_id".into())]),
            "/todos/{todo_id}",
        );
        delete.consumes.push("todo_id".into());
        let code = render(&lab_scenario(Flow::Tasks(vec![(1, create()), (3, read()), (1, delete)]))).unwrap();
        assert!(code.contains("pub todo_id_pool: Vec<Value>"), "{code}");
        assert!(
            code.contains("task(1, post_todos), task(3, get_todos_todo_id), task(1, delete_todos_todo_id)"),
            "{code}"
        );
        assert!(code.contains("let Some(todo_id) = choose(&user.todo_id_pool).cloned() else"), "{code}");
        assert!(code.contains("user.todo_id_pool.retain(|kept| kept != &todo_id);"), "{code}");
        assert!(code.contains("between(1, 3)"), "{code}");
        assert!(
            code.contains("if user.todo_id_pool.is_empty() { post_todos(user, client).await; }"),
            "{code}"
        );
    }

    #[test]
    fn a_write_without_a_known_body_is_a_korean_todo_naming_its_route() {
        let mut write = Step::new(Method::Post, Template::text("/orders/"), "/orders/");
        write.todo = Some(super::super::access_log::MISSING_BODY.to_string());
        let code = render(&lab_scenario(Flow::Tasks(vec![(1, write)]))).unwrap();
        assert!(
            squeeze(&code).contains(&squeeze("todo!(\"POST /orders/: 접근 로그에는 요청 본문이 없어요")),
            "{code}"
        );
    }
}
