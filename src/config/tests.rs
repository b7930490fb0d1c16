//! The tests of `config`.

use super::*;

fn p(text: &str) -> Result<Config, ConfigError> {
    parse(Path::new("/c/config.toml"), text)
}

/// Every config example of the README, copied as written, loads; its
/// list of `[keys]` commands names every command.
#[test]
fn the_readme_examples_load_as_written() {
    let readme = include_str!("../../README.md");
    let mut blocks = 0;
    for block in readme.split("```toml\n").skip(1) {
        let text = block.split("```").next().unwrap_or_default();
        if let Err(e) = p(text) {
            panic!("README's example does not load: {e}\n{text}");
        }
        blocks += 1;
    }
    assert!(blocks >= 2, "the README's config examples were found");
    let list = readme.split("Commands for `[keys]`:").nth(1).and_then(|s| s.split("Keys are").next());
    let list = list.unwrap_or_default().replace('\n', " ");
    for (name, _) in COMMAND_NAMES {
        assert!(list.split([',', ' ', '.']).any(|w| w == *name), "README's [keys] list lacks {name}");
    }
}

#[test]
fn a_setting_below_keys_is_told_where_it_belongs() {
    let e = p("[keys]\nquit = \"q\"\ndefault_view = \"news\"\n").unwrap_err().to_string();
    assert!(e.contains("config.toml:3") && e.contains("keys.default_view"), "{e}");
    assert!(e.contains("is a setting, not a command"), "{e}");
    let e = p("[keys]\nquit = true\n").unwrap_err().to_string();
    assert!(e.contains("keys.quit must be a key in quotes"), "{e}");
    assert!(!e.contains("untagged"), "{e}");
}

#[test]
fn feeds_are_git_repositories_folders_or_web_feeds() {
    let c = p("default_feed = \"k\"\n[feeds.k]\ngit = \"https://github.com/k/k.github.io\"\npath = \"content\"\n[feeds.notes]\ndir = \"/n\"\n[feeds.lob]\nurl = \"https://lobste.rs/rss\"\nkeep_days = 30\n")
        .expect("parses");
    assert!(
        matches!(c.feed("lob"), Some(Feed::Web(w)) if w.url == "https://lobste.rs/rss" && w.keep_days == Some(30))
    );
    assert_eq!(c.default_feed.as_deref(), Some("k"));
    assert!(matches!(c.feed("k"), Some(Feed::Git(g)) if g.path == "content" && g.branch.is_none()));
    assert!(matches!(c.feed("notes"), Some(Feed::Dir { dir, .. }) if dir == Path::new("/n")));
    for (bad, says) in [
        ("[feeds.x]\ngit = \"--upload-pack=evil\"\n", "not a repository address"),
        ("[feeds.x]\ngit = \"ext::sh\"\n", "not a repository address"),
        ("[feeds.x]\ngit = \"https://a/b\"\ndir = \"/d\"\n", "more than one of git, dir and url"),
        ("[feeds.x]\nurl = \"file:///etc/passwd\"\n", "not a web feed's address"),
        ("[feeds.x]\nurl = \"https://a/f\"\nbranch = \"main\"\n", "path and branch are for git feeds"),
        ("[feeds.x]\n", "needs git"),
        ("[feeds.x]\ngit = \"https://a/b\"\npath = \"../..\"\n", "leaves the repository"),
        ("[feeds.x]\ngit = \"https://a/b\"\nbranch = \"--force\"\n", "not a branch name"),
        ("[feeds.\"a/b\"]\ngit = \"https://a/b\"\n", "a feed's name"),
        ("default_feed = \"nope\"\n", "names no [feeds.*] entry"),
    ] {
        let e = p(bad).expect_err(bad).to_string();
        assert!(e.contains(says) && e.starts_with("/c/config.toml:"), "{bad}: {e}");
    }
}

#[test]
fn every_key() {
    let c = p("dir = \"/feed\"\nbrowser = \"ff %s\"\nshow_drafts = true\nsort = \"title\"\n[theme]\nmuted = \"#808080\"\nselected_bg = \"22\"\n[keys]\nopen = [\"Enter\", \"l\"]\nquit = \"x\"\n")
        .expect("parses");
    assert_eq!(c.dir.as_deref(), Some(Path::new("/feed")));
    assert_eq!(c.browser.as_deref(), Some("ff %s"));
    assert_eq!((c.show_drafts, c.sort), (Some(true), Some(Sort::Title)));
    assert_eq!(
        c.colors,
        [("muted".to_string(), Color::Rgb(128, 128, 128)), ("selected_bg".to_string(), Color::Indexed(22))]
    );
    assert_eq!(c.keys.len(), 2);
    assert_eq!(c.theme(false, crate::ui::theme::Depth::Extended).selected.bg, Some(Color::Indexed(22)));
    assert_eq!(c.theme(true, crate::ui::theme::Depth::Extended), Theme::PLAIN);
}

