//! `[share]`, `pipe`, `pipe_format` and `notify`: command templates and
//! how `|` writes a post.

use super::{
    Config, ConfigError, ErrAt, NOTIFY_PLACEHOLDERS, NOTIFY_WORDS, Notify, POST_PLACEHOLDERS, POST_WORDS,
};
use crate::text::template::Template;
use toml::Spanned;

/// `[share]`, `pipe` and `notify`: command templates, checked.
pub(super) fn parse(
    c: &mut Config,
    share: Option<toml::Table>,
    pipe: Option<Spanned<String>>,
    notify: Option<Spanned<String>>,
    text: &str,
    err: &ErrAt,
) -> Result<(), ConfigError> {
    for (name, value) in share.unwrap_or_default() {
        let at = text.find(&format!("{name} =")).or_else(|| text.find(&name));
        let toml::Value::String(t) = value else {
            return Err(err(
                at,
                format!("share.{name} must be a command in quotes, like \"readeck add -- {{url}}\""),
            ));
        };
        let t = Template::parse(&t, POST_PLACEHOLDERS, POST_WORDS)
            .map_err(|e| err(at, format!("share.{name} {e}")))?;
        c.share.push((crate::text::sanitize::one_line(&name), t));
    }
    if let Some(p) = pipe {
        let at = Some(p.span().start);
        c.pipe = Some(
            Template::parse(p.get_ref(), POST_PLACEHOLDERS, POST_WORDS)
                .map_err(|e| err(at, format!("pipe {e}")))?,
        );
    }
    if let Some(n) = notify {
        let at = Some(n.span().start);
        c.notify = Some(match n.get_ref().trim() {
            "terminal" => Notify::Terminal,
            t => Notify::Command(
                Template::parse(t, NOTIFY_PLACEHOLDERS, NOTIFY_WORDS)
                    .map_err(|e| err(at, format!("notify {e}")))?,
            ),
        });
    }
    Ok(())
}

/// `pipe_format`: `"markdown"` (the default: the file or article as it is)
/// or `"json"`.
pub(super) fn pipe_json(format: Option<Spanned<String>>, err: &ErrAt) -> Result<bool, ConfigError> {
    let Some(f) = format else { return Ok(false) };
    match f.get_ref().as_str() {
        "json" => Ok(true),
        "markdown" => Ok(false),
        other => Err(err(
            Some(f.span().start),
            format!("pipe_format = {other:?}: it is \"markdown\" (the default) or \"json\""),
        )),
    }
}
