//! The Hugo rules the loader follows, one fixture file per rule
//! (`tests/fixtures/hugo/`), and the reader's view of them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;
use common::*;
use linkfeed::app::Action;
use linkfeed::app::keys::Mode;
use linkfeed::feed::{self, Feed};
use linkfeed::post::Post;
use linkfeed::problem::Severity;

fn loaded() -> Feed {
    feed::load(&feed::Source::Dir(fixture("hugo")), &Default::default()).expect("the hugo folder loads")
}

fn visible() -> Feed {
    loaded().visible(false)
}

fn post<'a>(feed: &'a Feed, file: &str) -> &'a Post {
    feed.posts
        .iter()
        .find(|p| p.path.ends_with(file))
        .unwrap_or_else(|| panic!("{file} is not listed; problems: {:#?}", feed.problems))
}

fn listed(feed: &Feed, file: &str) -> bool {
    feed.posts.iter().any(|p| p.path.ends_with(file))
}

#[test]
fn section_pages_are_not_posts_and_title_their_section() {
    let f = visible();
    assert!(f.posts.iter().all(|p| !p.path.ends_with("_index.md")));
    assert_eq!(&*post(&f, "docs/link.md").section_title, "Documentation links");
    assert_eq!(&*post(&f, "events/past.md").section_title, "events", "no page: the folder name");
    // Ordered by their pages' weight (releases 1, docs 2), then by title.
    let sections: Vec<&str> = f.sections.iter().map(|(n, _)| n.as_str()).collect();
    // The root's posts form a section too, titled by the home page.
    assert_eq!(sections, ["releases", "docs", "blog", "broken", "events", ""]);
    assert_eq!(&*post(&f, "root-post.md").section_title, "Home");
    // A broken section page is reported; its section's posts still load.
    let broken: Vec<_> = f.problems.iter().filter(|p| p.path.ends_with("broken/_index.md")).collect();
    assert_eq!(broken.len(), 1, "{:#?}", f.problems);
    assert_eq!(broken[0].severity, Severity::Error);
    assert!(listed(&f, "broken/post.md"));
    // A healthy section page says nothing, not even "no date".
    assert!(f.problems.iter().all(|p| !p.path.ends_with("docs/_index.md")), "{:#?}", f.problems);
    assert_eq!(f.pages, 3, "the broken page is a problem, not a page");
}

#[test]
fn a_leaf_bundle_is_one_post_and_its_files_are_resources() {
    let f = visible();
    let b = post(&f, "blog/bundle/index.md");
    assert_eq!(b.title, "A leaf bundle");
    assert!(!listed(&f, "notes.md"));
    assert!(!listed(&f, "also-resource.md"));
    assert!(f.problems.iter().all(|p| !p.path.to_string_lossy().contains("bundle/")), "{:#?}", f.problems);
}

#[test]
fn sections_and_kinds() {
    let f = visible();
    let kind = |file: &str| (post(&f, file).section.to_string(), post(&f, file).kind.to_string());
    assert_eq!(kind("docs/link.md"), ("docs".into(), "link".into()));
    assert_eq!(kind("releases/v1.md"), ("releases".into(), "release".into()));
    assert_eq!(kind("releases/kind-given.md"), ("releases".into(), "link".into()), "post_kind wins");
    assert_eq!(kind("events/past.md"), ("events".into(), "event".into()));
    assert_eq!(kind("blog/bundle/index.md"), ("blog".into(), "blog".into()));
    assert_eq!(kind("root-post.md"), ("".into(), "link".into()));
}

#[test]
fn the_link_is_the_first_key_present() {
    let f = visible();
    assert_eq!(post(&f, "blog/bundle/index.md").url, "https://dev.to/example/a-leaf-bundle");
    assert_eq!(post(&f, "releases/v1.md").url, "https://example.org/releases/v1");
    assert_eq!(post(&f, "docs/description-only.md").url, "https://example.org/from-url-key");
    assert_eq!(post(&f, "docs/no-link.md").url, "");
    let warned = f.problems.iter().any(|p| p.path.ends_with("no-link.md") && p.message.contains("no link"));
    assert!(warned, "{:#?}", f.problems);
}

