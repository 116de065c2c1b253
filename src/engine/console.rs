//! Locust's console tables — request statistics, response-time percentiles, failures and
//! exceptions — rendered from a [`RunResult`] in Korean, aligned by display width (Hangul is
//! two columns wide), so names like `/todos/ [POST - 생성]` line up.

use colored::Colorize;

use crate::text::Table;
use crate::text::{format_ms, percent_label, truncate};

use super::runner::Notice;
use super::stats::{EndpointStats, ErrorRow, ExceptionRow, HistoryPoint, MAX_NAMES, PERCENTILES, RunResult};

const NAME_MAX_WIDTH: usize = 56;

fn failures_cell(stats: &EndpointStats) -> String {
    format!("{}({:.2}%)", stats.num_failures, stats.failure_ratio() * 100.0)
}

/// The request statistics table (Locust's first table).
pub fn request_table(rows: &[EndpointStats], total: &EndpointStats) -> String {
    let mut table = Table::new(
        vec!["종류", "이름", "요청 수", "실패(비율)", "평균", "최소", "최대", "중앙값", "req/s", "실패/s"],
        vec![true, true, false, false, false, false, false, false, false, false],
        vec![3, 7],
    );
    let cells = |stats: &EndpointStats| {
        vec![
            stats.method.clone(),
            truncate(&stats.name, NAME_MAX_WIDTH),
            stats.num_requests.to_string(),
            failures_cell(stats),
            format_ms(stats.avg_response_time),
            format_ms(stats.min_response_time),
            format_ms(stats.max_response_time),
            format_ms(stats.median_response_time),
            format!("{:.2}", stats.requests_per_second),
            format!("{:.2}", stats.failures_per_second),
        ]
    };
    for stats in rows {
        table.row(cells(stats));
    }
    table.rule();
    table.row(cells(total));
    format!("{}\n{}", "요청 통계 (응답 시간 단위: ms)".bold(), table.render())
}

/// The percentile table's heading for `result`: this engine's percentiles are within 0.1 % of
/// the recorded value (three significant digits, HDR buckets: see `histogram`); a Locust CSV's
/// are Locust's, rounded before counting, and its median column is clamped between min and max.
pub fn percentile_heading(result: &RunResult) -> &'static str {
    if result.from_locust_csv() { PERCENTILE_HEADING_LOCUST } else { PERCENTILE_HEADING }
}

const PERCENTILE_HEADING: &str = "응답 시간 백분위 (ms, 오차 0.1% 이내)";
const PERCENTILE_HEADING_LOCUST: &str = "응답 시간 백분위 (ms, Locust가 반올림한 값)\n\
Locust는 응답 시간을 반올림해서 모아요: 100ms 미만은 1ms 단위, 1000ms 미만은 10ms 단위, 그 위는 100ms 단위예요. \
그래서 0.5ms 이하의 아주 빠른 응답은 0으로 보여요. 요청 통계표의 중앙값은 Locust가 최소·최대 응답 시간 사이로 맞춘 값이라, \
아래 50% 열과 다를 수 있어요.";

/// The response-time percentile table under `heading` ([`percentile_heading`]).
pub fn percentile_table(rows: &[EndpointStats], total: &EndpointStats, heading: &str) -> String {
    let mut header = vec!["종류", "이름"];
    let labels: Vec<String> = PERCENTILES.iter().map(|q| percent_label(*q)).collect();
    header.extend(labels.iter().map(String::as_str));
    header.push("요청 수");
    let columns = header.len();
    let mut left = vec![false; columns];
    left[0] = true;
    left[1] = true;
    let mut table = Table::new(header, left, vec![1, columns - 2]);
    let cells = |stats: &EndpointStats| {
        let mut row = vec![stats.method.clone(), truncate(&stats.name, NAME_MAX_WIDTH)];
        row.extend(stats.percentiles.iter().map(|p| format_ms(p.response_time)));
        row.push(stats.num_requests.to_string());
        row
    };
    for stats in rows {
        table.row(cells(stats));
    }
    table.rule();
    table.row(cells(total));
    let (title, note) = heading.split_once('\n').unwrap_or((heading, ""));
    let note = if note.is_empty() { String::new() } else { format!("{note}\n") };
    format!("{}\n{note}{}", title.bold(), table.render())
}

