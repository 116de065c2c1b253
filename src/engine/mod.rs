//! The load engine: a Locust-style load generator. Virtual users ([`user::User`]) loop over
//! weighted tasks with wait times, spawned at a spawn rate toward a [`shape::Schedule`]; every
//! request is recorded in [`stats`]; [`console`] prints Locust's tables from the result.
//!
//! Entry point: [`run`] with a [`RunConfig`].

pub mod client;
pub mod console;
pub mod cpu;
pub mod histogram;
pub mod http;
pub mod random;
pub mod result;
pub mod runner;
pub mod server_metrics;
pub mod shape;
pub mod stats;
mod task_guard;
pub mod user;
pub mod workbook;

pub use runner::{LiveStatus, RunConfig, run};
pub use stats::RunResult;
