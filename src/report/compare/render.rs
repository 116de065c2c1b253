//! `compare`'s text: one table per request name (metric, base, new, change, verdict), then
//! the Korean summary. Promises: with `color` off the text holds no escape code; a change is
//! shown with its sign (`±` when it rounds to nothing) and, but for the failure rate, in percent.

use colored::Colorize;

use super::{Change, CompareMetric, Comparison, FAIL_FLOOR_POINTS, LATENCY_FLOOR_MS, MIN_TAIL_REQUESTS};
use super::{MetricDelta, RowComparison};
use crate::text::{columns, short_number};
use crate::text::{format_ms, truncate};

impl MetricDelta {
    fn change_text(&self) -> String {
        let diff = self.new - self.base;
        let sign = |shown: &str| {
            if shown.trim_start_matches(['0', '.']).is_empty() {
                "±"
            } else if diff < 0.0 {
                "-"
            } else {
                "+"
            }
        };
        let absolute = match self.metric {
            CompareMetric::Rps => {
                let shown = format!("{:.1}", diff.abs());
                format!("{}{shown}", sign(&shown))
            }
            CompareMetric::FailRate => {
                let shown = short_number(diff.abs());
                format!("{}{shown}%p", sign(&shown))
            }
            _ => {
                let shown = format_ms(diff.abs());
                format!("{}{shown} ms", sign(&shown))
            }
        };
        match (self.metric, self.relative()) {
            (CompareMetric::FailRate, _) | (_, None) => absolute,
            (_, Some(relative)) => {
                let shown = format!("{:.0}", (relative * 100.0).abs());
                format!("{absolute} ({}{shown}%)", sign(&shown))
            }
        }
    }
}

impl RowComparison {
    fn label(&self) -> String {
        if self.method.is_empty() { self.name.clone() } else { format!("{} {}", self.method, self.name) }
    }
}

impl Comparison {
    /// The tables and the Korean summary.
    pub fn render(&self, color: bool) -> String {
        let bold = |text: String| if color { text.bold().to_string() } else { text };
        let mut out = String::new();
        out.push_str(&bold(format!(
            "성능 비교: 기준 → 새 결과 (잡음 범위: 응답 시간 ±max({}%, {} ms), req/s ±{}%, 실패율 ±{}%p)",
            short_number(self.noise * 100.0),
            short_number(LATENCY_FLOOR_MS),
            short_number(self.noise * 100.0),
            short_number(FAIL_FLOOR_POINTS)
        )));
        out.push('\n');
        if !self.setting_differences.is_empty() {
            let line = format!(
                "⚠️ 두 실행의 조건이 달라요: {}. 조건이 다르면 차이의 원인을 알 수 없어요.",
                self.setting_differences.join(", ")
            );
            out.push_str(&if color { line.yellow().to_string() } else { line });
            out.push('\n');
        }
        for row in self.rows.iter().chain(std::iter::once(&self.total)) {
            out.push('\n');
            out.push_str(&self.render_row(row, color));
        }
        out.push('\n');
        out.push_str(&self.summary(color));
        out
    }

    fn render_row(&self, row: &RowComparison, color: bool) -> String {
        let title =
            format!("{} (요청 {} → {}건)", truncate(&row.label(), 70), row.requests.0, row.requests.1);
        let mut out = format!("{}\n", if color { title.bold().to_string() } else { title });
        if row.deltas.is_empty() {
            let line = if row.requests.0 == 0 {
                "  새 결과에만 있는 요청이에요."
            } else {
                "  새 결과에는 없는 요청이에요."
            };
            out.push_str(line);
            out.push('\n');
            return out;
        }
        let mut rows = vec![vec![
            "지표".to_string(),
            "기준".to_string(),
            "새 결과".to_string(),
            "변화".to_string(),
            "판정".to_string(),
        ]];
        for delta in &row.deltas {
            rows.push(vec![
                delta.metric.label().to_string(),
                delta.metric.format(delta.base),
                delta.metric.format(delta.new),
                delta.change_text(),
                delta.change.label().to_string(),
            ]);
        }
        let table = columns(&rows, &[true, false, false, false, true], "  ");
        if !color {
            out.push_str(&table);
            return out;
        }
        for line in table.lines() {
            let painted = if line.ends_with(Change::Worse.label()) {
                line.red().to_string()
            } else if line.ends_with(Change::Better.label()) {
                line.green().to_string()
            } else {
                line.to_string()
            };
            out.push_str(&painted);
            out.push('\n');
        }
        out
    }

