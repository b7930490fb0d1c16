//! The boxes over the panes: the tag picker, the problem list, help.

use super::App;
use crate::app::keys::{self, Mode};
use crate::ui::layout;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use ratatui::layout::Rect;

impl App {
    pub(super) fn refilter_tags(&mut self) {
        let pattern = self.tag_input.trim();
        if pattern.is_empty() {
            self.tag_matches = (0..self.tags.len()).collect();
        } else {
            let skim = SkimMatcherV2::default().smart_case();
            let mut scored: Vec<(i64, usize)> = self
                .tags
                .iter()
                .enumerate()
                .filter_map(|(i, (t, _))| skim.fuzzy_match(t, pattern).map(|s| (s, i)))
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.tag_matches = scored.into_iter().map(|(_, i)| i).collect();
        }
        self.tag_selected = 0;
    }

    pub(super) fn tag_select(&mut self, i: usize) {
        self.tag_selected = i.min(self.tag_matches.len().saturating_sub(1));
    }

    pub(super) fn pick_tag(&mut self) {
        let Some((tag, _)) = self.tag_matches.get(self.tag_selected).and_then(|&i| self.tags.get(i)) else {
            self.mode = Mode::List;
            return;
        };
        let term = format!("#\"{tag}\"");
        if !self.query_text.is_empty() && !self.query_text.ends_with(' ') {
            self.query_text.push(' ');
        }
        self.query_text.push_str(&term);
        self.mode = Mode::List;
        self.refilter();
    }

    /// How many lines the help can scroll at the current size (0 when it fits).
    pub fn help_overflow(&self) -> usize {
        let (left, right) = self.keymap.help_sections();
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        layout::help_box(area, keys::column_lines(&left), keys::column_lines(&right)).overflow
    }
}
