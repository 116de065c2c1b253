//! The workbook's checklist: one table of every item a learner can tick, in the guide's order.
//! Each row carries everything any part needs to know about its item — the exercise file and
//! functions, the shipped (pristine) source, the hints, the check that grades it, the lesson
//! that teaches it, its weight in the guide's TodoUser and whether it is part of the guide's
//! locustfile. The grader, `hint`, `reset`, `solution`, `check`, `watch`, the tutor and the
//! progress file all read this table; adding an item is one row here plus its check.

/// How an item gets ticked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A finished example in the exercise file; checked so a learner who breaks it hears about it.
    Example,
    /// Code the learner writes; checked by running it against a fresh lab server.
    Exercise,
    /// A practice (실습) that ticks itself when the learner's own run meets it.
    Practice,
}

/// Which of the grader's checks judges an item (the grader matches on it exhaustively).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    CreateTodo,
    ListTodos,
    GetSingleTodo,
    UpdateTodo,
    DeleteTodo,
    MixedWorkload,
    StressUser,
    SpikeShape,
    SetupUser,
    ReleaseGate,
}

/// One row of the checklist.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    /// Stable id used on the command line (`loadlab check delete_todo`) and in the progress file.
    pub id: &'static str,
    /// Group heading as the guide shows it.
    pub group: &'static str,
    /// One-line Korean description.
    pub title: &'static str,
    pub kind: ItemKind,
    /// The exercise file (under `exercises/` and `solutions/`) and the functions that make up
    /// the item; empty for practices.
    pub file: &'static str,
    pub functions: &'static [&'static str],
    /// The shipped exercise file (`reset` restores the item's functions from it).
    pub pristine: Option<&'static str>,
    /// The item's hints, Markdown from `lessons/hints/`.
    pub hint: Option<&'static str>,
    /// The check that grades it; practices tick themselves instead.
    pub check: Option<Check>,
    /// The lesson (file stem under `lessons/`) that teaches it.
    pub lesson: &'static str,
    /// The task's weight in the guide's TodoUser (`@task(3)` …), which `tasks()` must declare.
    pub todo_user_weight: Option<u32>,
    /// Part of the guide's locustfile: all of these passing is 실습 2.
    pub in_locustfile: bool,
    /// For practices: how the item ticks itself, one Korean sentence or two.
    pub how: Option<&'static str>,
}

/// A code item: its file, functions, pristine source and hints come from its id and file name.
macro_rules! code_item {
    ($kind:ident, $id:literal, $group:literal, $file:literal, [$($function:literal),+], $check:ident, $lesson:literal, $title:literal) => {
        Item {
            id: $id,
            group: $group,
            title: $title,
            kind: ItemKind::$kind,
            file: $file,
            functions: &[$($function),+],
            pristine: Some(include_str!(concat!("grader/pristine/", $file))),
            hint: Some(include_str!(concat!("../lessons/hints/", $id, ".md"))),
            check: Some(Check::$check),
            lesson: $lesson,
            todo_user_weight: None,
            in_locustfile: false,
            how: None,
        }
    };
}

const fn practice(
    id: &'static str,
    group: &'static str,
    lesson: &'static str,
    title: &'static str,
    how: &'static str,
) -> Item {
    Item {
        id,
        group,
        title,
        kind: ItemKind::Practice,
        file: "",
        functions: &[],
        pristine: None,
        hint: None,
        check: None,
        lesson,
        todo_user_weight: None,
        in_locustfile: false,
        how: Some(how),
    }
}

impl Item {
    const fn weighted(self, weight: u32) -> Item {
        Item { todo_user_weight: Some(weight), ..self.locustfile() }
    }

    const fn locustfile(self) -> Item {
        Item { in_locustfile: true, ..self }
    }
}