#[test]
fn hugo_keys_become_data() {
    let f = visible();
    let d = post(&f, "docs/description-only.md");
    assert_eq!(d.summary, "Described, not summarised.");
    assert_eq!(d.categories(), ["guides", "howto", "k8s"]);
    let link = post(&f, "docs/link.md");
    assert_eq!((link.summary.as_str(), link.tldr.as_str()), ("The summary.", "The gist."));
}

#[test]
fn publish_and_expiry_dates_decide_what_is_shown() {
    let all = loaded();
    assert!(listed(&all, "docs/scheduled.md") && listed(&all, "docs/expired.md"), "loaded, for check");
    let f = visible();
    assert!(!listed(&f, "docs/scheduled.md"), "not before its publishDate");
    assert!(!listed(&f, "docs/expired.md"), "not after its expiryDate");
    assert_eq!(f.not_live, 2);
}

#[test]
fn posts_with_the_same_link_fold_into_the_most_complete() {
    let f = visible();
    assert!(!listed(&f, "docs/same-link-older.md"));
    let kept = post(&f, "docs/link.md");
    assert_eq!(kept.also.len(), 1);
    assert!(kept.also[0].ends_with("docs/same-link-older.md"));
}

#[test]
fn events_carry_when_where_and_how() {
    let f = visible();
    let up = post(&f, "events/upcoming.md");
    let e = up.event.as_deref().expect("event data");
    assert_eq!(e.start.map(|d| d.to_rfc3339()).as_deref(), Some("2030-06-10T09:00:00+02:00"));
    assert_eq!(e.end.map(|d| d.to_rfc3339()).as_deref(), Some("2030-06-12T18:00:00+02:00"));
    assert_eq!(
        (e.place.as_str(), e.mode.as_str(), e.organizer.as_str()),
        ("Lisbon, Portugal", "in-person", "Example Org")
    );
    let past = post(&f, "events/past.md").event.as_deref().expect("event data");
    assert_eq!(
        past.start.map(|d| d.to_rfc3339()).as_deref(),
        Some("2020-03-01T18:00:00+00:00"),
        "date, without eventDate"
    );
    assert_eq!(past.place, "Online");
    // An event with no event keys still has its date as its start.
    let plain = post(&f, "events/no-data.md").event.as_deref().expect("event data from the section");
    assert!(plain.start.is_some());
}

/// 2026-01-01T00:00:00Z
const NOW: i64 = 1_767_225_600;

fn app() -> linkfeed::app::App {
    let mut app = app_with(visible(), 120, 40);
    app.update(Action::Clock(NOW));
    app
}

#[test]
fn in_kind_and_is_terms_filter_in_the_reader() {
    let mut app = app();
    let o = FakeHost::default();
    let titles = |app: &linkfeed::app::App| -> Vec<String> {
        app.matches().iter().map(|m| app.posts()[m.idx].title.clone()).collect()
    };
    press(&mut app, &o, "/in:ev");
    // Events alone: upcoming first, then the past, most recent first.
    assert_eq!(titles(&app), ["Upcoming conference", "Past meetup", "An event with only a date"]);
    press(&mut app, &o, "<Esc>/is:upcoming");
    assert_eq!(titles(&app), ["Upcoming conference"]);
    press(&mut app, &o, "<Esc>/kind:rel");
    assert_eq!(titles(&app), ["Tool v1.0"]);
    press(&mut app, &o, "<Esc>/in:doc -in:\"Documentation links\"");
    assert!(titles(&app).is_empty());
    press(&mut app, &o, "<Esc>/in:release");
    assert_eq!(titles(&app).len(), 2, "a section's title counts: \"Release notes\"");
}

