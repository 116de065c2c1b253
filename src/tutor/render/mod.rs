//! Terminal Markdown renderer: CommonMark + GFM (tables, task lists, strikethrough, alerts)
//! turned into lines for a terminal of a given width.
//!
//! Promises: prose is wrapped by display width (Hangul and emoji count two columns); code
//! blocks are kept verbatim and never wrapped, so ASCII charts survive; tables get box borders
//! aligned by display width; with `color` off the output holds no escape code at all.

use super::highlight;
use colored::Colorize;
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::io::IsTerminal;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Narrowest width the renderer lays text out for; below it wrapping only hurts.
const MIN_WIDTH: usize = 20;
/// Narrowest a table column is squeezed to before the table is left wider than the screen.
const MIN_COLUMN: usize = 4;

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Columns available.
    pub width: usize,
    /// Colours and text styles (escape codes). Off: plain text.
    pub color: bool,
    /// Links as OSC 8 hyperlinks instead of "text (url)". Only used with `color`.
    pub hyperlinks: bool,
}

impl RenderOptions {
    /// Options for stdout: hyperlinks when colour is on and the terminal likely shows them.
    pub fn new(width: usize, color: bool) -> Self {
        Self { width, color, hyperlinks: color && hyperlinks_supported() }
    }

    /// Plain text: no colour, no escape codes.
    pub fn plain(width: usize) -> Self {
        Self { width, color: false, hyperlinks: false }
    }
}

/// Renders Markdown for a terminal `width` columns wide. See [`RenderOptions`].
pub fn render_markdown(md: &str, width: usize, color: bool) -> String {
    render(md, &RenderOptions::new(width, color))
}

/// Renders Markdown with explicit options. Every line ends with a newline.
pub fn render(md: &str, opts: &RenderOptions) -> String {
    let blocks = parse(md, opts);
    let width = opts.width.max(MIN_WIDTH);
    let mut out = String::new();
    for line in render_blocks(&blocks, width, Ctx::default(), opts) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Whether stdout is a terminal that likely understands OSC 8 hyperlinks. Terminals that do
/// not understand them would print the escape as garbage, so unknown terminals get "text (url)".
pub fn hyperlinks_supported() -> bool {
    if !std::io::stdout().is_terminal() {
        return false;
    }
    let var = |key: &str| std::env::var(key).unwrap_or_default();
    let term = var("TERM");
    if term == "dumb" {
        return false;
    }
    let known_program = matches!(
        var("TERM_PROGRAM").as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "Hyper" | "ghostty" | "Tabby" | "rio"
    );
    let known_marker = ["WT_SESSION", "KITTY_WINDOW_ID", "KONSOLE_VERSION", "DOMTERM", "WEZTERM_EXECUTABLE"]
        .iter()
        .any(|key| std::env::var_os(key).is_some());
    let vte = var("VTE_VERSION").parse::<u32>().is_ok_and(|version| version >= 5000);
    let known_term =
        ["kitty", "alacritty", "foot", "ghostty", "wezterm"].iter().any(|name| term.contains(name));
    known_program || known_marker || vte || known_term
}

/// Display width of plain text (no escape codes).
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

// ---------------------------------------------------------------------------------------------
// The document model.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Style {
    bold: bool,
    italic: bool,
    strike: bool,
    code: bool,
    link: bool,
    dim: bool,
    heading: u8,
}

impl Style {
    const PLAIN: Style =
        Style { bold: false, italic: false, strike: false, code: false, link: false, dim: false, heading: 0 };
    const DIM: Style = Style { dim: true, ..Style::PLAIN };
    const BOLD: Style = Style { bold: true, ..Style::PLAIN };
}

#[derive(Debug, Clone, PartialEq)]
struct Span {
    text: String,
    style: Style,
    /// Hyperlink target, only set when hyperlinks are rendered.
    url: Option<String>,
}

#[derive(Debug)]
enum Block {
    Heading(u8, Vec<Span>),
    Paragraph(Vec<Span>),
    List { start: Option<u64>, items: Vec<Item> },
    Quote { kind: Option<BlockQuoteKind>, blocks: Vec<Block> },
    Code { lang: String, text: String },
    Table { aligns: Vec<Alignment>, rows: Vec<Vec<Vec<Span>>> },
    Rule,
}

