//! Parsing real posts into fields.

mod common;
use common::fixture;
use linkfeed::feed;

#[test]
fn the_real_example_post() {
    let path = fixture("example-post.md");
    let bytes = std::fs::read(&path).expect("fixture");
    let (post, warnings) = feed::parse_bytes(&path, &bytes).expect("the example post loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(post.title, "Kubernetes v1.32: Penelope");
    assert_eq!(post.day(), "2024-12-11");
    assert_eq!(post.date.map(|d| d.to_rfc3339()).as_deref(), Some("2024-12-11T00:00:00+00:00"));
    assert_eq!(post.tags, ["kubernetes"]);
    assert_eq!(post.source, "Kubernetes Blog");
    assert_eq!(post.url, "https://kubernetes.io/blog/2024/12/11/kubernetes-v1-32-release/");
    assert_eq!(&*post.kind, "link");
    assert!(!post.draft);
    assert!(post.tldr.starts_with("Editors: Matteo Bianchi, Edith Puclla"));
    assert!(post.tldr.ends_with("the release of Kubernetes v1."));
    // YAML folding joined the summary's lines with spaces.
    assert!(post.summary.starts_with(
        "Editors: Matteo Bianchi, Edith Puclla, William Rizzo, Ryota Sawada, Rashan Smith Announcing"
    ));
    assert!(post.summary.ends_with("a key component of the Kubernetes resource management system."));
    assert!(!post.summary.contains('\n'));
    assert!(post.summary.contains("This release consists of 44 enhancements in total."));
}

#[test]
fn the_sample_feed_is_varied() {
    let feed = feed::load(&feed::Source::Sample).expect("sample");
    // Only the duplicate that shows folding: the ratatui release, filed twice.
    assert!(feed.problems.iter().all(|p| p.message.contains("the same link is in")), "{:?}", feed.problems);
    assert_eq!(feed.problems.len(), 2);
    assert!(feed.posts.len() >= 40);
    let sections: Vec<&str> = feed.sections.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(sections, ["links", "releases", "events", "blog"], "by their pages' weight");
    let kinds: std::collections::HashSet<&str> = feed.posts.iter().map(|p| &*p.kind).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(feed.posts.iter().filter(|p| p.draft).count(), 2);
    let tags: std::collections::HashSet<&String> = feed.posts.iter().flat_map(|p| &p.tags).collect();
    let sources: std::collections::HashSet<&String> = feed.posts.iter().map(|p| &p.source).collect();
    assert!(tags.len() >= 15, "{} tags", tags.len());
    assert!(sources.len() >= 10, "{} sources", sources.len());
    let years: std::collections::HashSet<String> =
        feed.posts.iter().map(|p| p.day()[..4].to_string()).collect();
    assert!(years.len() >= 2);
    // Newest first.
    let stamps: Vec<i64> = feed.posts.iter().filter_map(|p| p.timestamp()).collect();
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]));
}
