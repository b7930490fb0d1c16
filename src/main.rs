//! Command line: arguments, subcommand dispatch, exit codes.

use clap::{Parser, Subcommand};
use linkfeed::app::App;
use linkfeed::config::{self, Config};
use linkfeed::feed::{self, Feed, Progress, Source};
use linkfeed::tui::host::SystemHost;
use linkfeed::{commands, tui};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// A terminal reader for a curated link feed.
///
/// With no folder, reads $LINKFEED_DIR, else `dir` from the config file
/// (`linkfeed config` shows it), else the sample feed built into the binary.
/// In the reader, ? lists the keys.
#[derive(Parser)]
#[command(name = "linkfeed", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// The feed folder: Markdown posts with YAML front matter.
    dir: Option<PathBuf>,
    /// Show drafts too, marked as drafts.
    #[arg(long)]
    drafts: bool,
    /// Open the feed of this name from the config file (`linkfeed feeds` lists them).
    #[arg(short, long, global = true, value_name = "NAME")]
    feed: Option<String>,
    /// Read and parse every file; neither read nor write the parse cache.
    #[arg(long, global = true)]
    no_cache: bool,
}

/// `list --sort`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListSort {
    /// Best match first (ties newest first).
    Best,
    /// Newest first.
    Newest,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print one line per post, newest first: date, title, source, URL (tab-separated).
    List {
        /// The feed folder (default: as for the reader).
        dir: Option<PathBuf>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Only the posts this query matches, best first (same syntax as the reader's filter).
        #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
        query: Option<String>,
        /// Print a JSON array of posts instead.
        #[arg(long)]
        json: bool,
        /// Print what was read and how long each phase took to stderr.
        #[arg(long)]
        stats: bool,
        /// Only posts not yet read in the reader.
        #[arg(long)]
        unread: bool,
        /// The order of a query with words: best match first, or newest first.
        #[arg(long, value_enum, default_value_t = ListSort::Best)]
        sort: ListSort,
    },
    /// Report every file that cannot be loaded, and warnings; exit 1 on errors.
    Check {
        /// The feed folder (default: as for the reader).
        dir: Option<PathBuf>,
    },
    /// Print shell completions: `linkfeed completions bash > /etc/bash_completion.d/linkfeed`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the effective configuration and where each value came from.
    Config,
    /// Fetch git feeds (all of them, or those named) and say what is new.
    Sync {
        /// Feed names from the config file (default: every git feed).
        names: Vec<String>,
        /// Also say on stderr how many files were parsed and how many came
        /// from the parse cache.
        #[arg(long)]
        stats: bool,
    },
    /// List the feeds of the config file, with their last sync.
    Feeds,
    /// The parse cache (under $XDG_CACHE_HOME/linkfeed): `linkfeed cache clear` removes it.
    Cache {
        #[command(subcommand)]
        action: CacheCmd,
    },
    /// Read and starred marks: export them, or merge an export in.
    State {
        #[command(subcommand)]
        action: StateCmd,
    },
    /// Print every tag with its post count, most used first.
    Tags {
        /// The feed folder (default: as for the reader).
        dir: Option<PathBuf>,
        /// Count drafts too.
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Subcommand)]
enum CacheCmd {
    /// Remove every feed's parse cache (the next start reads every file).
    Clear,
    /// Print where the caches are kept.
    Path,
}

#[derive(Subcommand)]
enum StateCmd {
    /// Print every mark as JSON lines (to carry them to another machine).
    Export,
    /// Merge the marks of an export: a mark newer than the one kept here wins.
    Import {
        /// The export (JSON lines), or - for standard input.
        file: PathBuf,
    },
    /// Print where the marks are kept.
    Path,
}

/// What to read: the folder, and, for a synced git feed, the feed and its copy.
struct Resolved {
    source: Source,
    from: config::From,
    git: Option<(linkfeed::sync::GitFeed, PathBuf)>,
    /// The feed's name, when it was opened by name.
    name: Option<String>,
}

