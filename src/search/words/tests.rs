//! The tests of `words`.

use super::*;
use crate::search::words_build::Builder;

fn index(texts: &[[&str; 2]]) -> TextWords {
    let mut b = Builder::new();
    for t in texts {
        b.add(t);
    }
    b.finish()
}

#[test]
fn whole_words_word_starts_and_typos_are_found_per_post() {
    let w = index(&[
        ["", "Karpenter scales nodes."],
        ["Kubernetes 1.31 is out", "The Elli release."],
        ["", "nothing here but kubelets"],
    ]);
    let kube = w.lookup("kube", false);
    assert_eq!(w.tier(&kube, 0), None);
    assert_eq!(w.tier(&kube, 1), Some(Tier::Prefix));
    assert_eq!(w.tier(&kube, 2), Some(Tier::Prefix));
    let elli = w.lookup("elli", false);
    assert_eq!(w.tier(&elli, 1), Some(Tier::Word));
    assert_eq!(w.tier(&elli, 0), None);
    let typo = w.lookup("karpetner", true);
    assert_eq!(w.tier(&typo, 0), None);
    assert!(w.has_typo(&typo, 0));
    assert!(!w.has_typo(&typo, 1));
    // A word absent from the dictionary, before and after every word.
    assert_eq!(w.tier(&w.lookup("aaaa", false), 0), None);
    assert_eq!(w.tier(&w.lookup("zzzz", false), 2), None);
    // Out of range: nothing, never a panic.
    assert_eq!(w.tier(&kube, 99), None);
}

#[test]
fn posts_far_apart_are_found_through_their_packed_distances() {
    // Distances of one, two and three bytes: posts 0, 1, 200, 70_000.
    let mut b = Builder::new();
    for i in 0..70_001 {
        b.add(&["", if [0, 1, 200, 70_000].contains(&i) { "rare word" } else { "" }]);
    }
    let w = b.finish();
    let l = w.lookup("rare", false);
    let found: Vec<usize> = (0..70_001).filter(|&i| w.tier(&l, i) == Some(Tier::Word)).collect();
    assert_eq!(found, vec![0, 1, 200, 70_000]);
    assert_eq!(w.tier(&l, 69_999), None);
}

#[test]
fn an_index_built_from_parts_in_another_order_finds_what_one_built_in_order_finds() {
    // Three parts of entries (as the cache's blocks), the posts a
    // permutation of some of the entries (some left out: drafts).
    let entries: Vec<(String, String)> = (0..3000)
        .map(|i| (format!("tl{} Ärger", i % 31), format!("word{} common w{}", i % 997, i % 7)))
        .collect();
    let order: Vec<u32> = (0..3000u32).rev().filter(|i| i % 5 != 0).collect();
    let parts: Vec<&[(String, String)]> = entries.chunks(1100).collect();
    let by_entry = TextWords::build_from_parts(parts.len(), |i| Some(parts[i].to_vec()), 7).expect("built");
    assert_eq!(by_entry.generation, Some(7));
    let built = by_entry.clone().placed(&order).expect("placed");
    let picked: Vec<[&str; 2]> =
        order.iter().map(|&e| [entries[e as usize].0.as_str(), entries[e as usize].1.as_str()]).collect();
    let direct = TextWords::build(&picked, |t| *t);
    assert_eq!(built.len(), order.len());
    for term in ["ärger", "word10", "word9", "tl3", "commo", "w6", "wrod10", "absent"] {
        let (a, b) = (built.lookup(term, true), direct.lookup(term, true));
        for post in 0..order.len() {
            assert_eq!(built.tier(&a, post), direct.tier(&b, post), "{term} in post {post}");
            assert_eq!(built.has_typo(&a, post), direct.has_typo(&b, post), "{term} in post {post}");
        }
    }
    assert!(by_entry.clone().placed(&[3000]).is_none(), "no such entry");
    assert!(by_entry.clone().placed(&[5, 6, 5]).is_none(), "an entry twice");
    assert!(index(&[["a", "b"]]).placed(&[0]).is_none(), "an index by place");
    assert!(TextWords::build_from_parts(parts.len(), |i| (i != 1).then(|| parts[i].to_vec()), 7).is_none());
}

