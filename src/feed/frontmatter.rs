//! Splitting a post into front matter and body, and turning the YAML into a
//! [`Post`]. serde_yaml stays behind this file so a fork can replace it here.

use crate::post::{Event, Hugo, Post};
use crate::problem::{Parsed, Problem, Severity};
use crate::text::sanitize;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_yaml::Value;
use std::borrow::Cow;
use std::path::Path;

/// The known keys, each kept as a YAML value so that odd types can be coerced
/// (or reported) one by one. Unknown keys are skipped without being built.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a mapping of keys such as `title:` and `date:`")]
struct Raw {
    title: Option<Value>,
    date: Option<Value>,
    tags: Option<Value>,
    source: Option<Value>,
    external_url: Option<Value>,
    post_kind: Option<Value>,
    draft: Option<Value>,
    tldr: Option<Value>,
    summary: Option<Value>,
    // Hugo's own keys.
    description: Option<Value>,
    categories: Option<Value>,
    keywords: Option<Value>,
    #[serde(rename = "publishDate")]
    publish_date: Option<Value>,
    #[serde(rename = "expiryDate")]
    expiry_date: Option<Value>,
    weight: Option<Value>,
    slug: Option<Value>,
    aliases: Option<Value>,
    // Other places a post's link is written, in the order they are tried.
    devto_url: Option<Value>,
    canonical_url: Option<Value>,
    url: Option<Value>,
    link: Option<Value>,
    // Events.
    #[serde(rename = "eventDate")]
    event_date: Option<Value>,
    #[serde(rename = "endDate")]
    end_date: Option<Value>,
    location: Option<Value>,
    city: Option<Value>,
    country: Option<Value>,
    mode: Option<Value>,
    organizer: Option<Value>,
}

impl Raw {
    /// From the fast reader's key/value pairs, as serde would fill it: a
    /// `null` value is an absent key, unknown keys are skipped.
    fn from_pairs(pairs: Vec<(&str, Value)>) -> Raw {
        let mut r = Raw::default();
        for (k, v) in pairs {
            let v = (!v.is_null()).then_some(v);
            let slot = match k {
                "title" => &mut r.title,
                "date" => &mut r.date,
                "tags" => &mut r.tags,
                "source" => &mut r.source,
                "external_url" => &mut r.external_url,
                "post_kind" => &mut r.post_kind,
                "draft" => &mut r.draft,
                "tldr" => &mut r.tldr,
                "summary" => &mut r.summary,
                "description" => &mut r.description,
                "categories" => &mut r.categories,
                "keywords" => &mut r.keywords,
                "publishDate" => &mut r.publish_date,
                "expiryDate" => &mut r.expiry_date,
                "weight" => &mut r.weight,
                "slug" => &mut r.slug,
                "aliases" => &mut r.aliases,
                "devto_url" => &mut r.devto_url,
                "canonical_url" => &mut r.canonical_url,
                "url" => &mut r.url,
                "link" => &mut r.link,
                "eventDate" => &mut r.event_date,
                "endDate" => &mut r.end_date,
                "location" => &mut r.location,
                "city" => &mut r.city,
                "country" => &mut r.country,
                "mode" => &mut r.mode,
                "organizer" => &mut r.organizer,
                _ => continue,
            };
            *slot = v;
        }
        r
    }
}

#[cfg(test)]
mod fast_tests {
    use super::*;

    /// The fast reader and serde_yaml fill `Raw` the same way, on every file
    /// of the bundled sample where the fast reader answers.
    #[test]
    fn raw_is_the_same_either_way() {
        let mut answered = 0;
        for (name, bytes) in crate::feed::SAMPLE_FILES {
            let Ok(text) = std::str::from_utf8(bytes) else { continue };
            let Ok(parts) = split(text) else { continue };
            let Some(pairs) = super::super::fastyaml::parse(parts.yaml) else { continue };
            answered += 1;
            let fast = format!("{:?}", Raw::from_pairs(pairs));
            let slow: Raw = serde_yaml::from_str(parts.yaml).expect("the sample parses");
            assert_eq!(fast, format!("{slow:?}"), "{name}");
        }
        assert!(answered > 40, "the fast reader answered for {answered} sample files");
    }
}

/// The keys a post's link is read from, first present wins.
pub const LINK_KEYS: &[&str] = &["external_url", "devto_url", "canonical_url", "url", "link"];

/// The parts of a post file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The file's line number of the first YAML line (1-based).
    pub yaml_line: usize,
    pub body: &'a str,
}