/// The folder named, else `--feed`, else $LINKFEED_DIR, else the
/// configuration's `default_feed`, else its `dir`, else the bundled sample;
/// and where that came from. A named feed that does not exist, or a git feed
/// never synced, is an error.
fn resolve(dir: Option<PathBuf>, feed: Option<&str>, config: &Config) -> Result<Resolved, String> {
    let plain = |source, from| Ok(Resolved { source, from, git: None, name: None });
    if let Some(d) = dir {
        return plain(Source::Dir(d), config::From::Flag("DIR argument"));
    }
    let named = |name: &str, from: config::From| -> Result<Resolved, String> {
        match config.feed(name) {
            None => {
                let known: Vec<&str> = config.feeds.iter().map(config::Feed::name).collect();
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                Err(format!("no feed is called {name:?} in the config file (feeds: {known})"))
            }
            Some(config::Feed::Dir { dir, .. }) => Ok(Resolved {
                source: Source::Dir(dir.clone()),
                from,
                git: None,
                name: Some(name.to_string()),
            }),
            Some(config::Feed::Git(g)) => {
                let root = linkfeed::sync::feeds_dir().ok_or("neither XDG_DATA_HOME nor HOME is set")?;
                let feed_dir = root.join(&g.name);
                let content = linkfeed::sync::content_dir(&feed_dir, &g.path);
                if !feed_dir.join("current").exists() {
                    return Err(format!(
                        "the feed {:?} has not been synced yet: run `linkfeed sync {}`",
                        g.name, g.name
                    ));
                }
                Ok(Resolved {
                    source: Source::Dir(content),
                    from,
                    git: Some((g.clone(), feed_dir)),
                    name: Some(g.name.clone()),
                })
            }
        }
    };
    if let Some(name) = feed {
        return named(name, config::From::Flag("--feed"));
    }
    if let Some(d) = std::env::var_os("LINKFEED_DIR").filter(|d| !d.is_empty()) {
        return plain(Source::Dir(PathBuf::from(d)), config::From::Env("LINKFEED_DIR"));
    }
    if let Some(name) = &config.default_feed {
        return named(name, config::From::File);
    }
    match &config.dir {
        Some(d) => plain(Source::Dir(d.clone()), config::From::File),
        None => plain(Source::Sample, config::From::Default),
    }
}

/// The posts the last sync of a git feed brought.
fn new_posts(resolved: &Resolved) -> std::collections::HashSet<PathBuf> {
    match &resolved.git {
        Some((g, dir)) => linkfeed::sync::new_posts(dir, &g.path).into_iter().collect(),
        None => Default::default(),
    }
}

/// The configuration file, or exit 2 with its error.
fn load_config() -> Result<Config, ExitCode> {
    let Some(path) = config::default_path() else { return Ok(Config::default()) };
    config::load(&path).map_err(|e| {
        eprintln!("linkfeed: error: {e}");
        ExitCode::from(2)
    })
}

/// Whether NO_COLOR asks for no colour (set and not empty, no-color.org).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn load(source: &Source, use_cache: bool) -> Result<Feed, ExitCode> {
    feed::load_cached(source, use_cache).map_err(load_error)
}

fn load_error(e: feed::LoadError) -> ExitCode {
    eprintln!("linkfeed: error: {e}");
    ExitCode::from(2)
}

