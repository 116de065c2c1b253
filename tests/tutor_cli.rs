//! The tutor without a terminal: the interactive commands explain themselves in Korean and
//! exit non-zero; `learn N --print` renders the whole lesson as plain text.

use std::process::{Command, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tutor/lessons");

fn loadlab(args: &[&str], home: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(args)
        .current_dir(home)
        .env("LOADLAB_PROGRESS_DIR", home)
        .env("LOADLAB_LESSONS", FIXTURES)
        .env("LOADLAB_WORKBOOK", home)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run loadlab")
}

#[test]
fn without_a_terminal_the_tutor_points_at_the_non_interactive_commands() {
    let home = tempfile::tempdir().unwrap();
    for args in [&[][..], &["learn", "1"][..]] {
        let output = loadlab(args, home.path());
        assert_eq!(output.status.code(), Some(2), "{args:?} without a terminal exits 2");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("대화형 터미널"), "{args:?}: {stderr}");
        assert!(stderr.contains("learn N --print"), "{args:?}: {stderr}");
        assert!(stderr.contains("check"), "{args:?}: {stderr}");
        assert!(!home.path().join("loadlab-progress.json").exists());
    }
}

#[test]
fn learn_print_renders_every_page_without_prompts_or_escape_codes() {
    let home = tempfile::tempdir().unwrap();
    let output = loadlab(&["learn", "1", "--print"], home.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains('\x1b'), "escape codes in piped output");
    let order =
        ["1. 연습용 첫 레슨", "첫 쪽: 표와 목록", "둘째 쪽: 퀴즈", "퀴즈 1 정답:", "셋째 쪽: 실행과 실습"];
    let positions: Vec<usize> =
        order.iter().map(|part| text.find(part).unwrap_or_else(|| panic!("{part}: {text}"))).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{text}");
    assert!(text.contains("$ cargo run --release -- run --solutions TodoUser -u 20 -r 5 -t 15s"), "{text}");
    assert!(text.contains("exercises/todo_user.rs의 빈칸을 채우세요"), "{text}");
    assert!(text.contains("⬜ TODO 수정 시나리오 완성하기"), "{text}");
    assert!(text.lines().all(|line| !line.starts_with("? ")), "a prompt in print mode: {text}");

    // The checklist shows the learner's real progress.
    std::fs::write(
        home.path().join("loadlab-progress.json"),
        r#"{"items_done": {"update_todo": "2025-01-01T00:00:00+09:00"}}"#,
    )
    .unwrap();
    let text = String::from_utf8(loadlab(&["learn", "1", "--print"], home.path()).stdout).unwrap();
    assert!(text.contains("✅ TODO 수정 시나리오 완성하기"), "{text}");

    let missing = loadlab(&["learn", "99", "--print"], home.path());
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("99번 레슨이 없어요"));
}
