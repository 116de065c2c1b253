//! The start form as the page sends it (JSON), checked field by field into the operations
//! layer's [`RunSettings`]. Owns every message a bad form gets: each is one Korean sentence
//! the page shows next to the form, never a panic or a server error.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::engine::shape::parse_duration;
use crate::engine::workbook::Workbook;
use crate::ops::run::RunSettings;
use crate::server::Bottleneck;

/// One class the learner ticked, with the weight typed next to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassChoice {
    pub name: String,
    pub weight: serde_json::Value,
}

/// The form's fields. Numbers arrive as JSON values and are checked here, so `-3`, `"abc"`
/// or `1.5` users get a sentence instead of a deserializer's English.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StartForm {
    pub users: serde_json::Value,
    pub spawn_rate: serde_json::Value,
    pub host: String,
    pub run_time: String,
    pub classes: Vec<ClassChoice>,
    pub shape: String,
    pub quick: bool,
    pub bottlenecks: Vec<String>,
}

/// Most users a form may ask for: beyond this the learner's machine, not the server, is
/// measured (the CLI has no cap; the page is the beginner's door).
pub const MAX_USERS: u64 = 10_000;
const MAX_WEIGHT: u64 = 1_000;

const USERS_BAD: &str = "사용자 수는 1 이상의 정수로 적어 주세요 (예: 20).";
const USERS_TOO_MANY: &str =
    "사용자 수는 10000명까지 받을 수 있어요. 더 큰 실험은 명령줄의 run으로 해 보세요.";
const SPAWN_BAD: &str = "투입 속도는 0보다 큰 숫자로 적어 주세요 (예: 5).";
const HOST_SCHEME: &str = "호스트는 http:// 또는 https:// 로 시작해야 해요 (예: http://127.0.0.1:8000). 비워 두면 내장 실습 서버를 써요.";
const BOTTLENECK_NEEDS_LAB: &str =
    "병목은 내장 실습 서버에만 켤 수 있어요. 호스트를 비우거나 병목을 모두 꺼 주세요.";
const NO_CLASS: &str = "사용자 클래스를 하나 이상 골라 주세요.";

/// The settings the form asks for, with the class weights it typed applied to `workbook`.
pub fn settings(form: &StartForm, workbook: &mut Workbook) -> Result<RunSettings, String> {
    let shape = Some(form.shape.trim().to_string()).filter(|shape| !shape.is_empty());
    let users = match (&form.users, &shape) {
        // A shape decides the user count itself; an empty field is fine then.
        (serde_json::Value::Null, Some(_)) => 0,
        (serde_json::Value::String(text), Some(_)) if text.trim().is_empty() => 0,
        (value, _) => whole_number(value).filter(|users| *users >= 1).ok_or(USERS_BAD)?,
    };
    if users > MAX_USERS {
        return Err(USERS_TOO_MANY.to_string());
    }
    let spawn_rate =
        number(&form.spawn_rate).filter(|rate| *rate > 0.0 && rate.is_finite()).ok_or(SPAWN_BAD)?;
    let run_time = match form.run_time.trim() {
        "" => None,
        text => Some(parse_duration(text).and_then(|time| {
            if time < Duration::from_secs(1) {
                Err(format!("실행 시간이 너무 짧아요 ('{text}'). 1초 이상으로 적어 주세요 (예: 30s, 1m)."))
            } else {
                Ok(time)
            }
        })?),
    };
    let host = Some(form.host.trim().trim_end_matches('/').to_string()).filter(|host| !host.is_empty());
    if let Some(host) = &host
        && !(host.starts_with("http://") || host.starts_with("https://"))
    {
        return Err(HOST_SCHEME.to_string());
    }
    let bottlenecks =
        form.bottlenecks.iter().map(|name| name.parse::<Bottleneck>()).collect::<Result<Vec<_>, _>>()?;
    if host.is_some() && !bottlenecks.is_empty() {
        return Err(BOTTLENECK_NEEDS_LAB.to_string());
    }
    let classes = choose_classes(&form.classes, workbook)?;
    Ok(RunSettings {
        classes,
        users: users as usize,
        spawn_rate,
        run_time,
        host,
        bottlenecks,
        shape,
        quick: form.quick,
        ..RunSettings::default()
    })
}

