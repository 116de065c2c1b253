//! `loadlab watch` in a real pseudo-terminal: every line it prints starts at the left edge
//! (keys are read one at a time without turning off the terminal's newline translation), and the
//! key help is printed once per new output, not on every quiet poll of the files.
//!
//! The workbook is a throwaway one whose exercises never compile, so "building" takes a moment
//! and nothing here depends on the learner's real files.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEYS_HELP: &str = "[h] 힌트";
const WAIT: Duration = Duration::from_secs(120);

fn broken_workbook() -> tempfile::TempDir {
    let workbook = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| std::fs::write(workbook.path().join(path), text).unwrap();
    write("Cargo.toml", "[workspace]\nmembers = [\"exercises\"]\nresolver = \"3\"\n");
    std::fs::create_dir(workbook.path().join("exercises")).unwrap();
    write(
        "exercises/Cargo.toml",
        "[package]\nname = \"exercises\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[[bin]]\nname = \"exercises\"\npath = \"main.rs\"\n",
    );
    write("exercises/main.rs", "fn main() { let x = ; }\n");
    workbook
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn watch_prints_whole_lines_and_the_key_help_once_per_change() {
    let workbook = broken_workbook();
    let pair = native_pty_system()
        .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
        .expect("open a pty");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_loadlab"));
    command.args(["watch", "update_todo"]);
    command.env("NO_COLOR", "1");
    command.env("TERM", "xterm-256color");
    command.env("LOADLAB_WORKBOOK", workbook.path());
    command.env("LOADLAB_PROGRESS_DIR", workbook.path());
    command.env("CARGO_TARGET_DIR", workbook.path().join("target"));
    let mut child = pair.slave.spawn_command(command).expect("spawn loadlab watch");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let mut writer = pair.master.take_writer().expect("pty writer");
    let output = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = Arc::clone(&output);
    std::thread::spawn(move || {
        let _master = pair.master;
        let mut buffer = [0u8; 4096];
        while let Ok(read) = reader.read(&mut buffer) {
            if read == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buffer[..read]);
        }
    });
    let text = || String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    let wait_for = |needle: &str, times: usize, child: &mut Box<dyn portable_pty::Child + Send + Sync>| {
        let deadline = Instant::now() + WAIT;
        while count(&text(), needle) < times {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("did not see {needle:?} {times} times:\n{}", text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };

    wait_for(KEYS_HELP, 1, &mut child);
    // Several quiet polls of the files (one every 2 s) go by: no new output, no new help.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(count(&text(), KEYS_HELP), 1, "the help repeats without a change:\n{}", text());
    writer.write_all(b"l").unwrap();
    writer.flush().unwrap();
    wait_for("▶ ⬜ update_todo", 1, &mut child);
    wait_for(KEYS_HELP, 2, &mut child);
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    wait_for("지켜보기를 마쳤어요", 1, &mut child);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "watch did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());

    // What the terminal received: with the translation on, each newline comes as "\r\n".
    let bytes = output.lock().unwrap().clone();
    let bare =
        bytes.iter().enumerate().filter(|&(at, &byte)| byte == b'\n' && (at == 0 || bytes[at - 1] != b'\r'));
    let bare: Vec<usize> = bare.map(|(at, _)| at).collect();
    assert!(bare.is_empty(), "{} lines would start mid-screen (a staircase):\n{}", bare.len(), text());
    assert_eq!(count(&text(), KEYS_HELP), 2, "{}", text());
}
