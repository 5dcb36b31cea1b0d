//! Item matching: which pack item a user's checklist line (task or status row) is about.
//!
//! An explicit marker wins: `<!-- readiness: security.secrets-outside-repo -->` on the
//! line before the item or on its line, or a trailing `{#security.secrets-outside-repo}`
//! in the item's text. Otherwise the line is scored against every item's title, aliases
//! and keywords: words weigh by how rare they are across the items (IDF), whole keyword
//! and alias phrases add a bonus, a line saying exactly the title or an alias adds the
//! threshold (a tiny pack weighs every word at almost nothing), and the best item must
//! score above a threshold and clearly ahead of the runner-up. The threshold favours precision: a wrong match makes
//! a rule say something false about the user's line, a missed one only stays silent.
//! `checklists/matcher-labelled.tsv` measures both (see `checklists/README.md`).

use std::collections::{HashMap as StdHashMap, HashSet as StdHashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::{PackItem, PackSection};

// foldhash, not SipHash: every task and status row of every checklist is scored, a few
// lookups per word (2% of a large check went to hashing). Fixed, so the order of a
// line's words, and the sums of their weights, are the same from run to run.
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::FixedState>;
type HashSet<K> = StdHashSet<K, foldhash::fast::FixedState>;
use crate::checklist::Document;

/// Minimum score of the best item.
pub const THRESHOLD: f64 = 7.0;
/// Minimum lead of the best item over the runner-up, as a fraction of the best score.
pub const MARGIN: f64 = 0.3;
/// Added for a line that says exactly an item's title or alias: enough on its own.
const EXACT_BONUS: f64 = THRESHOLD;

/// How an item was matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub item_id: String,
    /// The score (explicit markers: infinity).
    pub score: f64,
    pub explicit: bool,
}

static MARKER_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^readiness:\s*([a-z0-9-]+\.[a-z0-9-]+)\s*$").expect("valid regex")
});
static MARKER_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{#([a-z0-9-]+\.[a-z0-9-]+)\}\s*$").expect("valid regex"));

/// The explicit marker of an item whose line starts at `start` in `text`: an HTML comment
/// `readiness: ID` on its line or the line before, or a trailing `{#ID}` in `item_text`.
pub fn explicit_marker(
    text: &str,
    doc: &Document,
    start: usize,
    item_text: &str,
) -> Option<String> {
    // Most lines carry no marker: look for the `{#` and `readiness:` before any regex.
    if item_text.contains("{#") {
        if let Some(c) = MARKER_ID.captures(item_text.trim_end()) {
            return Some(c[1].to_string());
        }
    }
    if !doc
        .html_comments
        .iter()
        .any(|c| c.body.starts_with("readiness:"))
    {
        return None;
    }
    let line_start = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let prev_start = if line_start == 0 {
        0
    } else {
        text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1)
    };
    let line_end = text[start.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| start + i);
    doc.html_comments
        .iter()
        .filter(|c| c.range.start >= prev_start && c.range.start < line_end)
        .find_map(|c| MARKER_COMMENT.captures(&c.body).map(|m| m[1].to_string()))
}

/// Matches lines against a fixed set of items; build once per checklist.
pub struct Matcher<'p> {
    items: Vec<Entry<'p>>,
    /// Item id -> its place in `items` (see [`Matcher::place_of`]).
    places: HashMap<&'p str, usize>,
    idf: HashMap<String, f64>,
    /// Word -> indices of the items holding it: a line is scored against the items that
    /// share a word with it, not against every item.
    postings: HashMap<String, Vec<usize>>,
}

struct Entry<'p> {
    item: &'p PackItem,
    section: &'p str,
    /// Every word of the title, aliases and keywords.
    words: HashSet<String>,
    /// Multi-word keyword and alias phrases, as word lists.
    phrases: Vec<Vec<String>>,
    /// The title and each alias, as word lists: a line that says exactly one of them is
    /// that item even where word weights cannot tell (a pack of one or two items weighs
    /// every word at almost nothing).
    exact: Vec<Vec<String>>,
}

impl<'p> Matcher<'p> {
    pub fn new(sections: &'p [PackSection]) -> Self {
        Matcher::from_items(
            sections
                .iter()
                .flat_map(|s| s.items.iter().map(move |i| (s.id.as_str(), i))),
        )
    }

