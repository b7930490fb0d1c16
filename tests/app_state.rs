//! Key events in, state out: the reader without a terminal.
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

#[test]
fn starts_on_the_newest_post() {
    let app = sample_app(100, 30);
    assert_eq!(app.selected(), 0);
    assert_eq!(selected_title(&app), "Ratatui 0.30: a modular workspace");
    assert_eq!(app.count_label(), "44 posts, 44 unread");
}

#[test]
fn moves_through_the_list() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "jj");
    assert_eq!(app.selected(), 2);
    press(&mut app, &o, "k<Down><Down><Up>");
    assert_eq!(app.selected(), 2);
    press(&mut app, &o, "G");
    assert_eq!(app.selected(), 43);
    press(&mut app, &o, "j");
    assert_eq!(app.selected(), 43, "j at the end stays put");
    press(&mut app, &o, "g");
    assert_eq!(app.selected(), 0);
    press(&mut app, &o, "k");
    assert_eq!(app.selected(), 0, "k at the top stays put");
    press(&mut app, &o, "<End>");
    assert_eq!(app.selected(), 43);
    press(&mut app, &o, "<Home>");
    assert_eq!(app.selected(), 0);
}

#[test]
fn pages_follow_the_list_height() {
    // 30 rows: 1 status row, 2 border rows: 27 visible posts.
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    assert_eq!(app.list_height(), 27);
    press(&mut app, &o, "<PgDn>");
    assert_eq!(app.selected(), 27);
    assert_eq!(app.offset(), 1, "the selection stays in view");
    press(&mut app, &o, "<PgUp>");
    assert_eq!(app.selected(), 0);
    assert_eq!(app.offset(), 0);
    press(&mut app, &o, "<C-d>");
    assert_eq!(app.selected(), 14);
    press(&mut app, &o, "<C-u>");
    assert_eq!(app.selected(), 0);
    press(&mut app, &o, "<PgDn><PgDn><PgDn>");
    assert_eq!(app.selected(), 43, "paging past the end clamps");
}

#[test]
fn j_is_a_letter_while_filtering() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/");
    assert_eq!(app.mode(), Mode::Filter);
    press(&mut app, &o, "jq");
    assert_eq!(app.query_text(), "jq");
    assert_eq!(app.mode(), Mode::Filter);
    assert!(!app.should_quit(), "q typed into the filter does not quit");
    press(&mut app, &o, "<BS><BS>");
    assert_eq!(app.query_text(), "");
}

#[test]
fn the_filter_narrows_on_every_keystroke() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/p");
    let after_p = app.matches().len();
    press(&mut app, &o, "ostgres");
    assert!(app.matches().len() < after_p);
    assert_eq!(app.count_label(), format!("{} of 44, 44 unread", app.matches().len()));
    assert!(selected_title(&app).contains("PostgreSQL") || selected_title(&app).contains("pgvector"));
    // Enter keeps the filter and goes back to the list, first match selected.
    press(&mut app, &o, "<Down><Enter>");
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(app.selected(), 0);
    assert_eq!(app.query_text(), "postgres");
    // In the list, j moves again.
    press(&mut app, &o, "j");
    assert_eq!(app.selected(), 1);
    // Esc in the list clears the filter.
    press(&mut app, &o, "<Esc>");
    assert_eq!(app.query_text(), "");
    assert_eq!(app.matches().len(), 44);
}

#[test]
fn esc_while_typing_clears_the_filter() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/rust<Esc>");
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(app.query_text(), "");
    assert_eq!(app.matches().len(), 44);
}

#[test]
fn a_filter_that_matches_nothing_leaves_no_selection() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/zzzzqqqxx");
    assert!(app.matches().is_empty());
    assert!(app.current().is_none());
    // Opening with nothing selected says so and opens nothing.
    press(&mut app, &o, "<Enter>o");
    assert!(o.opened.borrow().is_empty());
    assert_eq!(app.message().as_ref().map(|m| m.text.as_str()), Some("no post is selected"));
}

#[test]
fn enter_and_o_open_the_selected_post() {
    let mut app = sample_app(100, 30);
    common::configure(&mut app, |s| s.open_advances = false);
    let o = FakeHost::default();
    press(&mut app, &o, "<Enter>jo");
    assert_eq!(
        *o.opened.borrow(),
        [
            "https://ratatui.rs/highlights/v030/",
            "https://grafana.com/blog/2025/09/09/observability-cost-reduction/"
        ]
    );
    let msg = app.message().as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert_eq!(msg, "opened https://grafana.com/blog/2025/09/09/observability-cost-reduction/");
}

#[test]
fn a_browser_that_fails_shows_in_the_status() {
    let mut app = sample_app(100, 30);
    let o = FakeHost { fail: Some("no such file".into()), ..Default::default() };
    press(&mut app, &o, "o");
    let m = app.message().expect("a message");
    assert!(m.error);
    assert_eq!(m.text, "could not open the page: no such file");
}

#[test]
fn messages_expire() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "o");
    let at = app.message().as_ref().map(|m| m.at).expect("a message");
    app.update(Action::Tick(at + std::time::Duration::from_secs(1)));
    assert!(app.message().is_some());
    app.update(Action::Tick(at + linkfeed::app::MESSAGE_TTL));
    assert!(app.message().is_none());
}

#[test]
fn help_opens_and_closes() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "?");
    assert_eq!(app.mode(), Mode::Help);
    press(&mut app, &o, "j");
    assert_eq!(app.selected(), 0, "keys do not leak through the overlay");
    press(&mut app, &o, "?");
    assert_eq!(app.mode(), Mode::List);
    press(&mut app, &o, "?<Esc>");
    assert_eq!(app.mode(), Mode::List);
}

#[test]
fn quit_keys() {
    let o = FakeHost::default();
    for keys in ["q", "<C-c>", "/abc<C-c>"] {
        let mut app = sample_app(100, 30);
        press(&mut app, &o, keys);
        assert!(app.should_quit(), "{keys}");
    }
}

