//! Plain-text layout shared by every part that prints: padding and truncation by display width
//! (Hangul is two columns wide), Locust-style tables, and the number formats the console, the
//! reports and the explanations agree on. It owns no data and depends on nothing in the crate,
//! so every layer may use it.

use unicode_width::UnicodeWidthStr;

/// Pads `text` with spaces to `width` display columns, on the right (`left_align`) or left.
pub fn pad(text: &str, width: usize, left_align: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    if left_align { format!("{text}{fill}") } else { format!("{fill}{text}") }
}

/// Shortens `text` to at most `width` display columns, marking the cut with `…`.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for ch in text.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0) + 1 > width {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// A response time in ms as the tables show it: one decimal below 10 ms, whole numbers above.
pub fn format_ms(ms: f64) -> String {
    if ms < 10.0 { format!("{ms:.1}") } else { format!("{ms:.0}") }
}

/// `0.999` → `99.9%`.
pub fn percent_label(quantile: f64) -> String {
    let percent = quantile * 100.0;
    if (percent - percent.round()).abs() < 1e-9 {
        format!("{percent:.0}%")
    } else {
        format!("{}%", format!("{percent:.2}").trim_end_matches('0'))
    }
}

/// Lays out `rows` in columns aligned by display width (Hangul is two columns wide), two spaces
/// apart, each line indented by `indent`. `left[i]` says whether column `i` is left-aligned.
pub fn columns(rows: &[Vec<String>], left: &[bool], indent: &str) -> String {
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
pub fn short_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

/// A table with a rule under its header and `|` separators after the columns in `breaks`.
pub struct Table {
    widths: Vec<usize>,
    left: Vec<bool>,
    /// Column indexes after which a `|` separator stands.
    breaks: Vec<usize>,
    rows: Vec<Option<Vec<String>>>,
}

impl Table {
    pub fn new(header: Vec<&str>, left: Vec<bool>, breaks: Vec<usize>) -> Self {
        let header: Vec<String> = header.into_iter().map(str::to_string).collect();
        Table {
            widths: header.iter().map(|h| h.width()).collect(),
            left,
            breaks,
            rows: vec![Some(header), None],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        for (width, cell) in self.widths.iter_mut().zip(&cells) {
            *width = (*width).max(cell.width());
        }
        self.rows.push(Some(cells));
    }

    pub fn rule(&mut self) {
        self.rows.push(None);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (index, width) in self.widths.iter().enumerate() {
                match row {
                    Some(cells) => line.push_str(&pad(&cells[index], *width, self.left[index])),
                    None => line.push_str(&"-".repeat(*width)),
                }
                if index + 1 < self.widths.len() {
                    let separator = self.breaks.contains(&index);
                    line.push_str(match (row.is_some(), separator) {
                        (true, true) => " | ",
                        (true, false) => "  ",
                        (false, true) => "-|-",
                        (false, false) => "--",
                    });
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
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
