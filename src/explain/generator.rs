//! Findings about the load generator rather than the server: request names that exploded
//! past the statistics' limit, fixed-rate users whose measured times hide the wait the server
//! caused (coordinated omission), and a generator that ran out of CPU. Each reads only what
//! the run recorded ([`crate::engine::stats::GeneratorNotes`] and the corrected times).

use super::metrics::ms;
use super::{Finding, FindingId, Severity};
use crate::engine::RunResult;
use crate::engine::console::name_limit_message;

/// The corrected p95 must exceed the measured one by this share …
const CORRECTED_MIN_RATIO: f64 = 1.1;
/// … and by this many ms, for the difference to be worth a finding.
const CORRECTED_MIN_GAP_MS: f64 = 5.0;

pub(crate) fn all(result: &RunResult) -> Vec<Finding> {
    [name_explosion(result), coordinated_omission(result), generator_saturated(result)]
        .into_iter()
        .flatten()
        .collect()
}

fn name_explosion(result: &RunResult) -> Option<Finding> {
    let limit = result.generator.name_limit.as_ref()?;
    let mut evidence = vec![format!(
        "요청 이름이 {}개를 넘어서, 그 뒤의 요청 {}건은 이름마다 줄을 만들지 않고 '{}' 한 줄에 모았어요.",
        limit.limit,
        limit.overflow_requests,
        crate::engine::stats::OVERFLOW_NAME
    )];
    if !limit.examples.is_empty() {
        evidence.push(format!("한 줄에 모인 이름의 예: {}", limit.examples.join(", ")));
    }
    Some(Finding {
        id: FindingId::NameExplosion,
        severity: Severity::Warning,
        title: "요청 이름이 폭발하고 있어요: 이름마다 통계 줄이 생겨요".to_string(),
        evidence,
        advice: vec![
            name_limit_message(),
            "이름이 하나로 묶여야 엔드포인트별 응답 시간과 실패율을 비교할 수 있어요 (Locust도 같은 경고를 해요)."
                .to_string(),
        ],
        names: Vec::new(),
    })
}

fn coordinated_omission(result: &RunResult) -> Option<Finding> {
    let corrected = result.total.corrected_if_different()?;
    let (measured_p95, corrected_p95) = (result.total.percentile(0.95), corrected.percentile(0.95));
    if corrected_p95 < measured_p95 * CORRECTED_MIN_RATIO
        || corrected_p95 - measured_p95 < CORRECTED_MIN_GAP_MS
    {
        return None;
    }
    let names = result
        .stats
        .iter()
        .filter(|row| {
            row.corrected_if_different()
                .is_some_and(|c| c.percentile(0.95) >= row.percentile(0.95) * CORRECTED_MIN_RATIO)
        })
        .map(|row| row.name.clone())
        .collect();
    Some(Finding {
        id: FindingId::CoordinatedOmission,
        severity: Severity::Warning,
        title: format!(
            "고정 속도로 보내야 할 요청이 늦게 나갔어요: 사용자가 느낀 p95는 {}가 아니라 {}예요",
            ms(measured_p95),
            ms(corrected_p95)
        ),
        evidence: vec![
            format!(
                "서버가 응답하는 데 걸린 시간은 p95 {}, 평균 {}였어요.",
                ms(measured_p95),
                ms(result.total.avg_response_time)
            ),
            format!(
                "요청을 보냈어야 할 시각부터 재면 p95 {}, 평균 {}예요. 앞 요청이 늦게 끝나서 다음 요청이 그만큼 늦게 출발했어요.",
                ms(corrected_p95),
                ms(corrected.avg_response_time)
            ),
        ],
        advice: vec![
            "이것을 coordinated omission이라고 해요: 닫힌 루프(closed-loop) 생성기는 느린 응답을 기다리느라 그동안 보냈어야 할 \
             요청을 보내지 못하고, 그래서 가장 나쁜 순간을 적게 재요. 서버가 느려질수록 측정값이 실제보다 좋아 보여요."
                .to_string(),
            "'의도한 시작부터' 잰 값은 정해진 속도로 요청이 오는 실제 서비스(열린 모델)에서 사용자가 기다렸을 시간에 더 가까워요. \
             목표(p95 등)와 비교할 때는 이 값을 보세요."
                .to_string(),
            "두 값이 벌어진다면 서버가 이 속도를 감당하지 못한다는 뜻이에요: 속도(constant_throughput)를 낮추거나 서버의 병목을 찾아보세요."
                .to_string(),
        ],
        names,
    })
}

