//! `duplicate-item`: the same task twice in one section.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::{ChecklistCx, Rule, RuleInfo};
use crate::checklist::ItemStr;
use crate::model::{Finding, Related, Severity};

pub struct DuplicateItem;

static INFO: RuleInfo = RuleInfo {
    code: "duplicate-item",
    severity: Severity::Info,
    summary: "the same task text appears twice in one section",
    explain: include_str!("docs/duplicate-item.md"),
};

/// The text's words lower-cased (char by char) and joined by single spaces: what two
/// tasks must share to be the same item. The definition, which [`normalize_into`] (what
/// the rule runs) is tested against.
#[cfg(test)]
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.chars().flat_map(char::to_lowercase).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The task text normalised (words lower-cased, joined by single spaces) into a buffer
/// reused from task to task: a byte at a time while the text is ASCII (what
/// `split_whitespace` splits at in ASCII, vertical tab included), decoding a character
/// only where one starts. Hashing a 5,000-task checklist's texts
/// char by char was most of this rule's time on every keystroke.
fn normalize_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    // A task's text comes from the parser with its words joined by single spaces: in ASCII,
    // lower-casing it is all there is to do, in one pass the compiler vectorises.
    let bytes = text.as_bytes();
    if text.is_ascii() && crate::checklist::is_collapsed(text) {
        out.extend(bytes.iter().map(u8::to_ascii_lowercase));
        return;
    }
    let mut gap = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if matches!(b, b' ' | b'\t'..=b'\r') {
                gap = !out.is_empty();
                continue;
            }
            if gap {
                out.push(b' ');
                gap = false;
            }
            out.push(b.to_ascii_lowercase());
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            gap = !out.is_empty();
            continue;
        }
        if gap {
            out.push(b' ');
            gap = false;
        }
        for l in c.to_lowercase() {
            let mut utf8 = [0; 4];
            out.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
        }
    }
}

/// A hash of the normalised text, or `None` when it is empty; `buf` is scratch space.
fn normalized_hash(text: &str, buf: &mut Vec<u8>) -> Option<u64> {
    use std::hash::BuildHasher;
    normalize_into(text, buf);
    (!buf.is_empty()).then(|| foldhash::quality::FixedState::default().hash_one(&buf[..]))
}

thread_local! {
    /// [`normalized_hash`] by a hash of the raw text, for long checklists: between two
    /// keystrokes all of a 5,000-task checklist's texts but one are the same, and hashing
    /// the raw bytes is several times cheaper than normalising them. A collision of raw
    /// hashes could only hide a repeat (a hit is confirmed on the texts), never invent one.
    static MEMO: std::cell::RefCell<HashMap<u64, Option<u64>, foldhash::fast::FixedState>> =
        std::cell::RefCell::new(HashMap::default());
}

/// Checklists from this many tasks use [`MEMO`]: someone is typing in them, while a
/// workspace check sees each checklist once and would only grow the memo.
const MEMO_FROM_TASKS: usize = 1000;

/// [`normalized_hash`] through [`MEMO`].
fn memo_normalized_hash(text: &str, buf: &mut Vec<u8>) -> Option<u64> {
    use std::hash::BuildHasher;
    let raw = foldhash::quality::FixedState::default().hash_one(text.as_bytes());
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(hash) = memo.get(&raw) {
            return *hash;
        }
        if memo.len() >= 20_000 {
            // Bounded, and its room given back: each rayon thread keeps its own memo.
            *memo = HashMap::default();
        }
        let hash = normalized_hash(text, buf);
        memo.insert(raw, hash);
        hash
    })
}

/// A text's address -> the text (held, so that the address cannot be reused while the entry
/// lives) and its [`normalized_hash`].
type ByAddress = HashMap<usize, (ItemStr, Option<u64>), foldhash::fast::FixedState>;

