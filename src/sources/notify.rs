//! Told when news came (`notify`): after a sync that brought posts (not a
//! feed's first), a command template (`notify-send {feed} {titles}`) or the
//! terminal's own notification (OSC 9) gets the count and the first few
//! titles. Nothing when nothing came.

use super::newness::Report;
use crate::text::sanitize;
use crate::text::template::Template;
use std::path::Path;
use std::process::{Command, Stdio};

/// How many titles a notification names.
pub const TITLES: usize = 3;

/// What a sync brought, to be told: the feed, how many posts, the first
/// titles (newest files first as the sync listed them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct News {
    pub feed: String,
    pub count: usize,
    pub titles: Vec<String>,
}

impl News {
    /// The news of `report` (the posts under `content`, the feed's content
    /// folder): `None` for a first sync, a busy one, or one that added
    /// nothing.
    pub fn of(report: &Report, content: &Path) -> Option<News> {
        if report.first || report.busy || report.unchanged || report.state.added.is_empty() {
            return None;
        }
        let titles = report
            .state
            .added
            .iter()
            .filter_map(|rel| {
                let path = content.join(rel);
                let bytes = std::fs::read(&path).ok()?;
                let (post, _) = crate::feed::parse_bytes(&path, &bytes).ok()?;
                Some(sanitize::one_line(&post.title))
            })
            .filter(|t| !t.is_empty())
            .take(TITLES)
            .collect();
        Some(News { feed: report.name.clone(), count: report.state.added.len(), titles })
    }

    /// One line: `kubermates: 2 new: First title; Second title`.
    pub fn line(&self) -> String {
        let more = if self.count > self.titles.len() { "; …" } else { "" };
        format!("{}: {} new: {}{more}", self.feed, self.count, self.titles.join("; "))
    }

    /// The terminal's notification (OSC 9) of [`News::line`]: nothing in it
    /// is a control character.
    pub fn osc9(&self) -> String {
        format!("\x1b]9;{}\x07", sanitize::truncate_chars(&sanitize::one_line(&self.line()), 200))
    }

    /// Runs `template` with `{feed}`, `{count}` and `{titles}` (one per
    /// line), no shell; why it failed, in one line.
    pub fn run(&self, template: &Template) -> Result<(), NotifyError> {
        let count = self.count.to_string();
        let titles = self.titles.join("\n");
        let argv = template.argv(&[("feed", &self.feed), ("count", &count), ("titles", &titles)]);
        let Some((program, args)) = argv.split_first() else { return Ok(()) };
        let status = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| NotifyError::CannotRun(program.clone(), e.to_string()))?;
        if status.success() {
            Ok(())
        } else {
            Err(NotifyError::Failed {
                program: program.clone(),
                how: status.code().map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}")),
            })
        }
    }
}

/// Why a notification command failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    #[error("cannot run {0}: {1}")]
    CannotRun(String, String),
    #[error("{program} failed ({how})")]
    Failed { program: String, how: String },
}