/// Splits `---` fenced front matter from the body. A UTF-8 BOM and CRLF line
/// ends are accepted. The closing fence may also be `...`.
pub fn split(text: &str) -> Result<Split<'_>, (Option<usize>, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err((
            Some(1),
            "no front matter: a post starts with a line `---`, then YAML, then `---`".into(),
        ));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let body = text.get(end + 1..).unwrap_or("");
            return Ok(Split { yaml: &text[yaml_start..pos], yaml_line: 2, body });
        }
        pos = end + 1;
    }
    Err((Some(1), "the front matter opened on line 1 never closes: add a line `---` after it".into()))
}

/// Parses one post file's text, keeping its body. `path` is only used for
/// messages and the fallback title.
pub fn parse_post(path: &Path, text: &str) -> Parsed {
    parse_post_with(path, text, true)
}

/// As [`parse_post`]; without `keep_body`, the body is not copied into the
/// post, only noted (`body_in_file`), to be read again when it is shown.
pub fn parse_post_with(path: &Path, text: &str, keep_body: bool) -> Parsed {
    let err = |line: Option<usize>, message: String| Problem {
        path: path.to_path_buf(),
        line,
        severity: Severity::Error,
        message,
    };
    let parts = split(text).map_err(|(line, m)| err(line, m))?;
    let raw: Raw = if parts.yaml.trim().is_empty() {
        Raw::default()
    } else if let Some(pairs) = super::fastyaml::parse(parts.yaml) {
        Raw::from_pairs(pairs)
    } else {
        serde_yaml::from_str(parts.yaml).map_err(|e| {
            let line = e.location().map(|l| l.line() + parts.yaml_line - 1);
            err(line, yaml_message(&e))
        })?
    };
    let mut warnings = Vec::new();
    let key_line = |key: &str| find_key_line(parts.yaml, key).map(|l| l + parts.yaml_line - 1);
    let bad_type = |key: &str, want: &str, v: &Value| {
        err(key_line(key), format!("`{key}` must be {want}, found {}", type_name(v)))
    };

    let title = text_field("title", &raw.title, &bad_type)?.map(|t| sanitize::one_line(&t));
    let title = match title.filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => first_heading(parts.body)
            .map(sanitize::one_line)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| sanitize::one_line(&file_stem(path))),
    };

    let date = match &raw.date {
        None | Some(Value::Null) => {
            warnings.push(warn(path, None, "no date: the post sorts last".into()));
            None
        }
        Some(v) => {
            let s = scalar_text(v).unwrap_or_default();
            let d = parse_date(&s);
            if d.is_none() {
                warnings.push(warn(
                    path,
                    key_line("date"),
                    format!(
                        "the date {:?} is not RFC 3339 or YYYY-MM-DD: the post sorts last",
                        sanitize::truncate_chars(&sanitize::one_line(&s), 40)
                    ),
                ));
            }
            d
        }
    };

    let tags = list_field("tags", &raw.tags, &bad_type)?;
    let mut categories = list_field("categories", &raw.categories, &bad_type)?;
    for k in list_field("keywords", &raw.keywords, &bad_type)? {
        if !categories.contains(&k) {
            categories.push(k);
        }
    }
    categories.retain(|c| !tags.contains(c));
    let source =
        text_field("source", &raw.source, &bad_type)?.map(|s| sanitize::one_line(&s)).unwrap_or_default();
    let link_values = [&raw.external_url, &raw.devto_url, &raw.canonical_url, &raw.url, &raw.link];
    let mut url = String::new();
    let mut url_key = LINK_KEYS[0];
    for (key, v) in LINK_KEYS.iter().zip(link_values) {
        if let Some(u) =
            text_field(key, v, &bad_type)?.map(|s| sanitize::one_line(&s)).filter(|s| !s.is_empty())
        {
            url = u;
            url_key = key;
            break;
        }
    }
    let kind = text_field("post_kind", &raw.post_kind, &bad_type)?
        .map(|s| sanitize::one_line(&s))
        .filter(|s| !s.is_empty())
        .map(std::sync::Arc::<str>::from)
        .unwrap_or_default();
    let draft = match &raw.draft {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(v @ Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => true,
            "false" | "no" | "off" | "" => false,
            _ => return Err(bad_type("draft", "true or false", v)),
        },
        Some(v) => return Err(bad_type("draft", "true or false", v)),
    };
    let tldr =
        text_field("tldr", &raw.tldr, &bad_type)?.map(|s| sanitize::multi_line(s.trim())).unwrap_or_default();
    let description = text_field("description", &raw.description, &bad_type)?
        .map(|s| sanitize::multi_line(s.trim()))
        .unwrap_or_default();
    let summary = text_field("summary", &raw.summary, &bad_type)?
        .map(|s| sanitize::multi_line(s.trim()))
        .filter(|s| !s.is_empty())
        .or_else(|| (!description.is_empty()).then_some(description));
    let summary_from_body = summary.is_none() && tldr.is_empty();
    let summary = summary
        .or_else(|| {
            summary_from_body.then(|| first_paragraph(parts.body)).flatten().map(|p| sanitize::multi_line(&p))
        })
        .unwrap_or_default();
    let summary_from_body = summary_from_body && !summary.is_empty();
    // Kept as written: the Markdown renderer repairs and escapes what it
    // shows. From a folder, not kept at all: read again when shown.
    let body_text = parts.body.trim();
    let body_in_file = !keep_body && !body_text.is_empty();
    let body = if keep_body { body_text.to_string() } else { String::new() };

    let mut date_of = |key: &str, v: &Option<Value>| -> Option<DateTime<FixedOffset>> {
        let s = scalar_text(v.as_ref()?)?;
        let d = parse_date(&s);
        if d.is_none() && !s.trim().is_empty() {
            warnings.push(warn(
                path,
                key_line(key),
                format!(
                    "`{key}` {:?} is not RFC 3339 or YYYY-MM-DD: ignored",
                    sanitize::truncate_chars(&sanitize::one_line(&s), 40)
                ),
            ));
        }
        d
    };
    let publish_date = date_of("publishDate", &raw.publish_date);
    let expiry_date = date_of("expiryDate", &raw.expiry_date);
    let event_date = date_of("eventDate", &raw.event_date);
    let end_date = date_of("endDate", &raw.end_date);
    let one = |key: &str, v: &Option<Value>| -> Result<String, Problem> {
        Ok(text_field(key, v, &bad_type)?.map(|s| sanitize::one_line(&s)).unwrap_or_default())
    };
    let weight = match &raw.weight {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(v) => match scalar_text(v).and_then(|s| s.trim().parse().ok()) {
            Some(n) => Some(n),
            None => return Err(bad_type("weight", "a whole number", v)),
        },
    };
    let slug = one("slug", &raw.slug)?;
    let aliases = list_field("aliases", &raw.aliases, &bad_type)?;
    let has_event_data = raw.event_date.is_some()
        || raw.end_date.is_some()
        || raw.location.is_some()
        || raw.city.is_some()
        || raw.mode.is_some();
    let event = if has_event_data {
        let place = one("location", &raw.location)?;
        let place = if place.is_empty() {
            let parts: Vec<String> = [one("city", &raw.city)?, one("country", &raw.country)?]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
            parts.join(", ")
        } else {
            place
        };
        Some(Box::new(Event {
            start: event_date.or(date),
            end: end_date,
            place,
            mode: one("mode", &raw.mode)?,
            organizer: one("organizer", &raw.organizer)?,
        }))
    } else {
        None
    };

    if url.is_empty() {
        warnings.push(warn(
            path,
            None,
            "no link (external_url, devto_url, canonical_url, url or link): there is nothing to open".into(),
        ));
    } else if let Err(why) = sanitize::safe_url(&url) {
        warnings.push(warn(path, key_line(url_key), format!("{url_key} will not be opened: {why}")));
    }

    let post = Post {
        path: path.to_path_buf(),
        title,
        date,
        tags: tags.into_iter().map(std::sync::Arc::from).collect(),
        source: source.into(),
        url,
        kind,
        draft,
        tldr,
        summary,
        summary_from_body,
        body,
        body_in_file,
        hugo: Hugo { categories, publish_date, expiry_date, weight, slug, aliases }.boxed(),
        event,
        ..Post::default()
    };
    Ok((post, warnings))
}

