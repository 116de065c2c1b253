//! The user classes a learner can run, as the registries list them: `solutions/`'s
//! `user_classes()` (compiled into loadlab) and the learner's own `exercises/main.rs`
//! `user_classes()`, read from the file so a class the learner registered shows up too.
//! The tutor's prompts name classes only through here, never from a list of its own.

use std::path::Path;

/// Class names of the finished scenarios, in the order `run` lists them.
pub fn solution_classes() -> Vec<String> {
    crate::solutions::user_classes().iter().map(|class| class.name.to_string()).collect()
}

/// Class names registered in `exercises/main.rs` of `workbook`, in order; the solutions'
/// names when the file cannot be read or lists none (the learner's copy is broken).
pub fn exercise_classes(workbook: &Path) -> Vec<String> {
    let names = std::fs::read_to_string(workbook.join("exercises/main.rs"))
        .map(|text| registered_classes(&text))
        .unwrap_or_default();
    if names.is_empty() { solution_classes() } else { names }
}

/// The `UserClass::of::<path::Name>()` entries inside `fn user_classes`, by their last segment.
/// Commented-out lines do not count: they are not registered.
pub fn registered_classes(main_rs: &str) -> Vec<String> {
    let Some(start) = main_rs.find("fn user_classes") else { return Vec::new() };
    let body = &main_rs[start..];
    let end = body.find("\n}").unwrap_or(body.len());
    body[..end]
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .flat_map(|line| line.split("UserClass::of::<").skip(1))
        .filter_map(|rest| rest.split_once(">()").map(|(path, _)| path))
        .map(|path| path.rsplit("::").next().unwrap_or(path).trim().to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_registered_classes_and_skips_commented_ones() {
        let main_rs = "fn shapes() -> Vec<ShapeClass> { vec![] }\n\
                       fn user_classes() -> Vec<UserClass> {\n    vec![\n        UserClass::of::<todo_user::TodoUser>(),\n\
                       //        UserClass::of::<old::OldUser>(),\n        UserClass::of::<ListHeavyUser>(),\n    ]\n}\n\
                       fn other() { UserClass::of::<not::Registered>(); }\n";
        assert_eq!(registered_classes(main_rs), ["TodoUser", "ListHeavyUser"]);
        assert!(registered_classes("fn main() {}").is_empty());
    }

    #[test]
    fn the_workbook_registers_what_the_solutions_register() {
        let workbook = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(exercise_classes(workbook), solution_classes());
        assert!(solution_classes().len() >= 4, "{:?}", solution_classes());
    }
}
