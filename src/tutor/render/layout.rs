//! The document model to terminal lines: headings, lists (bullets by depth, task boxes),
//! block quotes and alerts, highlighted code, and tables with box borders.
//!
//! Promises: no line is wider than the width given, except code blocks (kept verbatim, never
//! wrapped, so ASCII charts survive) and tables whose columns cannot shrink below
//! [`MIN_COLUMN`]; table columns are aligned by display width.

use super::paint::paint;
use super::wrap::{Line, wrap};
use super::{Block, Item, MIN_WIDTH, RenderOptions, Span, Style, display_width};
use crate::tutor::highlight;
use pulldown_cmark::{Alignment, BlockQuoteKind};

/// Narrowest a table column is squeezed to before the table is left wider than the screen.
const MIN_COLUMN: usize = 4;

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ctx {
    /// Nesting depth of lists (chooses the bullet).
    depth: usize,
    /// Inside a tight list item: no blank lines between its paragraphs and sublists.
    tight: bool,
}

pub(super) fn render_blocks(blocks: &[Block], width: usize, ctx: Ctx, opts: &RenderOptions) -> Vec<String> {
    let mut out = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        if index > 0 {
            let roomy =
                |b: &Block| matches!(b, Block::Code { .. } | Block::Table { .. } | Block::Quote { .. });
            if !ctx.tight || roomy(block) || roomy(&blocks[index - 1]) {
                out.push(String::new());
            }
        }
        out.extend(render_block(block, width, ctx, opts));
    }
    out
}

fn render_block(block: &Block, width: usize, ctx: Ctx, opts: &RenderOptions) -> Vec<String> {
    match block {
        Block::Paragraph(spans) => wrap(spans, width, opts).into_iter().map(|line| line.text).collect(),
        Block::Heading(level, spans) => render_heading(*level, spans, width, opts),
        Block::List { start, items } => render_list(*start, items, width, ctx, opts),
        Block::Quote { kind, blocks } => render_quote(*kind, blocks, width, ctx, opts),
        Block::Code { lang, text } => render_code(lang, text, opts),
        Block::Table { aligns, rows } => render_table(aligns, rows, width, opts),
        Block::Rule => vec![paint("─".repeat(width), Style::DIM, None, opts)],
    }
}

fn render_heading(level: u8, spans: &[Span], width: usize, opts: &RenderOptions) -> Vec<String> {
    let marker = match level {
        3 => "▸ ",
        _ => "",
    };
    let lines = wrap(spans, width - display_width(marker), opts);
    let widest = lines.iter().map(|line| line.width).max().unwrap_or(0) + display_width(marker);
    let mut out: Vec<String> = lines
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let lead = if index == 0 { marker.to_string() } else { " ".repeat(display_width(marker)) };
            paint(lead, Style { heading: level, ..Style::default() }, None, opts) + &line.text
        })
        .collect();
    let rule = match level {
        1 => Some("═"),
        2 => Some("─"),
        _ => None,
    };
    if let Some(rule) = rule {
        out.push(paint(rule.repeat(widest.min(width)), Style::DIM, None, opts));
    }
    out
}

fn render_list(
    start: Option<u64>,
    items: &[Item],
    width: usize,
    ctx: Ctx,
    opts: &RenderOptions,
) -> Vec<String> {
    let tight = items.iter().all(|item| !item.loose);
    let last_number = start.unwrap_or(1) + items.len().saturating_sub(1) as u64;
    let number_width = last_number.to_string().len();
    let bullet = ["•", "◦", "▪"][ctx.depth % 3];
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if index > 0 && !tight {
            out.push(String::new());
        }
        let (marker, marker_style) = match (item.task, start) {
            (Some(true), _) => ("✅ ".to_string(), Style::PLAIN),
            (Some(false), _) => ("⬜ ".to_string(), Style::PLAIN),
            (None, Some(first)) => (format!("{:>number_width$}. ", first + index as u64), Style::BOLD),
            (None, None) => (format!("{bullet} "), Style::BOLD),
        };
        let marker_width = display_width(&marker);
        let inner = Ctx { depth: ctx.depth + 1, tight };
        let body =
            render_blocks(&item.blocks, width.saturating_sub(marker_width).max(MIN_WIDTH / 2), inner, opts);
        let indent = " ".repeat(marker_width);
        if body.is_empty() {
            out.push(paint(marker.trim_end().to_string(), marker_style, None, opts));
        }
        for (line_index, line) in body.into_iter().enumerate() {
            if line_index == 0 {
                out.push(paint(marker.clone(), marker_style, None, opts) + &line);
            } else if line.is_empty() {
                out.push(line);
            } else {
                out.push(format!("{indent}{line}"));
            }
        }
    }
    out
}

