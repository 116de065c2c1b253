//! Golden files for the renderer's plain mode: a table with Korean cells (aligned by display
//! width) and a code block holding an ASCII chart (kept verbatim, never wrapped).
//! `UPDATE_GOLDEN=1 cargo test --test texts tutor_golden` rewrites them after a deliberate change.

use loadlab::tutor::render::display_width;
use loadlab::tutor::render_markdown;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tutor");

fn golden(name: &str, width: usize) -> (String, String) {
    let md = std::fs::read_to_string(format!("{DIR}/{name}.md")).unwrap();
    let out = render_markdown(&md, width, false);
    let path = format!("{DIR}/{name}.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    assert_eq!(out, expected, "{name} at {width} columns differs from {path}");
    (md, out)
}

#[test]
fn table_with_korean_cells() {
    let (_, out) = golden("table-korean", 80);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with('┌') && lines.last().unwrap().starts_with('└'));
    let width = display_width(lines[0]);
    assert!(lines.iter().all(|line| display_width(line) == width), "borders not aligned:\n{out}");
    // Column borders line up in every row.
    let bars = |line: &str| -> Vec<usize> {
        let mut column = 0;
        let mut at = Vec::new();
        for ch in line.chars() {
            if "│┼┬┴├┤┌┐└┘".contains(ch) {
                at.push(column);
            }
            column += display_width(ch.encode_utf8(&mut [0; 4]));
        }
        at
    };
    assert!(lines.iter().all(|line| bars(line) == bars(lines[0])), "columns not aligned:\n{out}");
    assert!(!out.contains('\x1b'));
}

#[test]
fn code_block_with_an_ascii_chart() {
    let (md, out) = golden("code-ascii-chart", 60);
    let chart: Vec<&str> = md.split("```").nth(1).unwrap().lines().skip(1).collect();
    for line in chart.iter().filter(|line| !line.is_empty()) {
        assert!(out.lines().any(|out_line| out_line == format!("  {line}")), "chart line changed: {line}");
    }
    assert!(!out.contains('\x1b'));
}
