//! Where the workbook lives on disk — one answer for every part. The workbook is the folder
//! holding `Cargo.toml`, `exercises/` and `solutions/`: the source tree this binary was built
//! from, unless [`WORKBOOK_ENV`] points elsewhere. The progress file lives there too, unless
//! [`PROGRESS_ENV`] moves it (tests grade the real exercises while keeping progress apart).

use std::path::PathBuf;

/// Points at another workbook folder.
pub const WORKBOOK_ENV: &str = "LOADLAB_WORKBOOK";
/// Puts the progress file in another folder than the workbook.
pub const PROGRESS_ENV: &str = "LOADLAB_PROGRESS_DIR";

fn from_env(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|dir| !dir.is_empty()).map(PathBuf::from)
}

/// The workbook folder: [`WORKBOOK_ENV`] if set and not empty, else the source tree `loadlab`
/// was built from when it still has `exercises/`, else the current directory.
pub fn workbook_dir() -> PathBuf {
    from_env(WORKBOOK_ENV).unwrap_or_else(|| {
        let source_tree = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        if source_tree.join("exercises").is_dir() {
            source_tree
        } else {
            std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
        }
    })
}

/// The folder of the progress file: [`PROGRESS_ENV`] if set and not empty, else the workbook.
pub fn progress_dir() -> PathBuf {
    from_env(PROGRESS_ENV).unwrap_or_else(workbook_dir)
}
