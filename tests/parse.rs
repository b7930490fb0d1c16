//! Parsing real posts into fields.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

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
    assert_eq!(post.tags, [std::sync::Arc::from("kubernetes")]);
    assert_eq!(&*post.source, "Kubernetes Blog");
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
    let feed = feed::load(&feed::Source::Sample, &Default::default()).expect("sample");
    // Only the duplicate that shows folding: the ratatui release, filed twice.
    assert!(feed.problems.iter().all(|p| p.message.contains("the same link is in")), "{:?}", feed.problems);
    assert_eq!(feed.problems.len(), 1, "the pair, named once");
    assert!(feed.posts.len() >= 40);
    let sections: Vec<&str> = feed.sections.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(sections, ["links", "releases", "events", "blog"], "by their pages' weight");
    let kinds: std::collections::HashSet<&str> = feed.posts.iter().map(|p| &*p.kind).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(feed.posts.iter().filter(|p| p.draft).count(), 2);
    let tags: std::collections::HashSet<&str> =
        feed.posts.iter().flat_map(|p| p.tags.iter().map(|t| &**t)).collect();
    let sources: std::collections::HashSet<&str> = feed.posts.iter().map(|p| &*p.source).collect();
    assert!(tags.len() >= 15, "{} tags", tags.len());
    assert!(sources.len() >= 10, "{} sources", sources.len());
    let years: std::collections::HashSet<String> =
        feed.posts.iter().map(|p| p.day()[..4].to_string()).collect();
    assert!(years.len() >= 2);
    // Newest first.
    let stamps: Vec<i64> = feed.posts.iter().filter_map(|p| p.timestamp()).collect();
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]));
}

/// The fast front-matter reader agrees with serde_yaml on every file it
/// answers for: the real feed, the sample, the fixtures (hostile ones too).
#[test]
fn the_fast_front_matter_reader_agrees_with_serde_yaml() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for d in ["tests/data/real-feed", "sample-content", "tests/fixtures"] {
        common::md_files(&root.join(d), &mut files);
    }
    assert!(
        files.len() > 700,
        "{} Markdown files under tests/data/real-feed, sample-content and tests/fixtures; expected over 700",
        files.len()
    );
    let (mut answered, mut declined) = (0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        let Ok(parts) = linkfeed::feed::frontmatter::split(&text) else { continue };
        match linkfeed::feed::fastyaml::parse(parts.yaml) {
            Some(pairs) => {
                answered += 1;
                let fast: serde_yaml::Mapping =
                    pairs.into_iter().map(|(k, v)| (serde_yaml::Value::String(k.to_string()), v)).collect();
                let slow: Result<serde_yaml::Mapping, _> = serde_yaml::from_str(parts.yaml);
                assert_eq!(Some(&fast), slow.as_ref().ok(), "{}", f.display());
            }
            None => declined += 1,
        }
    }
    // Most real posts are in the subset; what is not goes to serde_yaml.
    eprintln!("fast reader: answered {answered}, declined {declined}");
    assert!(answered * 10 > (answered + declined) * 8, "answered {answered}, declined {declined}");
}
