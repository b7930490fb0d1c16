//! A post: plain data, already made safe to show.

use chrono::{DateTime, FixedOffset};
use std::path::PathBuf;
use std::sync::Arc;

/// One post of the feed. Every text field has passed `sanitize` when it was
/// loaded, so it can be drawn or printed as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Post {
    /// Where the post came from: a path below the feed folder, or the name of
    /// a bundled sample file.
    /// Not kept in the parse cache: the loader sets it from where the file is.
    #[serde(skip)]
    pub path: PathBuf,
    pub title: String,
    #[serde(with = "compact_date")]
    pub date: Option<DateTime<FixedOffset>>,
    /// Shared: a feed has a few hundred distinct tags, and the posts read
    /// from the parse cache on one core share one allocation of each
    /// (`shared::tags`) instead of one per post and tag.
    #[serde(deserialize_with = "shared::tags")]
    pub tags: Vec<Arc<str>>,
    /// Empty when the post names no source. Shared as the tags are (a feed
    /// has a few hundred sources).
    #[serde(deserialize_with = "shared::text")]
    pub source: Arc<str>,
    /// The link the post opens (the first of `external_url`, `devto_url`,
    /// `canonical_url`, `url`, `link` that is present), made safe to show; it
    /// is checked again by `sanitize::safe_url` before anything opens it.
    /// Empty when there is none.
    pub url: String,
    /// `post_kind`, else derived from the section: `release`, `event`,
    /// `blog` or `link`. Never empty once the feed is assembled.
    /// Shared between the posts of a kind: no allocation per post.
    #[serde(deserialize_with = "shared::kind")]
    pub kind: Arc<str>,
    /// The section: the first folder below the feed root (`docs`, `events`);
    /// empty for a post at the root. Shared by the section's posts.
    /// Not kept in the parse cache: assembling the feed sets it.
    #[serde(skip, default = "shared::empty")]
    pub section: Arc<str>,
    /// The section's title, from its `_index.md` (else the folder name).
    #[serde(skip, default = "shared::empty")]
    pub section_title: Arc<str>,
    pub draft: bool,
    /// Empty when the post has no tldr.
    pub tldr: String,
    /// The paragraph shown above the body: `summary`, else `description`;
    /// may hold newlines. Without either (and no tldr), the body's first
    /// paragraph, for search and `list --json` (`summary_from_body`).
    pub summary: String,
    /// The summary is the body's first paragraph: the detail pane shows the
    /// body itself instead.
    pub summary_from_body: bool,
    /// The tldr and summary were left out by a load for a view that shows
    /// neither (`feed::load_cached_without_text`): which of them the post
    /// has ([`LEFT_OUT_TLDR`], [`LEFT_OUT_SUMMARY`]). Kept in the parse
    /// cache, whose entries hold the two apart (`cache`).
    pub left_out: u8,
    /// The Markdown body below the front matter, **as written**: the one
    /// field not sanitized at load. Only `text::markdown::render` shows it,
    /// and that repairs mojibake and makes every character visible. Posts
    /// read from a folder leave it empty and set `body_in_file`: the body is
    /// read when the post is selected (`feed::read_body`), so a large feed
    /// holds no bodies.
    pub body: String,
    /// The file has a body below its front matter, not kept in `body`.
    pub body_in_file: bool,
    /// Hugo's less common keys, boxed (and absent for most posts) so a large
    /// feed's posts stay small.
    pub hugo: Option<Box<Hugo>>,
    /// When, where and how an event happens (`kind == "event"`).
    pub event: Option<Box<Event>>,
    /// Other files with the same link, folded into this row.
    pub also: Vec<PathBuf>,
    /// Which entry of the parse cache the post was read from, when the
    /// whole feed is one writing's (`Feed::cache_generation`): its tldr and
    /// summary, left out of a first screen, are put back by it.
    #[serde(skip)]
    pub entry: Option<u32>,
}

impl Post {
    /// A post with nothing in it whose shared text fields (source, kind,
    /// section and its title) hold this thread's one empty string: what a
    /// thread making many posts at once starts each from (cloned), instead
    /// of `Post::default()`, whose empty strings are one allocation for the
    /// whole process: its count, touched by every post from every core at
    /// once, cost a lazy load of 100,000 posts more than its work.
    pub fn blank() -> Post {
        let empty = shared::empty();
        Post {
            source: empty.clone(),
            kind: empty.clone(),
            section: empty.clone(),
            section_title: empty,
            ..Post::default()
        }
    }
}

/// [`Post::left_out`]: the post has a tldr / a summary, not kept in memory.
pub const LEFT_OUT_TLDR: u8 = 1;
pub const LEFT_OUT_SUMMARY: u8 = 2;

