//! The glossary (`lessons/glossary.tsv`), read the same way by every test that holds text to it.

use std::path::Path;

/// One glossary row: the concept, the term to use, the variants to reject.
pub struct Entry {
    pub concept: String,
    pub term: String,
    pub variants: Vec<String>,
}

pub fn glossary() -> Vec<Entry> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/glossary.tsv"))
        .expect("lessons/glossary.tsv");
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            assert!(columns.len() >= 3, "glossary line needs concept, term and variants: {line:?}");
            Entry {
                concept: columns[0].to_string(),
                term: columns[1].to_string(),
                variants: columns[2].split(',').filter(|v| !v.is_empty()).map(String::from).collect(),
            }
        })
        .collect()
}
