//! Equal strings shared by the documents one thread parses while a workspace loads.
//!
//! A monorepo's checklists are mostly copies of a few templates, and so are their links and
//! code spans: on the bench tree, 160,400 tasks have 5,888 distinct texts. Each parsed
//! document used to hold its own copy of each (about 20 MB there). While sharing is on for a
//! thread ([`start`]), [`share`] hands out the copy made earlier on that thread instead.
//!
//! Only the walk's threads turn sharing on ([`Workspace::load`](crate::workspace::Workspace)
//! parses each file on the thread that found it), and they end with the walk, so the table
//! goes with them. Elsewhere (an editor's buffer re-parsed at each keystroke) nothing is
//! kept: a table there would only grow.

use std::cell::RefCell;

use super::ItemStr;

/// Past this many distinct strings the table starts afresh: sharing saves memory, and
/// must never be what costs it.
const MAX_ENTRIES: usize = 1 << 16;

thread_local! {
    static TABLE: RefCell<Option<foldhash::HashSet<ItemStr>>> = const { RefCell::new(None) };
}

/// Turns sharing on for this thread, until [`stop`]: every file parsed on it from now on
/// shares with those parsed before (already on, the table is kept).
pub fn start() {
    TABLE.with(|t| {
        t.borrow_mut()
            .get_or_insert_with(foldhash::HashSet::default);
    });
}

/// Turns sharing off for this thread and drops its table (the strings handed out live on
/// in the documents that hold them).
pub fn stop() {
    TABLE.with(|t| t.borrow_mut().take());
}

/// `s` as a shared string: the copy this thread made earlier when sharing is on, else a
/// new one.
pub fn share(s: &str) -> ItemStr {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let Some(table) = t.as_mut() else {
            return ItemStr::from(s);
        };
        if let Some(found) = table.get(s) {
            return found.clone();
        }
        if table.len() >= MAX_ENTRIES {
            table.clear();
        }
        let made = ItemStr::from(s);
        table.insert(made.clone());
        made
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_only_while_on() {
        std::thread::spawn(|| {
            let a = share("Backups are tested");
            let b = share("Backups are tested");
            assert_eq!(a, b);
            assert!(!ItemStr::ptr_eq(&a, &b), "off: separate copies");

            start();
            let c = share("Backups are tested");
            let d = share("Backups are tested");
            let e = share("Alerts page on-call");
            assert!(ItemStr::ptr_eq(&c, &d), "on: one copy");
            assert_eq!(e, "Alerts page on-call");
            // Starting again keeps the table, for the next file on the thread.
            start();
            let f = share("Alerts page on-call");
            let g = share("Alerts page on-call");
            assert!(ItemStr::ptr_eq(&f, &g));

            stop();
            let h = share("Alerts page on-call");
            assert!(!ItemStr::ptr_eq(&f, &h), "stopped: separate copies again");
            assert_eq!(f, h);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_full_table_starts_afresh() {
        std::thread::spawn(|| {
            start();
            let first = share("0");
            for i in 0..MAX_ENTRIES {
                share(&i.to_string());
            }
            // "0" was dropped from the table when it filled up, then made again.
            let again = share("0");
            assert_eq!(first, again);
            assert!(TABLE.with(|t| t.borrow().as_ref().unwrap().len()) <= MAX_ENTRIES);
            stop();
        })
        .join()
        .unwrap();
    }
}
