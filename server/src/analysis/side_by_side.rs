//! Running a long checklist's rules on two threads: the one that asked, and one of rayon's.
//!
//! `par_iter` from a thread outside rayon's pool (the language server checks a checklist on
//! a blocking thread of tokio's) hands the whole job to the pool and sleeps until it is
//! done: a pool thread has to wake up before any rule runs, and the second one only when
//! the first has split the work. In the server the rules of a keystroke took as long side
//! by side as one after the other. Here the asking thread starts on the first job at once
//! and a pool thread, woken meanwhile, takes jobs from the same queue as soon as it runs.
//! Whichever thread is free takes the next job, so the two stay busy however the rules'
//! costs fall. When the asking thread has done them all before the other woke, it does not
//! wait for that wake: the other's share is taken back unrun ([`Lent`]).

use std::any::Any;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// Runs `first` (when given), then `work` on each of `items` in the order `order` gives
/// (indices into `items`; an item it leaves out is not run and yields the default), on
/// this thread and one of rayon's. Results come back in `items`' order.
///
/// `first` is taken before any item, so a job the others may wait for (the checklist's
/// mapping to its packs) starts first.
pub(crate) fn run<T, R>(
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
    let lent = Lent::spawn(Box::new(take_jobs));
    take_jobs();
    lent.finish();
    results
        .into_iter()
        .map(|r| r.into_inner().unwrap_or_default())
        .collect()
}

/// Wakes one of rayon's threads ahead of [`run`], to wait (spinning, for at most `limit`)
/// for the share [`run`] lends it. The language server calls this when an edit to a long
/// checklist arrives: applying the edit and re-parsing take ~1 ms, in which a sleeping
/// thread wakes; woken only when the rules start, it joined them 0.4 to 0.8 ms late on a
/// 2-core VM, when a third of them were done. Work that comes first to the pool is run,
/// whatever it is; past `limit` the thread goes back to sleeping as usual.
pub fn warm_up(limit: std::time::Duration) {
    let until = std::time::Instant::now() + limit;
    rayon::spawn(move || {
        let mut spins = 0u32;
        while std::time::Instant::now() < until {
            if rayon::yield_now() == Some(rayon::Yield::Executed) {
                return;
            }
            spins += 1;
            // Now and then, the core goes to whatever else is ready to run on it (on two
            // cores, the thread that applies the edit may be waiting for it).
            if spins % 64 == 0 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    });
}

/// A job lent to one of rayon's threads, which may get to it late or after the lender has
/// done all the work: then the lender takes it back unrun rather than wait for the wake.
/// (A rayon scope would wait for the spawned job to run, and a late wake held the rules up
/// by milliseconds.)
struct Lent<'a> {
    shared: Arc<Shared>,
    /// The job borrows from the lender's frame for this long.
    borrows: PhantomData<&'a ()>,
}

struct Shared {
    /// The job, until the helper takes it (or the lender takes it back).
    job: Mutex<Option<Job>>,
    /// Set once a taken job has run and been dropped.
    done: Mutex<bool>,
    ended: Condvar,
    /// A panic of the job on the helper, handed to the lender.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
}

type Job = Box<dyn FnOnce() + Send + 'static>;

impl<'a> Lent<'a> {
    fn spawn(job: Box<dyn FnOnce() + Send + 'a>) -> Lent<'a> {
        // SAFETY: the job only outlives `'a` as far as the type says. `Lent` never lets
        // the lender's frame go (returning or unwinding: `finish` and `Drop`) before the
        // job is either taken back unrun and dropped there, or has run and been dropped
        // on the helper (`done`). The helper touches nothing borrowed but the job.
        let job: Job = unsafe { std::mem::transmute::<Box<dyn FnOnce() + Send + 'a>, Job>(job) };
        let shared = Arc::new(Shared {
            job: Mutex::new(Some(job)),
            done: Mutex::new(false),
            ended: Condvar::new(),
            panic: Mutex::new(None),
        });
        let theirs = shared.clone();
        rayon::spawn(move || {
            let job = lock(&theirs.job).take();
            if let Some(job) = job {
                // The job is consumed (and dropped) by the call, before `done` is set.
                if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(job)) {
                    *lock(&theirs.panic) = Some(panic);
                }
                *lock(&theirs.done) = true;
                theirs.ended.notify_all();
            }
        });
        Lent {
            shared,
            borrows: PhantomData,
        }
    }

    /// Takes the job back if the helper has not started it, else waits for it to end;
    /// a panic of the job goes on here.
    fn finish(self) {
        self.reclaim();
        let panic = lock(&self.shared.panic).take();
        if let Some(panic) = panic {
            std::panic::resume_unwind(panic);
        }
    }

    fn reclaim(&self) {
        let unrun = lock(&self.shared.job).take();
        let mut done = lock(&self.shared.done);
        if unrun.is_some() {
            // Never run: dropped here, and over (a second call returns at once).
            *done = true;
            return;
        }
        while !*done {
            done = self
                .shared
                .ended
                .wait(done)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        // Also when the lender unwinds: the job must be back or over before its frame goes.
        self.reclaim();
    }
}

/// A lock that a panic elsewhere does not spoil: what it guards is set whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
    fn a_panic_in_a_job_reaches_the_caller_after_both_threads_are_done() {
        for at in [0, 7, 19] {
            let order: Vec<usize> = (0..20).collect();
            let got = std::panic::catch_unwind(|| {
                run(None, (0..20).collect(), &order, |x: usize| {
                    assert_ne!(x, at, "job {at} fails");
                    x
                })
            });
            assert!(got.is_err(), "job {at}");
        }
    }

    #[test]
    fn a_lent_job_is_taken_back_unrun_or_waited_for() {
        // Many short runs: some end before the helper wakes (taken back), some not.
        for _ in 0..200 {
            let ran = AtomicUsize::new(0);
            let order = [0, 1];
            let out = run(None, vec![1, 2], &order, |x: usize| {
                ran.fetch_add(1, Ordering::SeqCst);
                x * 2
            });
            assert_eq!(out, [2, 4]);
            assert_eq!(ran.load(Ordering::SeqCst), 2);
        }
    }

    #[test]
    fn an_item_left_out_of_the_order_yields_the_default() {
        let out = run(None, vec![1, 2, 3], &[2, 0], |x: i32| x + 100);
        assert_eq!(out, [101, 0, 103]);
    }
}
