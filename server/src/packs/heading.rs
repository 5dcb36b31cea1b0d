//! Heading matching: does a checklist heading cover a pack section?

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::PackSection;

/// Leading numbering: `1)`, `2.`, `3.1`, `a)`, `Phase 3:`, `Step 2 -`, `Priority 1:`.
static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*
        (?:
            (?:phase|step|part|stage|section|priority|tier)\s*\d+(?:\.\d+)*\s*[.):\-–—]?\s*
          | \d+(?:\.\d+)*(?:\.?\s+|\s*[):\-–—]\s*)
          | [a-z]\s*[.)]\s+
        )",
    )
    .expect("valid regex")
});

/// Trailing words that say nothing about the topic.
const TRAILING: &[&str] = &[
    "checklist",
    "checklists",
    "check",
    "list",
    "tasks",
    "task",
    "items",
    "item",
    "requirements",
    "requirement",
    "section",
];

/// Normalises a heading or alias for comparison: lower case, `&`/`+` read as `and` and then
/// dropped with `and` itself, leading numbering removed, punctuation and symbols turned into
/// spaces, a plural `s` dropped from longer words, trailing filler words ("checklist")
/// removed. Returns space-separated words.
pub fn normalize_heading(text: &str) -> String {
    let lower = text.to_lowercase();
    let stripped = NUMBERING.replace(&lower, "");
    let mut words: Vec<String> = stripped
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "and")
        .map(singular)
        .collect();
    while words.len() > 1 && words.last().is_some_and(|w| TRAILING.contains(&w.as_str())) {
        words.pop();
    }
    words.join(" ")
}

fn singular(word: &str) -> String {
    if word.chars().count() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && word.is_ascii()
    {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// Section sets seen on this thread: each section's title and aliases as given, and
/// normalised (` phrase `, empty ones dropped: they match nothing). A few sets alternate
/// (the merged pack sections and each pack's own), so more than one is kept.
/// Per set, the sections each heading text matched (checklists repeat the same headings).
type PhraseCache = Vec<(
    Vec<Vec<String>>,
    Vec<Vec<String>>,
    // foldhash, not SipHash: looked up for every heading of every checklist, by three
    // callers each (SipHash was 0.7% of a large check's instructions).
    HashMap<Box<str>, Box<[usize]>, foldhash::fast::FixedState>,
)>;

thread_local! {
    static PHRASES: std::cell::RefCell<PhraseCache> = const { std::cell::RefCell::new(Vec::new()) };
}

fn raw_phrases(s: &PackSection) -> impl Iterator<Item = &String> {
    std::iter::once(&s.title).chain(&s.aliases)
}

/// Which headings cover which section: for each of `sections`, the indices (ascending) of
/// the `headings` it matches, by the rule of [`PackSection::matches_heading`].
///
/// Each heading is normalised once, and the sections' phrases once per thread while the
/// sections stay the same: a large check asked `matches_heading` for every (section,
/// heading) pair of every checklist, and building and hashing those keys was a hotspot.
pub fn sections_covered_by<'a>(
    sections: &[&PackSection],
    headings: impl IntoIterator<Item = &'a str>,
) -> Vec<Vec<usize>> {
    PHRASES.with(|cell| {
        let mut cache = cell.borrow_mut();
        let same = |raw: &Vec<Vec<String>>| {
            raw.len() == sections.len()
                && raw
                    .iter()
                    .zip(sections)
                    .all(|(r, s)| r.iter().eq(raw_phrases(s)))
        };
        let at = match cache.iter().position(|(raw, _, _)| same(raw)) {
            Some(at) => at,
            None => {
                let raw: Vec<Vec<String>> = sections
                    .iter()
                    .map(|s| raw_phrases(s).cloned().collect())
                    .collect();
                let normalized = raw
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|p| normalize_heading(p))
                            .filter(|p| !p.is_empty())
                            .map(|p| format!(" {p} "))
                            .collect()
                    })
                    .collect();
                if cache.len() >= 8 {
                    cache.remove(0); // bounded: a server sees a few pack sets at most
                }
                cache.push((raw, normalized, HashMap::default()));
                cache.len() - 1
            }
        };
        let (_, phrases, memo) = &mut cache[at];
        let mut covered = vec![Vec::new(); sections.len()];
        for (hi, title) in headings.into_iter().enumerate() {
            if !memo.contains_key(title) {
                let n = normalize_heading(title);
                let padded = format!(" {n} ");
                let matched: Box<[usize]> = phrases
                    .iter()
                    .enumerate()
                    .filter(|(_, ps)| {
                        !n.is_empty() && ps.iter().any(|p| padded.contains(p.as_str()))
                    })
                    .map(|(si, _)| si)
                    .collect();
                if memo.len() >= 100_000 {
                    memo.clear(); // bounded: a long-running server sees many headings
                }
                memo.insert(title.into(), matched);
            }
            for &si in memo[title].iter() {
                covered[si].push(hi);
            }
        }
        covered
    })
}

/// For each heading, the first of `sections` it covers (see [`sections_covered_by`]).
pub fn first_section_of<'a>(
    sections: &[&PackSection],
    headings: impl IntoIterator<Item = &'a str>,
) -> Vec<Option<usize>> {
    let headings: Vec<&str> = headings.into_iter().collect();
    let mut first = vec![None; headings.len()];
    for (si, hs) in sections_covered_by(sections, headings)
        .into_iter()
        .enumerate()
    {
        for h in hs {
            first[h].get_or_insert(si);
        }
    }
    first
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    !phrase.is_empty() && format!(" {haystack} ").contains(&format!(" {phrase} "))
}

impl PackSection {
    /// Whether a heading's text covers this section: after [`normalize_heading`], the
    /// section title or any alias occurs in the heading as whole words ("Security
    /// Checklist" covers `security`, "4) Database and migrations" covers `data`).
    ///
    /// The rule itself, one pair at a time; rules, scores, hovers and lenses ask for many
    /// headings at once through [`sections_covered_by`], which caches.
    pub fn matches_heading(&self, heading_title: &str) -> bool {
        let heading = normalize_heading(heading_title);
        if heading.is_empty() {
            return false;
        }
        std::iter::once(&self.title)
            .chain(&self.aliases)
            .any(|alias| contains_phrase(&heading, &normalize_heading(alias)))
    }
}
