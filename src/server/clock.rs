//! The lab server's clock as the original shows it: one timestamp format for the todos'
//! `created_at`/`updated_at` and the audit log's lines.

/// The original's timestamps: UTC, no zone, microseconds — and, like Python's `isoformat`,
/// no fraction at all when the microseconds are exactly zero.
pub fn now_timestamp() -> String {
    let now = chrono::Utc::now().naive_utc();
    if now.and_utc().timestamp_subsec_micros() == 0 {
        now.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        now.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
    }
}
