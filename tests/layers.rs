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
/// above it in this list, never one below. Inside `cache`, `feed` and
/// `search` each file is an entry of its own: a file that imports a sibling
/// below it in the list fails, so no circle can form inside a folder either.
/// A name a folder's `mod.rs` re-exports counts as the file it comes from.
const LAYERS: &[&str] = &[
    "par",          // work spread over the cores: a leaf
    "text",         // sanitize, wrap, Markdown: no imports
    "clock",        // the wall clock: a leaf
    "post",         // plain data
    "problem",      // what went wrong, where
    "store::paths", // XDG folders: a leaf
    // The parse cache's file, one concern a file; `cache` itself only
    // names what the parts give.
    "cache::error",  // why a cache cannot be used
    "cache::meta",   // a file as the cache saw it
    "cache::paths",  // where the files are, their names
    "cache::order",  // the order file
    "cache::check",  // check records
    "cache::frame",  // magic, blocks, footer, tail
    "cache::entry",  // the entry codec
    "cache::read",   // Reader
    "cache::write",  // a writing anew
    "cache::append", // appending, renumbering
    "cache",
    // Loading a feed: the leaves, the types the parts share (`feed`), then
    // each step up to the one way in (`feed::load`).
    "feed::fastyaml",    // the YAML subset parsed fast
    "feed::hugo",        // Hugo's rules
    "feed::stat",        // file metadata
    "feed",              // Feed, LoadStats, Progress, Source, LoadError
    "feed::testing",     // what the feed's tests share
    "feed::frontmatter", // one file's text to a post
    "feed::walk",        // finding post files
    "feed::read",        // reading and parsing on many threads
    "feed::entries",     // what the loads from the cache share
    "feed::assemble",    // sections, newest first, duplicate links
    "feed::texts",       // tldr and summary read back
    "feed::newest",      // the first screen from the newest posts
    "feed::lazy",        // stand-ins for a one-shot query
    "feed::unchanged",   // the load when no folder changed
    "feed::walked",      // the load that walks the folder
    "feed::load",        // LoadOptions and load(): the one way in
    "feed::watch",       // reloading when the folder changes
    // The query language, index, matching, order.
    "search::slab",           // bytes laid out for the saved index
    "search::tiers",          // the match tiers of one word
    "search",                 // Match, the weights
    "search::query",          // parsing a query
    "search::finder",         // a term's text found in a field
    "search::short_words",    // the short fields and their words
    "search::words",          // the long text's word index
    "search::words_build",    // building it, renumbering it
    "search::articles",       // the articles' words
    "search::index",          // the index matched against
    "search::score",          // one term against one post: Matcher, Prepared
    "search::order",          // the order of results
    "search::matcher",        // matching and scoring
    "search::mute",           // mute rules: which posts they hide
    "search::saved",          // the index saved between runs
    "store",                  // read state
    "sources::error",         // why a sync failed
    "sources::newness",       // what the last sync brought, where a synced feed is read
    "sources::git",           // git feeds: fetch, check out (the config names them)
    "sources::state",         // the marks shared through a git repository
    "sources::notify",        // told when a sync brought posts
    "article",                // reader mode: fetch, extract, cache the original
    "sources::web::items",    // a web feed's item as a post
    "sources::web::opml",     // feed lists in and out
    "sources::web::discover", // the feed a page names
    "sources::web",           // web feeds: fetch, write the posts
    "ui::theme",              // styles: a leaf
    "ui::layout",             // geometry: a leaf the app and the widgets share
    "app",                    // the state machine and its key table
    "ui",                     // widgets: read &App
    "config",                 // the config file: builds a theme and a key map
    "sources",                // which feed a command reads
    "tui",                    // the terminal loop, the browser and clipboard, the start
    "cli",                    // the subcommands and their errors
    "main",                   // the binary: parse, run, exit code
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

/// Every module path a file refers to through `crate::`, `super::`, (in
/// the binary) `linkfeed::`, or one of its own child modules (`hugo::x` in
/// `feed/mod.rs`), resolved to an absolute path. A `pub use` of a child (a
/// folder naming what its parts give) is no reference: [`resolve`] reads it.
fn references(module: &str, code: &str) -> Vec<String> {
    let mut found = rooted_references(module, code);
    found.extend(child_references(module, code));
    found
}

/// The references through `crate::`, `super::` or `linkfeed::`.
fn rooted_references(module: &str, code: &str) -> Vec<String> {
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

/// The child modules `code` declares (`mod x;`, `pub mod x;`).
fn children_of(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("pub ").or(l.strip_prefix("pub(crate) ")).unwrap_or(l);
            rest.strip_prefix("mod ")?.strip_suffix(';').map(|n| n.trim().to_string())
        })
        .collect()
}

