//! The wall clock: what "upcoming", "in 3 days" and `publishDate` are
//! relative to. `LINKFEED_NOW` (RFC 3339, e.g. `2026-05-01T12:00:00Z`) sets it,
//! for tests and reproducible runs; otherwise it is the system's. A leaf.

/// The zone times are shown in, once chosen ([`use_system_zone`]); UTC
/// until then (the tests' apps, and anything that never asks).
static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();

/// Shows times in the system's zone from now on: `TZ`, else the system's
/// setting (`/etc/localtime`). Called once by the program at its start.
pub fn use_system_zone() {
    let _ = ZONE.set(jiff::tz::TimeZone::system());
}

/// `ts` (seconds) in the display zone, by `strftime`-style `fmt` (`%Z` is
/// the zone's abbreviation: `CET`, `EDT`, `UTC`).
pub fn local(ts: i64, fmt: &str) -> String {
    let zone = ZONE.get().cloned().unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(ts).map(|t| t.to_zoned(zone).strftime(fmt).to_string()).unwrap_or_default()
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::env::var("LINKFEED_NOW")
        .ok()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s.trim()).ok())
        .map_or_else(|| chrono::Utc::now().timestamp(), |d| d.timestamp())
}

/// A short date for a list row, at most six columns: how long ago for the
/// last eight weeks (`now`, `45m`, `3h`, `2d`, `5w`), the month and day
/// within the year (`Mar 24`), the year before that (`2023`). A date in the
/// future (an event) is the month and day (`Oct 2`), with the year when it is
/// not this year's (`Mar'27`: the month then, the day in the detail pane);
/// later today, its time (`18:00`).
pub fn relative(ts: i64, now: i64) -> String {
    const MIN: i64 = 60;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    let age = now - ts;
    // Days, months and years as the display zone counts them.
    let date = |fmt: &str| Some(local(ts, fmt));
    let far = age.abs() >= 330 * DAY;
    let same_year = local(ts, "%Y") == local(now, "%Y");
    let same_day = local(ts, "%F") == local(now, "%F");
    match age {
        // Later today (an event): its time.
        a if a < -MIN && same_day => date("%H:%M").unwrap_or_default(),
        a if a < -MIN => if same_year { date("%b %-d") } else { date("%b'%y") }.unwrap_or_default(),
        _ if far => date("%Y").unwrap_or_default(),
        a if a < MIN => "now".into(),
        a if a < HOUR => format!("{}m", a / MIN),
        a if a < DAY => format!("{}h", a / HOUR),
        a if a < 7 * DAY => format!("{}d", a / DAY),
        a if a < 8 * 7 * DAY => format!("{}w", a / (7 * DAY)),
        _ => date("%b %-d").unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_dates_are_short() {
        // 2026-05-01T12:00:00Z
        let now = 1_777_636_800;
        let cases = [
            (now, "now"),
            (now - 45 * 60, "45m"),
            (now - 3 * 3600, "3h"),
            (now - 2 * 86400, "2d"),
            (now - 7 * 86400, "1w"),
            (now - 35 * 86400, "5w"),
            (now - 60 * 86400, "Mar 2"),
            (now - 300 * 86400, "Jul 5"),
            (now - 400 * 86400, "2025"),
            (now - 3 * 365 * 86400, "2023"),
            (now + 3 * 86400, "May 4"),
            (now + 6 * 3600, "18:00"),
            (now + 13 * 3600, "May 2"),
            (now + 400 * 86400, "Jun'27"),
            (now + 250 * 86400, "Jan'27"),
        ];
        for (ts, want) in cases {
            let got = relative(ts, now);
            assert_eq!(got, want, "{ts}");
            assert!(got.chars().count() <= 6);
        }
    }
}
