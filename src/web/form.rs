//! The start form as the page sends it (JSON), checked field by field into the operations
//! layer's [`RunSettings`]. Owns every message a bad form gets: each is one Korean sentence
//! the page shows next to the form, never a panic or a server error.

use serde::{Deserialize, Serialize};

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

/// Most users a form may ask for: the same ceiling as every other door ([`crate::limits`]).
pub const MAX_USERS: u64 = crate::limits::MAX_USERS as u64;
const MAX_WEIGHT: u64 = 1_000;

const USERS_BAD: &str = "사용자 수는 1 이상의 정수로 적어 주세요 (예: 20).";
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
    let users = crate::limits::users(users)?;
    let spawn_rate = checked_spawn_rate(&form.spawn_rate)?;
    let run_time = match form.run_time.trim() {
        "" => None,
        text => Some(crate::limits::run_time(text)?),
    };
    let host = Some(form.host.trim().trim_end_matches('/').to_string()).filter(|host| !host.is_empty());
    if let Some(host) = &host
        && !(host.starts_with("http://") || host.starts_with("https://"))
    {
        return Err(HOST_SCHEME.to_string());
    }
    if let Some(host) = &host {
        crate::engine::http::check_host(host)?;
    }
    if let Some(shape) = &shape {
        check_shape(shape, workbook)?;
    }
    let bottlenecks =
        form.bottlenecks.iter().map(|name| name.parse::<Bottleneck>()).collect::<Result<Vec<_>, _>>()?;
    if host.is_some() && !bottlenecks.is_empty() {
        return Err(BOTTLENECK_NEEDS_LAB.to_string());
    }
    let classes = choose_classes(&form.classes, workbook)?;
    Ok(RunSettings {
        classes,
        users,
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
    let users = crate::limits::users(users)?;
    Ok((users, checked_spawn_rate(spawn_rate)?))
}

/// The spawn rate field: a number (or numeric text) that [`crate::limits::spawn_rate`] accepts.
fn checked_spawn_rate(value: &serde_json::Value) -> Result<f64, String> {
    let rate = number(value).ok_or_else(|| "투입 속도는 0보다 큰 숫자로 적어 주세요 (예: 5).".to_string())?;
    crate::limits::spawn_rate(rate)
}

/// A shape the form names: one of the workbook's shapes, a preset, or stages within the limits.
fn check_shape(shape: &str, workbook: &Workbook) -> Result<(), String> {
    if workbook.shapes.iter().any(|known| known.name == shape) {
        return Ok(());
    }
    crate::engine::shape::Schedule::parse(shape, false).map(|_| ())
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
    use std::time::Duration;

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
        assert!(with("users", json!(20_000)).contains("10000명까지"));
        assert!(with("users", json!(1e300)).contains("사용자 수"));
        assert!(with("spawn_rate", json!(0)).contains("투입 속도"));
        assert!(with("spawn_rate", json!("NaN")).contains("투입 속도"));
        assert!(with("run_time", json!("1e20")).contains("너무 길어요"));
        assert!(with("shape", json!("10:1e20")).contains("너무 길어요"));
        assert!(with("shape", json!("100000000000:2s")).contains("10000명까지"));
        assert!(with("host", json!("http://")).contains("호스트"));
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

    /// A form field as a page, a script or a fuzzer might send it.
    fn field() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            "-?[0-9]{0,25}(\\.[0-9]{0,4})?(e[0-9]{1,3})?".prop_map(serde_json::Value::from),
            "\\PC{0,12}".prop_map(serde_json::Value::from),
            Just(json!("1e20")),
            Just(json!("inf")),
            Just(json!("NaN")),
        ]
    }

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "\\PC{0,16}",
            "[0-9]{1,22}:[0-9e.]{1,22}[smhd]?(,[0-9]{1,22}:[0-9e.]{1,22}[smhd]?){0,3}",
            "[0-9.e]{1,25}[smhd]?",
            Just("http://".to_string()),
            Just("http://127.0.0.1:99999".to_string()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..Default::default() })]

        /// Any form is settings within the limits or one Korean sentence; never a panic.
        #[test]
        fn any_form_is_bounded_settings_or_a_sentence(
            users in field(),
            spawn_rate in field(),
            weight in field(),
            run_time in text(),
            shape in text(),
            host in text(),
        ) {
            let form = StartForm {
                users,
                spawn_rate,
                host,
                run_time,
                classes: vec![ClassChoice { name: "TodoUser".into(), weight }],
                shape,
                ..StartForm::default()
            };
            let mut workbook = crate::solutions::workbook();
            match settings(&form, &mut workbook) {
                Ok(settings) => {
                    proptest::prop_assert!(settings.users <= crate::limits::MAX_USERS);
                    proptest::prop_assert!(settings.spawn_rate > 0.0 && settings.spawn_rate <= crate::limits::MAX_SPAWN_RATE);
                    proptest::prop_assert!(settings.run_time.unwrap_or_default() <= crate::limits::MAX_DURATION);
                    if let Some(shape) = &settings.shape {
                        let _ = crate::engine::shape::Schedule::parse(shape, false);
                    }
                }
                Err(message) => proptest::prop_assert!(message.chars().any(|c| ('가'..='힣').contains(&c)), "{}", message),
            }
            let _ = edit_values(&form.users, &form.spawn_rate);
        }
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