#[test]
fn the_index_built_on_several_cores_equals_the_one_built_piecewise() {
    let texts: Vec<[String; 2]> = (0..20_000)
        .map(|i| [format!("tl{} shared Ärger", i % 97), format!("word{} common w{} Straße", i % 1013, i % 7)])
        .collect();
    let refs: Vec<[&str; 2]> = texts.iter().map(|[a, b]| [a.as_str(), b.as_str()]).collect();
    let whole = TextWords::build(&refs, |t| *t);
    let piecewise = index(&refs);
    assert_eq!(whole, piecewise);
    assert_eq!(whole.len(), 20_000);
    let l = whole.lookup("ärger", false);
    assert_eq!(whole.tier(&l, 12_345), Some(Tier::Word));
    let l = whole.lookup("word10", false);
    assert_eq!(whole.tier(&l, 10), Some(Tier::Word));
    assert_eq!(whole.tier(&l, 100), Some(Tier::Prefix));
    assert_eq!(whole.tier(&l, 9), None);
}

/// Issue 25: after a writing of the cache that drops some entries,
/// keeps the rest in order and adds new ones at the end, the index
/// renumbered from the old one finds, post by post, what one built from
/// the new entries' text finds; a renumbering that does not keep the
/// order, or is for another count of entries, is refused.
#[test]
fn an_index_renumbered_for_changed_entries_equals_one_built_anew() {
    let text = |i: usize| (format!("tl{} Ärger", i % 31), format!("word{} common w{} id{i}", i % 997, i % 7));
    let old: Vec<(String, String)> = (0..3000).map(text).collect();
    let chunks: Vec<&[(String, String)]> = old.chunks(1100).collect();
    let before = TextWords::build_from_parts(chunks.len(), |i| Some(chunks[i].to_vec()), 1).expect("built");
    // Every seventh entry gone (changed or removed); three new ones,
    // one with a word no entry had, one with none at all.
    let mut renumbered = vec![u32::MAX; 3000];
    let mut now: Vec<(String, String)> = Vec::new();
    for (i, t) in old.iter().enumerate() {
        if i % 7 != 3 {
            renumbered[i] = now.len() as u32;
            now.push(t.clone());
        }
    }
    let fresh_from = now.len() as u32;
    let fresh = [("brandnew".to_string(), "word5 quokka".to_string()), (String::new(), String::new())];
    now.extend(fresh.iter().cloned());
    let texts: Vec<[&str; 2]> = fresh.iter().map(|(a, b)| [a.as_str(), b.as_str()]).collect();
    let after = before.renumbered(2, &renumbered, fresh_from, &texts).expect("renumbered");
    assert_eq!(after.generation, Some(2));
    assert_eq!(after.entries(), now.len());
    let chunks: Vec<&[(String, String)]> = now.chunks(1100).collect();
    let anew = TextWords::build_from_parts(chunks.len(), |i| Some(chunks[i].to_vec()), 2).expect("built");
    // The dictionary holds only words some entry has ("id3" went).
    assert_eq!(after.dict, anew.dict);
    assert_eq!(after, anew);
    // Placed, a post at a time, as the posts name them (some left out).
    let order: Vec<u32> = (0..now.len() as u32).rev().filter(|e| e % 5 != 2).collect();
    let (a, b) = (after.placed(&order).expect("placed"), anew.placed(&order).expect("placed"));
    for term in ["quokka", "brandnew", "word5", "id3", "id10", "ärger", "wrod10"] {
        let (la, lb) = (a.lookup(term, true), b.lookup(term, true));
        for post in 0..order.len() {
            assert_eq!(a.tier(&la, post), b.tier(&lb, post), "{term} in post {post}");
            assert_eq!(a.has_typo(&la, post), b.has_typo(&lb, post), "{term} in post {post}");
        }
    }
    let l = a.lookup("quokka", false);
    assert_eq!((0..order.len()).filter(|&p| a.tier(&l, p).is_some()).count(), 1);
    // Out of order, for other entries, or not by entry: refused.
    let mut swapped = renumbered.clone();
    swapped.swap(0, 1);
    assert!(before.renumbered(2, &swapped, fresh_from, &texts).is_none());
    assert!(before.renumbered(2, &renumbered[1..], fresh_from, &texts).is_none());
    assert!(before.renumbered(2, &renumbered, 5, &texts).is_none(), "new entries below kept ones");
    assert!(index(&[["a", "b"]]).renumbered(2, &[0], 1, &[]).is_none());
}