#[test]
fn the_section_picker_shows_counts_and_digits_switch_sections() {
    let mut app = app();
    let o = FakeHost::default();
    let total = app.matches().len();
    press(&mut app, &o, "<Tab>");
    assert_eq!(app.mode(), Mode::Sections);
    let s = screen(&app);
    assert!(
        s.contains("all sections") && s.contains("Release notes") && s.contains("Documentation links"),
        "{s}"
    );
    // Row 1 is the first section (releases): j then Enter shows it.
    press(&mut app, &o, "j<Enter>");
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(app.section(), Some("releases"));
    assert_eq!(app.matches().len(), 2);
    assert!(screen(&app).contains("Release notes · 2 of"), "the status bar names the section");
    press(&mut app, &o, "2");
    assert_eq!(app.section(), Some("docs"));
    press(&mut app, &o, "0");
    assert_eq!(app.section(), None);
    assert_eq!(app.matches().len(), total);
    press(&mut app, &o, "9");
    assert_eq!(app.section(), None, "no ninth section");
    assert!(app.message().as_ref().is_some_and(|m| m.text.contains("no section 9")));
}

#[test]
fn an_event_shows_its_date_and_place_in_the_list_and_details_in_the_pane() {
    let mut app = app();
    let o = FakeHost::default();
    press(&mut app, &o, "/in:ev");
    let s = screen(&app);
    // In the list: the event's own date (another year's: the month and the
    // year, issue 23) and its place.
    assert!(s.contains("Jun'30 Upcoming conference  Lisbon"), "{s}");
    // Times in the reader's zone with its abbreviation (issue 23): the
    // tests' apps show UTC; 09:00 +02:00 is 07:00 UTC.
    assert!(s.contains("When: Mon 10 Jun 2030 07:00 UTC – Wed 12"), "{s}");
    assert!(s.contains("2030 16:00 UTC (in 4 years)"), "{s}");
    assert!(s.contains("Where: Lisbon, Portugal · in-person"), "{s}");
    assert!(s.contains("Organizer: Example Org"), "{s}");
    press(&mut app, &o, "<Down>");
    let s = screen(&app);
    assert!(s.contains("When: Sun 1 Mar 2020 18:00 UTC (5 years ago)"), "{s}");
}

#[test]
fn a_body_is_rendered_not_shown_raw() {
    let mut app = app();
    let o = FakeHost::default();
    press(&mut app, &o, "/leaf bundle<Enter>");
    let s = screen(&app);
    assert!(s.contains("A heading"), "{s}");
    assert!(s.contains("Some bold and italic words, code, and a"), "{s}");
    assert!(s.contains("│link[1]."), "{s}");
    assert!(s.contains("[1] https://example.org/more"), "{s}");
    assert!(!s.contains("##") && !s.contains("**"), "{s}");
    // The description repeats the body's start: shown once.
    assert_eq!(s.matches("Bundles keep their images").count(), 1, "{s}");
    // Lines are built once per selection, not per frame.
    assert!(app.detail_is_current());
    let before = app.detail_lines().len();
    let _ = screen(&app);
    assert_eq!(app.detail_lines().len(), before);
}

#[test]
fn bodies_stay_on_disk_until_shown_and_a_vanished_file_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blog = dir.path().join("blog");
    std::fs::create_dir_all(&blog).expect("mkdir");
    let file = blog.join("a.md");
    std::fs::write(&file, "---\ntitle: Kept on disk\ndate: 2024-01-01\n---\nThe **body** text.\n")
        .expect("write");
    std::fs::write(blog.join("b.md"), "---\ntitle: Older\ndate: 2023-01-01\n---\nOther body.\n")
        .expect("write");
    let feed = feed::load(&feed::Source::Dir(dir.path().to_path_buf()), &Default::default())
        .expect("loads")
        .visible(false);
    // The loader keeps no body, only that there is one.
    assert!(feed.posts.iter().all(|p| p.body.is_empty() && p.body_in_file));
    let mut app = app_with(feed, 100, 20);
    let o = FakeHost::default();
    // The first key through the loop asks for the selected post's body.
    press(&mut app, &o, "k");
    // Selected: read from the file and rendered.
    assert!(screen(&app).contains("The body text."), "{}", screen(&app));
    // Gone from disk once read: what was read stays; a body never read says why.
    std::fs::remove_file(blog.join("b.md")).expect("rm");
    std::fs::remove_file(&file).expect("rm");
    press(&mut app, &o, "j");
    let s = screen(&app);
    assert!(s.contains("could not read the body again"), "{s}");
    press(&mut app, &o, "k");
    assert!(screen(&app).contains("The body text."));
}