/// Keys of Hugo's that few posts have.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Hugo {
    /// `categories` and `keywords`: searched like tags, shown after them.
    pub categories: Vec<String>,
    /// When the post may be shown (`publishDate`) and until when (`expiryDate`).
    #[serde(with = "compact_date")]
    pub publish_date: Option<DateTime<FixedOffset>>,
    #[serde(with = "compact_date")]
    pub expiry_date: Option<DateTime<FixedOffset>>,
    /// Hugo's ordering weight, slug and old paths: kept, shown nowhere yet.
    pub weight: Option<i64>,
    pub slug: String,
    pub aliases: Vec<String>,
}

impl Hugo {
    fn is_empty(&self) -> bool {
        *self == Hugo::default()
    }

    /// `Some` only when there is something to keep.
    pub fn boxed(self) -> Option<Box<Hugo>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

/// An event's data, from its front matter.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// `eventDate`, else `date`.
    #[serde(with = "compact_date")]
    pub start: Option<DateTime<FixedOffset>>,
    /// `endDate`.
    #[serde(with = "compact_date")]
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
        use chrono::Datelike;
        // Written by hand: chrono's formatter parses its pattern every call,
        // and `format!` costs more than the digits (`list` writes one a row).
        let Some(d) = self.date else { return String::new() };
        let (y, m, day) = (d.year(), d.month(), d.day());
        if !(0..=9999).contains(&y) {
            return format!("{y:04}-{m:02}-{day:02}");
        }
        let digit = |v: u32| char::from(b'0' + (v % 10) as u8);
        let y = y as u32;
        [y / 1000, y / 100, y / 10, y, 0, m / 10, m, 0, day / 10, day]
            .iter()
            .enumerate()
            .map(|(i, &v)| if i == 4 || i == 7 { '-' } else { digit(v) })
            .collect()
    }

    /// The date as the detail pane gives it: the day, and the time when the
    /// post has one (`2025-09-03 14:05 +02:00`).
    pub fn exact_date(&self) -> String {
        use chrono::Timelike;
        match self.date {
            Some(d) if d.num_seconds_from_midnight() == 0 => d.format("%Y-%m-%d").to_string(),
            // A time: in the reader's zone, with its abbreviation.
            Some(d) => crate::clock::local(d.timestamp(), "%Y-%m-%d %H:%M %Z"),
            None => String::new(),
        }
    }

    /// Seconds since the epoch; posts without a date sort last.
    pub fn timestamp(&self) -> Option<i64> {
        self.date.map(|d| d.timestamp())
    }

    /// Whether the post has a tldr (also when it was left out of memory).
    pub fn has_tldr(&self) -> bool {
        !self.tldr.is_empty() || self.left_out & LEFT_OUT_TLDR != 0
    }

    /// Whether the post has a summary (also when it was left out of memory).
    pub fn has_summary(&self) -> bool {
        !self.summary.is_empty() || self.left_out & LEFT_OUT_SUMMARY != 0
    }

    /// Drops the tldr and summary from memory, remembering which there were.
    pub fn leave_out_long_text(&mut self) {
        if !self.tldr.is_empty() {
            self.left_out |= LEFT_OUT_TLDR;
        }
        if !self.summary.is_empty() {
            self.left_out |= LEFT_OUT_SUMMARY;
        }
        self.tldr = String::new();
        self.summary = String::new();
    }

    /// A copy without the tldr and summary, `left_out` saying which there
    /// were (the parse cache keeps the two apart from the rest).
    pub fn without_long_text(&self) -> Post {
        let mut left_out = self.left_out;
        if !self.tldr.is_empty() {
            left_out |= LEFT_OUT_TLDR;
        }
        if !self.summary.is_empty() {
            left_out |= LEFT_OUT_SUMMARY;
        }
        // Every field named: a new one must be thought of here.
        Post {
            path: self.path.clone(),
            title: self.title.clone(),
            date: self.date,
            tags: self.tags.clone(),
            source: self.source.clone(),
            url: self.url.clone(),
            kind: self.kind.clone(),
            section: self.section.clone(),
            section_title: self.section_title.clone(),
            draft: self.draft,
            tldr: String::new(),
            summary: String::new(),
            summary_from_body: self.summary_from_body,
            left_out,
            body: self.body.clone(),
            body_in_file: self.body_in_file,
            hugo: self.hugo.clone(),
            event: self.event.clone(),
            also: self.also.clone(),
            entry: self.entry,
        }
    }

    /// Puts back the tldr and summary that [`Post::without_long_text`] left out.
    pub fn put_back_long_text(&mut self, tldr: String, summary: String) {
        self.tldr = tldr;
        self.summary = summary;
        self.left_out &= !(LEFT_OUT_TLDR | LEFT_OUT_SUMMARY);
    }

    /// The short text shown above the body: the summary, else the tldr.
    pub fn body_text(&self) -> &str {
        if self.summary.is_empty() { &self.tldr } else { &self.summary }
    }

    /// `categories` and `keywords`.
    pub fn categories(&self) -> &[String] {
        self.hugo.as_ref().map_or(&[], |h| &h.categories)
    }

    pub fn publish_date(&self) -> Option<DateTime<FixedOffset>> {
        self.hugo.as_ref().and_then(|h| h.publish_date)
    }

    pub fn expiry_date(&self) -> Option<DateTime<FixedOffset>> {
        self.hugo.as_ref().and_then(|h| h.expiry_date)
    }

    pub fn weight(&self) -> Option<i64> {
        self.hugo.as_ref().and_then(|h| h.weight)
    }

    /// When the event starts, for events.
    pub fn event_start(&self) -> Option<DateTime<FixedOffset>> {
        self.event.as_ref().and_then(|e| e.start)
    }
}

