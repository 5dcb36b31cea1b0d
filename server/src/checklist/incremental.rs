//! Re-parsing only the part of a document an edit touched.
//!
//! A keystroke in a 5,000-task checklist changes one line, and parsing the whole 400 KB
//! again costs more than the language server's latency budget. At a top-level ATX heading
//! (a `#` at the start of a line, outside any container) every markdown block is closed,
//! so the text between two such headings parses the same alone as inside the document.
//! [`reparse`] finds the stretch between the headings around an edit, parses it alone,
//! checks that the next heading is still a top-level heading where it was (an unclosed
//! code fence or HTML comment would swallow it), and splices the result into the old
//! document, shifting everything after it.
//!
//! Whatever it cannot prove equal to a whole parse it declines (`None`), and the caller
//! parses the whole text: edits in the first stretch (front matter), edits touching a
//! heading line, documents with link reference definitions (they apply to the whole
//! document), stretches whose headings changed. A property test holds it to
//! [`super::parse`] on random documents and edits.

use std::ops::Range;

use super::{parse, Document, LinkKind};
use crate::prefetch::{self, Prefetch};

/// The document of `new_text`, from `old` (the document of `old_text`) re-parsing only the
/// stretch the edit touched; `None` when that cannot be done exactly.
pub fn reparse(old_text: &str, old: &Document, new_text: &str) -> Option<Document> {
    reparse_stretch(old_text, old, new_text).map(|(doc, _)| doc)
}

/// The part of a document an edit re-parsed: everything outside it is the old document's,
/// moved by `delta` bytes after it. The analysis re-runs the rules whose findings belong
/// to one item on this stretch only (see `analysis::RuleRuns`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stretch {
    /// The stretch in the old text; it ends where the next heading starts (or at the end).
    pub old: Range<usize>,
    /// How far the text after the stretch moved, in bytes.
    pub delta: isize,
    /// Whether every line after the stretch keeps its number: the edit added as many line
    /// breaks as it removed (counted as `LineIndex` counts them, a lone `\r` too).
    pub lines_kept: bool,
}

impl Stretch {
    /// Whether an old offset lies before the stretch.
    pub fn before(&self, at: usize) -> bool {
        at < self.old.start
    }

    /// Whether an old offset lies inside the stretch.
    pub fn contains(&self, at: usize) -> bool {
        !self.before(at) && !self.after(at)
    }

    /// Whether an old offset lies after the stretch (it moves by `delta`).
    pub fn after(&self, at: usize) -> bool {
        at >= self.old.end
    }

    /// Where a range after the stretch is in the new text.
    pub fn moved(&self, r: &Range<usize>) -> Range<usize> {
        shift(r, self.delta)
    }

    /// The stretch in the new text.
    pub fn new_range(&self) -> Range<usize> {
        self.old.start..(self.old.end as isize + self.delta) as usize
    }
}

/// Bytes `a` and `b` share at their start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    common(a, b, false)
}

/// Bytes `a` and `b` share at their end.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    common(a, b, true)
}

/// Bytes `a` and `b` share from their start, or from their end: compared a block at a time
/// (a block compare is vectorised, a byte at a time is not, and a keystroke compares two
/// 400 KB texts).
fn common(a: &[u8], b: &[u8], from_end: bool) -> usize {
    const BLOCK: usize = 64;
    let len = a.len().min(b.len());
    let (a, b) = if from_end {
        (&a[a.len() - len..], &b[b.len() - len..])
    } else {
        (&a[..len], &b[..len])
    };
    // The `n` bytes `i` bytes in from the chosen end.
    let at = |i: usize, n: usize| {
        if from_end {
            len - i - n..len - i
        } else {
            i..i + n
        }
    };
    let mut i = 0;
    while i + BLOCK <= len && a[at(i, BLOCK)] == b[at(i, BLOCK)] {
        i += BLOCK;
    }
    while i < len && a[at(i, 1)] == b[at(i, 1)] {
        i += 1;
    }
    i
}