#[test]
fn the_detail_pane_scrolls_and_stops_at_the_end() {
    // A narrow terminal so the summary needs scrolling.
    let mut app = sample_app(60, 12);
    let o = FakeHost::default();
    press(&mut app, &o, "J");
    assert_eq!(app.detail_scroll(), 1);
    press(&mut app, &o, "<C-Down><C-Down>");
    assert_eq!(app.detail_scroll(), 3);
    press(&mut app, &o, "K<C-Up>");
    assert_eq!(app.detail_scroll(), 1);
    for _ in 0..500 {
        press(&mut app, &o, "J");
    }
    let bottom = app.detail_scroll();
    assert!(bottom > 3 && bottom < 100, "scroll stops at the last page, got {bottom}");
    // Moving to another post starts at its top.
    press(&mut app, &o, "j");
    assert_eq!(app.detail_scroll(), 0);
}

#[test]
fn resizing_keeps_the_selection_visible() {
    let mut app = sample_app(100, 40);
    let o = FakeHost::default();
    press(&mut app, &o, "<End>");
    app.update(Action::Resize(100, 10));
    let h = app.list_height();
    assert!(app.offset() <= app.selected() && app.selected() < app.offset() + h);
    app.update(Action::Resize(1, 1));
    app.update(Action::Resize(100, 40));
    assert!(app.offset() <= app.selected());
}

#[test]
fn s_cycles_the_sort_and_keeps_the_selection() {
    use linkfeed::app::Sort;
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "j");
    let before = selected_title(&app);
    press(&mut app, &o, "s");
    assert_eq!(app.sort(), Sort::Oldest);
    assert_eq!(selected_title(&app), before, "the same post stays selected");
    press(&mut app, &o, "g");
    assert_eq!(selected_title(&app), "Container queries are here: components that size themselves");
    assert!(screen(&app).contains("44 posts, 44 unread, oldest first"));
    press(&mut app, &o, "s");
    assert_eq!(app.sort(), Sort::Title);
    let titles: Vec<String> = app.matches().iter().map(|m| app.posts()[m.idx].title.to_lowercase()).collect();
    assert!(titles.windows(2).all(|w| w[0] <= w[1]), "{titles:?}");
    press(&mut app, &o, "s");
    assert_eq!(app.sort(), Sort::Source);
    let sources: Vec<String> =
        app.matches().iter().map(|m| app.posts()[m.idx].source.to_lowercase()).collect();
    assert!(sources.windows(2).all(|w| w[0] <= w[1]), "{sources:?}");
    // A tag-only filter follows the sort; a ranked one does not.
    press(&mut app, &o, "/#kubernetes<Enter>");
    let s: Vec<String> = app.matches().iter().map(|m| app.posts()[m.idx].source.to_lowercase()).collect();
    assert!(s.windows(2).all(|w| w[0] <= w[1]), "{s:?}");
    press(&mut app, &o, "<Esc>s");
    assert_eq!(app.sort(), Sort::Newest);
    press(&mut app, &o, "g");
    assert_eq!(selected_title(&app), "Ratatui 0.30: a modular workspace");
}

#[test]
fn y_copies_the_selected_url() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "jy");
    assert_eq!(*o.copied.borrow(), ["https://grafana.com/blog/2025/09/09/observability-cost-reduction/"]);
    assert!(o.opened.borrow().is_empty());
    let m = app.message().expect("a message");
    assert_eq!(
        m.text,
        "copied https://grafana.com/blog/2025/09/09/observability-cost-reduction/ to the clipboard"
    );
}

#[test]
fn the_mouse_selects_and_scrolls_the_pane_under_it() {
    use ratatui::crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mouse =
        |kind, column, row| Event::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE });
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    // Row 0 is the border; row 4 is the fourth post.
    linkfeed::tui::handle_event(&mut app, mouse(MouseEventKind::Down(MouseButton::Left), 10, 4), &o);
    assert_eq!(app.selected(), 3);
    // A click on the border or the detail pane changes nothing.
    linkfeed::tui::handle_event(&mut app, mouse(MouseEventKind::Down(MouseButton::Left), 10, 0), &o);
    linkfeed::tui::handle_event(&mut app, mouse(MouseEventKind::Down(MouseButton::Left), 70, 5), &o);
    assert_eq!(app.selected(), 3);
    // The wheel over the list moves the selection by three.
    linkfeed::tui::handle_event(&mut app, mouse(MouseEventKind::ScrollDown, 10, 10), &o);
    assert_eq!(app.selected(), 6);
    linkfeed::tui::handle_event(&mut app, mouse(MouseEventKind::ScrollUp, 10, 10), &o);
    assert_eq!(app.selected(), 3);
    // Over the detail pane it scrolls the summary instead.
    let mut narrow = sample_app(60, 12);
    linkfeed::tui::handle_event(&mut narrow, mouse(MouseEventKind::ScrollDown, 50, 8), &o);
    assert_eq!((narrow.selected(), narrow.detail_scroll()), (0, 3));
}

#[test]
fn m_toggles_read_and_u_shows_unread_only() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    assert_eq!(app.unread(), 44);
    assert!(!app.is_read(app.current().expect("a post")));
    press(&mut app, &o, "m");
    assert!(app.is_read(app.current().expect("a post")));
    assert_eq!(app.unread(), 43);
    assert_eq!(
        o.saved.borrow().last().cloned(),
        Some(vec!["https://ratatui.rs/highlights/v030/".to_string()])
    );
    // Unread only: the read post is gone; m on another hides it too.
    press(&mut app, &o, "u");
    assert_eq!(app.count_label(), "43 of 44, 43 unread (unread only)");
    assert_eq!(selected_title(&app), "Cutting an observability bill by two thirds");
    press(&mut app, &o, "m");
    assert_eq!(app.matches().len(), 42);
    assert_eq!(selected_title(&app), "What happened when we let a model review every pull request");
    press(&mut app, &o, "u");
    assert_eq!(app.matches().len(), 44);
    // m again marks unread.
    press(&mut app, &o, "gm");
    assert_eq!(app.unread(), 43);
    assert_eq!(o.saved.borrow().len(), 3);
}