thread_local! {
    /// [`normalized_hash`] of texts that several tasks share: the documents a workspace
    /// load parses share equal texts (see [`crate::checklist::shared`]), as do the tasks an
    /// edit leaves in place and the document before it. A monorepo's checklists, copies of
    /// a few templates, have a few thousand texts among hundreds of thousands of tasks:
    /// looked up by address, most are not normalised at all (on the bench tree, normalising
    /// was 2.8% of a check's instructions).
    static BY_ADDRESS: std::cell::RefCell<ByAddress> = std::cell::RefCell::new(HashMap::default());
}

/// [`normalized_hash`] through [`BY_ADDRESS`] for a text held in more than one place, else
/// through [`MEMO`] in a long checklist, else computed.
fn task_hash(text: &ItemStr, long: bool, buf: &mut Vec<u8>) -> Option<u64> {
    if ItemStr::strong_count(text).is_none_or(|n| n <= 1) {
        // Held by this task alone (a line just typed): by address, it could never be found
        // again.
        return if long {
            memo_normalized_hash(text, buf)
        } else {
            normalized_hash(text, buf)
        };
    }
    let address = text.as_ptr() as usize;
    BY_ADDRESS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some((_, hash)) = memo.get(&address) {
            return *hash;
        }
        if memo.len() >= 20_000 {
            *memo = HashMap::default();
        }
        let hash = normalized_hash(text, buf);
        memo.insert(address, (text.clone(), hash));
        hash
    })
}

impl Rule for DuplicateItem {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn builds_fixes(&self) -> bool {
        false
    }

