//! Messy and hostile feeds: what loads, what is reported, what each field becomes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;
use common::*;
use linkfeed::feed::{self, Feed};
use linkfeed::post::Post;
use linkfeed::problem::Severity;
use std::path::Path;

fn messy() -> Feed {
    feed::load(&feed::Source::Dir(fixture("messy")), &Default::default()).expect("the messy folder loads")
}

fn post<'a>(feed: &'a Feed, file: &str) -> &'a Post {
    feed.posts
        .iter()
        .find(|p| p.path.ends_with(file))
        .unwrap_or_else(|| panic!("{file} did not load; problems: {:#?}", feed.problems))
}

/// (file, line, severity, words the message must contain)
fn problems(feed: &Feed) -> Vec<(String, Option<usize>, Severity, String)> {
    feed.findings()
        .into_iter()
        .map(|p| {
            let name =
                p.path.strip_prefix(fixture("messy")).unwrap_or(&p.path).to_string_lossy().into_owned();
            (name, p.line, p.severity, p.message)
        })
        .collect()
}

#[test]
fn good_and_coerced_posts_load_with_the_right_fields() {
    let f = messy();
    let rows: &[(&str, &str, &str, &[&str], &str)] = &[
        // file, title, day, tags, text the detail pane shows
        ("good.md", "A good post", "2024-05-01", &["rust", "async"], "The good summary."),
        ("numeric-title.md", "2024", "2024-01-01", &[], ""),
        ("bool-title.md", "true", "2024-01-02", &[], ""),
        // `#web` after a space is a YAML comment; the duplicate `rust` is dropped.
        ("tags-string.md", "Tags as one string", "2024-01-03", &["rust", "async"], ""),
        ("date-space.md", "Date with a space", "2024-03-05", &[], ""),
        ("date-bad.md", "A date nobody can read", "", &[], ""),
        ("no-date.md", "No date at all", "", &[], ""),
        ("heading-title.md", "The heading is the title", "2024-01-04", &[], "Intro line."),
        ("file-name-title.md", "file-name-title", "2024-01-05", &[], "No heading here."),
        ("tldr-only.md", "Only a tldr", "2024-01-06", &[], "The tldr stands in."),
        ("body-summary.md", "Summary from the body", "2024-01-07", &[], "First paragraph still first."),
        ("unknown-keys.md", "Extra keys are fine", "2024-01-08", &[], ""),
        ("bom-crlf.md", "BOM and CRLF", "2024-01-09", &[], "Line one\nline two"),
        ("mojibake.md", "It’s a café ↗ story", "2024-01-10", &[], "Plain café text stays. It’s repaired."),
        ("nested.markdown", "Found in a subfolder", "2024-01-19", &[], ""),
        ("UPPER.MD", "Upper-case extension", "2024-01-20", &[], ""),
    ];
    for &(file, title, day, tags, text) in rows {
        let p = post(&f, file);
        assert_eq!(p.title, title, "{file}");
        assert_eq!(p.day(), day, "{file}");
        assert_eq!(p.tags.iter().map(|t| &**t).collect::<Vec<_>>(), tags, "{file}");
        assert_eq!(p.body_text(), text, "{file}");
    }
    assert_eq!(&*post(&f, "mojibake.md").source, "Zürich Times");
    assert_eq!(
        post(&f, "date-space.md").date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-03-05T14:30:00+00:00")
    );
    assert_eq!(
        post(&f, "good.md").date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-05-01T10:00:00+02:00")
    );
    assert!(post(&f, "draft.md").draft);
}

