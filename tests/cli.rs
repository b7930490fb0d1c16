//! The non-interactive commands, run as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = common::linkfeed()
        .args(args)
        // A fixed clock: which sample events are upcoming never changes.
        .env("LINKFEED_NOW", "2026-11-25T12:00:00Z")
        .output()
        .expect("run linkfeed");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn list_prints_the_sample_newest_first() {
    let (code, out, _) = run(&["list"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 54, "drafts are hidden, the duplicate ratatui link folded");
    assert_eq!(
        lines[0],
        "2026-10-02\tTesting terminal programs the way people use them\t\t\
         https://dev.to/linkfeed/testing-terminal-programs-the-way-people-use-them\tblog"
    );
    for l in &lines {
        assert_eq!(l.split('\t').count(), 5, "{l}");
    }
    // The leaf bundle's other Markdown file is a resource, never a post.
    assert!(!out.contains("Draft notes kept beside the post"));
    let dates: Vec<&str> = lines.iter().map(|l| &l[..10]).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[test]
fn list_drafts() {
    let (code, out, _) = run(&["list", "--drafts"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 56);
    assert!(out.contains("Platform teams that say no"));
}

#[test]
fn list_reads_linkfeed_dir_and_a_named_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.md"),
        "---\ntitle: Only post\ndate: 2020-01-02\nsource: Me\nexternal_url: https://example.org/a\n---\n",
    )
    .expect("write");
    let (code, out, _) = run(&["list", &dir.path().to_string_lossy()]);
    assert_eq!((code, out.as_str()), (0, "2020-01-02\tOnly post\tMe\thttps://example.org/a\t\n"));
    let out = common::linkfeed().arg("list").env("LINKFEED_DIR", dir.path()).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2020-01-02\tOnly post\tMe\thttps://example.org/a\t\n");
}

#[test]
fn list_of_a_missing_folder_fails_clearly() {
    let (code, _, err) = run(&["list", "/no/such/dir"]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "linkfeed: error: the feed folder /no/such/dir does not exist");
}

#[test]
fn check_the_sample_is_clean() {
    let (code, out, _) = run(&["check"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    // The one finding is on purpose: the ratatui release is filed twice, to
    // show folding. The pair is named once (issue 23).
    assert_eq!(
        lines,
        [
            "links/2025/2025-10-20-ratatui-0-30.md:1: warning: the same link is in \
             releases/2025-10-21-ratatui-0-30-release.md (shown as one row)",
            "checked 62 files: 57 posts and 5 section pages loaded, 0 errors, 1 warning",
        ]
    );
}

#[test]
fn list_query_ranks_and_json_carries_every_field() {
    let (code, out, _) = run(&["list", "-q", "#kube"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 9, "{out}");
    assert!(out.lines().all(|l| !l.contains("Ratatui")));
    let (code, out, _) = run(&["list", "-q", "#gateway-api envoy", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let arr = v.as_array().expect("an array");
    assert_eq!(arr.len(), 1, "{out}");
    let p = &arr[0];
    assert_eq!(p["title"], "Envoy Gateway 1.2 and the road to a boring ingress");
    assert_eq!(p["date"], "2024-11-05T15:30:00+00:00");
    assert_eq!(p["tags"], serde_json::json!(["envoy", "gateway-api", "networking", "cncf"]));
    assert_eq!(p["source"], "Envoy Proxy Blog");
    assert_eq!(p["external_url"], "https://blog.envoyproxy.io/envoy-gateway-1-2-released");
    assert_eq!(p["draft"], false);
    assert!(p["path"].as_str().unwrap_or("").ends_with("2024-11-05-envoy-gateway-1-2.md"));
    assert!(p["tldr"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(p["summary"].as_str().is_some_and(|s| s.len() > 100));
    assert_eq!(p["section"], "links");
    assert_eq!(p["kind"], "link");
    assert_eq!(p["also"], serde_json::json!([]));
    assert!(p.get("event").is_none(), "only events carry event data");
}

#[test]
fn json_carries_sections_kinds_events_and_folded_duplicates() {
    let (code, out, _) = run(&["list", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let arr = v.as_array().expect("an array");
    let by_title = |t: &str| arr.iter().find(|p| p["title"] == t).unwrap_or_else(|| panic!("{t} listed"));
    let ratatui = by_title("Ratatui 0.30: a modular workspace");
    assert_eq!(ratatui["also"], serde_json::json!(["releases/2025-10-21-ratatui-0-30-release.md"]));
    let kubecon = by_title("KubeCon + CloudNativeCon Europe 2027");
    assert_eq!((&kubecon["section"], &kubecon["kind"]), (&"events".into(), &"event".into()));
    assert_eq!(
        kubecon["event"],
        serde_json::json!({
            "start": "2027-04-13T09:00:00+02:00",
            "end": "2027-04-16T18:00:00+02:00",
            "location": "Amsterdam (NL)",
            "mode": "hybrid",
            "organizer": "CNCF"
        })
    );
    let meetup = by_title("Terminal UI meetup: building readers in Rust");
    assert_eq!(meetup["event"]["location"], "Berlin, Germany", "city, country when there is no location");
    // A blog post opens its devto_url; a release with no post_kind is a release.
    let blog = by_title("Reading a Hugo content folder without Hugo");
    assert_eq!(blog["external_url"], "https://dev.to/linkfeed/reading-a-hugo-content-folder-without-hugo");
    assert_eq!(blog["kind"], "blog");
    assert_eq!(blog["categories"], serde_json::json!(["front matter"]));
    assert_eq!(by_title("SQLite 3.51: JSONB everywhere and a faster ANALYZE")["kind"], "release");
    assert!(arr.iter().all(|p| !p["path"].as_str().unwrap_or("").ends_with("_index.md")));
}

#[test]
fn list_queries_by_section_kind_and_event_time() {
    let titles = |q: &str| -> Vec<String> {
        let (code, out, _) = run(&["list", "-q", q]);
        assert_eq!(code, 0, "{q}");
        out.lines().map(|l| l.split('\t').nth(1).unwrap_or("").to_string()).collect()
    };
    assert_eq!(titles("in:ev").len(), 4);
    assert_eq!(titles("in:Release").len(), 3, "a section's title counts too (one release folded)");
    assert_eq!(titles("kind:blog").len(), 3);
    assert_eq!(titles("-in:links -in:rel -in:ev").len(), 3, "negated sections leave the blog");
    // Events alone come upcoming first, soonest first, then the past, latest first.
    assert_eq!(
        titles("in:events"),
        [
            "Terminal UI meetup: building readers in Rust",
            "KubeCon + CloudNativeCon Europe 2027",
            "Postgres office hours: vacuum, bloat and you",
            "FOSDEM 2026"
        ]
    );
    assert_eq!(titles("is:past"), ["Postgres office hours: vacuum, bloat and you", "FOSDEM 2026"]);
}

#[test]
fn list_query_with_no_match_prints_nothing_and_succeeds() {
    let (code, out, _) = run(&["list", "-q", "zzqqxxnothing"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = run(&["list", "-q", "zzqqxxnothing", "--json"]);
    assert_eq!((code, out.trim()), (0, "[]"));
}

#[test]
fn tags_prints_counts_most_used_first() {
    let (code, out, _) = run(&["tags"]);
    assert_eq!(code, 0);
    let rows: Vec<(usize, &str)> = out
        .lines()
        .map(|l| {
            let (n, t) = l.split_once('\t').expect("count<TAB>tag");
            (n.parse().expect("a count"), t)
        })
        .collect();
    assert_eq!(rows[0], (9, "kubernetes"));
    assert!(rows.windows(2).all(|w| w[0].0 >= w[1].0));
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in
        [("bash", "_linkfeed()"), ("zsh", "#compdef linkfeed"), ("fish", "complete -c linkfeed")]
    {
        let (code, out, _) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains(marker), "{shell}: {}", &out[..out.len().min(200)]);
        assert!(out.contains("check") && out.contains("tags"), "{shell} completes the subcommands");
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
}

fn with_config(text: &str, args: &[&str]) -> (i32, String, String) {
    let sandbox = common::Sandbox::new();
    sandbox.write_config(text);
    let out = sandbox
        .linkfeed()
        .args(args)
        // A fixed clock: which sample events are upcoming never changes.
        .env("LINKFEED_NOW", "2026-11-25T12:00:00Z")
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).replace(&sandbox.config().display().to_string(), "CONFIG"),
    )
}

#[test]
fn config_prints_values_and_where_they_came_from() {
    let (code, out, _) = with_config(
        "browser = \"firefox %s\"\nshow_drafts = true\n[keys]\nopen = [\"l\", \"Enter\"]\n",
        &["config"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("browser = \"firefox %s\"  # config file"), "{out}");
    assert!(out.contains("show_drafts = true  # config file"), "{out}");
    assert!(out.contains("sort = \"newest\"  # default"), "{out}");
    assert!(out.contains("open = [\"l\", \"Enter\"]  # config file"), "{out}");
    assert!(out.contains("down = [\"j\", \"Down\"]  # default"), "{out}");
}

#[test]
fn the_config_is_honoured_by_list() {
    let feed = tempfile::tempdir().expect("tempdir");
    std::fs::write(feed.path().join("a.md"), "---\ntitle: From the configured dir\ndate: 2020-01-01\n---\n")
        .expect("w");
    let text = format!("dir = {:?}\n", feed.path().display().to_string());
    let (code, out, _) = with_config(&text, &["list"]);
    assert_eq!((code, out.as_str()), (0, "2020-01-01\tFrom the configured dir\t\t\t\n"));
    let (_, out, _) = with_config("show_drafts = true\n", &["list"]);
    assert_eq!(out.lines().count(), 56, "drafts shown by the config");
}

#[test]
fn a_bad_config_is_an_error_with_file_line_and_key() {
    let (code, out, err) = with_config("sort = \"title\"\n\ncolour = \"red\"\n", &["list"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("linkfeed: error: CONFIG/linkfeed/config.toml:3: unknown field `colour`"),
        "{err}"
    );
    let (code, _, err) = with_config("[keys]\nopen = \"Hyper-x\"\n", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("config.toml:2: keys.open = \"Hyper-x\" is not a key"), "{err}");
    let (code, _, err) = with_config("sort = [\n", &["check"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("config.toml:"), "{err}");
}

fn run_with_state(state: &std::path::Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let sandbox = common::Sandbox::new();
    let mut child = sandbox
        .linkfeed()
        .args(args)
        .env("XDG_STATE_HOME", state)
        .env("XDG_CACHE_HOME", state.join("cache"))
        .env("LINKFEED_NOW", "2026-11-25T12:00:00Z")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run linkfeed");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.unwrap_or("").as_bytes()).expect("stdin");
    }
    let out = child.wait_with_output().expect("waits");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn state_export_and_import_carry_marks_and_merge() {
    let here = tempfile::tempdir().expect("tempdir");
    let there = tempfile::tempdir().expect("tempdir");
    let rust = "https://blog.rust-lang.org/2024/11/28/Rust-1.83.0.html";
    let pg = "https://www.postgresql.org/about/news/postgresql-17-released-2936/";
    // Marks made "there": one read, one starred (what the reader appends).
    let lines = format!(
        "{{\"key\":\"{rust}\",\"field\":\"read\",\"value\":true,\"at\":1000}}\n\
         {{\"key\":\"{pg}\",\"field\":\"starred\",\"value\":true,\"at\":1000}}\n"
    );
    let (code, out, err) = run_with_state(there.path(), &["state", "import", "-"], Some(&lines));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "imported 2 of 2 marks (0 older or already known)\n");
    let (code, export, _) = run_with_state(there.path(), &["state", "export"], None);
    assert_eq!(code, 0);
    assert_eq!(export.lines().count(), 2);
    // "Here" already read the Postgres post, later than the export was made.
    let mine = format!("{{\"key\":\"{pg}\",\"field\":\"read\",\"value\":true,\"at\":2000}}\n");
    run_with_state(here.path(), &["state", "import", "-"], Some(&mine));
    let file = here.path().join("export.jsonl");
    std::fs::write(&file, &export).expect("write");
    let (code, out, _) = run_with_state(here.path(), &["state", "import", &file.to_string_lossy()], None);
    assert_eq!(code, 0);
    assert_eq!(out, "imported 2 of 2 marks (0 older or already known)\n");
    // Merged: both read, one starred; list sees them.
    let (_, json, _) = run_with_state(here.path(), &["list", "--json", "-q", "is:read"], None);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let urls: Vec<&str> =
        v.as_array().expect("array").iter().filter_map(|p| p["external_url"].as_str()).collect();
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert!(urls.contains(&rust) && urls.contains(&pg));
    let (_, starred, _) = run_with_state(here.path(), &["list", "-q", "is:starred"], None);
    assert_eq!(starred.lines().count(), 1);
    assert!(starred.contains(pg));
    let (_, all, _) = run_with_state(here.path(), &["list", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&all).expect("json");
    let flagged = v.as_array().expect("array").iter().filter(|p| p["starred"] == true).count();
    assert_eq!(flagged, 1);
    // Importing the same export again changes nothing.
    let (_, out, _) = run_with_state(here.path(), &["state", "import", &file.to_string_lossy()], None);
    assert_eq!(out, "imported 0 of 2 marks (2 older or already known)\n");
    // A broken export names its line and imports nothing.
    std::fs::write(&file, format!("{}not json\n", mine)).expect("write");
    let (code, _, err) = run_with_state(here.path(), &["state", "import", &file.to_string_lossy()], None);
    assert_eq!(code, 1);
    assert!(err.contains("line 2:"), "{err}");
}

#[test]
fn an_old_read_json_is_migrated_once_and_kept() {
    let state = tempfile::tempdir().expect("tempdir");
    let dir = state.path().join("linkfeed");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let rust = "https://blog.rust-lang.org/2024/11/28/Rust-1.83.0.html";
    let old = format!("{{\"version\":1,\"read\":[\"{rust}\"]}}");
    std::fs::write(dir.join("read.json"), &old).expect("write");
    // list reads it without migrating (it writes nothing).
    let (_, out, _) = run_with_state(state.path(), &["list", "-q", "is:read"], None);
    assert!(out.contains(rust));
    assert!(!dir.join("marks.jsonl").exists());
    // Opening the state migrates it; read.json stays as it was.
    let (code, out, _) = run_with_state(state.path(), &["state", "export"], None);
    assert_eq!(code, 0);
    assert!(out.contains(rust) && out.contains("\"field\":\"read\""));
    assert!(dir.join("marks.jsonl").exists());
    assert_eq!(std::fs::read_to_string(dir.join("read.json")).expect("kept"), old);
}

/// Issue 19: the CLI tests pass with a hostile config in the user's home
/// and leave the user's config, cache, state and data folders untouched.
#[test]
fn the_cli_tests_never_read_or_write_the_users_folders() {
    common::rerun_with_a_sentinel_home("the_cli_tests_never_read_or_write_the_users_folders", &[]);
}

/// Issue 21: `state export` says on stderr how many damaged lines of the
/// log it skipped.
#[test]
fn state_export_reports_the_damaged_lines_it_skipped() {
    let state = tempfile::tempdir().expect("tempdir");
    let dir = state.path().join("linkfeed");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let good = r#"{"key":"https://example.org/a","field":"read","value":true,"at":1764000000000}"#;
    std::fs::write(dir.join("marks.jsonl"), format!("{good}\nnot json at all\n{{\"key\":3}}\n{good}\n"))
        .expect("write");
    let (code, out, err) = run_with_state(state.path(), &["state", "export"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("https://example.org/a"), "{out}");
    assert!(err.contains("2 damaged lines skipped (not exported)"), "{err}");
}

/// Issue 23: the newest-first list orders posts by when they reached the
/// feed: an upcoming event by its publishDate, else by when its file
/// arrived, never by its future date; one whose arrival is unknown (or later
/// than now) goes last. The row shows the event's own date.
#[test]
fn upcoming_events_do_not_bury_the_news() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ev = dir.path().join("events");
    std::fs::create_dir_all(&ev).expect("mkdir");
    let write = |path: &std::path::Path, text: &str, mtime: Option<&str>| {
        std::fs::write(path, text).expect("write");
        if let Some(m) = mtime {
            let t = chrono::DateTime::parse_from_rfc3339(m).expect("time");
            let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.timestamp() as u64);
            std::fs::File::options().write(true).open(path).expect("open").set_modified(when).expect("mtime");
        }
    };
    let old = Some("2026-01-01T00:00:00Z");
    write(&dir.path().join("news.md"), "---\ntitle: Morning news\ndate: 2026-01-15T06:00:00Z\n---\n", old);
    write(&dir.path().join("older.md"), "---\ntitle: Older news\ndate: 2026-01-10T06:00:00Z\n---\n", old);
    let event = |title: &str, date: &str, extra: &str| {
        format!("---\ntitle: {title}\ndate: {date}\neventDate: {date}\nlocation: Berlin\n{extra}---\n")
    };
    write(
        &ev.join("announced.md"),
        &event("Announced yesterday", "2026-03-01T18:00:00Z", "publishDate: 2026-01-14T09:00:00Z\n"),
        old,
    );
    write(
        &ev.join("arrived.md"),
        &event("Arrived on the 12th", "2026-02-01T18:00:00Z", ""),
        Some("2026-01-12T08:00:00Z"),
    );
    write(
        &ev.join("unknown.md"),
        &event("Arrival unknown", "2026-02-02T18:00:00Z", ""),
        Some("2026-06-01T00:00:00Z"),
    );
    write(&ev.join("past.md"), &event("Last week's meetup", "2026-01-08T18:00:00Z", ""), old);
    let sandbox = common::Sandbox::new();
    // The titles `list ARGS DIR` prints, and its whole output.
    let list = |args: &[&str]| {
        let out = sandbox
            .linkfeed()
            .args(args)
            .arg(dir.path())
            .env("LINKFEED_NOW", "2026-01-15T07:00:00Z")
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let titles: Vec<String> =
            text.lines().filter_map(|l| l.split('\t').nth(1)).map(str::to_string).collect();
        (titles, text)
    };
    let (titles, text) = list(&["list"]);
    assert_eq!(
        titles,
        [
            "Morning news",
            "Announced yesterday",
            "Arrived on the 12th",
            "Older news",
            "Last week's meetup",
            "Arrival unknown"
        ],
        "{text}"
    );
    // The Events section keeps soonest first.
    let (titles, text) = list(&["list", "-q", "in:events is:upcoming"]);
    assert_eq!(titles, ["Arrived on the 12th", "Arrival unknown", "Announced yesterday"], "{text}");
}

/// Issue 23: `[views]`, `default_view` and `remember_view` are read and
/// printed by `linkfeed config` (feeds too); a view that is not a query is
/// an error naming the file and line.
#[test]
fn views_are_configured_and_printed() {
    let (code, out, err) = with_config(
        "default_view = \"news\"\nremember_view = true\n[views]\nnews = \"-in:events\"\n\"k8s only\" = \"#kubernetes\"\n[feeds.local]\ndir = \"/tmp\"\n",
        &["config"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("default_view = \"news\"  # config file"), "{out}");
    assert!(out.contains("remember_view = true  # config file"), "{out}");
    let views = out.find("[views]").expect("a views table");
    assert!(
        out[views..]
            .starts_with("[views]\n\"news\" = \"-in:events\"  # config file\n\"k8s only\" = \"#kubernetes\""),
        "{out}"
    );
    assert!(out.contains("[feeds.local]\ndir = \"/tmp\""), "{out}");
    let (code, _, err) = with_config("[views]\nnews = 3\n", &["config"]);
    assert_eq!(code, 2);
    assert!(err.contains("config.toml:2: views.news must be a query in quotes"), "{err}");
}

/// Issue 42: options the top level and every subcommand take may come
/// before the subcommand; a mistyped command is named, not read as a folder.
#[test]
fn options_before_a_subcommand_and_a_mistyped_command() {
    let s = common::Sandbox::new();
    let dir = s.root.join("notes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.md"),
        "---\ntitle: A note\ndate: 2026-01-02\nexternal_url: https://example.org/a\n---\n",
    )
    .unwrap();
    s.write_config(&format!("[feeds.k]\ndir = {:?}\n", dir.to_string_lossy()));
    for args in [&["-f", "k", "list"][..], &["--feed", "k", "--no-cache", "list"], &["list", "-f", "k"]] {
        let out = s.linkfeed().args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("A note"), "{args:?}: {stdout}");
    }
    let out = s.linkfeed().args(["--no-cache", "list"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = s.linkfeed().arg("lsit").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("did you mean `linkfeed list`"), "{err}");
}

/// Issue 42: a downloaded folder of posts is untrusted: a link in it that
/// leads outside it (a file, a folder, another feed's folder) is not
/// followed unless the config says so, and `check` names it; a FIFO named
/// `*.md` is skipped with a word (never opened: reading it would hang);
/// `list` says on stderr how many files it skipped.
#[test]
fn links_out_of_the_folder_and_fifos_are_named_not_followed() {
    let s = common::Sandbox::new();
    let feed = s.root.join("feed");
    let other = s.root.join("other");
    std::fs::create_dir_all(feed.join("inside")).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    let post = |p: &std::path::Path, title: &str| {
        std::fs::write(
            p,
            format!(
                "---\ntitle: {title}\ndate: 2026-01-02\nexternal_url: https://example.org/{title}\n---\n"
            ),
        )
        .unwrap()
    };
    post(&feed.join("inside/a.md"), "Inside");
    post(&other.join("b.md"), "Elsewhere");
    std::os::unix::fs::symlink(other.join("b.md"), feed.join("outside.md")).unwrap();
    std::os::unix::fs::symlink(&other, feed.join("outsidedir")).unwrap();
    // A link that stays inside is followed.
    std::os::unix::fs::symlink(feed.join("inside"), feed.join("alias")).unwrap();
    std::fs::write(feed.join("broken.md"), "---\ntitle: [unclosed\n---\n").unwrap();
    let fifo = feed.join("pipe.md");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = s.linkfeed().args(["list", "--no-cache"]).arg(&feed).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Inside") && !stdout.contains("Elsewhere"), "{stdout}");
    assert!(stderr.contains("1 file skipped (`linkfeed check` says why)"), "{stderr}");
    let out = s.linkfeed().args(["check"]).arg(&feed).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    for name in
        ["outside.md:1: warning: this link leads outside", "outsidedir:1: warning: this link leads outside"]
    {
        assert!(report.contains(name), "{name}: {report}");
    }
    assert!(report.contains("pipe.md:1: warning: not a regular file"), "{report}");
    // Allowed by the config: followed.
    s.write_config("follow_links_outside = true\n");
    let out = s.linkfeed().args(["list", "--no-cache"]).arg(&feed).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Elsewhere"));
}

/// `linkfeed man` prints the manual page made from the clap definitions:
/// every subcommand `--help` knows is in it.
#[test]
fn man_prints_the_manual_page() {
    let (code, out, err) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".TH linkfeed 1"), "{out}");
    for sub in ["list", "check", "sync", "fetch", "article", "state", "completions"] {
        assert!(out.contains(&format!("linkfeed\\-{sub}")) || out.contains(sub), "{sub} missing");
    }
}
