//! The query language against posts: what matches, and in which order.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;
use linkfeed::post::Post;
use linkfeed::search::{Matcher, Query};

fn post(title: &str, day: &str, tags: &[&str], source: &str, summary: &str) -> Post {
    Post {
        path: format!("{title}.md").into(),
        title: title.into(),
        date: linkfeed::feed::frontmatter::parse_date(day),
        tags: tags.iter().map(|&t| t.into()).collect(),
        source: source.into(),
        url: String::new(),
        kind: "link".into(),
        draft: false,
        tldr: String::new(),
        summary: summary.into(),
        ..Post::default()
    }
}

/// Titles of the posts `q` selects, in order. `posts` must be newest first.
fn titles(posts: &[Post], q: &str) -> Vec<String> {
    Matcher::default()
        .filter(&Query::parse(q), posts)
        .into_iter()
        .map(|m| posts[m.idx].title.clone())
        .collect()
}

/// The posts of the repository's copy of the real feed.
/// Each query's matches over `posts` with the index `a` and with `b`,
/// which must be the same; how many matches there were in all.
fn same_matches(
    posts: &[Post],
    queries: &[impl AsRef<str>],
    a: &linkfeed::search::Index,
    b: &linkfeed::search::Index,
) -> usize {
    let m = Matcher::at(common::TEST_NOW);
    let mut matched = 0;
    for q in queries {
        let q = Query::parse(q.as_ref());
        let found = m.filter_within(&q, posts, a, None);
        assert_eq!(found, m.filter_within(&q, posts, b, None), "{q:?}");
        matched += found.len();
    }
    matched
}

fn real_posts() -> Vec<Post> {
    let source = linkfeed::feed::Source::Dir(common::real_feed());
    linkfeed::feed::load(&source, &Default::default()).expect("the real feed loads").posts
}

fn feed() -> Vec<Post> {
    vec![
        post("Mesh news", "2025-03-01", &["service-mesh"], "Linkerd Blog", "kube is everywhere now"),
        post("Kube tips and tricks", "2025-02-01", &["tooling"], "Personal Blog", "Handy things."),
        post("Pipelines on Kubeflow", "2025-01-01", &["kubeflow", "ml"], "Kubeflow Blog", "Training."),
        post("Cluster upgrades", "2024-12-01", &["kubernetes"], "CNCF Blog", "Upgrading safely."),
        post("Rust async in practice", "2024-11-01", &["rust", "async"], "Rust Blog", "Futures and tasks."),
        post("Gateway routing", "2024-10-01", &["gateway-api", "envoy"], "Envoy Proxy Blog", "Routes."),
        post("Great apps to eat", "2024-09-01", &["food"], "Cooking", "Recipes."),
    ]
}

#[test]
fn a_tag_term_matches_tags_only() {
    let f = feed();
    // "Kube tips" has kube only in its title; "Mesh news" only in its summary.
    assert_eq!(titles(&f, "#kube"), ["Pipelines on Kubeflow", "Cluster upgrades"]);
    assert_eq!(titles(&f, "#\"kubeflow\""), ["Pipelines on Kubeflow"]);
    assert!(titles(&f, "#\"kube\"").is_empty(), "an exact tag is the whole tag");
}

#[test]
fn a_word_looks_in_title_tags_source_and_summary() {
    let f = feed();
    let got = titles(&f, "kube");
    // Issue 22's rule: the field first (title beats tags beats summary),
    // then the tier within it (the whole word beats a word's start).
    assert_eq!(got, ["Kube tips and tricks", "Pipelines on Kubeflow", "Cluster upgrades", "Mesh news"]);
}

#[test]
fn typos_are_tolerated_in_short_fields() {
    let f = feed();
    assert_eq!(titles(&f, "kubrnetes"), ["Cluster upgrades"]);
    assert_eq!(titles(&f, "rst asnc"), ["Rust async in practice"]);
}

