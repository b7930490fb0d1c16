//! What went wrong with a file, reported like a compiler would.

use std::fmt;
use std::path::PathBuf;

/// What parsing one file gives: a post with its warnings, or the error that
/// kept it out.
pub type Parsed = Result<(crate::post::Post, Vec<Problem>), Problem>;

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
    /// `path:line: error: message`, as compilers print it (editors jump to
    /// it); a finding about the whole file is on its first line. The path's
    /// control characters are shown, not folded: a name never reads as a
    /// line of its own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = crate::text::sanitize::path_shown(&self.path.to_string_lossy());
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let line = self.line.unwrap_or(1);
        write!(f, "{path}:{line}: {kind}: {}", crate::text::sanitize::one_line(&self.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_line_names_its_file_and_line_and_cannot_be_forged() {
        let p = |path: &str, line| Problem {
            path: path.into(),
            line,
            severity: Severity::Error,
            message: "no front matter".into(),
        };
        assert_eq!(p("a.md", Some(3)).to_string(), "a.md:3: error: no front matter");
        assert_eq!(p("a.md", None).to_string(), "a.md:1: error: no front matter");
        let forged = p("err\nsecond line: error: fake.md", None).to_string();
        assert!(!forged.contains('\n'), "{forged}");
        assert_eq!(forged, "err\u{240a}second line: error: fake.md:1: error: no front matter");
        let tab = p("a\tb\x1b[31m.md", None).to_string();
        assert!(!tab.chars().any(char::is_control), "{tab}");
    }
}