/// Output errors: a closed pipe (`linkfeed list | head`) is not a failure.
fn finish(r: io::Result<ExitCode>) -> ExitCode {
    match r {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linkfeed: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Times a person reads are in their zone (TZ, else the system's).
    linkfeed::clock::use_system_zone();
    let config = match load_config() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let feed_name = cli.feed.clone();
    let resolve_or_exit = |dir: Option<PathBuf>| {
        resolve(dir, feed_name.as_deref(), &config).map_err(|e| {
            eprintln!("linkfeed: error: {e}");
            ExitCode::from(2)
        })
    };
    let stdout = io::stdout();
    match cli.command {
        Some(Cmd::List { dir, drafts, query, json, stats, unread, sort }) => {
            let start = Instant::now();
            let resolved = match resolve_or_exit(dir) {
                Ok(r) => r,
                Err(code) => return code,
            };
            let fresh = new_posts(&resolved);
            let parsed = linkfeed::search::Query::parse(query.as_deref().unwrap_or(""));
            // The rows show no tldr or summary: unless the JSON or the query
            // reads them, the posts are loaded without (a large feed's
            // memory is mostly those).
            let query_reads_text = parsed.terms.iter().any(|t| t.scope == linkfeed::search::Scope::Any);
            let loaded = if json || query_reads_text {
                feed::load_cached(&resolved.source, !cli.no_cache)
            } else {
                feed::load_cached_without_text(&resolved.source, !cli.no_cache)
            };
            let feed = match loaded.map_err(load_error) {
                Ok(f) => f.visible(drafts || config.show_drafts == Some(true)),
                Err(code) => return code,
            };
            // A malformed term is searched as text; say so, on stderr.
            for p in parsed.problems {
                eprintln!("linkfeed: warning: query: {p}");
            }
            let text = query.as_deref().unwrap_or("");
            let query_text = if unread { format!("{text} is:unread") } else { text.to_string() };
            let marks = read_marks();
            let saved_index = match (&resolved.source, cli.no_cache) {
                (Source::Dir(dir), false) => feed::cache::index_path_for(dir),
                _ => None,
            };
            let (posts, filter) = commands::select(
                &feed.posts,
                &query_text,
                sort == ListSort::Newest,
                &marks,
                &fresh,
                saved_index.as_deref(),
            );
            if let Some(note) = linkfeed::search::Loose::message(&filter.loose) {
                eprintln!("linkfeed: note: {note}");
            }
            let mut out = io::BufWriter::new(stdout.lock());
            let result = commands::list(&mut out, &posts, json, &marks, &fresh).and_then(|()| out.flush());
            if stats {
                eprintln!("{}", commands::stats_line(&feed, &filter, start.elapsed()));
            }
            drop(posts);
            // The process ends here: the OS takes the memory back faster
            // than freeing 100,000 posts one by one would.
            std::mem::forget(feed);
            finish(result.map(|()| ExitCode::SUCCESS))
        }
        Some(Cmd::Check { dir }) => {
            let source = match resolve_or_exit(dir) {
                Ok(r) => r.source,
                Err(code) => return code,
            };
            let feed = match load(&source, !cli.no_cache) {
                Ok(f) => f,
                Err(code) => return code,
            };
            let mut out = io::BufWriter::new(stdout.lock());
            finish(commands::check(&mut out, &feed).and_then(|bad| {
                out.flush()?;
                Ok(if bad { ExitCode::from(1) } else { ExitCode::SUCCESS })
            }))
        }
        Some(Cmd::Tags { dir, drafts }) => {
            let source = match resolve_or_exit(dir) {
                Ok(r) => r.source,
                Err(code) => return code,
            };
            let feed = match load(&source, !cli.no_cache) {
                Ok(f) => f.visible(drafts),
                Err(code) => return code,
            };
            let mut out = io::BufWriter::new(stdout.lock());
            finish(
                commands::tags(&mut out, &feed.posts).and_then(|()| out.flush()).map(|()| ExitCode::SUCCESS),
            )
        }
        Some(Cmd::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "linkfeed", &mut stdout.lock());
            ExitCode::SUCCESS
        }
        Some(Cmd::State { action }) => state_command(action),
        Some(Cmd::Cache { action }) => cache_command(action),
        Some(Cmd::Sync { names, stats }) => sync_command(&config, &names, stats),
        Some(Cmd::Feeds) => feeds_command(&config),
        Some(Cmd::Config) => {
            print!("{}", describe_config(&config));
            ExitCode::SUCCESS
        }
        None => {
            let resolved = match resolve_or_exit(cli.dir) {
                Ok(r) => r,
                Err(code) => return code,
            };
            reader(resolved, cli.drafts || config.show_drafts == Some(true), !cli.no_cache, &config)
        }
    }
}

/// The marks, read without writing (a script must not migrate or repair
/// them); a problem is a warning on stderr.
fn read_marks() -> linkfeed::store::marks::Marks {
    let Some(dir) = linkfeed::store::marks::default_dir() else { return Default::default() };
    let (marks, problem) = linkfeed::store::marks::read_only(&dir);
    if let Some(p) = problem {
        eprintln!("linkfeed: warning: {p}");
    }
    marks
}

/// `linkfeed state export|import|path`.
fn state_command(action: StateCmd) -> ExitCode {
    use linkfeed::store::marks;
    let Some(dir) = marks::default_dir() else {
        eprintln!("linkfeed: error: neither XDG_STATE_HOME nor HOME is set: no place for the marks");
        return ExitCode::from(2);
    };
    let opened = marks::Store::open(&dir);
    let (mut store, mut kept, found) = match opened {
        Ok(o) => o,
        Err(e) => {
            eprintln!("linkfeed: error: {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    match action {
        StateCmd::Path => {
            println!("{}", store.log().display());
            ExitCode::SUCCESS
        }
        StateCmd::Export => {
            if found.bad_lines > 0 {
                let s = if found.bad_lines == 1 { "" } else { "s" };
                eprintln!(
                    "linkfeed: warning: {}: {} damaged line{s} skipped (not exported)",
                    store.log().display(),
                    found.bad_lines
                );
            }
            let mut out = io::BufWriter::new(io::stdout().lock());
            let result = kept.records().iter().try_for_each(|r| {
                serde_json::to_writer(&mut out, r).map_err(io::Error::other)?;
                writeln!(out)
            });
            finish(result.and_then(|()| out.flush()).map(|()| ExitCode::SUCCESS))
        }
        StateCmd::Import { file } => {
            let text = if file.as_os_str() == "-" {
                let mut t = String::new();
                io::Read::read_to_string(&mut io::stdin(), &mut t).map(|_| t)
            } else {
                std::fs::read_to_string(&file)
            };
            let text = match text {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("linkfeed: error: {}: {e}", file.display());
                    return ExitCode::from(2);
                }
            };
            let records = match marks::parse_export(&text) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("linkfeed: error: {}: {e}", file.display());
                    return ExitCode::from(1);
                }
            };
            let total = records.len();
            match store.import(&mut kept, records) {
                Ok(n) => {
                    println!("imported {n} of {total} marks ({} older or already known)", total - n);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("linkfeed: error: {}: {e}", store.log().display());
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// `linkfeed cache clear|path`.
fn cache_command(action: CacheCmd) -> ExitCode {
    let Some(dir) = feed::cache::folder() else {
        eprintln!("linkfeed: error: neither XDG_CACHE_HOME nor HOME is set: there is no cache");
        return ExitCode::from(2);
    };
    match action {
        CacheCmd::Path => println!("{}", dir.display()),
        CacheCmd::Clear => match std::fs::remove_dir_all(&dir) {
            Ok(()) => println!("removed {}", dir.display()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => println!("no cache at {}", dir.display()),
            Err(e) => {
                eprintln!("linkfeed: error: {}: {e}", dir.display());
                return ExitCode::from(2);
            }
        },
    }
    ExitCode::SUCCESS
}

/// `linkfeed sync [NAME...]`: one line per feed; exit 1 when any failed.
fn sync_command(config: &Config, names: &[String], stats: bool) -> ExitCode {
    use linkfeed::sync;
    let feeds: Vec<&sync::GitFeed> = if names.is_empty() {
        config
            .feeds
            .iter()
            .filter_map(|f| match f {
                config::Feed::Git(g) => Some(g),
                config::Feed::Dir { .. } => None,
            })
            .collect()
    } else {
        let mut v = Vec::new();
        for n in names {
            match config.feed(n) {
                Some(config::Feed::Git(g)) => v.push(g),
                Some(config::Feed::Dir { .. }) => {
                    eprintln!("linkfeed: error: {n}: a folder feed, not a git one: nothing to sync");
                    return ExitCode::from(2);
                }
                None => {
                    eprintln!("linkfeed: error: no feed is called {n:?} in the config file");
                    return ExitCode::from(2);
                }
            }
        }
        v
    };
    if feeds.is_empty() {
        eprintln!(
            "linkfeed: no git feeds in the config file ([feeds.NAME] with git = \"URL\"): nothing to sync"
        );
        return ExitCode::SUCCESS;
    }
    let Some(root) = sync::feeds_dir() else {
        eprintln!("linkfeed: error: neither XDG_DATA_HOME nor HOME is set: no place for the feeds");
        return ExitCode::from(2);
    };
    let tty = io::stderr().is_terminal();
    let mut failed = false;
    for g in feeds {
        let bar = tty.then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_message(format!("{}: fetching {}", g.name, g.url));
            b.enable_steady_tick(std::time::Duration::from_millis(100));
            b
        });
        let progress = |step: sync::Step| {
            if let Some(b) = &bar {
                match step {
                    sync::Step::Fetching => b.set_message(format!("{}: fetching {}", g.name, g.url)),
                    sync::Step::CheckingOut => b.set_message(format!("{}: checking out", g.name)),
                    sync::Step::Done => {}
                }
            }
        };
        let had_copy = root.join(&g.name).join("current").exists();
        let result = sync::sync(g, &root.join(&g.name), &progress);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        match result {
            Ok(report) => {
                println!("{report}");
                if stats {
                    let (parsed, cached) = report.parsed;
                    eprintln!("{}: parsed: {parsed}, from cache: {cached}", g.name);
                }
            }
            Err(e) => {
                failed = true;
                let kept = if had_copy { "the last copy is kept" } else { "no copy yet" };
                eprintln!("{}: failed: {e} ({kept})", g.name);
            }
        }
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// `linkfeed feeds`: every feed of the config file and its last sync.
fn feeds_command(config: &Config) -> ExitCode {
    if config.feeds.is_empty() {
        println!("no feeds in the config file: add [feeds.NAME] with git = \"URL\" or dir = \"FOLDER\"");
        return ExitCode::SUCCESS;
    }
    let root = linkfeed::sync::feeds_dir();
    for f in &config.feeds {
        let mark = if config.default_feed.as_deref() == Some(f.name()) { " (default)" } else { "" };
        match f {
            config::Feed::Dir { name, dir } => println!("{name}{mark}\tdir\t{}", dir.display()),
            config::Feed::Git(g) => {
                let state = root.as_ref().and_then(|r| linkfeed::sync::load_state(&r.join(&g.name)));
                let last = match state {
                    Some(s) => {
                        let when = linkfeed::clock::local(s.at, "%Y-%m-%d %H:%M %Z");
                        let what = if s.first {
                            "first sync".to_string()
                        } else {
                            format!(
                                "{} new, {} changed, {} removed",
                                s.added.len(),
                                s.changed.len(),
                                s.removed.len()
                            )
                        };
                        format!(
                            "synced {when}, {} of {}, {} posts: {what}",
                            s.short_commit(),
                            s.commit_day(),
                            s.posts
                        )
                    }
                    None => "never synced".into(),
                };
                println!("{}{mark}\tgit\t{}\t{last}", g.name, g.url);
            }
        }
    }
    ExitCode::SUCCESS
}

/// Why the reader cannot run on this terminal (`TERM=dumb`, none at all).
fn unusable_terminal() -> Option<&'static str> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Some("the reader needs a terminal");
    }
    match std::env::var("TERM") {
        Ok(t) if t == "dumb" => Some("the reader cannot draw on TERM=dumb"),
        Ok(t) if t.is_empty() && cfg!(unix) => Some("the reader needs TERM to name the terminal"),
        Err(_) if cfg!(unix) => Some("the reader needs TERM to name the terminal"),
        _ => None,
    }
}

/// The interactive reader.
fn reader(resolved: Resolved, drafts: bool, use_cache: bool, config: &Config) -> ExitCode {
    let fresh = new_posts(&resolved);
    let feed_name = resolved.name.clone();
    let resolved_git = resolved.git.clone();
    let source = resolved.source;
    // A folder that cannot be read is an error before the screen changes.
    if let Source::Dir(dir) = &source
        && let Err(e) = feed::check_dir(dir)
    {
        eprintln!("linkfeed: error: {e}");
        return ExitCode::from(2);
    }
    if let Some(why) = unusable_terminal() {
        eprintln!("linkfeed: error: {why}; for scripts use `linkfeed list`");
        return ExitCode::from(2);
    }
    let stop = Arc::new(AtomicBool::new(false));
    watch_signals(Arc::clone(&stop));
    // Load on another thread while the screen shows how far it has got.
    let progress = Arc::new(Progress::default());
    // With a parse cache, the first screen comes from it unchecked, and the
    // check (a stat of every file, a parse of the changed ones) runs right
    // after, in the background: the feed is updated in place if it differs.
    let from_cache = Arc::new(AtomicBool::new(false));
    let loader = {
        let (source, progress, from_cache) = (source.clone(), Arc::clone(&progress), Arc::clone(&from_cache));
        std::thread::spawn(move || {
            if let (Source::Dir(dir), true) = (&source, use_cache)
                && let Some(path) = feed::cache::path_for(dir)
                && let Some(f) = feed::load_from_cache_unchecked(dir, &path)
            {
                from_cache.store(true, std::sync::atomic::Ordering::SeqCst);
                return Ok(f);
            }
            feed::load_cached_with(&source, use_cache, &progress)
        })
    };
    // The first load after a first screen drawn from the cache is its check:
    // when every file is as cached, nothing is loaded again.
    let check_first = Arc::new(AtomicBool::new(false));
    let mut reloader = {
        let (source, check_first) = (source.clone(), Arc::clone(&check_first));
        let git = resolved_git.clone();
        linkfeed::feed::watch::Reloader::new(move || {
            if check_first.swap(false, std::sync::atomic::Ordering::SeqCst)
                && let (Source::Dir(dir), true) = (&source, use_cache)
                && let Some(path) = feed::cache::path_for(dir)
                && feed::cache_holds(dir, &path)
            {
                let mut unchanged = Feed::default();
                unchanged.stats.checked_unchanged = true;
                return Ok(unchanged);
            }
            let mut f = feed::load_cached(&source, use_cache)
                .map(|f| f.visible(drafts))
                .map_err(|e| e.to_string())?;
            // A synced feed's newness is read again with it: a sync done
            // elsewhere (or `r` after one) shows its `+` marks.
            if let Some((g, dir)) = &git {
                f.new_posts = Some(linkfeed::sync::new_posts(dir, &g.path));
            }
            Ok(f)
        })
    };
    // Watched once the first screen is up (a recursive watch walks the folder).
    // A synced git feed changes only by a sync (here, or in another process):
    // its sync.json, written last, is watched (a watch of the checkout would
    // follow the old copy, which a later sync removes).
    match (&source, &resolved_git) {
        (_, Some((_, dir))) => reloader.watch_file_later(dir, "sync.json"),
        (Source::Dir(dir), None) => reloader.watch_later(dir),
        _ => {}
    }
    let mut opener = SystemHost::from_env().with_reload(reloader);
    if config.browser.is_some() {
        opener.browser = config.browser.clone();
    }
    opener.in_terminal = config.browser_in_terminal == Some(true);
    if let (Source::Dir(dir), true) = (&source, use_cache) {
        opener.index_file = feed::cache::index_path_for(dir);
    }
    let sync_feed = resolved_git.as_ref().map(|(g, _)| g.name.clone());
    opener.git = resolved_git;
    let mut marks_problem = None;
    let mut marks_loaded = None;
    match linkfeed::store::marks::default_dir().map(|d| linkfeed::store::marks::Store::open(&d)) {
        Some(Ok((mut store, mut marks, opened))) => {
            let _ = store.compact_if_worth_it(&mut marks);
            if let Some(p) = opened.problem {
                marks_problem = Some((p, true));
            } else if let Some(n) = opened.migrated {
                marks_problem =
                    Some((format!("moved {n} read marks from read.json (kept as a backup)"), false));
            } else if opened.bad_lines > 0 {
                marks_problem =
                    Some((format!("{} damaged lines in the marks were skipped", opened.bad_lines), true));
            }
            marks_loaded = Some((marks.read.clone(), marks.starred.clone()));
            opener = opener.with_marks(store, marks);
        }
        Some(Err(e)) => marks_problem = Some((format!("marks are kept for this run only: {e}"), true)),
        None => marks_problem = Some(("marks are kept for this run only: no HOME".to_string(), true)),
    }
    let mut terminal = match tui::init() {
        Ok(t) => t,
        Err(e) => {
            tui::restore();
            eprintln!("linkfeed: error: cannot set up the terminal: {e}");
            return ExitCode::from(2);
        }
    };
    // A feed opened by name is called by its name.
    let label = feed_name.map_or_else(|| source.label(), |n| linkfeed::text::sanitize::one_line(&n));
    // Where `remember_view` keeps the last view of this feed.
    let view_file = linkfeed::store::paths::file(
        linkfeed::store::paths::Base::State,
        &format!(
            "view-{:016x}.json",
            linkfeed::feed::cache::key_hash(&match &source {
                Source::Dir(d) => feed::cache::root_key(d),
                _ => label.clone(),
            })
        ),
    );
    let result = tui::wait_for_load(&mut terminal, &progress, &label, &stop, loader).and_then(|loaded| {
        let Some((feed, early)) = loaded else { return Ok(None) };
        let mut app = App::new(feed.map_err(io::Error::other)?.visible(drafts), label.clone());
        let depth = linkfeed::ui::theme::Depth::from_env(
            std::env::var("TERM").ok().as_deref(),
            std::env::var("COLORTERM").ok().as_deref(),
        );
        app.theme = config.theme(no_color(), depth);
        app.open_advances = config.open_advances != Some(false);
        app.sync_feed = sync_feed;
        if from_cache.load(std::sync::atomic::Ordering::SeqCst) {
            // Drawn from the cache: check it against the files now.
            app.checking_cache = true;
            check_first.store(true, std::sync::atomic::Ordering::SeqCst);
            opener.check_after_first_frame.set(true);
        }
        app.new_posts = fresh;
        app.keymap = config.keymap();
        app.views = config.views.clone();

        if let Some(sort) = config.sort {
            app.set_sort(sort);
        }
        if let Some((read, starred)) = marks_loaded.take() {
            app.set_marks(read, starred);
        }
        if let Some((text, error)) = marks_problem.take() {
            app.notify(text, error);
        }
        // The view each start opens: the last one, or the configured one.
        let remember = config.remember_view == Some(true);
        let saved = remember.then(|| load_saved_view(&view_file)).flatten();
        match (saved, &config.default_view) {
            (Some(v), _) => app.reopen(v),
            (None, Some(name)) => {
                if !app.open_named(name) {
                    app.notify(format!("default_view = {name:?} names no section or view"), true);
                }
            }
            (None, None) => {}
        }
        let result = tui::run(&mut terminal, &mut app, &opener, &stop, early);
        if remember && let Some(path) = &view_file {
            let _ = linkfeed::store::paths::replace_file(path, |f| {
                serde_json::to_writer(f, &app.saved_view()).map_err(io::Error::other)
            });
        }
        result.map(Some)
    });
    tui::restore();
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linkfeed: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The view `remember_view` saved for this feed, if it can be read.
fn load_saved_view(path: &Option<PathBuf>) -> Option<linkfeed::app::SavedView> {
    let bytes = std::fs::read(path.as_ref()?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// On SIGTERM or SIGHUP, asks the event loop to stop; if it has not within
/// half a second (crossterm can spin inside `poll` once the terminal is gone),
/// restores the terminal from here and exits with 128 + the signal.
fn watch_signals(stop: Arc<AtomicBool>) {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = match signal_hook::iterator::Signals::new([SIGTERM, SIGHUP]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("linkfeed: warning: cannot watch SIGTERM/SIGHUP: {e}");
            return;
        }
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(500));
            tui::restore();
            std::process::exit(128 + sig);
        }
    });
}

/// `linkfeed config`: every setting, its value, and where it came from.
fn describe_config(config: &Config) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let file = config::default_path();
    let _ = match (&config.path, &file) {
        (Some(p), _) => writeln!(out, "# configuration file: {}", p.display()),
        (None, Some(p)) => writeln!(out, "# configuration file: {} (not found: defaults)", p.display()),
        (None, None) => writeln!(out, "# no configuration file (neither XDG_CONFIG_HOME nor HOME is set)"),
    };
    let dir = match resolve(None, None, config) {
        Ok(Resolved { source: Source::Dir(d), from, .. }) => {
            format!("{:?}  # {from}", d.display().to_string())
        }
        Ok(Resolved { from, .. }) => format!("(the bundled sample feed)  # {from}"),
        Err(e) => format!("(none: {e})"),
    };
    let _ = writeln!(out, "dir = {dir}");
    if let Some(d) = &config.default_feed {
        let _ = writeln!(out, "default_feed = {d:?}  # config file");
    }
    let env_browser = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty());
    let _ = match (&config.browser, env_browser) {
        (Some(b), _) => writeln!(out, "browser = {b:?}  # config file"),
        (None, Some(b)) => writeln!(out, "browser = {b:?}  # $BROWSER"),
        (None, None) => writeln!(out, "browser = (the system opener)  # default"),
    };
    let (drafts, from) =
        config.show_drafts.map_or((false, config::From::Default), |d| (d, config::From::File));
    let _ = writeln!(out, "show_drafts = {drafts}  # {from}");
    let sort = config.sort.unwrap_or_default();
    let from = if config.sort.is_some() { config::From::File } else { config::From::Default };
    let _ = writeln!(out, "sort = {:?}  # {from}", format!("{sort:?}").to_lowercase());
    let advances = config.open_advances.map_or((true, config::From::Default), |v| (v, config::From::File));
    let _ = writeln!(out, "open_advances = {}  # {}", advances.0, advances.1);
    let in_term =
        config.browser_in_terminal.map_or((false, config::From::Default), |v| (v, config::From::File));
    let _ = writeln!(out, "browser_in_terminal = {}  # {}", in_term.0, in_term.1);
    let remember = config.remember_view.map_or((false, config::From::Default), |v| (v, config::From::File));
    let _ = writeln!(out, "remember_view = {}  # {}", remember.0, remember.1);
    if let Some(v) = &config.default_view {
        let _ = writeln!(out, "default_view = {v:?}  # config file");
    }
    let state = linkfeed::store::marks::default_dir()
        .map_or("(none)".into(), |p| p.join(linkfeed::store::marks::LOG).display().to_string());
    let _ = writeln!(out, "# read and starred marks: {state}");
    let _ = writeln!(out, "\n[theme]");
    if no_color() {
        let _ = writeln!(out, "# NO_COLOR is set: no colours at all");
    }
    for (name, color) in &config.colors {
        let _ = writeln!(out, "{name} = \"{color}\"  # config file");
    }
    if config.colors.is_empty() {
        let _ = writeln!(out, "# the built-in colours  # default");
    }
    if !config.views.is_empty() {
        let _ = writeln!(out, "\n[views]");
        for (name, query) in &config.views {
            let _ = writeln!(out, "{name:?} = {query:?}  # config file");
        }
    }
    for f in &config.feeds {
        let _ = writeln!(out, "\n[feeds.{}]", f.name());
        let _ = match f {
            config::Feed::Git(g) => {
                let _ = writeln!(out, "git = {:?}", g.url);
                if !g.path.is_empty() {
                    let _ = writeln!(out, "path = {:?}", g.path);
                }
                match &g.branch {
                    Some(b) => writeln!(out, "branch = {b:?}"),
                    None => Ok(()),
                }
            }
            config::Feed::Dir { dir, .. } => writeln!(out, "dir = {:?}", dir.display().to_string()),
        };
    }
    let _ = writeln!(out, "\n[keys]");
    let map = config.keymap();
    for (name, cmd) in linkfeed::app::keys::COMMAND_NAMES {
        let keys = map.keys_for(*cmd);
        let from = if config.keys.iter().any(|(n, _)| n == name) { "config file" } else { "default" };
        let _ = writeln!(out, "{name} = {keys:?}  # {from}");
    }
    out
}
