//! The tests of `extract`.

use super::*;

fn page(body: &str) -> String {
    format!(
        "<html><head><title>Big News - The Daily</title><meta property=\"og:site_name\" content=\"The Daily\"></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
         <script>var tracker = 'SCRIPT-TEXT';</script>\
         <article><h1>Big News</h1>{body}</article>\
         <aside class=\"comments\"><p>COMMENT: first!</p></aside>\
         <footer>FOOTER-TEXT</footer></body></html>"
    )
}

#[test]
fn keeps_the_paragraphs_in_order_and_drops_the_rest() {
    let paras: Vec<String> = (1..=8)
        .map(|i| format!("<p>Paragraph {i} says something long enough to count as prose, with words that run on about the matter at hand, the people in it and what they did next.</p>"))
        .collect();
    let r = readable(&page(&paras.concat()), "https://daily.example/big-news").expect("an article");
    let at = |s: &str| r.markdown.find(s).unwrap_or_else(|| panic!("{s} missing from {}", r.markdown));
    assert!(at("Paragraph 1 ") < at("Paragraph 2 ") && at("Paragraph 7 ") < at("Paragraph 8 "));
    for junk in ["SCRIPT-TEXT", "tracker", "FOOTER-TEXT", "Home"] {
        assert!(!r.markdown.contains(junk), "{junk} in {}", r.markdown);
    }
    assert_eq!(r.site.as_deref(), Some("The Daily"));
    assert!(r.words >= MIN_WORDS);
}

#[test]
fn a_page_with_little_text_is_not_an_article() {
    let e = readable(&page("<p>Sign in to read on.</p>"), "https://daily.example/x")
        .expect_err("too short")
        .to_string();
    assert!(e.starts_with("not an article: ") && e.contains("words extracted"), "{e}");
}

#[test]
fn a_page_built_to_fight_back_is_refused_before_it_is_parsed() {
    let para = "<p>A sentence long enough to be prose, and then some more words after it.</p>";
    let deep = format!("{}{}x{}", para.repeat(30), "<div>".repeat(100_000), "</div>".repeat(100_000));
    let e = readable(&deep, "https://x.example/").expect_err("too deep").to_string();
    assert!(e.contains("nests elements") && e.contains("more than 1000"), "{e}");
    let wide = format!("{}{}", para.repeat(30), "<span>x</span>".repeat(210_000));
    let e = readable(&wide, "https://x.example/").expect_err("too many").to_string();
    assert!(e.contains("elements, more than 200000"), "{e}");
    // Paragraphs, list items and void elements left open are no depth.
    let open = format!(
        "<html><body><article>{}</article></body></html>",
        "<p>An open paragraph with words enough to count for something here.<br><img src=x>".repeat(400)
    );
    assert!(too_complex(&open).is_none());
}

/// Issue 36: length counts every script; a short story is an article
/// when the page says it is one, or is a few paragraphs of prose; a
/// page of links is not, however long.
#[test]
fn what_is_an_article_is_decided_by_what_the_page_is() {
    assert_eq!(text_length("Three plain words"), 3);
    assert_eq!(text_length("東京都は新しい計画を発表した。"), 14);
    assert_eq!(text_length("서울시는 발표했다"), 8);
    assert_eq!(text_length("Kubernetes 1.34 版本发布"), 6);
    let sentence = "The council met on Tuesday and voted on the riverside plan.";
    let short: String = (0..6).map(|_| sentence).collect::<Vec<_>>().join(" ");
    let marked = format!(
        "<html><head><script type=\"application/ld+json\">{{\"@type\": \"NewsArticle\"}}</script></head>\
         <body><article><h1>Plan</h1><p>{short}</p></article></body></html>"
    );
    let r = readable(&marked, "https://news.example/a").expect("a short news story");
    assert!(r.words < MIN_WORDS && r.words >= MIN_WORDS_MARKED, "{}", r.words);
    let og = marked.replace(
        "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\"}</script>",
        "<meta property=\"og:type\" content=\"article\">",
    );
    assert!(readable(&og, "https://news.example/a").is_ok());
    let cjk = format!(
        "<html><body><article><h1>計画</h1><p>{}</p><p>{}</p></article></body></html>",
        "東京都は新しい交通計画を発表し、市民の意見を募集すると述べた。".repeat(4),
        "計画は来年の春から段階的に実施される予定で、費用は約百億円とされる。".repeat(4)
    );
    let r = readable(&cjk, "https://news.example/jp").expect("a Japanese story");
    assert!(r.words > 100, "{}", r.words);
    // A list of headlines, long as it is, is not an article.
    let links: String = (0..80)
        .map(|i| format!("<li><a href=\"/s/{i}\">Headline number {i} about the plan</a></li>"))
        .collect();
    let index = format!("<html><body><main><h1>Latest</h1><ul>{links}</ul></main></body></html>");
    let r = readable(&index, "https://news.example/");
    assert!(r.is_err(), "{:?}", r.map(|r| r.markdown.chars().take(300).collect::<String>()));
}

