//! The JSON of an open document's diagnostics, kept from one publication to the next.
//!
//! A keystroke in a 5,000-task checklist re-publishes ~3,500 diagnostics of which one or two
//! changed. Converting and serialising them all again was ~7 ms of every keystroke; here
//! each diagnostic's JSON is kept under a hash of what it is made of (the finding's code,
//! severity, texts and related places, and its converted positions), and a publication is
//! mostly copying bytes. `data` (`[publication id, index]`) changes every time, so it is
//! written after the cached part of each object.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use super::convert;
use super::position::{Converter, InOrder};
use crate::model::Finding;
use crate::text::{Encoding, LineIndex};
use crate::workspace::Workspace;

/// One document's serialised diagnostics, each without its `data` and closing brace.
#[derive(Default)]
pub struct DiagnosticJson {
    /// The last publication's, in its order: each diagnostic's key and JSON.
    last: Vec<(u64, Box<[u8]>)>,
}

impl DiagnosticJson {
    /// Appends to `out` the JSON array of `findings`' diagnostics, with `data` `[id, index]`:
    /// the bytes `serde_json` writes for `convert::diagnostics` then `convert::set_data`
    /// (tested). Keeps only the entries this publication used.
    #[allow(clippy::too_many_arguments)]
    pub fn array(
        &mut self,
        ws: &Workspace,
        text: &str,
        lines: &LineIndex,
        enc: Encoding,
        findings: &[Finding],
        id: u64,
        out: &mut Vec<u8>,
    ) {
        let conv = Converter::new(text, lines, enc);
        let mut last = std::mem::take(&mut self.last);
        let n = findings.len();
        out.reserve(n * 400 + 2);
        out.push(b'[');
        if n < SPLIT_FROM {
            let (bytes, now) = part(ws, conv, id, findings, 0, &mut last, std::mem::take(out));
            *out = bytes;
            self.last = now;
        } else {
            // Two halves, on this thread and one of rayon's (when it is ready in time;
            // else both here). Each looks for the last publication's JSON in its own half
            // of it: a diagnostic that moved across the middle is serialised again.
            let (mine, theirs) = findings.split_at(n / 2);
            let middle = last.len() / 2;
            let (old_mine, old_theirs) = last.split_at_mut(middle);
            let halves = vec![
                Half {
                    findings: mine,
                    first: 0,
                    last: old_mine,
                    out: std::mem::take(out),
                },
                Half {
                    findings: theirs,
                    first: mine.len(),
                    last: old_theirs,
                    out: Vec::with_capacity(theirs.len() * 400),
                },
            ];
            let mut parts =
                crate::analysis::side_by_side::run(None, halves, &[0, 1], |h: Half<'_, '_>| {
                    part(ws, conv, id, h.findings, h.first, h.last, h.out)
                })
                .into_iter();
            let (mut bytes, mut now) = parts.next().unwrap_or_default();
            for (more, kept) in parts {
                bytes.extend_from_slice(&more);
                now.extend(kept);
            }
            *out = bytes;
            self.last = now;
        }
        out.push(b']');
    }
}

/// Publications from this many diagnostics are written on two threads.
const SPLIT_FROM: usize = 1000;

/// Gets the second thread ready for a publication of `diagnostics` about to be written
/// (see `analysis::warm_up`): the caller has ~0.3 ms of work left before it.
pub fn get_ready(diagnostics: usize) {
    if diagnostics >= SPLIT_FROM {
        crate::analysis::warm_up(std::time::Duration::from_millis(3));
    }
}

/// One thread's share of a publication.
struct Half<'f, 'l> {
    findings: &'f [Finding],
    /// Index of its first finding in the publication (for `data`).
    first: usize,
    last: &'l mut [Entry],
    /// Where its JSON goes: the caller's buffer for the first half.
    out: Vec<u8>,
}

type Entry = (u64, Box<[u8]>);

