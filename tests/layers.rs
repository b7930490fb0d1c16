//! The import rule: every module of `src/` imports only modules declared
//! below it in [`LAYERS`], so no import cycle can come back.
//!
//! A small reader of our own rather than `cargo modules`: it needs no extra
//! tool in CI (cargo-modules builds for minutes and follows rust-analyzer's
//! releases), it runs with `cargo test`, and it checks more than acyclicity:
//! the order of the layers is written down here, and a module that is not
//! placed in it fails the test, so a new part has to be given its place.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use std::fs;
use std::path::{Path, PathBuf};

/// Lowest first. A module belongs to the longest entry that is a prefix of
/// its path (`ui::layout` before `ui`); it may use its own entry and any entry
/// above it in this list, never one below.
const LAYERS: &[&str] = &[
    "par",              // work spread over the cores: a leaf
    "text",             // sanitize, wrap, Markdown: no imports
    "clock",            // the wall clock: a leaf
    "post",             // plain data
    "problem",          // what went wrong, where
    "store::paths",     // XDG folders: a leaf
    "cache",            // the parse cache's file: framing, entries, reading, writing
    "feed",             // walk, read, assemble, watch
    "search",           // the query language, index, matching, order
    "store",            // read state
    "sources::newness", // what the last sync brought, where a synced feed is read
    "sources::git",     // git feeds: fetch, check out (the config names them)
    "article",          // reader mode: fetch, extract, cache the original
    "ui::theme",        // styles: a leaf
    "ui::layout",       // geometry: a leaf the app and the widgets share
    "app",              // the state machine and its key table
    "ui",               // widgets: read &App
    "config",           // the config file: builds a theme and a key map
    "sources",          // which feed a command reads
    "tui",              // the terminal loop, the browser and clipboard, the start
    "cli",              // the subcommands and their errors
    "main",             // the binary: parse, run, exit code
];

/// The module path of a file below `src/` (`app/mod.rs` -> `app`,
/// `app/keys.rs` -> `app::keys`, `main.rs` -> `main`).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches(".rs").to_string();
    }
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The entry of [`LAYERS`] a module path belongs to, and its rank.
fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .filter(|(_, l)| module == **l || module.starts_with(&format!("{l}::")))
        .max_by_key(|(_, l)| l.len())
        .map(|(i, l)| (i, *l))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments (so prose that names a module does
/// not count).
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let code = match line.find("//") {
            // A `//` inside a string (a URL) is rare in paths we care about;
            // cut only where no quote precedes it.
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// `code` without its `#[cfg(test)]` items (the attribute through the
/// item's closing brace): the code after a test module is still read.
/// Braces inside string literals and `'{'`/`'}'` are not counted.
fn without_tests(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let b = item.as_bytes();
        let (mut i, mut depth, mut opened) = (0, 0usize, false);
        while i < b.len() {
            match b[i] {
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'\'' if matches!(b.get(i + 1), Some(b'{' | b'}')) && b.get(i + 2) == Some(&b'\'') => i += 2,
                b'{' => {
                    depth += 1;
                    opened = true;
                }
                b'}' => {
                    depth = depth.saturating_sub(1);
                    if opened && depth == 0 {
                        break;
                    }
                }
                b';' if !opened => break,
                _ => {}
            }
            i += 1;
        }
        rest = item.get(i + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Reads a path after `root::` at `s`: `a::b::C`, `a::{b, c::d}`; pushes every
/// full path it names (each as segments) onto `out`.
fn read_tree(s: &[char], mut i: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    loop {
        while i < s.len() && s[i].is_whitespace() {
            i += 1;
        }
        if i < s.len() && s[i] == '{' {
            i += 1;
            loop {
                i = read_tree(s, i, path.clone(), out);
                while i < s.len() && s[i].is_whitespace() {
                    i += 1;
                }
                match s.get(i) {
                    Some(',') => i += 1,
                    Some('}') => return i + 1,
                    _ => return i,
                }
                while i < s.len() && s[i].is_whitespace() {
                    i += 1;
                }
                if s.get(i) == Some(&'}') {
                    return i + 1;
                }
            }
        }
        let start = i;
        while i < s.len() && is_ident(s[i]) {
            i += 1;
        }
        if i > start {
            let seg: String = s[start..i].iter().collect();
            if seg != "self" {
                path.push(seg);
            }
        }
        if s.get(i) == Some(&':') && s.get(i + 1) == Some(&':') {
            i += 2;
            continue;
        }
        out.push(path);
        return i;
    }
}

/// Every module path a file refers to through `crate::`, `super::` or (in
/// the binary) `linkfeed::`, resolved to an absolute path.
fn references(module: &str, code: &str) -> Vec<String> {
    let here: Vec<String> =
        if module == "main" { Vec::new() } else { module.split("::").map(str::to_string).collect() };
    let s: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let at_word = i == 0 || !is_ident(s[i - 1]) && s[i - 1] != ':';
        let rest: String = s[i..(i + 11).min(s.len())].iter().collect();
        let root = ["crate::", "super::", "linkfeed::"].into_iter().find(|r| rest.starts_with(r));
        let (Some(root), true) = (root, at_word) else {
            i += 1;
            continue;
        };
        let mut base: Vec<String> = match root {
            "super::" => {
                // `super` of `a::b` is `a` (in `a/b.rs`); of `a` (in
                // `a/mod.rs`), the crate root.
                let mut b = here.clone();
                b.pop();
                b
            }
            _ => Vec::new(),
        };
        let mut j = i + root.len();
        // `super::super::`
        while s[j..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
            base.pop();
            j += 7;
        }
        let mut paths = Vec::new();
        i = read_tree(&s, j, base, &mut paths);
        found.extend(paths.into_iter().map(|p| p.join("::")));
    }
    found
}

struct Edge {
    file: String,
    from: String,
    to: String,
}

/// Every reference that goes up (or sideways to another entry) in [`LAYERS`],
/// and every module with no place in it.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    let mut edges = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(src).unwrap_or(f);
        if rel == Path::new("lib.rs") {
            continue;
        }
        let module = module_of(rel);
        let Some((rank, layer)) = layer_of(&module) else {
            bad.push(format!("{}: module `{module}` has no place in LAYERS", rel.display()));
            continue;
        };
        let text = fs::read_to_string(f).unwrap_or_default();
        // Tests inside a module may use anything; only the module's own code counts.
        let code = without_tests(&code_of(&text));
        for to in references(&module, &code) {
            if to.is_empty() {
                continue;
            }
            let Some((to_rank, to_layer)) = layer_of(&to) else { continue };
            if to_layer != layer && to_rank >= rank {
                edges.push(Edge { file: rel.display().to_string(), from: layer.into(), to: to.clone() });
            }
        }
    }
    for e in edges {
        bad.push(format!("{}: `{}` uses `{}`, which is not below it in LAYERS", e.file, e.from, e.to));
    }
    bad
}

#[test]
fn modules_import_only_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(bad.is_empty(), "import rule broken:\n{}", bad.join("\n"));
}

