//! The mute rules `list` and `fetch` apply (`search::mute`).

use super::Context;
use crate::search::Query;

/// The mute rules in force, and whether their posts are left out (not
/// `--muted`).
#[derive(Debug, Default)]
pub(super) struct Muting {
    pub(super) rules: Vec<crate::search::mute::Rule>,
    pub(super) hide: bool,
}

impl Muting {
    /// The config's rules and those made by key, in force now; a line of
    /// the latter that cannot be read is a warning.
    pub(super) fn new(cx: &Context, hide: bool) -> Muting {
        let (rules, problems) = crate::store::mutes::with_config(&cx.config.mute);
        for p in problems {
            eprintln!("linkfeed: warning: mute rules: {p}");
        }
        let now = crate::clock::now();
        let rules = crate::search::mute::active(&rules, now).into_iter().cloned().collect();
        Muting { rules, hide }
    }

    /// Whether the posts' mute bits are needed: to leave them out, or for
    /// `is:muted`.
    pub(super) fn applies(&self, q: &Query) -> bool {
        !self.rules.is_empty() && (self.hide || crate::search::mute::names_muted(q))
    }
}
