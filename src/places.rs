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

/// Where the running binary was built: the cargo target directory and the profile folder inside
/// it (`release`, `debug`, …). `None` for an installed binary (`cargo install`, a copy on the
/// PATH): cargo marks every target directory it creates with `CACHEDIR.TAG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildDir {
    pub target_dir: PathBuf,
    pub profile: String,
}

/// The build folder of the running binary (`target/release/loadlab`, a test's
/// `target/debug/deps/name-hash`, or the learner's `target/release/exercises`).
pub fn running_build_dir() -> Option<BuildDir> {
    build_dir_of(&std::env::current_exe().ok()?)
}

fn build_dir_of(executable: &std::path::Path) -> Option<BuildDir> {
    let mut profile_dir = executable.parent()?;
    if profile_dir.ends_with("deps") || profile_dir.ends_with("examples") {
        profile_dir = profile_dir.parent()?;
    }
    let target_dir = profile_dir.parent()?;
    let profile = profile_dir.file_name()?.to_str()?.to_string();
    target_dir
        .join("CACHEDIR.TAG")
        .is_file()
        .then(|| BuildDir { target_dir: target_dir.to_path_buf(), profile })
}

/// How the learner types a loadlab command, for every command loadlab prints: from a checkout
/// (the binary sits in a cargo target directory) the README's `cargo run --release --`, which
/// works wherever the checkout is; an installed binary is called by its name.
pub fn command_prefix() -> &'static str {
    static PREFIX: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    PREFIX.get_or_init(|| if running_build_dir().is_some() { CHECKOUT_PREFIX } else { INSTALLED_PREFIX })
}

/// The README's form, from a checkout.
pub const CHECKOUT_PREFIX: &str = "cargo run --release --";
/// An installed binary's form.
pub const INSTALLED_PREFIX: &str = "loadlab";

/// A text that writes its commands in the README's form (`cargo run --release -- …`: lessons,
/// tables), with each in the form that works for this loadlab.
pub fn localized_commands(text: &str) -> String {
    text.replace(CHECKOUT_PREFIX, command_prefix())
}

/// A loadlab command as the learner pastes it: `command("hint update_todo")`.
pub fn command(arguments: &str) -> String {
    format!("{} {arguments}", command_prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_in_a_cargo_target_directory_knows_its_build_folder() {
        let target = tempfile::tempdir().unwrap();
        std::fs::write(target.path().join("CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55")
            .unwrap();
        let release = target.path().join("release");
        assert_eq!(
            build_dir_of(&release.join("loadlab")),
            Some(BuildDir { target_dir: target.path().to_path_buf(), profile: "release".into() })
        );
        assert_eq!(
            build_dir_of(&target.path().join("debug/deps/cli-0123abcd")),
            Some(BuildDir { target_dir: target.path().to_path_buf(), profile: "debug".into() })
        );
    }

    #[test]
    fn an_installed_binary_has_no_build_folder() {
        let home = tempfile::tempdir().unwrap();
        assert_eq!(build_dir_of(&home.path().join(".cargo/bin/loadlab")), None);
        assert_eq!(build_dir_of(std::path::Path::new("/loadlab")), None);
    }

    #[test]
    fn commands_carry_the_prefix_of_how_loadlab_was_started() {
        // The unit-test binary runs from target/debug/deps: a checkout.
        assert_eq!(command_prefix(), CHECKOUT_PREFIX);
        assert_eq!(command("hint update_todo"), "cargo run --release -- hint update_todo");
        let text = "`cargo run --release -- hunt`의 단계를 따라요";
        assert_eq!(localized_commands(text), text);
    }
}
