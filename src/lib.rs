//! loadlab — 한국어 성능 테스트 실습서.
//!
//! The library holds the five parts of the product; `src/main.rs` only hands its arguments to
//! [`cli::main`]. The documented entry points are:
//!
//! - [`prelude`]: the scenario API a learner writes against (users, tasks, wait times, client).
//! - [`engine::run`]: runs user classes against a host and returns the statistics.
//! - [`server::start`]: starts the lab TODO server (the guide's FastAPI app, in Rust).
//! - [`tutor`]: the interactive Korean tutor and the lesson renderer.

extern crate self as loadlab;

pub mod checklist;
pub mod cli;
pub mod engine;
pub mod exit;
pub mod explain;
pub mod grader;
pub mod import;
pub mod lab_metrics;
pub mod limits;
pub mod ops;
pub mod places;
pub mod process;
pub mod progress;
pub mod report;
pub mod server;
pub mod text;
pub mod tutor;
pub mod web;
pub mod worker;

/// The guide's finished scenarios, compiled into `loadlab` so demos need no build step.
#[path = "../solutions/mod.rs"]
pub mod solutions;

/// What a scenario file imports: `use loadlab::prelude::*;`.
pub mod prelude {
    pub use crate::engine::client::{Client, RequestBuilder, Response};
    pub use crate::engine::random::{choose, randint, random_bool, random_string, uniform};
    pub use crate::engine::shape::{LoadShape, ShapeClass};
    pub use crate::engine::user::{
        Task, User, UserClass, WaitTime, between, constant, constant_throughput, task,
    };
    pub use crate::engine::workbook::Workbook;
    pub use serde_json::{Value, json};
    pub use std::time::Duration;
}
