//! The `--json FILE` result: everything about one run, written by `run` and read back by
//! `explain` and `compare`. [`write`] and [`read`] round-trip a [`RunResult`] exactly.
//!
//! # Schema
//!
//! One JSON object. Times are milliseconds unless the name says otherwise; instants are
//! RFC 3339 strings in UTC. Fields are only ever added (with defaults), never renamed, so an
//! older file stays readable.
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `loadlab_version` | string | the loadlab that wrote the file |
//! | `settings` | object | how the run was started (below) |
//! | `start_time`, `end_time` | string | wall-clock start and end (UTC) |
//! | `duration` | number | seconds from start to end; the denominator of every per-second rate |
//! | `interrupted` | bool | true when Ctrl-C ended the run early |
//! | `stats` | array of *endpoint* | one row per request name and method, sorted by name |
//! | `total` | *endpoint* | the `Aggregated` row over all requests (`method` is `""`) |
//! | `errors` | array of *error* | failures grouped by method, name and message, most frequent first |
//! | `exceptions` | array of *exception* | panics inside tasks, most frequent first |
//! | `history` | array of *point* | one sample per second of the run, in order |
//! | `generator` | object, absent when there is nothing to say | warnings about the load generator itself (below) |
//!
//! `settings`:
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `users` | integer | peak users asked for (`-u`, or the highest stage of a shape) |
//! | `spawn_rate` | number | users started per second (`-r`) |
//! | `run_time` | number or null | planned seconds (`-t`); null when the run went until Ctrl-C |
//! | `host` | string | the target (`-H`, or the embedded lab server's address), without a trailing `/` |
//! | `classes` | array of *class* | the user classes that ran |
//! | `shape` | string or null | the load shape's label (`--shape`), null for a plain run |
//! | `time_scale` | number | every wait time was multiplied by this (1 normally; smaller when the grader fast-forwards) |
//! | `embedded_server` | bool | whether the target was the embedded lab server |
//!
//! *class*: `name` (string), `weight` (integer, the class weight), `wait_time` (object: `{"kind":
//! "between", "min": s, "max": s}`, `{"kind": "constant", "seconds": s}` or `{"kind":
//! "constant_throughput", "per_second": n}`), `users` (integer, users of this class running at
//! the end), `tasks` (array of `[task name, weight]` pairs).
//!
//! *endpoint* (times in ms, exact — not Locust's bucketed approximation):
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `method` | string | `GET`, `POST`, …; `""` in the aggregated row |
//! | `name` | string | the statistics name (`.name(..)`, or the path); `Aggregated` in the total |
//! | `num_requests`, `num_failures` | integer | requests sent, and how many counted as failures |
//! | `avg_response_time`, `min_response_time`, `max_response_time`, `median_response_time` | number | response times; 0 when there were no requests |
//! | `avg_content_length` | number | mean body size in bytes (after decompression) |
//! | `total_content_length` | integer | all body bytes received |
//! | `requests_per_second`, `failures_per_second` | number | counts divided by `duration` |
//! | `percentiles` | array of `{quantile, response_time}` | quantiles 0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999 and 1.0 |
//! | `status_codes` | object | status code (as a string key) → count; `"0"` counts requests that got no answer |
//! | `corrected` | object, absent unless fixed-rate users sent under this name | the same times measured from each request's intended start (coordinated omission): `avg_response_time`, `max_response_time`, `median_response_time`, `percentiles` |
//!
//! *error*: `method`, `name`, `error` (the failure message: `HTTPError: 404 Not Found`,
//! `ConnectionRefusedError: …`, or the scenario's own `failure(..)` text), `occurrences`.
//!
//! *exception*: `count`, `message` (the panic message), `location` (`file:line:column` of the
//! panic), `task` (the task function's name, or `on_start`/`on_stop`), `user_class`.
//!
//! *point* (one second): `elapsed` (seconds since the start, at the end of its window),
//! `timestamp` (UTC), `users` (users running), `target_users` (users the shape asked for),
//! `window` (seconds the window really lasted: 1 normally, more after a stall; 1 in older
//! files), `requests_per_second` and `failures_per_second` (counts in the window divided by
//! `window`), `p50_response_time` and `p95_response_time` (ms, over the window's requests; 0
//! when there were none), `total_requests` and `total_failures` (running totals up to then).
//!
//! `generator` (each field absent when there is nothing to say): `name_limit` — request names
//! passed the limit: `{limit, overflow_requests, examples}` (later names were counted in one
//! overflow row); `cpu_overload` — the generating process used over 90 % of its usable CPU:
//! `{first_at, peak_percent, seconds_over, cores}`.

