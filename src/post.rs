//! A post: plain data, already made safe to show.

use chrono::{DateTime, FixedOffset};
use std::path::PathBuf;

/// One post of the feed. Every text field has passed `sanitize` when it was
/// loaded, so it can be drawn or printed as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Post {
    /// Where the post came from: a path below the feed folder, or the name of
    /// a bundled sample file.
    pub path: PathBuf,
    pub title: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub tags: Vec<String>,
    /// `categories` and `keywords`: searched like tags, shown after them.
    pub categories: Vec<String>,
    /// Empty when the post names no source.
    pub source: String,
    /// The link the post opens (the first of `external_url`, `devto_url`,
    /// `canonical_url`, `url`, `link` that is present), made safe to show; it
    /// is checked again by `sanitize::safe_url` before anything opens it.
    /// Empty when there is none.
    pub url: String,
    /// `post_kind`, else derived from the section: `release`, `event`,
    /// `blog` or `link`. Never empty once the feed is assembled.
    pub kind: String,
    /// The section: the first folder below the feed root (`docs`, `events`);
    /// empty for a post at the root.
    pub section: String,
    /// The section's title, from its `_index.md` (else the folder name).
    pub section_title: String,
    pub draft: bool,
    /// Empty when the post has no tldr.
    pub tldr: String,
    /// The paragraph shown above the body: `summary`, else `description`;
    /// may hold newlines.
    pub summary: String,
    /// The Markdown body below the front matter, made safe like the summary
    /// (controls visible, tabs expanded); rendered for the detail pane.
    pub body: String,
    /// When the post may be shown (`publishDate`) and until when (`expiryDate`).
    pub publish_date: Option<DateTime<FixedOffset>>,
    pub expiry_date: Option<DateTime<FixedOffset>>,
    /// Hugo's ordering weight, slug and old paths: kept, shown nowhere yet.
    pub weight: Option<i64>,
    pub slug: String,
    pub aliases: Vec<String>,
    /// When, where and how an event happens (`kind == "event"`).
    pub event: Option<Box<Event>>,
    /// Other files with the same link, folded into this row.
    pub also: Vec<PathBuf>,
}

/// An event's data, from its front matter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// `eventDate`, else `date`.
    pub start: Option<DateTime<FixedOffset>>,
    /// `endDate`.
    pub end: Option<DateTime<FixedOffset>>,
    /// `location`, else `city, country`; empty when unknown.
    pub place: String,
    /// `in-person`, `online`, `hybrid`, or as written; empty when unknown.
    pub mode: String,
    pub organizer: String,
}

impl Event {
    /// Whether the event has not ended by `now` (an event with no date is
    /// neither upcoming nor past).
    pub fn is_upcoming(&self, now: i64) -> Option<bool> {
        let last = self.end.or(self.start)?;
        // An event without an end time lasts its day.
        let slack = if self.end.is_some() { 0 } else { 24 * 3600 };
        Some(last.timestamp() + slack > now)
    }
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

    /// The short text shown above the body: the summary, else the tldr.
    pub fn body_text(&self) -> &str {
        if self.summary.is_empty() { &self.tldr } else { &self.summary }
    }

    /// When the event starts, for events.
    pub fn event_start(&self) -> Option<DateTime<FixedOffset>> {
        self.event.as_ref().and_then(|e| e.start)
    }
}
