//! Styled text broken into lines by display width: Hangul and emoji count two columns,
//! spaces between words are kept with their style, and a word longer than the line is split.
//!
//! Promises: every line is at most the width given; a line's `width` is its display width
//! without escape codes.

use super::paint::paint_spans;
use super::{RenderOptions, Span, display_width};
use unicode_width::UnicodeWidthChar;

pub(super) struct Line {
    pub(super) text: String,
    pub(super) width: usize,
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

pub(super) fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|span| display_width(&span.text)).sum()
}

/// Greedy word wrap by display width. Words wider than the line are split between characters.
pub(super) fn wrap(spans: &[Span], width: usize, opts: &RenderOptions) -> Vec<Line> {
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
