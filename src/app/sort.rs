//! The order of the list when the query does not rank by score.

use super::App;
use crate::post::Post;

/// The orders `s` cycles through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Title,
    Source,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Newest => Sort::Oldest,
            Sort::Oldest => Sort::Title,
            Sort::Title => Sort::Source,
            Sort::Source => Sort::Newest,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "newest first",
            Sort::Oldest => "oldest first",
            Sort::Title => "by title",
            Sort::Source => "by source",
        }
    }

    /// Each post's position in this order (`posts` is newest first).
    pub(super) fn ranks(self, posts: &[Post]) -> Vec<u32> {
        let mut order: Vec<usize> = (0..posts.len()).collect();
        match self {
            Sort::Newest => {}
            // Oldest dated first; undated posts stay last.
            Sort::Oldest => order.sort_by_key(|&i| (posts[i].timestamp().is_none(), posts[i].timestamp())),
            Sort::Title => order.sort_by_cached_key(|&i| (posts[i].title.to_lowercase(), i)),
            Sort::Source => {
                order.sort_by_cached_key(|&i| (posts[i].source.is_empty(), posts[i].source.to_lowercase(), i))
            }
        }
        let mut ranks = vec![0u32; posts.len()];
        for (rank, &i) in order.iter().enumerate() {
            ranks[i] = rank as u32;
        }
        ranks
    }
}

impl App {
    /// Sets the order (as the configuration asks).
    pub(super) fn set_sort(&mut self, sort: Sort) {
        self.filter.sort = sort;
        self.filter.sort_ranks = if sort == Sort::Newest { Vec::new() } else { sort.ranks(&self.feed.posts) };
        self.forget_query();
        self.refilter();
        self.refresh_detail();
    }

    pub(super) fn cycle_sort(&mut self) {
        let keep = self.current().map(|p| p.path.clone());
        self.filter.sort = self.filter.sort.next();
        self.filter.sort_ranks = if self.filter.sort == Sort::Newest {
            Vec::new()
        } else {
            self.filter.sort.ranks(&self.feed.posts)
        };
        self.refilter();
        // Stay on the same post.
        if let Some(i) =
            keep.and_then(|k| self.view.matches.iter().position(|m| self.feed.posts[m.idx].path == k))
        {
            self.select(i);
        }
        self.say(format!("sorted {}", self.filter.sort.label()), false);
    }
}