use std::path::Path;

use anyhow::Context;

use crate::engine::RunResult;

const NOT_A_RESULT: &str = "loadlab의 실행 결과 파일(run --json 으로 저장한 JSON)이 아니에요";

/// Writes `result` to `path` as pretty-printed JSON.
pub fn write(path: &Path, result: &RunResult) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(result).context("결과를 JSON으로 바꿀 수 없어요")?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("JSON 결과 파일을 쓸 수 없어요: {}", path.display()))
}

/// Reads a result written by [`write`], with a Korean message saying what is wrong when the file
/// is missing, unreadable, not JSON, or JSON of another shape.
pub fn read(path: &Path) -> anyhow::Result<RunResult> {
    let text = match crate::limits::read_text(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            anyhow::bail!(
                "결과 파일이 없어요: '{}' — 먼저 `loadlab run ... --json {}` 으로 저장하세요",
                path.display(),
                path.display()
            )
        }
        Err(error) => {
            return Err(error).with_context(|| format!("결과 파일을 읽을 수 없어요: '{}'", path.display()));
        }
    };
    parse(&text).with_context(|| format!("결과 파일을 읽을 수 없어요: '{}'", path.display()))
}

/// Parses the text of a result file (see [`read`]).
pub fn parse(text: &str) -> anyhow::Result<RunResult> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
        anyhow::anyhow!("JSON 형식이 아니에요 ({}번째 줄, {}번째 칸)", error.line(), error.column())
    })?;
    if !value.is_object() || value.get("settings").is_none() || value.get("total").is_none() {
        anyhow::bail!("{NOT_A_RESULT}: settings, total 같은 항목이 없어요");
    }
    serde_json::from_value(value).map_err(|error| anyhow::anyhow!("{NOT_A_RESULT} ({error})"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/report/result.json");

    /// Replaces the numbers of `value`, in document order, with `numbers` (cycled).
    fn replace_numbers(value: &mut serde_json::Value, numbers: &[serde_json::Value], next: &mut usize) {
        match value {
            serde_json::Value::Number(_) if !numbers.is_empty() => {
                let replacement = numbers[*next % numbers.len()].clone();
                *next += 1;
                if !replacement.is_null() {
                    *value = replacement;
                }
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|item| replace_numbers(item, numbers, next));
            }
            serde_json::Value::Object(map) => {
                map.values_mut().for_each(|item| replace_numbers(item, numbers, next));
            }
            _ => {}
        }
    }

    fn number() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            Just(serde_json::Value::Null),
            Just(serde_json::Value::Null),
            any::<f64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            Just(serde_json::json!(1e308)),
            Just(serde_json::json!(-1e308)),
            Just(serde_json::json!(0)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..Default::default() })]

        /// A result file with hostile numbers is read, explained, compared and tabled without
        /// a panic (or refused with a sentence).
        #[test]
        fn a_result_with_any_numbers_is_explained_or_refused(numbers in proptest::collection::vec(number(), 1..40)) {
            let mut value: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
            replace_numbers(&mut value, &numbers, &mut 0);
            if let Ok(result) = super::parse(&value.to_string()) {
                let _ = crate::explain::explain(&result).render(false);
                let _ = crate::engine::console::summary(&result);
                let options = crate::report::compare::CompareOptions::default();
                let _ = crate::report::compare::compare(&result, &result, &options).render(false);
                let runs = vec![("a".to_string(), result.clone()), ("b".to_string(), result.clone())];
                let _ = crate::report::kinds::render(&runs);
                let _ = crate::report::html::render(&result);
                let _ = crate::explain::saturation::find(&result);
            }
        }

        #[test]
        fn any_text_is_a_result_or_a_sentence(text in "\\PC{0,64}") {
            let _ = super::parse(&text);
        }
    }
}
