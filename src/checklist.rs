//! The workbook's checklist: one table of every item a learner can tick, in the guide's order.
//! The grader checks these items; the tutor and `loadlab progress` show them.

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
}

use ItemKind::*;

/// Every checklist item, in the order the guide teaches them.
#[rustfmt::skip]
pub const ITEMS: &[Item] = &[
    Item { id: "create_todo",     group: "TodoUser",      kind: Example,  file: "todo_user.rs",      functions: &["create_todo"],     title: "TODO 생성 (가중치 3) — 완성된 예시" },
    Item { id: "list_todos",      group: "TodoUser",      kind: Example,  file: "todo_user.rs",      functions: &["list_todos"],      title: "목록 조회 (가중치 2) — 완성된 예시" },
    Item { id: "get_single_todo", group: "TodoUser",      kind: Example,  file: "todo_user.rs",      functions: &["get_single_todo"], title: "개별 조회 (가중치 1) — 완성된 예시" },
    Item { id: "update_todo",     group: "TodoUser",      kind: Exercise, file: "todo_user.rs",      functions: &["update_todo"],     title: "TODO 수정 시나리오 완성하기" },
    Item { id: "delete_todo",     group: "TodoUser",      kind: Exercise, file: "todo_user.rs",      functions: &["delete_todo"],     title: "TODO 삭제 시나리오 완성하기" },
    Item { id: "mixed_workload",  group: "추가 시나리오", kind: Exercise, file: "mixed_workload.rs", functions: &["complete_workflow"], title: "MixedWorkloadUser — 생성 3 → 조회 → 완료 처리 → 삭제" },
    Item { id: "stress_user",     group: "추가 시나리오", kind: Exercise, file: "stress_user.rs",    functions: &["wait_time", "create_many_todos"], title: "StressTestUser — 최소 대기, 대량 생성" },
    Item { id: "spike_shape",     group: "loadlab 추가 과제", kind: Exercise, file: "spike_shape.rs", functions: &["tick"], title: "SpikeShape — 평소 → 200명 급증 → 평소 (LoadTestShape)" },
    Item { id: "setup_user",      group: "loadlab 추가 과제", kind: Exercise, file: "setup_user.rs",  functions: &["on_start", "on_stop"], title: "SetupUser — on_start로 준비, on_stop으로 정리" },
    Item { id: "release_gate",    group: "loadlab 추가 과제", kind: Exercise, file: "release_gate.rs", functions: &["release_criteria"], title: "출시 게이트 — CI가 판정할 합격 기준 (p95·실패율·RPS)" },
    Item { id: "bottleneck_hunt", group: "loadlab 추가 과제", kind: Practice, file: "", functions: &[], title: "병목 찾기 — 수수께끼 병목을 맞히고 개선을 증명 (hunt)" },
    Item { id: "practice1",       group: "실습",          kind: Practice, file: "", functions: &[], title: "실습 1: TodoUser 20명, 초당 5명, 15초, 실패 0%" },
    Item { id: "practice2",       group: "실습",          kind: Practice, file: "", functions: &[], title: "실습 2: locustfile의 모든 항목 완성" },
    Item { id: "practice3",       group: "실습",          kind: Practice, file: "", functions: &[], title: "실습 3: 스트레스 테스트로 한계점 찾기" },
    Item { id: "practice4",       group: "실습",          kind: Practice, file: "", functions: &[], title: "실습 4: 부하·스트레스·스파이크 결과 비교" },
];

/// Finds an item by id.
pub fn find(id: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|item| item.id == id)
}