#[derive(Debug, Default)]
struct Item {
    task: Option<bool>,
    blocks: Vec<Block>,
    /// Its text came in paragraphs: a loose list, spaced by blank lines.
    loose: bool,
}

// ---------------------------------------------------------------------------------------------
// Events to blocks.

enum Frame {
    Blocks { quote: Option<Option<BlockQuoteKind>>, blocks: Vec<Block> },
    List { start: Option<u64>, items: Vec<Item> },
    Item(Item),
}

#[derive(Clone, Copy, PartialEq)]
enum InlineTarget {
    Paragraph,
    /// Text of a tight list item (no paragraph around it).
    Implicit,
    Heading(u8),
    Cell,
}

#[derive(Default)]
struct TableBuilder {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span>>>,
    row: Vec<Vec<Span>>,
}

struct Builder<'o> {
    opts: &'o RenderOptions,
    stack: Vec<Frame>,
    inline: Option<InlineTarget>,
    spans: Vec<Span>,
    bold: u32,
    italic: u32,
    strike: u32,
    /// Open links: (url, index of the first span of the link text).
    links: Vec<(String, usize)>,
    code: Option<(String, String)>,
    table: Option<TableBuilder>,
}

fn parse(md: &str, opts: &RenderOptions) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM;
    let mut builder = Builder {
        opts,
        stack: vec![Frame::Blocks { quote: None, blocks: Vec::new() }],
        inline: None,
        spans: Vec::new(),
        bold: 0,
        italic: 0,
        strike: 0,
        links: Vec::new(),
        code: None,
        table: None,
    };
    for event in Parser::new_ext(md, options) {
        builder.event(event);
    }
    builder.flush_inline();
    match builder.stack.into_iter().next() {
        Some(Frame::Blocks { blocks, .. }) => blocks,
        _ => Vec::new(),
    }
}

