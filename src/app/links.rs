//! Links inside a post: `f` (open) and `F` (copy) number the links of the
//! post's body, or of the article in reader mode, as the pane shows them
//! (`[1]`, `[2]`, ...); typing a number takes that link, through the same
//! URL rules as `o`. The same prompt picks a `[share]` target (`>`); `|`
//! sends the post to `pipe`.

use super::keys::Mode;
use super::reader::ArticleState;
use super::{App, Effect, Shared};
use crate::text::{markdown, sanitize};

/// What a number typed at the prompt picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HintFor {
    OpenLink,
    CopyLink,
    Share,
    /// What to mute (`M`), or a rule to lift.
    Mute,
    /// For how long.
    MuteFor,
}

/// A prompt waiting for a number: a link inside the post, or a `[share]`
/// target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hint {
    pub(super) what: HintFor,
    /// The digits typed so far.
    pub(super) typed: String,
    /// The links, in the order the pane numbers them; or the targets.
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

    /// `f` / `F` / `>`: asks for a link's or a target's number (one is
    /// taken at once).
    pub(super) fn start_hint(&mut self, what: HintFor) -> Option<Effect> {
        let links = match what {
            HintFor::Share => self.settings.share.clone(),
            _ => self.links_in_view(),
        };
        match links.len() {
            0 if what == HintFor::Share => {
                self.say("no [share] targets in the config file".into(), true);
                None
            }
            0 => {
                self.say("no links inside this post (o opens its page)".into(), false);
                None
            }
            1 => self.take(what, 0, &links[0]),
            n => {
                self.view.hint = Some(Hint { what, typed: String::new(), links });
                self.view.mode = Mode::Hint;
                self.say(self.hint_prompt(n), false);
                None
            }
        }
    }

    pub(super) fn hint_prompt(&self, n: usize) -> String {
        let Some(h) = &self.view.hint else { return String::new() };
        let verb = match h.what {
            HintFor::OpenLink => "open link",
            HintFor::CopyLink => "copy link",
            HintFor::Share => "share to",
            HintFor::Mute => "mute",
            HintFor::MuteFor => "mute for",
        };
        let hosts: Vec<String> = h
            .links
            .iter()
            .take(9)
            .enumerate()
            .map(|(i, u)| {
                let host = url::Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string));
                let named = matches!(h.what, HintFor::Share | HintFor::Mute | HintFor::MuteFor);
                let host = if named { None } else { host };
                format!("{} {}", i + 1, sanitize::one_line(&host.unwrap_or_else(|| u.clone())))
            })
            .collect();
        if matches!(h.what, HintFor::Mute | HintFor::MuteFor) {
            // The choices first: they are what a narrow status bar must show.
            return format!("{verb}: {}  (1-{n}, Esc cancels) {}▏", hosts.join(" · "), h.typed);
        }
        format!("{verb} 1-{n}: {}▏ (Enter takes it, Esc cancels)  {}", h.typed, hosts.join(" · "))
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
        let i = h.typed.parse::<usize>().ok().and_then(|i| i.checked_sub(1));
        match (take, i.and_then(|i| h.links.get(i).map(|l| (i, l)))) {
            (true, Some((i, link))) => self.take(h.what, i, &link.clone()),
            (true, None) => {
                self.say(format!("no {} (1-{})", h.typed, h.links.len()), true);
                None
            }
            (false, _) => {
                self.view.message = None;
                None
            }
        }
    }

    /// Opens or copies link `url`, when it is one the browser may be
    /// given; or shares the post to target `i`.
    fn take(&mut self, what: HintFor, i: usize, url: &str) -> Option<Effect> {
        if matches!(what, HintFor::Mute | HintFor::MuteFor) {
            return self.take_mute(what, i);
        }
        if what == HintFor::Share {
            let posts =
                if self.marks.picked.is_empty() { vec![self.shared()?] } else { self.picked_shared() };
            let n = posts.len();
            self.say(format!("sharing {n} post{} to {url}…", if n == 1 { "" } else { "s" }), false);
            return Some(Effect::Share { target: i, posts });
        }
        match sanitize::safe_url(url) {
            Ok(safe) if what == HintFor::CopyLink => Some(Effect::Copy(safe)),
            Ok(safe) => Some(Effect::Open(safe)),
            Err(why) => {
                self.say(why.to_string(), true);
                None
            }
        }
    }
}

impl App {
    /// The selected post as a share target or `pipe` gets it.
    fn shared(&mut self) -> Option<Shared> {
        let Some(post) = self.current() else {
            self.say("no post is selected".into(), true);
            return None;
        };
        let article = match &self.view.article {
            Some(ArticleState::Ready { article, .. }) => {
                Some(format!("# {}\n\n<{}>\n\n{}\n", article.title, article.final_url, article.markdown))
            }
            _ => None,
        };
        Some(Shared::of(post, article))
    }

    /// A share target or the pipe ended: said in the status bar.
    pub(super) fn ran(&mut self, what: &str, result: Result<(), super::HostError>) {
        match result {
            Ok(()) => self.say(format!("{}: done", sanitize::one_line(what)), false),
            Err(e) => self
                .say(format!("{}: {}", sanitize::one_line(what), sanitize::one_line(&e.to_string())), true),
        }
    }

    /// `|`: sends the post (its file, or the article in reader mode) to
    /// `pipe` on its standard input.
    pub(super) fn pipe(&mut self) -> Option<Effect> {
        if !self.settings.pipe {
            self.say("no pipe = \"COMMAND\" in the config file".into(), true);
            return None;
        }
        let posts = if self.marks.picked.is_empty() { vec![self.shared()?] } else { self.picked_shared() };
        self.say("piping…".into(), false);
        Some(Effect::Pipe(posts))
    }
}
