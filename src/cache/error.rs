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
    #[error("no such entry")]
    NoSuchEntry,
    /// The cache file is not there any more.
    #[error("the cache is gone")]
    Gone,
    /// The feed has no parse cache (`--no-cache`, the sample feed).
    #[error("no parse cache")]
    NoCache,
    /// Not the writing the posts in hand came from.
    #[error("the cache was written again")]
    WrittenAgain,
    #[error("an entry is not the post it stands for")]
    NotItsPost,
    /// A thread decoding blocks stopped without an answer.
    #[error("a decoder failed")]
    DecoderFailed,
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
