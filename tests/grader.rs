//! The grader judges behaviour: every solution passes every check, every untouched exercise is
//! "not started", and a plausible wrong version of each item fails with the reason a learner
//! needs to hear.

#[path = "fixtures/grader/wrong.rs"]
mod wrong;

#[allow(unused_variables, unused_imports, unreachable_code, dead_code)]
#[path = "../src/grader/pristine/mixed_workload.rs"]
mod pristine_mixed_workload;
#[allow(unused_variables, unused_imports, unreachable_code, dead_code)]
#[path = "../src/grader/pristine/release_gate.rs"]
mod pristine_release_gate;
#[allow(unused_variables, unused_imports, unreachable_code, dead_code)]
#[path = "../src/grader/pristine/setup_user.rs"]
mod pristine_setup_user;
#[allow(unused_variables, unused_imports, unreachable_code, dead_code)]
#[path = "../src/grader/pristine/spike_shape.rs"]
mod pristine_spike_shape;
#[allow(unused_variables, unused_imports, unreachable_code, dead_code)]
#[path = "../src/grader/pristine/stress_user.rs"]
mod pristine_stress_user;
#[allow(unused_variables, unused_imports, unreachable_code, dead_code)]
#[path = "../src/grader/pristine/todo_user.rs"]
mod pristine_todo_user;

use loadlab::checklist::graded_ids;
use loadlab::grader::checks::{Status, Verdict, check};
use loadlab::grader::observe::Scenarios;
use loadlab::prelude::{ShapeClass, UserClass, Workbook};

async fn grade(classes: Vec<UserClass>, item: &str) -> Verdict {
    grade_with_shapes(classes, Vec::new(), item).await
}

async fn grade_with_shapes(classes: Vec<UserClass>, shapes: Vec<ShapeClass>, item: &str) -> Verdict {
    let workbook = Workbook { classes, shapes, release_criteria: || "p95<500ms" };
    check(&Scenarios::InProcess(workbook), item).await.expect("grading runs")
}

async fn grade_criteria(release_criteria: fn() -> &'static str) -> Verdict {
    let workbook = Workbook { classes: Vec::new(), shapes: Vec::new(), release_criteria };
    check(&Scenarios::InProcess(workbook), "release_gate").await.expect("grading runs")
}