    /// Repeats are looked for under one heading, and an edit's stretch holds whole
    /// headings' tasks (it runs from a heading to the next); the message names a line.
    fn locality(&self) -> super::Locality {
        super::Locality::ItemAndLine
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        // Same heading and same parent task: "Verify" under two different parents is not a
        // repeat. Keyed by a hash of the normalised text, computed without building it (a
        // 5,000-task checklist is checked on every keystroke); a hit is confirmed on the
        // texts themselves.
        let mut first: HashMap<(Option<u32>, Option<u32>, u64), usize, _> =
            HashMap::with_capacity_and_hasher(
                cx.doc.tasks.len(),
                foldhash::fast::FixedState::default(),
            );
        let (mut buf, mut other) = (Vec::new(), Vec::new());
        let memo = cx.doc.tasks.len() >= MEMO_FROM_TASKS;
        for (i, task) in cx.doc.tasks.iter().enumerate() {
            if !cx.in_view(task.range.start) {
                continue;
            }
            let Some(hash) = task_hash(&task.text, memo, &mut buf) else {
                continue;
            };
            match first.entry((task.heading, task.parent, hash)) {
                Entry::Vacant(v) => {
                    v.insert(i);
                }
                Entry::Occupied(o) => {
                    let j = *o.get();
                    let original = &cx.doc.tasks[j];
                    // One shared text is the same text; else compared normalised, into two
                    // buffers (a memo hit left `buf` as it was).
                    if !ItemStr::ptr_eq(&task.text, &original.text) {
                        normalize_into(&task.text, &mut buf);
                        normalize_into(&original.text, &mut other);
                        if buf != other {
                            continue; // a hash collision: different texts
                        }
                    }
                    let line = cx.lines.line_of(original.range.start) + 1;
                    out.push(
                        Finding::formatted(
                            INFO.code,
                            cx.path,
                            task.range.clone(),
                            format_args!(
                                "\"{}\" is already listed in this section (line {line})",
                                super::snippet(&task.text, 60)
                            ),
                        )
                        .with_help("remove one of them, or reword them to say what differs")
                        .with_related(Related {
                            path: cx.path.to_string(),
                            range: original.range.clone(),
                            message: "first listed here".into(),
                        }),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn shared_texts_hash_as_their_normalised_text() {
        use super::{normalized_hash, task_hash, ItemStr};
        std::thread::spawn(|| {
            let mut buf = Vec::new();
            for text in [
                "Run  LOAD\ttest",
                "run load test",
                " ",
                "Überprüfen Sie",
                "x",
            ] {
                let direct = normalized_hash(text, &mut buf);
                let alone = ItemStr::from(text);
                assert_eq!(task_hash(&alone, false, &mut buf), direct, "{text:?}");
                assert_eq!(task_hash(&alone, true, &mut buf), direct, "{text:?}");
                // Shared: by address, the first time and the next.
                let shared = alone.clone();
                for _ in 0..2 {
                    assert_eq!(task_hash(&shared, false, &mut buf), direct, "{text:?}");
                }
            }
            // Texts dropped and others made in their place: each is hashed as itself,
            // never as what an address held before (the memo holds what it saw).
            for round in 0..200 {
                let text = format!("Task number {round}");
                let a = ItemStr::from(text.as_str());
                let b = a.clone();
                assert_eq!(
                    task_hash(&b, false, &mut buf),
                    normalized_hash(&text, &mut buf)
                );
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_hash_is_the_hash_of_the_normalised_text() {
        use super::{normalize, normalize_into, normalized_hash};
        let mut buf = Vec::new();
        for (a, b) in [
            ("Run  LOAD\ttest ", "run load test"),
            ("\u{b}Tab\x0csep", "tab sep"),
            ("Überprüfen Sie", "überprüfen sie"),
        ] {
            let ha = normalized_hash(a, &mut buf);
            assert_eq!(ha, normalized_hash(b, &mut buf), "{a:?} / {b:?}");
            assert_eq!(normalize(a), normalize(b));
        }
        assert_ne!(
            normalized_hash("run load test", &mut buf),
            normalized_hash("run load tests", &mut buf)
        );
        assert_eq!(normalized_hash(" \n ", &mut buf), None);
        // Through the memo, twice: the same hashes.
        for text in ["Run  LOAD test", "run load test", " ", "Überprüfen"] {
            for _ in 0..2 {
                let direct = normalized_hash(text, &mut buf);
                assert_eq!(super::memo_normalized_hash(text, &mut buf), direct);
            }
        }
        // The bytes hashed are the normalised text's.
        for text in [
            "  Run\u{b} LOAD\ttest x ",
            "Run LOAD test",
            "Run LOAD test ",
            " Run",
            "Run  LOAD",
            "a\nb",
            "",
            "a",
            "a  b\r\nc",
            "\x0c",
            "Nightly — see\u{a0}ÜBER  İ x\u{2003}",
            "\u{2003}x",
        ] {
            normalize_into(text, &mut buf);
            assert_eq!(
                std::str::from_utf8(&buf).unwrap(),
                normalize(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_long_checklist_through_the_memo_finds_the_same_repeats() {
        // 1,200 tasks (the memo's side of MEMO_FROM_TASKS), each text twice, the second
        // time in other case and spacing; checked twice, the second time from the memo.
        const { assert!(1200 >= super::MEMO_FROM_TASKS) };
        let mut text = String::from("## A\n");
        for i in 0..600 {
            text.push_str(&format!("- [ ] Rotate key {i} — now\n"));
        }
        for i in 0..600 {
            text.push_str(&format!("- [x] ROTATE  key {i}\t— NOW\n"));
        }
        for _ in 0..2 {
            let out = check("duplicate-item", &[("readiness.md", &text)]);
            assert_eq!(out.len(), 600);
            assert_eq!(
                out[0],
                "readiness.md:602: \"ROTATE key 0 — NOW\" is already listed in this section (line 2)"
            );
        }
    }

    #[test]
    fn repeats_in_one_section_fire_once_per_repeat() {
        let out = check(
            "duplicate-item",
            &[("readiness.md", "## A\n- [ ] Run load test\n- [x] run  LOAD test\n## B\n- [ ] Run load test\n- [ ] Parent\n  - [ ] Verify\n- [ ] Other\n  - [ ] Verify\n")],
        );
        assert_eq!(
            out,
            ["readiness.md:3: \"run LOAD test\" is already listed in this section (line 2)"]
        );
    }
}
