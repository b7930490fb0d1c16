//! The tests of `markdown`.

use super::*;

fn text(md: &str, width: usize) -> Vec<String> {
    render(md, width).iter().map(Line::text).collect()
}

#[test]
fn headings_emphasis_and_paragraphs() {
    let lines = render("## Why\n\nIt is **fast** and *small*.\n\nSecond &amp; last.", 40);
    let t: Vec<String> = lines.iter().map(Line::text).collect();
    assert_eq!(t, ["Why", "", "It is fast and small.", "", "Second & last."]);
    assert_eq!(lines[0].spans, [("Why".to_string(), Ink::Heading)]);
    assert!(lines[2].spans.contains(&("fast".to_string(), Ink::Strong)));
    assert!(lines[2].spans.contains(&("small".to_string(), Ink::Emphasis)));
}

#[test]
fn lists_quotes_and_wrapping() {
    let t = text("- one\n- two words that wrap\n\n1. first\n2. second\n\n> quoted text", 14);
    assert_eq!(t, ["• one", "• two words", "  that wrap", "", "1. first", "2. second", "", "│ quoted text"]);
}

#[test]
fn code_is_verbatim_and_set_apart() {
    let t = text("Run:\n\n```yaml\nkind: Pod\n  spec:   {}\n```\n", 40);
    assert_eq!(t, ["Run:", "", "    kind: Pod", "      spec:   {}"]);
    let lines = render("```\nx\n```", 40);
    assert_eq!(lines[0].spans[1].1, Ink::CodeBlock);
}

#[test]
fn links_become_references() {
    let t = text(
        "See [the docs](https://example.com/d) and [again](https://example.com/d), <https://x.org>.",
        80,
    );
    assert_eq!(t, ["See the docs[1] and again[1], https://x.org.", "", "[1] https://example.com/d"]);
}

#[test]
fn shortcodes_and_html_are_reduced_to_text() {
    let md = "{{< blocks/cover title=\"x\" >}}\n<div class=\"c\">\n  <h2>Why <b>us</b>?</h2>\n  <script>alert(1)</script>\n</div>\n{{< /blocks/cover >}}\n\nAfter {{% note %}}this{{% /note %}}.";
    let t = text(md, 80);
    assert_eq!(t, ["Why us ?", "", "After this."]);
}

/// Issue 23: tables are drawn as tables: columns as wide as their
/// widest cell, the head over a rule, cells cut with `…` to fit.
#[test]
fn tables_are_drawn_as_tables() {
    let t = text("| name | kind |\n|---|---|\n| KEDA | autoscaler |\n| a | b |\n", 40);
    assert_eq!(t, ["name │ kind      ", "─────┼───────────", "KEDA │ autoscaler", "a    │ b         "]);
    // Too wide: the widest column gives way first, cut with an ellipsis.
    let md =
        "| tool | what it does |\n|---|---|\n| Karpenter | provisions nodes for pending pods quickly |\n";
    let t = text(md, 30);
    assert_eq!(t[2], "Karpenter │ provisions nodes …");
    assert!(t.iter().all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 30), "{t:?}");
    // No room for three columns a cell: a row a line.
    let t = text("| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |\n", 12);
    assert!(t.iter().all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 12), "{t:?}");
    assert!(t.join(" ").contains("a │ b │ c") && t.join(" ").contains("│ 4"), "{t:?}");
}

#[test]
fn nothing_reaches_the_terminal_raw() {
    let md = "a \u{1b}[31mred &#27;[0m\n\n```\n\u{1b}]52;c;x\u{7}\n```\n\n<p>&#x1b;</p>";
    for line in render(md, 30) {
        for (t, _) in &line.spans {
            assert!(!t.chars().any(char::is_control), "{t:?}");
        }
    }
}

#[test]
fn tabs_and_mojibake_as_people_expect() {
    assert_eq!(text("```\n\tx\ty\n```", 40), ["        x   y"]);
    assert_eq!(text("a\tb and â†— and\r\nline", 40), ["a b and ↗ and line"]);
}

#[test]
fn huge_bodies_are_cut() {
    let md = "word ".repeat(100_000);
    let lines = render(&md, 80);
    assert!(lines.last().is_some_and(|l| l.text().contains("KiB more not shown")));
}

/// Issue 38: the links a hint takes are the ones the pane numbers, in the
/// same order: a link twice is one number, a link within the page none.
#[test]
fn links_are_the_numbered_references_in_order() {
    let md = "See [a](https://a.example/), [top](#top), [b](https://b.example/x) and [a again](https://a.example/).";
    assert_eq!(links(md), ["https://a.example/", "https://b.example/x"]);
    let shown: Vec<String> = render(md, 80).iter().map(Line::text).collect();
    assert!(shown.contains(&"[1] https://a.example/".to_string()), "{shown:?}");
    assert!(shown.contains(&"[2] https://b.example/x".to_string()), "{shown:?}");
}
