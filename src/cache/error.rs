//! Why a cache cannot be used.

/// Why the parse cache (or a part of it) cannot be used: it is then
/// passed over and written anew. The words are what `list --stats` says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    /// A checksum or a count does not hold: which part.
    #[error("damaged ({0})")]
    Damaged(&'static str),
    #[error("truncated")]
    Truncated,
    #[error("truncated or not a cache")]
    NotACache,
    #[error("from another version ({version}, format {format})")]
    OtherVersion { version: String, format: u32 },
    #[error("written for another folder")]
    OtherFolder,
    #[error("no such block")]
    NoSuchBlock,
    #[error("a block too large")]
    BlockTooLarge,
    #[error("unreadable ({0})")]
    Unreadable(String),
    #[error("{0}")]
    Other(String),
}

/// The reason in words, where a caller reports it as text.
impl From<CacheError> for String {
    fn from(e: CacheError) -> String {
        e.to_string()
    }
}
