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
}

use ItemKind::*;

/// Every checklist item, in the order the guide teaches them.
pub const ITEMS: &[Item] = &[
    Item {
        id: "create_todo", group: "TodoUser", title: "TODO 생성 (가중치 3) — 완성된 예시", kind: Example
    },
    Item {
        id: "list_todos",
        group: "TodoUser",
        title: "리스트 조회 (가중치 2) — 완성된 예시",
        kind: Example,
    },
    Item {
        id: "get_single_todo",
        group: "TodoUser",
        title: "개별 조회 (가중치 1) — 완성된 예시",
        kind: Example,
    },
    Item {
        id: "update_todo", group: "TodoUser", title: "TODO 수정 시나리오 완성하기", kind: Exercise
    },
    Item {
        id: "delete_todo", group: "TodoUser", title: "TODO 삭제 시나리오 완성하기", kind: Exercise
    },
    Item {
        id: "mixed_workload",
        group: "추가 시나리오",
        title: "MixedWorkloadUser — 생성 3 → 조회 → 완료 처리 → 삭제",
        kind: Exercise,
    },
    Item {
        id: "stress_user",
        group: "추가 시나리오",
        title: "StressTestUser — 최소 대기, 대량 생성",
        kind: Exercise,
    },
    Item {
        id: "practice1",
        group: "실습",
        title: "실습 1: TodoUser 20명, 초당 5명, 15초, 실패 0%",
        kind: Practice,
    },
    Item {
        id: "practice2", group: "실습", title: "실습 2: locustfile의 모든 항목 완성", kind: Practice
    },
    Item {
        id: "practice3", group: "실습", title: "실습 3: 스트레스 테스트로 한계점 찾기", kind: Practice
    },
    Item {
        id: "practice4",
        group: "실습",
        title: "실습 4: 부하·스트레스·스파이크 결과 비교",
        kind: Practice,
    },
];

/// Finds an item by id.
pub fn find(id: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|item| item.id == id)
}
