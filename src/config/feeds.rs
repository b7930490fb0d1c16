//! `[feeds.NAME]`: a git repository (`git`, with `path` and `branch`), a
//! folder (`dir`), or a web feed (`url`, with `keep_days`).

use super::{ConfigError, ErrAt, Feed, RawFeed, expand_home};
use std::collections::BTreeMap;
use toml::Spanned;

/// The feeds, in the file's order of names; one that is not is an error at
/// its line.
pub(super) fn parse(
    raw: BTreeMap<Spanned<String>, Spanned<RawFeed>>,
    err: &ErrAt,
) -> Result<Vec<Feed>, ConfigError> {
    let mut feeds = Vec::new();
    for (name, feed) in raw {
        let at = Some(name.span().start);
        let name = name.into_inner();
        if !crate::sources::git::valid_name(&name) {
            return Err(err(at, format!("feeds.{name:?}: a feed's name is letters, digits, - _ and .")));
        }
        let f = feed.into_inner();
        let one = |what: &str| err(at, format!("feeds.{name} {what}"));
        if f.keep_days.is_some() && f.url.is_none() {
            return Err(one("has keep_days: that is for web feeds (url = \"...\")"));
        }
        feeds.push(match (f.git, f.dir, f.url) {
            (Some(url), None, None) => {
                crate::sources::git::valid_url(&url).map_err(|e| one(&format!("has git = {e}")))?;
                let path = f.path.unwrap_or_default();
                if path.split('/').any(|part| part == "..") || path.starts_with('/') {
                    return Err(one("has a path that leaves the repository"));
                }
                if f.branch
                    .as_deref()
                    .is_some_and(|b| b.starts_with('-') || b.contains("..") || b.contains(':'))
                {
                    return Err(one("has a branch that is not a branch name"));
                }
                Feed::Git(crate::sources::git::GitFeed { name, url, path, branch: f.branch })
            }
            (None, Some(dir), None) => {
                if f.path.is_some() || f.branch.is_some() {
                    return Err(one("is a folder: path and branch are for git feeds"));
                }
                Feed::Dir { name, dir: expand_home(dir) }
            }
            (None, None, Some(url)) => {
                if f.path.is_some() || f.branch.is_some() {
                    return Err(one("is a web feed: path and branch are for git feeds"));
                }
                crate::sources::web::valid_url(&url).map_err(|e| one(&format!("has url = {e}")))?;
                Feed::Web(crate::sources::web::WebFeed { name, url, keep_days: f.keep_days })
            }
            (None, None, None) => {
                return Err(one("needs git = \"URL\", dir = \"FOLDER\" or url = \"https://.../feed.xml\""));
            }
            _ => return Err(one("has more than one of git, dir and url: give one")),
        });
    }
    Ok(feeds)
}
