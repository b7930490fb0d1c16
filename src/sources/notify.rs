//! Told when news came (`notify`): after a sync that brought posts (not a
//! feed's first), a command template (`notify-send {feed} {titles}`) or the
//! terminal's own notification (OSC 9) gets the count and the first few
//! titles. Nothing when nothing came.

use super::newness::Report;
use crate::search::mute::Rule;
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
    /// nothing. The posts a mute rule in force hides (`mutes`) are not
    /// counted: a sync that brought only those tells nothing.
    pub fn of(report: &Report, content: &Path, mutes: &[Rule]) -> Option<News> {
        if report.first || report.busy || report.unchanged || report.state.added.is_empty() {
            return None;
        }
        // A file that does not parse is news all the same (without a title).
        let posts: Vec<Option<crate::post::Post>> = report
            .state
            .added
            .iter()
            .map(|rel| {
                let path = content.join(rel);
                let bytes = std::fs::read(&path).ok()?;
                crate::feed::parse_bytes(&path, &bytes).ok().map(|(post, _)| post)
            })
            .collect();
        let parsed: Vec<crate::post::Post> = posts.iter().flatten().cloned().collect();
        let rules = crate::search::mute::active(mutes, crate::clock::now());
        let index = crate::search::Index::new(&parsed);
        let muted = crate::search::mute::muted(&rules, &crate::search::Matcher::default(), &parsed, &index);
        let mut kept: Vec<Option<&crate::post::Post>> = Vec::new();
        let mut next = 0;
        for p in &posts {
            if p.is_none() {
                kept.push(None);
                continue;
            }
            if !muted.get(next).copied().unwrap_or(false) {
                kept.push(parsed.get(next));
            }
            next += 1;
        }
        if kept.is_empty() {
            return None;
        }
        let titles = kept
            .iter()
            .flatten()
            .map(|p| sanitize::one_line(&p.title))
            .filter(|t| !t.is_empty())
            .take(TITLES)
            .collect();
        Some(News { feed: report.name.clone(), count: kept.len(), titles })
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