fn render_quote(
    kind: Option<BlockQuoteKind>,
    blocks: &[Block],
    width: usize,
    ctx: Ctx,
    opts: &RenderOptions,
) -> Vec<String> {
    let bar = paint("│".to_string(), Style::DIM, None, opts);
    let mut body = Vec::new();
    if let Some(kind) = kind {
        let label = match kind {
            BlockQuoteKind::Note => "ℹ️ 참고",
            BlockQuoteKind::Tip => "💡 팁",
            BlockQuoteKind::Important => "❗ 중요",
            BlockQuoteKind::Warning => "⚠️ 주의",
            BlockQuoteKind::Caution => "🛑 경고",
        };
        body.push(paint(label.to_string(), Style::BOLD, None, opts));
    }
    body.extend(render_blocks(
        blocks,
        width.saturating_sub(2).max(MIN_WIDTH / 2),
        Ctx { tight: false, ..ctx },
        opts,
    ));
    body.into_iter().map(|line| if line.is_empty() { bar.clone() } else { format!("{bar} {line}") }).collect()
}

fn render_code(lang: &str, text: &str, opts: &RenderOptions) -> Vec<String> {
    let language = highlight::Language::from_tag(lang);
    let mut state = highlight::State::default();
    text.trim_end_matches('\n')
        .split('\n')
        .map(|line| {
            // Tabs would be expanded by the terminal from column 0, breaking the indent.
            let line = line.trim_end_matches('\r').replace('\t', "    ");
            let body = match (opts.color, language) {
                (true, Some(language)) => highlight::line(language, &line, &mut state),
                _ => line,
            };
            if body.is_empty() { String::new() } else { format!("  {body}") }
        })
        .collect()
}

/// The cell of `row` in `column`; a short row's missing cells are empty.
fn cell(row: &[Vec<Span>], column: usize) -> &[Span] {
    row.get(column).map_or(&[], Vec::as_slice)
}

/// Each column's width: its natural width (one line per cell), squeezed until the table fits
/// `width` — first down to the longest word, then (words get split) down to [`MIN_COLUMN`]. A
/// table that still does not fit stays wider.
fn column_widths(rows: &[Vec<Vec<Span>>], columns: usize, width: usize, opts: &RenderOptions) -> Vec<usize> {
    let mut natural = vec![1usize; columns];
    let mut longest_word = vec![1usize; columns];
    for row in rows {
        for (column, spans) in (0..columns).map(|column| (column, cell(row, column))) {
            let lines = wrap(spans, usize::MAX / 4, opts);
            natural[column] = natural[column].max(lines.iter().map(|line| line.width).max().unwrap_or(0));
            let words = spans.iter().flat_map(|span| span.text.split_whitespace()).map(display_width);
            longest_word[column] = longest_word[column].max(words.max().unwrap_or(0));
        }
    }
    let chrome = 3 * columns + 1;
    let available = width.saturating_sub(chrome);
    let mut widths = natural;
    for floor in [longest_word, vec![MIN_COLUMN; columns]] {
        while widths.iter().sum::<usize>() > available {
            let widest = (0..columns).filter(|&c| widths[c] > floor[c]).max_by_key(|&c| widths[c]);
            let Some(column) = widest else { break };
            widths[column] -= 1;
        }
    }
    widths
}

fn render_table(
    aligns: &[Alignment],
    rows: &[Vec<Vec<Span>>],
    width: usize,
    opts: &RenderOptions,
) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0).max(aligns.len());
    if columns == 0 {
        return Vec::new();
    }
    let widths = column_widths(rows, columns, width, opts);

    let border_style = Style::DIM;
    let border = |left: &str, middle: &str, right: &str| {
        let inner: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        paint(format!("{left}{}{right}", inner.join(middle)), border_style, None, opts)
    };
    let bar = paint("│".to_string(), border_style, None, opts);

    let mut out = vec![border("┌", "┬", "┐")];
    for (row_index, row) in rows.iter().enumerate() {
        let header = row_index == 0;
        let cells: Vec<Vec<Line>> = (0..columns)
            .map(|column| {
                let spans: Vec<Span> = cell(row, column)
                    .iter()
                    .map(|span| Span {
                        style: Style { bold: span.style.bold || header, ..span.style },
                        ..span.clone()
                    })
                    .collect();
                wrap(&spans, widths[column], opts)
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for line_index in 0..height {
            let mut text = bar.clone();
            for (column, lines) in cells.iter().enumerate() {
                let (content, content_width) =
                    lines.get(line_index).map(|line| (line.text.as_str(), line.width)).unwrap_or(("", 0));
                let room = widths[column].saturating_sub(content_width);
                let align = if header {
                    Alignment::Center
                } else {
                    aligns.get(column).copied().unwrap_or(Alignment::None)
                };
                let (before, after) = match align {
                    Alignment::Right => (room, 0),
                    Alignment::Center => (room / 2, room - room / 2),
                    Alignment::Left | Alignment::None => (0, room),
                };
                text.push_str(&format!(" {}{content}{} ", " ".repeat(before), " ".repeat(after)));
                text.push_str(&bar);
            }
            out.push(text);
        }
        if header && rows.len() > 1 {
            out.push(border("├", "┼", "┤"));
        }
    }
    out.push(border("└", "┴", "┘"));
    out
}