/// The percentiles measured from each request's intended start, for the rows where they differ
/// from the measured ones (fixed-rate users whose tasks ran late); `None` when no row differs.
pub fn corrected_table(rows: &[EndpointStats], total: &EndpointStats) -> Option<String> {
    let differing: Vec<&EndpointStats> =
        rows.iter().filter(|row| row.corrected_if_different().is_some()).collect();
    let total_corrected = total.corrected_if_different()?;
    let mut header = vec!["종류", "이름", "기준"];
    let labels: Vec<String> = [0.5, 0.95, 0.99, 1.0].iter().map(|q| percent_label(*q)).collect();
    header.extend(labels.iter().map(String::as_str));
    header.push("평균");
    let columns = header.len();
    let mut left = vec![false; columns];
    left[..3].fill(true);
    let mut table = Table::new(header, left, vec![2]);
    fn add(table: &mut Table, stats: &EndpointStats, corrected: &super::stats::CorrectedTimes) {
        let name = truncate(&stats.name, NAME_MAX_WIDTH);
        let mut measured = vec![stats.method.clone(), name, "응답 시간".to_string()];
        let mut intended = vec![String::new(), String::new(), "의도한 시작부터".to_string()];
        for q in [0.5, 0.95, 0.99, 1.0] {
            measured.push(format_ms(stats.percentile(q)));
            intended.push(format_ms(corrected.percentile(q)));
        }
        measured.push(format_ms(stats.avg_response_time));
        intended.push(format_ms(corrected.avg_response_time));
        table.row(measured);
        table.row(intended);
    }
    for row in differing {
        if let Some(corrected) = row.corrected_if_different() {
            add(&mut table, row, corrected);
        }
    }
    table.rule();
    add(&mut table, total, total_corrected);
    Some(format!("{}\n{}", CORRECTED_TITLE.bold(), table.render()))
}

const CORRECTED_TITLE: &str =
    "고정 속도 사용자의 응답 시간 (ms): 실제로 보낸 시각부터 잰 시간 vs 요청을 보냈어야 할 시각부터 잰 시간";

/// The failures table, grouped by method, name and message.
pub fn error_table(errors: &[ErrorRow]) -> String {
    let mut table = Table::new(vec!["횟수", "종류", "이름", "오류"], vec![false, true, true, true], vec![0]);
    for error in errors {
        table.row(vec![
            error.occurrences.to_string(),
            error.method.clone(),
            truncate(&error.name, NAME_MAX_WIDTH),
            error.error.clone(),
        ]);
    }
    format!("{}\n{}", "실패 (Failures)".bold().red(), table.render())
}

/// The exceptions table: panics inside tasks, with where they happened.
pub fn exception_table(exceptions: &[ExceptionRow]) -> String {
    let mut table = Table::new(
        vec!["횟수", "사용자 클래스", "작업", "메시지", "위치"],
        vec![false, true, true, true, true],
        vec![0],
    );
    for exception in exceptions {
        table.row(vec![
            exception.count.to_string(),
            exception.user_class.clone(),
            exception.task.clone(),
            truncate(&exception.message.replace('\n', " "), 60),
            exception.location.clone(),
        ]);
    }
    format!("{}\n{}", "예외 (작업 안에서 난 패닉)".bold().red(), table.render())
}

/// One line: what happened in numbers.
pub fn headline(result: &RunResult) -> String {
    let total = &result.total;
    let line = format!(
        "요청 {}건, 실패 {}건 ({:.2}%), 평균 {}ms, 중앙값 {}ms, p95 {}ms — {:.1}초 동안 {:.1} req/s{}",
        total.num_requests,
        total.num_failures,
        total.failure_ratio() * 100.0,
        format_ms(total.avg_response_time),
        format_ms(total.median_response_time),
        format_ms(total.percentile(0.95)),
        result.duration,
        total.requests_per_second,
        if result.interrupted { " (Ctrl-C로 중단됨)" } else { "" },
    );
    if total.num_failures > 0 || !result.exceptions.is_empty() {
        line.yellow().to_string()
    } else {
        line.green().to_string()
    }
}

/// All of Locust's end-of-run tables, the failure and exception tables only when there are any.
pub fn summary(result: &RunResult) -> String {
    let mut out = format!(
        "{}\n{}",
        request_table(&result.stats, &result.total),
        percentile_table(&result.stats, &result.total, percentile_heading(result))
    );
    if let Some(corrected) = corrected_table(&result.stats, &result.total) {
        out.push('\n');
        out.push_str(&corrected);
    }
    if !result.errors.is_empty() {
        out.push('\n');
        out.push_str(&error_table(&result.errors));
    }
    if !result.exceptions.is_empty() {
        out.push('\n');
        out.push_str(&exception_table(&result.exceptions));
    }
    out.push('\n');
    out.push_str(&headline(result));
    out.push('\n');
    out
}

