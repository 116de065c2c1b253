//! Styles to escape codes: headings by level, code, links (as OSC 8 hyperlinks when the
//! terminal shows them), bold, italic, strikethrough, dim.
//!
//! Promises: with `color` off the text comes back unchanged, with no escape code at all.

use super::{RenderOptions, Span, Style};
use colored::Colorize;

/// Paints a line, merging neighbouring spans of the same style into one escape sequence.
pub(super) fn paint_spans(spans: &[Span], opts: &RenderOptions) -> String {
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

pub(super) fn paint(text: String, style: Style, url: Option<&str>, opts: &RenderOptions) -> String {
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
