//! The tests of `saved`.

use super::*;

fn post(title: &str, tags: &[&str], source: &str, tldr: &str, summary: &str) -> Post {
    Post {
        title: title.into(),
        tags: tags.iter().map(|&t| t.into()).collect(),
        source: source.into(),
        tldr: tldr.into(),
        summary: summary.into(),
        section: "docs".into(),
        section_title: "Docs".into(),
        kind: "link".into(),
        ..Post::default()
    }
}

#[test]
fn a_saved_index_comes_back_only_whole_and_for_the_same_posts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.index");
    let posts = vec![
        post(
            "Kubernetes 1.31 \"Elli\"",
            &["k8s", "release"],
            "Kubernetes Blog",
            "tl;dr",
            "Straße und Ärger.",
        ),
        post("", &[], "", "", ""),
        post("Karpenter", &["eks"], "AWS", "", "Nodes, scaled."),
    ];
    let index = Index::with_text(&posts);
    let k = key(&posts);
    save(&path, k, &index).expect("save");
    let back = load(&path, k).expect("loads back");
    assert_eq!(back.parts().0, index.parts().0);
    assert_eq!(back.parts().1, index.parts().1);
    // The words of the short fields come back built, as they were.
    assert_eq!(back.built_short_words(), Some(index.short_words()));
    // Other posts, another key: one changed character anywhere changes it.
    let mut other = posts.clone();
    other[2].summary = "Nodes, scaled!".into();
    assert_ne!(key(&other), k);
    let mut other = posts.clone();
    other[0].tags[1] = "releasf".into();
    assert_ne!(key(&other), k);
    assert!(load(&path, k ^ 1).is_none());
    // Mapped (as `list` opens it): the same index, its text and
    // numbers where they lie in the file.
    let mapped = load_mapped(&path, k).expect("maps back");
    assert_eq!(mapped, back);
    assert_eq!(mapped.built_short_words(), Some(index.short_words()));
    let words = mapped.parts().1.expect("words");
    assert!(words.postings.is_mapped() && words.word_starts.is_mapped() && mapped.short.hays.is_mapped());
    assert!(!back.parts().1.expect("words").postings.is_mapped(), "read, not mapped");
    // Saved over while mapped (a temporary file renamed over it): the
    // mapped index still reads what it read.
    save(&path, key(&posts[..1]), &Index::with_text(&posts[..1])).expect("save");
    assert_eq!(mapped, back);
    assert_eq!(mapped.hay(2).map(|h| h.text), Some("karpenter\neks\naws"));
    save(&path, k, &index).expect("save");
    // Truncated anywhere, or any byte flipped: refused, never a panic.
    let bytes = std::fs::read(&path).expect("read");
    for cut in 0..bytes.len() {
        std::fs::write(&path, &bytes[..cut]).expect("write");
        assert!(load(&path, k).is_none(), "cut at {cut}");
        assert!(load_mapped(&path, k).is_none(), "cut at {cut}, mapped");
    }
    for at in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[at] ^= 0x41;
        std::fs::write(&path, &bad).expect("write");
        assert!(load(&path, k).is_none(), "flip at {at}");
        assert!(load_mapped(&path, k).is_none(), "flip at {at}, mapped");
    }
    // No posts: saves and loads too.
    let empty = Index::with_text(&[]);
    save(&path, key(&[]), &empty).expect("save");
    assert_eq!(load(&path, key(&[])).map(|i| i.len()), Some(0));
    assert_eq!(load_mapped(&path, key(&[])).map(|i| i.len()), Some(0));
}

/// Issue 25: a word index by cache entry comes back with its entries'
/// places and its writing, whole or not at all; `load_words` gives it
/// only for that writing, whatever posts it was saved for, and never an
/// index by place.
#[test]
fn an_index_by_entry_comes_back_for_its_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.index");
    let posts = vec![
        post("Alpha", &["a"], "S", "first", "zeppelin over the bay"),
        post("Beta", &[], "S", "", "quokka"),
        post("Gamma", &["g"], "T", "third", "zeppelin again"),
    ];
    // Four entries; the posts are entries 3, 0 and 2 (entry 1 a draft).
    let texts = [
        ("first", "zeppelin over the bay"),
        ("x", "draft words"),
        ("third", "zeppelin again"),
        ("", "quokka"),
    ];
    let part = |_: usize| Some(texts.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect());
    let words = TextWords::build_from_parts(1, part, 42).expect("built");
    let order = [0, 3, 2];
    let mut index = Index::new(&posts);
    index.set_text(std::sync::Arc::new(words.clone().placed(&order).expect("placed")));
    save(&path, 9, &index).expect("save");
    let back = load(&path, 9).expect("loads back");
    assert_eq!(back.parts().1, index.parts().1);
    assert_eq!(
        back.parts().1.map(|w| (w.generation, w.place_of.to_vec())),
        Some((Some(42), vec![0, u32::MAX, 2, 1]))
    );
    let l = back.parts().1.map(|w| w.lookup("zeppelin", false)).expect("words");
    let w = back.parts().1.expect("words");
    let found: Vec<usize> = (0..3).filter(|&p| w.tier(&l, p).is_some()).collect();
    assert_eq!(found, vec![0, 2]);
    assert_eq!(load_words(&path, 42).map(|w| w.entries()), Some(4));
    assert!(load_words(&path, 41).is_none(), "another writing");
    // Damaged anywhere but the key (which names the posts, not the
    // words): refused.
    let bytes = std::fs::read(&path).expect("read");
    let key_at = head_len() - 8..head_len() - 4;
    for at in (0..bytes.len()).filter(|at| !key_at.contains(at)) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        std::fs::write(&path, &bad).expect("write");
        assert!(load_words(&path, 42).is_none(), "flip at {at}");
    }
    // An index by place is never taken for one by entry.
    save(&path, 9, &Index::with_text(&posts)).expect("save");
    assert!(load(&path, 9).is_some());
    assert!(load_words(&path, 42).is_none());
}
