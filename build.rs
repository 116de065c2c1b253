//! Embeds the lessons: writes `$OUT_DIR/lessons.rs` with every `lessons/*.md`, sorted by file
//! name, as `(file name, include_str!(..))`. A missing or empty `lessons/` gives an empty list,
//! so the crate always compiles.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=build.rs");

    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("lessons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "md"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();

    let mut code = String::from("/// Every `lessons/*.md`, sorted by file name: (file name, text).\n");
    code.push_str("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for path in &files {
        let name = path.file_name().and_then(|name| name.to_str()).expect("lesson file names are UTF-8");
        // Relative to the package, not this checkout's absolute path: two checkouts that share a
        // target directory share this file too (cargo hashes path packages relative to the
        // workspace root), so an absolute path would point into the other checkout.
        let relative = format!("/lessons/{name}");
        writeln!(code, "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {relative:?}))),")
            .unwrap();
    }
    code.push_str("];\n");

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lessons.rs");
    // Rewrite only on change, so an unchanged list does not rebuild the crate.
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code).expect("write lessons.rs");
    }
}