fn generator_saturated(result: &RunResult) -> Option<Finding> {
    let overload = result.generator.cpu_overload.as_ref()?;
    Some(Finding {
        id: FindingId::GeneratorSaturated,
        severity: Severity::Warning,
        title: "부하 생성기의 CPU가 한계였어요: 측정값이 서버가 아니라 생성기의 것일 수 있어요".to_string(),
        evidence: vec![format!(
            "실행 {:.0}초부터 loadlab이 쓸 수 있는 CPU({}코어)의 90%를 넘게 썼어요 (최고 {:.0}%, {}초 동안).",
            overload.first_at, overload.cores, overload.peak_percent, overload.seconds_over
        )],
        advice: vec![
            "생성기가 바쁘면 요청을 늦게 보내고 응답을 늦게 읽어요. 그 지연이 응답 시간에 섞이고 처리량은 생성기에서 막혀요."
                .to_string(),
            "사용자 수를 줄이거나, 대기 시간을 늘리거나, 서버와 다른 컴퓨터에서 부하를 만들어 다시 재 보세요 (Locust도 같은 경고를 해요)."
                .to_string(),
        ],
        names: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stats::{CorrectedTimes, CpuOverload, NameLimit, Percentile};
    use crate::explain::testing::{endpoint, result};

    fn run() -> RunResult {
        let row = endpoint("GET", "/todos/", 5000, 0, 10.0);
        let mut total = row.clone();
        total.method = String::new();
        total.name = "Aggregated".to_string();
        result(vec![row], total)
    }

    fn corrected(scale: f64, row: &crate::engine::stats::EndpointStats) -> CorrectedTimes {
        CorrectedTimes {
            avg_response_time: row.avg_response_time * scale,
            max_response_time: row.max_response_time * scale,
            median_response_time: row.median_response_time * scale,
            percentiles: row
                .percentiles
                .iter()
                .map(|p| Percentile { quantile: p.quantile, response_time: p.response_time * scale })
                .collect(),
        }
    }

    #[test]
    fn a_plain_run_has_no_generator_finding() {
        assert!(all(&run()).is_empty());
    }

    #[test]
    fn exploding_names_are_explained_with_the_name_fix() {
        let mut result = run();
        result.generator.name_limit =
            Some(NameLimit { limit: 500, overflow_requests: 1234, examples: vec!["/todos/501".to_string()] });
        let finding = all(&result).into_iter().next().expect("a finding");
        assert_eq!(finding.id, FindingId::NameExplosion);
        assert!(finding.evidence[0].contains("1234건"), "{:?}", finding.evidence);
        assert!(finding.advice[0].contains(".name(\"/todos/{id}\")"), "{:?}", finding.advice);
        assert!(crate::explain::explain(&result).ids().contains(&"name-explosion"));
    }

    #[test]
    fn coordinated_omission_is_explained_when_the_corrected_times_are_worse() {
        let mut result = run();
        result.total.corrected = Some(corrected(3.0, &result.total));
        result.stats[0].corrected = Some(corrected(3.0, &result.stats[0]));
        let finding = all(&result).into_iter().next().expect("a finding");
        assert_eq!(finding.id, FindingId::CoordinatedOmission);
        assert!(finding.advice[0].contains("coordinated omission"));
        assert_eq!(finding.names, vec!["/todos/".to_string()]);
        // On time: the same figures, nothing to say.
        result.total.corrected = Some(corrected(1.0, &result.total));
        assert!(all(&result).is_empty());
    }

    #[test]
    fn a_saturated_generator_is_explained() {
        let mut result = run();
        result.generator.cpu_overload =
            Some(CpuOverload { first_at: 12.0, peak_percent: 97.0, seconds_over: 8, cores: 2 });
        let finding = all(&result).into_iter().next().expect("a finding");
        assert_eq!(finding.id, FindingId::GeneratorSaturated);
        assert!(finding.title.contains("생성기"));
        assert!(finding.evidence[0].contains("2코어"));
        assert!(!crate::explain::explain(&result).healthy);
    }
}
