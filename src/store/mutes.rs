//! The mute rules made with the reader's mute key: `mutes.jsonl` in the
//! state folder, one JSON object a line, appended to and never rewritten
//! (`{"query":"#ai","until":"2026-12-14","on":true,"at":1765000000}`; `on:
//! false` lifts the rule of that query). The last line for a query wins. A
//! line that cannot be read is named with its file and line and skipped.

use crate::search::mute::{Rule, check_until};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file, from the environment.
pub fn default_path() -> Option<PathBuf> {
    crate::store::paths::file(crate::store::paths::Base::State, "mutes.jsonl")
}

#[derive(Debug, Serialize, Deserialize)]
struct Line {
    query: String,
    #[serde(default)]
    until: Option<String>,
    on: bool,
    #[serde(default)]
    at: i64,
}

/// The rules in force by key (lifted ones left out), in the order first
/// made, and what could not be read (file and line).
pub fn read(path: &Path) -> (Vec<Rule>, Vec<String>) {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return (Vec::new(), Vec::new()),
        Err(e) => return (Vec::new(), vec![format!("{}: {e}", path.display())]),
    };
    let mut problems = Vec::new();
    let mut rules: BTreeMap<String, (usize, Option<Rule>)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Line>(line).map_err(|e| e.to_string()).and_then(|l| {
            let until = l.until.as_deref().map(check_until).transpose().map_err(|e| e.to_string())?;
            let query = crate::text::sanitize::one_line(&l.query);
            match query.trim().is_empty() {
                true => Err("a mute rule needs a query".to_string()),
                false => Ok((query, until, l.on)),
            }
        });
        match parsed {
            Ok((query, until, on)) => {
                let rule =
                    on.then(|| Rule { name: query.clone(), query: query.clone(), until, by_key: true });
                let order = rules.get(&query).map_or(n, |(o, _)| *o);
                rules.insert(query, (order, rule));
            }
            Err(e) => problems.push(format!(
                "{}:{}: {}",
                path.display(),
                n + 1,
                crate::text::sanitize::one_line(&e)
            )),
        }
    }
    let mut kept: Vec<(usize, Rule)> = rules.into_values().filter_map(|(o, r)| r.map(|r| (o, r))).collect();
    kept.sort_by_key(|(o, _)| *o);
    (kept.into_iter().map(|(_, r)| r).collect(), problems)
}

/// The config's rules, then those made by key (a query muted by both once,
/// as the config has it), and what could not be read of the latter.
pub fn with_config(config: &[Rule]) -> (Vec<Rule>, Vec<String>) {
    let (by_key, problems) = default_path().map_or_else(Default::default, |p| read(&p));
    let mut rules = config.to_vec();
    rules.extend(by_key.into_iter().filter(|r| !config.iter().any(|c| c.query == r.query)));
    (rules, problems)
}

/// Appends a rule made (`on`) or lifted, in one write of one line.
pub fn append(path: &Path, query: &str, until: Option<&str>, on: bool, at: i64) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let line = Line { query: query.to_string(), until: until.map(str::to_string), on, at };
    let mut text = serde_json::to_string(&line).map_err(io::Error::other)?;
    text.push('\n');
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_of_a_query_wins_and_a_bad_line_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mutes.jsonl");
        append(&path, "#ai", Some("2026-12-14"), true, 1).expect("append");
        append(&path, "source:LWN", None, true, 2).expect("append");
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(b"{not json\n"))
            .expect("damage");
        append(&path, "#ai", None, false, 3).expect("append");
        append(&path, "kernel", Some("2027-13-01"), true, 4).expect("append");
        let (rules, problems) = read(&path);
        assert_eq!(rules.iter().map(|r| r.query.as_str()).collect::<Vec<_>>(), vec!["source:LWN"]);
        assert!(rules[0].by_key && rules[0].until.is_none());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("mutes.jsonl:3:"), "{problems:?}");
        assert!(problems[1].contains("mutes.jsonl:5:") && problems[1].contains("until"), "{problems:?}");
    }
}
