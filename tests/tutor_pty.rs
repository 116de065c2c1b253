//! Drives the real `loadlab` binary in a pseudo-terminal, as a learner would: open the menu,
//! enter lesson 1, page forward, answer the quiz, quit; start again and land where it stopped.
//! The lessons are the test fixtures (LOADLAB_LESSONS) and the progress file lives in a temp
//! dir (LOADLAB_PROGRESS_DIR). Every wait has a timeout, and the child is killed if the test fails.

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tutor/lessons");
const WAIT: Duration = Duration::from_secs(15);

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    /// How much of the (escape-free) screen text earlier expectations consumed.
    seen: usize,
}

impl Session {
    fn start(home: &Path) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize { rows: 60, cols: 100, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_loadlab"));
        command.cwd(home);
        command.env("LOADLAB_PROGRESS_DIR", home);
        command.env("LOADLAB_LESSONS", FIXTURES);
        command.env("TERM", "xterm-256color");
        command.env("NO_COLOR", "1");
        let child = pair.slave.spawn_command(command).expect("spawn loadlab");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let _master = pair.master; // keeps the pty open while reading
            let mut buffer = [0u8; 4096];
            while let Ok(read) = reader.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buffer[..read]);
            }
        });
        Session { child, writer, output, seen: 0 }
    }

    fn screen(&self) -> String {
        strip_escapes(&String::from_utf8_lossy(&self.output.lock().unwrap()))
    }

    /// Waits until `text` appears after what earlier expectations consumed.
    fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if let Some(at) = screen[self.seen.min(screen.len())..].find(text) {
                self.seen += at + text.len();
                return;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let tail: String =
                    screen.chars().rev().take(1500).collect::<Vec<_>>().into_iter().rev().collect();
                panic!("did not see {text:?} within {WAIT:?}; the screen ends with:\n{tail}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        // One key at a time: an Esc followed at once by more bytes would read as one sequence.
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(80));
    }

    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("loadlab did not exit; the screen ends with:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
        }
    }
}

