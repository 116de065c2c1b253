//! The load engine: a Locust-style load generator. Virtual users ([`user::User`]) loop over
//! weighted tasks with wait times, spawned at a spawn rate toward a [`shape::Schedule`]; every
//! request is recorded in [`stats`]; [`console`] prints Locust's tables from the result.
//!
//! Entry point: [`run`] with a [`RunConfig`]. A front end that steers a run while it goes (the
//! web UI, a Locust worker) gives it a [`control::channel`] and [`shape::Schedule::controlled`].
//!
//! Layers, each importing only those below it: the data of a run ([`record`], [`histogram`],
//! [`interval`], [`stats`], [`result`], [`wait_time`], [`shape`]) knows nothing of users; the
//! run's shared state (`context`) stands on it; the [`client`] and the [`user`]s on that; the
//! [`runner`] over all of them.

pub mod client;
pub mod console;
mod context;
pub mod control;
pub mod cpu;
pub mod histogram;
pub mod http;
pub mod interval;
mod population;
pub mod random;
pub mod record;
pub mod result;
pub mod runner;
mod sampler;
pub mod server_metrics;
pub mod shape;
pub mod stats;
mod task_guard;
pub mod user;
pub mod wait_time;
pub mod workbook;

pub use runner::{LiveStatus, RunConfig, run};
pub use stats::RunResult;
