//! The grader: builds the learner's exercises, runs each checklist item against a fresh lab
//! server and judges it by behaviour ([`checks`]). Nothing here reads the learner's source text
//! except to point at the line of a `TODO:` marker.

pub mod build;
pub mod checks;
pub mod hunt;
pub mod observe;
pub mod practice;
pub mod source;
