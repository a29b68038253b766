//! Parallel work whose failure is reported as a serial run would report it. Rayon stops a
//! fallible parallel loop at whichever error a thread meets first, so a template broken
//! for every page named a different page from one build to the next; here the error is
//! always that of the first failing item in order, and items past a failure already
//! known are skipped, so a broken template still stops the build early.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

/// `f` of each item, in parallel, in order; or the error of the first item (in order)
/// whose `f` fails.
pub(super) fn try_map<I, T, E, F>(items: I, f: F) -> Result<Vec<T>, E>
where
    I: IndexedParallelIterator,
    T: Send,
    E: Send,
    F: Fn(I::Item) -> Result<T, E> + Sync + Send,
{
    let failed = AtomicUsize::new(usize::MAX);
    let results: Vec<Option<Result<T, E>>> = items
        .enumerate()
        .map(|(i, item)| {
            // Only ever skipped after a failure of an earlier item: that one is reported.
            if i > failed.load(Ordering::Relaxed) {
                return None;
            }
            let result = f(item);
            if result.is_err() {
                failed.fetch_min(i, Ordering::Relaxed);
            }
            Some(result)
        })
        .collect();
    results.into_iter().map_while(|r| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item from the 300th fails at once, while the earlier ones take a while: the
    /// threads that start further on fail first, yet the error is the 300th's, every run.
    #[test]
    fn the_error_is_the_first_failing_items_whatever_the_thread() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        for _ in 0..20 {
            let got = pool.install(|| {
                try_map((0..2_000usize).into_par_iter(), |n| {
                    if n >= 300 {
                        return Err(n);
                    }
                    std::hint::black_box((0..20_000).sum::<usize>());
                    Ok(n)
                })
            });
            assert_eq!(got, Err(300));
        }
        let all = try_map((0..1_000usize).into_par_iter(), |n| Ok::<_, ()>(n * 2));
        assert_eq!(all, Ok((0..1_000).map(|n| n * 2).collect::<Vec<_>>()));
    }
}
