//! A post's Markdown body as lines for the detail pane, wrapped to a width.
//!
//! Parsed with pulldown-cmark. Headings, emphasis, lists, quotes and tables
//! keep their shape as plain text with a style per run; a link shows its text
//! and a numbered reference (`[1]`), and the addresses are listed at the end:
//! nothing becomes an escape sequence. Fenced code is kept verbatim, indented.
//! Hugo shortcodes (`{{< ... >}}`, `{{% ... %}}`) are removed; raw HTML is
//! reduced to its text, entities decoded. The body comes as written: mojibake
//! is repaired here, and every character that reaches a line has passed
//! [`sanitize::visible`].
//!
//! Why one file of ~690 lines: ~600 of code and tests; the renderer is one
//! state machine over pulldown-cmark's events (lists, quotes, tables, links
//! and their references share its state), and cutting it would scatter that
//! state over files. Raw HTML's text is `text::html`'s.

use super::sanitize;
use super::wrap::{expand_tabs, hard_wrap, wrap};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

/// How a run of text is drawn; the widget maps each to a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Plain,
    Heading,
    Strong,
    Emphasis,
    /// Inline code.
    Code,
    /// A line of a code block.
    CodeBlock,
    /// A link's text, and the addresses listed at the end.
    Link,
    /// Quote bars, list markers' indent, references, rules, images.
    Muted,
}

/// One line of rendered text: runs of text, each with its ink.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub spans: Vec<(String, Ink)>,
}

/// `cell` in exactly `width` columns: padded, or cut with `…`.
fn fit_cell(cell: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let cut = super::wrap::ellipsize(cell, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

impl Line {
    /// The line's text without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|(t, _)| t.as_str()).collect()
    }

    fn plain(text: String, ink: Ink) -> Line {
        Line { spans: vec![(text, ink)] }
    }
}

/// Bodies longer than this are rendered up to here, with a note: a megabyte
/// body costs no more than this to show.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The lines of `md` at `width` columns.
pub fn render(md: &str, width: usize) -> Vec<Line> {
    let (r, cut) = parsed(md, width);
    r.finish(cut)
}

/// The addresses [`render`] numbers in `md`, in their order (`[1]` first):
/// what a link hint opens.
pub fn links(md: &str) -> Vec<String> {
    parsed(md, 80).0.links
}

/// `md` through the renderer, not finished yet; how many bytes of it were
/// cut off.
fn parsed(md: &str, width: usize) -> (Renderer, usize) {
    let width = width.max(4);
    let (md, cut) = match md.len() > MAX_BODY_BYTES {
        true => {
            let mut end = MAX_BODY_BYTES;
            while !md.is_char_boundary(end) {
                end -= 1;
            }
            (&md[..end], md.len() - end)
        }
        false => (md, 0),
    };
    // CRLF and CR as LF; mojibake repaired. Controls are made visible as
    // each character is placed.
    let md = sanitize::repair_mojibake(md);
    let safe = match sanitize::emoji_safe(&md) {
        Cow::Owned(o) => Some(o),
        Cow::Borrowed(_) => None,
    };
    let md: Cow<'_, str> = safe.map_or(md, Cow::Owned);
    let md: Cow<'_, str> =
        if md.contains('\r') { Cow::Owned(md.replace("\r\n", "\n").replace('\r', "\n")) } else { md };
    let md = strip_shortcodes(&md);
    let mut r = Renderer::new(width);
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for ev in Parser::new_ext(&md, opts) {
        r.event(ev);
    }
    (r, cut)
}

/// The body without Hugo shortcodes: `{{< name args >}}` and `{{% ... %}}`
/// tags go; what stands between an opening and a closing tag stays.
pub fn strip_shortcodes(md: &str) -> Cow<'_, str> {
    if !md.contains("{{<") && !md.contains("{{%") {
        return Cow::Borrowed(md);
    }
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    loop {
        let open = [rest.find("{{<").map(|i| (i, ">}}")), rest.find("{{%").map(|i| (i, "%}}"))]
            .into_iter()
            .flatten()
            .min_by_key(|(i, _)| *i);
        let Some((i, close)) = open else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i]);
        match rest[i + 3..].find(close) {
            Some(j) => rest = &rest[i + 3 + j + 3..],
            // Never closed: the rest is not a shortcode; keep it as text.
            None => {
                out.push_str(&rest[i..]);
                break;
            }
        }
    }
    Cow::Owned(out)
}