/// Every checklist item, in the order the guide teaches them.
pub const ITEMS: &[Item] = &[
    code_item!(
        Example,
        "create_todo",
        "TodoUser",
        "todo_user.rs",
        ["create_todo"],
        CreateTodo,
        "05-concepts",
        "TODO 생성 (가중치 3) — 완성된 예시"
    )
    .weighted(3),
    code_item!(
        Example,
        "list_todos",
        "TodoUser",
        "todo_user.rs",
        ["list_todos"],
        ListTodos,
        "05-concepts",
        "목록 조회 (가중치 2) — 완성된 예시"
    )
    .weighted(2),
    code_item!(
        Example,
        "get_single_todo",
        "TodoUser",
        "todo_user.rs",
        ["get_single_todo"],
        GetSingleTodo,
        "05-concepts",
        "개별 조회 (가중치 1) — 완성된 예시"
    )
    .weighted(1),
    code_item!(
        Exercise,
        "update_todo",
        "TodoUser",
        "todo_user.rs",
        ["update_todo"],
        UpdateTodo,
        "06-scenarios",
        "TODO 수정 시나리오 완성하기"
    )
    .weighted(1),
    code_item!(
        Exercise,
        "delete_todo",
        "TodoUser",
        "todo_user.rs",
        ["delete_todo"],
        DeleteTodo,
        "08-practice",
        "TODO 삭제 시나리오 완성하기"
    )
    .weighted(1),
    code_item!(
        Exercise,
        "mixed_workload",
        "추가 시나리오",
        "mixed_workload.rs",
        ["complete_workflow"],
        MixedWorkload,
        "08-practice",
        "MixedWorkloadUser — 생성 3 → 조회 → 완료 처리 → 삭제"
    )
    .locustfile(),
    code_item!(
        Exercise,
        "stress_user",
        "추가 시나리오",
        "stress_user.rs",
        ["wait_time", "create_many_todos"],
        StressUser,
        "08-practice",
        "StressTestUser — 최소 대기, 대량 생성"
    )
    .locustfile(),
    code_item!(
        Exercise,
        "spike_shape",
        "loadlab 추가 과제",
        "spike_shape.rs",
        ["tick"],
        SpikeShape,
        "08-practice",
        "SpikeShape — 평소 → 200명 급증 → 평소 (LoadTestShape)"
    ),
    code_item!(
        Exercise,
        "setup_user",
        "loadlab 추가 과제",
        "setup_user.rs",
        ["on_start", "on_stop"],
        SetupUser,
        "05-concepts",
        "SetupUser — on_start로 준비, on_stop으로 정리"
    ),
    code_item!(
        Exercise,
        "release_gate",
        "loadlab 추가 과제",
        "release_gate.rs",
        ["release_criteria"],
        ReleaseGate,
        "10-real-world",
        "출시 게이트 — CI가 판정할 합격 기준 (p95·실패율·RPS)"
    ),
    practice(
        "bottleneck_hunt",
        "loadlab 추가 과제",
        "09-optimization",
        "병목 찾기 — 수수께끼 병목을 맞히고 개선을 증명 (hunt)",
        "`cargo run --release -- hunt`의 단계를 따라 병목을 맞히고 개선을 증명하면 체크돼요.",
    ),
    practice(
        "practice1",
        "실습",
        "08-practice",
        "실습 1: TodoUser 20명, 초당 5명, 15초, 실패 0%",
        "`cargo run --release -- run TodoUser -u 20 -r 5 -t 15s`(또는 대시보드 `cargo run --release -- web`에서 같은 값)를 실패 0%, 예외 0건으로 마치면 자동으로 체크돼요. \
         todo!()가 남은 update_todo·delete_todo도 예외로 세니, 두 과제를 먼저 끝내세요.",
    ),
    practice(
        "practice2",
        "실습",
        "08-practice",
        "실습 2: locustfile의 모든 항목 완성",
        "`cargo run --release -- check`로 모든 항목이 통과하면 자동으로 체크돼요.",
    ),
    practice(
        "practice3",
        "실습",
        "08-practice",
        "실습 3: 스트레스 테스트로 한계점 찾기",
        "run StressTestUser --shape stress --quick 로 스트레스 테스트를 하고 practice 3 의 질문에 답하면 체크돼요.",
    ),
    practice(
        "practice4",
        "실습",
        "08-practice",
        "실습 4: 부하·스트레스·스파이크 결과 비교",
        "같은 시나리오로 부하·스트레스·스파이크 결과를 모두 남기면 체크돼요.",
    ),
    practice(
        "own_service",
        "loadlab 추가 과제",
        "14-own-service",
        "내 서비스에 적용하기: 가져온 시나리오로 쓰기까지 실패 없이",
        "import로 만든 시나리오(HAR·OpenAPI·접근 로그)를 run으로 실행해서, 쓰기 요청(POST·PUT·PATCH·DELETE)까지 \
         실패 0건, 예외 0건으로 요청 50건 넘게 마치면 자동으로 체크돼요.",
    ),
];

/// Finds an item by id.
pub fn find(id: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|item| item.id == id)
}

/// The items `check` grades by running code, in checklist order.
pub fn graded() -> impl Iterator<Item = &'static Item> {
    ITEMS.iter().filter(|item| item.check.is_some())
}

/// The ids of [`graded`] items.
pub fn graded_ids() -> Vec<&'static str> {
    graded().map(|item| item.id).collect()
}

/// The shipped version of an exercise file.
pub fn pristine(file: &str) -> Option<&'static str> {
    ITEMS.iter().find(|item| item.file == file).and_then(|item| item.pristine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_code_items_carry_their_source_hints_and_check() {
        let mut ids: Vec<&str> = ITEMS.iter().map(|item| item.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ITEMS.len(), "duplicate ids");
        for item in ITEMS {
            let code = item.kind != ItemKind::Practice;
            assert_eq!(item.check.is_some(), code, "{}", item.id);
            assert_eq!(item.hint.is_some(), code, "{}", item.id);
            assert_eq!(item.how.is_some(), !code, "{}", item.id);
            if let Some(source) = item.pristine {
                for function in item.functions {
                    assert!(source.contains(&format!("fn {function}")), "{}: no fn {function}", item.id);
                }
            }
        }
    }

    #[test]
    fn the_todo_user_mix_is_the_guides_three_two_one_one_one() {
        let weights: Vec<(&str, u32)> =
            ITEMS.iter().filter_map(|item| Some((item.id, item.todo_user_weight?))).collect();
        assert_eq!(
            weights,
            [
                ("create_todo", 3),
                ("list_todos", 2),
                ("get_single_todo", 1),
                ("update_todo", 1),
                ("delete_todo", 1)
            ]
        );
    }

    #[test]
    fn every_check_is_used_by_exactly_one_item() {
        let checks: Vec<Check> = graded().filter_map(|item| item.check).collect();
        for (index, check) in checks.iter().enumerate() {
            assert!(!checks[index + 1..].contains(check), "{check:?} twice");
        }
    }
}