    pub fn from_items(items: impl Iterator<Item = (&'p str, &'p PackItem)>) -> Self {
        let mut entries = Vec::new();
        for (section, item) in items {
            let mut words = HashSet::default();
            let mut phrases = Vec::new();
            let exact = std::iter::once(&item.title)
                .chain(&item.aliases)
                .map(|t| words_of(t))
                .filter(|w| !w.is_empty())
                .collect();
            let texts = std::iter::once(&item.title)
                .chain(&item.aliases)
                .chain(&item.keywords);
            for t in texts {
                let w = words_of(t);
                if w.len() >= 2 {
                    phrases.push(w.clone());
                }
                words.extend(w);
            }
            entries.push(Entry {
                item,
                section,
                words,
                phrases,
                exact,
            });
        }
        let n = entries.len().max(1) as f64;
        let mut df: HashMap<String, usize> = HashMap::default();
        for e in &entries {
            for w in &e.words {
                *df.entry(w.clone()).or_default() += 1;
            }
        }
        let idf = df
            .into_iter()
            .map(|(w, d)| (w, (n / d as f64).ln().max(0.1)))
            .collect();
        let mut postings: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, e) in entries.iter().enumerate() {
            for w in &e.words {
                postings.entry(w.clone()).or_default().push(i);
            }
        }
        // The first of two items with one id, as `Matcher::item` finds it.
        let mut places = HashMap::default();
        for (i, e) in entries.iter().enumerate() {
            places.entry(e.item.id.as_str()).or_insert(i);
        }
        Matcher {
            items: entries,
            places,
            idf,
            postings,
        }
    }

    /// How many items the matcher holds: places run from 0 to this.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the matcher holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The place of the item with that id (the first, should two share it).
    pub fn place_of(&self, id: &str) -> Option<usize> {
        self.places.get(id).copied()
    }

    /// Scores of every item with a positive score, best first.
    pub fn scores(&self, line: &str) -> Vec<(&'p PackItem, &'p str, f64)> {
        self.scores_placed(line)
            .into_iter()
            .map(|(_, item, section, score)| (item, section, score))
            .collect()
    }

    /// [`Matcher::scores`], each with its item's place (see [`Matcher::place_of`]).
    pub fn scores_placed(&self, line: &str) -> Vec<(usize, &'p PackItem, &'p str, f64)> {
        let words = words_of(&clean_line(line));
        let set: HashSet<&str> = words.iter().map(String::as_str).collect();
        let mut word_scores: HashMap<usize, f64> = HashMap::default();
        for w in &set {
            let Some(items) = self.postings.get(*w) else {
                continue;
            };
            let idf = self.idf.get(*w).copied().unwrap_or(0.0);
            for &i in items {
                *word_scores.entry(i).or_default() += idf;
            }
        }
        let mut hits: Vec<(usize, f64)> = word_scores.into_iter().collect();
        // Item order, as the full scan had: ties keep resolving the same way.
        hits.sort_unstable_by_key(|(i, _)| *i);
        let mut out = Vec::new();
        for (i, mut score) in hits {
            let e = &self.items[i];
            if score == 0.0 {
                continue;
            }
            for p in &e.phrases {
                if contains_seq(&words, p) {
                    score += 1.5 * p.len() as f64;
                }
            }
            if e.exact.contains(&words) {
                score += EXACT_BONUS;
            }
            out.push((i, e.item, e.section, score));
        }
        out.sort_by(|a, b| b.3.total_cmp(&a.3));
        out
    }

    /// The item a line is about, if one is clearly ahead.
    pub fn best(&self, line: &str) -> Option<Match> {
        self.best_in(line, None)
    }

    /// Like [`Matcher::best`], with the pack section of the heading the line sits under
    /// (its items get a small head start).
    pub fn best_in(&self, line: &str, section: Option<&str>) -> Option<Match> {
        self.best_with(line, section, THRESHOLD, MARGIN)
    }

    /// [`Matcher::best_in`] with another threshold and margin (for tuning).
    pub fn best_with(
        &self,
        line: &str,
        section: Option<&str>,
        threshold: f64,
        margin: f64,
    ) -> Option<Match> {
        self.best_from(&self.scores(line), section, threshold, margin)
    }

    /// [`Matcher::best_with`] on scores already computed by [`Matcher::scores`].
    pub fn best_from(
        &self,
        scores: &[(&'p PackItem, &'p str, f64)],
        section: Option<&str>,
        threshold: f64,
        margin: f64,
    ) -> Option<Match> {
        self.best_position(scores, section, threshold, margin)
            .map(|(at, score)| Match {
                item_id: scores[at].0.id.clone(),
                score,
                explicit: false,
            })
    }

    /// The best item of [`Matcher::best_from`] as its position in `scores`, and its score:
    /// a checklist's mapping names thousands of items, and takes each from the packs (and
    /// its place in the matcher) rather than copying its id.
    pub fn best_position(
        &self,
        scores: &[(&'p PackItem, &'p str, f64)],
        section: Option<&str>,
        threshold: f64,
        margin: f64,
    ) -> Option<(usize, f64)> {
        // The two best after the section's head start (`scores` is sorted without it); on a
        // tie the earlier item wins, as a stable sort would leave it.
        let boosted = |x: &(&'p PackItem, &'p str, f64)| {
            if section.is_some_and(|s| x.1 == s) {
                x.2 * 1.15
            } else {
                x.2
            }
        };
        let mut top: Option<(usize, f64)> = None;
        let mut second = 0.0_f64;
        for (at, x) in scores.iter().enumerate() {
            let v = boosted(x);
            match top {
                Some((_, b)) if v <= b => second = second.max(v),
                _ => {
                    if let Some((_, b)) = top {
                        second = second.max(b);
                    }
                    top = Some((at, v));
                }
            }
        }
        let (at, best) = top?;
        (best >= threshold && best - second >= margin * best).then_some((at, best))
    }

    /// The item at that place (see [`Matcher::place_of`]).
    pub fn item_at(&self, place: usize) -> Option<&'p PackItem> {
        self.items.get(place).map(|e| e.item)
    }

    /// This matcher's item with that id.
    pub fn item(&self, id: &str) -> Option<&'p PackItem> {
        self.item_at(self.place_of(id)?)
    }
}

