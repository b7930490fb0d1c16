//! Why a sync failed: the words the user is told.

use std::io;
use std::path::{Path, PathBuf};

/// Why a sync (or a feed's address) failed: the words are what the user
/// is told.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0:?} is not a repository address")]
    NotAnAddress(String),
    #[error("{0:?} is not a repository address (https://, ssh://, git://, file:// or user@host:path)")]
    UnknownScheme(String),
    #[error("the git program is not installed")]
    NoGit,
    #[error("cannot run git: {0}")]
    CannotRunGit(io::Error),
    /// What git said went wrong (its last telling line).
    #[error("{0}")]
    Git(String),
    /// A file or folder of the sync could not be written or read.
    #[error("{}: {source}", path.display())]
    File { path: PathBuf, source: io::Error },
    #[error("the checkout of {commit} holds {have} of its {want} files: the last copy is kept")]
    Incomplete { commit: String, have: usize, want: usize },
    #[error("syncing needs symbolic links ({})", .0.display())]
    NeedsLinks(PathBuf),
    #[error(transparent)]
    State(#[from] StateError),
    /// A web feed: why its document could not be fetched or read.
    #[error("{0}")]
    Web(String),
}

/// A [`SyncError::File`] for `path`.
pub fn file_error(path: &Path) -> impl FnOnce(io::Error) -> SyncError + '_ {
    move |source| SyncError::File { path: path.to_path_buf(), source }
}

/// `sync.json` could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct StateError {
    pub(super) path: PathBuf,
    pub(super) source: std::io::Error,
}