/// `code` without its `pub use ...;` statements.
fn without_reexports(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("pub use ") {
        out.push_str(&rest[..at]);
        rest = rest[at..].find(';').map_or("", |end| &rest[at + end + 1..]);
    }
    out.push_str(rest);
    out
}

/// References to the module's own children by a relative path (`load::x`,
/// `use load::{..}`), outside `pub use`.
fn child_references(module: &str, code: &str) -> Vec<String> {
    let children = children_of(code);
    let here: Vec<String> =
        if module == "main" { Vec::new() } else { module.split("::").map(str::to_string).collect() };
    let code = without_reexports(code);
    let s: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let at_word = i == 0 || !is_ident(s[i - 1]) && s[i - 1] != ':';
        let child = children.iter().find(|c| {
            let n = c.chars().count();
            at_word
                && s.len() >= i + n + 2
                && s[i..i + n].iter().copied().eq(c.chars())
                && s[i + n] == ':'
                && s[i + n + 1] == ':'
        });
        match child {
            Some(_) => {
                let mut paths = Vec::new();
                i = read_tree(&s, i, here.clone(), &mut paths);
                found.extend(paths.into_iter().map(|p| p.join("::")));
            }
            None => i += 1,
        }
    }
    found
}

/// What a module gives by name: its `pub` items, and the names it
/// re-exports from its children (`pub use child::{a, b}`, `pub use
/// child::*`, `use child::x`).
#[derive(Default)]
struct Names {
    items: Vec<String>,
    reexports: Vec<(String, String)>,
    globs: Vec<String>,
}

fn names_of(module: &str, code: &str) -> Names {
    let mut names = Names::default();
    for line in code.lines() {
        let l = line.trim_start();
        let Some(rest) = ["pub ", "pub(crate) ", "pub(super) "].iter().find_map(|p| l.strip_prefix(p)) else {
            continue;
        };
        let rest = rest.strip_prefix("unsafe ").unwrap_or(rest);
        for kind in ["fn ", "struct ", "enum ", "const ", "static ", "type ", "trait ", "mod "] {
            if let Some(name) = rest.strip_prefix(kind) {
                names.items.push(name.chars().take_while(|c| is_ident(*c)).collect());
            }
        }
    }
    let children = children_of(code);
    let s: Vec<char> = code.chars().collect();
    let text: String = s.iter().collect();
    let mut from = 0;
    while let Some(at) = text[from..].find("use ") {
        let start = from + at + 4;
        from = start;
        let before = text[..from - 4].chars().last();
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue;
        }
        let stmt_end = text[start..].find(';').map_or(text.len(), |e| start + e);
        let stmt = text[start..stmt_end].trim();
        let first: String = stmt.chars().take_while(|c| is_ident(*c)).collect();
        if !children.contains(&first) {
            continue;
        }
        let target = format!("{module}::{first}");
        if stmt.ends_with("::*") {
            names.globs.push(target);
            continue;
        }
        let chars: Vec<char> = stmt.chars().collect();
        let mut paths = Vec::new();
        read_tree(&chars, 0, Vec::new(), &mut paths);
        for p in paths {
            if let Some((name, path)) = p.split_last() {
                names.reexports.push((name.clone(), format!("{module}::{}", path.join("::"))));
            }
        }
    }
    names
}

