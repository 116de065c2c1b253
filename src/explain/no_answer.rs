//! Requests that got no answer (status 0): the kinds their failure messages name (refused,
//! reset, unknown host, timeout, TLS, redirect loop), and whether none or only some reached the
//! server, which decides the advice — a wrong address, or a server that fell over under load.

use super::metrics::percent;
use super::{Finding, FindingId, Severity};
use crate::engine::RunResult;

/// Failure-message prefixes of requests that got no answer, with a Korean name.
pub(crate) const NO_ANSWER_KINDS: [(&str, &str); 8] = [
    ("ConnectionRefusedError", "연결 거부"),
    ("ConnectionResetError", "연결 끊김"),
    ("NameResolutionError", "호스트 이름을 찾지 못함"),
    ("Timeout", "응답 시간 초과"),
    ("ConnectionError", "연결 실패"),
    ("InvalidURL", "잘못된 주소"),
    ("SSLError", "TLS 인증서·핸드셰이크 실패"),
    ("TooManyRedirects", "리다이렉트 반복"),
];

/// What to do about the kinds that say exactly what went wrong.
const TLS_ADVICE: &str = "https 대상의 인증서를 믿을 수 없었어요: 자체 서명 인증서를 쓰는 실습 대상이면 --insecure, \
     사설 인증 기관이 발급했다면 --ca-cert FILE(PEM)을 붙이세요. 공개 인증서라면 호스트 이름이 인증서와 같은지 확인하세요.";
const REDIRECT_ADVICE: &str = "리다이렉트가 30번 넘게 이어졌어요: 서버의 리다이렉트가 서로를 가리키지 않는지 \
     curl -IL로 따라가 보세요 (끝의 / 하나 차이로 307이 오가는 경우가 많아요).";

/// The no-answer failures by kind (prefix, Korean name, count), most frequent first.
struct Kinds(Vec<(&'static str, &'static str, u64)>);

