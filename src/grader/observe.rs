//! Runs one user class briefly against a fresh in-memory lab server (with fault injection when a
//! check asks for it) and hands back what happened: the run's result and every request in order.
//! Scenarios come either from this process (the solutions, test fixtures) or from the learner's
//! built exercises binary, run as a child process with the same flags as `loadlab run`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use crate::engine::shape::ShapeClass;
use crate::engine::stats::TraceLine;
use crate::engine::workbook::Workbook;
use crate::engine::{RunConfig, RunResult};
use crate::server::{Faults, ServerConfig};

/// Where the scenarios under test live.
pub enum Scenarios {
    /// Scenarios compiled into this process.
    InProcess(Workbook),
    /// The learner's exercises binary.
    Binary(PathBuf),
}

/// One short, bounded run of one class.
#[derive(Clone)]
pub struct Plan {
    pub class: &'static str,
    /// Only these tasks (function names); empty runs all.
    pub tasks: Vec<&'static str>,
    pub users: usize,
    pub run_time: Duration,
    /// Multiplies the class's wait times (0.01 turns `between(1, 3)` into 10–30 ms).
    pub time_scale: f64,
    pub faults: Faults,
    /// How long stopping users may finish their task and `on_stop` (Locust's `--stop-timeout`).
    pub stop_timeout: Duration,
}

/// What a check gets to look at.
pub struct Observation {
    pub result: RunResult,
    /// Every recorded request, ordered by start time.
    pub trace: Vec<TraceLine>,
}

/// Why a run could not be observed.
#[derive(Debug)]
pub enum Unobservable {
    /// The class does not exist in the scenarios.
    UnknownClass(String),
    /// Anything else (the binary crashed, files could not be read).
    Broken(String),
}

/// Runs `plan` and collects the observation.
pub async fn observe(
    scenarios: &Scenarios,
    plan: &Plan,
) -> anyhow::Result<Result<Observation, Unobservable>> {
    let server =
        crate::server::start(ServerConfig { faults: plan.faults.clone(), ..ServerConfig::in_memory() })
            .await
            .context("채점용 실습 서버를 시작할 수 없어요")?;
    let scratch = tempfile::tempdir().context("임시 폴더를 만들 수 없어요")?;
    let trace_path = scratch.path().join("trace.jsonl");
    let outcome = match scenarios {
        Scenarios::InProcess(workbook) => {
            match workbook.classes.iter().find(|class| class.name == plan.class) {
                None => Err(Unobservable::UnknownClass(plan.class.to_string())),
                Some(class) => {
                    let mut config = RunConfig::new(
                        vec![class.clone()],
                        server.url(),
                        plan.users,
                        plan.users as f64,
                        plan.run_time,
                    );
                    config.time_scale = plan.time_scale;
                    config.stop_timeout = plan.stop_timeout;
                    config.trace = Some(trace_path.clone());
                    config.task_filter = (!plan.tasks.is_empty())
                        .then(|| plan.tasks.iter().map(|task| task.to_string()).collect());
                    Ok(crate::engine::run(config).await?)
                }
            }
        }
        Scenarios::Binary(binary) => run_binary(binary, plan, &server.url(), scratch.path()).await?,
    };
    server.shutdown().await;
    let result = match outcome {
        Ok(result) => result,
        Err(unobservable) => return Ok(Err(unobservable)),
    };
    let mut trace: Vec<TraceLine> = std::fs::read_to_string(&trace_path)
        .with_context(|| format!("요청 기록을 읽을 수 없어요: {}", trace_path.display()))?
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    trace.sort_by(|a, b| a.t.total_cmp(&b.t));
    Ok(Ok(Observation { result, trace }))
}