impl Builder<'_> {
    fn style(&self) -> Style {
        let heading = match self.inline {
            Some(InlineTarget::Heading(level)) => level,
            _ => 0,
        };
        Style {
            bold: self.bold > 0,
            italic: self.italic > 0,
            strike: self.strike > 0,
            code: false,
            link: !self.links.is_empty(),
            dim: false,
            heading,
        }
    }

    fn push_text(&mut self, text: &str, style: Style) {
        if self.inline.is_none() {
            // Text straight inside a list item (a tight list) or after a block in it.
            self.inline =
                Some(if self.table.is_some() { InlineTarget::Cell } else { InlineTarget::Implicit });
        }
        let url = match self.links.last() {
            Some((url, _)) if self.opts.hyperlinks => Some(url.clone()),
            _ => None,
        };
        self.spans.push(Span { text: text.to_string(), style, url });
    }

    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Frame::Blocks { blocks, .. }) => blocks.push(block),
            Some(Frame::Item(item)) => item.blocks.push(block),
            Some(Frame::List { items, .. }) => {
                // Not produced by pulldown-cmark; keep the content rather than lose it.
                items.push(Item { task: None, blocks: vec![block], loose: false });
            }
            None => {}
        }
    }

    /// Ends the open run of inline text, turning it into its block.
    fn flush_inline(&mut self) {
        let Some(target) = self.inline.take() else {
            return;
        };
        let spans = strong_between_stray_markers(std::mem::take(&mut self.spans));
        match target {
            InlineTarget::Paragraph | InlineTarget::Implicit => {
                if !spans.is_empty() {
                    self.push_block(Block::Paragraph(spans));
                }
            }
            InlineTarget::Heading(level) => self.push_block(Block::Heading(level, spans)),
            InlineTarget::Cell => {
                if let Some(table) = self.table.as_mut() {
                    table.row.push(spans);
                }
            }
        }
    }

    /// A block starts: text of a tight list item before it is a block of its own.
    fn start_block(&mut self) {
        if self.inline == Some(InlineTarget::Implicit) {
            self.flush_inline();
        }
    }

    fn event(&mut self, event: Event) {
        if let Some((_, text)) = self.code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = self.code.take().unwrap_or_default();
                    self.push_block(Block::Code { lang, text });
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.push_text(&text, self.style()),
            Event::Code(code) => {
                let mut style = self.style();
                style.code = true;
                if self.opts.color {
                    self.push_text(&code, style);
                } else {
                    self.push_text(&format!("`{code}`"), style);
                }
            }
            Event::SoftBreak => self.push_text(" ", self.style()),
            Event::HardBreak => self.push_text("\n", self.style()),
            Event::InlineHtml(html) => {
                if html.trim_start().to_ascii_lowercase().starts_with("<br") {
                    self.push_text("\n", self.style());
                }
            }
            Event::Html(_) => {}
            Event::Rule => {
                self.start_block();
                self.push_block(Block::Rule);
            }
            Event::TaskListMarker(checked) => {
                if let Some(Frame::Item(item)) = self.stack.last_mut() {
                    item.task = Some(checked);
                }
            }
            Event::FootnoteReference(name) => self.push_text(&format!("[{name}]"), self.style()),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.push_text(&math, self.style()),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {
                self.start_block();
                if let Some(Frame::Item(item)) = self.stack.last_mut() {
                    item.loose = true;
                }
                self.inline = Some(InlineTarget::Paragraph);
            }
            Tag::Heading { level, .. } => {
                self.start_block();
                self.inline = Some(InlineTarget::Heading(heading_number(level)));
            }
            Tag::BlockQuote(kind) => {
                self.start_block();
                self.stack.push(Frame::Blocks { quote: Some(kind), blocks: Vec::new() });
            }
            Tag::CodeBlock(kind) => {
                self.start_block();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(start) => {
                self.start_block();
                self.stack.push(Frame::List { start, items: Vec::new() });
            }
            Tag::Item => self.stack.push(Frame::Item(Item::default())),
            Tag::Table(aligns) => {
                self.start_block();
                self.table = Some(TableBuilder { aligns, ..TableBuilder::default() });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    table.row.clear();
                }
            }
            Tag::TableCell => self.inline = Some(InlineTarget::Cell),
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push((dest_url.to_string(), self.spans.len()));
            }
            Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => self.flush_inline(),
            TagEnd::BlockQuote(_) => {
                self.start_block();
                if let Some(Frame::Blocks { quote: Some(kind), blocks }) = self.stack.pop() {
                    self.push_block(Block::Quote { kind, blocks });
                }
            }
            TagEnd::List(_) => {
                self.start_block();
                if let Some(Frame::List { start, items }) = self.stack.pop() {
                    self.push_block(Block::List { start, items });
                }
            }
            TagEnd::Item => {
                self.start_block();
                if let Some(Frame::Item(item)) = self.stack.pop()
                    && let Some(Frame::List { items, .. }) = self.stack.last_mut()
                {
                    items.push(item);
                }
            }
            TagEnd::TableCell => {
                if self.inline.is_none() {
                    self.inline = Some(InlineTarget::Cell); // an empty cell
                }
                self.flush_inline();
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.push_block(Block::Table { aligns: table.aligns, rows: table.rows });
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => {
                if let Some((url, first)) = self.links.pop() {
                    let text: String =
                        self.spans[first.min(self.spans.len())..].iter().map(|s| s.text.as_str()).collect();
                    let shows_itself = text.trim() == url || url.strip_prefix("mailto:") == Some(text.trim());
                    // In-page anchors mean nothing in a terminal; other targets are shown.
                    if !self.opts.hyperlinks && !url.is_empty() && !url.starts_with('#') && !shows_itself {
                        let style = Style::DIM;
                        self.push_text(&format!(" ({url})"), style);
                    }
                }
            }
            _ => {}
        }
    }
}