#[test]
fn errors_name_the_file_line_and_key() {
    let cases = [
        ("dir = \"/x\"\ncolour = 1\n", 2, "unknown field `colour`"),
        ("sort = \"random\"\n", 1, "`sort` is \"random\""),
        ("\n\nshow_drafts = \"yes\"\n", 3, "invalid type"),
        ("[theme]\nmuted = \"blurple\"\n", 2, "theme.muted = \"blurple\" is not a colour"),
        ("[keys]\nfly = \"f\"\n", 2, "unknown key `keys.fly`"),
        ("[keys]\nopen = \"Hyper-o\"\n", 2, "keys.open = \"Hyper-o\" is not a key"),
        ("dir = \n", 1, ""),
    ];
    for (text, line, words) in cases {
        let e = p(text).expect_err(text);
        assert_eq!(e.line, Some(line), "{text:?}: {e}");
        assert!(e.to_string().starts_with(&format!("/c/config.toml:{line}: ")), "{e}");
        assert!(e.message.contains(words), "{text:?}: {e}");
    }
}

#[test]
fn a_missing_file_is_the_default() {
    let c = load(Path::new("/nonexistent/linkfeed/config.toml")).expect("fine");
    assert!(c.path.is_none() && c.dir.is_none());
}

/// Issue 38: `[share]`, `pipe` and `notify` templates are checked when the
/// file is read: an unknown placeholder or an open quote names the key and
/// the line.
#[test]
fn command_templates_are_checked_with_the_line() {
    let ok = parse(
        Path::new("c.toml"),
        "pipe = \"glow -\"\nnotify = \"terminal\"\n[share]\nreadeck = \"readeck add -- {url}\"\n",
    )
    .expect("parses");
    assert_eq!(ok.share[0].0, "readeck");
    assert_eq!(ok.share[0].1.argv(&[("url", "u")]), ["readeck", "add", "--", "u"]);
    assert_eq!(ok.notify, Some(Notify::Terminal));
    let e = parse(Path::new("c.toml"), "dir = \"x\"\n[share]\nmail = \"mail {body}\"\n").expect_err("bad");
    assert!(e.to_string().starts_with("c.toml:3: share.mail names {body}"), "{e}");
    let e = parse(Path::new("c.toml"), "notify = \"notify-send '{count}\"\n").expect_err("bad");
    assert!(e.to_string().starts_with("c.toml:1: notify has a quote that is not closed"), "{e}");
    assert!(!ok.pipe_json);
    assert!(p("pipe = \"jq .\"\npipe_format = \"json\"\n").expect("parses").pipe_json);
    let e = p("pipe = \"jq .\"\npipe_format = \"yaml\"\n").expect_err("bad");
    assert!(e.to_string().contains(":2: pipe_format = \"yaml\""), "{e}");
}

#[test]
fn mute_rules_are_queries_with_an_optional_day() {
    let c = p("[mute]\nai = { query = \"#ai -source:lwn\", until = \"2027-01-31\" }\ncrypto = \"#crypto\"\nold = { query = \"kernel\", until = 2026-01-02 }\n")
        .expect("parses");
    let got: Vec<(&str, &str, Option<&str>)> =
        c.mute.iter().map(|r| (r.name.as_str(), r.query.as_str(), r.until.as_deref())).collect();
    assert_eq!(
        got,
        vec![
            ("ai", "#ai -source:lwn", Some("2027-01-31")),
            ("crypto", "#crypto", None),
            ("old", "kernel", Some("2026-01-02"))
        ]
    );
    let e = p("dir = \"x\"\n[mute]\nai = { query = \"#ai\", until = \"soon\" }\n").expect_err("bad until");
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("mute.ai") && e.message.contains("until"), "{}", e.message);
    let e = p("[mute]\nall = \"  \"\n").expect_err("empty query");
    assert!(e.message.contains("every post"), "{}", e.message);
    let e = p("[mute]\nai = { query = \"#ai\", for = \"7d\" }\n").expect_err("unknown key");
    assert!(e.message.contains("\"for\""), "{}", e.message);
}
