//! Scenarios from what already exists: a browser recording (HAR), an OpenAPI document or a web
//! server's access log becomes a [`Scenario`], and [`render`] writes it as a Rust scenario file
//! that uses only the scenario API the lessons teach.
//!
//! Owns: the scenario model the three readers share ([`Scenario`], [`Step`], [`Template`]), the
//! route naming rules ([`names`]) and the Korean notes a generated file opens with. Promises:
//! nothing here touches the disk or the network; a reader gets text and returns a scenario, or a
//! Korean error that names the place in the input.

pub mod access_log;
pub mod har;
pub mod names;
pub mod openapi;
pub mod render;
pub mod schema;

use serde_json::Value;

/// The HTTP methods the scenario API sends (`client.get(..)` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "GET" => Some(Self::Get),
            "POST" => Some(Self::Post),
            "PUT" => Some(Self::Put),
            "PATCH" => Some(Self::Patch),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }

    pub fn upper(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    /// The `Client` method that sends it.
    pub fn client_call(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
            Self::Put => "put",
            Self::Patch => "patch",
            Self::Delete => "delete",
        }
    }

    pub fn is_read(self) -> bool {
        self == Self::Get
    }
}

/// A text with variables in it: a path (`/todos/{todo_id}`), a header value (`Bearer {token}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(pub Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Var(String),
}

impl Template {
    pub fn text(text: impl Into<String>) -> Self {
        Self(vec![Part::Text(text.into())])
    }

    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|part| match part {
            Part::Var(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }
}

/// A JSON body: a JSON value in which a string `"\u{0}name"` stands for variable `name`.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonTemplate(pub Value);

impl JsonTemplate {
    const VAR_MARK: char = '\u{0}';

    pub fn var(name: &str) -> Value {
        Value::String(format!("{}{name}", Self::VAR_MARK))
    }

    /// The variable a value stands for, if it is a placeholder.
    pub fn var_of(value: &Value) -> Option<&str> {
        value.as_str()?.strip_prefix(Self::VAR_MARK)
    }

    pub fn vars(&self) -> Vec<String> {
        fn collect(value: &Value, into: &mut Vec<String>) {
            match value {
                Value::Array(items) => items.iter().for_each(|item| collect(item, into)),
                Value::Object(fields) => fields.values().for_each(|field| collect(field, into)),
                other => into.extend(JsonTemplate::var_of(other).map(str::to_string)),
            }
        }
        let mut vars = Vec::new();
        collect(&self.0, &mut vars);
        vars
    }
}

/// Where a value a later request needs comes from in a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A field of the JSON body, by keys and array indexes (`["data", "0", "id"]`).
    JsonField(Vec<String>),
    /// The `Location` header, as the path it names.
    Location,
}

/// A value read from a response at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub var: String,
    pub from: Source,
}

/// One request of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub method: Method,
    pub path: Template,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(String, Template)>,
    pub body: Option<JsonTemplate>,
    /// The statistics row: the route with `{param}` where values vary.
    pub name: String,
    pub captures: Vec<Capture>,
    /// What the generator could not know (an access log has no bodies and no source for ids):
    /// the task is a Korean `todo!()` that names its route and says what to fill, instead of a
    /// request that would be refused, or would change data it was never given.
    pub todo: Option<String>,
    /// The variables this request uses up (a DELETE of the thing an id names).
    pub consumes: Vec<String>,
}

impl Step {
    pub fn new(method: Method, path: Template, name: impl Into<String>) -> Self {
        Self {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            name: name.into(),
            captures: Vec::new(),
            todo: None,
            consumes: Vec::new(),
        }
    }

    /// Every variable the request needs before it can be sent.
    pub fn needs(&self) -> Vec<String> {
        let mut vars: Vec<String> = self.path.vars().map(str::to_string).collect();
        for (_, value) in self.query.iter().chain(&self.headers) {
            vars.extend(value.vars().map(str::to_string));
        }
        if let Some(body) = &self.body {
            vars.extend(body.vars());
        }
        vars.sort();
        vars.dedup();
        vars
    }

    /// `POST /todos/` — for notes and tables.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.upper(), self.name)
    }
}

/// How the requests are grouped into tasks.
#[derive(Debug, Clone, PartialEq)]
pub enum Flow {
    /// One task that sends every step in the recorded order: later steps need what earlier ones
    /// returned. Variables live inside the task.
    Sequence(Vec<Step>),
    /// Independent weighted tasks. Values one task returns and another needs are kept per user
    /// in a list (one per variable), filled by the producing task and drawn from by the others.
    Tasks(Vec<(u32, Step)>),
}

/// A wait time in seconds (`between(min, max)`, or `constant(min)` when equal).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wait {
    pub min: f64,
    pub max: f64,
}

/// A scenario ready to be written as a Rust file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub class: String,
    /// What it was made from, for the file's first line (`브라우저 기록 checkout.har`).
    pub origin: String,
    /// The Korean lines of the opening comment: what was kept, dropped and why, what to review.
    pub notes: Vec<String>,
    pub wait: Wait,
    pub flow: Flow,
}

/// A reader's result: the scenario and what it could not turn into requests (listed, not fatal).
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub scenario: Scenario,
    pub skipped: Vec<String>,
}

/// A reader's refusal: a Korean sentence that names the place in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

pub type ImportResult<T> = Result<T, ImportError>;

/// Parses a document that may be JSON or YAML (OpenAPI documents come as both).
pub fn json_or_yaml(text: &str, what: &str) -> ImportResult<Value> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        serde_json::from_str(trimmed).map_err(|error| {
            ImportError(format!(
                "{what}: JSON으로 읽을 수 없어요 ({}행 {}열: {error})",
                error.line(),
                error.column()
            ))
        })
    } else {
        serde_norway::from_str(trimmed).map_err(|error| {
            let place =
                error.location().map(|at| format!("{}행 {}열: ", at.line(), at.column())).unwrap_or_default();
            ImportError(format!("{what}: JSON도 YAML도 아니에요 ({place}{error})"))
        })
    }
}
