//! Links inside a post: `f` (open) and `F` (copy) number the links of the
//! post's body, or of the article in reader mode, as the pane shows them
//! (`[1]`, `[2]`, ...); typing a number takes that link, through the same
//! URL rules as `o`.

use super::keys::Mode;
use super::reader::ArticleState;
use super::{App, Effect};
use crate::text::{markdown, sanitize};

/// A link hint waiting for its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hint {
    /// Copy the link (else open it).
    pub(super) copy: bool,
    /// The digits typed so far.
    pub(super) typed: String,
    /// The links, in the order the pane numbers them.
    pub(super) links: Vec<String>,
}

impl App {
    /// The links of what the pane shows: the article's in reader mode,
    /// else the post's body's.
    fn links_in_view(&self) -> Vec<String> {
        let Some(post) = self.current() else { return Vec::new() };
        match &self.view.article {
            Some(ArticleState::Ready { article, .. }) => markdown::links(&article.markdown),
            Some(_) => Vec::new(),
            None => markdown::links(self.body_of(post)),
        }
    }

    /// `f` / `F`: asks for a link's number (one link is taken at once).
    pub(super) fn start_hint(&mut self, copy: bool) -> Option<Effect> {
        let links = self.links_in_view();
        match links.len() {
            0 => {
                self.say("no links inside this post (o opens its page)".into(), false);
                None
            }
            1 => self.take_link(&links[0], copy),
            n => {
                self.view.hint = Some(Hint { copy, typed: String::new(), links });
                self.view.mode = Mode::Hint;
                self.say(self.hint_prompt(n), false);
                None
            }
        }
    }

    fn hint_prompt(&self, n: usize) -> String {
        let Some(h) = &self.view.hint else { return String::new() };
        let verb = if h.copy { "copy" } else { "open" };
        let hosts: Vec<String> = h
            .links
            .iter()
            .take(9)
            .enumerate()
            .map(|(i, u)| {
                let host = url::Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string));
                format!("{} {}", i + 1, sanitize::one_line(&host.unwrap_or_else(|| u.clone())))
            })
            .collect();
        format!("{verb} link 1-{n}: {}▏ (Enter takes it, Esc cancels)  {}", h.typed, hosts.join(" · "))
    }

    /// A digit of the link's number: taken as soon as no other link's
    /// number starts with what is typed.
    pub(super) fn hint_digit(&mut self, c: char) -> Option<Effect> {
        let h = self.view.hint.as_mut()?;
        h.typed.push(c);
        let n = h.links.len();
        let typed: usize = h.typed.parse().unwrap_or(0);
        if typed == 0 || typed > n {
            return self.end_hint(false);
        }
        if typed * 10 > n {
            return self.end_hint(true);
        }
        self.say(self.hint_prompt(n), false);
        None
    }

    /// Enter takes the number typed; anything else cancels.
    pub(super) fn end_hint(&mut self, take: bool) -> Option<Effect> {
        self.view.mode = Mode::List;
        let h = self.view.hint.take()?;
        let chosen =
            h.typed.parse::<usize>().ok().and_then(|i| i.checked_sub(1)).and_then(|i| h.links.get(i));
        match (take, chosen) {
            (true, Some(url)) => self.take_link(&url.clone(), h.copy),
            (true, None) => {
                self.say(format!("no link {} (1-{})", h.typed, h.links.len()), true);
                None
            }
            (false, _) => {
                self.view.message = None;
                None
            }
        }
    }

    /// Opens or copies `url`, when it is one the browser may be given.
    fn take_link(&mut self, url: &str, copy: bool) -> Option<Effect> {
        match sanitize::safe_url(url) {
            Ok(safe) if copy => Some(Effect::Copy(safe)),
            Ok(safe) => Some(Effect::Open(safe)),
            Err(why) => {
                self.say(why.to_string(), true);
                None
            }
        }
    }
}