#[test]
fn contiguous_beats_scattered() {
    let f = feed();
    assert_eq!(titles(&f, "gate"), ["Gateway routing"]);
    // g-a-t-e is in "Great apps to eat", spread over four words: never a match.
    assert!(!titles(&f, "gate").contains(&"Great apps to eat".to_string()));
    // Letters in order within two neighbouring words still match, below words.
    assert_eq!(titles(&f, "grtapp"), ["Great apps to eat"]);
}

#[test]
fn source_terms() {
    let f = feed();
    assert_eq!(titles(&f, "source:envoy"), ["Gateway routing"]);
    assert_eq!(titles(&f, "@rust"), ["Rust async in practice"]);
    assert!(titles(&f, "@rustblog").is_empty(), "a source term means the source's words");
    assert_eq!(titles(&f, "source:\"cncf blog\""), ["Cluster upgrades"]);
    // Source and tag only: newest first, not by score.
    assert_eq!(
        titles(&f, "@blog"),
        [
            "Mesh news",
            "Kube tips and tricks",
            "Pipelines on Kubeflow",
            "Cluster upgrades",
            "Rust async in practice",
            "Gateway routing"
        ]
    );
}

#[test]
fn phrases_are_literal() {
    let f = feed();
    assert_eq!(titles(&f, "\"upgrading safely\""), ["Cluster upgrades"]);
    assert!(titles(&f, "\"upgrading  safely\"").is_empty());
    assert_eq!(titles(&f, "\"in practice"), ["Rust async in practice"], "an unclosed quote runs to the end");
}

#[test]
fn negation_excludes() {
    let f = feed();
    assert_eq!(titles(&f, "#kube -#kubeflow"), ["Cluster upgrades"]);
    assert_eq!(
        titles(&f, "@blog -source:kubeflow -@cncf -@envoy -@rust -@linkerd"),
        ["Kube tips and tricks"]
    );
    assert_eq!(titles(&f, "-\"e\"").len(), 0, "every post has an e somewhere");
}

#[test]
fn all_terms_must_hold() {
    let f = feed();
    assert_eq!(titles(&f, "rust #async"), ["Rust async in practice"]);
    assert!(titles(&f, "rust #kubernetes").is_empty());
}

#[test]
fn smart_case() {
    let f = feed();
    assert_eq!(titles(&f, "Kube"), ["Kube tips and tricks", "Pipelines on Kubeflow"], "case-sensitive");
    assert!(titles(&f, "KUBE").is_empty());
    assert_eq!(titles(&f, "#Kube").len(), 0, "tags are lower case");
}

