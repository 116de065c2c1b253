//! `loadlab watch [ITEM]`: re-grades the item being worked on after every save in `exercises/`
//! (debounced), moving on to the next unfinished item once it passes. Keys: `h` hint, `l` list,
//! `n` next item, `r` re-grade now, `q` quit. File events come from `notify`; a slow mtime poll
//! backs it up (some file systems never send events), and `r` is the manual fallback. Without a
//! terminal the same keys are read line by line from stdin. This file owns the keys, the file
//! events and the screen; each grading is [`crate::ops::console::check::build_and_grade`].

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use clap::Args;
use colored::Colorize;
use notify::Watcher;
use tokio::sync::mpsc;

use crate::grader::checks::Status;
use crate::progress::Progress;

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// 처음 볼 항목 (없으면 아직 통과하지 못한 첫 항목)
    item: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Hint,
    List,
    Next,
    Regrade,
    Quit,
}

const KEYS_HELP: &str =
    "[h] 힌트  [l] 목록  [n] 다음 항목  [r] 지금 채점  [q] 끝내기 — 저장하면 자동으로 다시 채점해요";
/// The items watch cycles through, in checklist order.
static GRADED: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(crate::checklist::graded_ids);

const DEBOUNCE: Duration = Duration::from_millis(400);
const POLL_EVERY: Duration = Duration::from_secs(2);

pub async fn exec(args: WatchArgs) -> anyhow::Result<i32> {
    let mut current = match &args.item {
        Some(item) if GRADED.contains(&item.as_str()) => GRADED.iter().position(|i| i == item).unwrap_or(0),
        Some(item) => {
            return Err(super::UsageError(format!(
                "채점할 수 없는 항목 '{item}' — 있는 항목: {}",
                GRADED.join(", ")
            ))
            .into());
        }
        None => first_unfinished(&Progress::load().0, 0),
    };
    let exercises = crate::places::workbook_dir().join("exercises");
    let (file_events, mut changes) = mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| event.kind.is_modify() || event.kind.is_create()) {
            let _ = file_events.send(());
        }
    })
    .context("파일 감시를 시작할 수 없어요")?;
    if let Err(error) = watcher.watch(&exercises, notify::RecursiveMode::Recursive) {
        eprintln!(
            "{}",
            format!("파일 이벤트를 받을 수 없어 {}초마다 확인해요: {error}", POLL_EVERY.as_secs()).yellow()
        );
    }
    // Held for the whole watch: keys arrive one by one, while output keeps its normal newlines.
    let _single_keys = SingleKeyMode::enable();
    let mut keys = spawn_key_reader();
    let mut last_seen = newest_mtime(&exercises);
    let mut poll = tokio::time::interval(POLL_EVERY);
    println!("{}", "👀 exercises/를 지켜보는 중".bold());
    grade(current).await?;
    println!("{}", KEYS_HELP.dimmed());
    loop {
        // Whether this turn printed something, so the key help follows each new output once.
        let printed = tokio::select! {
            Some(()) = changes.recv() => {
                // Editors write in bursts: wait until the files are quiet.
                let quiet_since = Instant::now();
                while quiet_since.elapsed() < DEBOUNCE {
                    if tokio::time::timeout(DEBOUNCE, changes.recv()).await.is_err() { break; }
                }
                last_seen = newest_mtime(&exercises);
                current = grade_and_advance(current).await?;
                true
            }
            _ = poll.tick() => {
                let newest = newest_mtime(&exercises);
                let changed = newest != last_seen;
                if changed {
                    last_seen = newest;
                    current = grade_and_advance(current).await?;
                }
                changed
            }
            key = keys.recv() => match key {
                Some(Key::Hint) => { super::hint::exec_item(GRADED[current])?; true }
                Some(Key::List) => { print_list(current); true }
                Some(Key::Next) => {
                    current = (current + 1) % GRADED.len();
                    grade(current).await?;
                    true
                }
                Some(Key::Regrade) => { current = grade_and_advance(current).await?; true }
                Some(Key::Quit) | None => break,
            },
        };
        if printed {
            println!("{}", KEYS_HELP.dimmed());
        }
    }
    println!("지켜보기를 마쳤어요.");
    Ok(0)
}

fn first_unfinished(progress: &Progress, from: usize) -> usize {
    (0..GRADED.len())
        .map(|offset| (from + offset) % GRADED.len())
        .find(|&index| !progress.is_item_done(GRADED[index]))
        .unwrap_or(from)
}