/// Appends to `out` the diagnostics of `findings` (the publication's from index `first`,
/// each after a comma but the publication's first), taking the JSON of each that is
/// unchanged from `last`. Returns `out` and the entries made.
fn part(
    ws: &Workspace,
    conv: Converter,
    id: u64,
    findings: &[Finding],
    first: usize,
    last: &mut [Entry],
    mut out: Vec<u8>,
) -> (Vec<u8>, Vec<Entry>) {
    let enc = conv.enc;
    let mut in_order = InOrder::new(conv);
    let mut related = RelatedFiles::default();
    let mut last = Last::new(last);
    let mut now = Vec::with_capacity(findings.len());
    let data = format!(",\"data\":[{id},");
    let mut index_digits = itoa::Buffer::new();
    for (k, f) in findings.iter().enumerate() {
        let index = first + k;
        let key = key(ws, &mut in_order, enc, f, &mut related);
        let object = last
            .take(key)
            .unwrap_or_else(|| serialise(ws, conv, enc, f));
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&object);
        out.extend_from_slice(data.as_bytes());
        out.extend_from_slice(index_digits.format(index).as_bytes());
        out.extend_from_slice(b"]}");
        now.push((key, object));
    }
    (out, now)
}

/// The last publication's entries, taken in order: a keystroke adds or drops a diagnostic
/// or two and leaves the others in place, so each is looked for a few entries past the
/// last one taken. Hashing every key into a map instead was a tenth of a publication.
struct Last<'l> {
    /// An entry taken is left empty (a diagnostic's JSON never is).
    entries: &'l mut [Entry],
    next: usize,
    misses: usize,
    /// Built once a publication has missed too often in place (a pasted section, lines
    /// moved): key to the first entry with it.
    by_key: Option<HashMap<u64, usize, foldhash::fast::FixedState>>,
}

/// How far past the last entry taken an entry is looked for.
const LOOK_AHEAD: usize = 16;

/// Misses in place after which every entry is looked up by key instead.
const MISSES_IN_PLACE: usize = 32;

impl<'l> Last<'l> {
    fn new(entries: &'l mut [Entry]) -> Last<'l> {
        Last {
            entries,
            next: 0,
            misses: 0,
            by_key: None,
        }
    }

    fn take(&mut self, key: u64) -> Option<Box<[u8]>> {
        let end = self.entries.len().min(self.next + LOOK_AHEAD);
        let near =
            (self.next..end).find(|&i| self.entries[i].0 == key && !self.entries[i].1.is_empty());
        let at = match near {
            Some(at) => at,
            None => {
                self.misses += 1;
                if self.misses < MISSES_IN_PLACE {
                    return None; // a new diagnostic, most likely
                }
                let entries = &*self.entries;
                *self
                    .by_key
                    .get_or_insert_with(|| {
                        let mut map =
                            HashMap::with_capacity_and_hasher(entries.len(), Default::default());
                        for (i, (k, _)) in entries.iter().enumerate() {
                            map.entry(*k).or_insert(i);
                        }
                        map
                    })
                    .get(&key)?
            }
        };
        let object = std::mem::take(&mut self.entries[at].1);
        if object.is_empty() {
            return None; // taken already
        }
        self.next = at + 1;
        Some(object)
    }
}

/// A diagnostic's JSON without its closing brace (and without `data`, which is unset).
fn serialise(ws: &Workspace, conv: Converter, enc: Encoding, f: &Finding) -> Box<[u8]> {
    let d = convert::diagnostic(ws, conv, enc, f);
    let mut bytes = serde_json::to_vec(&d).unwrap_or_else(|_| b"{}".to_vec());
    bytes.pop(); // the object's `}`: `data` goes after it
    if bytes.len() == 1 {
        // `{` alone: the next field must not start with a comma. Cannot happen (a
        // diagnostic always has a range and a message), but the output stays JSON.
        bytes.extend_from_slice(b"\"range\":null");
    }
    bytes.into_boxed_slice()
}

/// The files of the last related places converted: one document's diagnostics point at a
/// handful of files (the checklist itself, a config file, a runbook), and looking each up
/// in the workspace for every diagnostic was a fifth of the keys' time.
#[derive(Default)]
struct RelatedFiles<'w> {
    /// Each path, with its text and line index if the workspace has them.
    recent: Vec<(&'w str, Option<TextAndLines<'w>>)>,
}