#[test]
fn opening_a_post_marks_it_read() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    common::configure(&mut app, |s| s.open_advances = false);
    press(&mut app, &o, "jo");
    assert_eq!(app.unread(), 43);
    assert!(app.is_read(app.current().expect("a post")));
    assert_eq!(
        o.saved.borrow().last().cloned(),
        Some(vec!["https://grafana.com/blog/2025/09/09/observability-cost-reduction/".to_string()])
    );
    // A browser that fails to start does not mark it.
    let failing = FakeHost { fail: Some("nope".into()), ..Default::default() };
    press(&mut app, &failing, "jo");
    assert_eq!(app.unread(), 43);
}

#[test]
fn unread_rows_stand_out() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "m");
    let t = draw(&app);
    let buf = t.backend().buffer();
    // Columns: border, selection, mark.
    assert_eq!(buf[(2, 1)].symbol(), " ", "read: no marker");
    assert_eq!(buf[(2, 2)].symbol(), "●", "unread: a marker");
    let bold = ratatui::style::Modifier::BOLD;
    assert!(buf[(20, 2)].modifier.contains(bold), "unread titles are bold");
}

#[test]
fn a_reload_keeps_the_query_the_read_state_and_the_selected_post() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "m/kube<Enter>j");
    let selected = selected_title(&app);
    let matches = app.matches().len();
    // The same feed read again, minus the newest post.
    let mut feed = sample_feed();
    feed.posts.remove(0);
    app.update(linkfeed::app::Action::Reloaded(Ok(Box::new(feed))));
    assert_eq!(app.query_text(), "kube");
    assert_eq!(selected_title(&app), selected, "still on the same post");
    assert_eq!(app.matches().len(), matches);
    assert_eq!(app.posts().len(), 43);
    assert_eq!(app.unread(), 43, "the read post is the one that went away");
    assert!(
        app.message().as_ref().is_some_and(|m| m.text.starts_with("updated: ") && m.text.contains("of 43"))
    );
}

#[test]
fn a_batch_of_keys_is_applied_in_order_with_letters_filtered_once() {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    let mut batch = vec![key_event(KeyCode::Char('/'), KeyModifiers::NONE)];
    batch.extend("kube".chars().map(|c| key_event(KeyCode::Char(c), KeyModifiers::NONE)));
    batch.push(key_event(KeyCode::Enter, KeyModifiers::NONE));
    batch.push(key_event(KeyCode::Char('j'), KeyModifiers::NONE));
    linkfeed::tui::process(&mut app, batch, &o);
    assert_eq!(app.query_text(), "kube");
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(app.selected(), 1, "j after Enter moves in the list");
}

#[test]
fn ctrl_s_switches_a_query_between_best_match_and_newest() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    // "rust" is a title word in some posts, a tag or a summary word in others.
    press(&mut app, &o, "/rust");
    let best: Vec<usize> = app.matches().iter().map(|m| m.idx).collect();
    assert!(best.windows(2).any(|w| w[0] > w[1]), "best match first is not the feed's order: {best:?}");
    assert!(screen(&app).contains("best match"));
    press(&mut app, &o, "<C-s>");
    assert!(app.by_newest());
    let newest: Vec<usize> = app.matches().iter().map(|m| m.idx).collect();
    let mut sorted = best.clone();
    sorted.sort_unstable();
    assert_eq!(newest, sorted, "the same posts, newest first");
    assert!(screen(&app).contains("newest first"));
    // Still a letter-typing filter: more letters keep the order.
    press(&mut app, &o, " 1");
    assert!(app.matches().windows(2).all(|w| w[0].idx < w[1].idx));
    press(&mut app, &o, "<C-s>");
    assert!(!app.by_newest());
}

#[test]
fn a_malformed_term_is_named_in_the_status_bar() {
    let mut app = sample_app(150, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/rust is:soon");
    let s = screen(&app);
    assert!(
        s.contains("is:soon: `is:` takes unread/read/starred/new/upcoming/past/muted; searched as text"),
        "{s}"
    );
}

/// Idle work ends: the search index, the tag counts, then the word index of
/// the long text, a slice per call. A query typed before the word index is
/// done and the same query after it show the same rows.
#[test]
fn idle_work_finishes_and_changes_no_result() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    // A word found only in summaries, and a word start with a typo's reach.
    press(&mut app, &o, "/");
    press(&mut app, &o, "latency");
    let before: Vec<usize> = app.matches().iter().map(|m| m.idx).collect();
    assert!(!before.is_empty());
    let mut calls = 0;
    while app.needs_warm_up() {
        app.update(Action::Idle);
        calls += 1;
        assert!(calls < 100, "warm-up never ends");
    }
    assert!(calls >= 2, "index and tags first, then the text's words: {calls}");
    press(&mut app, &o, "<Esc>/latency");
    let after: Vec<usize> = app.matches().iter().map(|m| m.idx).collect();
    assert_eq!(before, after);
}