#[test]
fn ties_go_newest_first() {
    let f = vec![
        post("Same words", "2025-01-02", &[], "", ""),
        post("Same words", "2025-01-01", &[], "", ""),
        post("Same words", "2024-01-01", &[], "", ""),
    ];
    let m = Matcher::default().filter(&Query::parse("same"), &f);
    assert_eq!(m.iter().map(|m| m.idx).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn malformed_queries_are_literal_not_errors() {
    let f = feed();
    assert!(titles(&f, "#").is_empty(), "nothing holds a #");
    assert!(titles(&f, "source:").is_empty());
    assert!(titles(&f, "-").is_empty(), "a lone dash is looked for literally, at a word's start");
    let q = Query::parse("# source: ok");
    assert_eq!(q.problems.len(), 2, "{:?}", q.problems);
    assert!(q.problems[0].contains("`#` needs a tag"), "{:?}", q.problems);
    assert_eq!(titles(&f, "").len(), f.len());
}

#[test]
fn highlights_follow_the_match() {
    let m = Matcher::default();
    let q = Query::parse("kube \"tricks\"");
    assert_eq!(
        m.highlights(&q, linkfeed::search::Scope::Any, "Kube tips and tricks"),
        [0, 1, 2, 3, 14, 15, 16, 17, 18, 19]
    );
    let q = Query::parse("#kube");
    assert!(
        m.highlights(&q, linkfeed::search::Scope::Any, "Kube tips").is_empty(),
        "tag terms do not light up titles"
    );
}

/// The word index of the long text is a faster way to the same answer: every
/// query gives the same posts, scores and order with it as by scanning the
/// text, on the real feed (and on posts written to catch its edges: case,
/// non-ASCII words, typos, word starts inside punctuation).
#[test]
fn the_word_index_of_the_text_changes_no_result() {
    use linkfeed::search::Index;
    let mut posts = real_posts();
    posts.push(post(
        "Edge one",
        "2020-01-01",
        &["x"],
        "S",
        "Straße und ÄRGER; Kubernetes-operators, v1.31 Elli",
    ));
    posts.push(post("Edge two", "2019-01-01", &["y"], "T", "kubernets karpetner observabilty ELLI elli's"));
    posts.push(post("Edge three", "2018-01-01", &["z"], "U", ""));
    let queries = [
        "kubernetes",
        "kube",
        "kubernets",
        "karpenter",
        "observability",
        "elli",
        "Elli",
        "ELLI",
        "straße",
        "ärger",
        "Ärger",
        "'kube",
        "'kubernetes",
        "-kubernetes",
        "kubernetes upgrade",
        "release notes",
        "sec",
        "upgrade -kube",
        "v1.31",
        "\"service mesh\"",
        "octant",
        "gatewey",
        "helm chart",
        "ope",
        "operators",
        "Kubernetes",
        "kuber",
        "zzzzqq",
        "istio ambient",
        "#eks cluster",
    ];
    let plain = Index::new(&posts);
    let indexed = Index::with_text(&posts);
    assert!(indexed.has_text() && !plain.has_text());
    let mut matched = same_matches(&posts, &queries, &plain, &indexed);
    // Terms made from the feed's own words, every 61st word of every 9th
    // post: whole, cut to a word start, with a letter dropped (a typo), and
    // as scattered letters (tier 4 only) -- each alone and after another term.
    let mut derived = Vec::new();
    for p in posts.iter().step_by(9) {
        let text = format!("{} {}", p.title, p.summary);
        for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 5).step_by(61) {
            let w = w.to_lowercase();
            let chars: Vec<char> = w.chars().collect();
            derived.push(w.clone());
            derived.push(chars[..4].iter().collect());
            derived.push(chars.iter().enumerate().filter(|(i, _)| *i != 2).map(|(_, c)| *c).collect());
            derived.push(chars.iter().step_by(2).collect());
            derived.push(format!("kube {w}"));
        }
    }
    // Every fifth, a couple of hundred: enough kinds, and quick in a debug build.
    let derived: Vec<String> = derived.into_iter().step_by(5).collect();
    assert!(derived.len() > 150, "{}", derived.len());
    matched += same_matches(&posts, &derived, &plain, &indexed);
    // The queries do find posts (the comparison is not between two empties).
    assert!(matched > 500, "{matched}");
}

/// A query of several terms matched term by term (each next term scored
/// only over what the terms before it matched, as the reader does while
/// they are typed; what a one-shot `list -q` does) lists the same posts in
/// the same order, with the same notes about loose terms, as the query
/// matched over every post at once: with and without the word index of the
/// text, for words, typos, scattered letters, negations, tags, sources,
/// phrases and terms nothing holds.
#[test]
fn a_query_matched_term_by_term_lists_what_it_lists_at_once() {
    use linkfeed::search::Index;
    use linkfeed::search::order::{Order, arrange};
    let posts = real_posts();
    let mut queries: Vec<String> = [
        "kube sec",
        "kubernetes upgrade",
        "release notes",
        "upgrade -kube",
        "kube -#kubernetes",
        "#eks cluster",
        "istio ambient",
        "helm chart",
        "gatewey api",
        "zzzzqq kube",
        "kube zzzzqq",
        "kbe scrty",
        "\"service mesh\" istio",
        "source:kubernetes release",
        "@aws karpenter",
        "Kubernetes release",
        "k8s 1.31",
        "a b",
        "ku be rn",
        "-kube -helm",
        "kube kube",
        "release #release notes 1.30",
    ]
    .map(String::from)
    .to_vec();
    // Pairs and triples of the feed's own words: whole, cut, with a typo.
    let words: Vec<String> = posts
        .iter()
        .step_by(13)
        .flat_map(|p| {
            p.title.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).collect::<Vec<_>>()
        })
        .filter(|w| w.chars().count() >= 4)
        .collect();
    for (i, pair) in words.windows(3).enumerate().step_by(29) {
        let cut: String = pair[1].chars().take(3).collect();
        let typo: String = pair[2].chars().enumerate().filter(|(k, _)| *k != 1).map(|(_, c)| c).collect();
        queries.push(format!("{} {}", pair[0], pair[1]));
        queries.push(format!("{} {cut} {typo}", pair[0]));
        if i % 2 == 0 {
            queries.push(format!("{typo} -{}", pair[1]));
        }
    }
    assert!(queries.len() > 40, "{}", queries.len());
    let m = Matcher::at(common::TEST_NOW);
    let order = Order { newest: false, ranks: None, now: common::TEST_NOW };
    let mut listed = 0;
    // Without the words of the short fields (a one-shot run: each term
    // scanned over what the ones before matched) and with them (as the
    // reader: the first word looked up, the closest class narrowed).
    let built = |i: Index| {
        i.prepare_short_words();
        i
    };
    let indexes = [
        Index::new(&posts),
        Index::with_text(&posts),
        built(Index::new(&posts)),
        built(Index::with_text(&posts)),
    ];
    for index in indexes {
        for q in &queries {
            let q = Query::parse(q);
            let (mut at_once, _) = m.matches_within_lazily(&q, &posts, &index, None);
            let (mut by_term, _) = m.matches_term_by_term(&q, &posts, &index);
            let loose_at_once = arrange(&q, &mut at_once, &posts, &order);
            let loose_by_term = arrange(&q, &mut by_term, &posts, &order);
            assert_eq!(by_term, at_once, "{q:?}");
            assert_eq!(loose_by_term, loose_at_once, "{q:?}");
            listed += at_once.len();
        }
    }
    assert!(listed > 1000, "{listed}");
}

