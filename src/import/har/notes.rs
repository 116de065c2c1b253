//! The Korean notes a recording's scenario opens with: what was taken and what was left out
//! (and why), how the requests became tasks, the wait time, and what to review before a run.

use std::collections::BTreeMap;

use crate::import::Wait;

/// What the import did, as the notes tell it.
pub(super) struct Summary<'a> {
    pub host: &'a str,
    pub taken: usize,
    pub recorded: usize,
    pub dropped_static: usize,
    pub other_hosts: &'a BTreeMap<String, usize>,
    pub internal: usize,
    pub correlated: bool,
    pub wait: Option<Wait>,
    pub dropped_cookies: bool,
    pub credentials: &'a [String],
    pub replayed: &'a [String],
    pub skipped: &'a [String],
}

pub(super) fn notes(summary: &Summary) -> Vec<String> {
    let mut notes = vec![
        format!(
            "브라우저 기록에서 {}의 요청 {}개를 가져왔어요 (기록 전체 {}개).",
            summary.host, summary.taken, summary.recorded
        ),
        format!("뺀 것: {}.", left_out(summary).join("; ")),
        grouping(summary.correlated).to_string(),
        wait(summary.wait, summary.correlated),
        "경로는 상대 경로라서 실행의 -H가 대상을 정해요. 검토할 것: 인증 정보, 테스트 데이터(운영 데이터에 섞이지 않게), 가중치.".to_string(),
    ];
    notes.extend(review(summary));
    notes
}

fn left_out(summary: &Summary) -> Vec<String> {
    let mut dropped = Vec::new();
    if summary.dropped_static > 0 {
        dropped.push(format!("정적 파일(스크립트·스타일시트·이미지·글꼴·미디어) {}개: 부하 테스트는 API를 재요, CDN이 맡는 파일은 빼요", summary.dropped_static));
    }
    if !summary.other_hosts.is_empty() {
        let hosts: Vec<String> =
            summary.other_hosts.iter().map(|(host, count)| format!("{host} {count}개")).collect();
        dropped.push(format!(
            "다른 호스트의 요청({}): 내 서비스가 아닌 곳에는 부하를 걸지 않아요",
            hosts.join(", ")
        ));
    }
    if summary.internal > 0 {
        dropped.push(format!(
            "브라우저 내부 요청(CORS 사전 요청, data:·chrome-extension: 주소) {}개",
            summary.internal
        ));
    }
    dropped.push("브라우저가 스스로 붙이는 헤더(User-Agent, Accept-*, Sec-*, Referer, Cookie …)".to_string());
    dropped
}

fn grouping(correlated: bool) -> &'static str {
    if correlated {
        "응답에서 받은 값(JSON의 id, Location 헤더, 토큰)을 뒤의 요청이 쓰기 때문에, 기록된 순서를 지키는 작업 하나(recorded_flow)로 만들었어요. 값은 실행할 때 응답에서 읽어요(기록된 값을 그대로 보내지 않아요). 로그인처럼 한 번이면 되는 요청도 바퀴마다 다시 보내니, 그런 요청은 on_start로 옮기세요."
    } else {
        "요청끼리 주고받는 값이 없어, 엔드포인트마다 작업 하나로 나누고 기록된 횟수를 가중치로 썼어요."
    }
}

fn wait(wait: Option<Wait>, correlated: bool) -> String {
    match (wait, correlated) {
        (Some(wait), true) => format!(
            "대기 시간: 흐름 한 바퀴의 요청은 이어서 보내고, 기록에서 요청 사이에 쉰 시간을 모두 더한 만큼(약 {:.1}초) 바퀴 사이에 쉬어요. 요청이 몰려 나가지만, 사용자 한 명이 1분에 보내는 요청 수는 기록과 같아요.",
            (wait.min + wait.max) / 2.0
        ),
        (Some(wait), false) => {
            format!(
                "대기 시간: 기록된 요청 사이의 쉬는 시간(최소 {:.1}초, 최대 {:.1}초)이에요.",
                wait.min, wait.max
            )
        }
        (None, _) => "대기 시간: 기록에 쉬는 시간이 없어 가이드의 between(1, 3)을 썼어요.".to_string(),
    }
}

/// What the user must look at: dropped cookies, recorded credentials, replayed ids, and the
/// requests that could not be taken.
fn review(summary: &Summary) -> Vec<String> {
    let mut notes = Vec::new();
    if summary.dropped_cookies {
        notes.push(
            "기록의 Cookie 헤더는 뺐어요: 로그인 응답이 주는 쿠키는 loadlab이 사용자마다 저장해서 보내요."
                .to_string(),
        );
    }
    if !summary.credentials.is_empty() {
        notes.push(format!(
            "주의: 기록된 인증 값이 그대로 들어 있어요 ({}). 테스트 계정의 값으로 바꾸고, 이 파일을 공개 저장소에 올리지 마세요.",
            summary.credentials.join(", ")
        ));
    }
    if !summary.replayed.is_empty() {
        let mut replayed = summary.replayed.to_vec();
        replayed.dedup();
        notes.push(format!(
            "검토: 다음 경로의 id는 응답에서 온 값이 아니라 기록 때의 값 그대로예요. 새 서버에서는 없을 수 있어요: {}.",
            replayed.join(", ")
        ));
    }
    if !summary.skipped.is_empty() {
        notes.push(format!("가져오지 못한 요청: {}.", summary.skipped.join("; ")));
    }
    notes
}
