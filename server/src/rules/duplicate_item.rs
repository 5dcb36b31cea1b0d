//! `duplicate-item`: the same task twice in one section.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::{ChecklistCx, Rule, RuleInfo};
use crate::model::{Finding, Related, Severity};

pub struct DuplicateItem;

static INFO: RuleInfo = RuleInfo {
    code: "duplicate-item",
    severity: Severity::Info,
    summary: "the same task text appears twice in one section",
    explain: include_str!("docs/duplicate-item.md"),
};

/// The text's words lower-cased (char by char) and joined by single spaces, as chars:
/// what two tasks must share to be the same item.
fn normalized(text: &str) -> impl Iterator<Item = char> + '_ {
    text.split_whitespace().enumerate().flat_map(|(i, w)| {
        (i > 0)
            .then_some(' ')
            .into_iter()
            .chain(w.chars().flat_map(char::to_lowercase))
    })
}

/// [`normalized`] as a string; ASCII text without decoding chars.
fn normalize(text: &str) -> String {
    if text.is_ascii() {
        let mut out = String::with_capacity(text.len());
        for w in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        out.make_ascii_lowercase();
        out
    } else {
        normalized(text).collect()
    }
}

/// A hash of [`normalized`], or `None` when it is empty, computed without building it.
fn normalized_hash(text: &str) -> Option<u64> {
    // A byte at a time while the text is ASCII (what `split_whitespace` splits at in
    // ASCII, vertical tab included), decoding a character only where one starts: hashing
    // every task of a 5,000-task checklist was most of this rule's time, and one em dash
    // would send a whole line through `chars()`.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    let mut gap = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut mix = |c: u64, space: &mut bool, any: &mut bool| {
        if *space {
            h = (h ^ b' ' as u64).wrapping_mul(0x0100_0000_01b3);
            *space = false;
        }
        *any = true;
        h = (h ^ c).wrapping_mul(0x0100_0000_01b3);
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if matches!(b, b' ' | b'\t'..=b'\r') {
                gap = any;
            } else {
                mix(b.to_ascii_lowercase() as u64, &mut gap, &mut any);
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            gap = any;
        } else {
            for l in c.to_lowercase() {
                mix(l as u64, &mut gap, &mut any);
            }
        }
    }
    any.then_some(h)
}

impl Rule for DuplicateItem {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        // Same heading and same parent task: "Verify" under two different parents is not a
        // repeat. Keyed by a hash of the normalised text, computed without building it (a
        // 5,000-task checklist is checked on every keystroke); a hit is confirmed on the
        // texts themselves.
        let mut first: HashMap<(Option<u32>, Option<u32>, u64), usize> =
            HashMap::with_capacity(cx.doc.tasks.len());
        for (i, task) in cx.doc.tasks.iter().enumerate() {
            let Some(hash) = normalized_hash(&task.text) else {
                continue;
            };
            match first.entry((task.heading, task.parent, hash)) {
                Entry::Vacant(v) => {
                    v.insert(i);
                }
                Entry::Occupied(o) => {
                    let j = *o.get();
                    if normalize(&cx.doc.tasks[j].text) != normalize(&task.text) {
                        continue; // a hash collision: different texts
                    }
                    let original = &cx.doc.tasks[j];
                    let line = cx.lines.line_of(original.range.start) + 1;
                    out.push(
                        Finding::new(
                            INFO.code,
                            cx.path,
                            task.range.clone(),
                            format!(
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
    fn the_hash_is_the_hash_of_the_normalised_text() {
        use super::{normalize, normalized_hash};
        for (a, b) in [
            ("Run  LOAD\ttest ", "run load test"),
            ("\u{b}Tab\x0csep", "tab sep"),
            ("Überprüfen Sie", "überprüfen sie"),
        ] {
            assert_eq!(normalized_hash(a), normalized_hash(b), "{a:?} / {b:?}");
            assert_eq!(normalize(a), normalize(b));
        }
        assert_ne!(
            normalized_hash("run load test"),
            normalized_hash("run load tests")
        );
        assert_eq!(normalized_hash(" \n "), None);
        // The hash is FNV-1a of the normalised text's characters.
        for text in [
            "  Run\u{b} LOAD\ttest x ",
            "a",
            "a  b\r\nc",
            "\x0c",
            "Nightly — see\u{a0}ÜBER  İ x\u{2003}",
        ] {
            let slow = {
                let mut h: u64 = 0xcbf2_9ce4_8422_2325;
                let norm = normalize(text);
                for c in norm.chars() {
                    h = (h ^ c as u64).wrapping_mul(0x0100_0000_01b3);
                }
                (!norm.is_empty()).then_some(h)
            };
            assert_eq!(normalized_hash(text), slow, "{text:?}");
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
