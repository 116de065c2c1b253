//! The README's "구성" table is the map of the source tree: every path it names exists, and
//! every top-level part of `src/` is on it.

const README: &str = include_str!("../README.md");

fn layout_table() -> Vec<(String, Vec<String>)> {
    let section = README.split("## 구성").nth(1).expect("README has a 구성 section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| 부분"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            let paths = cells.last().unwrap().split('`').skip(1).step_by(2).map(str::to_string).collect();
            (cells[0].trim().to_string(), paths)
        })
        .collect()
}

#[test]
fn every_path_in_the_layout_table_exists() {
    let rows = layout_table();
    assert!(rows.len() >= 8, "{rows:?}");
    for (part, paths) in &rows {
        assert!(!paths.is_empty(), "{part}: no path");
        for path in paths {
            let on_disk =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path.trim_end_matches("*.md"));
            assert!(on_disk.exists(), "{part}: {path} does not exist");
        }
    }
}

#[test]
fn every_part_of_src_is_in_the_layout_table() {
    let named: Vec<String> = layout_table().into_iter().flat_map(|(_, paths)| paths).collect();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(src).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "lib.rs" {
            continue;
        }
        let dir = format!("src/{name}/");
        let file = format!("src/{name}");
        assert!(
            named.iter().any(|path| *path == dir || *path == file),
            "src/{name} is not in README's 구성 table"
        );
    }
}
