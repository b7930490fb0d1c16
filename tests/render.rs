//! Whole frames on ratatui's TestBackend, reached through the input path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;
use common::*;
use linkfeed::app::keys::Mode;
use linkfeed::feed::{self, Feed};
use linkfeed::ui::theme::Theme;
use ratatui::style::Color;
use std::path::Path;

#[test]
fn both_panes() {
    let app = sample_app(100, 30);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn both_panes_after_moving_and_filtering() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/gateway");
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn help_overlay() {
    let mut app = sample_app(100, 40);
    press(&mut app, &FakeHost::default(), "?");
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn help_overlay_lists_every_list_key_from_the_table() {
    let mut app = sample_app(120, 40);
    press(&mut app, &FakeHost::default(), "?");
    let s = screen(&app);
    for (keys, help) in linkfeed::app::keys::KeyMap::default().help_rows(Mode::List) {
        assert!(s.contains(&keys), "help shows {keys}");
        assert!(s.contains(help), "help shows {help}");
    }
}

#[test]
fn empty_feed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = feed::load(&feed::Source::Dir(dir.path().to_path_buf()), &Default::default())
        .expect("an empty folder loads");
    let app = app_called(feed, "~/feed", 80, 16);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn nothing_matches() {
    let mut app = sample_app(80, 16);
    press(&mut app, &FakeHost::default(), "/zzqqxx");
    let s = screen(&app);
    assert!(s.contains("Nothing matches."), "{s}");
    assert!(s.contains("0 of 44"), "{s}");
}

#[test]
fn a_20x5_terminal() {
    let app = sample_app(20, 5);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn no_size_panics_in_any_mode() {
    let o = FakeHost::default();
    for keys in ["", "/kube", "?", "t", "/zzzz"] {
        for w in 0..=32u16 {
            for h in 0..=12u16 {
                let mut app = sample_app(w, h);
                press(&mut app, &o, keys);
                let _ = draw(&app);
            }
        }
    }
    // The whole sample: the section picker, events, rendered Markdown bodies.
    let whole = whole_sample();
    for keys in ["<Tab>", "/in:ev", "/kind:blog", "/kind:blog<Enter>JJJJ"] {
        for w in 0..=32u16 {
            for h in 0..=12u16 {
                let mut app = app_with(whole.clone(), w, h);
                press(&mut app, &o, keys);
                let _ = draw(&app);
            }
        }
    }
}

#[test]
fn the_selected_row_stands_out_even_without_colour() {
    for theme in [Theme::COLOR, Theme::PLAIN] {
        let mut app = sample_app(100, 30);
        common::configure(&mut app, |s| s.theme = theme);
        let t = draw(&app);
        let buf = t.backend().buffer();
        // Row 1 (inside the border) is selected, row 2 is not.
        let sel = buf[(5, 1)].style();
        let other = buf[(5, 2)].style();
        assert_ne!(sel, other, "{theme:?}");
        assert_eq!(buf[(1, 1)].symbol(), "▶");
        if theme == Theme::PLAIN {
            for cell in buf.content() {
                assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "no colour with NO_COLOR");
            }
        }
    }
}

#[test]
fn matched_letters_are_highlighted() {
    let mut app = sample_app(100, 30);
    press(&mut app, &FakeHost::default(), "/ratatui");
    let t = draw(&app);
    let buf = t.backend().buffer();
    // Find "Ratatui" on the first row and check its letters carry the highlight style.
    let row: Vec<&str> = (0..40).map(|x| buf[(x, 1)].symbol()).collect();
    let col =
        row.windows(8).position(|w| w.concat() == "Ratatui ").expect("the match is on the first row") as u16;
    for x in col..col + 7 {
        assert_eq!(buf[(x, 1)].fg, Theme::COLOR.highlight.fg.expect("colour"), "column {x}");
    }
    assert_ne!(buf[(col + 7, 1)].fg, Theme::COLOR.highlight.fg.expect("colour"));
}

#[test]
fn an_escape_in_a_title_never_reaches_the_buffer() {
    let text = "---\ntitle: \"red \\e[31mALERT\\e]0;pwned\\a \\x9b2J\"\nsummary: \"bell \\a and \\e[2J\"\nexternal_url: https://example.com/\n---\n";
    let parsed = feed::parse_bytes(Path::new("evil.md"), text.as_bytes()).expect("loads");
    let feed = Feed { posts: vec![parsed.0], problems: vec![], files: 1, ..Default::default() };
    let app = app_with(feed, 100, 12);
    let t = draw(&app);
    let buf = t.backend().buffer();
    let mut all = String::new();
    for cell in buf.content() {
        all.push_str(cell.symbol());
    }
    assert!(!all.chars().any(|c| c.is_control()), "a control character reached the buffer");
    assert!(all.contains("red ␛[31mALERT␛]0;pwned␇"), "escapes are shown visibly");
}

#[test]
fn the_loading_screen_shows_progress() {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(60, 7)).expect("terminal");
    t.draw(|f| linkfeed::ui::loading(f.area(), f.buffer_mut(), "~/feed", 12_345, 100_000, true))
        .expect("draw");
    insta::assert_snapshot!(t.backend());
    t.draw(|f| linkfeed::ui::loading(f.area(), f.buffer_mut(), "~/feed", 0, 0, false)).expect("draw");
    let text: String = t.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(text.contains("finding files"), "{text}");
}

#[test]
fn narrow_terminals_show_one_pane_at_a_time() {
    let mut app = sample_app(40, 10);
    insta::assert_snapshot!("narrow_list", draw(&app).backend());
    let o = FakeHost::default();
    // Enter shows the selected post; nothing is opened.
    press(&mut app, &o, "j<Enter>");
    assert!(o.opened.borrow().is_empty());
    insta::assert_snapshot!("narrow_detail", draw(&app).backend());
    // Esc goes back to the list, on the same post.
    press(&mut app, &o, "<Esc>");
    assert!(!app.show_detail());
    assert_eq!(app.selected(), 1);
    assert!(screen(&app).contains("▶"));
    // In the detail, Enter opens it.
    press(&mut app, &o, "<Enter><Enter>");
    assert_eq!(o.opened.borrow().len(), 1);
}

#[test]
fn the_list_row_layout_with_relative_dates() {
    // The clock is TEST_NOW (2025-11-01): dates within eight weeks are
    // relative, within the year month and day, before that the year.
    let mut feed = sample_feed();
    let now = chrono::DateTime::from_timestamp(TEST_NOW, 0).expect("a time").fixed_offset();
    let ages = [2 * 3600, 3 * 86400, 20 * 86400, 100 * 86400, 800 * 86400];
    for (post, age) in feed.posts.iter_mut().zip(ages) {
        post.date = Some(now - chrono::Duration::seconds(age));
    }
    let mut app = app_with(feed, 100, 10);
    let o = FakeHost::default();
    press(&mut app, &o, "jm*");
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn a_46_character_title_is_whole_at_120_columns_and_45_characters_show_at_80() {
    let title = "Forty-six characters of headline, give or tak!";
    assert_eq!(title.chars().count(), 46);
    let mut feed = sample_feed();
    feed.posts[0].title = title.to_string();
    let wide = app_with(feed.clone(), 120, 40);
    assert!(screen(&wide).lines().nth(1).is_some_and(|l| l.contains(title)), "{}", screen(&wide));
    let classic = app_with(feed, 80, 24);
    let row = screen(&classic).lines().nth(1).map(str::to_string).unwrap_or_default();
    assert!(row.contains(&title[..45]), "{row}");
}

#[test]
fn a_classic_80x24_terminal() {
    let app = sample_app(80, 24);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn a_wide_200x60_terminal() {
    let app = sample_app(200, 60);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn the_layout_returns_when_the_terminal_grows() {
    let mut app = sample_app(50, 20);
    let s = screen(&app);
    assert!(s.lines().next().unwrap_or("").contains("sample feed"));
    assert_eq!(s.lines().nth(1).map(|l| l.chars().filter(|&c| c == '│').count()), Some(2), "one pane: {s}");
    app.update(linkfeed::app::Action::Resize(120, 30));
    let s = screen(&app);
    assert_eq!(
        s.lines().nth(1).map(|l| l.chars().filter(|&c| c == '│').count()),
        Some(4),
        "side by side again: {s}"
    );
}

#[test]
fn help_scrolls_when_it_does_not_fit() {
    let mut app = sample_app(80, 24);
    let o = FakeHost::default();
    press(&mut app, &o, "?");
    let s = screen(&app);
    assert!(s.contains("help: j/k scroll"), "{s}");
    assert!(!s.contains("Query syntax"), "{s}");
    press(&mut app, &o, &"j".repeat(60));
    let s = screen(&app);
    assert!(s.contains("Query syntax") && s.contains("leave out what the term matches"), "{s}");
    assert_eq!(app.selected(), 0, "j scrolled the help, not the list");
    press(&mut app, &o, "<Esc>");
    assert_eq!(app.mode(), Mode::List);
    // Wide enough: nothing to scroll.
    let mut wide = sample_app(120, 40);
    press(&mut wide, &o, "?");
    assert!(screen(&wide).contains("help: Esc or ? closes"));
}

#[test]
fn drafts_are_marked_when_shown() {
    let feed = feed::load(&feed::Source::Sample, &Default::default()).expect("sample").visible(true);
    assert_eq!(feed.posts.len(), 56);
    let mut app = app_with(feed, 120, 12);
    let o = FakeHost::default();
    // The newest post is a draft.
    let s = screen(&app);
    assert!(s.contains("[draft] Comparing eBPF runtime security tools"), "{s}");
    press(&mut app, &o, "/platform teams");
    assert!(screen(&app).contains("[draft] Platform teams that say no"));
}

#[test]
fn the_problems_overlay_wraps_long_messages_and_scrolls() {
    use linkfeed::problem::{Problem, Severity};
    let mut feed = sample_feed();
    feed.problems = (0..12)
        .map(|i| Problem {
            path: format!("post-{i:02}.md").into(),
            line: Some(3),
            severity: Severity::Error,
            message: format!("{} the end of problem {i}", "a long explanation ".repeat(8)),
        })
        .collect();
    let mut app = app_with(feed, 80, 24);
    let o = FakeHost::default();
    press(&mut app, &o, "p");
    let s = screen(&app);
    // Wrapped: the end of the first message is on screen, not cut off.
    assert!(s.contains("the end of problem 0"), "{s}");
    assert!(!s.contains("the end of problem 11"), "{s}");
    // Moving down scrolls until the last one shows, whole.
    press(&mut app, &o, &"j".repeat(11));
    let s = screen(&app);
    assert!(s.contains("post-11.md:3") && s.contains("the end of problem 11"), "{s}");
    insta::assert_snapshot!(draw(&app).backend());
}

/// Issue 23: a status message too long for the bar ends in an ellipsis.
#[test]
fn a_long_status_message_is_cut_with_an_ellipsis() {
    let mut app = sample_app(60, 10);
    app.update(linkfeed::app::Action::Notice("x".repeat(200), false));
    let s = screen(&app);
    let last = s.lines().last().unwrap_or("");
    assert!(last.contains("xxx…"), "{last}");
}

/// Issue 22: a row whose title is cut before the word the query matched
/// shows the match; issue 42: when the match lies near the title's end, the
/// row keeps the title's start before it (the row is recognised, and no
/// column is left blank).
#[test]
fn a_cut_title_shows_the_match() {
    let mut feed = sample_feed();
    feed.posts[0].title =
        "A very long headline about many things in the cloud native world and finally Karpenter consolidation"
            .to_string();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app_with(feed.clone(), w, h);
        let o = FakeHost::default();
        press(&mut app, &o, "/karpenter<Enter>");
        let s = screen(&app);
        let line = s.lines().find(|l| l.contains('▶')).unwrap_or_default().to_string();
        // The list pane's row: from the selection marker to its border.
        let row: String = line.chars().skip_while(|c| *c != '▶').take_while(|c| *c != '│').collect();
        assert!(row.contains("Karpenter consolidation"), "{w}x{h}: {row}");
        assert!(row.contains("A very long headline") && row.contains('…'), "{w}x{h}: {row}");
        let blank = row.chars().rev().take_while(|c| *c == ' ').count();
        assert!(blank <= 1, "{w}x{h}: {blank} blank columns at the end of {row:?}");
    }
    // A match in the middle of a title too long for the row: between ellipses.
    let o = FakeHost::default();
    let mut app = {
        let mut f = feed;
        f.posts[0].title = format!("{} Karpenter {}", "word ".repeat(12), "more ".repeat(6));
        app_with(f, 80, 24)
    };
    press(&mut app, &o, "/karpenter<Enter>");
    let s = screen(&app);
    let line = s.lines().find(|l| l.contains('▶')).unwrap_or_default().to_string();
    let row: String = line.chars().skip_while(|c| *c != '▶').take_while(|c| *c != '│').collect();
    assert!(row.contains("Karpenter more") && row.contains('…'), "{row}");
    // Without a query the row starts at the title's start, as ever.
    press(&mut app, &o, "<Esc>");
    let s = screen(&app);
    let line = s.lines().find(|l| l.contains('▶')).unwrap_or_default().to_string();
    assert!(line.contains("▶●     1w word word word"), "{s}");
}

/// Issue 42: a starred post shows whether it is read: `★` while unread,
/// `☆` once read.
#[test]
fn a_starred_row_shows_whether_it_is_read() {
    let feed = sample_feed();
    let (first, second) = (feed.posts[0].url.clone(), feed.posts[1].url.clone());
    let mut app = app_with(feed, 120, 30);
    let starred: std::collections::HashSet<String> = [first.clone(), second.clone()].into();
    let read: std::collections::HashSet<String> = [second].into();
    app.update(linkfeed::app::Action::Marks(Box::new((read, starred))));
    let s = screen(&app);
    let rows: Vec<&str> = s.lines().skip(1).take(2).collect();
    assert!(rows[0].contains("▶★"), "{s}");
    assert!(rows[1].contains(" ☆"), "{s}");
}
