//! A checklist's lines mapped to pack items: which task or status row speaks for which
//! item, in which state, under which covered section.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use super::matcher::{explicit_marker, Matcher};
use super::PackSection;
use crate::checklist::{Document, ItemState};

/// Where a mapped line sits in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRef {
    /// Index into `Document::tasks`.
    Task(usize),
    /// Index into `Document::status_rows`.
    Row(usize),
}

/// One checklist line and the pack item it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedLine {
    pub line: LineRef,
    pub item_id: String,
    pub state: ItemState,
    /// Range of the task or row.
    pub range: Range<usize>,
    pub explicit: bool,
}

/// The pack sections a document covers: (index in `sections`, index of the deepest
/// heading covering it).
pub fn covered_sections(doc: &Document, sections: &[PackSection]) -> Vec<(usize, usize)> {
    let refs: Vec<&PackSection> = sections.iter().collect();
    super::sections_covered_by(&refs, doc.headings.iter().map(|h| h.title.as_str()))
        .into_iter()
        .enumerate()
        .filter_map(|(si, hs)| {
            // The most specific heading: a document title ("Launch checklist") may match
            // too, but the section's own heading is where its items are.
            hs.into_iter()
                .min_by_key(|&i| (std::cmp::Reverse(doc.headings[i].level), i))
                .map(|hi| (si, hi))
        })
        .collect()
}

/// A key telling pack section sets apart: item ids and the sizes of their word lists.
pub(crate) fn sections_key(sections: &[PackSection]) -> String {
    let mut key = String::new();
    for s in sections {
        key.push_str(&s.id);
        for i in &s.items {
            key.push('|');
            key.push_str(&i.id);
            key.push(char::from(b'0' + (i.aliases.len() % 10) as u8));
            key.push(char::from(b'0' + (i.keywords.len() % 10) as u8));
        }
        key.push('\n');
    }
    key
}

/// The matcher of a set of sections, built once per process: building one normalises every
/// title, alias and keyword, which costs more than matching a whole checklist.
pub fn matcher_for(sections: &[PackSection]) -> &'static Matcher<'static> {
    static CACHE: std::sync::LazyLock<
        std::sync::Mutex<HashMap<String, &'static Matcher<'static>>>,
    > = std::sync::LazyLock::new(Default::default);
    let key = sections_key(sections);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = cache.get(&key) {
        return m;
    }
    // A few distinct pack sets per process at most: leaking them is bounded.
    let owned: &'static [PackSection] = Box::leak(sections.to_vec().into_boxed_slice());
    let matcher: &'static Matcher<'static> = Box::leak(Box::new(Matcher::new(owned)));
    cache.insert(key, matcher);
    matcher
}

thread_local! {
    /// The last document mapped on this thread: the rules of one checklist each ask for it.
    /// Keyed by the text's address and length first: comparing another checklist's text
    /// byte by byte (generated checklists share long prefixes) was a hotspot of a large check.
    #[allow(clippy::type_complexity)]
    static LAST: std::cell::RefCell<Option<((usize, usize), String, String, Arc<Mapped>)>> = const { std::cell::RefCell::new(None) };
}

type Scores = Vec<(&'static super::PackItem, &'static str, f64)>;
/// Matcher address -> line text -> scores.
/// foldhash, not SipHash: every line of a checklist is looked up on every keystroke.
type ScoresByLine = HashMap<
    usize,
    HashMap<Box<str>, std::rc::Rc<Scores>, foldhash::fast::FixedState>,
    foldhash::fast::FixedState,
>;

thread_local! {
    /// Scores by line text, per matcher: while someone types, every line but one of a
    /// 5,000-task checklist is unchanged, and rescoring them all costs a keystroke's budget.
    /// Looked up by `&str` (no key allocated per line), shared without copying.
    static SCORES: std::cell::RefCell<ScoresByLine> = std::cell::RefCell::new(HashMap::default());
}

fn scores_memo(matcher: &'static Matcher<'static>, label: &str) -> std::rc::Rc<Scores> {
    let key = matcher as *const Matcher<'static> as usize;
    if let Some(hit) = SCORES.with(|m| m.borrow().get(&key).and_then(|s| s.get(label)).cloned()) {
        return hit;
    }
    let scores = std::rc::Rc::new(matcher.scores(label));
    SCORES.with(|m| {
        let mut m = m.borrow_mut();
        if m.values().map(HashMap::len).sum::<usize>() >= 200_000 {
            m.clear(); // bounded
        }
        m.entry(key)
            .or_default()
            .insert(label.into(), scores.clone());
    });
    scores
}

