//! Skimming, as key events in and state out: next unread, open-and-advance,
//! marking the view read with a question and undo, stars, `is:` terms, and
//! a selection that follows its post.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;

use common::*;
use linkfeed::app::keys::Mode;

fn titles(app: &linkfeed::app::App) -> Vec<String> {
    app.matches().iter().map(|m| app.posts()[m.idx].title.clone()).collect()
}

#[test]
fn n_and_shift_n_move_to_the_next_and_previous_unread_post_wrapping() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    let all = titles(&app);
    // Read posts 1 and 2: n from 0 skips them.
    press(&mut app, &o, "jmjmgg");
    assert_eq!(app.selected(), 0);
    press(&mut app, &o, "n");
    assert_eq!(selected_title(&app), all[3]);
    // N goes back over the read ones to 0.
    press(&mut app, &o, "N");
    assert_eq!(app.selected(), 0);
    // From the last post, n wraps to the first unread and says so.
    press(&mut app, &o, "G");
    press(&mut app, &o, "n");
    assert_eq!(app.selected(), 0);
    assert!(app.message().as_ref().is_some_and(|m| m.text == "wrapped around"));
    // Nothing unread: n stays and says so.
    press(&mut app, &o, "/ratatui<Enter>");
    press(&mut app, &o, "m");
    assert!(app.matches().len() == 1);
    press(&mut app, &o, "n");
    assert!(app.message().as_ref().is_some_and(|m| m.text == "no unread posts left in this view"));
}

#[test]
fn opening_marks_read_and_moves_to_the_next_unread() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    let all = titles(&app);
    press(&mut app, &o, "jmk");
    // Open post 0: it is read, and the next unread (post 2: 1 is read) is selected.
    press(&mut app, &o, "o");
    assert_eq!(o.opened.borrow().len(), 1);
    assert!(app.read().contains(&o.opened.borrow()[0]));
    assert_eq!(selected_title(&app), all[2]);
    // With open_advances off, the selection stays.
    common::configure(&mut app, |s| s.open_advances = false);
    press(&mut app, &o, "o");
    assert_eq!(selected_title(&app), all[2]);
    // In an is:unread view the opened post leaves; the next one takes its row.
    common::configure(&mut app, |s| s.open_advances = true);
    press(&mut app, &o, "u");
    assert_eq!(app.matches().len(), 41);
    let before = selected_title(&app);
    press(&mut app, &o, "o");
    assert_eq!(app.matches().len(), 40);
    assert_ne!(selected_title(&app), before);
    assert!(!app.is_read(app.current().expect("a post")));
}

#[test]
fn a_marks_the_view_read_asking_first_when_it_is_more_than_a_screen_and_z_undoes() {
    // 30 rows: 27 posts on screen, 44 in view: A asks.
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "A");
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(app.message().as_ref().is_some_and(|m| m.text.starts_with("mark 44 posts read?")));
    // Any other key cancels, and does nothing else.
    press(&mut app, &o, "j");
    assert_eq!((app.mode(), app.selected(), app.unread()), (Mode::List, 0, 44));
    press(&mut app, &o, "Ay");
    assert_eq!(app.unread(), 0);
    assert_eq!(o.marks.borrow().read.len(), 44, "saved");
    // A small view is marked at once.
    press(&mut app, &o, "z");
    assert_eq!(app.unread(), 44);
    assert_eq!(o.marks.borrow().read.len(), 0, "the undo is saved too");
    press(&mut app, &o, "/kube<Enter>A");
    assert_eq!(app.mode(), Mode::List);
    let n = app.matches().len();
    assert_eq!(app.unread(), 44 - n);
    // Several levels: m, then z, z.
    press(&mut app, &o, "<Esc>Gm");
    assert_eq!(app.unread(), 43 - n);
    press(&mut app, &o, "z");
    assert_eq!(app.unread(), 44 - n);
    press(&mut app, &o, "z");
    assert_eq!(app.unread(), 44);
    press(&mut app, &o, "z");
    assert!(app.message().as_ref().is_some_and(|m| m.text == "nothing to undo"));
}

#[test]
fn stars_mark_posts_for_later_and_is_starred_finds_them() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    let all = titles(&app);
    press(&mut app, &o, "*jj*");
    assert_eq!(app.starred().len(), 2);
    assert_eq!(o.marks.borrow().starred.len(), 2);
    press(&mut app, &o, "/is:starred<Enter>");
    assert_eq!(titles(&app), vec![all[0].clone(), all[2].clone()]);
    press(&mut app, &o, "<Esc>/-is:starred<Enter>");
    assert_eq!(app.matches().len(), 42);
    // Unstarring in an is:starred view takes the post out of it.
    press(&mut app, &o, "<Esc>/is:starred<Enter>*");
    assert_eq!(titles(&app), vec![all[2].clone()]);
    // z puts the star back.
    press(&mut app, &o, "z");
    assert_eq!(app.matches().len(), 2);
    // is:read / is:unread.
    press(&mut app, &o, "<Esc>gm/is:read<Enter>");
    assert_eq!(titles(&app), vec![all[0].clone()]);
    press(&mut app, &o, "<Esc>/is:unread<Enter>");
    assert_eq!(app.matches().len(), 43);
}

#[test]
fn the_selection_follows_the_post_through_esc_u_sort_and_filters() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    // Post 5, then a filter that keeps it: still selected.
    press(&mut app, &o, "jjjjj");
    let post = selected_title(&app);
    let word = post.split_whitespace().last().unwrap_or_default().to_lowercase();
    press(&mut app, &o, &format!("/{word}"));
    assert_eq!(selected_title(&app), post);
    // Esc clears the filter: still on it (not the top).
    press(&mut app, &o, "<Esc>");
    assert_eq!(selected_title(&app), post);
    assert_eq!(app.selected(), 5);
    // u twice: still on it.
    press(&mut app, &o, "uu");
    assert_eq!(selected_title(&app), post);
    // Sorting: still on it, wherever it went.
    press(&mut app, &o, "ss");
    assert_eq!(selected_title(&app), post);
    assert_ne!(app.selected(), 5);
    press(&mut app, &o, "ss");
    assert_eq!(app.selected(), 5);
    // The post leaves the view (marked read under is:unread): the next post in the order takes the row.
    let next = titles(&app)[6].clone();
    press(&mut app, &o, "um");
    assert_eq!(selected_title(&app), next);
}

#[test]
fn u_puts_is_unread_in_the_query_and_takes_it_out() {
    let mut app = sample_app(100, 30);
    let o = FakeHost::default();
    press(&mut app, &o, "/kube<Enter>u");
    assert_eq!(app.query_text(), "kube is:unread");
    press(&mut app, &o, "u");
    assert_eq!(app.query_text(), "kube");
}
