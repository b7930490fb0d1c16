//! Property tests: sanitized text never holds a control character, wrapping
//! never overflows, and front matter parsing survives arbitrary bytes.
//!
//! `PROPTEST_CASES=N` raises the number of cases (the long fuzz run in the
//! issue notes used this on the `parse_*` properties).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;
use linkfeed::feed::{self, Feed};
use linkfeed::post::Post;
use linkfeed::text::sanitize;
use linkfeed::text::wrap::wrap;
use proptest::prelude::*;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// Text rich in what a hostile feed holds: controls, escapes, bidi, wide
/// and combining characters, mojibake lead bytes.
fn nasty_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("\x1b[31m".to_string()),
        Just("\x1b]0;title\x07".to_string()),
        Just("\u{9b}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\r\n".to_string()),
        Just("\t".to_string()),
        Just("日本".to_string()),
        Just("e\u{301}".to_string()),
        Just("🎉".to_string()),
        Just("â€™".to_string()),
        Just("Ã".to_string()),
        "[a-z ]{0,12}".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn one_line_text_has_no_control_characters(s in nasty_text()) {
        let out = sanitize::one_line(&s);
        prop_assert!(!out.chars().any(char::is_control), "{out:?}");
        prop_assert!(!out.contains('\u{202e}'), "bidi override kept");
    }

    #[test]
    fn multi_line_text_keeps_only_newlines(s in nasty_text()) {
        let out = sanitize::multi_line(&s);
        prop_assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    }

    #[test]
    fn wrapped_lines_fit(s in nasty_text(), width in 1usize..60) {
        let clean = sanitize::multi_line(&s);
        for line in wrap(&clean, width) {
            let w = line.width();
            prop_assert!(w <= width || line.chars().count() == 1, "{line:?} is {w} wide, limit {width}");
        }
    }

    #[test]
    fn safe_urls_are_http_and_one_argument(s in "[ -~]{0,40}") {
        if let Ok(u) = sanitize::safe_url(&s) {
            prop_assert!(u.starts_with("http://") || u.starts_with("https://"));
            prop_assert!(!u.chars().any(|c| c.is_whitespace() || c.is_control()));
        }
    }

    #[test]
    fn parse_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = feed::parse_bytes(Path::new("fuzz.md"), &bytes);
        let mut framed = b"---\n".to_vec();
        framed.extend_from_slice(&bytes);
        framed.extend_from_slice(b"\n---\nbody\n");
        let _ = feed::parse_bytes(Path::new("fuzz.md"), &framed);
    }

    #[test]
    fn parse_survives_yaml_shaped_input(parts in prop::collection::vec(prop_oneof![
        Just("title: "), Just("date: "), Just("tags: "), Just("summary: "), Just("external_url: "),
        Just("draft: "), Just("source: "), Just("- "), Just("&a "), Just("*a"), Just("["), Just("]"),
        Just("{"), Just("}"), Just("\""), Just("'"), Just("\n"), Just("  "), Just("---"), Just("..."),
        Just(": "), Just("#"), Just("|"), Just(">"), Just("!!binary "), Just("\u{1b}"), Just("é"),
        Just("2024-01-01"), Just("true"), Just("~"), Just("\r\n"), Just("\u{feff}"), Just("? "),
    ], 0..80)) {
        let text = format!("---\n{}\n---\n{}", parts.concat(), parts.concat());
        if let Ok((post, _)) = feed::parse_bytes(Path::new("fuzz.md"), text.as_bytes()) {
            let all = format!("{}{}{}{}{}", post.title, post.source, post.url, post.tags.concat(), post.summary);
            prop_assert!(!all.chars().any(|c| c.is_control() && c != '\n'));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_control_character_reaches_the_screen(title in nasty_text(), summary in nasty_text(), tag in nasty_text()) {
        let post = Post {
            path: "p.md".into(),
            title: sanitize::one_line(&title),
            date: None,
            tags: vec![sanitize::one_line(&tag).into()],
            source: sanitize::one_line(&tag).into(),
            url: sanitize::one_line(&summary),
            kind: "link".into(),
            draft: false,
            tldr: String::new(),
            summary: sanitize::multi_line(&summary),
            // The body goes through the Markdown renderer, which decodes
            // entities: it must not bring control characters back.
            body: sanitize::multi_line(&format!("# {title}\n\n{summary} &#27;[1m [link]({tag})\n\n```\n{title}\n```\n<p>{tag}</p>")),
            event: Some(Box::new(linkfeed::post::Event { place: sanitize::one_line(&tag), ..Default::default() })),
            ..Post::default()
        };
        let app = common::app_with(Feed { posts: vec![post], problems: vec![], files: 1, ..Default::default() }, 70, 12);
        let t = common::draw(&app);
        for cell in t.backend().buffer().content() {
            prop_assert!(!cell.symbol().chars().any(char::is_control), "{:?}", cell.symbol());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Typing a query key by key (which narrows from the previous matches,
    /// or from the matches of the terms before the last) gives exactly what
    /// filtering from scratch gives, at every key, Backspace included.
    #[test]
    fn narrowing_never_changes_the_result(query in "[a-z#@\" :KR'^$<-]{1,16}") {
        use linkfeed::app::Action;
        use linkfeed::app::keys::{Cmd, Input};
        use linkfeed::search::{Matcher, Query};
        let feed = common::sample_feed();
        let posts = feed.posts.clone();
        let mut app = common::app_with(feed, 100, 30);
        app.update(Action::Key(Input::Cmd(Cmd::StartFilter)));
        let mut typed = String::new();
        // `<` stands for Backspace: the base of the last term is reused.
        for c in query.chars() {
            if c == '<' {
                typed.pop();
                app.update(Action::Key(Input::Cmd(Cmd::Backspace)));
            } else {
                typed.push(c);
                app.update(Action::Key(Input::Char(c)));
            }
            let fresh = Matcher::default().filter(&Query::parse(&typed), &posts);
            prop_assert_eq!(&app.matches(), &fresh, "after typing {:?}", typed);
        }
    }
}