type TextAndLines<'w> = (std::sync::Arc<str>, &'w LineIndex);

/// Files remembered; the oldest goes first.
const RELATED_FILES: usize = 4;

impl<'w> RelatedFiles<'w> {
    fn range(
        &mut self,
        ws: &'w Workspace,
        enc: Encoding,
        path: &'w str,
        range: &std::ops::Range<usize>,
    ) -> tower_lsp_server::ls_types::Range {
        let at = match self.recent.iter().position(|(p, _)| *p == path) {
            Some(at) => at,
            None => {
                if self.recent.len() == RELATED_FILES {
                    self.recent.remove(0);
                }
                let file = ws.text_or_disk(path).zip(ws.line_index(path));
                self.recent.push((path, file));
                self.recent.len() - 1
            }
        };
        match &self.recent[at].1 {
            Some((text, lines)) => Converter::new(text, lines, enc).range(range),
            None => Default::default(),
        }
    }
}

/// Everything a diagnostic's JSON is made of. 64 bits: a collision among one document's
/// few thousand diagnostics is a chance of about one in 10^12 per publication. The message
/// enters as its 32-bit digest: a message changed in place (same code, severity, range,
/// help and related places, so an edit of that very item) is mistaken for the old one
/// with a chance of one in 4 * 10^9 per such edit.
fn key<'w>(
    ws: &'w Workspace,
    conv: &mut InOrder,
    enc: Encoding,
    f: &'w Finding,
    related: &mut RelatedFiles<'w>,
) -> u64 {
    // foldhash, not SipHash: ~3,500 keys a keystroke, and nothing adversarial to resist.
    let mut h = foldhash::quality::FixedState::default().build_hasher();
    let r = conv.range(&f.range);
    (r.start.line, r.start.character, r.end.line, r.end.character).hash(&mut h);
    f.code.hash(&mut h);
    f.severity.hash(&mut h);
    // Its digest, made with the finding: the message itself is not read again.
    f.message_digest().hash(&mut h);
    f.help.hash(&mut h);
    for rel in f.related() {
        rel.path.hash(&mut h);
        rel.message.hash(&mut h);
        let r = related.range(ws, enc, &rel.path, &rel.range);
        (r.start.line, r.start.character, r.end.line, r.end.character).hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::LoadOptions;

    #[test]
    fn the_same_bytes_as_serialising_the_diagnostics_edit_after_edit() {
        same_bytes_edit_after_edit(30);
    }

    /// A long checklist's publication is written in two halves, on two threads.
    #[test]
    fn the_same_bytes_edit_after_edit_when_written_in_halves() {
        same_bytes_edit_after_edit(SPLIT_FROM + 100);
    }

    fn same_bytes_edit_after_edit(tasks: usize) {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("# Launch 🚀\n\n## Security\n\n");
        for i in 0..tasks {
            text.push_str(&format!(
                "- [{}] Rotate key {} in `docs/missing-{}.md` with `LOG_LEVEL=info` — 日本\n",
                if i % 2 == 0 { "x" } else { " " },
                i % 7,
                i % 5
            ));
        }
        std::fs::write(dir.path().join("readiness.md"), &text).unwrap();
        std::fs::write(dir.path().join(".env.production"), "LOG_LEVEL=debug\n").unwrap();
        let mut ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        let today = crate::date::Date::parse_iso("2026-06-01").unwrap();
        let packs = crate::analysis::workspace_packs(&ws).unwrap();
        let mut cache = DiagnosticJson::default();
        for (id, edit) in ["", "- [ ] New task\n", "x", "\n\n"].iter().enumerate() {
            text.insert_str(text.len() / 2, edit);
            ws.set_file("readiness.md", Some(std::sync::Arc::from(text.as_str())));
            let raw = crate::analysis::check_checklist(&ws, "readiness.md", today, &packs);
            let findings = crate::analysis::finish(&ws, today, raw);
            assert!(findings.len() > 20 && (tasks < SPLIT_FROM || findings.len() >= SPLIT_FROM));
            let lines = ws.line_index("readiness.md").unwrap();
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let mut expected = convert::diagnostics(&ws, &text, lines, enc, &findings);
                convert::set_data(&mut expected, id as u64);
                let mut got = Vec::new();
                cache.array(&ws, &text, lines, enc, &findings, id as u64, &mut got);
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    serde_json::to_string(&expected).unwrap()
                );
            }
        }
    }

    /// Diagnostics that moved far (a section pasted elsewhere), or that repeat, are found
    /// by key once too many are missed in place; the bytes stay those of serialising.
    #[test]
    fn the_same_bytes_when_diagnostics_are_reordered_or_repeated() {
        same_bytes_reordered_or_repeated(80);
    }

    #[test]
    fn the_same_bytes_reordered_or_repeated_when_written_in_halves() {
        same_bytes_reordered_or_repeated(SPLIT_FROM + 300);
    }

    fn same_bytes_reordered_or_repeated(tasks: usize) {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("# Launch\n\n## Security\n\n");
        for i in 0..tasks {
            text.push_str(&format!("- [ ] Task {i} in `docs/missing-{}.md`\n", i % 9));
        }
        std::fs::write(dir.path().join("readiness.md"), &text).unwrap();
        let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        let today = crate::date::Date::parse_iso("2026-06-01").unwrap();
        let packs = crate::analysis::workspace_packs(&ws).unwrap();
        let raw = crate::analysis::check_checklist(&ws, "readiness.md", today, &packs);
        let findings = crate::analysis::finish(&ws, today, raw);
        assert!(findings.len() > 2 * MISSES_IN_PLACE);
        assert!(tasks < SPLIT_FROM || findings.len() >= SPLIT_FROM);
        let lines = ws.line_index("readiness.md").unwrap();
        let mut reversed = findings.clone();
        reversed.reverse();
        let mut rotated = findings.clone();
        rotated.rotate_left(findings.len() / 3);
        let mut repeated = findings.clone();
        repeated.extend(findings.iter().take(5).cloned());
        let mut cache = DiagnosticJson::default();
        for (id, list) in [&findings, &reversed, &rotated, &repeated, &findings]
            .into_iter()
            .enumerate()
        {
            let mut expected = convert::diagnostics(&ws, &text, lines, Encoding::Utf16, list);
            convert::set_data(&mut expected, id as u64);
            let mut got = Vec::new();
            cache.array(
                &ws,
                &text,
                lines,
                Encoding::Utf16,
                list,
                id as u64,
                &mut got,
            );
            assert_eq!(
                String::from_utf8(got).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
        }
    }

    /// A message changed where it stands (same code, range and help: a duplicate's text
    /// edited in place) is serialised again, not taken from the last publication.
    #[test]
    fn a_message_changed_in_place_is_written_anew() {
        let dir = tempfile::tempdir().unwrap();
        let text = "# Launch\n\n- [ ] One\n";
        std::fs::write(dir.path().join("readiness.md"), text).unwrap();
        let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        let lines = ws.line_index("readiness.md").unwrap();
        let finding = |message: &str| {
            Finding::new("placeholder", "readiness.md", 10..21, message.to_string())
        };
        let mut cache = DiagnosticJson::default();
        for (id, message) in ["first words", "other words", "first words"]
            .into_iter()
            .enumerate()
        {
            let list = [finding(message)];
            let mut got = Vec::new();
            cache.array(
                &ws,
                text,
                lines,
                Encoding::Utf16,
                &list,
                id as u64,
                &mut got,
            );
            let got = String::from_utf8(got).unwrap();
            assert!(got.contains(message), "{got}");
        }
    }

    #[test]
    fn an_empty_list_is_an_empty_array() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        let lines = LineIndex::new("");
        let mut got = b"prefix".to_vec();
        DiagnosticJson::default().array(&ws, "", &lines, Encoding::Utf16, &[], 3, &mut got);
        assert_eq!(got, b"prefix[]");
    }
}