/// Grades `current`; when it passes, moves to the next unfinished item and says so.
async fn grade_and_advance(current: usize) -> anyhow::Result<usize> {
    if grade(current).await? != Some(Status::Passed) {
        return Ok(current);
    }
    let next = first_unfinished(&Progress::load().0, current);
    if next == current {
        println!("{}", "🎉 모든 항목을 통과했어요!".green().bold());
    } else {
        println!("다음 항목: {}", GRADED[next].bold());
    }
    Ok(next)
}

/// Builds and grades one item, recording the result; `None` when the build failed.
async fn grade(index: usize) -> anyhow::Result<Option<Status>> {
    let item = GRADED[index];
    println!("\n{} {}", "▶".cyan(), format!("{item} 채점 중…").bold());
    crate::ops::console::check::build_and_grade(item).await
}

fn print_list(current: usize) {
    let (progress, _) = Progress::load();
    for (index, item) in GRADED.iter().enumerate() {
        let mark = if progress.is_item_done(item) { "✅" } else { "⬜" };
        let pointer = if index == current { "▶" } else { " " };
        println!("{pointer} {mark} {item}");
    }
}

fn newest_mtime(dir: &Path) -> Option<SystemTime> {
    let entries = std::fs::read_dir(dir).ok()?;
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path: &PathBuf| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| path.metadata().and_then(|meta| meta.modified()).ok())
        .max()
}

/// Reads keys on a thread: single key presses on a terminal (see [`SingleKeyMode`]), one
/// letter per line otherwise. End of input counts as quit.
fn spawn_key_reader() -> mpsc::UnboundedReceiver<Key> {
    let (sender, receiver) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let interactive = std::io::stdin().is_terminal();
        loop {
            let key = if interactive { read_terminal_key() } else { read_line_key() };
            let quit = matches!(key, None | Some(Key::Quit));
            if sender.send(key.unwrap_or(Key::Quit)).is_err() || quit {
                break;
            }
        }
    });
    receiver
}

fn key_of(letter: char) -> Option<Key> {
    match letter.to_ascii_lowercase() {
        'h' => Some(Key::Hint),
        'l' => Some(Key::List),
        'n' => Some(Key::Next),
        'r' => Some(Key::Regrade),
        'q' => Some(Key::Quit),
        _ => None,
    }
}

/// One key press; `None` means the input is gone. Ctrl-C and Ctrl-D quit; other bytes (arrows,
/// Enter) are skipped.
fn read_terminal_key() -> Option<Key> {
    use std::io::Read;
    const CTRL_C: u8 = 0x03;
    const CTRL_D: u8 = 0x04;
    let mut byte = [0u8; 1];
    loop {
        if std::io::stdin().read(&mut byte).ok()? == 0 {
            return None;
        }
        if matches!(byte[0], CTRL_C | CTRL_D) {
            return Some(Key::Quit);
        }
        if let Some(key) = key_of(char::from(byte[0])) {
            return Some(key);
        }
    }
}

fn read_line_key() -> Option<Key> {
    let mut line = String::new();
    loop {
        line.clear();
        if std::io::stdin().read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some(key) = line.trim().chars().next().and_then(key_of) {
            return Some(key);
        }
    }
}

/// The terminal in "cbreak" mode while watching: each key arrives without Enter and is not
/// echoed, but output processing stays on. Full raw mode would also turn off the `\n` → `\r\n`
/// translation, and every line printed by grading would start where the previous one ended.
/// Ctrl-C arrives as a key (no SIGINT), so the terminal is always restored on the way out.
struct SingleKeyMode {
    #[cfg(unix)]
    saved: rustix::termios::Termios,
}

impl SingleKeyMode {
    #[cfg(unix)]
    fn enable() -> Option<Self> {
        use rustix::termios::{LocalModes, OptionalActions, SpecialCodeIndex, tcgetattr, tcsetattr};
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        let saved = tcgetattr(&stdin).ok()?;
        let mut single = saved.clone();
        single.local_modes.remove(LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG);
        single.special_codes[SpecialCodeIndex::VMIN] = 1;
        single.special_codes[SpecialCodeIndex::VTIME] = 0;
        tcsetattr(&stdin, OptionalActions::Now, &single).ok()?;
        Some(SingleKeyMode { saved })
    }

    #[cfg(not(unix))]
    fn enable() -> Option<Self> {
        None
    }
}

impl Drop for SingleKeyMode {
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ =
            rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, &self.saved);
    }
}
