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

/// What text held to the glossary must not contain, each with the Korean reason: every rejected
/// variant (→ its term) and the formal register's endings (→ 해요체).
pub fn rejected() -> Vec<(String, String)> {
    let mut needles: Vec<(String, String)> = glossary()
        .iter()
        .flat_map(|entry| {
            entry
                .variants
                .iter()
                .map(|variant| (variant.clone(), format!("{}: '{}'로 써요", entry.concept, entry.term)))
        })
        .collect();
    needles.push(("니다".to_string(), "합쇼체: 해요체로 써요".to_string()));
    needles.push(("십시오".to_string(), "합쇼체: 해요체로 써요".to_string()));
    needles
}
