//! The tests of `index`.

use super::*;
use crate::search::short_words::*;

/// A post with these short fields.
fn post(title: &str, tags: &[&str], source: &str) -> Post {
    Post {
        title: title.into(),
        tags: tags.iter().map(|&t| t.into()).collect(),
        source: source.into(),
        ..Post::default()
    }
}

#[test]
fn short_words_built_in_shares_are_the_words_of_every_post_in_order() {
    // Enough posts for several shares, words shared across them.
    let posts: Vec<Post> = (0..30_000)
        .map(|i| Post {
            title: format!("w{} common x{}", i % 977, i),
            tags: vec![format!("t{}", i % 13).into()],
            source: format!("s{}", i % 5).into(),
            ..Post::default()
        })
        .collect();
    let index = Index::new(&posts);
    let built = ShortWords::build(&index.short);
    // Each word's places, post by post, as one pass over every post finds them.
    let mut want: std::collections::BTreeMap<String, Vec<(u32, u8)>> = Default::default();
    for (i, p) in posts.iter().enumerate() {
        let fields = [
            (0u8, vec![p.title.clone()]),
            (1, p.tags.iter().map(|t| t.to_string()).collect()),
            (2, vec![p.source.to_string()]),
        ];
        for (f, texts) in fields {
            for text in texts {
                for w in text.split(' ') {
                    let v = want.entry(w.to_string()).or_default();
                    if v.last() != Some(&(i as u32, f)) {
                        v.push((i as u32, f));
                    }
                }
            }
        }
    }
    let got: Vec<(String, Vec<(u32, u8)>)> = (0..built.dict.len())
        .map(|w| {
            let (a, b) = (built.starts[w] as usize, built.starts[w + 1] as usize);
            let places = built.places[a..b].iter().map(|&pl| (pl >> 2, (pl & 3) as u8)).collect();
            (built.dict[w].to_string(), places)
        })
        .collect();
    assert_eq!(got, want.into_iter().collect::<Vec<_>>());
    assert!(built.sound(posts.len()));
}

#[test]
fn short_words_moved_to_the_posts_after_a_change_equal_those_built_anew() {
    let post = |i: usize| Post {
        title: format!("w{} common x{i}", i % 37),
        tags: vec![format!("t{}", i % 11).into(), "shared".into()],
        source: format!("s{}", i % 5).into(),
        ..Post::default()
    };
    let before: Vec<Post> = (0..20_000).map(post).collect();
    let old_index = Index::new(&before);
    let old = ShortWords::build(&old_index.short);
    // After: every third post gone, the rest in another order, new
    // posts among them (some with words no old post had).
    let mut kept: Vec<usize> = (0..20_000).filter(|i| i % 3 != 0).collect();
    kept.reverse();
    kept.rotate_left(777);
    let mut after: Vec<Post> = Vec::new();
    let mut moved = vec![u32::MAX; before.len()];
    for (k, &i) in kept.iter().enumerate() {
        if k % 50 == 0 {
            after.push(Post { title: format!("brand new {k}"), tags: vec!["fresh".into()], ..post(k) });
        }
        moved[i] = after.len() as u32;
        after.push(before[i].clone());
    }
    // The short fields taken from the old index for the posts that
    // were in it: the same as lower-cased anew, sections and kinds too
    // (one section's title changed since).
    let mut from = vec![u32::MAX; after.len()];
    for (o, &now) in moved.iter().enumerate().filter(|(_, n)| **n != u32::MAX) {
        from[now as usize] = o as u32;
    }
    for (i, p) in after.iter_mut().enumerate() {
        p.section = if i % 2 == 0 { "docs".into() } else { "blog".into() };
        p.section_title = if i % 2 == 0 { "Docs, renamed".into() } else { "Blog".into() };
    }
    assert_eq!(Index::moved(&after, &from, &old_index.short), Index::new(&after));
    let short = Index::new(&after).short;
    let renumbered = old.renumbered(&short, &moved).expect("a move");
    assert_eq!(renumbered, ShortWords::build(&short));
    // Not a move: another number of posts, a place past the posts or taken twice.
    assert!(old.renumbered(&short, &moved[1..]).is_none());
    let mut past = moved.clone();
    past[1] = after.len() as u32;
    assert!(old.renumbered(&short, &past).is_none());
    let mut twice = moved.clone();
    twice[1] = twice[2];
    assert!(old.renumbered(&short, &twice).is_none());
}

#[test]
fn short_words_come_back_from_their_bytes_and_only_from_whole_ones() {
    let posts = [
        post("Kube security", &["k8s", "sec"], "Blog"),
        post("", &[], ""),
        post("Straße Ärger", &["ümlaut"], "News"),
    ];
    for posts in [&posts[..], &posts[1..2], &[]] {
        let built = ShortWords::build(&Index::new(posts).short);
        let bytes = built.encode();
        assert_eq!(ShortWords::decode(&bytes).as_ref(), Some(&built), "{posts:?}");
        for cut in 0..bytes.len() {
            assert!(ShortWords::decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(ShortWords::decode(&longer).is_none());
    }
}

#[test]
fn short_words_read_from_a_file_are_used_only_when_they_can_be_the_posts() {
    let posts = vec![post("Kube security", &["k8s", "sec"], "Blog"), post("Apple", &["k8s"], "News")];
    let index = Index::new(&posts);
    let built = ShortWords::build(&index.short);
    assert!(built.sound(2), "as built: {built:?}");
    assert!(!built.sound(3), "for another number of posts");
    let broken: [&dyn Fn(&mut ShortWords); 6] = [
        &|w| w.places.make_mut()[0] = place(2, 0),
        &|w| w.places.make_mut()[0] |= 3,
        &|w| w.dict.swap(0, 1),
        &|w| *w.starts.make_mut().last_mut().expect("starts") += 1,
        &|w| w.tags.ids.make_mut()[0] = 9,
        &|w| {
            w.tags.starts.make_mut().pop();
        },
    ];
    for (i, breaks) in broken.iter().enumerate() {
        let mut w = ShortWords::build(&index.short);
        breaks(&mut w);
        assert!(!w.sound(2), "damage {i} refused");
    }
}
