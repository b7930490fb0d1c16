//! Mute rules: the reader's state with rules on (key events in, state
//! out), and `linkfeed list` with `[mute]` and the rules made by key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;
use common::*;
use linkfeed::app::keys::Mode;
use linkfeed::app::{Action, App, Settings};
use linkfeed::search::mute::Rule;

fn rule(query: &str, until: Option<&str>) -> Rule {
    Rule { name: query.into(), query: query.into(), until: until.map(str::to_string), by_key: false }
}

fn with_rules(app: &mut App, rules: Vec<Rule>, views: Vec<(String, String)>) {
    let settings = Settings { mutes: rules, views, ..Settings::default() };
    app.update(Action::Settings(Box::new(settings)));
}

fn shown_sources(app: &App) -> Vec<String> {
    app.matches().iter().map(|m| app.posts()[m.idx].source.to_string()).collect()
}

fn lwn_posts(app: &App) -> usize {
    app.posts().iter().filter(|p| &*p.source == "LWN.net").count()
}

#[test]
fn a_rule_hides_its_posts_from_the_list_the_counts_the_views_and_the_pickers() {
    let mut app = sample_app(120, 40);
    let o = FakeHost::default();
    let total = app.posts().len();
    let lwn = lwn_posts(&app);
    assert!(lwn >= 2, "the sample has LWN posts");
    let views =
        vec![("lwn".to_string(), "source:lwn".to_string()), ("all".to_string(), "-#nothing".to_string())];
    with_rules(&mut app, vec![rule("source:\"LWN.net\"", None)], views);
    assert_eq!(app.muted_count(), lwn);
    assert!(!shown_sources(&app).iter().any(|s| s == "LWN.net"));
    assert_eq!(app.matches().len(), total - lwn);
    assert_eq!(app.count_label(), format!("{} posts, {} unread, {lwn} muted", total - lwn, total - lwn));
    // The views count without them.
    press(&mut app, &o, "<Tab>");
    press(&mut app, &o, "<Esc>");
    let counts = app.view_counts().to_vec();
    assert_eq!(counts.first().map(|c| c.0), Some(0), "{counts:?}");
    assert_eq!(counts.get(1).map(|c| c.0), Some(total - lwn), "{counts:?}");
    // The sections count without them.
    let in_sections: usize = app.sections().iter().map(|(_, _, n)| n).sum();
    assert_eq!(in_sections, total - lwn);
    // A query leaves them out too; `is:muted` shows them alone.
    press(&mut app, &o, "/source:lwn<Enter>");
    assert!(app.matches().is_empty());
    press(&mut app, &o, "<Esc>/is:muted<Enter>");
    assert_eq!(app.matches().len(), lwn);
    assert!(shown_sources(&app).iter().all(|s| s == "LWN.net"));
    press(&mut app, &o, "<Esc>/-is:muted<Enter>");
    assert_eq!(app.matches().len(), total - lwn);
}

#[test]
fn the_tag_picker_does_not_count_muted_posts() {
    let mut app = sample_app(120, 40);
    let o = FakeHost::default();
    press(&mut app, &o, "t");
    let (tag, n) = app.tags().first().cloned().expect("a tag");
    press(&mut app, &o, "<Esc>");
    with_rules(&mut app, vec![rule(&format!("#\"{tag}\""), None)], Vec::new());
    assert_eq!(app.muted_count(), n);
    press(&mut app, &o, "t");
    assert!(!app.tags().iter().any(|(t, _)| *t == tag), "{:?}", app.tags());
}

#[test]
fn a_rule_stops_after_its_day_even_in_a_reader_left_running() {
    let mut app = sample_app(120, 40);
    let lwn = lwn_posts(&app);
    // TEST_NOW is 2025-11-01 12:26 UTC.
    with_rules(&mut app, vec![rule("source:\"LWN.net\"", Some("2025-11-01"))], Vec::new());
    assert_eq!(app.muted_count(), lwn);
    app.update(Action::Clock(TEST_NOW + 11 * 3600));
    assert_eq!(app.muted_count(), lwn, "still the 1st at 23:26");
    app.update(Action::Clock(TEST_NOW + 12 * 3600));
    assert_eq!(app.muted_count(), 0, "the 2nd: the rule has stopped");
    assert!(shown_sources(&app).iter().any(|s| s == "LWN.net"));
    assert!(!app.count_label().contains("muted"));
}

