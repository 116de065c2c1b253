//! The explanation as console text: the metric table aligned by display width (Korean counts
//! double), each finding with its evidence and advice, wrapped at spaces, and the verdict;
//! colours only when asked for.

use colored::Colorize;

use super::{Explanation, MetricLine, Severity};
use crate::text::pad;

impl Explanation {
    /// The explanation as console text; `color` false gives plain text whatever the terminal.
    pub fn render(&self, color: bool) -> String {
        let bold = |text: &str| if color { text.bold().to_string() } else { text.to_string() };
        let dim = |text: &str| if color { text.dimmed().to_string() } else { text.to_string() };
        let mut out = String::new();
        out.push_str(&bold("결과 해설 — 가이드의 목표와 비교"));
        out.push('\n');
        let label_width =
            self.metrics.iter().map(|m| unicode_width::UnicodeWidthStr::width(m.label.as_str())).max();
        let value_width =
            self.metrics.iter().map(|m| unicode_width::UnicodeWidthStr::width(m.value.as_str())).max();
        let target_width =
            self.metrics.iter().map(|m| unicode_width::UnicodeWidthStr::width(target_text(m).as_str())).max();
        for metric in &self.metrics {
            let line = format!(
                "  {}  {}  {}  {}",
                pad(&metric.label, label_width.unwrap_or(0), true),
                pad(&metric.value, value_width.unwrap_or(0), false),
                pad(&target_text(metric), target_width.unwrap_or(0), true),
                metric.mark.symbol()
            );
            out.push_str(line.trim_end());
            out.push('\n');
            out.push_str(&wrap(&metric.meaning, "      ", "      ", |t| dim(t)));
        }
        out.push('\n');
        if self.findings.is_empty() {
            out.push_str(&bold("발견한 점: 없음"));
            out.push('\n');
        } else {
            out.push_str(&bold("발견한 점"));
            out.push('\n');
            for finding in &self.findings {
                let title = format!("{} {}", finding.severity.symbol(), finding.title);
                let title = if !color {
                    title
                } else {
                    match finding.severity {
                        Severity::Problem => title.red().bold().to_string(),
                        Severity::Warning => title.yellow().bold().to_string(),
                        Severity::Note => title.bold().to_string(),
                    }
                };
                out.push_str(&format!("  {title}\n"));
                for evidence in &finding.evidence {
                    out.push_str(&wrap(evidence, "     · ", "       ", str::to_string));
                }
                for advice in &finding.advice {
                    out.push_str(&wrap(advice, "     → ", "       ", str::to_string));
                }
            }
        }
        out.push('\n');
        let verdict = if !color {
            self.verdict.clone()
        } else if self.healthy {
            self.verdict.green().to_string()
        } else {
            self.verdict.yellow().to_string()
        };
        out.push_str(&verdict);
        out.push('\n');
        out
    }
}

fn target_text(metric: &MetricLine) -> String {
    metric.target.clone().unwrap_or_default()
}

const WRAP_WIDTH: usize = 100;

fn wrap(text: &str, first: &str, rest: &str, style: impl Fn(&str) -> String) -> String {
    // Korean wraps at spaces, never inside a word (UAX #14 would allow a break between any two
    // Hangul syllables).
    let options = textwrap::Options::new(WRAP_WIDTH)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .initial_indent(first)
        .subsequent_indent(rest);
    let mut out = String::new();
    for line in textwrap::wrap(text, options) {
        let (indent, body) = line.split_at(line.len() - line.trim_start().len());
        out.push_str(indent);
        out.push_str(&style(body));
        out.push('\n');
    }
    out
}