/// A post in the parse cache read without making it: the bytes of a
/// [`Post`] gone through, its text fields not allocated or even checked
/// (a load that makes only the posts a query shows reads every other post
/// this way). Its fields are `Post`'s as they are written, in the same
/// order; what it keeps is what such a load needs of every post.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Skim {
    #[serde(deserialize_with = "skim::text")]
    title: (),
    #[serde(with = "compact_date")]
    pub date: Option<DateTime<FixedOffset>>,
    #[serde(deserialize_with = "skim::texts")]
    tags: (),
    #[serde(deserialize_with = "skim::text")]
    source: (),
    #[serde(deserialize_with = "skim::text")]
    url: (),
    #[serde(deserialize_with = "skim::text")]
    kind: (),
    pub draft: bool,
    #[serde(deserialize_with = "skim::text")]
    tldr: (),
    #[serde(deserialize_with = "skim::text")]
    summary: (),
    summary_from_body: bool,
    left_out: u8,
    #[serde(deserialize_with = "skim::text")]
    body: (),
    body_in_file: bool,
    /// Few posts have one: made whole (its dates decide whether the post is live).
    pub hugo: Option<Box<Hugo>>,
    pub event: Option<Box<Event>>,
    #[serde(deserialize_with = "skim::texts")]
    also: (),
}

/// What a row of `list` shows of a [`Post`] read where it lies in the
/// parse cache, nothing copied: its title, source and link (the first of
/// `Post`'s fields as they are written; the rest is not read). The date
/// and section are the stand-in's, which knows them already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct Row<'a> {
    pub title: &'a str,
    /// Read as every date is ([`compact_date`]); a row takes the stand-in's.
    #[serde(with = "compact_date")]
    date: Option<DateTime<FixedOffset>>,
    #[serde(deserialize_with = "skim::texts")]
    tags: (),
    pub source: &'a str,
    pub url: &'a str,
}

/// Going through text in the parse cache without making it ([`Skim`]): a
/// string is written as its length and bytes, which is how bytes are read.
mod skim {
    use serde::Deserialize;
    use serde::de::{Deserializer, SeqAccess, Visitor};

    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        <&'de [u8]>::deserialize(d).map(|_| ())
    }

    pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        struct Each;
        impl<'de> Visitor<'de> for Each {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sequence of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                while seq.next_element::<&'de [u8]>()?.is_some() {}
                Ok(())
            }
        }
        d.deserialize_seq(Each)
    }
}

/// Dates in the parse cache as (seconds, nanoseconds, offset in seconds):
/// no text to parse back.
pub(crate) mod compact_date {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A date as the cache keeps it: seconds, nanoseconds, offset in seconds.
    pub fn parts(d: &DateTime<FixedOffset>) -> (i64, u32, i32) {
        (d.timestamp(), d.timestamp_subsec_nanos(), d.offset().local_minus_utc())
    }

    /// The date [`parts`] gave (`None` for parts no date has).
    pub fn from_parts((secs, nanos, off): (i64, u32, i32)) -> Option<DateTime<FixedOffset>> {
        Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&FixedOffset::east_opt(off)?))
    }

    pub fn serialize<S: Serializer>(d: &Option<DateTime<FixedOffset>>, s: S) -> Result<S::Ok, S::Error> {
        d.as_ref().map(parts).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        let v: Option<(i64, u32, i32)> = Option::deserialize(d)?;
        Ok(v.and_then(from_parts))
    }
}

