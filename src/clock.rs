//! The wall clock: what "upcoming", "in 3 days" and `publishDate` are
//! relative to. `LINKFEED_NOW` (RFC 3339, e.g. `2026-05-01T12:00:00Z`) sets it,
//! for tests and reproducible runs; otherwise it is the system's. A leaf.

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::env::var("LINKFEED_NOW")
        .ok()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s.trim()).ok())
        .map_or_else(|| chrono::Utc::now().timestamp(), |d| d.timestamp())
}
