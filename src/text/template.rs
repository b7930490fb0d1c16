//! Command templates of the config file (`[share]`, `pipe`, `notify`):
//! `readeck add -- {url}`. A template is split into words once, as a shell
//! would split it (white space, `'...'` and `"..."` quotes, `\` escapes)
//! but with nothing else of a shell: no variables, no `$(...)`, no globs,
//! no pipes. Placeholders are replaced inside each word afterwards, so a
//! value is always part of one argument whatever it holds (spaces, quotes,
//! `$(...)`, a leading `-`): no text of the feed is ever split or read as
//! shell syntax.

/// A template split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub words: Vec<String>,
}

/// How a sync that brought posts says so (`notify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notify {
    /// The terminal's own notification (OSC 9): `notify = "terminal"`.
    Terminal,
    /// A command (`notify-send`, `terminal-notifier`): `{feed}`, `{count}`,
    /// `{titles}` (the first three, one per line).
    Command(Template),
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("is empty: give a command")]
    Empty,
    #[error("has a quote that is not closed")]
    Unclosed,
    #[error("names {{{0}}}, which is not one of {1}")]
    Unknown(String, &'static str),
}

impl Template {
    /// `text` split into words; every `{name}` must be one of `known`
    /// (written for the message: `{url}, {title}, {tags}, {file}`).
    pub fn parse(text: &str, known: &[&str], known_words: &'static str) -> Result<Template, TemplateError> {
        let words = split(text)?;
        if words.is_empty() {
            return Err(TemplateError::Empty);
        }
        for w in &words {
            for name in placeholders(w) {
                if !known.contains(&name) {
                    return Err(TemplateError::Unknown(name.to_string(), known_words));
                }
            }
        }
        Ok(Template { words })
    }

    /// The program and its arguments, each placeholder replaced by its
    /// value (`values`: name, value); a word that is only a placeholder
    /// stays one argument, an empty one when the value is empty.
    pub fn argv(&self, values: &[(&str, &str)]) -> Vec<String> {
        self.words
            .iter()
            .map(|w| {
                let mut out = String::with_capacity(w.len());
                let mut rest = w.as_str();
                while let Some(open) = rest.find('{') {
                    out.push_str(&rest[..open]);
                    let after = &rest[open + 1..];
                    match after.find('}') {
                        Some(close) if values.iter().any(|(n, _)| *n == &after[..close]) => {
                            let name = &after[..close];
                            if let Some((_, v)) = values.iter().find(|(n, _)| *n == name) {
                                out.push_str(v);
                            }
                            rest = &after[close + 1..];
                        }
                        _ => {
                            out.push('{');
                            rest = after;
                        }
                    }
                }
                out.push_str(rest);
                out
            })
            .collect()
    }
}

/// The `{name}`s of a word.
fn placeholders(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = word;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close].chars().all(|c| c.is_ascii_lowercase() || c == '_') && close > 0 =>
            {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// Splits `text` into words: white space separates, `'...'` keeps
/// everything, `"..."` keeps everything but `\"` and `\\`, `\` outside
/// quotes keeps the next character.
fn split(text: &str) -> Result<Vec<String>, TemplateError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(TemplateError::Unclosed),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(TemplateError::Unclosed),
                        },
                        Some(c) => word.push(c),
                        None => return Err(TemplateError::Unclosed),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["url", "title", "tags", "file"];
    const WORDS: &str = "{url}, {title}, {tags}, {file}";

    #[test]
    fn words_split_as_a_shell_would_but_values_stay_one_argument() {
        let t = Template::parse(r#"readeck add --title="{title}" -- '{url}' x\ y"#, KNOWN, WORDS)
            .expect("parses");
        assert_eq!(t.words, ["readeck", "add", "--title={title}", "--", "{url}", "x y"]);
        let hostile = "-rf \"quoted\" $(rm -rf ~) `x` ; | {url}";
        let argv = t.argv(&[("title", hostile), ("url", "https://a.example/?q=1&b=2")]);
        assert_eq!(
            argv,
            ["readeck", "add", &format!("--title={hostile}"), "--", "https://a.example/?q=1&b=2", "x y"],
            "the value is not split, not expanded, and its own braces are not replaced"
        );
    }

    #[test]
    fn a_bad_template_says_why() {
        assert_eq!(Template::parse("   ", KNOWN, WORDS), Err(TemplateError::Empty));
        assert_eq!(Template::parse("mail 'oops", KNOWN, WORDS), Err(TemplateError::Unclosed));
        let e = Template::parse("mail {body}", KNOWN, WORDS).expect_err("unknown");
        assert_eq!(e.to_string(), "names {body}, which is not one of {url}, {title}, {tags}, {file}");
        // Braces that are no placeholder (JSON, a regex) stay as they are.
        let t = Template::parse("jq '{a: 1}' {url}", KNOWN, WORDS).expect("parses");
        assert_eq!(t.argv(&[("url", "u")]), ["jq", "{a: 1}", "u"]);
    }
}