/// Where a list stands: the next number of an ordered list.
struct List {
    next: Option<u64>,
}

struct Renderer {
    width: usize,
    out: Vec<Line>,
    /// The block being gathered: its runs.
    spans: Vec<(String, Ink)>,
    inks: Vec<Ink>,
    lists: Vec<List>,
    /// The marker the next block of a list item starts with (`• `, `2. `).
    marker: Option<String>,
    quote: usize,
    in_code: bool,
    code: String,
    html: String,
    links: Vec<String>,
    /// Destinations of the links being read, and where their text starts:
    /// (the span, the byte in it).
    open_links: Vec<(String, (usize, usize))>,
    /// Each listed address's reference number.
    link_numbers: std::collections::HashMap<String, usize>,
    /// A table row being read: its finished cells.
    cells: Vec<String>,
    /// The rows of the table being read (is it the head, its cells).
    rows: Vec<(bool, Vec<String>)>,
}

impl Renderer {
    fn new(width: usize) -> Renderer {
        Renderer {
            width,
            out: Vec::new(),
            spans: Vec::new(),
            inks: Vec::new(),
            lists: Vec::new(),
            marker: None,
            quote: 0,
            in_code: false,
            code: String::new(),
            html: String::new(),
            links: Vec::new(),
            open_links: Vec::new(),
            link_numbers: std::collections::HashMap::new(),
            cells: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn ink(&self) -> Ink {
        self.inks.last().copied().unwrap_or(Ink::Plain)
    }

    /// Adds text in the current ink, every character made visible.
    fn push(&mut self, text: &str, ink: Ink) {
        // Plain ASCII with no control character is placed as it is.
        let plain = text.is_ascii() && !text.bytes().any(|b| b < 0x20 || b == 0x7f);
        let clean: Cow<'_, str> = if plain {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(
                text.chars()
                    .map(|c| if c == '\n' || c == '\t' { ' ' } else { sanitize::visible(c) })
                    .collect(),
            )
        };
        match self.spans.last_mut() {
            Some((t, i)) if *i == ink => t.push_str(&clean),
            _ => self.spans.push((clean.into_owned(), ink)),
        }
    }

    /// Where the next text pushed will start: (span, byte in it).
    fn mark(&self) -> (usize, usize) {
        match self.spans.last() {
            Some((t, _)) => (self.spans.len() - 1, t.len()),
            None => (0, 0),
        }
    }

    /// The text pushed since `mark`.
    fn since(&self, (span, at): (usize, usize)) -> String {
        let mut out = String::new();
        for (i, (t, _)) in self.spans.iter().enumerate().skip(span) {
            out.push_str(if i == span { t.get(at..).unwrap_or("") } else { t });
        }
        out
    }

    /// The prefixes of a block's first and following lines: quote bars and
    /// the list's indent and marker.
    fn prefixes(&mut self) -> (String, String) {
        let bars = "│ ".repeat(self.quote);
        let indent = "  ".repeat(self.lists.len().saturating_sub(1));
        match self.marker.take() {
            Some(m) => {
                let pad = " ".repeat(m.width());
                (format!("{bars}{indent}{m}"), format!("{bars}{indent}{pad}"))
            }
            None if !self.lists.is_empty() => {
                let p = format!("{bars}{indent}  ");
                (p.clone(), p)
            }
            None => (bars.clone(), bars),
        }
    }