/// A running test's new user count and spawn rate, checked like the start form's.
pub fn edit_values(
    users: &serde_json::Value,
    spawn_rate: &serde_json::Value,
) -> Result<(usize, f64), String> {
    let users = whole_number(users).filter(|users| *users >= 1).ok_or(USERS_BAD)?;
    if users > MAX_USERS {
        return Err(USERS_TOO_MANY.to_string());
    }
    let spawn_rate = number(spawn_rate).filter(|rate| *rate > 0.0 && rate.is_finite()).ok_or(SPAWN_BAD)?;
    Ok((users as usize, spawn_rate))
}

/// The ticked classes' names; their weights are written into `workbook` (a copy per run).
fn choose_classes(choices: &[ClassChoice], workbook: &mut Workbook) -> Result<Vec<String>, String> {
    if choices.is_empty() {
        return Err(NO_CLASS.to_string());
    }
    let known: Vec<&str> = workbook.classes.iter().map(|class| class.name).collect();
    let mut names = Vec::new();
    for choice in choices {
        let Some(class) = workbook.classes.iter_mut().find(|class| class.name == choice.name) else {
            return Err(format!(
                "없는 사용자 클래스예요: {}. 고를 수 있는 클래스: {}",
                choice.name,
                known.join(", ")
            ));
        };
        let weight = whole_number(&choice.weight)
            .filter(|weight| (1..=MAX_WEIGHT).contains(weight))
            .ok_or_else(|| format!("{}의 가중치는 1부터 1000까지의 정수로 적어 주세요.", choice.name))?;
        class.weight = weight as u32;
        if names.contains(&choice.name) {
            return Err(format!("같은 클래스를 두 번 골랐어요: {}. 한 번만 골라 주세요.", choice.name));
        }
        names.push(choice.name.clone());
    }
    Ok(names)
}

/// A whole number from a JSON number or a numeric string (form fields arrive as either).
fn whole_number(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(number) => number.as_u64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(number) => number.as_f64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(value: serde_json::Value) -> StartForm {
        serde_json::from_value(value).expect("form JSON")
    }

    fn check(value: serde_json::Value) -> Result<RunSettings, String> {
        let mut workbook = crate::solutions::workbook();
        settings(&form(value), &mut workbook)
    }

    #[test]
    fn a_good_form_becomes_settings_with_its_weights() {
        let mut workbook = crate::solutions::workbook();
        let settings = settings(
            &form(json!({"users": "20", "spawn_rate": 5, "host": "", "run_time": "30s",
                "classes": [{"name": "TodoUser", "weight": 7}]})),
            &mut workbook,
        )
        .expect("valid");
        assert_eq!(settings.users, 20);
        assert_eq!(settings.run_time, Some(Duration::from_secs(30)));
        assert_eq!(settings.host, None);
        assert_eq!(settings.classes, vec!["TodoUser".to_string()]);
        let todo = workbook.classes.iter().find(|class| class.name == "TodoUser").expect("class");
        assert_eq!(todo.weight, 7);
    }

    #[test]
    fn bad_fields_get_korean_sentences() {
        let base = json!({"users": 5, "spawn_rate": 1, "classes": [{"name": "TodoUser", "weight": 1}]});
        let with = |key: &str, value: serde_json::Value| {
            let mut form = base.clone();
            form[key] = value;
            check(form).expect_err("must be rejected")
        };
        assert_eq!(with("users", json!(-3)), USERS_BAD);
        assert_eq!(with("users", json!("abc")), USERS_BAD);
        assert_eq!(with("users", json!(0)), USERS_BAD);
        assert_eq!(with("users", json!(20_000)), USERS_TOO_MANY);
        assert_eq!(with("spawn_rate", json!(0)), SPAWN_BAD);
        assert_eq!(with("host", json!("localhost:8000")), HOST_SCHEME);
        assert!(with("run_time", json!("soon")).contains("시간을 읽을 수 없어요"));
        assert!(with("classes", json!([{"name": "GhostUser", "weight": 1}])).contains("GhostUser"));
        assert_eq!(with("classes", json!([])), NO_CLASS);
        assert!(with("bottlenecks", json!(["warp-drive"])).contains("알 수 없는 병목"));
        let mut remote = base.clone();
        remote["host"] = json!("http://127.0.0.1:9");
        remote["bottlenecks"] = json!(["n-plus-one"]);
        assert_eq!(check(remote).expect_err("lab only"), BOTTLENECK_NEEDS_LAB);
    }

    #[test]
    fn a_shape_needs_no_user_count() {
        let settings = check(json!({"users": "", "spawn_rate": 1, "shape": "stress", "quick": true,
                "classes": [{"name": "TodoUser", "weight": 1}]}))
        .expect("shape run");
        assert_eq!(settings.shape.as_deref(), Some("stress"));
        assert!(settings.quick);
    }
}