/// The word index of the text: the reader first asks for the one it saved
/// (`LoadIndex` with the posts' key); one that fits is taken as it is and
/// nothing is built; none: it is built while idle and then handed over to be
/// saved (`SaveIndex`), with the same key.
#[test]
fn a_saved_search_index_is_asked_for_taken_or_built_and_saved() {
    use linkfeed::app::Effect;
    use linkfeed::search::{Index, saved};
    let run_until_asked = |app: &mut linkfeed::app::App| -> u32 {
        for _ in 0..10 {
            if let Some(Effect::LoadIndex(key)) = app.update(Action::Idle) {
                return key;
            }
        }
        panic!("the reader never asked for its saved index");
    };
    // One fits: taken, nothing left to build or save.
    let mut app = sample_app(100, 30);
    let key = run_until_asked(&mut app);
    assert_eq!(key, saved::key(app.posts()));
    let fitting = Index::with_text(app.posts());
    app.update(Action::SavedIndex(key, Some(Box::new(fitting))));
    // What is left (the words of the short fields) builds nothing to save.
    for _ in 0..10 {
        if !app.needs_warm_up() {
            break;
        }
        assert!(!matches!(app.update(Action::Idle), Some(Effect::SaveIndex(..))));
    }
    assert!(!app.needs_warm_up());
    // None: built, then given to be saved.
    let mut app = sample_app(100, 30);
    let key = run_until_asked(&mut app);
    app.update(Action::SavedIndex(key, None));
    let mut saved_one = None;
    for _ in 0..100 {
        if !app.needs_warm_up() {
            break;
        }
        if let Some(Effect::SaveIndex(k, index)) = app.update(Action::Idle) {
            saved_one = Some((k, index));
        }
    }
    let (k, index) = saved_one.expect("the built index is handed over to be saved");
    assert_eq!(k, key);
    assert!(index.has_text() && index.len() == app.posts().len());
    assert_eq!(*index, Index::with_text(app.posts()));
}

/// A small feed in two sections for the search-honesty tests.
fn facet_feed() -> linkfeed::feed::Feed {
    let post = |title: &str, day: &str, tags: &[&str], section: &str| linkfeed::post::Post {
        path: format!("{section}/{title}.md").into(),
        title: title.into(),
        date: linkfeed::feed::frontmatter::parse_date(day),
        tags: tags.iter().map(|&t| t.into()).collect(),
        url: format!("https://example.org/{}", title.replace(' ', "-")),
        section: section.into(),
        kind: "link".into(),
        ..Default::default()
    };
    let posts = vec![
        post("Knative eventing", "2025-03-09", &["serverless", "security"], "docs"),
        post("Cloud Native meetup", "2025-03-08", &["community", "security"], "events"),
        post("Native apps", "2025-03-07", &["mobile"], "docs"),
        post("Karpenter on EKS", "2025-03-06", &["eks", "autoscaling"], "docs"),
        post("Securing EKS", "2025-03-05", &["eks", "security"], "docs"),
        post("EKS meetup", "2025-03-04", &["eks"], "events"),
    ];
    linkfeed::feed::Feed {
        posts,
        sections: vec![("docs".into(), "Docs".into()), ("events".into(), "Events".into())],
        ..Default::default()
    }
}