/// Removes CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ESC \`) and two-byte escapes.
fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\x1b' {
            if ch != '\r' {
                out.push(ch);
            }
            continue;
        }
        match chars.next() {
            Some('[') => {
                for next in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&next) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(next) = chars.next() {
                    if next == '\x07' || (next == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn progress(home: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(home.join("loadlab-progress.json")).expect("progress file written");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn menu_lesson_quiz_quit_and_resume() {
    let home = tempfile::tempdir().unwrap();

    let mut tutor = Session::start(home.path());
    tutor.expect("무엇을 할까요?");
    tutor.expect("처음부터 시작하기: 1. 연습용 첫 레슨");
    tutor.expect("👋 종료");

    // Menu → lesson list → lesson 1.
    tutor.send(DOWN);
    tutor.send(ENTER);
    tutor.expect("어느 레슨을 볼까요?");
    tutor.expect("2. 연습용 차트와 코드");
    tutor.send(ENTER);
    tutor.expect("1. 연습용 첫 레슨 · 1/3쪽");
    tutor.expect("첫 쪽: 표와 목록");
    tutor.expect("│ 중앙값 │ 200 ms 미만 │");
    tutor.expect("어디로 갈까요?");

    // Page forward to the quiz. The choices come shuffled (seeded by the quiz id), so find
    // where the right one is shown; a `q` meant for the pager must not filter the choices away.
    let lessons = loadlab::tutor::lesson::from_dir(Path::new(FIXTURES)).unwrap();
    let quiz = lessons[0].quizzes().next().expect("the fixture has a quiz").clone();
    let shown = quiz.display_order(0).iter().position(|&index| quiz.choices[index].correct).unwrap();
    tutor.send(ENTER);
    tutor.expect("1. 연습용 첫 레슨 · 2/3쪽");
    tutor.expect("부하 테스트(Load Test)의 목적은 무엇일까요?");
    tutor.expect("몇 시간 동안 메모리 누수가 없는지 보는 것");
    tutor.send("q");
    for _ in 0..shown {
        tutor.send(DOWN);
    }
    tutor.send(ENTER);
    tutor.expect("✅ 정답이에요!");
    tutor.expect("예상되는 사용자 수로 성능을 잽니다");

    // Back to the menu (다음 쪽, 이전 쪽, 메뉴로) and quit (the last item).
    tutor.expect("어디로 갈까요?");
    tutor.send(DOWN);
    tutor.send(DOWN);
    tutor.send(ENTER);
    tutor.expect("무엇을 할까요?");
    tutor.expect("👋 종료");
    // Typing filters the menu, so this keeps working when menu items are added.
    tutor.send("종료");
    tutor.send(ENTER);
    tutor.expect("진행 상황을 저장했어요");
    assert_eq!(tutor.wait_exit(), 0);

    // NO_COLOR: cursor movement only, not a single colour or style code.
    let raw = String::from_utf8_lossy(&tutor.output.lock().unwrap()).to_string();
    let styled = raw.match_indices("\x1b[").find_map(|(at, _)| {
        let code: String = raw[at + 2..].chars().take_while(|c| !('\x40'..='\x7e').contains(c)).collect();
        let is_style = raw[at + 2 + code.len()..].starts_with('m') && !code.is_empty() && code != "0";
        is_style.then(|| raw[at..].chars().take(30).collect::<String>())
    });
    assert!(styled.is_none(), "colour codes despite NO_COLOR: {styled:?}");

    let saved = progress(home.path());
    assert_eq!(saved["current_lesson"], 1, "{saved}");
    assert_eq!(saved["current_page"], 1, "{saved}");
    assert_eq!(saved["quiz_results"]["01-fixture-basics#1"]["correct"], true, "{saved}");
    assert_eq!(saved["quiz_results"]["01-fixture-basics#1"]["attempts"], 1, "{saved}");

    // Start again: "continue" lands on the quiz page, which remembers the answer.
    let mut tutor = Session::start(home.path());
    tutor.expect("이어서 하기: 1. 연습용 첫 레슨 (2/3쪽)");
    tutor.send(ENTER);
    tutor.expect("1. 연습용 첫 레슨 · 2/3쪽");
    tutor.expect("둘째 쪽: 퀴즈");
    tutor.expect("이미 맞힌 문제예요");
    tutor.expect("어디로 갈까요?");

    // Esc goes back to the menu; Ctrl-C leaves cleanly.
    tutor.send(ESC);
    tutor.expect("무엇을 할까요?");
    tutor.send(CTRL_C);
    tutor.expect("진행 상황을 저장했어요");
    assert_eq!(tutor.wait_exit(), 0);
    assert_eq!(progress(home.path())["current_page"], 1);
}

#[test]
fn a_drill_takes_a_prediction_runs_and_records_it() {
    let home = tempfile::tempdir().unwrap();
    let mut tutor = Session::start(home.path());
    tutor.expect("무엇을 할까요?");
    // Menu → lesson list → lesson 3 (the drill).
    tutor.send(DOWN);
    tutor.send(ENTER);
    tutor.expect("어느 레슨을 볼까요?");
    tutor.send(DOWN);
    tutor.send(DOWN);
    tutor.send(ENTER);
    tutor.expect("3. 연습용 예측해 보기 · 1/1쪽");
    tutor.expect("몇 %가 실패할까요?");
    tutor.expect("내 예측 (숫자):");
    tutor.send("100%");
    tutor.send(ENTER);
    tutor.expect("예측이 맞았어요");
    tutor.expect("측정값: 100 %");
    tutor.expect("연결을 기다리는 서버가 없어서");
    tutor.expect("어디로 갈까요?");
    tutor.send(CTRL_C);
    tutor.expect("진행 상황을 저장했어요");
    assert_eq!(tutor.wait_exit(), 0);
    let saved = &progress(home.path())["drill_results"]["03-fixture-drill!1"];
    assert_eq!(saved["close"], true, "{saved}");
    assert_eq!(saved["prediction"], "100 %", "{saved}");
}