#[test]
fn the_reader_sees_grouped_and_relative_imports() {
    let refs =
        references("app::marks", "use crate::{feed::Feed, ui::{layout, theme::Theme}};\nuse super::App;");
    assert_eq!(refs, ["feed::Feed", "ui::layout", "ui::theme::Theme", "app::App"]);
    let refs = references("ui::list", "let x = crate::app::keys::Mode::List; super::layout::inner(r)");
    assert_eq!(refs, ["app::keys::Mode::List", "ui::layout::inner"]);
}

#[test]
fn an_upward_import_is_caught() {
    // A copy of src/ with one import that closes a circle: the geometry
    // leaf reaching up into the app.
    let dir = tempfile::tempdir().expect("temp dir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    copy_dir(&src, dir.path());
    let layout = dir.path().join("ui/layout.rs");
    let text = fs::read_to_string(&layout).expect("layout.rs");
    fs::write(&layout, format!("use crate::app::App;\n{text}")).expect("write");
    let bad = violations(dir.path());
    assert_eq!(bad, ["ui/layout.rs: `ui::layout` uses `app::App`, which is not below it in LAYERS"]);
}

/// Issue 20: an upward import after a test module is caught (the check used
/// to stop reading a file at its first `#[cfg(test)]`).
#[test]
fn an_upward_import_after_a_test_module_is_caught() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    copy_dir(&src, dir.path());
    let file = dir.path().join("feed/frontmatter.rs");
    let text = fs::read_to_string(&file).expect("frontmatter.rs");
    let planted = format!(
        "#[cfg(test)]\nmod early_tests {{\n    fn f() {{ let _ = \"{{\"; let _ = '}}'; }}\n}}\n{text}\nuse crate::app::App;\n"
    );
    fs::write(&file, planted).expect("write");
    let bad = violations(dir.path());
    assert_eq!(bad, ["feed/frontmatter.rs: `feed` uses `app::App`, which is not below it in LAYERS"]);
    // Inside a test module the same import is allowed.
    let inside = format!("{text}\n#[cfg(test)]\nmod more {{\n    use crate::app::App;\n}}\n");
    fs::write(&file, inside).expect("write");
    assert!(violations(dir.path()).is_empty());
}

#[test]
fn a_module_without_a_place_is_caught() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("stray.rs"), "pub fn f() {}\n").expect("write");
    assert_eq!(violations(dir.path()), ["stray.rs: module `stray` has no place in LAYERS"]);
}

fn copy_dir(from: &Path, to: &Path) {
    for e in fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).expect("copy");
        }
    }
}
