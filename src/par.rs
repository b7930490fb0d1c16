//! Work spread over the cores. A leaf: it knows nothing of posts.

/// `f` over `items` cut into one chunk per core (a single chunk below `min`
/// items, or on one core), the results in the items' order. A thread that
/// panics passes its panic on: results are never silently short, so they
/// can be matched to their items by position.
pub fn map_chunks<T: Sync, R: Send>(items: &[T], min: usize, f: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < min.max(2) {
        return f(items);
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let mut chunks = items.chunks(size);
        // The calling thread takes the first chunk itself: one thread fewer
        // to start, and its allocations come from its own, already grown,
        // heap (a new thread's first allocations grow a fresh one).
        let first = chunks.next().unwrap_or_default();
        let handles: Vec<_> = chunks.map(|c| s.spawn(move || f(c))).collect();
        let mut out = f(first);
        let parts: Vec<Vec<R>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect();
        out.reserve(parts.iter().map(Vec::len).sum());
        for mut part in parts {
            out.append(&mut part);
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::map_chunks;

    #[test]
    fn keeps_the_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = map_chunks(&items, 16, |c| c.iter().map(|x| x * 2).collect());
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(map_chunks(&items[..3], 16, |c| c.to_vec()), vec![0, 1, 2]);
    }
}
