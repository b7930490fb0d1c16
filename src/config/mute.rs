//! `[mute]`: each entry a query in quotes, or a table with `query` and an
//! optional `until` (`ai = { query = "#ai -source:lwn", until = "2027-01-31" }`).

use super::{ConfigError, ErrAt};
use crate::search::mute::{Rule, check_until};

/// The rules, in the file's order; an entry that is not one is an error at
/// its line.
pub(super) fn parse(table: toml::Table, text: &str, err: &ErrAt) -> Result<Vec<Rule>, ConfigError> {
    let mut rules = Vec::new();
    for (name, value) in table {
        let at = text.find(&format!("{name} =")).or_else(|| text.find(&name));
        let bad = |why: &str| err(at, format!("mute.{name} {why}"));
        let (query, until) = match value {
            toml::Value::String(q) => (q, None),
            toml::Value::Table(mut t) => {
                let query = match t.remove("query") {
                    Some(toml::Value::String(q)) => q,
                    _ => return Err(bad("needs query = \"...\" (a query in quotes)")),
                };
                let until = match t.remove("until") {
                    None => None,
                    Some(toml::Value::String(u)) => Some(check_until(&u).map_err(|e| bad(&e.to_string()))?),
                    // TOML's own dates: `until = 2027-01-31`.
                    Some(toml::Value::Datetime(d)) => {
                        Some(check_until(&d.to_string()).map_err(|e| bad(&e.to_string()))?)
                    }
                    Some(_) => return Err(bad("until must be a date like 2027-01-31")),
                };
                if let Some(k) = t.keys().next() {
                    return Err(bad(&format!("has an unknown key {k:?} (query and until are known)")));
                }
                (query, until)
            }
            _ => {
                return Err(bad(
                    "must be a query in quotes, like \"#crypto\", or { query = \"...\", until = \"2027-01-31\" }",
                ));
            }
        };
        let query = crate::text::sanitize::one_line(&query);
        if query.trim().is_empty() {
            return Err(bad("needs a query (an empty one would hide every post)"));
        }
        rules.push(Rule { name: crate::text::sanitize::one_line(&name), query, until, by_key: false });
    }
    Ok(rules)
}