/// [`reparse`], and the stretch it parsed again.
pub fn reparse_stretch(
    old_text: &str,
    old: &Document,
    new_text: &str,
) -> Option<(Document, Stretch)> {
    // An outline holds headings only: splicing into it would yield an outline too, where
    // the caller asked for a whole parse.
    if old.outline || old.links.iter().any(|l| l.kind == LinkKind::Definition) {
        return None;
    }
    // The edit: old[p..old_end] became new[p..new_end].
    let (o, n) = (old_text.as_bytes(), new_text.as_bytes());
    let p = common_prefix(o, n);
    let max_suffix = o.len().min(n.len()) - p;
    let s = common_suffix(&o[p..], &n[p..]).min(max_suffix);
    let (old_end, new_end) = (o.len() - s, n.len() - s);
    if p == o.len() && p == n.len() {
        let none = Stretch {
            old: 0..0,
            delta: 0,
            lines_kept: true,
        };
        return Some((old.clone(), none));
    }
    let delta = new_end as isize - old_end as isize;
    // A `\r` near the edit could join or split a `\r\n` pair, or be a line break of its
    // own: only `\n`s are counted, and only when there is none.
    let from = p.saturating_sub(1);
    let old_around = &o[from..(old_end + 1).min(o.len())];
    let new_around = &n[from..(new_end + 1).min(n.len())];
    let newlines = |b: &[u8]| memchr::memchr_iter(b'\n', b).count();
    let lines_kept = !old_around.contains(&b'\r')
        && !new_around.contains(&b'\r')
        && newlines(&n[p..new_end]) == newlines(&o[p..old_end]);

    // Top-level headings of the old text: where the stretches start.
    let top = |i: usize| {
        let start = old.headings[i].range.start;
        o.get(start) == Some(&b'#') && (start == 0 || o[start - 1] == b'\n')
    };
    // No heading line may be touched (its title, level or anchor could change).
    if old.headings.iter().any(|h| {
        let line_end = old_text
            .get(h.range.start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(o.len(), |i| h.range.start + i + 1);
        p < line_end && old_end >= h.range.start
    }) {
        return None;
    }
    let first = (0..old.headings.len())
        .rev()
        .find(|&i| top(i) && old.headings[i].range.start < p)?;
    let a = old.headings[first].range.start;
    let next = (first + 1..old.headings.len()).find(|&i| top(i));
    let b = next.map_or(o.len(), |i| old.headings[i].range.start);
    if old_end > b {
        return None;
    }
    let new_b = (b as isize + delta) as usize;
    // The stretch, and the next heading's line to check that it is still a heading.
    let chunk_end = match next {
        Some(_) => new_text
            .get(new_b..)?
            .find('\n')
            .map_or(n.len(), |i| new_b + i + 1),
        None => n.len(),
    };
    let chunk = parse(new_text.get(a..chunk_end)?);
    let local_b = new_b.checked_sub(a)?;
    if chunk.links.iter().any(|l| l.kind == LinkKind::Definition) {
        return None;
    }

    // Headings of the stretch must be the old ones, plus the next one where expected.
    let old_in: Vec<usize> = (0..old.headings.len())
        .filter(|&i| (a..b).contains(&old.headings[i].range.start))
        .collect();
    let expected = old_in.len() + usize::from(next.is_some());
    if chunk.headings.len() != expected {
        return None;
    }
    for (k, &i) in old_in.iter().enumerate() {
        let (h, g) = (&chunk.headings[k], &old.headings[i]);
        if h.level != g.level || h.title != g.title {
            return None;
        }
    }
    if let Some(nx) = next {
        let (h, g) = (&chunk.headings[old_in.len()], &old.headings[nx]);
        if h.range.start != local_b || h.level != g.level || h.title != g.title {
            return None;
        }
    }

    let mut splice = Splice {
        a,
        b,
        local_b,
        delta,
        out: Document {
            front_matter: old.front_matter.clone(),
            ..Document::default()
        },
    };
    splice.all(old, &chunk, &old_in);
    let mut doc = splice.out;
    super::parse::finish_sections(&mut doc.headings, new_text.len());
    let stretch = Stretch {
        old: a..b,
        delta,
        lines_kept,
    };
    Some((doc, stretch))
}

struct Splice {
    /// The stretch in the old text.
    a: usize,
    b: usize,
    /// Where the next stretch starts in the chunk's own offsets.
    local_b: usize,
    delta: isize,
    out: Document,
}

fn shift(r: &Range<usize>, by: isize) -> Range<usize> {
    (r.start as isize + by) as usize..(r.end as isize + by) as usize
}

impl Splice {
    /// Which part an old item starting at `start` belongs to: before, inside or after.
    fn before(&self, start: usize) -> bool {
        start < self.a
    }
    fn after(&self, start: usize) -> bool {
        start >= self.b
    }
    /// Whether a chunk item (chunk offsets) is the stretch's own, not the next heading's.
    fn own(&self, start: usize) -> bool {
        start < self.local_b
    }

    /// Items before the stretch, and how many the stretch gained (or lost).
    fn counts(
        &self,
        old: impl Iterator<Item = usize>,
        chunk: impl Iterator<Item = usize>,
    ) -> (usize, isize) {
        let (mut before, mut inside) = (0, 0);
        for start in old {
            if self.before(start) {
                before += 1;
            } else if !self.after(start) {
                inside += 1;
            }
        }
        let now = chunk.filter(|&s| self.own(s)).count();
        (before, now as isize - inside as isize)
    }

    fn all(&mut self, old: &Document, chunk: &Document, old_in: &[usize]) {
        let a = self.a as isize;
        let d = self.delta;
        // Index offsets: chunk-local indices move by what precedes the stretch; indices
        // after the stretch by how many items the stretch gained or lost.
        let (tb, dt) = self.counts(
            old.tasks.iter().map(|t| t.range.start),
            chunk.tasks.iter().map(|t| t.range.start),
        );
        let (rb, dr) = self.counts(
            old.status_rows.iter().map(|r| r.range.start),
            chunk.status_rows.iter().map(|r| r.range.start),
        );
        let hb = old_in.first().copied().unwrap_or(0);
        let task_idx = |i: Option<u32>, inside: bool| {
            i.map(|i| {
                let i = i as usize;
                (if inside {
                    i + tb
                } else if i >= tb {
                    (i as isize + dt) as usize
                } else {
                    i
                }) as u32
            })
        };
        let row_idx = |i: Option<u32>, inside: bool| {
            i.map(|i| {
                let i = i as usize;
                (if inside {
                    i + rb
                } else if i >= rb {
                    (i as isize + dr) as usize
                } else {
                    i
                }) as u32
            })
        };

        // Headings: the old ones (the stretch's keep their anchors: titles and ids are
        // unchanged), at their new places; sections are recomputed after.
        for (i, h) in old.headings.iter().enumerate() {
            let mut h = h.clone();
            if let Some(k) = old_in.iter().position(|&j| j == i) {
                h.range = shift(&chunk.headings[k].range, a);
            } else if h.range.start >= self.b {
                h.range = shift(&h.range, d);
            }
            h.section = h.range.start..h.range.start;
            self.out.headings.push(h);
        }

        self.out.tasks = self.items(
            &old.tasks,
            &chunk.tasks,
            |t| t.range.start,
            |t, by| {
                t.range = shift(&t.range, by);
                t.marker = (t.marker as isize + by) as u32;
            },
            |t, inside| {
                t.parent = task_idx(t.parent, inside);
                if inside {
                    t.heading = t.heading.map(|h| h + hb as u32);
                }
            },
        );
        self.out.status_rows = self.items(
            &old.status_rows,
            &chunk.status_rows,
            |r| r.range.start,
            |r, by| {
                r.range = shift(&r.range, by);
                r.status_range = shift(&r.status_range, by);
                r.evidence_range = r.evidence_range.as_ref().map(|e| shift(e, by));
            },
            |r, inside| {
                if inside {
                    r.heading = r.heading.map(|h| h + hb as u32);
                }
            },
        );
        self.out.links = self.items(
            &old.links,
            &chunk.links,
            |l| l.range.start,
            |l, by| {
                l.range = shift(&l.range, by);
                l.target_range = l.target_range.as_ref().map(|e| shift(e, by));
            },
            |_, _| {},
        );
        self.out.references = self.items(
            &old.references,
            &chunk.references,
            |r| r.range.start,
            |r, by| r.range = shift(&r.range, by),
            |r, inside| {
                r.task = task_idx(r.task, inside);
                r.row = row_idx(r.row, inside);
            },
        );
        self.out.env_requirements = self.items(
            &old.env_requirements,
            &chunk.env_requirements,
            |r| r.range.start,
            |r, by| r.range = shift(&r.range, by),
            |r, inside| {
                r.task = task_idx(r.task, inside);
                r.row = row_idx(r.row, inside);
            },
        );
        self.out.dates = self.items(
            &old.dates,
            &chunk.dates,
            |x| x.range.start,
            |x, by| {
                x.range = shift(&x.range, by);
                x.line_range = shift(&x.line_range, by);
            },
            |_, _| {},
        );
        self.out.placeholders = self.items(
            &old.placeholders,
            &chunk.placeholders,
            |x| x.range.start,
            |x, by| x.range = shift(&x.range, by),
            |_, _| {},
        );
        self.out.html_comments = self.items(
            &old.html_comments,
            &chunk.html_comments,
            |x| x.range.start,
            |x, by| x.range = shift(&x.range, by),
            |_, _| {},
        );
        self.out.html_anchors = self.items(
            &old.html_anchors,
            &chunk.html_anchors,
            |x| x.range.start,
            |x, by| x.range = shift(&x.range, by),
            |_, _| {},
        );
    }

    /// One list of the new document: the old items before the stretch, the chunk's own
    /// (moved to document offsets), the old items after it (moved by the edit's length
    /// change); `fix` renumbers indices, told whether the item comes from the chunk.
    fn items<T: Clone + Prefetch>(
        &self,
        old: &[T],
        chunk: &[T],
        start: impl Fn(&T) -> usize,
        shift_by: impl Fn(&mut T, isize),
        fix: impl Fn(&mut T, bool),
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(old.len() + 4);
        for (i, _) in old
            .iter()
            .enumerate()
            .filter(|(_, x)| self.before(start(x)))
        {
            let mut x = prefetch::cloned_ahead(old, i);
            fix(&mut x, false);
            out.push(x);
        }
        for x in chunk.iter().filter(|x| self.own(start(x))) {
            let mut x = x.clone();
            shift_by(&mut x, self.a as isize);
            fix(&mut x, true);
            out.push(x);
        }
        for (i, _) in old.iter().enumerate().filter(|(_, x)| self.after(start(x))) {
            let mut x = prefetch::cloned_ahead(old, i);
            shift_by(&mut x, self.delta);
            fix(&mut x, false);
            out.push(x);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{common_prefix, common_suffix};

    /// Block by block gives what byte by byte gives, at every length around a block's.
    #[test]
    fn common_prefix_and_suffix_by_blocks_equal_a_byte_at_a_time() {
        let naive_prefix = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let naive_suffix = |a: &[u8], b: &[u8]| {
            a.iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(x, y)| x == y)
                .count()
        };
        let base: Vec<u8> = (0..300u32).map(|i| (i % 251) as u8).collect();
        for len in [0, 1, 63, 64, 65, 127, 128, 200, 300] {
            for at in [0, 1, 63, 64, 65, 130, 299] {
                let a = &base[..len];
                let mut b = a.to_vec();
                if at < b.len() {
                    b[at] ^= 0xff;
                }
                b.push(7);
                assert_eq!(common_prefix(a, &b), naive_prefix(a, &b), "{len} {at}");
                assert_eq!(common_suffix(a, &b), naive_suffix(a, &b), "{len} {at}");
                assert_eq!(common_suffix(a, a), a.len());
                assert_eq!(common_prefix(&b, a), naive_prefix(&b, a));
            }
        }
    }
}
