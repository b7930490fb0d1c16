//! Why an article cannot be had: the words are the one line the reader and
//! `linkfeed article` show.

/// Why the page at an address gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    #[error("not an address: {0}")]
    NotAnAddress(String),
    #[error("only http and https pages are fetched, not {0}:")]
    NotHttp(String),
    /// The page could not be fetched: why, in a reader's words (timed
    /// out, no such host, refused, ...).
    #[error("{0}")]
    Fetch(String),
    #[error("{}", format!("the server answered {status} {reason}").trim_end())]
    Status { status: u16, reason: String },
    /// Another kind of document (its content type).
    #[error("not a web page ({0}); `o` opens it")]
    NotAPage(String),
    /// Binary bytes under a text type (what they look like).
    #[error("not a web page: the server sent {0}; `o` opens it")]
    Binary(String),
    #[error("the server said unchanged, but nothing is kept")]
    UnchangedButNotKept,
    /// Fetched and read, but the article cache could not keep it (for
    /// offline reading it is not there).
    #[error("fetched, but not kept: the cache could not be written")]
    NotKept,
    #[error("not an article: {0}")]
    NotAnArticle(NotArticle),
}

/// Why a page that came is not an article reader mode keeps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotArticle {
    #[error("the page has {elements} elements, more than {max}; `o` opens it")]
    TooMany { elements: usize, max: usize },
    #[error("the page nests elements {depth} deep, more than {max}; `o` opens it")]
    TooDeep { depth: usize, max: usize },
    /// The extractor stopped on the page.
    #[error("the page could not be read; `o` opens it")]
    Unreadable,
    #[error("nothing readable found; `o` opens the page")]
    NothingReadable,
    /// What was extracted is not an article's (too short, mostly links).
    #[error("{0} words extracted; `o` opens the page")]
    Words(usize),
}

impl From<NotArticle> for ArticleError {
    fn from(n: NotArticle) -> ArticleError {
        ArticleError::NotAnArticle(n)
    }
}
