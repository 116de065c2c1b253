//! 실습 4's table: the guide's comparison of load, stress and spike tests (users, spawn rate,
//! duration, purpose), filled with what each run of the same scenario measured.

use std::fmt::Write as _;

use crate::engine::RunResult;
use crate::text::{format_ms, pad};

/// The kind of test a run was, from its shape, and what the guide says it is for.
pub fn kind_and_purpose(result: &RunResult) -> (String, &'static str) {
    let shape = result.settings.shape.clone().unwrap_or_default();
    let kind = shape.split_whitespace().next().unwrap_or("");
    let purpose = match kind {
        "load" => "정상 성능: 예상 트래픽에서 잘 동작하는가",
        "stress" => "한계 파악: 언제 무너지는가",
        "spike" => "급증 대응: 갑작스러운 폭증을 버티고 회복하는가",
        "soak" => "장시간 안정성: 누수·성능 저하가 없는가",
        "" => "고정 부하",
        _ => "사용자 지정 모양",
    };
    let label = match kind {
        "load" => "부하 테스트".to_string(),
        "stress" => "스트레스 테스트".to_string(),
        "spike" => "스파이크 테스트".to_string(),
        "soak" => "내구성 테스트".to_string(),
        "" => "일반 실행".to_string(),
        _ => shape,
    };
    (label, purpose)
}

const HEADER: [&str; 13] = [
    "시나리오",
    "사용자",
    "투입 속도",
    "시간",
    "요청 수",
    "RPS",
    "최대 RPS",
    "중앙값",
    "p95",
    "p99",
    "실패율",
    "포화(명)",
    "목표 통과?",
];

/// The table, one row per run, aligned by display width.
pub fn render(runs: &[(String, RunResult)]) -> String {
    let mut rows: Vec<Vec<String>> = vec![HEADER.iter().map(|h| h.to_string()).collect()];
    let mut purposes = Vec::new();
    for (file, result) in runs {
        let (label, purpose) = kind_and_purpose(result);
        purposes.push(format!("{label} ({file}): {purpose}"));
        rows.push(row(label, result));
    }
    let mut out = String::from("실습 4: 시나리오 비교 (같은 시나리오, 다른 부하 모양)\n");
    out.push_str(&aligned(&rows));
    {
        use crate::explain::metrics::{FAILURE_TARGET, MEDIAN_TARGET_MS, P95_TARGET_MS, P99_TARGET_MS};
        let _ = writeln!(
            out,
            "\n목표 통과?: 가이드의 목표(중앙값 < {MEDIAN_TARGET_MS}ms, p95 < {P95_TARGET_MS}ms, p99 < {P99_TARGET_MS}ms, \
             실패율 < {}%)를 모두 지켰는지, 어겼다면 어긴 지표",
            FAILURE_TARGET * 100.0
        );
    }
    out.push_str("\n목적\n");
    for purpose in purposes {
        let _ = writeln!(out, "  • {purpose}");
    }
    out
}

/// One run's cells, in [`HEADER`]'s order.
fn row(label: String, result: &RunResult) -> Vec<String> {
    let total = &result.total;
    let spawn = if result.settings.spawn_rate > 0.0 {
        format!("{}", result.settings.spawn_rate)
    } else {
        "모양대로".into()
    };
    let peak_rps = result
        .history
        .iter()
        .map(|point| point.requests_per_second)
        .fold(total.requests_per_second, f64::max);
    let explanation = crate::explain::explain(result);
    let missed: Vec<&str> = explanation.missed_targets().iter().map(|metric| metric.id).collect();
    let goals =
        if missed.is_empty() { "✅ 통과".to_string() } else { format!("❌ {}", missed.join(",")) };
    let saturation = crate::explain::saturation::find(result)
        .and_then(|s| s.throughput_plateau.map(|p| p.users.to_string()))
        .unwrap_or_else(|| "-".into());
    vec![
        label,
        result.settings.users.to_string(),
        spawn,
        format!("{:.0}초", result.duration),
        total.num_requests.to_string(),
        format!("{:.1}", total.requests_per_second),
        format!("{peak_rps:.1}"),
        format!("{}ms", format_ms(total.median_response_time)),
        format!("{}ms", format_ms(total.percentile(0.95))),
        format!("{}ms", format_ms(total.percentile(0.99))),
        format!("{:.2}%", total.failure_ratio() * 100.0),
        saturation,
        goals,
    ]
}

/// The rows with each column as wide as its widest cell, the first left-aligned, a dashed line
/// under the header.
fn aligned(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|column| {
            rows.iter()
                .map(|row| unicode_width::UnicodeWidthStr::width(row[column].as_str()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (index, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| pad(cell, *width, column == 0))
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
        if index == 0 {
            let _ =
                writeln!(out, "  {}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
        }
    }
    out
}
