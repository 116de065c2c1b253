//! Switchable real bottlenecks of the lab server (`loadlab serve --bottleneck NAME`).
//!
//! Owns: the list of bottlenecks ([`catalogue`]), the switches a running server reads at each
//! request ([`switches`]), the request-level machinery of those that live outside the database
//! — session pool ([`sessions`]), audit log ([`audit`]), request history ([`history`]), slow
//! ETag ([`etag`]), all on real work of a known length ([`busy_work`]) — and the server-side
//! telemetry that lets `explain` tell them apart ([`telemetry`]); [`Active`] holds one
//! server's set. Promises: each one does the bad thing for real — extra queries, table scans,
//! blocking calls on async threads, CPU work, retained memory — never a `sleep` pretending to
//! be slow. The healthy counterpart of each is the default.
//!
//! Where a lesson needs a known cost (the pool's hold, the blocking stall, the ETag), the cost
//! is real work sized at server start: SQLite really computes for [`POOL_HOLD`] while a
//! session is held, so a saturation finder can predict the break point (about
//! `1 / POOL_HOLD` requests per second) on any machine and in any build.

mod active;
mod audit;
mod busy_work;
mod catalogue;
mod etag;
mod history;
mod sessions;
mod switches;
mod telemetry;

pub use active::Active;
pub use audit::{AuditLog, BLOCKING_STALL, journal_path};
pub use busy_work::BusyWork;
pub use catalogue::Bottleneck;
pub use etag::{SLOW_ETAG_COST, etag_rounds_for, expensive_etag};
pub use history::{LEAK_CAP_BYTES, LEAK_PER_REQUEST, RequestHistory};
pub use sessions::{POOL_HOLD, POOL_SIZE, SESSION_TIMEOUT, SessionPool};
pub use switches::Switches;
pub use telemetry::{PollTelemetry, SLOW_POLL};
