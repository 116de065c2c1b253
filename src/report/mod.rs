//! The files a run leaves behind and the judgements made on them: the JSON result (the input of
//! `explain` and `compare`), Locust-compatible CSV files, the self-contained HTML report,
//! `--check` thresholds and `compare`'s regression table. Everything here reads a finished
//! [`RunResult`](crate::engine::RunResult); nothing here runs load.

pub mod compare;
pub mod csv;
pub mod html;
pub mod json;
pub mod kinds;
pub mod thresholds;

use crate::engine::console::pad;
use unicode_width::UnicodeWidthStr;

/// Exit code when a `--check` criterion or a `compare --max-regression` limit was not met:
/// distinct from 1 (requests failed) and 2 (bad command line), so CI can tell them apart.
pub const EXIT_THRESHOLD_FAILED: i32 = 3;

/// Lays out `rows` in columns aligned by display width (Hangul is two columns wide), two spaces
/// apart, each line indented by `indent`. `left[i]` says whether column `i` is left-aligned.
pub(crate) fn columns(rows: &[Vec<String>], left: &[bool], indent: &str) -> String {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|i| rows.iter().filter_map(|row| row.get(i)).map(|cell| cell.width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| pad(cell, widths[i], left.get(i).copied().unwrap_or(true)))
            .collect();
        out.push_str(indent);
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// A percentage with at most two decimals and no trailing zeros: `0.1`, `12.5`, `100`.
pub(crate) fn short_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_hangul_by_display_width() {
        let rows = vec![
            vec!["중앙값".to_string(), "12 ms".to_string()],
            vec!["p95".to_string(), "40 ms".to_string()],
        ];
        let text = columns(&rows, &[true, false], "");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].width(), lines[1].width(), "{text}");
    }

    #[test]
    fn short_numbers_drop_trailing_zeros() {
        assert_eq!(short_number(0.1), "0.1");
        assert_eq!(short_number(12.0), "12");
        assert_eq!(short_number(0.126), "0.13");
    }
}
