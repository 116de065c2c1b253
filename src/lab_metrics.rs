//! The names of the series the lab server writes at `/metrics`, in one table.
//!
//! Owns: every `loadlab_*` metric name. Promises: the server's writer (`server::metrics`,
//! `server::bottlenecks`) and the engine's sampler (`engine::server_metrics`) spell a series the
//! same way because both take it from here; this module imports nothing, so neither side needs
//! the other's internals. `tests/server_metrics.rs` holds the server to writing every name in
//! [`ALL`] and the sampler to reading what it writes.

/// Requests answered, by `method`, `route` pattern and `status` (counter).
pub const HTTP_REQUESTS_TOTAL: &str = "loadlab_http_requests_total";
/// Request latency by `method` and `route` (histogram: `_bucket`, `_sum`, `_count`).
pub const HTTP_REQUEST_DURATION_SECONDS: &str = "loadlab_http_request_duration_seconds";
/// TCP connections open now (gauge).
pub const HTTP_OPEN_CONNECTIONS: &str = "loadlab_http_open_connections";
/// Resident memory of the server process in bytes (gauge).
pub const PROCESS_RESIDENT_MEMORY_BYTES: &str = "loadlab_process_resident_memory_bytes";
/// Queries sent to the database (counter).
pub const DB_QUERIES_TOTAL: &str = "loadlab_db_queries_total";
/// Bytes of request records kept by the memory-leak bottleneck (gauge; only while it is on).
pub const REQUEST_HISTORY_BYTES: &str = "loadlab_request_history_bytes";
/// Todos in the database (gauge).
pub const TODOS: &str = "loadlab_todos";
/// Rows stepped over by full table scans (counter).
pub const DB_ROWS_SCANNED_TOTAL: &str = "loadlab_db_rows_scanned_total";
/// Response body bytes sent, after compression, `/metrics` left out (counter).
pub const HTTP_SENT_BODY_BYTES_TOTAL: &str = "loadlab_http_sent_body_bytes_total";
/// Response body bytes before compression, the same requests (counter).
pub const HTTP_BODY_BYTES_TOTAL: &str = "loadlab_http_body_bytes_total";
/// Polls of a `/todos` request that kept an async worker thread over 1 ms (counter).
pub const ASYNC_SLOW_POLLS_TOTAL: &str = "loadlab_async_slow_polls_total";
/// Seconds those polls kept their thread (counter).
pub const ASYNC_BLOCKED_SECONDS_TOTAL: &str = "loadlab_async_blocked_seconds_total";
/// Size of the database session pool (gauge; with pool-starvation or in the hunt).
pub const DB_POOL_SIZE: &str = "loadlab_db_pool_size";
/// Seconds requests waited for a database session (counter; with pool-starvation or in the hunt).
pub const DB_SESSION_WAIT_SECONDS_TOTAL: &str = "loadlab_db_session_wait_seconds_total";
/// 1 while the server runs the hunt's secret bottleneck (gauge; only then).
pub const LAB_SECRET_BOTTLENECK: &str = "loadlab_lab_secret_bottleneck";

/// Every name above. A series may be absent while its feature is off (see each name).
pub const ALL: [&str; 15] = [
    HTTP_REQUESTS_TOTAL,
    HTTP_REQUEST_DURATION_SECONDS,
    HTTP_OPEN_CONNECTIONS,
    PROCESS_RESIDENT_MEMORY_BYTES,
    DB_QUERIES_TOTAL,
    REQUEST_HISTORY_BYTES,
    TODOS,
    DB_ROWS_SCANNED_TOTAL,
    HTTP_SENT_BODY_BYTES_TOTAL,
    HTTP_BODY_BYTES_TOTAL,
    ASYNC_SLOW_POLLS_TOTAL,
    ASYNC_BLOCKED_SECONDS_TOTAL,
    DB_POOL_SIZE,
    DB_SESSION_WAIT_SECONDS_TOTAL,
    LAB_SECRET_BOTTLENECK,
];
