//! A small forward pager for text taller than the terminal: shows a screenful, then waits for
//! a key (Space: next screen, Enter/↓: one line, q/Esc: the rest at once, Ctrl-C: leave).
//! Text that fits, or output that is not a terminal, is printed as it is.

use super::Interrupted;
use anyhow::Result;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use std::io::{IsTerminal, Write};

const PROMPT: &str = "── 더 보기: Space 다음 화면 · Enter 한 줄 · q 나머지 한꺼번에 보기 ──";

/// What a key asks the pager to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    Lines(usize),
    All,
    Quit,
}

/// Prints `text`, a screenful at a time when it is taller than the terminal. `used` rows
/// at the top of the screen are taken already (a header), so the first screenful is shorter.
pub fn show(text: &str, used: usize) -> Result<()> {
    let mut out = std::io::stdout();
    let lines: Vec<&str> = text.lines().collect();
    let rows = match terminal::size() {
        Ok((_, rows)) if out.is_terminal() && std::io::stdin().is_terminal() => rows as usize,
        _ => usize::MAX,
    };
    let screen = rows.saturating_sub(2).max(5);
    let mut shown = lines.len().min(screen.saturating_sub(used).max(3));
    print_lines(&mut out, &lines[..shown])?;
    while shown < lines.len() {
        let percent = shown * 100 / lines.len();
        write!(out, "{} ({percent}%)", colored::Colorize::reversed(PROMPT))?;
        out.flush()?;
        let step = read_move(screen)?;
        write!(out, "\r{}", crossterm::terminal::Clear(crossterm::terminal::ClearType::CurrentLine))?;
        let next = match step {
            Move::Lines(count) => (shown + count).min(lines.len()),
            Move::All => lines.len(),
            Move::Quit => return Err(Interrupted.into()),
        };
        print_lines(&mut out, &lines[shown..next])?;
        shown = next;
    }
    out.flush()?;
    Ok(())
}

fn print_lines(out: &mut impl Write, lines: &[&str]) -> Result<()> {
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Waits for a key press in raw mode (restored before returning).
fn read_move(screen: usize) -> Result<Move> {
    struct RawMode;
    impl Drop for RawMode {
        fn drop(&mut self) {
            let _ = terminal::disable_raw_mode();
        }
    }
    terminal::enable_raw_mode()?;
    let _raw = RawMode;
    loop {
        if let Event::Key(key) = event::read()?
            && key.kind != KeyEventKind::Release
            && let Some(step) = key_move(key, screen)
        {
            return Ok(step);
        }
    }
}

fn key_move(key: KeyEvent, screen: usize) -> Option<Move> {
    if key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('d'))
    {
        return Some(Move::Quit);
    }
    match key.code {
        KeyCode::Char(' ') | KeyCode::PageDown | KeyCode::Char('f') => Some(Move::Lines(screen)),
        KeyCode::Enter | KeyCode::Down | KeyCode::Char('j') => Some(Move::Lines(1)),
        KeyCode::Char('q') | KeyCode::Esc | KeyCode::End | KeyCode::Char('G') => Some(Move::All),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_move_as_promised() {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(key_move(key(KeyCode::Char(' ')), 30), Some(Move::Lines(30)));
        assert_eq!(key_move(key(KeyCode::Enter), 30), Some(Move::Lines(1)));
        assert_eq!(key_move(key(KeyCode::Char('q')), 30), Some(Move::All));
        assert_eq!(key_move(key(KeyCode::Esc), 30), Some(Move::All));
        assert_eq!(key_move(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), 30), Some(Move::Quit));
        assert_eq!(key_move(key(KeyCode::Char('x')), 30), None);
    }
}
