//! Running a long checklist's rules on two threads: the one that asked, and one of rayon's.
//!
//! `par_iter` from a thread outside rayon's pool (the language server checks a checklist on
//! a blocking thread of tokio's) hands the whole job to the pool and sleeps until it is
//! done: a pool thread has to wake up before any rule runs, and the second one only when
//! the first has split the work. In the server the rules of a keystroke took as long side
//! by side as one after the other. Here the asking thread starts on the first job at once
//! and a pool thread, woken meanwhile, takes jobs from the same queue as soon as it runs.
//! Whichever thread is free takes the next job, so the two stay busy however the rules'
//! costs fall.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Runs `first` (when given), then `work` on each of `items` in the order `order` gives
/// (indices into `items`; an item it leaves out is not run and yields the default), on
/// this thread and one of rayon's. Results come back in `items`' order.
///
/// `first` is taken before any item, so a job the others may wait for (the checklist's
/// mapping to its packs) starts first.
pub(super) fn run<T, R>(
    first: Option<Box<dyn FnOnce() + Send + '_>>,
    items: Vec<T>,
    order: &[usize],
    work: impl Fn(T) -> R + Sync,
) -> Vec<R>
where
    T: Send,
    R: Send + Sync + Default,
{
    let first = Mutex::new(first);
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<OnceLock<R>> = slots.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let take_jobs = || loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k == 0 {
            if let Some(job) = first.lock().ok().and_then(|mut f| f.take()) {
                job();
            }
            continue;
        }
        let Some(&i) = order.get(k - 1) else {
            break;
        };
        let item = slots
            .get(i)
            .and_then(|s| s.lock().ok().and_then(|mut s| s.take()));
        if let Some(item) = item {
            let _ = results[i].set(work(item));
        }
    };
    rayon::in_place_scope(|s| {
        s.spawn(|_| take_jobs());
        take_jobs();
    });
    results
        .into_iter()
        .map(|r| r.into_inner().unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_whatever_the_order_of_work() {
        let items: Vec<u32> = (0..20).collect();
        let order: Vec<usize> = (0..20).rev().collect();
        let out = run(None, items, &order, |x| x * 10);
        assert_eq!(out, (0..20).map(|x| x * 10).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_job_and_every_item_run_once() {
        let firsts = AtomicUsize::new(0);
        let ran = AtomicUsize::new(0);
        let first: Box<dyn FnOnce() + Send> = Box::new(|| {
            firsts.fetch_add(1, Ordering::SeqCst);
        });
        let order: Vec<usize> = (0..50).collect();
        run(Some(first), vec![(); 50], &order, |()| {
            ran.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(firsts.load(Ordering::SeqCst), 1);
        assert_eq!(ran.load(Ordering::SeqCst), 50);
    }

    #[test]
    fn an_item_left_out_of_the_order_yields_the_default() {
        let out = run(None, vec![1, 2, 3], &[2, 0], |x: i32| x + 100);
        assert_eq!(out, [101, 0, 103]);
    }
}
