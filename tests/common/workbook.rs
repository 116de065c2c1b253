//! A scratch copy of the workbook, for tests that change the learner's files and build them
//! through the real commands. It sits at one fixed place in this build's target directory and is
//! copied with the files' times kept, so the tests that use it compile the copy's `loadlab` once
//! between them; each test gets a fresh copy of the files.

use std::path::{Path, PathBuf};

/// The workbook as a learner's checkout has it (tests and target left out).
const WORKBOOK_ENTRIES: [&str; 9] = [
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
    "rustfmt.toml",
    "src",
    "exercises",
    "solutions",
    "lessons",
    "benches",
];

/// This build's target directory (`target/`): cargo gives integration tests `target/tmp`.
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf()
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
        let modified = std::fs::metadata(from).unwrap().modified().unwrap();
        std::fs::File::options().write(true).open(to).unwrap().set_modified(modified).unwrap();
    }
}

/// The scratch copy, held by one test at a time (tests of one binary run in parallel).
pub struct Scratch {
    path: PathBuf,
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A fresh copy of the workbook at `target/tmp/scratch-workbook`, this test's until dropped.
///
/// Its `loadlab` has another version: cargo hashes a path package relative to its workspace
/// root, so with the same version the copy would share this checkout's artifacts and each would
/// rebuild over the other.
pub fn scratch() -> Scratch {
    let turn = TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scratch-workbook");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).unwrap();
    }
    std::fs::create_dir_all(&scratch).unwrap();
    for entry in WORKBOOK_ENTRIES {
        copy_tree(&root.join(entry), &scratch.join(entry));
    }
    let manifest = scratch.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let scratch_text = text.replacen("version = \"0.1.0\"", "version = \"0.1.0-scratch\"", 1);
    assert_ne!(text, scratch_text, "Cargo.toml's version line changed: update tests/common/workbook.rs");
    std::fs::write(&manifest, scratch_text).unwrap();
    let modified = std::fs::metadata(root.join("Cargo.toml")).unwrap().modified().unwrap();
    std::fs::File::options().write(true).open(&manifest).unwrap().set_modified(modified).unwrap();
    Scratch { path: scratch, _turn: turn }
}