fn assert_fails_with(verdict: &Verdict, expected: &str) {
    assert_eq!(verdict.status, Status::Failed, "{verdict:?}");
    assert!(
        verdict.problems.iter().any(|problem| problem.contains(expected)),
        "expected a problem containing {expected:?}, got {:#?}",
        verdict.problems
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_solution_passes_every_check() {
    for item in graded_ids() {
        let verdict = check(&Scenarios::InProcess(loadlab::solutions::workbook()), item).await.unwrap();
        assert_eq!(verdict.status, Status::Passed, "{item}: {verdict:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untouched_exercises_are_not_started_and_examples_pass() {
    let classes = || {
        vec![
            UserClass::of::<pristine_todo_user::TodoUser>(),
            UserClass::of::<pristine_mixed_workload::MixedWorkloadUser>(),
            UserClass::of::<pristine_stress_user::StressTestUser>(),
            UserClass::of::<pristine_setup_user::SetupUser>(),
        ]
    };
    let shapes = || vec![ShapeClass::of::<pristine_spike_shape::SpikeShape>()];
    for item in ["update_todo", "delete_todo", "mixed_workload", "stress_user", "spike_shape", "setup_user"] {
        let verdict = grade_with_shapes(classes(), shapes(), item).await;
        assert_eq!(verdict.status, Status::NotStarted, "{item}: {verdict:#?}");
        assert!(verdict.problems[0].contains("아직 시작하지 않았어요"), "{:?}", verdict.problems);
    }
    for item in ["create_todo", "list_todos", "get_single_todo"] {
        assert_eq!(grade(classes(), item).await.status, Status::Passed, "{item} is a finished example");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_updates_fail_with_their_reason() {
    let verdict = grade(
        vec![UserClass::of::<wrong::update_counts_500_as_success::Wrong>().named("TodoUser")],
        "update_todo",
    )
    .await;
    assert_fails_with(&verdict, "서버 오류(500)는 failure()로 처리해야 해요");

    let verdict = grade(
        vec![UserClass::of::<wrong::update_any_id_without_name::Wrong>().named("TodoUser")],
        "update_todo",
    )
    .await;
    assert_fails_with(&verdict, "이 사용자가 만들지 않은 곳에 PUT");
    assert_fails_with(&verdict, "행으로 흩어졌어요");

    let verdict = grade(
        vec![UserClass::of::<wrong::update_with_invalid_body::Wrong>().named("TodoUser")],
        "update_todo",
    )
    .await;
    assert_fails_with(&verdict, "422");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_deletes_fail_with_their_reason() {
    let verdict =
        grade(vec![UserClass::of::<wrong::delete_keeps_the_id::Wrong>().named("TodoUser")], "delete_todo")
            .await;
    assert_fails_with(&verdict, "삭제(204)한 TODO에 다시 요청");

    let verdict = grade(
        vec![UserClass::of::<wrong::delete_counts_404_as_failure::Wrong>().named("TodoUser")],
        "delete_todo",
    )
    .await;
    assert_fails_with(&verdict, "404 응답이 실패로");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_workflows_fail_with_their_reason() {
    let verdict =
        grade(vec![UserClass::of::<wrong::workflow_in_wrong_order::MixedWorkloadUser>()], "mixed_workload")
            .await;
    assert_fails_with(&verdict, "순서가 달라요");

    let verdict = grade(
        vec![UserClass::of::<wrong::workflow_completes_the_last::MixedWorkloadUser>()],
        "mixed_workload",
    )
    .await;
    assert_fails_with(&verdict, "첫 번째로 만든 것이 아니에요");
    assert!(!verdict.problems.iter().any(|problem| problem.contains("Some(")), "{:#?}", verdict.problems);
    assert_fails_with(&verdict, "{\"completed\": true}");
    assert_fails_with(&verdict, "between(2, 5)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_without_names_fails_on_its_rows() {
    let verdict =
        grade(vec![UserClass::of::<wrong::workflow_without_names::MixedWorkloadUser>()], "mixed_workload")
            .await;
    assert_fails_with(&verdict, "완료 처리 PUT 요청이 통계에서");
    assert_fails_with(&verdict, "삭제 요청이 통계에서");
    // Only the names are wrong: nothing else is blamed.
    assert_eq!(verdict.problems.len(), 2, "{:#?}", verdict.problems);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_task_weights_are_pointed_at_tasks() {
    let classes = || vec![UserClass::of::<wrong::todo_user_with_wrong_weights::Wrong>().named("TodoUser")];
    let verdict = grade(classes(), "create_todo").await;
    assert_fails_with(&verdict, "tasks()에서 create_todo의 가중치: 1");
    assert_fails_with(&verdict, "task(3, create_todo)");
    // A weight of 0 means the task never runs: the problem is tasks(), not the function body.
    let verdict = grade(classes(), "update_todo").await;
    assert_fails_with(&verdict, "update_todo의 가중치가 0이라 한 번도 실행되지 않아요");
    assert!(
        !verdict.problems.iter().any(|problem| problem.contains("PUT 요청이")),
        "{:#?}",
        verdict.problems
    );
    // The tasks whose weights are right still pass.
    for item in ["list_todos", "get_single_todo", "delete_todo"] {
        assert_eq!(grade(classes(), item).await.status, Status::Passed, "{item}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_stress_users_fail_with_their_reason() {
    let verdict = grade(
        vec![UserClass::of::<wrong::stress_with_oversized_descriptions::StressTestUser>()],
        "stress_user",
    )
    .await;
    assert_fails_with(&verdict, "description 한도는 500자");

    let verdict =
        grade(vec![UserClass::of::<wrong::stress_that_rests_and_reads::StressTestUser>()], "stress_user")
            .await;
    assert_fails_with(&verdict, "0.5초 이하");
    assert_fails_with(&verdict, "생성 외의 요청");
    assert_fails_with(&verdict, "작아요");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_example_is_caught() {
    let verdict = grade(
        vec![UserClass::of::<wrong::create_with_missing_title::Wrong>().named("TodoUser")],
        "create_todo",
    )
    .await;
    assert_fails_with(&verdict, "201이 아니었어요");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_class_is_named() {
    let verdict = grade(vec![UserClass::of::<pristine_todo_user::TodoUser>()], "mixed_workload").await;
    assert_fails_with(&verdict, "MixedWorkloadUser를 찾을 수 없어요");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_spikes_fail_with_their_reason() {
    let verdict = grade_with_shapes(
        Vec::new(),
        vec![ShapeClass::of::<wrong::GentleSpike>().named("SpikeShape")],
        "spike_shape",
    )
    .await;
    assert_fails_with(&verdict, "초당 100명 이상");
    let verdict = grade_with_shapes(
        Vec::new(),
        vec![ShapeClass::of::<wrong::EndlessSpike>().named("SpikeShape")],
        "spike_shape",
    )
    .await;
    assert_fails_with(&verdict, "끝나지 않아요");
    assert_fails_with(&verdict, "평소 부하");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_that_leaves_its_data_behind_fails() {
    let verdict =
        grade(vec![UserClass::of::<wrong::setup_without_teardown::SetupUser>()], "setup_user").await;
    assert_fails_with(&verdict, "지우지 않은 TODO가");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_criteria_are_judged_by_what_they_let_through() {
    assert_eq!(grade_criteria(pristine_release_gate::release_criteria).await.status, Status::NotStarted);
    let verdict = grade_criteria(|| "p95<500ms,fail<0.1%").await;
    assert_fails_with(&verdict, "RPS");
    let verdict = grade_criteria(|| "p95<5s,fail<0.1%,rps>50").await;
    assert_fails_with(&verdict, "p95");
    let verdict = grade_criteria(|| "p95<500ms,fail<0.1%,rps>50,p99<100ms").await;
    assert_fails_with(&verdict, "너무 엄격");
    let verdict = grade_criteria(|| "p95 under 500").await;
    assert_fails_with(&verdict, "기준을 읽을 수 없어요");
}
