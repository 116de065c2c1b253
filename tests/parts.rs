//! The library's parts, driven in-process: the engine and its HTTP client, the lab server,
//! reports, explanations, the grader, the worker's protocol and the dashboard's API. One test
//! binary (cargo links it once); each module is the file of the same name beside this one.

mod common;
mod http_support;
#[path = "fixtures/report/server.rs"]
mod report_server;
#[path = "common/users.rs"]
mod users;
mod web_support;

mod bottleneck_lab;
mod client;
mod control;
mod engine;
mod engine_schedule;
mod engine_stats;
mod explain;
mod explain_locust_csv;
mod grader;
mod hostile;
mod https;
mod progress_lock;
mod report_compare;
mod report_files;
mod report_thresholds;
mod saturation;
mod server_bottlenecks;
mod server_create;
mod server_metrics;
mod server_openapi;
mod server_perf;
mod server_routes;
mod server_storage;
mod shapes;
mod web_api;
mod worker_protocol;
