//! The checklist's checks. Each runs the item's class briefly against a fresh lab server and
//! judges what the scenario did — which requests, to which ids, in which order, with which
//! bodies, and how each answer was counted — never the source text. Every problem is one Korean
//! line saying what was observed and what was expected.

use std::time::Duration;

mod evidence;
mod gates;
mod scenarios;
mod todo_user;

use gates::{check_release, check_spike};
use scenarios::{check_mixed, check_setup, check_stress};
use todo_user::{check_create, check_delete, check_get_single, check_list, check_update};

use crate::checklist::Check;
use crate::grader::observe::{Observation, Plan, Scenarios, Unobservable, observe};
use crate::server::Faults;

/// How an item came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    /// The item's body is still `todo!()`.
    NotStarted,
}

/// A graded item.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub item: &'static str,
    pub status: Status,
    /// What went wrong, one Korean sentence each (observed — expected).
    pub problems: Vec<String>,
    /// What the check saw, in one line (e.g. the status codes of the item's requests).
    pub observed: String,
}

impl Verdict {
    fn judge(item: &'static str, problems: Vec<String>, observed: String) -> Self {
        let status = if problems.is_empty() { Status::Passed } else { Status::Failed };
        Verdict { item, status, problems, observed }
    }

    fn not_started(item: &'static str, task: &str) -> Self {
        Verdict {
            item,
            status: Status::NotStarted,
            problems: vec![format!("아직 시작하지 않았어요: {task}의 본문이 todo!() 그대로예요")],
            observed: String::new(),
        }
    }

    fn failed(item: &'static str, problem: String) -> Self {
        Verdict { item, status: Status::Failed, problems: vec![problem], observed: String::new() }
    }
}

const FAST: f64 = 0.01;

/// A wrong weight for `item` in the TodoUser that ran, as one line aimed at `tasks()`, and
/// whether the task can never run (missing, or weight 0): then nothing else about it can be judged.
fn weight_problem(observation: &Observation, item: &str) -> Option<(String, bool)> {
    let expected = crate::checklist::find(item)?.todo_user_weight?;
    let class = observation.result.settings.classes.iter().find(|class| class.name == "TodoUser")?;
    let wanted = format!("기대: tasks()에 task({expected}, {item}) (가이드의 @task({expected}))");
    match class.tasks.iter().find(|(task, _)| task == item) {
        None => Some((
            format!("TodoUser의 tasks()에 {item} 작업이 없어서 한 번도 실행되지 않아요 — {wanted}"),
            true,
        )),
        Some((_, 0)) => Some((
            format!("TodoUser의 tasks()에서 {item}의 가중치가 0이라 한 번도 실행되지 않아요 — {wanted}"),
            true,
        )),
        Some(&(_, weight)) if weight != expected => Some((
            format!(
                "TodoUser의 tasks()에서 {item}의 가중치: {weight} — {wanted}. 가중치가 요청 비율을 정해요"
            ),
            false,
        )),
        Some(_) => None,
    }
}

fn plan(class: &'static str, tasks: &[&'static str], users: usize, millis: u64, time_scale: f64) -> Plan {
    Plan {
        class,
        tasks: tasks.to_vec(),
        users,
        run_time: Duration::from_millis(millis),
        time_scale,
        faults: Faults::default(),
        stop_timeout: Duration::ZERO,
    }
}

/// Judges what a class did in its observation run.
type Judge = fn(&Observation, &Plan) -> Verdict;

/// Grades one item.
pub async fn check(scenarios: &Scenarios, item: &str) -> anyhow::Result<Verdict> {
    let Some((item, kind)) = crate::checklist::find(item).and_then(|found| Some((found.id, found.check?)))
    else {
        anyhow::bail!(
            "코드로 채점하는 항목이 아니에요: '{item}' (있는 항목: {})",
            crate::checklist::graded_ids().join(", ")
        )
    };
    let with_faults = |mut plan: Plan, error_rate: f64, vanish_rate: f64| {
        plan.faults = Faults { error_rate, vanish_rate };
        plan
    };
    let (plan, judge): (Plan, Judge) = match kind {
        Check::CreateTodo => {
            (plan("TodoUser", &["create_todo"], 2, 1500, FAST), |observation, _| check_create(observation))
        }
        Check::ListTodos => {
            (plan("TodoUser", &["create_todo", "list_todos"], 2, 1500, FAST), |observation, _| {
                check_list(observation)
            })
        }
        Check::GetSingleTodo => {
            (plan("TodoUser", &["create_todo", "get_single_todo"], 2, 1500, FAST), |observation, _| {
                check_get_single(observation)
            })
        }
        Check::UpdateTodo => (
            with_faults(plan("TodoUser", &["create_todo", "update_todo"], 3, 2500, FAST), 0.1, 0.3),
            |observation, _| check_update(observation),
        ),
        Check::DeleteTodo => (
            with_faults(
                plan("TodoUser", &["create_todo", "get_single_todo", "delete_todo"], 3, 2500, FAST),
                0.1,
                0.2,
            ),
            |observation, _| check_delete(observation),
        ),
        Check::MixedWorkload => {
            (plan("MixedWorkloadUser", &[], 2, 2000, FAST), |observation, _| check_mixed(observation))
        }
        Check::StressUser => (plan("StressTestUser", &[], 2, 3000, 1.0), check_stress),
        Check::SetupUser => (
            Plan { stop_timeout: Duration::from_secs(3), ..plan("SetupUser", &[], 3, 1500, FAST) },
            |observation, _| check_setup(observation),
        ),
        Check::SpikeShape => return check_spike(scenarios).await,
        Check::ReleaseGate => return check_release(scenarios).await,
    };
    let observation = match observe(scenarios, &plan).await? {
        Ok(observation) => observation,
        Err(Unobservable::UnknownClass(class)) => {
            return Ok(Verdict::failed(
                item,
                format!(
                    "사용자 클래스 {class}를 찾을 수 없어요 — exercises/main.rs의 user_classes()에 있어야 해요"
                ),
            ));
        }
        Err(Unobservable::Broken(message)) => return Ok(Verdict::failed(item, message)),
    };
    let weight = weight_problem(&observation, item);
    if let Some((problem, true)) = weight {
        return Ok(Verdict::failed(item, problem));
    }
    let mut verdict = judge(&observation, &plan);
    if let Some((problem, _)) = weight {
        verdict.problems.insert(0, problem);
        verdict.status = Status::Failed;
    }
    Ok(verdict)
}
