//! The shape rule: no file of `src/` over 600 lines, no function over 120
//! unless it is named below with the reason it is long, and no error that
//! is a bare `String` (`Result<_, String>`) outside tests. A file or function
//! that grows past them fails here, so a split is made when it is due, not
//! in a later clean-up.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use std::fs;
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 120;

/// Functions allowed past [`MAX_FN_LINES`], each with why it is one
/// function (file, name, at most this many lines).
const LONG_FUNCTIONS: &[(&str, &str, usize, &str)] = &[
    ("app/update.rs", "apply", 215, "the one match over every Action: the place state changes"),
    ("app/update.rs", "command", 205, "the one match over every key command"),
    ("feed/lazy.rs", "load_or_check", 215, "one pass over the check parts; to be split in phases"),
    ("feed/frontmatter.rs", "parse_post_with", 205, "one pass over the front matter's keys; to be split"),
    ("sources/git.rs", "sync_locked", 195, "the sync's steps under its lock; to be split in steps"),
    ("tui/start.rs", "start", 175, "the reader's start; to be split"),
    ("config.rs", "parse", 165, "one match over the config's keys; to be split"),
    ("feed/fastyaml.rs", "parse", 140, "the YAML subset's one state machine"),
    ("search/saved.rs", "read", 125, "the saved index's checks in the order of its bytes"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).expect("read src").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Each function of `text` (its name and length in lines, signature to
/// closing brace), found by its indentation: `fn` at the start of a line,
/// its body closed by a `}` at the same indentation.
fn functions(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = ["pub(crate) ", "pub(super) ", "pub "]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p))
            .unwrap_or(trimmed);
        let rest = rest.strip_prefix("const ").unwrap_or(rest);
        let Some(sig) = rest.strip_prefix("fn ") else { continue };
        let name: String = sig.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        // The line that opens the body (a declaration without one ends in `;`).
        let Some(open) = (i..lines.len())
            .find(|&j| lines[j].trim_end().ends_with('{') || lines[j].trim_end().ends_with(';'))
        else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') {
            continue;
        }
        let close = (open + 1..lines.len()).find(|&k| {
            let l = lines[k];
            l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')
        });
        if let Some(close) = close {
            out.push((name, close - i + 1));
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_file_is_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = fs::read_to_string(f).expect("read").lines().count();
            (n > MAX_FILE_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_FILE_LINES} lines:\n{}", long.join("\n"));
}

#[test]
fn no_function_is_over_120_lines_unless_named_with_its_reason() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(src()).expect("below src").to_string_lossy().replace('\\', "/");
        for (name, n) in functions(&fs::read_to_string(f).expect("read")) {
            let allowed = LONG_FUNCTIONS.iter().find(|(file, fun, _, _)| *file == rel && *fun == name);
            let limit = allowed.map_or(MAX_FN_LINES, |a| a.2);
            if n > limit {
                long.push(format!("{rel}: fn {name} is {n} lines (at most {limit})"));
            }
        }
    }
    assert!(long.is_empty(), "functions too long:\n{}", long.join("\n"));
}

/// The measure itself: a function of 130 lines is found at its length, a
/// declaration without a body is none, and a nested function counts on its
/// own.
#[test]
fn functions_are_measured_from_signature_to_closing_brace() {
    let body = "        let x = 1;\n".repeat(127);
    let text = format!(
        "impl A {{\n    fn long(&self) {{\n        fn inner() {{\n        }}\n{body}    }}\n}}\ntrait B {{\n    fn f(&self);\n}}\n"
    );
    let found = functions(&text);
    assert_eq!(found, [("long".to_string(), 131), ("inner".to_string(), 2)]);
}

/// Each `Result<T, E>` of `code` whose error type is `String` (generic
/// arguments followed to their closing `>`).
fn string_errors(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("Result<") {
        let args = &rest[at + "Result<".len()..];
        let (mut depth, mut last_comma, mut end) = (0usize, None, None);
        for (i, c) in args.char_indices() {
            match c {
                '<' | '(' | '[' => depth += 1,
                '>' | ')' | ']' if depth == 0 => {
                    end = Some(i);
                    break;
                }
                '>' | ')' | ']' => depth -= 1,
                ',' if depth == 0 => last_comma = Some(i),
                _ => {}
            }
        }
        if let (Some(comma), Some(end)) = (last_comma, end)
            && args[comma + 1..end].trim() == "String"
        {
            found.push(format!("Result<{}>", &args[..end]));
        }
        rest = &rest[at + 1..];
    }
    found
}

/// Product code: a file's text before its test module (a `tests.rs` file
/// is all test code).
fn product_code(path: &Path, text: &str) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("").to_string()
}

#[test]
fn no_error_is_a_bare_string() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).expect("read");
        for r in string_errors(&product_code(f, &text)) {
            found.push(format!("{}: {r}", f.display()));
        }
    }
    assert!(found.is_empty(), "errors as strings (give them a type):\n{}", found.join("\n"));
}

#[test]
fn a_string_error_is_found_through_generic_arguments() {
    let code = "fn a() -> Result<Vec<(u32, String)>, String> {}\nfn b() -> Result<String, Problem> {}\n\
                fn c() -> io::Result<()> {}\ntype D = Result<HashMap<String, Vec<u8>>,\n    String>;";
    assert_eq!(
        string_errors(code),
        ["Result<Vec<(u32, String)>, String>", "Result<HashMap<String, Vec<u8>>,\n    String>"]
    );
}