/// Issue 22: the count, `A` and `n` act on the honest set; a loose term is said.
#[test]
fn counts_and_marking_act_on_the_posts_that_hold_the_term() {
    let mut app = app_with(facet_feed(), 120, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/knative<Enter>");
    assert_eq!(app.count_label(), "1 of 6, 6 unread", "not every Native post");
    assert!(app.loose().is_empty());
    press(&mut app, &o, "A");
    assert_eq!(app.count_label(), "1 of 6, 5 unread", "A marked the one post in view, without asking");
    press(&mut app, &o, "<Esc>/karpetner<Enter>");
    assert_eq!(selected_title(&app), "Karpenter on EKS");
    assert_eq!(app.matches().len(), 1);
    let s = screen(&app);
    assert!(s.contains("no post has 'karpetner': showing close matches"), "{s}");
}

/// Issue 22: the tag picker counts the view; Ctrl-a counts the whole feed;
/// picking never gives an empty list when the picker said more than 0.
#[test]
fn facets_follow_the_view() {
    let mut app = app_with(facet_feed(), 120, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/#security<Enter>t");
    let count =
        |app: &linkfeed::app::App, tag: &str| app.tags().iter().find(|(t, _)| t == tag).map(|(_, n)| *n);
    assert_eq!(count(&app, "security"), Some(3));
    assert_eq!(count(&app, "eks"), Some(1), "within #security, one post is tagged eks");
    assert_eq!(count(&app, "mobile"), None, "no post in view has it");
    press(&mut app, &o, "eks<Enter>");
    assert_eq!(app.matches().len(), 1, "as the picker said");
    assert_eq!(selected_title(&app), "Securing EKS");
    // The whole feed's counts: picking one shows what was counted.
    press(&mut app, &o, "t<C-a>");
    assert_eq!(count(&app, "mobile"), Some(1));
    assert_eq!(count(&app, "eks"), Some(3));
    press(&mut app, &o, "mobile<Enter>");
    assert_eq!(app.matches().len(), 1);
    assert_eq!(selected_title(&app), "Native apps");
    // The section picker counts the query's posts per section.
    let mut app = app_with(facet_feed(), 120, 30);
    press(&mut app, &o, "/eks<Enter><Tab>");
    assert_eq!(app.section_counts().cloned(), Some((vec![2, 1], 3)));
    press(&mut app, &o, "2");
    assert_eq!(app.matches().len(), 1, "Events: as the picker said");
}

/// Issue 23: a new section opens at its top, not where the old post would
/// have stood.
#[test]
fn a_section_opens_at_its_top() {
    let mut app = app_with(whole_sample(), 120, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "jjjjjjjjjjjj");
    assert_eq!(app.selected(), 12);
    press(&mut app, &o, "2");
    assert_eq!((app.selected(), app.offset()), (0, 0), "{}", app.section_label());
    press(&mut app, &o, "jjj0");
    assert_eq!((app.selected(), app.offset()), (0, 0), "all sections again, from the top");
}

/// Issue 23: Space and b page a long post in the detail pane; `l` gives the
/// detail pane the keys that move (j/k, PgDn/PgUp, g/G), `h` or Esc gives
/// them back; the bottom border says how much is left and the reading time.
#[test]
fn long_posts_page_in_the_detail_pane() {
    let long: String = (0..150).map(|i| format!("Paragraph {i} of a long post.\n\n")).collect();
    let mut feed = facet_feed();
    feed.posts[0].summary = long;
    let mut app = app_with(feed, 120, 30);
    let o = FakeHost::default();
    let page = app.size().1 as usize - 4; // the pane's height (27) less a line
    press(&mut app, &o, " ");
    assert_eq!(app.detail_scroll(), page);
    assert_eq!(app.selected(), 0, "Space pages the post, not the list");
    press(&mut app, &o, " b");
    assert_eq!(app.detail_scroll(), page);
    let s = screen(&app);
    assert!(s.contains("min read · more below ("), "{s}");
    // l: j, PgDn and G move the post.
    press(&mut app, &o, "lj");
    assert_eq!((app.selected(), app.detail_scroll()), (0, page + 1));
    press(&mut app, &o, "<PgDn>");
    assert_eq!(app.detail_scroll(), 2 * page + 1);
    press(&mut app, &o, "G");
    let s = screen(&app);
    assert!(!s.contains("more below"), "at the end: {s}");
    assert!(s.contains("h: the list"), "the focus is shown: {s}");
    press(&mut app, &o, "g");
    assert_eq!(app.detail_scroll(), 0);
    // Esc gives the keys back to the list.
    press(&mut app, &o, "<Esc>j");
    assert_eq!(app.selected(), 1);
    press(&mut app, &o, "ljhj");
    assert_eq!(app.selected(), 2, "h gives them back too");
}

/// Issue 23: views of one's own: tabs with unread counts, picked by the
/// number after the sections, opened at their top; active while the query
/// is theirs.
#[test]
fn views_are_tabs_with_unread_counts_and_open_at_their_top() {
    let mut app = app_with(facet_feed(), 120, 30);
    common::configure(&mut app, |s| {
        s.views = vec![("eks".into(), "#eks".into()), ("news".into(), "-in:events".into())]
    });
    let o = FakeHost::default();
    press(&mut app, &o, "jj");
    app.update(Action::Clock(TEST_NOW + 60));
    assert_eq!(app.view_counts(), [(3, 3), (4, 4)]);
    let s = screen(&app);
    assert!(s.contains("0 all 6 · 3 eks 3 · 4 news 4"), "{s}");
    press(&mut app, &o, "3");
    assert_eq!((app.selected(), app.offset(), app.matches().len()), (0, 0, 3));
    assert_eq!(app.active_view(), Some(0));
    press(&mut app, &o, "m");
    assert_eq!(app.view_counts()[0], (3, 2), "the unread count follows the marks");
    // A section is not a view; typing leaves it.
    press(&mut app, &o, "4");
    assert_eq!(app.active_view(), Some(1));
    press(&mut app, &o, "/ x<Enter>");
    assert_eq!(app.active_view(), None);
    // default_view by name (a view or a section).
    assert!(common::open_named(&mut app, "EKS"));
    assert_eq!(app.active_view(), Some(0));
    assert!(common::open_named(&mut app, "Events"));
    assert_eq!(app.section(), Some("events"));
    assert!(!common::open_named(&mut app, "nothing"));
}

/// Issue 42: the section picker lists the views after the sections; a
/// digit (a section, or 0 for all) from a view leaves the view and its
/// query; `/` in a view types a new word after its query.
#[test]
fn views_in_the_picker_and_digits_leave_a_view() {
    let mut app = app_with(facet_feed(), 120, 30);
    common::configure(&mut app, |s| {
        s.views = vec![("eks".into(), "#eks".into()), ("news".into(), "-in:events".into())]
    });
    let o = FakeHost::default();
    press(&mut app, &o, "4");
    assert_eq!(app.active_view(), Some(1));
    press(&mut app, &o, "<Tab>");
    let s = screen(&app);
    assert!(s.contains("eks (view)") && s.contains("news (view)"), "{s}");
    // The view in force is the one marked.
    let marked = s.lines().find(|l| l.contains("▶ "));
    assert!(marked.is_some_and(|l| l.contains("news (view)")), "{s}");
    // j reaches the view rows, marked; Enter opens the one marked.
    press(&mut app, &o, "gkkkkkkkjjj");
    let s = screen(&app);
    let marked = s.lines().find(|l| l.contains("▶ ") && l.contains("(view)"));
    assert!(marked.is_some_and(|l| l.contains("eks (view)")), "{s}");
    press(&mut app, &o, "<Enter>");
    assert_eq!(app.active_view(), Some(0));
    // 0 from a view: every post, no query.
    press(&mut app, &o, "0");
    assert_eq!((app.query_text(), app.active_view(), app.matches().len()), ("", None, 6));
    // A section digit from a view: that section's posts, no query.
    press(&mut app, &o, "4");
    press(&mut app, &o, "2");
    assert_eq!(app.query_text(), "");
    assert!(app.section().is_some() && !app.matches().is_empty(), "{}", screen(&app));
    // A query of one's own stays when a section is picked.
    press(&mut app, &o, "0/eks<Enter>1");
    assert_eq!(app.query_text(), "eks");
    // `/` in a view: a new word, not letters glued to its last term.
    press(&mut app, &o, "0");
    press(&mut app, &o, "4");
    press(&mut app, &o, "/karp<Enter>");
    assert_eq!(app.query_text(), "-in:events karp");
}

/// Reader mode as a state machine: `v` asks the host for the selected
/// post's article and shows a spinner; the article replaces the post's text;
/// an answer for a post no longer waiting is dropped; `Esc` (or `v`) goes
/// back; moving to another post leaves reader mode; a kept article counts
/// for `has:article`.
#[test]
fn v_shows_the_article_and_esc_goes_back() {
    use linkfeed::article::{Article, Origin};
    let mut app = sample_app(120, 30);
    let o = FakeHost::default();
    let url = app.current().map(|p| p.url.clone()).expect("a post");
    press(&mut app, &o, "v");
    assert_eq!(*o.fetched.borrow(), vec![url.clone()]);
    assert!(app.reading_article());
    assert!(screen(&app).contains("fetching the article"), "{}", screen(&app));
    // An answer for another URL changes nothing.
    let article = |u: &str| Article {
        url: u.to_string(),
        final_url: u.to_string(),
        title: "The original's own title".into(),
        site: "Example Site".into(),
        byline: Some("A. Writer".into()),
        words: 321,
        markdown:
            "First paragraph of the original.\n\nSecond paragraph, with a [link](https://example.com/x)."
                .into(),
        fetched_at: 0,
        status: 200,
        etag: None,
        last_modified: None,
    };
    app.update(Action::Article(
        "https://elsewhere.example/".into(),
        Box::new(Ok((article("https://elsewhere.example/"), Origin::Fetched))),
    ));
    assert!(screen(&app).contains("fetching the article"));
    app.update(Action::Article(url.clone(), Box::new(Ok((article(&url), Origin::Fetched)))));
    let s = screen(&app);
    assert!(
        s.contains("The original's own title") && s.contains("Example Site · A. Writer · 321 words"),
        "{s}"
    );
    assert!(
        s.contains("First paragraph of the original.") && s.contains("article · v or Esc: the post"),
        "{s}"
    );
    // has:article finds it (the only kept one); so does a word only its
    // article holds.
    press(&mut app, &o, "/has:article<Enter>");
    assert_eq!(app.matches().len(), 1);
    press(&mut app, &o, "<Esc>/<BS><BS><BS><BS><BS><BS><BS><BS><BS><BS><BS>paragraph<Enter>");
    assert_eq!(app.matches().len(), 1, "{}", screen(&app));
    assert_eq!(app.current().map(|p| p.url.clone()), Some(url.clone()));
    press(&mut app, &o, "<Esc>");
    // Esc leaves reader mode first, then clears the filter.
    assert!(!app.reading_article());
    assert!(!screen(&app).contains("First paragraph of the original."));
    // A failure says why; moving to another post leaves reader mode.
    press(&mut app, &o, "<Esc>v");
    app.update(Action::Article(
        url.clone(),
        Box::new(Err(linkfeed::article::ArticleError::Fetch("timed out after 20 s".into()))),
    ));
    assert!(screen(&app).contains("No article here: timed out after 20 s."), "{}", screen(&app));
    press(&mut app, &o, "j");
    assert!(!app.reading_article());
}

/// `prefetch = true`: after a sync (`S`) and the reload it brings, the app
/// asks for the unread posts' articles (each link once, read posts left
/// out); without it, nothing is fetched.
#[test]
fn after_a_sync_prefetch_asks_for_the_unread_posts_articles() {
    use linkfeed::app::Effect;
    for prefetch in [false, true] {
        let mut app = sample_app(120, 30);
        let o = FakeHost::default();
        configure(&mut app, |s| s.prefetch = prefetch);
        // The first post is read: its link is not asked for.
        let read = app.current().map(|p| p.url.clone()).expect("a post");
        press(&mut app, &o, "m");
        let safe = |u: &str| linkfeed::text::sanitize::safe_url(u).ok().filter(|u| u.starts_with("http"));
        let expected: std::collections::HashSet<String> =
            app.posts().iter().filter(|p| p.url != read).filter_map(|p| safe(&p.url)).collect();
        assert_eq!(app.update(Action::Synced(Ok(("news: 1 new".into(), Vec::new())))), Some(Effect::Reload));
        let asked = app.update(Action::Reloaded(Ok(Box::new(sample_feed()))));
        match (prefetch, asked) {
            (false, None) => {}
            (true, Some(Effect::Prefetch(urls))) => {
                let n = urls.len();
                let urls: std::collections::HashSet<String> = urls.into_iter().collect();
                assert_eq!(n, urls.len(), "each link once");
                assert_eq!(urls, expected);
            }
            (p, other) => panic!("prefetch {p}: {other:?}"),
        }
    }
}

/// Issue 42: the sync's report stays in the status bar when the watch of
/// the synced feed reloads it a second time; `r` says it reloaded; a
/// watched folder that gains a post says so.
#[test]
fn a_sync_report_is_not_replaced_by_the_second_reload() {
    let mut app = sample_app(120, 30);
    let o = FakeHost::default();
    app.update(Action::Synced(Ok(("news: 1 new, 2 changed".into(), Vec::new()))));
    app.update(Action::Reloaded(Ok(Box::new(sample_feed()))));
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("news: 1 new, 2 changed"));
    app.update(Action::Reloaded(Ok(Box::new(sample_feed()))));
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("news: 1 new, 2 changed"));
    press(&mut app, &o, "r");
    app.update(Action::Reloaded(Ok(Box::new(sample_feed()))));
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("reloaded: 44 posts, 44 unread"));
    let mut fewer = sample_feed();
    fewer.posts.pop();
    app.update(Action::Reloaded(Ok(Box::new(fewer))));
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("updated: 43 posts, 43 unread"));
}

