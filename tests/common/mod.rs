//! Helpers shared by the integration tests, as `mod common;` in a test file.
//!
//! Each test file is its own crate and uses only part of this, hence `dead_code` is allowed
//! here. Test files that need only the glossary may keep including `common/glossary.rs` by path.

#![allow(dead_code)]

pub mod glossary;
pub mod lab;
pub mod workbook;
