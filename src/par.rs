//! Work spread over the cores, on rayon's pools: no thread is started per
//! call (a keystroke's scan, a block of the cache), the threads live as
//! long as the process. A leaf: it knows nothing of posts.
//!
//! Two shapes: [`map_chunks`] (an even split, results in order) and
//! [`workers`] (a few long-running workers that pull work from a shared
//! counter, each with its own state: uneven items, few large allocations).
//! Reading files waits on the disk more than on the cores: [`io_pool`] has
//! more threads than cores for that.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, OnceLock};

/// `f` over `items` cut into one chunk per core (a single chunk below `min`
/// items, or on one core), the results in the items' order. A chunk that
/// panics passes its panic on: results are never silently short, so they
/// can be matched to their items by position.
pub fn map_chunks<T: Sync, R: Send>(items: &[T], min: usize, f: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    map_chunks_at(items, min, |_, chunk| f(chunk))
}

/// [`map_chunks`], `f` also given where its chunk starts among the items.
pub fn map_chunks_at<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(usize, &[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    use rayon::prelude::*;
    let threads = rayon::current_num_threads();
    if threads < 2 || items.len() < min.max(2) {
        return f(0, items);
    }
    let size = items.len().div_ceil(threads);
    let parts: Vec<Vec<R>> = items.par_chunks(size).enumerate().map(|(k, c)| f(k * size, c)).collect();
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for mut part in parts {
        out.append(&mut part);
    }
    out
}

/// Runs `threads` workers on `pool` (rayon's global pool when `None`), each
/// calling `work` once (it loops over what it pulls from a counter it
/// shares) and returning its own state: the states, one per worker, `None`
/// for a worker that panicked (the caller says what that means; the
/// process goes on).
pub fn workers<A: Send>(
    pool: Option<&rayon::ThreadPool>,
    threads: usize,
    work: impl Fn() -> A + Sync,
) -> Vec<Option<A>> {
    let slots: Vec<Mutex<Option<A>>> = (0..threads.max(1)).map(|_| Mutex::new(None)).collect();
    let run = || {
        rayon::scope(|s| {
            for slot in &slots {
                let work = &work;
                s.spawn(move |_| {
                    if let Ok(a) = catch_unwind(AssertUnwindSafe(work))
                        && let Ok(mut slot) = slot.lock()
                    {
                        *slot = Some(a);
                    }
                });
            }
        })
    };
    match pool {
        Some(p) => p.install(run),
        None => run(),
    }
    slots.into_iter().map(|m| m.into_inner().ok().flatten()).collect()
}

/// Threads for reading files: more than the cores (reads wait on the disk,
/// and many in flight keep it busy; measured in BENCHMARKS.md): `threads`
/// of them, made on first use and kept. `None` when the system refuses
/// threads (the caller then uses the global pool).
pub fn io_pool(threads: usize) -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).thread_name(|i| format!("read-{i}")).build().ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::{map_chunks, workers};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn keeps_the_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = map_chunks(&items, 16, |c| c.iter().map(|x| x * 2).collect());
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(map_chunks(&items[..3], 16, |c| c.to_vec()), vec![0, 1, 2]);
    }

    #[test]
    fn workers_share_the_work_and_a_panic_costs_only_its_worker() {
        let next = AtomicUsize::new(0);
        let states = workers(None, 3, || {
            let mut mine = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= 1000 {
                    return mine;
                }
                mine.push(i);
            }
        });
        let mut all: Vec<usize> = states.into_iter().flatten().flatten().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        let first = AtomicUsize::new(0);
        let states = workers(None, 2, || {
            if first.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("one worker fails");
            }
            7
        });
        assert_eq!(states.iter().filter(|s| s.is_none()).count(), 1);
        assert!(states.contains(&Some(7)));
    }
}
