//! Markdown to the document model: pulldown-cmark's events (CommonMark + GFM tables, task
//! lists, strikethrough, GitHub alerts) folded into [`Block`]s of styled [`Span`]s.
//!
//! Promises: HTML comments are dropped; `**굵게**` directly before a Korean particle still
//! comes out bold; links carry their target as a span only when hyperlinks are rendered.

use super::{Block, Item, RenderOptions, Span, Style};
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

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

pub(super) fn parse(md: &str, opts: &RenderOptions) -> Vec<Block> {
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
