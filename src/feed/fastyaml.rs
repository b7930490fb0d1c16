//! A fast reader for the plain front matter almost every post has: top-level
//! `key: value` lines whose values are plain, single- or double-quoted
//! scalars (quoted ones may fold over several lines), flow lists on one line
//! (`["a", "b"]`) and block lists of scalars (`- a`). Anything else (nested
//! mappings, anchors, tags, block scalars, comments, tabs, a duplicate key,
//! a plain scalar that might be a number) is declined: `None`, and the caller
//! hands the text to serde_yaml, which stays the reference. A test compares
//! the two on every post file of the sample, the real feed and the fixtures.
//!
//! Why: libyaml reads its input one character at a time; on a 100k-post
//! feed it was two thirds of a first start.
//!
//! Why one file of ~670 lines: 400 of them are the reader, and the rest is
//! the test that keeps it in step with serde_yaml (a seeded generator of
//! front matters that fight back), which belongs beside what it checks.

use serde_yaml::{Number, Value};

/// The top-level keys and values, in order; `None` when the text is not in
/// the subset read here.
pub fn parse(yaml: &str) -> Option<Vec<(&str, Value)>> {
    // Characters YAML does not allow are serde_yaml's to report; tabs,
    // byte-order marks, and the spaces and line breaks YAML does not count
    // as such (U+00A0, U+0085, U+2028...) but `str::trim` would, are its to
    // read as well.
    // Most front matter is ASCII: told by its bytes (for ASCII, the rule
    // below allows line ends and 0x20..0x7e), the rest char by char. So no
    // line below holds a tab (the reader declines them).
    let ascii_ok = |b: &u8| matches!(*b, b'\n' | b'\r' | 0x20..=0x7e);
    if !yaml.as_bytes().iter().all(ascii_ok) && !yaml.chars().all(|c| printable(c) && !odd_space(c)) {
        return None;
    }
    let lines: Vec<&str> = yaml.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut out: Vec<(&str, Value)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if line.starts_with(' ') || line.starts_with('#') {
            return None;
        }
        let (key, rest) = line.split_once(':')?;
        if key.is_empty()
            || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            || out.iter().any(|(k, _)| *k == key)
            // A key YAML reads as a number, a boolean or null (`1:`, `true:`).
            || !match plain(key) {
                Some(v) => v.is_string(),
                None => key.bytes().all(|b| b.is_ascii_alphabetic()),
            }
        {
            return None;
        }
        if !rest.is_empty() && !rest.starts_with(' ') {
            return None;
        }
        let rest = rest.trim();
        i += 1;
        let value = if rest.is_empty() {
            // A block list, or nothing (null).
            let mut items = Vec::new();
            let mut indent = None;
            while i < lines.len() {
                let l = lines[i];
                if l.trim().is_empty() {
                    i += 1;
                    continue;
                }
                let t = l.trim_start_matches(' ');
                let Some(item) = t.strip_prefix("- ").or_else(|| (t == "-").then_some("")) else { break };
                // Every item at the first one's indentation.
                if *indent.get_or_insert(l.len() - t.len()) != l.len() - t.len() {
                    return None;
                }
                items.push(scalar_on_one_line(item.trim())?);
                i += 1;
            }
            // A line indented under the key that is not a list item: a nested mapping.
            if lines.get(i).is_some_and(|l| l.starts_with(' ') && !l.trim().is_empty()) {
                return None;
            }
            if items.is_empty() { Value::Null } else { Value::Sequence(items) }
        } else if rest.starts_with('\'') || rest.starts_with('"') {
            // A quoted scalar, perhaps folded over the following indented lines.
            let (v, after) = if quoted_closed(rest) {
                let (v, after) = quoted(rest)?;
                (v, after.to_string())
            } else {
                // Only single quotes fold here; each further line is scanned
                // once for the closing quote (`''` never spans a line end).
                if !rest.starts_with('\'') {
                    return None;
                }
                let mut text = rest.to_string();
                loop {
                    let next = *lines.get(i)?;
                    if !next.starts_with(' ') && !next.trim().is_empty() {
                        return None;
                    }
                    text.push('\n');
                    text.push_str(next);
                    i += 1;
                    if single_quote_closes(next) {
                        break;
                    }
                }
                let (v, after) = quoted(&text)?;
                (v, after.to_string())
            };
            if !after.trim().is_empty() {
                return None;
            }
            v
        } else if rest.starts_with('[') {
            flow_list(rest)?
        } else {
            // A plain scalar, perhaps continued on indented lines (folded
            // like a quoted one): continuation lines hold plain text only.
            let mut text = rest.to_string();
            let mut multi = false;
            while let Some(next) = lines.get(i).filter(|l| l.starts_with(' ') || l.trim().is_empty()) {
                // Blank lines count only when more text follows.
                if next.trim().is_empty() {
                    let more = lines[i..].iter().find(|l| !l.trim().is_empty());
                    if !more.is_some_and(|l| l.starts_with(' ')) {
                        break;
                    }
                }
                let t = next.trim();
                if !t.is_empty() && !plain_continuation(t) {
                    return None;
                }
                text.push('\n');
                text.push_str(next);
                multi = true;
                i += 1;
            }
            if multi {
                let folded = fold(&text);
                // The first line decides what it is: text, never a number.
                match plain(rest)? {
                    Value::String(_) => Value::String(folded),
                    _ => return None,
                }
            } else {
                plain(rest)?
            }
        };
        out.push((key, value));
    }
    Some(out)
}

