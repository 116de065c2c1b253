//! The words: lessons, hints, drills, the glossary, the README and every Korean message, held
//! to the code they describe. One test binary; each module is the file of the same name beside
//! this one.

#[path = "common/glossary.rs"]
mod glossary_file;

mod josa;
mod lesson_commands;
mod message_voice;
mod readme_layout;
mod tutor_drills;
mod tutor_glossary;
mod tutor_golden;
mod tutor_lessons;