/// Issue 36: furniture inside the article goes; the text stays.
#[test]
fn boilerplate_inside_the_article_goes_and_the_text_stays() {
    let story = "The council approved the plan on Tuesday after a long debate.";
    let md = [
        story,
        "Photo: Jane Doe, AP",
        "Image 1 of 8",
        "Caption",
        "Close",
        "A crowd gathers outside the hall before the vote.",
        "Whatsapp Facebook Twitter Email",
        "A crowd gathers outside the hall before the vote.",
        "## Most read",
        "- [Another story](https://x.example/1)\n- [A third one](https://x.example/2)",
        "The second part of the story explains what the plan costs and who pays.",
        "SEE MORE",
        "DON'T MISS",
        "GETTY IMAGES",
        "Comments are moderated and may take a while to appear.",
        "The plan, she said, is only the start of the work.",
    ]
    .join("\n\n");
    let got = drop_boilerplate(&md);
    for kept in [story, "A crowd gathers", "The second part", "only the start"] {
        assert!(got.contains(kept), "{kept} lost: {got}");
    }
    for gone in [
        "Photo:",
        "Image 1 of 8",
        "Caption",
        "Close",
        "Whatsapp",
        "Most read",
        "Another story",
        "SEE MORE",
        "DON'T MISS",
        "GETTY",
        "moderated",
    ] {
        assert!(!got.contains(gone), "{gone} kept: {got}");
    }
    assert_eq!(got.matches("A crowd gathers").count(), 1, "{got}");
    // A paragraph about photos or sharing is prose, not furniture.
    let prose = "The photo agency said it would share the images with every newspaper in the region.";
    assert_eq!(drop_boilerplate(prose), prose);
}

#[test]
fn a_tables_caption_is_kept() {
    assert_eq!(
        captions_as_paragraphs("<TABLE><Caption class=x>Prices</CAPTION>"),
        "<TABLE><p class=x>Prices</p>"
    );
    assert_eq!(
        captions_as_paragraphs("<p>no caption word in a tag: captions</p>"),
        "<p>no caption word in a tag: captions</p>"
    );
    let words = "Prices rose in every market the survey covered this year. ".repeat(20);
    let html = format!(
        "<html><body><article><h1>Prices</h1><p>{words}</p><table><caption>Median price by year</caption>\
         <tr><td>2024</td><td>10</td></tr></table><p>{words}</p></article></body></html>"
    );
    let r = readable(&html, "https://news.example/p").expect("an article");
    assert!(r.markdown.contains("Median price by year"), "{}", r.markdown);
}

#[test]
fn full_stops_are_not_escaped_and_bidi_controls_are_dropped() {
    assert_eq!(tidy_escapes("It ran in a loop\\. Then it stopped\\."), "It ran in a loop. Then it stopped.");
    assert_eq!(tidy_escapes("1986\\. A good year"), "1986\\. A good year");
    assert_eq!(tidy_escapes("a path C:\\\\.git"), "a path C:\\\\.git");
    let text = clean("left \u{202e}txt.exe\u{202c} [a](https://x.example/\u{2066}y\u{2069})\n`code\u{202e}`");
    assert!(!text.chars().any(is_bidi_control), "{text:?}");
    assert!(text.contains("[a](https://x.example/y)"), "{text}");
}

#[test]
fn control_characters_never_come_through() {
    let body = format!("<p>{}</p>", "Escape \u{1b}[31mred\u{1b}[0m and bell \u{7} here. ".repeat(40));
    let r = readable(&page(&body), "https://daily.example/x").expect("an article");
    assert!(!r.markdown.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{:?}", r.markdown);
}