/// Shared strings for the parse cache: a kind is one of a few words, the
/// section fields are set when the feed is assembled, a feed has a few
/// hundred tags and sources; none should cost an allocation per post when
/// 100,000 are decoded.
mod shared {
    use serde::{Deserialize, Deserializer};
    use std::sync::Arc;

    // One of each per thread: the cache is decoded on every core, and one
    // shared count touched by each post from both cores at once cost more
    // than the decoding (issue 25).
    thread_local! {
        static EMPTY: Arc<str> = Arc::from("");
        static LINK: Arc<str> = Arc::from("link");
        static RELEASE: Arc<str> = Arc::from("release");
        static EVENT: Arc<str> = Arc::from("event");
        static BLOG: Arc<str> = Arc::from("blog");
    }

    pub fn empty() -> Arc<str> {
        EMPTY.with(Arc::clone)
    }

    /// The most distinct tags and sources a thread keeps one allocation
    /// of: beyond them (a feed of made-up tags), each is allocated as it
    /// comes.
    const KEPT_MOST: usize = 4096;

    thread_local! {
        static KEPT: std::cell::RefCell<rustc_hash::FxHashSet<Arc<str>>> = Default::default();
    }

    /// Tags borrowed from the decoded block, each distinct one allocated
    /// once per thread.
    pub fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Arc<str>>, D::Error> {
        let tags: Vec<&'de str> = Deserialize::deserialize(d)?;
        Ok(KEPT.with_borrow_mut(|kept| tags.into_iter().map(|t| kept_one(kept, t)).collect()))
    }

    /// One text kept as the tags are (a source).
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
        let t: &'de str = Deserialize::deserialize(d)?;
        Ok(KEPT.with_borrow_mut(|kept| kept_one(kept, t)))
    }

    fn kept_one(kept: &mut rustc_hash::FxHashSet<Arc<str>>, t: &str) -> Arc<str> {
        match kept.get(t) {
            Some(k) => k.clone(),
            None => {
                let k: Arc<str> = Arc::from(t);
                if kept.len() < KEPT_MOST {
                    kept.insert(k.clone());
                }
                k
            }
        }
    }

    pub fn kind<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
        // Borrowed from the decoded block: no allocation for the common kinds.
        let s: &'de str = Deserialize::deserialize(d)?;
        Ok(match s {
            "" => empty(),
            "link" => LINK.with(Arc::clone),
            "release" => RELEASE.with(Arc::clone),
            "event" => EVENT.with(Arc::clone),
            "blog" => BLOG.with(Arc::clone),
            other => Arc::from(other),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Posts decoded from the parse cache on one thread share one
    /// allocation of each distinct tag and source, and come back with the
    /// tags they had; past the thread's limit of kept tags, a tag is still right.
    #[test]
    fn decoded_tags_share_one_allocation_each() {
        let post = |tags: &[&str]| Post {
            tags: tags.iter().map(|&t| t.into()).collect(),
            source: "Kubernetes Blog".into(),
            ..Post::default()
        };
        let posts = vec![post(&["k8s", "security"]), post(&["security"]), post(&["k8s", "new"])];
        let bytes = postcard::to_allocvec(&posts).expect("encode");
        let back: Vec<Post> = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(back, posts);
        assert!(Arc::ptr_eq(&back[0].tags[0], &back[2].tags[0]), "k8s shared");
        assert!(Arc::ptr_eq(&back[0].tags[1], &back[1].tags[0]), "security shared");
        assert!(Arc::ptr_eq(&back[0].source, &back[2].source), "the source shared");
        let many: Vec<Post> = (0..5000).map(|i| post(&[&format!("tag{i}")])).collect();
        let bytes = postcard::to_allocvec(&many).expect("encode");
        let back: Vec<Post> = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(back, many);
    }

    /// The day written by hand is what `format!` gives, for years of any
    /// width (chrono allows years before 0 and past 9999).
    #[test]
    fn the_day_is_the_formatted_date() {
        for text in [
            "2024-12-11T10:00:00+00:00",
            "0999-01-05T00:00:00+02:00",
            "2000-10-31T23:59:59-05:00",
            "+12345-06-07T00:00:00+00:00",
            "-0044-03-15T00:00:00+00:00",
        ] {
            let date = DateTime::parse_from_rfc3339(text)
                .or_else(|_| text.parse::<DateTime<FixedOffset>>())
                .expect("a date");
            use chrono::Datelike;
            let want = format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day());
            let post = Post { date: Some(date), ..Post::default() };
            assert_eq!(post.day(), want, "{text}");
        }
        assert_eq!(Post::default().day(), "");
    }
}