impl Kinds {
    fn of(result: &RunResult) -> Self {
        let mut kinds: Vec<(&'static str, &'static str, u64)> = Vec::new();
        for error in &result.errors {
            if let Some((prefix, name)) =
                NO_ANSWER_KINDS.iter().find(|(prefix, _)| error.error.starts_with(prefix))
            {
                match kinds.iter_mut().find(|(p, _, _)| p == prefix) {
                    Some(kind) => kind.2 += error.occurrences,
                    None => kinds.push((*prefix, *name, error.occurrences)),
                }
            }
        }
        kinds.sort_by_key(|kind| std::cmp::Reverse(kind.2));
        Self(kinds)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn has(&self, prefix: &str) -> bool {
        self.0.iter().any(|(p, _, _)| *p == prefix)
    }

    /// `연결 거부 8건, 응답 시간 초과 2건`
    fn breakdown(&self) -> String {
        self.0.iter().map(|(_, name, count)| format!("{name} {count}건")).collect::<Vec<_>>().join(", ")
    }
}

pub(super) fn connection_errors(result: &RunResult) -> Option<Finding> {
    let total = &result.total;
    let no_answer = total.status_codes.get(&0).copied().unwrap_or(0);
    if no_answer == 0 {
        return None;
    }
    let kinds = Kinds::of(result);
    let all_failed = no_answer == total.num_requests;
    let mut evidence = vec![share_without_answer(result, no_answer, &kinds)];
    let (title, mut advice) = if all_failed {
        none_reached(result, &kinds, &mut evidence)
    } else {
        some_reached(result, no_answer, &kinds, &mut evidence)
    };
    // These two name their cause whether some requests or all failed: say it first.
    if kinds.has("TooManyRedirects") {
        advice.insert(0, REDIRECT_ADVICE.to_string());
    }
    if kinds.has("SSLError") {
        advice.insert(0, TLS_ADVICE.to_string());
    }
    Some(Finding {
        id: FindingId::ConnectionErrors,
        severity: Severity::Problem,
        title,
        evidence,
        advice,
        names: Vec::new(),
    })
}

/// How many requests got no answer, of how many, and of which kinds.
fn share_without_answer(result: &RunResult, no_answer: u64, kinds: &Kinds) -> String {
    let total = &result.total;
    let mut line = if no_answer == total.num_requests {
        format!("요청 {no_answer}건 전부가 응답을 받지 못했어요 (상태 코드 0)")
    } else {
        format!(
            "요청 {}건 중 {no_answer}건({})이 응답을 받지 못했어요 (상태 코드 0)",
            total.num_requests,
            percent(no_answer as f64 / total.num_requests as f64)
        )
    };
    let breakdown = kinds.breakdown();
    if !breakdown.is_empty() {
        line.push_str(&format!(": {breakdown}."));
    } else {
        line.push('.');
    }
    line
}

/// No request reached the server: the address, the name or the server's absence is wrong.
fn none_reached(result: &RunResult, kinds: &Kinds, evidence: &mut Vec<String>) -> (String, Vec<String>) {
    let host = &result.settings.host;
    let title = format!("모든 요청이 서버에 닿지 못했어요 ({host})");
    evidence.push(format!("대상 호스트: {host}"));
    let mut advice = Vec::new();
    if kinds.has("NameResolutionError") {
        advice.push(format!(
            "호스트 이름을 찾지 못했어요: '{host}'의 철자를 확인하세요. Docker 네트워크의 서비스 이름은 그 네트워크 안에서만 통해요."
        ));
    }
    if kinds.has("ConnectionRefusedError") || kinds.is_empty() {
        advice.push(format!(
            "그 주소에 서버가 떠 있는지 확인하세요: 실습 서버는 `loadlab serve`, 가이드의 앱은 `docker-compose up`. 직접 확인: curl {host}/health"
        ));
    }
    advice.push(
        "-H 주소와 포트를 확인하세요. 부하 생성기가 컨테이너 안에서 돈다면 localhost는 그 컨테이너 자신이에요: \
         서비스 이름(http://fastapi-app:8000)을 쓰세요 (가이드 트러블슈팅 '문제 2: 모든 요청이 실패')."
            .to_string(),
    );
    if kinds.has("Timeout") {
        advice.push("연결은 되는데 응답이 없어요: 서버가 멈췄거나 요청 하나를 끝없이 처리하고 있어요. 서버 로그를 보세요.".to_string());
    }
    (title, advice)
}

/// Earlier requests were answered: the server died or stopped taking connections under load.
fn some_reached(
    result: &RunResult,
    no_answer: u64,
    kinds: &Kinds,
    evidence: &mut Vec<String>,
) -> (String, Vec<String>) {
    let title = format!("요청 {no_answer}건이 응답을 받지 못했어요 (연결 오류)");
    // The history counts all failures per second; it shows when these started only when
    // every failure of the run is one of these.
    if no_answer == result.total.num_failures
        && let Some(point) = result.history.iter().find(|point| point.failures_per_second > 0.0)
    {
        evidence.push(format!(
            "실행 {}초부터 시작됐어요 (그때 사용자 {}명).",
            point.elapsed.round(),
            point.users
        ));
    }
    let mut advice = vec![
        "앞의 요청은 응답을 받았으니 주소는 맞아요: 부하 중에 서버가 죽었거나 연결을 더 받지 못한 거예요 \
         (가이드 트러블슈팅 '문제 3: 테스트 중 서버 다운')."
            .to_string(),
        "서버 로그를 확인하세요 (loadlab serve 화면, docker-compose logs fastapi-app).".to_string(),
        "서버 자원(docker stats의 CPU·메모리)과 DB 연결 수, 커넥션 풀 크기를 확인하세요.".to_string(),
    ];
    if kinds.has("Timeout") {
        advice.push("응답 시간 초과는 서버가 요청을 받고도 제때 끝내지 못했다는 뜻이에요: 응답 시간 추세와 함께 보세요.".to_string());
    }
    (title, advice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::result::ErrorRow;
    use crate::explain::testing::{endpoint, result};

    #[test]
    fn tls_and_redirect_failures_are_named_with_their_fix() {
        let row = endpoint("GET", "/health", 10, 10, 1.0);
        let mut total = row.clone();
        total.status_codes = [(0, 10)].into_iter().collect();
        let mut run = result(vec![row], total);
        run.errors = vec![
            ErrorRow {
                method: "GET".into(),
                name: "/health".into(),
                error: "SSLError: 인증서를 믿을 수 없어요".into(),
                occurrences: 6,
            },
            ErrorRow {
                method: "GET".into(),
                name: "/health".into(),
                error: "TooManyRedirects: 리다이렉트가 너무 많아요 (30번 넘게)".into(),
                occurrences: 4,
            },
        ];
        let finding = connection_errors(&run).expect("a finding");
        assert!(finding.evidence[0].contains("TLS 인증서·핸드셰이크 실패 6건"), "{:?}", finding.evidence);
        assert!(finding.evidence[0].contains("리다이렉트 반복 4건"), "{:?}", finding.evidence);
        assert!(finding.advice[0].contains("--insecure") && finding.advice[0].contains("--ca-cert"));
        assert!(finding.advice[1].contains("curl -IL"));
    }
}
