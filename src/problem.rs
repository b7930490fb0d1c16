//! What went wrong with a file, reported like a compiler would.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// A finding about one file. Errors kept the file out of the feed; warnings
/// did not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Not kept in the parse cache: the loader sets it from where the file is.
    #[serde(skip)]
    pub path: PathBuf,
    /// 1-based, where known.
    pub line: Option<usize>,
    pub severity: Severity,
    /// Already safe to print: built from our words and sanitized fragments.
    pub message: String,
}

impl fmt::Display for Problem {
    /// `path:line: error: message`, the line left out where unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = crate::text::sanitize::one_line(&self.path.to_string_lossy());
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.line {
            Some(l) => write!(f, "{path}:{l}: {kind}: {}", self.message),
            None => write!(f, "{path}: {kind}: {}", self.message),
        }
    }
}