/// A character Rust's `trim` takes for white space (or a byte-order mark)
/// where YAML sees text or a line break of its own: declined, so the fast
/// reader never trims what serde_yaml keeps.
fn odd_space(c: char) -> bool {
    c == '\t' || c == '\u{feff}' || (c.is_whitespace() && !matches!(c, ' ' | '\n' | '\r'))
}

/// YAML's printable characters (and line ends; tabs are declined elsewhere).
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// Whether a line inside a single-quoted scalar holds its closing quote.
fn single_quote_closes(line: &str) -> bool {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return true;
        }
        i += 1;
    }
    false
}

/// Whether a quoted scalar that starts `text` has its closing quote.
fn quoted_closed(text: &str) -> bool {
    quoted_end(text).is_some()
}

/// The byte index just past the closing quote of the quoted scalar at the
/// start of `text`.
fn quoted_end(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let q = *b.first()?;
    let mut i = 1;
    while i < b.len() {
        match (q, b[i]) {
            (b'\'', b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
            (b'"', b'\\') => i += 2,
            (_, c) if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// A quoted scalar at the start of `text` (which may span lines) and what
/// follows it on its line.
fn quoted(text: &str) -> Option<(Value, &str)> {
    let end = quoted_end(text)?;
    let inner = &text[1..end - 1];
    let s = if text.starts_with('\'') {
        // Inside single quotes a quote is only ever doubled.
        let folded = fold(inner);
        if folded.contains('\'') { folded.replace("''", "'") } else { folded }
    } else {
        if inner.contains('\n') {
            // Double-quoted and folded: escapes at line ends are subtle; declined.
            return None;
        }
        unescape(inner)?
    };
    Some((Value::String(s), &text[end..]))
}

/// YAML's line folding inside a flow scalar: a line break between text
/// becomes a space, each empty line a newline; leading and trailing blanks
/// around a break are dropped.
fn fold(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    let parts: Vec<&str> = s.split('\n').collect();
    let mut out = String::with_capacity(s.len());
    out.push_str(parts[0].trim_end_matches(' '));
    let mut empties = 0;
    for (k, p) in parts.iter().enumerate().skip(1) {
        let last = k == parts.len() - 1;
        let t = if last { p.trim_start_matches(' ') } else { p.trim_matches(' ') };
        if t.is_empty() && !last {
            empties += 1;
            continue;
        }
        if empties > 0 {
            out.extend(std::iter::repeat_n('\n', empties));
        } else {
            out.push(' ');
        }
        empties = 0;
        out.push_str(t);
    }
    out
}

/// A double-quoted scalar's escapes: the common ones; anything else declined.
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            _ => return None,
        }
    }
    Some(out)
}

/// A scalar written on one line: quoted or plain.
fn scalar_on_one_line(s: &str) -> Option<Value> {
    if s.starts_with('\'') || s.starts_with('"') {
        let (v, after) = quoted(s)?;
        after.trim().is_empty().then_some(v)
    } else {
        plain(s)
    }
}

/// A flow list on one line of scalars: `["a", 'b', c]`.
fn flow_list(s: &str) -> Option<Value> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?.trim();
    let mut items = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (item, after) = if rest.starts_with('\'') || rest.starts_with('"') {
            let (v, after) = quoted(rest)?;
            (v, after.trim_start())
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let item = rest[..end].trim();
            // An empty item (`[a,,b]`) is an error to YAML; brackets and
            // braces inside a plain item start a nested collection.
            if item.is_empty() || item.contains(['[', ']', '{', '}']) {
                return None;
            }
            (plain(item)?, &rest[end..])
        };
        items.push(item);
        rest = match after.strip_prefix(',') {
            Some(r) => r.trim_start(),
            None if after.is_empty() => "",
            None => return None,
        };
    }
    Some(Value::Sequence(items))
}