/// CommonMark does not close `**` between punctuation and a letter, which Korean writes all
/// the time (`**지점(포화점)**이`): the markers stay as text. Pairs of such leftover markers
/// in one run of text are made bold here, as the author meant.
fn strong_between_stray_markers(spans: Vec<Span>) -> Vec<Span> {
    if !spans.iter().any(|span| span.text.contains('*')) {
        return spans;
    }
    // Neighbouring text of one style comes in several events (`*` by `*`); join it first.
    let mut joined: Vec<Span> = Vec::new();
    for span in spans {
        match joined.last_mut() {
            Some(last) if last.style == span.style && last.url == span.url => last.text.push_str(&span.text),
            _ => joined.push(span),
        }
    }
    let markers: usize =
        joined.iter().filter(|span| !span.style.code).map(|span| span.text.matches("**").count()).sum();
    if markers < 2 || !markers.is_multiple_of(2) {
        return joined;
    }
    let mut out = Vec::new();
    let mut bold = false;
    for span in joined {
        if span.style.code || !span.text.contains("**") {
            out.push(Span { style: Style { bold: span.style.bold || bold, ..span.style }, ..span });
            continue;
        }
        for (index, piece) in span.text.split("**").enumerate() {
            if index > 0 {
                bold = !bold;
            }
            if !piece.is_empty() {
                let style = Style { bold: span.style.bold || bold, ..span.style };
                out.push(Span { text: piece.to_string(), style, url: span.url.clone() });
            }
        }
    }
    out
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks to lines.

#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    /// Nesting depth of lists (chooses the bullet).
    depth: usize,
    /// Inside a tight list item: no blank lines between its paragraphs and sublists.
    tight: bool,
}

fn render_blocks(blocks: &[Block], width: usize, ctx: Ctx, opts: &RenderOptions) -> Vec<String> {
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
    fn cell(row: &[Vec<Span>], column: usize) -> &[Span] {
        row.get(column).map_or(&[], Vec::as_slice)
    }

    // Natural widths (one line per cell) and the longest word, per column.
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

    // Squeeze the widest column until the table fits: first down to its longest word, then
    // (words get split) down to MIN_COLUMN. A table that still does not fit stays wider.
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

// ---------------------------------------------------------------------------------------------
// Wrapping styled text by display width.

struct Line {
    text: String,
    width: usize,
}

enum Token {
    Word(Vec<Span>),
    Space(Span),
    Newline,
}

fn tokenize(spans: &[Span]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<Span> = Vec::new();
    for span in spans {
        let mut current = String::new();
        let flush_current = |current: &mut String, word: &mut Vec<Span>| {
            if !current.is_empty() {
                word.push(Span { text: std::mem::take(current), ..span.clone() });
            }
        };
        for ch in span.text.chars() {
            if ch == '\n' || (ch.is_whitespace() && ch != '\u{a0}') {
                flush_current(&mut current, &mut word);
                if !word.is_empty() {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                }
                if ch == '\n' {
                    tokens.push(Token::Newline);
                } else if !matches!(tokens.last(), Some(Token::Space(_))) {
                    tokens.push(Token::Space(Span { text: " ".into(), ..span.clone() }));
                }
            } else {
                current.push(ch);
            }
        }
        flush_current(&mut current, &mut word);
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    tokens
}

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|span| display_width(&span.text)).sum()
}

/// Greedy word wrap by display width. Words wider than the line are split between characters.
fn wrap(spans: &[Span], width: usize, opts: &RenderOptions) -> Vec<Line> {
    let width = width.max(2);
    let mut lines: Vec<(Vec<Span>, usize)> = vec![(Vec::new(), 0)];
    let mut pending_space: Option<Span> = None;
    for token in tokenize(spans) {
        match token {
            Token::Newline => {
                lines.push((Vec::new(), 0));
                pending_space = None;
            }
            Token::Space(space) => {
                if lines.last().is_some_and(|(_, used)| *used > 0) {
                    pending_space = Some(space);
                }
            }
            Token::Word(parts) => {
                let word_width = spans_width(&parts);
                let used = lines.last().map_or(0, |(_, used)| *used);
                let space = usize::from(pending_space.is_some());
                if used > 0 && used + space + word_width > width {
                    lines.push((Vec::new(), 0));
                    pending_space = None;
                }
                let (line, used) = lines.last_mut().expect("lines is never empty");
                if let Some(space) = pending_space.take() {
                    line.push(space);
                    *used += 1;
                }
                if word_width <= width - *used {
                    line.extend(parts);
                    *used += word_width;
                    continue;
                }
                // A word longer than a whole line: split it between characters.
                for part in parts {
                    for ch in part.text.chars() {
                        let ch_width = ch.width().unwrap_or(0);
                        if lines.last().is_some_and(|(_, used)| *used > 0 && used + ch_width > width) {
                            lines.push((Vec::new(), 0));
                        }
                        let (line, used) = lines.last_mut().expect("lines is never empty");
                        line.push(Span { text: ch.to_string(), ..part.clone() });
                        *used += ch_width;
                    }
                }
            }
        }
    }
    while lines.last().is_some_and(|(spans, _)| spans.is_empty()) && lines.len() > 1 {
        lines.pop();
    }
    if lines.len() == 1 && lines[0].0.is_empty() {
        return Vec::new();
    }
    lines.into_iter().map(|(spans, width)| Line { text: paint_spans(&spans, opts), width }).collect()
}

