//! The boxes over the panes: the tag picker, the problem list, help.

use super::App;
use crate::app::keys::{self, Mode};
use crate::ui::layout;
use fuzzy_matcher::skim::SkimMatcherV2;
use ratatui::layout::Rect;

impl App {
    pub(super) fn refilter_tags(&mut self) {
        let pattern = self.pickers.tag_input.trim();
        if pattern.is_empty() {
            self.pickers.tag_matches = (0..self.pickers.tags.len()).collect();
        } else {
            // The query language's own `#tag` term: whole word, word start,
            // one typo; never letters scattered through a tag.
            let term = crate::search::Query::parse(&format!("#{pattern}"));
            let Some(t) = term.terms.first() else { return };
            let skim = SkimMatcherV2::default().respect_case();
            let mut scored: Vec<(crate::search::tiers::Tier, usize)> = self
                .pickers
                .tags
                .iter()
                .enumerate()
                .filter_map(|(i, (tag, _))| {
                    let hay = if t.case_sensitive { tag.clone() } else { tag.to_lowercase() };
                    crate::search::tiers::best(&hay, &t.text, false, &skim).map(|h| (h.tier, i))
                })
                .collect();
            // Best tier first; within it, the tags' order (most used first).
            scored.sort();
            self.pickers.tag_matches = scored.into_iter().map(|(_, i)| i).collect();
        }
        self.pickers.tag_selected = 0;
    }

    pub(super) fn tag_select(&mut self, i: usize) {
        self.pickers.tag_selected = i.min(self.pickers.tag_matches.len().saturating_sub(1));
    }

    pub(super) fn pick_tag(&mut self) {
        let Some((tag, _)) =
            self.pickers.tag_matches.get(self.pickers.tag_selected).and_then(|&i| self.pickers.tags.get(i))
        else {
            self.view.mode = Mode::List;
            return;
        };
        let term = format!("#\"{tag}\"");
        // Counted in the whole feed: the tag is looked for there, so the
        // list shows what the picker counted.
        if self.pickers.facets_whole && !self.view_is_whole() {
            self.filter.query_text.clear();
            self.view.section = None;
        }
        if !self.filter.query_text.is_empty() && !self.filter.query_text.ends_with(' ') {
            self.filter.query_text.push(' ');
        }
        self.filter.query_text.push_str(&term);
        self.view.mode = Mode::List;
        self.refilter();
    }

    /// How many lines the help can scroll at the current size (0 when it fits).
    pub fn help_overflow(&self) -> usize {
        let (left, right) = self.settings.keymap.help_sections();
        let area = Rect::new(0, 0, self.view.size.0, self.view.size.1);
        layout::help_box(area, keys::column_lines(&left), keys::column_lines(&right)).overflow
    }
}