/// Whether a continuation line of a plain scalar is plain text.
fn plain_continuation(t: &str) -> bool {
    !(t.contains(": ")
        || t.contains(" #")
        || t.ends_with(':')
        || t.starts_with('#')
        || t.starts_with("- ")
        || t == "-")
}

/// A plain scalar, resolved as serde_yaml would for the forms accepted
/// here: null, booleans, decimal integers, dates and text. Anything else
/// that could be read as something other than text is declined.
fn plain(s: &str) -> Option<Value> {
    if s.is_empty() {
        return Some(Value::Null);
    }
    let first = s.as_bytes()[0];
    // Indicators and characters with meaning in a plain scalar.
    if b"[]{},&*!|>%@`#'\"?:-".contains(&first) && !(first == b'-' && s.len() > 1 && s.as_bytes()[1] != b' ')
    {
        return None;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return None;
    }
    match s {
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let looks_numeric = first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.');
    // `.inf`, `-.Inf`, `.NaN`, `.5`: serde_yaml's special floats and
    // fractions without an integer part.
    if s.trim_start_matches(['+', '-']).starts_with('.') {
        return None;
    }
    if looks_numeric {
        if s.bytes().all(|b| b.is_ascii_digit()) && (s.len() == 1 || first != b'0') {
            return s.parse::<u64>().ok().map(|n| Value::Number(Number::from(n)));
        }
        if is_date(s) {
            return Some(Value::String(s.to_string()));
        }
        if is_plain_float(s) {
            return s.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| Value::Number(Number::from(f)));
        }
        // Could any schema read it as a number (hex, octal, binary,
        // underscores, sexagesimal)? Then serde_yaml decides.
        let numberish = s.starts_with("0x")
            || s.starts_with("0o")
            || s.starts_with("0b")
            || s.parse::<f64>().is_ok()
            || s.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'e' | b'E' | b'+' | b'-' | b':'));
        if numberish {
            return None;
        }
        return Some(Value::String(s.to_string()));
    }
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | ".nan" | "y" | "n" | "yes" | "no" | "on" | "off") {
        return None;
    }
    Some(Value::String(s.to_string()))
}

/// A decimal fraction: `12.9716`, `-0.5`, `1.5e3`.
fn is_plain_float(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let Some((int, frac)) = mant.split_once('.') else { return false };
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    !int.is_empty() && digits(int) && !frac.is_empty() && digits(frac) && exp_ok
}

/// `2024-01-02`, or `2024-01-02T10:00:00`, with seconds' fractions and a
/// zone (`Z`, `+02:00`) allowed.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if !(b.len() >= 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    matches!(b[10], b'T' | b't')
        && b[11..].iter().all(|c| c.is_ascii_digit() || matches!(c, b':' | b'.' | b'+' | b'-' | b'Z' | b'z'))
}

#[cfg(test)]
mod tests;
