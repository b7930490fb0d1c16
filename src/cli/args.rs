//! The command line as clap reads it: every flag and subcommand, in one place.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// A terminal reader for a curated link feed.
///
/// With no folder, reads $LINKFEED_DIR, else `dir` from the config file
/// (`linkfeed config` shows it), else the sample feed built into the binary.
/// In the reader, ? lists the keys.
#[derive(Parser)]
#[command(name = "linkfeed", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Cmd>,
    /// The feed folder: Markdown posts with YAML front matter.
    pub dir: Option<PathBuf>,
    /// Show drafts too, marked as drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Open the feed of this name from the config file (`linkfeed feeds` lists them).
    #[arg(short, long, global = true, value_name = "NAME")]
    pub feed: Option<String>,
    /// Read and parse every file; neither read nor write the parse cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
}

/// `list --sort`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListSort {
    /// Best match first (ties newest first).
    Best,
    /// Newest first.
    Newest,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Print one line per post, newest first: date, title, source, URL, section (tab-separated).
    List(ListArgs),
    /// Print the article a post links to, as Markdown: from the cache when
    /// kept, else fetched (reader mode).
    Article {
        /// An http(s) address, a post file (its link is read), or a saved HTML page.
        target: String,
        /// Ask the server whether the kept copy changed (If-None-Match / If-Modified-Since).
        #[arg(long)]
        refresh: bool,
    },
    /// Fetch the articles of posts for reading offline (default: the unread
    /// ones); a second run fetches only what is missing.
    Fetch(FetchArgs),
    /// Report every file that cannot be loaded, and warnings; exit 1 on errors.
    Check {
        /// The feed folder (default: as for the reader).
        dir: Option<PathBuf>,
    },
    /// Print shell completions: `linkfeed completions bash > ~/.local/share/bash-completion/completions/linkfeed`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `linkfeed man > ~/.local/share/man/man1/linkfeed.1`.
    Man,
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
    /// List the feeds of the config file, with their last sync; add a web
    /// feed, import an OPML list, export one.
    Feeds {
        #[command(subcommand)]
        action: Option<FeedsCmd>,
    },
    /// The parse cache and the kept articles (under $XDG_CACHE_HOME/linkfeed): `linkfeed cache clear` removes them.
    Cache {
        #[command(subcommand)]
        action: CacheCmd,
    },
    /// Read and starred marks: the devices they are shared with (no
    /// subcommand), sync them, export them, or merge an export in.
    State {
        #[command(subcommand)]
        action: Option<StateCmd>,
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

/// `linkfeed list`.
#[derive(clap::Args)]
pub struct ListArgs {
    /// The feed folder (default: as for the reader).
    pub dir: Option<PathBuf>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Only the posts this query matches, best first (same syntax as the reader's filter).
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Print a JSON array of posts instead.
    #[arg(long)]
    pub json: bool,
    /// Print what was read and how long each phase took to stderr.
    #[arg(long)]
    pub stats: bool,
    /// Only posts not yet read in the reader.
    #[arg(long)]
    pub unread: bool,
    /// Also the posts a mute rule hides (`[mute]`, the reader's `M`).
    #[arg(long)]
    pub muted: bool,
    /// The order of a query with words: best match first, or newest first.
    #[arg(long, value_enum, default_value_t = ListSort::Best)]
    pub sort: ListSort,
}

/// `linkfeed fetch`.
#[derive(clap::Args)]
pub struct FetchArgs {
    /// The feed folder (default: as for the reader).
    pub dir: Option<PathBuf>,
    /// The posts whose articles to fetch (the reader's query syntax; default `is:unread`).
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// How many pages at a time (never two from one host at once).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub jobs: u8,
}

#[derive(Subcommand)]
pub enum CacheCmd {
    /// Remove every feed's parse cache (the next start reads every file) and every kept article.
    Clear,
    /// Print where the caches are kept.
    Path,
}

#[derive(Subcommand)]
pub enum FeedsCmd {
    /// Follow a web feed: URL is the feed, or a page that names its feed
    /// (`<link rel="alternate">`); written to the config file as [feeds.NAME].
    Add {
        /// The feed's name (letters, digits, - _ and .).
        name: String,
        url: String,
    },
    /// Follow every feed of an OPML file (what newsboat, nom and other
    /// readers export); feeds already followed are skipped.
    Import {
        /// The OPML file, or - for standard input.
        file: PathBuf,
    },
    /// Print the web feeds of the config file as OPML.
    Export,
}

#[derive(Subcommand)]
pub enum StateCmd {
    /// Print every mark as JSON lines (to carry them to another machine).
    Export,
    /// Merge the marks of an export: a mark newer than the one kept here wins.
    Import {
        /// The export (JSON lines), or - for standard input.
        file: PathBuf,
    },
    /// Print where the marks are kept.
    Path,
    /// Share the marks through the `[state]` repository: fetch, merge, push.
    Sync,
}