/// Strips list and task markers, table pipes, status symbols and emphasis.
fn clean_line(line: &str) -> String {
    static LEAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX~-]\]\s+)?").expect("valid regex")
    });
    // Most labels are already plain text (the parser strips list markers): skip the regex.
    let line = if line
        .trim_start()
        .starts_with(|c: char| matches!(c, '-' | '*' | '+') || c.is_ascii_digit())
    {
        LEAD.replace(line, "")
    } else {
        std::borrow::Cow::Borrowed(line)
    };
    let line = if line.contains("{#") {
        MARKER_ID.replace(&line, "")
    } else {
        line
    };
    line.replace(['|', '*', '`', '_'], " ")
}

const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "is", "are", "be",
    "at", "as", "from", "every", "all", "each", "any", "no", "not", "it", "its", "we", "our",
    "has", "have", "this", "that", "into", "per", "via", "done", "todo", "yes", "partial", "set",
    "up", "use", "used", "only", "there", "when", "after", "before", "e", "g", "i", "one", "can",
    "do", "does", "are", "was", "were", "will", "should", "must", "ensure", "make", "sure", "en",
    "de", "la", "le", "les", "el", "los", "das", "der", "die", "und", "mit",
];

/// Lower-case words, stop words dropped, a plural `s` removed from longer words.
pub fn words_of(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(stem)
        .collect()
}

fn stem(w: &str) -> String {
    if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") && w.is_ascii() {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    }
}

fn contains_seq(words: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_markers_win() {
        let text = "## S\n\n<!-- readiness: security.rate-limiting -->\n- [ ] Something\n- [ ] Other {#data.restore-drill}\n";
        let doc = crate::checklist::parse(text);
        let t0 = &doc.tasks[0];
        assert_eq!(
            explicit_marker(text, &doc, t0.range.start, &t0.text).as_deref(),
            Some("security.rate-limiting")
        );
        let t1 = &doc.tasks[1];
        assert_eq!(
            explicit_marker(text, &doc, t1.range.start, &t1.text).as_deref(),
            Some("data.restore-drill")
        );
    }

    /// One or two items weigh every word at almost nothing: a line saying exactly an
    /// item's title or alias still matches it, and only that.
    #[test]
    fn a_tiny_pack_matches_a_line_that_says_its_title() {
        let item: PackItem = toml::from_str(
            r#"id = "release.rollback-drill"
title = "Rollback drill done"
aliases = ["rollback rehearsed"]
why = "w"
verify = "v"
level = "must"
line = "- [ ] Rollback drill done"
"#,
        )
        .unwrap();
        let m = Matcher::from_items(std::iter::once(("release", &item)));
        for line in [
            "Rollback drill done",
            "- [x] rollback  DRILL done",
            "Rollback rehearsed",
        ] {
            assert_eq!(
                m.best(line).map(|x| x.item_id).as_deref(),
                Some("release.rollback-drill"),
                "{line}"
            );
        }
        assert_eq!(
            m.best("Rollback drill scheduled for May")
                .map(|x| x.item_id),
            None
        );
    }
}
