//! Terminal Markdown renderer: CommonMark + GFM (tables, task lists, strikethrough, alerts)
//! turned into lines for a terminal of a given width. This module owns the options, the entry
//! points and the document model that its stages share: `parse` (Markdown to blocks),
//! `layout` (blocks to lines), `wrap` (styled text to lines by display width) and
//! `paint` (styles to escape codes).
//!
//! Promises: prose is wrapped by display width (Hangul and emoji count two columns); code
//! blocks are kept verbatim and never wrapped, so ASCII charts survive; tables get box borders
//! aligned by display width; with `color` off the output holds no escape code at all.

mod layout;
mod paint;
mod parse;
mod wrap;

use layout::{Ctx, render_blocks};
use parse::parse;
use pulldown_cmark::{Alignment, BlockQuoteKind};
use std::io::IsTerminal;
use unicode_width::UnicodeWidthStr;

/// Narrowest width the renderer lays text out for; below it wrapping only hurts.
const MIN_WIDTH: usize = 20;

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

#[cfg(test)]
mod tests {
    use super::*;
    use colored::Colorize;

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
