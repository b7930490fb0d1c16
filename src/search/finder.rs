//! Finding a term's text in a field: a phrase or exact term as a
//! substring (case-insensitive through [`AsciiFinder`]'s rarest letter),
//! a word term's best tier.

use super::{Term, tiers};

/// Case-insensitive search for a lower-case ASCII needle: memchr (SIMD) for
/// its rarest letter in either case, then a comparison around each hit. In
/// English text that letter is met a few times less often than the first.
pub(super) struct AsciiFinder {
    pub(super) needle: Vec<u8>,
    /// Where the rarest byte stands in the needle.
    pub(super) at: usize,
}

impl AsciiFinder {
    pub(super) fn new(needle: &[u8]) -> AsciiFinder {
        // Letters from common to rare; anything else is rarer still.
        const COMMON: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
        let rank = |b: u8| COMMON.iter().position(|&c| c == b).unwrap_or(COMMON.len());
        let at = (0..needle.len()).max_by_key(|&i| (rank(needle[i]), std::cmp::Reverse(i))).unwrap_or(0);
        AsciiFinder { needle: needle.to_vec(), at }
    }

    /// The first start of the needle in `hay` at or after `from`.
    pub(super) fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        let n = self.needle.len();
        let b = self.needle[self.at];
        let mut pos = from + self.at;
        while pos < hay.len() {
            let i = if b.is_ascii_lowercase() {
                memchr::memchr2(b, b.to_ascii_uppercase(), &hay[pos..])?
            } else {
                memchr::memchr(b, &hay[pos..])?
            };
            let start = pos + i - self.at;
            if start + n <= hay.len() && hay[start..start + n].eq_ignore_ascii_case(&self.needle) {
                return Some(start);
            }
            pos += i + 1;
        }
        None
    }
}

/// Finds a term's text in long text (summary, tldr) without lower-casing it.
pub(super) enum Finder {
    /// ASCII, case-insensitive: anchored on the term's rarest letter.
    Ascii(AsciiFinder),
    /// Case-sensitive: memchr's SIMD substring search.
    Exact(Box<memchr::memmem::Finder<'static>>),
    /// Non-ASCII and case-insensitive: lower-case, then search.
    Lower(String),
}

impl Finder {
    pub(super) fn new(t: &Term) -> Finder {
        if t.case_sensitive {
            return Finder::Exact(Box::new(memchr::memmem::Finder::new(t.text.as_bytes()).into_owned()));
        }
        if t.text.is_ascii() && !t.text.is_empty() {
            return Finder::Ascii(AsciiFinder::new(t.text.as_bytes()));
        }
        Finder::Lower(t.text.clone())
    }
    /// Tier 1 (a whole word) or 2 (a word's start) of the text in `hay`.
    pub(super) fn best_tier(&self, hay: &str, text: &str) -> Option<tiers::Tier> {
        // Most long texts do not hold the term at all: the plain search
        // (SIMD) says so before any occurrence is looked at.
        if !self.is_in(hay) {
            return None;
        }
        let at_word = |h: &str, s: usize, e: usize| -> Option<tiers::Tier> {
            let before = h[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = h[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            before.then_some(if after { tiers::Tier::Word } else { tiers::Tier::Prefix })
        };
        let mut best: Option<tiers::Tier> = None;
        let mut take = |t: Option<tiers::Tier>| {
            if let Some(t) = t
                && best.is_none_or(|b| t < b)
            {
                best = Some(t);
            }
            best == Some(tiers::Tier::Word)
        };
        match self {
            Finder::Ascii(f) => {
                let mut from = 0;
                while let Some(s) = f.find(hay.as_bytes(), from) {
                    if take(at_word(hay, s, s + text.len())) {
                        break;
                    }
                    from = s + 1;
                }
            }
            Finder::Exact(f) => {
                for s in f.find_iter(hay.as_bytes()) {
                    if take(at_word(hay, s, s + text.len())) {
                        break;
                    }
                }
            }
            Finder::Lower(t) => {
                let lower = hay.to_lowercase();
                let mut from = 0;
                while let Some(i) = lower[from..].find(t.as_str()) {
                    let s = from + i;
                    if take(at_word(&lower, s, s + t.len())) {
                        break;
                    }
                    from = s + t.len().max(1);
                    while from < lower.len() && !lower.is_char_boundary(from) {
                        from += 1;
                    }
                }
            }
        }
        best
    }

    pub(super) fn is_in(&self, hay: &str) -> bool {
        match self {
            Finder::Ascii(f) => f.find(hay.as_bytes(), 0).is_some(),
            Finder::Exact(f) => f.find(hay.as_bytes()).is_some(),
            Finder::Lower(t) => hay.to_lowercase().contains(t.as_str()),
        }
    }
}

/// Byte offset of the term's text in `hay`, honouring its case mode.
pub(super) fn find(hay: &str, t: &Term) -> Option<usize> {
    if t.case_sensitive {
        return hay.find(&t.text);
    }
    if t.text.is_ascii() {
        let n = t.text.as_bytes();
        let h = hay.as_bytes();
        if n.is_empty() {
            return Some(0);
        }
        return h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n));
    }
    // Lower-casing can change lengths outside ASCII; map back by characters.
    let lower = hay.to_lowercase();
    let at = lower.find(&t.text)?;
    let nth = lower[..at].chars().count();
    hay.char_indices().nth(nth).map(|(i, _)| i)
}
