//! A post: plain data, already made safe to show.

use chrono::{DateTime, FixedOffset};
use std::path::PathBuf;

/// One post of the feed. Every text field has passed `sanitize` when it was
/// loaded, so it can be drawn or printed as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Where the post came from: a path below the feed folder, or the name of
    /// a bundled sample file.
    pub path: PathBuf,
    pub title: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub tags: Vec<String>,
    /// Empty when the post names no source.
    pub source: String,
    /// The external_url as written (made safe to show); it is checked again
    /// by `sanitize::safe_url` before anything opens it.
    pub url: String,
    pub kind: String,
    pub draft: bool,
    /// Empty when the post has no tldr.
    pub tldr: String,
    /// The paragraph the detail pane shows; may hold newlines.
    pub summary: String,
}

impl Post {
    /// The date as `YYYY-MM-DD`, or an empty string.
    pub fn day(&self) -> String {
        self.date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
    }

    /// Seconds since the epoch; posts without a date sort last.
    pub fn timestamp(&self) -> Option<i64> {
        self.date.map(|d| d.timestamp())
    }

    /// The text the detail pane shows under the header.
    pub fn body_text(&self) -> &str {
        if self.summary.is_empty() { &self.tldr } else { &self.summary }
    }
}
