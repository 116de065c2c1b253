//! Two processes changing the progress file at once lose nothing: every change goes through
//! `Progress::update`, which holds the file's advisory lock across load, change and save.
//!
//! The two writers are this test binary run again as children (`WRITER` set), each ticking its
//! own items one update at a time while the other does the same.

use std::process::Command;

use loadlab::progress::Progress;

const WRITER: &str = "LOADLAB_TEST_PROGRESS_WRITER";
const UPDATES: usize = 150;

/// This test's name as the test binary knows it (`progress_lock::two_…`, without the crate).
fn this_test() -> String {
    let module = module_path!().split_once("::").map_or("", |(_, inside)| inside);
    format!("{module}::two_processes_updating_progress_lose_nothing")
}

#[test]
fn two_processes_updating_progress_lose_nothing() {
    if let Ok(writer) = std::env::var(WRITER) {
        for index in 0..UPDATES {
            let (saved, _) =
                Progress::update(|progress| progress.mark_item_done(&format!("{writer}-{index}")))
                    .expect("update");
            assert!(saved.is_item_done(&format!("{writer}-{index}")));
        }
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let writers: Vec<_> = ["a", "b"]
        .iter()
        .map(|writer| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", &this_test(), "--nocapture"])
                .env(WRITER, writer)
                .env("LOADLAB_PROGRESS_DIR", home.path())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success());
    }
    let (progress, warning) = Progress::load_from(&home.path().join(loadlab::progress::FILE_NAME));
    assert_eq!(warning, None);
    for writer in ["a", "b"] {
        let missing: Vec<usize> =
            (0..UPDATES).filter(|index| !progress.is_item_done(&format!("{writer}-{index}"))).collect();
        assert!(missing.is_empty(), "writer {writer} lost {} of {UPDATES} updates", missing.len());
    }
}