/// Issue 25: a word of one to three letters is matched first without tier 4
/// (letters in order), which costs most of such a keystroke: every
/// keystroke's view must still be what matching every tier and keeping the
/// closest class gives, also when the next key narrows it, a second word
/// starts, no post holds the word closer than letters in order, or nothing
/// matches.
#[test]
fn a_short_word_matched_lazily_shows_what_matching_every_tier_shows() {
    use linkfeed::search::{Matcher, Query};
    let feed = whole_sample();
    let posts = feed.posts.clone();
    let mut app = app_with(feed, 100, 30);
    let o = FakeHost::default();
    let reference = |q: &str| -> Vec<usize> {
        Matcher::at(TEST_NOW).filter(&Query::parse(q), &posts).iter().map(|m| m.idx).collect()
    };
    let queries =
        ["rust async", "ku", "pg x", "zq", "xyzzy", "tc", "ab c", "k8s", "Rust", "releas", "postgres"];
    // Before the idle work (no word index of the text, no dictionary of the
    // short fields), then after it.
    let mut typed_all: Vec<&str> = queries.to_vec();
    typed_all.push("");
    typed_all.extend(queries);
    for typed in typed_all {
        if typed.is_empty() {
            for _ in 0..1000 {
                if !app.needs_warm_up() {
                    break;
                }
                if let Some(linkfeed::app::Effect::LoadIndex(key)) = app.update(Action::Idle) {
                    app.update(Action::SavedIndex(key, None));
                }
            }
            assert!(!app.needs_warm_up());
            continue;
        }
        press(&mut app, &o, "/");
        let mut q = String::new();
        for c in typed.chars() {
            press(&mut app, &o, &c.to_string());
            q.push(c);
            let got: Vec<usize> = app.matches().iter().map(|m| m.idx).collect();
            assert_eq!(got, reference(&q), "after {q:?}");
        }
        // Backspace widens again.
        press(&mut app, &o, "<BS>");
        q.pop();
        let got: Vec<usize> = app.matches().iter().map(|m| m.idx).collect();
        assert_eq!(got, reference(&q), "after {q:?} and a backspace");
        press(&mut app, &o, "<Esc>");
    }
}