/// A field that must be a list of text (a single text `a, b` is split on
/// commas): trimmed, a leading `#` dropped, empties and duplicates removed.
fn list_field(
    key: &str,
    v: &Option<Value>,
    bad_type: &dyn Fn(&str, &str, &Value) -> Problem,
) -> Result<Vec<String>, Problem> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Sequence(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(scalar_text(item).ok_or_else(|| bad_type(key, "a list of text", item))?);
            }
            Ok(normalise_tags(out.iter().map(|t| t.as_ref())))
        }
        Some(v) => match scalar_text(v) {
            Some(s) => Ok(normalise_tags(s.split(','))),
            None => Err(bad_type(key, "a list of text", v)),
        },
    }
}

/// A field that must be text (a number or boolean is written out), borrowed
/// from the YAML where it is a string.
fn text_field<'a>(
    key: &str,
    v: &'a Option<Value>,
    bad_type: &dyn Fn(&str, &str, &Value) -> Problem,
) -> Result<Option<Cow<'a, str>>, Problem> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => scalar_text(v).map(Some).ok_or_else(|| bad_type(key, "text", v)),
    }
}

fn warn(path: &Path, line: Option<usize>, message: String) -> Problem {
    Problem { path: path.to_path_buf(), line, severity: Severity::Warning, message }
}

