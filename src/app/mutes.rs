//! Mute rules in the reader (`search::mute`): the posts a rule in force
//! matches leave the list, the counts, the views and the pickers (`is:muted`
//! shows them). `M` mutes the selected post's source, a tag or the query
//! in the filter box, for a day, a week, a month or for good, or lifts a
//! rule made so; the host keeps it (`store::mutes`).

use super::keys::Mode;
use super::links::{Hint, HintFor};
use super::{App, Effect};
use crate::search::mute::{self, MUTED, Rule};
use crate::text::sanitize;

/// What a number at the mute prompt stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Choice {
    /// Mute what this query lists.
    Mute(String),
    /// Lift the rule made by key for this query.
    Lift(String),
}

/// How long a rule made by key lasts: as the prompt names it, and in days
/// (`None`: for good). A day is through tomorrow's date, so a mute made at
/// night still holds the next morning.
const LASTS: &[(&str, Option<i64>)] =
    &[("a day", Some(1)), ("a week", Some(7)), ("a month", Some(30)), ("for good", None)];

impl App {
    /// Works out again which posts the rules in force today mute, and tells
    /// the marks (the `MUTED` bits, the unread count) and the counts (the
    /// sections', the tag picker's). The rules' own `is:` terms read the
    /// marks without mute bits.
    pub(super) fn apply_mutes(&mut self) {
        let had = self.marks.muted_count > 0;
        let now = self.feed.clock;
        self.marks.mute_day = mute::today(now);
        let any = !self.feed.posts.is_empty() && !mute::active(&self.settings.mutes, now).is_empty();
        if any {
            for m in &mut self.filter.matcher.marks {
                *m &= !MUTED;
            }
            self.ensure_index();
        }
        self.marks.muted = match (any, self.filter.index.as_ref()) {
            (true, Some(index)) => {
                let rules = mute::active(&self.settings.mutes, now);
                mute::muted(&rules, &self.filter.matcher, &self.feed.posts, index)
            }
            _ => Vec::new(),
        };
        self.marks.muted_count = self.marks.muted.iter().filter(|&&b| b).count();
        if had || self.marks.muted_count > 0 {
            self.marks_changed();
            self.pickers.tags_stale = true;
        }
        self.count_sections();
    }

    /// The posts' text came (or the word index of it): rules on words of
    /// the summary apply to it now.
    pub(super) fn mutes_see_the_text(&mut self) {
        if !self.settings.mutes.is_empty() {
            self.apply_mutes();
        }
    }

    /// Whether a post is muted (by its index).
    pub(super) fn muted_at(&self, idx: usize) -> bool {
        self.marks.muted.get(idx).copied().unwrap_or(false)
    }

    /// The rules apply anew when the day turns and one of them ends.
    pub(super) fn mutes_follow_the_day(&mut self) {
        if self.settings.mutes.iter().any(|r| r.until.is_some())
            && mute::today(self.feed.clock) != self.marks.mute_day
        {
            self.apply_mutes();
            self.refilter_keeping();
        }
    }

    /// `M`: the prompt of what to mute (the post's tags, its source, the
    /// query in the filter box) and of the rules made by key to lift.
    pub(super) fn start_mute(&mut self) -> Option<Effect> {
        let mut choices = Vec::new();
        // The source first: the one a narrow status bar always shows.
        if let Some(p) = self.current() {
            choices.extend(scoped("source:", &p.source).map(Choice::Mute));
            for t in p.tags.iter() {
                choices.extend(scoped("#", t).map(Choice::Mute));
            }
        }
        let query = self.filter.query_text.trim();
        if !query.is_empty() && !mute::names_muted(&self.filter.query) {
            choices.push(Choice::Mute(query.to_string()));
        }
        choices
            .extend(self.settings.mutes.iter().filter(|r| r.by_key).map(|r| Choice::Lift(r.query.clone())));
        choices.dedup();
        if choices.is_empty() {
            self.say("nothing to mute: no post is selected and the filter is empty".into(), true);
            return None;
        }
        let shown = choices
            .iter()
            .map(|c| match c {
                Choice::Mute(q) => q.clone(),
                Choice::Lift(q) => format!("unmute {q}"),
            })
            .collect();
        self.view.mute_choices = choices;
        self.ask(HintFor::Mute, shown);
        None
    }

    fn ask(&mut self, what: HintFor, links: Vec<String>) {
        let n = links.len();
        self.view.hint = Some(Hint { what, typed: String::new(), links });
        self.view.mode = Mode::Hint;
        self.say(self.hint_prompt(n), false);
    }

    /// A number at the mute prompt: what to mute (then for how long), or
    /// how long; or the rule to lift.
    pub(super) fn take_mute(&mut self, what: HintFor, i: usize) -> Option<Effect> {
        let choice = self.view.mute_choices.get(if what == HintFor::MuteFor { 0 } else { i })?.clone();
        match (what, choice) {
            (HintFor::Mute, Choice::Mute(q)) => {
                self.view.mute_choices = vec![Choice::Mute(q)];
                self.ask(HintFor::MuteFor, LASTS.iter().map(|(name, _)| name.to_string()).collect());
                None
            }
            (HintFor::MuteFor, Choice::Mute(q)) => {
                let days = LASTS.get(i).and_then(|(_, d)| *d);
                let until = days.map(|d| mute::today(self.feed.clock + d * 86_400));
                self.view.mute_choices.clear();
                self.settings.mutes.retain(|r| !(r.by_key && r.query == q));
                self.settings.mutes.push(Rule {
                    name: q.clone(),
                    query: q.clone(),
                    until: until.clone(),
                    by_key: true,
                });
                self.apply_mutes();
                self.refilter_keeping();
                let through = until.as_deref().map_or("for good".to_string(), |u| format!("through {u}"));
                self.say(
                    format!(
                        "muted {} {through}: {} posts hidden (M lifts it)",
                        sanitize::one_line(&q),
                        self.marks.muted_count
                    ),
                    false,
                );
                Some(Effect::SaveMute { query: q, until, on: true })
            }
            (_, Choice::Lift(q)) => {
                self.view.mute_choices.clear();
                self.settings.mutes.retain(|r| !(r.by_key && r.query == q));
                self.apply_mutes();
                self.refilter_keeping();
                self.say(format!("unmuted {}", sanitize::one_line(&q)), false);
                Some(Effect::SaveMute { query: q, until: None, on: false })
            }
            _ => None,
        }
    }
}

/// `#tag` or `source:name` as a query term, quoted when it holds a space
/// (`#"tag"` is the tag exactly; `source:"name"` the name as a phrase).
/// `None` when it cannot be written as one (empty, or holding a quote).
fn scoped(prefix: &str, value: &str) -> Option<String> {
    let v = sanitize::one_line(value);
    let v = v.trim();
    if v.is_empty() || v.contains('"') {
        return None;
    }
    Some(if prefix == "#" || v.contains(char::is_whitespace) {
        format!("{prefix}\"{v}\"")
    } else {
        format!("{prefix}{v}")
    })
}