/// A document's mapped lines, and the ids of items some line plausibly mentions.
#[derive(Debug, Default)]
pub struct Mapped {
    /// In document order.
    pub lines: Vec<MappedLine>,
    /// Ids of the items lines map to or plausibly mention.
    pub mentions: HashSet<String>,
}

/// Every task and status row of `doc` that maps to an item of `sections`, in order.
pub fn map_document(text: &str, doc: &Document, sections: &[PackSection]) -> Arc<Mapped> {
    mapped(text, doc, sections)
}

/// [`map_document`] and the mentions, computed together (one scoring per line), and
/// remembered for the last document on this thread: every rubric rule asks for it.
fn mapped(text: &str, doc: &Document, sections: &[PackSection]) -> Arc<Mapped> {
    let key = sections_key(sections);
    let addr = (text.as_ptr() as usize, text.len());
    let hit = LAST.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(at, t, k, _)| *at == addr && t == text && *k == key)
            .map(|(_, _, _, m)| m.clone())
    });
    if let Some(mapped) = hit {
        return mapped;
    }
    let mapped = Arc::new(map_document_uncached(text, doc, sections));
    LAST.with(|last| *last.borrow_mut() = Some((addr, text.to_string(), key, mapped.clone())));
    mapped
}

/// Adds an item id to the mentions, looked up before copied: most lines mention items
/// already seen.
fn mention(mentions: &mut HashSet<String>, id: &str) {
    if !mentions.contains(id) {
        mentions.insert(id.to_string());
    }
}

fn map_document_uncached(text: &str, doc: &Document, sections: &[PackSection]) -> Mapped {
    let matcher = matcher_for(sections);
    // Each heading's own pack section (the first that matches), normalised once rather
    // than per line under it.
    let refs: Vec<&PackSection> = sections.iter().collect();
    let own: Vec<Option<&str>> =
        super::first_section_of(&refs, doc.headings.iter().map(|h| h.title.as_str()))
            .into_iter()
            .map(|s| s.map(|si| sections[si].id.as_str()))
            .collect();
    let section_of = |_doc: &Document, _sections: &[PackSection], mut heading: Option<usize>| {
        while let Some(h) = heading {
            if let Some(id) = own[h] {
                return Some(id);
            }
            heading = doc.headings[h].parent.map(|p| p as usize);
        }
        None
    };
    let mut out = Vec::new();
    let mut mentions = HashSet::new();
    let mut one = |line: LineRef,
                   label: &str,
                   start: usize,
                   range: Range<usize>,
                   state: ItemState,
                   heading: Option<usize>| {
        let scores = scores_memo(matcher, label);
        for (item, _, score) in scores.iter() {
            if *score < MENTION_THRESHOLD {
                break;
            }
            mention(&mut mentions, &item.id);
        }
        let (item_id, explicit) = match explicit_marker(text, doc, start, label) {
            Some(id) if matcher.knows(&id) => (id, true),
            _ => {
                let section = section_of(doc, sections, heading);
                match matcher.best_from(
                    &scores,
                    section,
                    super::matcher::THRESHOLD,
                    super::matcher::MARGIN,
                ) {
                    Some(m) => (m.item_id, false),
                    None => return,
                }
            }
        };
        out.push(MappedLine {
            line,
            item_id,
            state,
            range,
            explicit,
        });
    };
    for (i, t) in doc.tasks.iter().enumerate() {
        let state = if t.checked {
            ItemState::Done
        } else {
            ItemState::Open
        };
        one(
            LineRef::Task(i),
            &t.text,
            t.range.start,
            t.range.clone(),
            state,
            t.heading.map(|h| h as usize),
        );
    }
    for (i, r) in doc.status_rows.iter().enumerate() {
        one(
            LineRef::Row(i),
            &r.label,
            r.range.start,
            r.range.clone(),
            r.state,
            r.heading.map(|h| h as usize),
        );
    }
    out.sort_by_key(|m| m.range.start);
    for m in &out {
        mention(&mut mentions, &m.item_id);
    }
    Mapped {
        lines: out,
        mentions,
    }
}

/// Score above which a line counts as mentioning an item, for rules that must not claim an
/// item is absent when a line plausibly covers it (one line often covers two items).
pub const MENTION_THRESHOLD: f64 = 4.0;