    /// The table read: columns as wide as their widest cell, narrowed
    /// (widest first) until the table fits the width, cells cut with `…`;
    /// the head in bold over a rule. A table whose columns cannot get three
    /// columns each is written a row a line, cells between `│`.
    fn table(&mut self) {
        use unicode_width::UnicodeWidthStr;
        let rows = std::mem::take(&mut self.rows);
        let n = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        if n == 0 {
            return;
        }
        let mut widths = vec![1usize; n];
        for (_, cells) in &rows {
            for (i, c) in cells.iter().enumerate() {
                widths[i] = widths[i].max(c.width().min(60));
            }
        }
        let room = self.width.saturating_sub(3 * (n - 1));
        if room < 3 * n {
            for (head, cells) in rows {
                self.push(&cells.join(" │ "), if head { Ink::Strong } else { Ink::Plain });
                self.flush();
            }
            self.blank();
            return;
        }
        while widths.iter().sum::<usize>() > room {
            let Some((i, _)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else { break };
            widths[i] -= 1;
        }
        for (head, cells) in &rows {
            let mut spans = Vec::new();
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    spans.push((" │ ".to_string(), Ink::Muted));
                }
                let cell = cells.get(i).map_or("", String::as_str);
                spans.push((fit_cell(cell, *w), if *head { Ink::Strong } else { Ink::Plain }));
            }
            self.out.push(Line { spans });
            if *head {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.out.push(Line::plain(rule.join("─┼─"), Ink::Muted));
            }
        }
        self.blank();
    }

    fn blank(&mut self) {
        if self.out.last().is_some_and(|l| !l.spans.is_empty()) {
            // Inside a quote the blank line keeps its bar.
            let bars = "│ ".repeat(self.quote);
            self.out.push(if bars.is_empty() { Line::default() } else { Line::plain(bars, Ink::Muted) });
        }
    }

    /// Wraps the gathered runs into lines.
    fn flush(&mut self) {
        let spans = std::mem::take(&mut self.spans);
        let text: String = spans.iter().map(|(t, _)| t.as_str()).collect();
        if text.trim().is_empty() {
            return;
        }
        // Where each run ends, to cut the wrapped lines back into runs.
        let mut bounds = Vec::with_capacity(spans.len());
        let mut at = 0;
        for (t, ink) in &spans {
            bounds.push((at, at + t.len(), *ink));
            at += t.len();
        }
        let text = text.trim_end();
        let lead = text.len() - text.trim_start().len();
        let (first, rest) = self.prefixes();
        let room = self.width.saturating_sub(first.width().max(rest.width())).max(1);
        for (n, piece) in wrap(&text[lead..], room).enumerate() {
            let start = piece.as_ptr() as usize - text.as_ptr() as usize;
            let end = start + piece.len();
            let prefix = if n == 0 { &first } else { &rest };
            let mut line = Line::default();
            if !prefix.is_empty() {
                line.spans.push((prefix.clone(), Ink::Muted));
            }
            for &(s, e, ink) in &bounds {
                let (s, e) = (s.max(start), e.min(end));
                if s < e {
                    line.spans.push((text[s..e].to_string(), ink));
                }
            }
            self.out.push(line);
        }
    }

    fn event(&mut self, ev: Event<'_>) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) if self.in_code => self.code.push_str(&t),
            Event::Text(t) => self.push(&t, self.ink()),
            Event::Code(t) => self.push(&t, Ink::Code),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push(&t, Ink::Code),
            Event::Html(h) => self.html.push_str(&h),
            Event::InlineHtml(h) => {
                let tag = h.trim().to_ascii_lowercase();
                if tag.starts_with("<br") {
                    self.push_break();
                }
            }
            Event::FootnoteReference(r) => self.push(&format!("[^{r}]"), Ink::Muted),
            Event::SoftBreak => self.push(" ", self.ink()),
            Event::HardBreak => self.push_break(),
            Event::Rule => {
                self.flush();
                self.blank();
                let w = self.width.min(40);
                self.out.push(Line::plain("─".repeat(w), Ink::Muted));
            }
            Event::TaskListMarker(done) => self.push(if done { "[x] " } else { "[ ] " }, Ink::Muted),
        }
    }

    /// A hard line break: the block goes on, on a new line.
    fn push_break(&mut self) {
        let ink = self.ink();
        match self.spans.last_mut() {
            Some((t, i)) if *i == ink => t.push('\n'),
            _ => self.spans.push(("\n".into(), ink)),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                if self.marker.is_none() {
                    self.blank();
                }
            }
            Tag::Heading { .. } => {
                self.flush();
                self.blank();
                self.inks.push(Ink::Heading);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.blank();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.blank();
                self.in_code = true;
                self.code.clear();
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html.clear();
            }
            Tag::List(first) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(List { next: first });
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(List { next: Some(n) }) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                self.marker = Some(marker);
            }
            Tag::Table(_) => {
                self.flush();
                self.blank();
            }
            Tag::TableHead | Tag::TableRow => self.cells.clear(),
            Tag::TableCell => {}
            Tag::Emphasis => self.inks.push(Ink::Emphasis),
            Tag::Strong => self.inks.push(Ink::Strong),
            Tag::Strikethrough | Tag::Superscript | Tag::Subscript => self.inks.push(self.ink()),
            Tag::Link { dest_url, .. } => {
                self.inks.push(Ink::Link);
                let at = self.mark();
                self.open_links.push((dest_url.to_string(), at));
            }
            Tag::Image { .. } => {
                self.push("[image: ", Ink::Muted);
                self.inks.push(Ink::Muted);
            }
            Tag::FootnoteDefinition(name) => {
                self.flush();
                self.blank();
                self.push(&format!("[^{name}]: "), Ink::Muted);
            }
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => self.flush(),
            Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                self.inks.pop();
                self.flush();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                self.in_code = false;
                let code = std::mem::take(&mut self.code);
                let (first, _) = self.prefixes();
                let prefix = format!("{first}    ");
                let room = self.width.saturating_sub(prefix.width()).max(1);
                for line in code.trim_end_matches('\n').split('\n') {
                    let clean = expand_tabs(line);
                    // Kept verbatim: a line too long for the pane is cut
                    // into pieces, never re-flowed at spaces.
                    for piece in hard_wrap(&clean, room) {
                        self.out.push(Line {
                            spans: vec![(prefix.clone(), Ink::Muted), (piece.to_string(), Ink::CodeBlock)],
                        });
                    }
                }
            }
            TagEnd::HtmlBlock => {
                let text = super::html::text(&std::mem::take(&mut self.html));
                if !text.is_empty() {
                    self.blank();
                    self.push(&text, Ink::Plain);
                    self.flush();
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                self.marker = None;
            }
            TagEnd::Item => {
                self.flush();
                self.marker = None;
            }
            TagEnd::Table => self.table(),
            TagEnd::TableHead | TagEnd::TableRow => {
                let cells = std::mem::take(&mut self.cells);
                self.rows.push((matches!(tag, TagEnd::TableHead), cells));
            }
            TagEnd::TableCell => {
                let text: String = std::mem::take(&mut self.spans).into_iter().map(|(t, _)| t).collect();
                self.cells.push(sanitize::one_line(text.trim()));
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                self.inks.pop();
            }
            TagEnd::Link => {
                self.inks.pop();
                if let Some((url, at)) = self.open_links.pop() {
                    let text = self.since(at);
                    let url = sanitize::one_line(&url);
                    // A bare address needs no reference to itself; nor does
                    // a link within the page.
                    if text.trim() != url && !url.starts_with('#') && !url.is_empty() {
                        let n = match self.link_numbers.get(&url) {
                            Some(&n) => n,
                            None => {
                                self.links.push(url.clone());
                                self.link_numbers.insert(url, self.links.len());
                                self.links.len()
                            }
                        };
                        self.push(&format!("[{n}]"), Ink::Muted);
                    }
                }
            }
            TagEnd::Image => {
                self.inks.pop();
                self.push("]", Ink::Muted);
            }
            TagEnd::FootnoteDefinition => self.flush(),
            TagEnd::DefinitionList | TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition => {
                self.flush()
            }
            TagEnd::MetadataBlock(_) => {}
        }
    }

    fn finish(mut self, cut: usize) -> Vec<Line> {
        self.flush();
        if !self.html.is_empty() {
            let text = super::html::text(&std::mem::take(&mut self.html));
            self.push(&text, Ink::Plain);
            self.flush();
        }
        if cut > 0 {
            self.blank();
            self.out.push(Line::plain(format!("(… {} KiB more not shown)", cut.div_ceil(1024)), Ink::Muted));
        }
        if !self.links.is_empty() {
            self.blank();
            let links = std::mem::take(&mut self.links);
            for (i, url) in links.iter().enumerate() {
                self.spans.push((format!("[{}] ", i + 1), Ink::Muted));
                self.spans.push((url.clone(), Ink::Link));
                self.flush();
            }
        }
        // No blank line at the start or the end.
        while self.out.last().is_some_and(|l| l.spans.is_empty()) {
            self.out.pop();
        }
        let lead = self.out.iter().take_while(|l| l.spans.is_empty()).count();
        self.out.drain(..lead);
        self.out
    }
}

#[cfg(test)]
mod tests;
