//! Asking the processor early for the memory that copying a long list will touch.
//!
//! An edit of a long checklist keeps the items around the edited stretch
//! (`checklist::incremental`) and the findings of the rules it need not run again
//! (`analysis::rerun`): each is cloned, and cloning a shared string ([`ItemStr`], `Arc`)
//! increments a count in its header, elsewhere in memory. On x86 that increment is a locked
//! instruction, and no later load starts before it completes: each header not in the cache
//! was fetched alone, one after the other, some 10,000 of them on every keystroke in a
//! 5,000-task checklist, most of the time of re-parsing it after a pause in typing. Asking
//! for the headers of the items a few places ahead lets those fetches overlap.

use std::sync::Arc;

use crate::checklist::{
    DateMention, EnvRequirement, HtmlAnchor, HtmlComment, ItemStr, Link, Placeholder, RefKind,
    Reference, StatusRow, Task,
};

/// How many items ahead of the one being copied are asked for.
pub const AHEAD: usize = 8;

/// An item whose clone touches memory of its own (shared strings' headers).
pub trait Prefetch {
    /// Asks for that memory, to be read soon: a hint, which changes nothing else.
    fn prefetch(&self);
}

/// Starts fetching `s`'s header (its count) into the cache; a hint, never a fault.
#[inline(always)]
fn header(s: &ItemStr) {
    // `into_raw` gives the header's address, and forgets the bitwise copy made for it: the
    // count is neither raised nor dropped.
    // SAFETY: the copy is consumed at once by `into_raw`, which cannot panic, so it is
    // never dropped; nothing is read through the address here.
    let at = ItemStr::into_raw(unsafe { std::ptr::read(s) });
    hint(at.as_ptr() as usize);
}

/// A `String`'s bytes, which its clone copies.
#[inline(always)]
fn bytes(s: &str) {
    hint(s.as_ptr() as usize);
}

/// An `Arc`'s counts, which sit just before what it points to (two words in std's layout;
/// were that to change, the hint would only be useless).
#[inline(always)]
pub fn counts<T: ?Sized>(a: &Arc<T>) {
    hint((Arc::as_ptr(a) as *const u8 as usize).wrapping_sub(2 * std::mem::size_of::<usize>()));
}

/// A clone of `list[i]`, asking for the memory of the item [`AHEAD`] places on: a loop
/// copying `list` in order overlaps the fetches this way.
#[inline(always)]
pub fn cloned_ahead<T: Clone + Prefetch>(list: &[T], i: usize) -> T {
    if let Some(ahead) = list.get(i + AHEAD) {
        ahead.prefetch();
    }
    list[i].clone()
}

/// Clones `list` onto `out` with [`cloned_ahead`].
pub fn extend_cloned<T: Clone + Prefetch>(out: &mut Vec<T>, list: &[T]) {
    out.extend((0..list.len()).map(|i| cloned_ahead(list, i)));
}

#[inline(always)]
fn hint(at: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch of any address is a hint: it neither faults nor reads into Rust.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(at as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

impl Prefetch for Task {
    fn prefetch(&self) {
        header(&self.text);
    }
}

impl Prefetch for StatusRow {
    fn prefetch(&self) {
        header(&self.label);
        header(&self.status_text);
    }
}

impl Prefetch for Link {
    fn prefetch(&self) {
        header(&self.target);
        header(&self.text);
    }
}

impl Prefetch for Reference {
    fn prefetch(&self) {
        match &self.kind {
            RefKind::EnvVar { name, value, .. } => {
                header(name);
                if let Some(v) = value {
                    header(v);
                }
            }
            RefKind::Path { path } => header(path),
        }
    }
}

impl Prefetch for EnvRequirement {
    fn prefetch(&self) {
        header(&self.name);
        if let Some(v) = &self.value {
            header(v);
        }
    }
}

/// Plain data: its clone touches nothing elsewhere.
impl Prefetch for DateMention {
    fn prefetch(&self) {}
}

impl Prefetch for Placeholder {
    fn prefetch(&self) {
        bytes(&self.text);
    }
}

impl Prefetch for HtmlAnchor {
    fn prefetch(&self) {
        header(&self.id);
    }
}

impl Prefetch for HtmlComment {
    fn prefetch(&self) {
        bytes(&self.body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, Related};

    /// Asking for a text's header leaves its count as it was (the copy made to find the
    /// address is forgotten, not dropped).
    #[test]
    fn asking_for_a_text_header_leaves_its_count_as_it_was() {
        let text = ItemStr::from("shared text");
        let twin = text.clone();
        for _ in 0..3 {
            header(&text);
        }
        assert_eq!(ItemStr::strong_count(&text), Some(2));
        drop(twin);
        assert_eq!(ItemStr::strong_count(&text), Some(1));
        assert_eq!(text, "shared text");
    }

    /// A hint changes nothing: lists shorter and longer than the look-ahead come out as
    /// plain clones would, shared texts and all (an empty `ItemStr` is static: no header
    /// on the heap to ask for).
    #[test]
    fn copies_with_hints_equal_plain_clones() {
        for n in [0, 1, AHEAD - 1, AHEAD, AHEAD + 1, 100] {
            let findings: Vec<Finding> = (0..n)
                .map(|i| {
                    let f = Finding::new("placeholder", "a.md", i..i + 1, format!("finding {i}"));
                    if i % 2 == 0 {
                        f.with_related(Related {
                            path: "b.md".into(),
                            range: 0..1,
                            message: "here".into(),
                        })
                    } else {
                        f
                    }
                })
                .collect();
            let mut out = vec![findings
                .first()
                .cloned()
                .unwrap_or_else(|| Finding::new("placeholder", "z.md", 0..0, String::new()))];
            let before = out.clone();
            extend_cloned(&mut out, &findings);
            assert_eq!(out[..1], before[..]);
            assert_eq!(out[1..], findings[..]);

            let tasks: Vec<Task> = (0..n)
                .map(|i| Task {
                    checked: false,
                    text: if i % 3 == 0 {
                        ItemStr::default()
                    } else {
                        ItemStr::from(format!("task {i}"))
                    },
                    range: i..i + 1,
                    marker: i as u32,
                    parent: None,
                    heading: None,
                })
                .collect();
            let mut copied = Vec::new();
            extend_cloned(&mut copied, &tasks);
            assert_eq!(copied, tasks);
        }
    }
}
