//! Heading matching: does a checklist heading cover a pack section?

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

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    !phrase.is_empty() && format!(" {haystack} ").contains(&format!(" {phrase} "))
}

impl PackSection {
    /// Whether a heading's text covers this section: after [`normalize_heading`], the
    /// section title or any alias occurs in the heading as whole words ("Security
    /// Checklist" covers `security`, "4) Database and migrations" covers `data`).
    pub fn matches_heading(&self, heading_title: &str) -> bool {
        // Checklists repeat the same few headings, and every rule and the score ask: answer
        // each (section, heading) pair once per thread. The key holds the section's title
        // and alias count, so an edited user pack is not confused with the built-in one.
        thread_local! {
            static SEEN: std::cell::RefCell<std::collections::HashMap<(String, usize, String), bool>> =
                std::cell::RefCell::new(std::collections::HashMap::new());
        }
        let key = (
            self.id.clone() + "\u{0}" + &self.title,
            self.aliases.len(),
            heading_title.to_string(),
        );
        if let Some(hit) = SEEN.with(|s| s.borrow().get(&key).copied()) {
            return hit;
        }
        let result = self.matches_heading_uncached(heading_title);
        SEEN.with(|s| {
            let mut s = s.borrow_mut();
            if s.len() > 100_000 {
                s.clear(); // bounded: a long-running server sees many headings
            }
            s.insert(key, result);
        });
        result
    }

    fn matches_heading_uncached(&self, heading_title: &str) -> bool {
        let heading = normalize_heading(heading_title);
        if heading.is_empty() {
            return false;
        }
        std::iter::once(&self.title)
            .chain(&self.aliases)
            .any(|alias| contains_phrase(&heading, &normalize_heading(alias)))
    }
}