/// The live line's latency part for one history point: `p50 12ms p95 40ms`, or `p50 - p95 -`
/// when that second had no answer (before the first response, or a quiet second).
pub fn live_percentiles(point: &HistoryPoint) -> String {
    if point.requests_per_second > 0.0 {
        format!("p50 {}ms p95 {}ms", format_ms(point.p50_response_time), format_ms(point.p95_response_time))
    } else {
        "p50 - p95 -".to_string()
    }
}

/// What to tell the learner, once, when the runner raises `notice`.
pub fn notice_text(notice: &Notice) -> String {
    match notice {
        Notice::NameLimit => format!("⚠️ {}", name_limit_message()),
        Notice::CpuOverload { percent, cores } => format!(
            "⚠️ 부하 생성기(loadlab)가 쓸 수 있는 CPU({cores}코어)의 {percent:.0}%를 쓰고 있어요. \
             지금부터 잰 응답 시간에는 생성기 자신의 지연이 섞여 있을 수 있어요: 사용자 수를 줄이거나 \
             더 여유 있는 컴퓨터에서 부하를 만들어 보세요."
        ),
        Notice::UserCeiling { asked, ceiling } => format!(
            "⚠️ 부하 모양이 사용자 {asked}명을 요청했지만 이 프로세스가 감당할 수 있는 {ceiling}명까지만 띄워요              (열 수 있는 파일 수와 메모리, 한 프로세스에 {}명 한도).",
            crate::limits::MAX_USERS
        ),
    }
}

/// Request names exploding, and the `.name(..)` fix (shared by the console and `explain`).
pub fn name_limit_message() -> String {
    format!(
        "요청 이름이 {MAX_NAMES}개를 넘었어요. 경로에 id가 그대로 들어가서 요청마다 새 이름이 생기고 있어요. \
         client.put(&format!(\"/todos/{{id}}\")).name(\"/todos/{{id}}\")처럼 .name(..)으로 같은 종류의 요청을 \
         한 이름으로 묶어 주세요. 그 뒤의 새 이름은 한 줄에 모아서 세고 있어요."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn korean_names_align_by_display_width() {
        colored::control::set_override(false);
        let errors = vec![
            ErrorRow {
                method: "PUT".into(),
                name: "/todos/{id} [수정]".into(),
                error: "수정 실패: 500".into(),
                occurrences: 3,
            },
            ErrorRow {
                method: "GET".into(),
                name: "/todos/".into(),
                error: "HTTPError: 500".into(),
                occurrences: 12,
            },
        ];
        let text = error_table(&errors);
        let lines: Vec<&str> = text.lines().skip(1).collect();
        // The column after the name starts at the same display column on every row.
        let column_of = |line: &str, needle: &str| line[..line.find(needle).unwrap()].width();
        assert_eq!(column_of(lines[2], "수정 실패"), column_of(lines[3], "HTTPError"));
    }

    #[test]
    fn percent_labels_match_locust() {
        let labels: Vec<String> = PERCENTILES.iter().map(|q| percent_label(*q)).collect();
        assert_eq!(
            labels,
            ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"]
        );
    }

    fn second(requests: f64, p50: f64, p95: f64) -> HistoryPoint {
        HistoryPoint {
            elapsed: 1.0,
            timestamp: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            users: 1,
            target_users: 1,
            requests_per_second: requests,
            failures_per_second: 0.0,
            p50_response_time: p50,
            p95_response_time: p95,
            total_requests: requests as u64,
            total_failures: 0,
            window: 1.0,
            server: None,
        }
    }

    #[test]
    fn no_percentile_before_the_first_response() {
        assert_eq!(live_percentiles(&second(0.0, 0.0, 0.0)), "p50 - p95 -");
        assert_eq!(live_percentiles(&second(12.0, 3.31, 41.0)), "p50 3.3ms p95 41ms");
    }

    #[test]
    fn the_name_limit_notice_gives_the_name_fix() {
        let text = notice_text(&Notice::NameLimit);
        assert!(text.contains("500개"), "{text}");
        assert!(text.contains(".name(\"/todos/{id}\")"), "{text}");
    }

    #[test]
    fn truncate_respects_display_width() {
        let cut = truncate("가나다라마바사", 7);
        assert!(cut.width() <= 7, "{cut}");
        assert!(cut.ends_with('…'));
    }
}