/// Paints a line, merging neighbouring spans of the same style into one escape sequence.
fn paint_spans(spans: &[Span], opts: &RenderOptions) -> String {
    let mut out = String::new();
    let mut index = 0;
    while index < spans.len() {
        let first = &spans[index];
        let mut text = first.text.clone();
        index += 1;
        while index < spans.len() && spans[index].style == first.style && spans[index].url == first.url {
            text.push_str(&spans[index].text);
            index += 1;
        }
        out.push_str(&paint(text, first.style, first.url.as_deref(), opts));
    }
    out
}

fn paint(text: String, style: Style, url: Option<&str>, opts: &RenderOptions) -> String {
    if !opts.color || text.is_empty() {
        return text;
    }
    let mut colored = text.normal();
    colored = match style.heading {
        1 => colored.bright_magenta().bold(),
        2 => colored.bright_cyan().bold(),
        3 => colored.bright_yellow().bold(),
        4.. => colored.bold(),
        0 => colored,
    };
    if style.code {
        colored = colored.yellow();
    }
    if style.link {
        colored = colored.bright_blue().underline();
    }
    if style.bold {
        colored = colored.bold();
    }
    if style.italic {
        colored = colored.italic();
    }
    if style.strike {
        colored = colored.strikethrough();
    }
    if style.dim {
        colored = colored.dimmed();
    }
    let painted = colored.to_string();
    match url {
        Some(url) if opts.hyperlinks => format!("\x1b]8;;{url}\x1b\\{painted}\x1b]8;;\x1b\\"),
        _ => painted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(md: &str, width: usize) -> String {
        render(md, &RenderOptions::plain(width))
    }

    fn max_width(text: &str) -> usize {
        text.lines().map(display_width).max().unwrap_or(0)
    }

    #[test]
    fn paragraphs_wrap_by_display_width() {
        let md = "성능 테스트는 시스템이 예상 부하에서 어떻게 동작하는지 확인하는 과정이에요. \
                  응답 시간과 처리량, 실패율을 함께 봐야 병목을 찾을 수 있어요.";
        for width in [30, 40, 60] {
            let out = plain(md, width);
            assert!(out.lines().count() > 1, "{out}");
            assert!(max_width(&out) <= width, "width {width}:\n{out}");
            // Nothing lost, nothing added, apart from line breaks.
            let words: Vec<&str> = out.split_whitespace().collect();
            assert_eq!(words, md.split_whitespace().collect::<Vec<_>>());
        }
    }

    #[test]
    fn overlong_words_are_split() {
        let url = "https://example.com/".to_string() + &"a".repeat(60);
        let out = plain(&url, 30);
        assert!(max_width(&out) <= 30, "{out}");
        assert_eq!(out.replace('\n', ""), url);
    }

    #[test]
    fn inline_styles_are_plain_text_without_colour() {
        let out = plain("**굵게** 그리고 *기울임* 그리고 `cargo test` ~~취소~~", 80);
        assert_eq!(out, "굵게 그리고 기울임 그리고 `cargo test` 취소\n");
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn strong_text_before_a_korean_particle_is_bold() {
        colored::control::set_override(true);
        let opts = RenderOptions { width: 80, color: true, hyperlinks: false };
        let out = render("이 **꺾이는 지점(포화점)**이 한계예요. `a**b**c`", &opts);
        assert!(!out.contains("**꺾"), "{out:?}");
        assert!(out.contains(&"꺾이는 지점(포화점)".bold().to_string()), "{out:?}");
        assert!(out.contains("a**b**c"), "code is left alone: {out:?}");
        assert_eq!(plain("이 **꺾이는 지점(포화점)**이 한계", 80), "이 꺾이는 지점(포화점)이 한계\n");
        // A lone marker stays as written.
        assert_eq!(plain("2 ** 10 은 1024", 80), "2 ** 10 은 1024\n");
    }

    #[test]
    fn headings_are_underlined_by_their_width() {
        let out = plain("# 1. 빠른 시작\n\n## 성능 테스트\n\n### 부하 테스트", 80);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "1. 빠른 시작");
        assert_eq!(lines[1], "═".repeat(display_width("1. 빠른 시작")));
        assert_eq!(lines[3], "성능 테스트");
        assert_eq!(lines[4], "─".repeat(display_width("성능 테스트")));
        assert_eq!(lines[6], "▸ 부하 테스트");
    }

    #[test]
    fn nested_and_task_lists() {
        let md = "- 첫째\n  - 안쪽\n    1. 하나\n    2. 둘\n- [x] 끝낸 일\n- [ ] 남은 일\n";
        let out = plain(md, 80);
        assert_eq!(out, "• 첫째\n  ◦ 안쪽\n    1. 하나\n    2. 둘\n✅ 끝낸 일\n⬜ 남은 일\n");
    }

    #[test]
    fn list_items_wrap_under_their_text() {
        let md = "- 아주 긴 목록 항목이 여러 줄로 나뉘어도 다음 줄은 글머리표 아래가 아니라 글자 아래에서 시작해요.";
        let out = plain(md, 30);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 1);
        assert!(lines[0].starts_with("• "));
        assert!(lines[1..].iter().all(|line| line.starts_with("  ") && !line.starts_with("   ")), "{out}");
        assert!(max_width(&out) <= 30);
    }

    #[test]
    fn block_quotes_get_a_bar() {
        let out = plain("> 인용문 첫 줄\n>\n> 둘째 문단", 80);
        assert_eq!(out, "│ 인용문 첫 줄\n│\n│ 둘째 문단\n");
    }

    #[test]
    fn links_show_their_target_in_plain_text() {
        let out =
            plain("[Locust 문서](https://docs.locust.io) 와 <https://example.com> 와 [목차](#목차)", 80);
        assert_eq!(out, "Locust 문서 (https://docs.locust.io) 와 https://example.com 와 목차\n");
    }

    #[test]
    fn links_become_osc8_hyperlinks_when_supported() {
        colored::control::set_override(true);
        let opts = RenderOptions { width: 80, color: true, hyperlinks: true };
        let out = render("[문서](https://docs.locust.io)", &opts);
        assert!(out.contains("\x1b]8;;https://docs.locust.io\x1b\\"), "{out:?}");
        assert!(!out.contains("(https://docs.locust.io)"), "{out:?}");
    }

    #[test]
    fn code_blocks_are_never_wrapped() {
        let long = "x".repeat(150);
        let md = format!("```\n{long}\n  │ 사용자 수\n\tindented\n```");
        let out = plain(&md, 60);
        assert_eq!(out, format!("  {long}\n    │ 사용자 수\n      indented\n"));
    }

    #[test]
    fn colour_mode_styles_and_highlights() {
        colored::control::set_override(true);
        let opts = RenderOptions { width: 80, color: true, hyperlinks: false };
        let out = render("**굵게**\n\n```rust\nfn main() {} // 주석\n```", &opts);
        assert!(out.contains("\x1b[1m굵게\x1b[0m"), "{out:?}");
        assert!(out.contains("fn\x1b[0m"), "keyword not coloured: {out:?}");
    }

    #[test]
    fn html_comments_are_hidden() {
        let out = plain("<!-- guide: ## 실습 -->\n\n본문", 80);
        assert_eq!(out, "본문\n");
    }

    #[test]
    fn tables_fit_the_width_by_wrapping_cells() {
        let md = "| 항목 | 설명 |\n|---|---|\n| 응답 시간 | 요청을 보낸 뒤 응답을 받을 때까지 걸린 시간으로, 중앙값과 95 백분위수를 함께 봐요 |\n";
        let out = plain(md, 40);
        assert!(max_width(&out) <= 40, "{out}");
        let widths: Vec<usize> = out.lines().map(display_width).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "rows not aligned:\n{out}");
        assert!(out.lines().count() > 5, "{out}");
    }
}
