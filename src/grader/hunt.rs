//! The bottleneck hunt's proof (`hunt prove BEFORE AFTER`): the "before" run hit the secret
//! bottleneck and shows its evidence, the "after" run hit a server without it and the evidence
//! is gone. Each bottleneck is judged by what it leaves behind ([`crate::explain::hunt`]):
//! a fix of bytes or memory need not move latency, so latency alone cannot prove it.

use crate::engine::RunResult;
use crate::explain::hunt::{Trace, against_secret, figure, starting_todos, trace};
use crate::server::Bottleneck;

/// The verdict and the Korean lines that explain it.
#[derive(Debug)]
pub struct Proof {
    pub proved: bool,
    pub lines: Vec<String>,
}

const NO_SERVER_DATA: &str = "에 실습 서버의 지표가 없어요: loadlab 실습 서버(serve)를 -H로 가리켜, \
요청이 수십 건 넘게 나오도록 실행한 결과여야 해요.";

/// Judges the hunt's two runs against the secret `bottleneck`.
pub fn judge(before: &RunResult, after: &RunResult, bottleneck: Bottleneck) -> Proof {
    let name = bottleneck.name();
    let fail = |line: String| Proof { proved: false, lines: vec![line] };
    if !against_secret(before) {
        return fail(
            "before.json은 수수께끼 병목이 켜진 서버에서 남긴 결과가 아니에요: \
             serve --bottleneck mystery로 띄운 서버에 부하를 걸어 before.json을 남기세요."
                .to_string(),
        );
    }
    if against_secret(after) {
        return fail(
            "after.json도 수수께끼 병목이 켜진 서버에서 남긴 결과예요: 그 서버를 멈추고 병목 없이 다시 띄운 뒤 \
             (serve --in-memory) 같은 부하로 after.json을 남기세요."
                .to_string(),
        );
    }
    let (seen_before, seen_after) = match (trace(before, bottleneck), trace(after, bottleneck)) {
        (Trace::NoServerData, _) => return fail(format!("before.json{NO_SERVER_DATA}")),
        (_, Trace::NoServerData) => return fail(format!("after.json{NO_SERVER_DATA}")),
        (before, after) => (before, after),
    };
    let (label, before_value) = figure(before, bottleneck).unwrap_or_default();
    let (_, after_value) = figure(after, bottleneck).unwrap_or_default();
    let mut lines = vec![format!("{name}의 흔적 — {label}: before {before_value} → after {after_value}")];
    if let (Some(start_before), Some(start_after)) = (starting_todos(before), starting_todos(after))
        && start_after > start_before + 100.max(start_before / 2)
    {
        lines.push(format!(
            "참고: after는 before보다 데이터가 많은 상태에서 시작했어요 (TODO {start_before}개 → {start_after}개). \
             판정은 요청 1건당 숫자로 하니 괜찮지만, 두 실행을 같은 데이터에서 시작하려면 서버를 serve --in-memory로 띄우세요."
        ));
    }
    let proved = match (seen_before, seen_after) {
        (Trace::Seen(_), Trace::NotSeen) => {
            lines.push(format!("✅ before에 있던 {name}의 흔적이 after에서는 사라졌어요."));
            true
        }
        (Trace::NotSeen, _) => {
            lines.push(format!(
                "❌ before.json에서 {name}의 흔적이 뚜렷하지 않아요: 사용자를 늘리거나 더 오래 실행해 before.json을 다시 남겨 보세요 \
                 (예: -u 30 -t 60s)."
            ));
            false
        }
        _ => {
            lines.push(format!(
                "❌ after.json에도 {name}의 흔적이 그대로예요: after.json은 병목 없이 다시 띄운 서버(serve --in-memory)에서 남겨야 해요."
            ));
            false
        }
    };
    Proof { proved, lines }
}