/// A tag term gives the same posts, scores and order whether its tiers
/// come from the distinct tags (once the words of the short fields are
/// built, as the reader has them after its first idle moment) or from each
/// post's tags one by one.
#[test]
fn a_tag_term_matched_by_distinct_tags_changes_no_result() {
    use linkfeed::search::Index;
    let mut posts = real_posts();
    posts.push(post("Edge one", "2020-01-01", &["Kubernetes", "kube-ops", "ÄRGER"], "S", ""));
    posts.push(post("Edge two", "2019-01-01", &["straße", "k8s", "kubernets"], "T", ""));
    posts.push(post("Edge three", "2018-01-01", &[], "U", "kubernetes in the summary only"));
    let plain = Index::new(&posts);
    let built = Index::new(&posts);
    built.prepare_short_words();
    assert!(built.has_short_words() && !plain.has_short_words());
    let mut queries: Vec<String> = [
        "#k",
        "#ku",
        "#kub",
        "#kubernetes",
        "#kubernets",
        "#kubernetse",
        "#Kubernetes",
        "#ärger",
        "#ÄRGER",
        "#straße",
        "#ops",
        "#gateway envoy",
        "-#kubernetes",
        "#eks cluster",
        "#zzzq",
        "#\"kubeflow\"",
        "#'kube",
        "#ml",
        "#a",
        "kube #k8s",
        "#kube -#ops",
    ]
    .map(String::from)
    .to_vec();
    // Every distinct tag of the feed: whole, its first three letters, and
    // with its third letter dropped (a typo).
    let mut tags: Vec<String> = posts.iter().flat_map(|p| p.tags.iter().map(|t| t.to_lowercase())).collect();
    tags.sort();
    tags.dedup();
    assert!(tags.len() > 30, "{}", tags.len());
    for t in &tags {
        let chars: Vec<char> = t.chars().collect();
        queries.push(format!("#{t}"));
        queries.push(format!("#{}", chars.iter().take(3).collect::<String>()));
        if chars.len() > 4 {
            queries.push(format!(
                "#{}",
                chars.iter().enumerate().filter(|(i, _)| *i != 2).map(|(_, c)| c).collect::<String>()
            ));
        }
    }
    let matched = same_matches(&posts, &queries, &plain, &built);
    assert!(matched > 1000, "{matched}");
}