    /// The Korean summary: the aggregated verdict, the names that got worse or better, and the
    /// `--max-regression` outcome.
    pub fn summary(&self, color: bool) -> String {
        let mut out = String::from("요약\n");
        let total_changes: Vec<String> = self
            .total
            .deltas
            .iter()
            .filter(|d| matches!(d.change, Change::Better | Change::Worse))
            .map(|d| format!("{} {} ({})", d.metric.label(), d.change.label(), d.change_text()))
            .collect();
        if total_changes.is_empty() {
            out.push_str("  전체: 모든 지표가 잡음 범위 안이에요.\n");
        } else {
            out.push_str(&format!("  전체: {}\n", total_changes.join(", ")));
        }
        let worse: Vec<&RowComparison> = self.rows.iter().filter(|row| row.worse()).collect();
        let better: Vec<&RowComparison> =
            self.rows.iter().filter(|row| row.better() && !row.worse()).collect();
        for (rows, word) in [(&worse, "악화"), (&better, "개선")] {
            if rows.is_empty() {
                continue;
            }
            let names: Vec<String> = rows
                .iter()
                .map(|row| {
                    let worst = row
                        .deltas
                        .iter()
                        .filter(|d| d.change.label() == word)
                        .map(|d| format!("{} {}", d.metric.label(), d.change_text()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("{} ({worst})", row.label())
                })
                .collect();
            out.push_str(&format!("  {word}한 요청 {}개: {}\n", rows.len(), names.join("; ")));
        }
        let total_worse = self.total.worse();
        if !worse.is_empty() && !total_worse {
            let overall = if self.total.better() {
                "전체로는 나아졌지만"
            } else {
                "전체 합계는 잡음 범위 안이지만"
            };
            out.push_str(&format!(
                "  {overall} 요청 {}개는 나빠졌어요: 빠르고 많은 요청이 한 요청의 회귀를 가릴 수 있어요.\n",
                worse.len()
            ));
        }
        if worse.is_empty() && !total_worse {
            out.push_str("  잡음 범위를 넘는 악화는 없어요.\n");
        }
        let too_few = self
            .rows
            .iter()
            .chain(std::iter::once(&self.total))
            .any(|row| row.deltas.iter().any(|delta| delta.change == Change::TooFew));
        if too_few {
            out.push_str(&format!(
                "  표본 부족: 백분위는 그 바깥에 요청이 {}건 이상 있을 때만 판정해요 (p95는 {}건, p99는 {}건부터). 실행 시간을 늘리세요.\n",
                MIN_TAIL_REQUESTS,
                (MIN_TAIL_REQUESTS / 0.05).round(),
                (MIN_TAIL_REQUESTS / 0.01).round()
            ));
        }
        for line in &self.unjudged {
            out.push_str(&format!("  ⚠️ {line}\n"));
        }
        if !self.exceeded.is_empty() {
            let line = format!(
                "  ❌ 허용 한도를 넘은 회귀: {} (종료 코드 {})",
                self.exceeded.join("; "),
                crate::report::EXIT_THRESHOLD_FAILED
            );
            out.push_str(&if color { line.red().to_string() } else { line });
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compare::DEFAULT_NOISE;

    #[test]
    fn the_summary_never_calls_an_improved_total_unchanged() {
        let delta = |metric, change| MetricDelta { metric, base: 100.0, new: 10.0, change };
        let named = |name: &str, deltas| RowComparison {
            method: "GET".into(),
            name: name.into(),
            deltas,
            requests: (1000, 1000),
        };
        let comparison = Comparison {
            rows: vec![named("/a", vec![delta(CompareMetric::P95, Change::Worse)])],
            total: named("Aggregated", vec![delta(CompareMetric::Median, Change::Better)]),
            setting_differences: Vec::new(),
            exceeded: Vec::new(),
            unjudged: Vec::new(),
            noise: DEFAULT_NOISE,
        };
        let summary = comparison.summary(false);
        assert!(summary.contains("전체: 중앙값 개선"), "{summary}");
        assert!(summary.contains("전체로는 나아졌지만 요청 1개는 나빠졌어요"), "{summary}");
        assert!(!summary.contains("잡음 범위 안"), "{summary}");
    }
}