#[test]
fn m_mutes_the_posts_source_for_a_week_and_lifts_it() {
    let mut app = sample_app(120, 40);
    let o = FakeHost::default();
    let total = app.posts().len();
    let lwn = lwn_posts(&app);
    press(&mut app, &o, "/source:lwn<Enter>");
    press(&mut app, &o, "<Esc>");
    // Back on an LWN post, in the whole list.
    while app.current().is_some_and(|p| &*p.source != "LWN.net") {
        press(&mut app, &o, "j");
    }
    press(&mut app, &o, "M");
    assert_eq!(app.mode(), Mode::Hint);
    let prompt = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(prompt.contains("source:LWN.net"), "{prompt}");
    // The source comes first, then the tags.
    assert!(prompt.starts_with("mute: 1 source:LWN.net · 2 #"), "{prompt}");
    press(&mut app, &o, "1");
    let prompt = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(prompt.contains("mute for") && prompt.contains("a week"), "{prompt}");
    press(&mut app, &o, "2");
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(*o.mutes.borrow(), vec![("source:LWN.net".to_string(), Some("2025-11-08".to_string()), true)]);
    assert_eq!(app.muted_count(), lwn);
    assert_eq!(app.matches().len(), total - lwn);
    let said = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("through 2025-11-08") && said.contains(&format!("{lwn} posts hidden")), "{said}");
    // The prompt offers to lift it, last.
    press(&mut app, &o, "M");
    let prompt = app.message().map(|m| m.text.clone()).unwrap_or_default();
    let n = prompt.matches(" · ").count() + 1;
    assert!(prompt.contains(&format!("{n} unmute source:LWN.net")), "{prompt}");
    press(&mut app, &o, &n.to_string());
    assert_eq!(app.muted_count(), 0);
    assert_eq!(app.matches().len(), total);
    assert_eq!(o.mutes.borrow().last(), Some(&("source:LWN.net".to_string(), None, false)));
}

#[test]
fn m_mutes_the_query_in_the_filter_box_and_esc_cancels() {
    let mut app = sample_app(120, 40);
    let o = FakeHost::default();
    press(&mut app, &o, "M<Esc>");
    assert_eq!(app.mode(), Mode::List);
    assert!(o.mutes.borrow().is_empty());
    press(&mut app, &o, "/kubernetes<Enter>");
    let hits = app.matches().len();
    assert!(hits > 0);
    press(&mut app, &o, "M");
    let prompt = app.message().map(|m| m.text.clone()).unwrap_or_default();
    let n = prompt.matches(" · ").count() + 1;
    assert!(prompt.contains(&format!("{n} kubernetes")), "{prompt}");
    press(&mut app, &o, &n.to_string());
    press(&mut app, &o, "4");
    assert_eq!(*o.mutes.borrow(), vec![("kubernetes".to_string(), None, true)]);
    assert_eq!(app.muted_count(), hits);
    assert!(app.matches().is_empty(), "the query's posts are hidden from it too");
}

/// `linkfeed list`: the config's rules and the rules made by key leave
/// posts out; `--muted` and `is:muted` show them; `until` ends a rule.
#[test]
fn list_leaves_muted_posts_out_until_the_rule_ends() {
    let sandbox = Sandbox::new();
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, source, tag) in
        [("a", "LWN.net", "linux"), ("b", "LWN.net", "ai"), ("c", "Go Blog", "ai"), ("d", "Go Blog", "go")]
    {
        let text = format!(
            "---\ntitle: Post {name}\ndate: 2025-10-0{}T08:00:00Z\nsource: {source}\ntags: [{tag}]\nexternal_url: https://example.org/{name}\n---\nBody.\n",
            1 + name.as_bytes()[0] - b'a'
        );
        std::fs::write(dir.path().join(format!("{name}.md")), text).expect("write");
    }
    sandbox.write_config("[mute]\nai = { query = \"#ai -source:lwn\", until = \"2025-11-01\" }\n");
    let list = |args: &[&str], now: &str| -> Vec<String> {
        let out = sandbox
            .linkfeed()
            .arg("list")
            .arg(dir.path())
            .args(args)
            .env("LINKFEED_NOW", now)
            .output()
            .expect("run list");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut titles: Vec<String> = text
            .lines()
            .filter_map(|l| l.split('\t').find(|f| f.starts_with("Post ")).map(str::to_string))
            .collect();
        titles.sort();
        titles
    };
    let day = "2025-11-01T09:00:00Z";
    assert_eq!(list(&[], day), vec!["Post a", "Post b", "Post d"]);
    assert_eq!(list(&["-q", "#ai"], day), vec!["Post b"]);
    assert_eq!(list(&["-q", "is:muted"], day), vec!["Post c"]);
    assert_eq!(list(&["--muted"], day), vec!["Post a", "Post b", "Post c", "Post d"]);
    assert_eq!(list(&[], "2025-11-02T09:00:00Z"), vec!["Post a", "Post b", "Post c", "Post d"]);
    // A rule made by key, kept in the state folder.
    linkfeed::store::mutes::append(
        &sandbox.state().join("linkfeed/mutes.jsonl"),
        "source:LWN.net",
        None,
        true,
        1,
    )
    .expect("append");
    assert_eq!(list(&[], "2025-11-02T09:00:00Z"), vec!["Post c", "Post d"]);
    assert_eq!(list(&[], day), vec!["Post d"]);
}