/// What went wrong with the YAML, in words a curator can act on. serde_yaml's
/// own text loses its trailing " at line X column Y" (the line is reported
/// separately).
fn yaml_message(e: &serde_yaml::Error) -> String {
    let m = e.to_string();
    let m = match m.find(" at line ") {
        Some(i) => &m[..i],
        None => &m,
    };
    if m.contains("repetition limit exceeded") {
        "the front matter expands too many YAML aliases (an alias bomb?): not loaded".into()
    } else if m.contains("recursion limit exceeded") {
        "the front matter nests too deeply (over 128 levels): not loaded".into()
    } else if let Some(found) = m.strip_prefix("invalid type: ").and_then(|r| r.split(',').next())
        && m.contains("expected a mapping of keys")
    {
        let found = match found.split_whitespace().next().unwrap_or("") {
            "sequence" => "a list",
            "string" => "text",
            "integer" | "floating" => "a number",
            "boolean" => "true/false",
            _ => "something else",
        };
        format!("the front matter must be a mapping of keys such as `title:`, found {found}")
    } else {
        format!("the front matter is not valid YAML: {m}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A scalar as text: strings as they are (borrowed, not copied), numbers
/// and booleans written out.
fn scalar_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

/// Tags trimmed, a leading `#` dropped, made one-line, empties and duplicates removed.
fn normalise_tags<'a>(raw: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw {
        let t = sanitize::one_line(t.trim().trim_start_matches('#'));
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags
}

/// Parses the date forms FORMAT.md allows: RFC 3339, `YYYY-MM-DD`, and
/// `YYYY-MM-DD HH:MM[:SS]` (also with `T`), the last two taken as UTC.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    let utc = |n: NaiveDateTime| Utc.from_utc_datetime(&n).fixed_offset();
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(utc(n));
        }
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S %z") {
        return Some(d);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(utc)
}

/// The 1-based line (within `yaml`) where a top-level `key:` is written.
fn find_key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')))
        .map(|i| i + 1)
}

fn file_stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The text of the body's first `# heading`.
fn first_heading(body: &str) -> Option<&str> {
    body.lines().find_map(|l| l.trim_start().strip_prefix("# ")).map(str::trim)
}

/// The body's first paragraph that is not a heading, lines joined by spaces.
fn first_paragraph(body: &str) -> Option<String> {
    let mut para: Vec<&str> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.is_empty() {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        if t.starts_with('#') && para.is_empty() {
            continue;
        }
        para.push(t);
    }
    (!para.is_empty()).then(|| para.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_the_fences() {
        let s = split("\u{feff}---\r\ntitle: a\r\n---\r\nbody\r\n").unwrap();
        assert_eq!(s.yaml, "title: a\r\n");
        assert_eq!(s.body, "body\r\n");
        assert!(split("no fences").is_err());
        assert!(split("---\ntitle: a\n").is_err());
        assert_eq!(split("---\n---").unwrap().yaml, "");
    }

    #[test]
    fn dates() {
        let ymd = |s| parse_date(s).map(|d| d.format("%Y-%m-%d %H:%M %z").to_string());
        assert_eq!(ymd("2024-12-11T00:00:00+00:00").as_deref(), Some("2024-12-11 00:00 +0000"));
        assert_eq!(ymd("2024-12-11T09:30:00+02:00").as_deref(), Some("2024-12-11 09:30 +0200"));
        assert_eq!(ymd("2024-12-11").as_deref(), Some("2024-12-11 00:00 +0000"));
        assert_eq!(ymd("2024-12-11 08:15").as_deref(), Some("2024-12-11 08:15 +0000"));
        assert_eq!(ymd("2024-12-11 08:15:59").as_deref(), Some("2024-12-11 08:15 +0000"));
        assert_eq!(ymd("yesterday"), None);
        assert_eq!(ymd("2024-13-45"), None);
    }

    #[test]
    fn key_lines() {
        assert_eq!(find_key_line("title: a\ntags:\n- x\ndate : 1\n", "date"), Some(4));
        assert_eq!(find_key_line("title: a\n", "date"), None);
    }
}
