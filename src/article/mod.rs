//! Reader mode: the original article of a post, fetched, made readable and
//! kept for reading offline. Knows nothing of the screen.
//!
//! - [`fetch`]: one page over HTTP(S), with the limits a feed that is not
//!   ours calls for (timeouts, redirects, size, no private addresses);
//! - [`extract`]: the article's own text out of the page (a port of
//!   readability.js), as Markdown;
//! - [`cache`]: articles kept under `$XDG_CACHE_HOME/linkfeed/articles/`,
//!   with what revalidating them needs, within a size limit.
//!
//! [`get`] puts them together: from the cache when there, else fetched.

pub mod cache;
mod error;
pub mod extract;
pub mod fetch;

pub use error::{ArticleError, NotArticle};
use serde::{Deserialize, Serialize};

/// An article as the reader shows it and the cache keeps it. Every text in
/// it came from the page: untrusted, sanitised where it is drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// The address asked for (the post's link): the cache's key.
    pub url: String,
    /// Where the page was after redirects.
    pub final_url: String,
    pub title: String,
    /// The site's name, else the host.
    pub site: String,
    pub byline: Option<String>,
    /// Words of the text.
    pub words: usize,
    /// The article's text as Markdown.
    pub markdown: String,
    /// When it was fetched (or last found unchanged), seconds since the epoch.
    pub fetched_at: i64,
    /// The HTTP status it came with.
    pub status: u16,
    /// For revalidation.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// How articles are fetched and kept.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Allow hosts that resolve to loopback, private or link-local
    /// addresses (`fetch_private_addresses = true`: tests, intranet feeds).
    pub allow_private: bool,
    /// The cache's size limit in bytes (`article_cache_mb`).
    pub cache_limit: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { allow_private: false, cache_limit: 200 * 1024 * 1024 }
    }
}

/// A post's link as reader mode fetches it (and keys its article): the
/// URL rules' form, `http` or `https` only; `None`: a link it does not fetch.
pub fn link(url: &str) -> Option<String> {
    crate::text::sanitize::safe_url(url)
        .ok()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
}

/// The cache key of a post's link ([`link`]).
pub fn post_key(url: &str) -> Option<u64> {
    link(url).map(|l| cache::key(&l))
}

/// Where an article came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Fetched now.
    Fetched,
    /// Kept from an earlier fetch.
    Cache,
    /// Kept from an earlier fetch, and the server said it has not changed.
    Unchanged,
    /// Fetched now, but it could not be kept (a full disk, a cache folder
    /// that cannot be written): shown all the same, fetched again next time.
    NotKept,
}

/// The article at `url`: from the cache when it holds it (unless
/// `refresh`, which asks the server whether it changed), else fetched,
/// extracted and kept. One line of why when it cannot be had.
pub fn get(url: &str, options: &Options, refresh: bool) -> Result<(Article, Origin), ArticleError> {
    let kept = cache::load(url);
    if let (Some(a), false) = (&kept, refresh) {
        return Ok((a.clone(), Origin::Cache));
    }
    let validators = kept
        .as_ref()
        .map(|a| fetch::Validators { etag: a.etag.clone(), last_modified: a.last_modified.clone() });
    let page = match fetch::fetch(url, validators.as_ref(), options) {
        Ok(fetch::Fetched::NotModified) => {
            let Some(mut a) = kept else {
                return Err(ArticleError::UnchangedButNotKept);
            };
            a.fetched_at = crate::clock::now();
            let _ = cache::store(&a, options.cache_limit);
            return Ok((a, Origin::Unchanged));
        }
        Ok(fetch::Fetched::Page(page)) => page,
        // Offline, or the site is down: what is kept still reads.
        Err(e) => {
            return match kept {
                Some(a) => Ok((a, Origin::Cache)),
                None => Err(e),
            };
        }
    };
    let article = extract::article(&page, url)?;
    let origin = match cache::store(&article, options.cache_limit) {
        Ok(_) => Origin::Fetched,
        Err(_) => Origin::NotKept,
    };
    Ok((article, origin))
}