async fn run_binary(
    binary: &PathBuf,
    plan: &Plan,
    host: &str,
    scratch: &std::path::Path,
) -> anyhow::Result<Result<RunResult, Unobservable>> {
    let json_path = scratch.join("result.json");
    let mut command = tokio::process::Command::new(binary);
    command
        .arg(plan.class)
        .args(["-u", &plan.users.to_string(), "-r", &plan.users.to_string()])
        .args(["-t", &format!("{}ms", plan.run_time.as_millis())])
        .args(["-H", host, "--only-summary", "--no-explain"])
        .arg("--stop-timeout")
        .arg(plan.stop_timeout.as_secs_f64().to_string())
        .arg("--time-scale")
        .arg(plan.time_scale.to_string())
        .arg("--json")
        .arg(&json_path)
        .arg("--trace")
        .arg(scratch.join("trace.jsonl"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    if !plan.tasks.is_empty() {
        command.arg("--tasks").arg(plan.tasks.join(","));
    }
    let output = command.output().await.with_context(|| format!("실행할 수 없어요: {}", binary.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(crate::exit::USAGE) && stderr.contains("알 수 없는 사용자 클래스")
    {
        return Ok(Err(Unobservable::UnknownClass(plan.class.to_string())));
    }
    let Ok(text) = std::fs::read_to_string(&json_path) else {
        return Ok(Err(Unobservable::Broken(format!(
            "시나리오가 결과를 남기지 못하고 끝났어요 (종료 코드 {:?}): {}",
            output.status.code(),
            stderr.trim()
        ))));
    };
    Ok(Ok(serde_json::from_str(&text).context("시나리오 결과 JSON을 읽을 수 없어요")?))
}

/// What a shape answers at each whole second, up to its end (`None`) or `seconds`.
pub type ShapeProfile = Vec<(u64, usize, f64)>;

/// Asks shape `name` for its target at every second from 0 to `seconds` (or until it ends).
pub fn profile_shape(shape: &ShapeClass, seconds: u64) -> ShapeProfile {
    let mut instance = shape.instance();
    (0..=seconds)
        .map_while(|second| {
            instance.tick(Duration::from_secs(second)).map(|(users, rate)| (second, users, rate))
        })
        .collect()
}

/// The profile of shape `name` from the scenarios (for the learner's, via the exercises binary).
pub async fn observe_shape(
    scenarios: &Scenarios,
    name: &str,
    seconds: u64,
) -> anyhow::Result<Result<ShapeProfile, Unobservable>> {
    match scenarios {
        Scenarios::InProcess(workbook) => Ok(match workbook.shapes.iter().find(|shape| shape.name == name) {
            Some(shape) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| profile_shape(shape, seconds)))
                    .map_err(|payload| {
                        let message = payload
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        Unobservable::Broken(format!("모양 함수가 끝까지 답하지 못했어요: {message}"))
                    })
            }
            None => Err(Unobservable::UnknownClass(name.to_string())),
        }),
        Scenarios::Binary(binary) => {
            let output =
                ask_binary(binary, &["--shape-profile", name, "--profile-seconds", &seconds.to_string()])
                    .await?;
            if output.status.code() == Some(crate::exit::USAGE) {
                return Ok(Err(Unobservable::UnknownClass(name.to_string())));
            }
            let stdout = String::from_utf8_lossy(&output.stdout);
            Ok(match serde_json::from_str::<ShapeProfile>(stdout.trim()) {
                Ok(profile) => Ok(profile),
                Err(_) => Err(Unobservable::Broken(panic_summary(&output.stderr))),
            })
        }
    }
}

/// Runs the exercises binary with one of its hidden grader questions and collects its answer.
async fn ask_binary(binary: &std::path::Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    tokio::process::Command::new(binary)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .with_context(|| format!("실행할 수 없어요: {}", binary.display()))
}

/// A child's panic message, shortened: what a learner needs from a crashed shape.
fn panic_summary(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    // Rust prints `thread '…' panicked at FILE:LINE:COL:` and the message on the next line.
    let mut lines = text.lines().skip_while(|line| !line.contains("panicked at"));
    let summary = match (lines.next(), lines.next()) {
        (Some(place), Some(message)) => {
            format!(
                "{} ({})",
                message.trim(),
                place.split("panicked at ").nth(1).unwrap_or("").trim_end_matches(':')
            )
        }
        _ => text.trim().to_string(),
    };
    format!("모양 함수가 끝까지 답하지 못했어요: {summary}")
}

/// The workbook's release criteria text; `Err` with the reason when it cannot be had.
pub async fn observe_release_criteria(scenarios: &Scenarios) -> anyhow::Result<Result<String, Unobservable>> {
    match scenarios {
        Scenarios::InProcess(workbook) => {
            Ok(std::panic::catch_unwind(workbook.release_criteria).map(str::to_string).map_err(|_| {
                Unobservable::Broken("release_criteria()에서 패닉이 났어요: not yet implemented".to_string())
            }))
        }
        Scenarios::Binary(binary) => {
            let output = ask_binary(binary, &["--print-release-criteria"]).await?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            Ok(serde_json::from_str::<String>(stdout.trim())
                .map_err(|_| Unobservable::Broken(panic_summary(&output.stderr))))
        }
    }
}

/// The todo id in a `/todos/{id}` path, if the path is one.
pub fn todo_id(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/todos/")?;
    let id = rest.split(['?', '/']).next()?;
    id.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::todo_id;

    #[test]
    fn todo_ids_come_from_item_paths_only() {
        assert_eq!(todo_id("/todos/42"), Some(42));
        assert_eq!(todo_id("/todos/42?x=1"), Some(42));
        assert_eq!(todo_id("/todos/"), None);
        assert_eq!(todo_id("/todos/?skip=1"), None);
        assert_eq!(todo_id("/health"), None);
    }
}