/// `path` with each name a module re-exports replaced by the module it
/// comes from (`feed::LongText` -> `feed::entries::LongText`), so a
/// re-export hides no import.
fn resolve(path: &str, names: &std::collections::HashMap<String, Names>) -> String {
    let mut path = path.to_string();
    for _ in 0..8 {
        let segs: Vec<&str> = path.split("::").collect();
        let Some(k) = (1..segs.len()).rev().find(|&k| names.contains_key(&segs[..k].join("::"))) else {
            break;
        };
        let module = segs[..k].join("::");
        let name = segs[k];
        let n = &names[&module];
        let from = n.reexports.iter().find(|(r, _)| r == name).map(|(_, m)| m.clone()).or_else(|| {
            n.globs.iter().find(|g| names.get(*g).is_some_and(|c| c.items.iter().any(|i| i == name))).cloned()
        });
        match from {
            Some(m) if !n.items.iter().any(|i| i == name) => {
                path = std::iter::once(m.as_str())
                    .chain(segs[k..].iter().copied())
                    .collect::<Vec<_>>()
                    .join("::");
            }
            _ => break,
        }
    }
    path
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
    let mut names = std::collections::HashMap::new();
    for f in &files {
        let rel = f.strip_prefix(src).unwrap_or(f);
        let text = fs::read_to_string(f).unwrap_or_default();
        let module = if rel == Path::new("lib.rs") { String::new() } else { module_of(rel) };
        names.insert(module.clone(), names_of(&module, &without_tests(&code_of(&text))));
    }
    for f in &files {
        let rel = f.strip_prefix(src).unwrap_or(f);
        if rel == Path::new("lib.rs") {
            continue;
        }
        let module = module_of(rel);
        // A test module in a file of its own (`#[cfg(test)] mod tests;`)
        // may use anything, as one inside a file may.
        if module.ends_with("::tests") {
            continue;
        }
        let Some((rank, layer)) = layer_of(&module) else {
            bad.push(format!("{}: module `{module}` has no place in LAYERS", rel.display()));
            continue;
        };
        let text = fs::read_to_string(f).unwrap_or_default();
        // Tests inside a module may use anything; only the module's own code counts.
        let code = without_tests(&code_of(&text));
        for to in references(&module, &code) {
            let to = resolve(&to, &names);
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
    assert_eq!(
        bad,
        ["feed/frontmatter.rs: `feed::frontmatter` uses `app::App`, which is not below it in LAYERS"]
    );
    // Inside a test module the same import is allowed.
    let inside = format!("{text}\n#[cfg(test)]\nmod more {{\n    use crate::app::App;\n}}\n");
    fs::write(&file, inside).expect("write");
    assert!(violations(dir.path()).is_empty());
}

/// Issue 41: inside a folder each file has its place: a circle between two
/// files of `feed` (the lazy load reaching into the walked one, which the
/// usual load's options name) fails, and so does one of the cache's parts
/// reaching up to another.
#[test]
fn a_circle_inside_a_folder_is_caught() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (file, planted, want) in [
        (
            "feed/lazy.rs",
            "use super::walked::load_dir_cached_as;",
            "feed/lazy.rs: `feed::lazy` uses `feed::walked::load_dir_cached_as`, which is not below it in LAYERS",
        ),
        (
            "cache/meta.rs",
            "use super::read::Reader;",
            "cache/meta.rs: `cache::meta` uses `cache::read::Reader`, which is not below it in LAYERS",
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&src, dir.path());
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).expect("read");
        fs::write(&path, format!("{planted}\n{text}")).expect("write");
        assert_eq!(violations(dir.path()), [want], "{file}");
    }
}

/// Issue 41: a name a folder re-exports is the file it comes from, so a
/// re-export (`feed::LoadOptions`, `search::Index` through `pub use
/// index::*`) hides no upward import; and a `mod.rs` that imports its own
/// part by a relative path (`use load::...`) is seen.
#[test]
fn an_upward_import_through_a_reexport_is_caught() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (file, planted, want) in [
        (
            "feed/read.rs",
            "use super::LoadOptions;",
            "feed/read.rs: `feed::read` uses `feed::load::LoadOptions`, which is not below it in LAYERS",
        ),
        (
            "search/words.rs",
            "use super::Index;",
            "search/words.rs: `search::words` uses `search::index::Index`, which is not below it in LAYERS",
        ),
        (
            "feed/mod.rs",
            "use load::load as again;",
            "feed/mod.rs: `feed` uses `feed::load::load`, which is not below it in LAYERS",
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&src, dir.path());
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).expect("read");
        fs::write(&path, format!("{text}\n{planted}\n")).expect("write");
        assert_eq!(violations(dir.path()), [want], "{file}");
    }
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