#[test]
fn every_broken_file_is_named_with_its_line() {
    let f = messy();
    let errors: Vec<(String, Option<usize>, String)> = problems(&f)
        .into_iter()
        .filter(|p| p.2 == Severity::Error)
        .map(|(file, line, _, msg)| (file, line, msg))
        .collect();
    let expect: &[(&str, Option<usize>, &str)] = &[
        ("alias-bomb.md", None, "too many YAML aliases"),
        ("bad-yaml.md", Some(5), "not valid YAML"),
        ("binary.md", None, "binary file"),
        ("deep-nesting.md", Some(2), "nests too deeply"),
        ("draft-word.md", Some(3), "`draft` must be true or false, found text"),
        ("no-front-matter.md", Some(1), "no front matter"),
        ("not-mapping.md", Some(2), "must be a mapping of keys such as `title:`, found a list"),
        ("not-utf8.md", Some(2), "not valid UTF-8"),
        ("tags-map.md", Some(3), "`tags` must be a list of text, found a mapping"),
        ("title-list.md", Some(2), "`title` must be text, found a list"),
        ("unclosed.md", Some(1), "never closes"),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for ((file, line, msg), (ef, el, em)) in errors.iter().zip(expect) {
        assert_eq!((file.as_str(), *line), (*ef, *el), "{msg}");
        assert!(msg.contains(em), "{file}: {msg:?} should say {em:?}");
    }
}

#[test]
fn warnings_name_dates_urls_and_duplicates() {
    let f = messy();
    let warnings: Vec<(String, String)> = problems(&f)
        .into_iter()
        .filter(|p| p.2 == Severity::Warning)
        .map(|(file, _, _, msg)| (file, msg))
        .collect();
    let has = |file: &str, words: &str| warnings.iter().any(|(f, m)| f == file && m.contains(words));
    assert!(has("date-bad.md", "\"last tuesday\" is not RFC 3339"));
    assert!(has("no-date.md", "no date"));
    assert!(has("no-url.md", "no link (external_url, devto_url"));
    assert!(has("javascript-url.md", "only http and https"));
    assert!(has("file-url.md", "only http and https"));
    assert!(has("option-url.md", "not a valid web address"));
    // The duplicate pair is named once (issue 23), on either of the two.
    assert!(has("dup-a.md", "dup-b.md") != has("dup-b.md", "dup-a.md"), "{warnings:#?}");
    assert_eq!(warnings.len(), 7, "{warnings:#?}");
}

#[test]
fn non_posts_and_hidden_files_are_skipped_silently() {
    let f = messy();
    assert!(f.posts.iter().all(|p| !p.path.to_string_lossy().contains("hidden")));
    assert!(problems(&f).iter().all(|p| !p.0.contains("notes.txt") && !p.0.contains("hidden")));
    // 35 post files: 24 load, 11 errors.
    assert_eq!((f.files, f.posts.len(), f.skipped()), (35, 24, 11));
}

#[test]
fn hostile_text_is_made_visible_not_executed() {
    let f = messy();
    let p = post(&f, "hostile.md");
    assert_eq!(p.title, "Evil ␛[31mred␛[0m ␛]0;owned␇ title \u{fffd}gnp.exe");
    assert_eq!(&*p.source, "Src␇ with newline and tab");
    assert_eq!(p.tags.iter().map(|t| &**t).collect::<Vec<_>>(), ["ok", "bad␛[2J"]);
    assert_eq!(p.summary, "Clear screen ␛[2J and bell ␇ and DEL ␡ and C1 \u{fffd} end.\n    Indented.");
    let all = format!("{}{}{}{}", p.title, p.source, p.tags.join(""), p.summary);
    assert!(!all.chars().any(|c| c.is_control() && c != '\n'));
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_once_and_loops_end() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).expect("mkdir");
    std::fs::write(
        root.join("sub/real.md"),
        "---\ntitle: Real\ndate: 2024-01-01\nexternal_url: https://example.com/real\n---\n",
    )
    .expect("write");
    symlink(root.join("sub/real.md"), root.join("alias.md")).expect("symlink");
    symlink(root, root.join("sub/loop")).expect("symlink loop");
    symlink(root.join("sub"), root.join("sub-again")).expect("symlink dir");
    symlink(root.join("missing.md"), root.join("dangling.md")).expect("dangling");
    let f = feed::load(&feed::Source::Dir(root.to_path_buf()), &Default::default()).expect("loads");
    assert_eq!(f.posts.len(), 1, "{:?}", f.posts.iter().map(|p| &p.path).collect::<Vec<_>>());
    assert_eq!(f.posts[0].title, "Real");
    // A dangling link is reported, not fatal.
    assert!(f.problems.iter().any(|p| p.path.ends_with("dangling.md") && p.severity == Severity::Error));
}

#[test]
fn a_megabyte_summary_loads_and_draws() {
    let big = "word ".repeat(220_000) + &"x".repeat(4096);
    let text = format!("---\ntitle: \"{}\"\ndate: 2024-01-01\nsummary: \"{big}\"\n---\n", "T".repeat(2048));
    let (p, _) = feed::parse_bytes(Path::new("big.md"), text.as_bytes()).expect("loads");
    assert!(p.summary.len() > 1_000_000);
    let feed = Feed { posts: vec![p], problems: vec![], files: 1, ..Default::default() };
    let mut app = app_with(feed, 80, 24);
    let o = FakeHost::default();
    assert!(screen(&app).contains("TTTT"));
    // The 2 KB title wraps over 94 lines of the 22-column detail pane; the summary follows.
    press(&mut app, &o, &"J".repeat(120));
    assert_eq!(app.detail_scroll(), 120);
    let s = screen(&app);
    assert!(s.contains("word word"), "{s}");
}

#[test]
fn check_exits_1_on_errors_and_prints_like_a_compiler() {
    let out = common::linkfeed().arg("check").arg(fixture("messy")).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let bad =
        format!("{}:5: error: the front matter is not valid YAML", fixture("messy/bad-yaml.md").display());
    assert!(text.contains(&bad), "{text}");
    assert!(
        text.lines()
            .last()
            .unwrap_or("")
            .starts_with("checked 35 files: 24 posts loaded, 11 errors, 7 warnings")
    );
}
