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

/// A vector filled out of order from many threads: each place written at
/// most once, by whichever thread has its value (a load from the parse
/// cache puts each post decoded straight into its place in the saved
/// order, instead of collecting each core's posts, joining them and
/// permuting 100,000 posts of 300 bytes on one core).
///
/// Sound because a place's flag is set (atomically) before its slot is
/// written and no slot is read until the `Scatter` is taken by value: two
/// writers can never hold the same slot, and every slot read or dropped is
/// one whose flag says it was written.
pub struct Scatter<T> {
    slots: Box<[std::cell::UnsafeCell<std::mem::MaybeUninit<T>>]>,
    written: Box<[std::sync::atomic::AtomicBool]>,
    count: std::sync::atomic::AtomicUsize,
}

// SAFETY: the slots are only written through `put`, each at most once (its
// flag swapped from false first), and read only by `into_vec`, `drain` and
// `drop`, which own the `Scatter`; the values are sent between threads, so
// `T: Send` is all that is needed.
unsafe impl<T: Send> Sync for Scatter<T> {}

impl<T> Scatter<T> {
    /// `len` empty places.
    pub fn new(len: usize) -> Self {
        Scatter {
            slots: (0..len).map(|_| std::cell::UnsafeCell::new(std::mem::MaybeUninit::uninit())).collect(),
            written: (0..len).map(|_| std::sync::atomic::AtomicBool::new(false)).collect(),
            count: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Puts `value` at `place`; gives it back when there is no such place or
    /// it was written already.
    pub fn put(&self, place: usize, value: T) -> Result<(), T> {
        use std::sync::atomic::Ordering;
        let Some(flag) = self.written.get(place) else { return Err(value) };
        if flag.swap(true, Ordering::AcqRel) {
            return Err(value);
        }
        // SAFETY: the flag was false and is now true: this call alone owns
        // the slot (see the type's comment); it was never written.
        unsafe { (*self.slots[place].get()).write(value) };
        self.count.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// Whether every place was written.
    #[cfg(test)]
    pub fn is_full(&self) -> bool {
        self.count.load(std::sync::atomic::Ordering::Acquire) == self.slots.len()
    }

    /// The values in their places when every place was written; else the
    /// values written, in their places' order.
    pub fn into_vec(self) -> Result<Vec<T>, Vec<T>> {
        let mut me = std::mem::ManuallyDrop::new(self);
        let slots = std::mem::take(&mut me.slots);
        let written = std::mem::take(&mut me.written);
        if written.iter().all(|w| w.load(std::sync::atomic::Ordering::Acquire)) {
            let len = slots.len();
            let ptr = Box::into_raw(slots).cast::<T>();
            // SAFETY: every slot holds a value; `UnsafeCell<MaybeUninit<T>>`
            // has the layout of `T`, so the boxed slice is a `Vec<T>`'s
            // buffer of `len` values (capacity `len`).
            return Ok(unsafe { Vec::from_raw_parts(ptr, len, len) });
        }
        let mut out = Vec::with_capacity(me.count.load(std::sync::atomic::Ordering::Acquire));
        for (slot, w) in slots.iter().zip(written.iter()) {
            if w.load(std::sync::atomic::Ordering::Acquire) {
                // SAFETY: written (its flag), read once: the slots are
                // `MaybeUninit`, so dropping them after drops nothing.
                out.push(unsafe { (*slot.get()).assume_init_read() });
            }
        }
        Err(out)
    }
}

impl<T> Drop for Scatter<T> {
    fn drop(&mut self) {
        for (slot, w) in self.slots.iter_mut().zip(self.written.iter()) {
            if w.load(std::sync::atomic::Ordering::Acquire) {
                // SAFETY: written (its flag), dropped once.
                unsafe { slot.get_mut().assume_init_drop() };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Scatter, map_chunks, workers};
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

    /// Values put from many threads come back in their places; a place
    /// is written once (a second value is given back); an unfilled
    /// scatter gives back what was put, in place order, and drops nothing
    /// twice (the `Rc` counts say every value was dropped once).
    #[test]
    fn scatter_fills_places_from_many_threads() {
        let n = 10_000;
        let sc = Scatter::new(n);
        let next = AtomicUsize::new(0);
        workers(None, 4, || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return;
                }
                let place = (i * 7919) % n;
                assert!(sc.put(place, place.to_string()).is_ok());
            }
        });
        assert!(sc.is_full());
        assert_eq!(sc.put(3, "again".into()), Err("again".to_string()));
        assert_eq!(sc.put(n, "beyond".into()), Err("beyond".to_string()));
        let all = sc.into_vec().expect("full");
        assert_eq!(all, (0..n).map(|i| i.to_string()).collect::<Vec<_>>());

        let value = std::rc::Rc::new(());
        let sc = Scatter::new(5);
        for place in [4, 1] {
            assert!(sc.put(place, (place, std::rc::Rc::clone(&value))).is_ok());
        }
        assert!(!sc.is_full());
        let some = sc.into_vec().expect_err("not full");
        assert_eq!(some.iter().map(|v| v.0).collect::<Vec<_>>(), vec![1, 4]);
        assert_eq!(std::rc::Rc::strong_count(&value), 3);
        drop(some);
        assert_eq!(std::rc::Rc::strong_count(&value), 1);
        let sc = Scatter::new(3);
        assert!(sc.put(2, std::rc::Rc::clone(&value)).is_ok());
        assert_eq!(std::rc::Rc::strong_count(&value), 2);
        drop(sc);
        assert_eq!(std::rc::Rc::strong_count(&value), 1);
    }
}