/// Issue 22: a term keeps only the posts that hold it (a whole word or a
/// word start) when any does; a typo counts only when none does, letters in
/// order only when no typo either.
#[test]
fn fuzz_is_the_last_resort() {
    let posts = vec![
        post("Knative Serving 1.15", "2025-03-05", &["serverless"], "Knative Blog", "Scale to zero."),
        post("Cloud Native meetup", "2025-03-04", &["community"], "Meetup", "Cloud native talks."),
        post("Linkerd 2.16 released", "2025-03-03", &["service-mesh"], "Buoyant", "Mesh news."),
        post("Release v1.2", "2025-03-02", &[], "GitHub", "Binary downloads are linked below."),
        post("Karpenter consolidation", "2025-03-01", &["autoscaling"], "AWS Blog", "Nodes, fewer."),
        post("Carpenter tools", "2025-02-28", &["wood"], "Workshop", "Saws."),
        post("The k8s gateway API", "2025-02-27", &["networking"], "SIG Network", "Routes."),
        post("Security attacks", "2025-02-26", &["security"], "Blog", "Defence."),
        post("Running AKS well", "2025-02-25", &["azure"], "Azure Blog", "Clusters."),
    ];
    assert_eq!(titles(&posts, "knative"), ["Knative Serving 1.15"], "not every Cloud Native post");
    assert_eq!(titles(&posts, "linkerd"), ["Linkerd 2.16 released"], "not every 'linked'");
    assert_eq!(titles(&posts, "aks"), ["Running AKS well"], "not 'attacks'");
    assert_eq!(titles(&posts, "AKS"), ["Running AKS well"], "a capital: the same kind of set");
    // No post holds the typo: its close matches (a typo) are listed.
    assert_eq!(titles(&posts, "karpetner"), ["Karpenter consolidation"]);
    // No typo either: letters in order.
    assert_eq!(titles(&posts, "k8sgw"), ["The k8s gateway API"]);
    // Each term decides for itself: "mesh" holds, "karpetner" is loose.
    assert_eq!(titles(&posts, "knativ"), ["Knative Serving 1.15"], "a word start holds");
    let q = Query::parse("karpetner");
    let mut m = Matcher::default().filter_within(&q, &posts, &linkfeed::search::Index::new(&posts), None);
    let loose = linkfeed::search::closest(&q, &mut m);
    assert_eq!(loose, [linkfeed::search::Loose { text: "karpetner".into(), looseness: 1 }]);
    assert_eq!(
        linkfeed::search::Loose::message(&loose).as_deref(),
        Some("no post has 'karpetner': showing close matches")
    );
}

/// Issue 22: among posts that hold the term, the title above tags, source,
/// then summary; a whole word above a word start in the same field; newest
/// first among equals.
#[test]
fn ranking_among_real_matches_is_field_then_word_then_date() {
    let posts = vec![
        post("In the summary", "2025-03-09", &[], "Blog", "All about helm charts."),
        post("Tagged", "2025-03-08", &["helm"], "Blog", "Nothing."),
        post("From the source", "2025-03-07", &[], "Helm Blog", "Nothing."),
        post("Helmsman in a title", "2025-03-06", &[], "Blog", "Nothing."),
        post("Helm in a title", "2025-03-05", &[], "Blog", "Nothing."),
        post("Helm again, older", "2025-03-04", &[], "Blog", "Nothing."),
    ];
    assert_eq!(
        titles(&posts, "helm"),
        [
            "Helm in a title",
            "Helm again, older",
            "Helmsman in a title",
            "Tagged",
            "From the source",
            "In the summary"
        ]
    );
}