/// Issue 25: within a section, fuzz is decided within the section: a word
/// some post of another section starts with, but the section's posts hold
/// only as letters in order, still lists those posts there (and the section
/// picker counts them).
#[test]
fn a_short_word_within_a_section_falls_back_to_letters_in_order_there() {
    use std::sync::Arc;
    let post = |i: usize, title: &str, section: &str| linkfeed::post::Post {
        title: title.into(),
        path: format!("{section}/{i}.md").into(),
        section: Arc::from(section),
        section_title: Arc::from(section.to_uppercase().as_str()),
        kind: Arc::from("link"),
        ..Default::default()
    };
    let feed = linkfeed::feed::Feed {
        posts: vec![
            post(0, "Rusty tools", "a"),
            post(1, "Running late", "a"),
            post(2, "Brute force", "b"),
            post(3, "Cargo pile", "b"),
        ],
        sections: vec![("a".into(), "A".into()), ("b".into(), "B".into())],
        files: 4,
        ..Default::default()
    };
    let mut app = app_with(feed, 100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/ru");
    let titles = |app: &linkfeed::app::App| -> Vec<String> {
        app.matches().iter().map(|m| app.posts()[m.idx].title.clone()).collect()
    };
    assert_eq!(titles(&app), ["Rusty tools", "Running late"]);
    // Section b: only "Brute" holds r-u, as letters in order.
    press(&mut app, &o, "<Enter>2");
    assert_eq!(titles(&app), ["Brute force"]);
    press(&mut app, &o, "1");
    assert_eq!(titles(&app), ["Rusty tools", "Running late"]);
}

/// The first screen's feed of `feed`'s newest `k` posts only, as the
/// reader's first load gives it (`Feed::partial`: how many the whole has).
fn newest_of(mut feed: linkfeed::feed::Feed, k: usize) -> linkfeed::feed::Feed {
    let whole = feed.posts.len();
    feed.posts.truncate(k);
    feed.files = k;
    feed.pages = 0;
    feed.link_groups = None;
    feed.partial = Some(whole);
    feed.stats.unchecked = true;
    feed
}

/// Issue 25: a first screen of the newest posts only (`Feed::partial`)
/// says the rest is being read, builds nothing from them while idle, puts
/// off what counts or marks every post, and the check's whole feed then
/// replaces it, keeping the query and the selected post.
#[test]
fn a_first_screen_of_the_newest_posts_is_replaced_by_the_whole_feed() {
    let whole = sample_feed();
    let n = whole.posts.len();
    let mut app = app_with(newest_of(sample_feed(), 10), 120, 30);
    let o = FakeHost::default();
    assert_eq!(app.count_label(), format!("{n} posts, reading them…"));
    assert!(!app.needs_warm_up(), "no index or tag counts from ten posts");
    press(&mut app, &o, "A");
    assert_eq!(app.mode(), Mode::List, "no question about marking ten posts");
    assert!(app.message().is_some_and(|m| m.text.contains("still reading the feed")));
    assert_eq!(app.unread(), 10);
    press(&mut app, &o, "j");
    let selected = selected_title(&app);
    app.update(Action::Reloaded(Ok(Box::new(whole))));
    assert_eq!(app.posts().len(), n);
    assert_eq!(selected_title(&app), selected, "still on the same post");
    assert_eq!(app.count_label(), format!("{n} posts, {n} unread"));
    assert!(app.needs_warm_up());
    press(&mut app, &o, "A");
    assert_eq!(app.mode(), Mode::Confirm, "now every post can be marked");
}

/// Issue 25: a view restored at start (`remember_view`) over a first screen
/// of the newest posts keeps a section none of them is in, and selects its
/// post once the whole feed comes.
#[test]
fn a_view_restored_over_the_newest_posts_holds_until_the_whole_feed() {
    let whole = whole_sample();
    let first = newest_of(whole_sample(), 1);
    let in_first: Vec<String> = first.posts.iter().map(|p| p.section.to_string()).collect();
    let older = whole
        .posts
        .iter()
        .rev()
        .find(|p| !in_first.contains(&p.section.to_string()))
        .expect("an older section");
    let (section, path, title) = (older.section.to_string(), older.path.clone(), older.title.clone());
    let mut app = app_with(first, 120, 30);
    app.update(Action::Restore(linkfeed::app::SavedView {
        section: Some(section.clone()),
        query: String::new(),
        selected: Some(path),
    }));
    assert!(app.matches().is_empty(), "none of the newest posts is in {section}");
    app.update(Action::Reloaded(Ok(Box::new(whole))));
    assert_eq!(selected_title(&app), title);
    assert!(app.count_label().contains(" of "), "still the section's view: {}", app.count_label());
}

/// Issue 25: posts that came from the cache without their tldr and summary
/// (the reader keeps them there) ask for the shown post's text, show it
/// when it comes, ask for every post's when a query reads the text (then
/// match as the whole feed does), and have the word index of the text made
/// from the cache, not from the texts they lack.
#[test]
fn posts_without_their_text_read_it_when_shown_or_searched() {
    use linkfeed::app::Effect;
    let whole = sample_feed();
    let texts: Vec<(String, String)> =
        whole.posts.iter().map(|p| (p.tldr.clone(), p.summary.clone())).collect();
    let light = || {
        let mut f = sample_feed();
        for (i, p) in f.posts.iter_mut().enumerate() {
            p.entry = Some(i as u32);
            p.leave_out_long_text();
        }
        f.cache_generation = Some(7);
        f
    };
    let mut app = app_with(light(), 120, 30);
    let shown = app.current().and_then(|p| p.entry).expect("a post from the cache");
    let want = &texts[shown as usize];
    assert!(!want.1.is_empty(), "the newest sample post has a summary");
    assert_eq!(app.update(Action::Resize(120, 30)), Some(Effect::ReadTexts(7, vec![shown])));
    let head: String = want.1.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    assert!(!screen(&app).contains(&head), "not shown before it is read");
    app.update(Action::Texts(7, Ok(vec![(shown, want.0.clone(), want.1.clone())])));
    assert_eq!(app.current().map(|p| p.summary.as_str()), Some(want.1.as_str()));
    assert!(screen(&app).contains(&head), "{}", screen(&app));
    // A cache written again meanwhile: said, and not asked again.
    let mut other = app_with(light(), 120, 30);
    assert!(other.update(Action::Texts(7, Err(linkfeed::cache::CacheError::WrittenAgain))).is_none());
    assert!(other.message().is_some_and(|m| m.error && m.text.contains("r reads the feed again")));
    assert_eq!(other.update(Action::Resize(120, 30)), None, "not asked again");
    // A word with capitals reads the text: every post's is asked for once,
    // and with it in, the matches are the whole feed's.
    let o = FakeHost::default();
    press(&mut app, &o, "/");
    assert_eq!(app.update(Action::Type("Linux".into())), Some(Effect::ReadLongText(7)));
    assert_ne!(app.update(Action::Resize(120, 30)), Some(Effect::ReadLongText(7)), "asked once");
    let mut reference = sample_app(120, 30);
    press(&mut reference, &o, "/Linux");
    let titles = |a: &linkfeed::app::App| -> Vec<String> {
        a.matches().iter().map(|m| a.posts()[m.idx].title.clone()).collect()
    };
    assert!(!titles(&reference).is_empty());
    assert_ne!(titles(&app), titles(&reference), "some post says it only in its text");
    app.update(Action::LongText(7, Some(texts.clone())));
    assert_eq!(titles(&app), titles(&reference));
    // No saved word index fits: it is made from the cache, in order, told
    // how the load renumbered the cache (the saved index follows that).
    let renumbering = std::sync::Arc::new(linkfeed::cache::Renumbering {
        from: 6,
        generation: 7,
        renumbered: vec![0, 1, u32::MAX],
        fresh_from: 2,
        entries: 3,
    });
    let mut feed = light();
    feed.cache_renumbering = Some(renumbering.clone());
    let mut app = app_with(feed, 120, 30);
    let order: Vec<u32> = app.posts().iter().filter_map(|p| p.entry).collect();
    let mut key = None;
    for _ in 0..50 {
        match app.update(Action::Idle) {
            Some(Effect::LoadIndex(k)) => {
                key = Some(k);
                break;
            }
            Some(Effect::ReadTexts(g, entries)) => {
                let answer =
                    entries.iter().map(|&e| (e, texts[e as usize].0.clone(), texts[e as usize].1.clone()));
                app.update(Action::Texts(g, Ok(answer.collect())));
            }
            _ => {}
        }
    }
    let key = key.expect("the idle work asks for the saved index");
    assert_eq!(
        app.update(Action::SavedIndex(key, None)),
        Some(Effect::BuildTextWords { key, generation: 7, entries: order, renumbering: Some(renumbering) })
    );
    // Its answer comes as an action: the loop waits for it, not turning on Idle.
    assert!(!app.needs_warm_up());
}

/// Issue 42: a mark the store could not keep (a full disk) is taken back
/// on screen, so the counts shown are what the next start shows; it is not
/// left on the undo stack either.
#[test]
fn a_mark_that_could_not_be_saved_is_undone_on_screen() {
    struct FullDisk;
    impl linkfeed::tui::host::Host for FullDisk {
        fn open(&self, _: &str) -> Result<linkfeed::tui::host::Opened, linkfeed::app::HostError> {
            Ok(linkfeed::tui::host::Opened::Now)
        }
        fn copy(&self, _: &str) -> Result<(), linkfeed::app::HostError> {
            Ok(())
        }
        fn save_marks(
            &self,
            _: &[linkfeed::store::marks::Record],
        ) -> Result<Option<linkfeed::tui::host::MarkSets>, linkfeed::app::HostError> {
            Err(linkfeed::app::HostError::MarksLog {
                path: "marks.jsonl".into(),
                reason: "No space left on device (os error 28)".into(),
            })
        }
    }
    let mut app = sample_app(120, 30);
    let key = |app: &mut linkfeed::app::App, cmd| {
        linkfeed::tui::apply(app, Action::Key(linkfeed::app::keys::Input::Cmd(cmd)), &FullDisk)
    };
    use linkfeed::app::keys::Cmd;
    key(&mut app, Cmd::ToggleRead);
    assert_eq!(app.unread(), 44, "the read mark is undone");
    let m = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(m.contains("could not save the marks") && m.contains("undone"), "{m}");
    key(&mut app, Cmd::ToggleStar);
    assert!(!app.current().is_some_and(|p| app.is_starred(p)), "the star is undone");
    key(&mut app, Cmd::MarkAllRead);
    key(&mut app, Cmd::Yes);
    assert_eq!(app.unread(), 44);
    key(&mut app, Cmd::Undo);
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("nothing to undo"));
}
