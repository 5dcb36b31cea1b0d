//! A checklist's lines mapped to pack items: which task or status row speaks for which
//! item, in which state, under which covered section.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use super::matcher::{explicit_marker, Matcher};
use super::PackSection;
use crate::checklist::{Document, ItemState};

/// Where a mapped line sits in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Borrowed from the packs, which live as long as the process (see [`matcher_for`]): an
    /// edit moves thousands of mapped lines (see [`remap`]), and a shared count touched for
    /// each was most of that.
    pub item_id: &'static str,
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

/// A key telling pack section sets apart by everything they say (ids, wordings, texts,
/// weights, probes): a user pack edited while the language server runs is matched, merged
/// and explained with what it says now. Sections that [`super::combined`] holds have
/// theirs already (made from each pack's, once per load); others get a 128-bit hash.
pub(crate) fn sections_key(sections: &[PackSection]) -> String {
    if let Some(key) = super::combined_key(sections) {
        return key;
    }
    let [a, b] = [1u64, 2].map(|seed| {
        let mut h = foldhash::quality::FixedState::with_seed(seed).build_hasher();
        for s in sections {
            hash_section(s, &mut h);
        }
        h
    });
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

/// Every field, named so that a field added to a section or an item cannot be left out.
fn hash_section(s: &PackSection, h: &mut impl Hasher) {
    let PackSection {
        id,
        title,
        aliases,
        required,
        weight,
        items,
    } = s;
    (id, title, aliases, required, weight.to_bits()).hash(h);
    items.len().hash(h);
    for item in items {
        let super::PackItem {
            id,
            title,
            aliases,
            keywords,
            why,
            verify,
            level,
            line,
            template,
            probes,
        } = item;
        (
            id, title, aliases, keywords, why, verify, level, line, template, probes,
        )
            .hash(h);
    }
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

/// A line's scores, with what mapping it and counting its mentions need of them.
struct LineScores {
    /// Best first (see [`Matcher::scores`]).
    scores: Scores,
    /// Each scored item's place in the matcher (see [`Matcher::place_of`]), in the order of
    /// `scores`.
    places: Box<[u32]>,
    /// How many of `scores`, the first, reach [`MENTION_THRESHOLD`].
    high: usize,
}

impl LineScores {
    fn new(matcher: &'static Matcher<'static>, label: &str) -> LineScores {
        let scored = matcher.scores_placed(label);
        // Kept for the rest of the run: at their length (half a MB of slack on the bench
        // tree).
        let mut scores = Vec::with_capacity(scored.len());
        let mut places = Vec::with_capacity(scored.len());
        for (place, item, section, score) in scored {
            scores.push((item, section, score));
            places.push(place as u32);
        }
        let high = scores.partition_point(|(_, _, score)| *score >= MENTION_THRESHOLD);
        LineScores {
            scores,
            places: places.into_boxed_slice(),
            high,
        }
    }
}

/// Matcher address -> line text -> scores.
/// foldhash, not SipHash: every line of a checklist is looked up on every keystroke.
type ScoresByLine = HashMap<
    usize,
    HashMap<Box<str>, Arc<LineScores>, foldhash::fast::FixedState>,
    foldhash::fast::FixedState,
>;

thread_local! {
    /// Scores by line text, per matcher: while someone types, every line but one of a
    /// 5,000-task checklist is unchanged, and rescoring them all costs a keystroke's budget.
    /// Looked up by `&str` (no key allocated per line), lent without copying.
    static SCORES: std::cell::RefCell<ScoresByLine> = std::cell::RefCell::new(HashMap::default());
}

/// What every thread scored, asked when a thread's own memo misses: the threads of a large
/// check map thousands of checklists whose lines repeat from one to the next, and each
/// thread scored them again. A thread's own memo answers first, so this lock is taken once
/// per line text and thread.
static ALL_SCORES: std::sync::LazyLock<std::sync::Mutex<ScoresByLine>> =
    std::sync::LazyLock::new(Default::default);

/// Remembers `scores` in `memo`, which starts afresh past 200,000 entries (bounded).
fn remember(memo: &mut ScoresByLine, matcher: usize, label: &str, scores: &Arc<LineScores>) {
    if memo.values().map(HashMap::len).sum::<usize>() >= 200_000 {
        memo.clear();
    }
    memo.entry(matcher)
        .or_default()
        .insert(label.into(), scores.clone());
}

/// `f` of the line's scores, from this thread's memo when it has them. They are lent, not
/// shared: the memo of all threads hands out the same scores to both, and raising and
/// dropping a shared count for each line moved that count between the cores.
fn with_scores<R>(
    matcher: &'static Matcher<'static>,
    label: &str,
    f: impl FnOnce(&LineScores) -> R,
) -> R {
    let key = matcher as *const Matcher<'static> as usize;
    // On a miss `f` comes back, to be called on the scores made below.
    let f = match SCORES.with(|m| match m.borrow().get(&key).and_then(|s| s.get(label)) {
        Some(scores) => Ok(f(scores)),
        None => Err(f),
    }) {
        Ok(r) => return r,
        Err(f) => f,
    };
    let lock = || ALL_SCORES.lock().unwrap_or_else(|e| e.into_inner());
    let shared = lock().get(&key).and_then(|s| s.get(label)).cloned();
    let scores = shared.unwrap_or_else(|| {
        let scores = Arc::new(LineScores::new(matcher, label));
        remember(&mut lock(), key, label, &scores);
        scores
    });
    SCORES.with(|m| remember(&mut m.borrow_mut(), key, label, &scores));
    f(&scores)
}

/// How many lines map to or plausibly mention each item, by its place in the matcher.
type Mentions = Vec<u32>;

/// A document's mapped lines, and the items some line plausibly mentions.
#[derive(Debug, Default, PartialEq)]
pub struct Mapped {
    /// In document order.
    pub lines: Vec<MappedLine>,
    /// How many lines map to or plausibly mention each item, by its place in `matcher`
    /// (counted, so that an edit can take a line's mentions away again, see [`remap`]).
    mentions: Mentions,
    /// The matcher the lines were mapped with; `None` in an empty mapping.
    matcher: Option<MatcherRef>,
    /// Each heading's own pack section (index into the sections), found once per set of
    /// headings: an edit that re-maps a stretch keeps the headings.
    own: Arc<Vec<Option<usize>>>,
}

/// A matcher built once per process (see [`matcher_for`]), told apart by its address.
#[derive(Clone, Copy)]
struct MatcherRef(&'static Matcher<'static>);

impl PartialEq for MatcherRef {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl std::fmt::Debug for MatcherRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Matcher({} items)", self.0.len())
    }
}

impl Mapped {
    /// Whether some line maps to or plausibly mentions the item.
    pub fn mentions(&self, id: &str) -> bool {
        self.matcher
            .and_then(|m| m.0.place_of(id))
            .is_some_and(|at| self.mentions.get(at).is_some_and(|n| *n > 0))
    }
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

fn map_document_uncached(text: &str, doc: &Document, sections: &[PackSection]) -> Mapped {
    let matcher = matcher_for(sections);
    let mapper = LineMapper::new(text, doc, sections, matcher, own_sections(doc, sections));
    let mut out = Mapped {
        mentions: vec![0; matcher.len()],
        matcher: Some(MatcherRef(matcher)),
        own: mapper.own.clone(),
        ..Mapped::default()
    };
    for (line, _) in lines_of(doc) {
        mapper.map(line, &mut out.lines, &mut out.mentions);
    }
    out.lines.sort_by_key(|m| m.range.start);
    out
}

/// [`map_document`] of `doc` (the document after an edit inside `stretch`), from the
/// mapping `old` of the document before it, `old_doc`: a line's mapping depends on its own
/// text, its heading's section and a marker on it or the line before, none of which an
/// edit outside its stretch changes. The stretch's lines are mapped again; the others are
/// moved. A 5,000-line checklist is mapped in the time of a few dozen lines.
pub fn remap(
    text: &str,
    doc: &Document,
    sections: &[PackSection],
    old_doc: &Document,
    old: &Mapped,
    stretch: &crate::checklist::Stretch,
) -> Mapped {
    let matcher = matcher_for(sections);
    if old.matcher != Some(MatcherRef(matcher)) {
        // Mapped against other pack sections (or not at all): nothing of it holds. The
        // analysis does not get here (an edit that changes the packs is parsed whole),
        // but a mapping half of one pack and half of another would be silently wrong.
        return map_document_uncached(text, doc, sections);
    }
    let mapper = LineMapper::new(text, doc, sections, matcher, old.own.clone());
    // Take the old stretch's lines' mentions away, as they were counted.
    let mut mentions = old.mentions.clone();
    let old_places: HashMap<LineRef, u32> = old
        .lines
        .iter()
        .filter(|m| stretch.contains(m.range.start))
        .filter_map(|m| Some((m.line, matcher.place_of(m.item_id)? as u32)))
        .collect();
    let old_mapper = LineMapper::new("", old_doc, sections, matcher, old.own.clone());
    for (line, start) in lines_of(old_doc) {
        if stretch.contains(start) {
            let label = old_mapper.label(line);
            with_scores(old_mapper.matcher, label, |scores| {
                count_mentions(&mut mentions, scores, old_places.get(&line).copied(), -1);
            });
        }
    }
    let moved = |line: LineRef| match line {
        LineRef::Task(i) => LineRef::Task(i + doc.tasks.len() - old_doc.tasks.len()),
        LineRef::Row(i) => LineRef::Row(i + doc.status_rows.len() - old_doc.status_rows.len()),
    };
    let mut lines: Vec<MappedLine> = old
        .lines
        .iter()
        .take_while(|m| stretch.before(m.range.start))
        .cloned()
        .collect();
    let new_range = stretch.new_range();
    let mut again = Vec::new();
    for (line, start) in lines_of(doc) {
        if new_range.contains(&start) {
            mapper.map(line, &mut again, &mut mentions);
        }
    }
    again.sort_by_key(|m| m.range.start);
    lines.extend(again);
    lines.extend(
        old.lines
            .iter()
            .filter(|m| stretch.after(m.range.start))
            .map(|m| MappedLine {
                line: moved(m.line),
                range: stretch.moved(&m.range),
                ..m.clone()
            }),
    );
    Mapped {
        lines,
        mentions,
        matcher: Some(MatcherRef(matcher)),
        own: old.own.clone(),
    }
}

/// Each heading's own pack section: the first that its title matches.
fn own_sections(doc: &Document, sections: &[PackSection]) -> Arc<Vec<Option<usize>>> {
    let refs: Vec<&PackSection> = sections.iter().collect();
    Arc::new(super::first_section_of(
        &refs,
        doc.headings.iter().map(|h| h.title.as_str()),
    ))
}

/// Every task and status row, with where it starts.
fn lines_of(doc: &Document) -> impl Iterator<Item = (LineRef, usize)> + '_ {
    let tasks = doc.tasks.iter().enumerate();
    let rows = doc.status_rows.iter().enumerate();
    tasks
        .map(|(i, t)| (LineRef::Task(i), t.range.start))
        .chain(rows.map(|(i, r)| (LineRef::Row(i), r.range.start)))
}

/// Counts the items a line mentions, each once: those it scores high enough for, and the
/// one it maps to (by place in the matcher). `by` is 1 to count a line in, -1 to take it
/// out again.
fn count_mentions(mentions: &mut Mentions, scores: &LineScores, mapped: Option<u32>, by: i32) {
    let above = &scores.places[..scores.high];
    let mapped = mapped.filter(|at| !above.contains(at));
    for &at in above.iter().chain(&mapped) {
        if let Some(n) = mentions.get_mut(at as usize) {
            *n = if by > 0 {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            };
        }
    }
}

/// Maps single lines of one document.
struct LineMapper<'d> {
    text: &'d str,
    doc: &'d Document,
    sections: &'d [PackSection],
    matcher: &'static Matcher<'static>,
    /// Each heading's own pack section (see [`own_sections`]), normalised once rather
    /// than per line under it.
    own: Arc<Vec<Option<usize>>>,
}

impl<'d> LineMapper<'d> {
    fn new(
        text: &'d str,
        doc: &'d Document,
        sections: &'d [PackSection],
        matcher: &'static Matcher<'static>,
        own: Arc<Vec<Option<usize>>>,
    ) -> Self {
        LineMapper {
            text,
            doc,
            sections,
            matcher,
            own,
        }
    }

    fn label(&self, line: LineRef) -> &'d str {
        match line {
            LineRef::Task(i) => &self.doc.tasks[i].text,
            LineRef::Row(i) => &self.doc.status_rows[i].label,
        }
    }

    /// The pack section of the nearest heading above that has one.
    fn section_of(&self, mut heading: Option<usize>) -> Option<&'d str> {
        while let Some(h) = heading {
            if let Some(si) = self.own[h] {
                return Some(&self.sections[si].id);
            }
            heading = self.doc.headings[h].parent.map(|p| p as usize);
        }
        None
    }

    /// Maps one line onto `out` (when it maps) and counts its mentions.
    fn map(&self, line: LineRef, out: &mut Vec<MappedLine>, mentions: &mut Mentions) {
        let (label, start, range, state, heading) = match line {
            LineRef::Task(i) => {
                let t = &self.doc.tasks[i];
                let state = if t.checked {
                    ItemState::Done
                } else {
                    ItemState::Open
                };
                (&*t.text, t.range.start, t.range.clone(), state, t.heading)
            }
            LineRef::Row(i) => {
                let r = &self.doc.status_rows[i];
                (
                    &*r.label,
                    r.range.start,
                    r.range.clone(),
                    r.state,
                    r.heading,
                )
            }
        };
        let explicit = explicit_marker(self.text, self.doc, start, label)
            .and_then(|id| self.matcher.place_of(&id));
        // The item (its id and place in the matcher) and whether a marker named it.
        let found: Option<(&'static str, u32, bool)> = with_scores(self.matcher, label, |ls| {
            let found = match explicit {
                Some(at) => self
                    .matcher
                    .item_at(at)
                    .map(|item| (&*item.id, at as u32, true)),
                None => {
                    let section = self.section_of(heading.map(|h| h as usize));
                    self.matcher
                        .best_position(
                            &ls.scores,
                            section,
                            super::matcher::THRESHOLD,
                            super::matcher::MARGIN,
                        )
                        .map(|(at, _)| (ls.scores[at].0.id.as_str(), ls.places[at], false))
                }
            };
            count_mentions(mentions, ls, found.map(|(_, at, _)| at), 1);
            found
        });
        if let Some((item_id, _, explicit)) = found {
            out.push(MappedLine {
                line,
                item_id,
                state,
                range,
                explicit,
            });
        }
    }
}

/// Score above which a line counts as mentioning an item, for rules that must not claim an
/// item is absent when a line plausibly covers it (one line often covers two items).
pub const MENTION_THRESHOLD: f64 = 4.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packs::{Level, PackItem};

    fn item(id: &str, title: &str) -> PackItem {
        PackItem {
            id: id.into(),
            title: title.into(),
            aliases: vec![],
            keywords: vec![],
            why: "why".into(),
            verify: "verify".into(),
            level: Level::Must,
            line: format!("- [ ] {title}"),
            template: None,
            probes: vec![],
        }
    }

    fn sections(first: &str, second: &str) -> Vec<PackSection> {
        vec![PackSection {
            id: "ops".into(),
            title: "Operations".into(),
            aliases: vec![],
            required: false,
            weight: 1.0,
            items: vec![item("ops.first", first), item("ops.second", second)],
        }]
    }

    #[test]
    fn the_key_changes_with_any_wording_and_only_then() {
        let base = sections("Alpha beacon lit", "Gamma delta drill");
        assert_eq!(sections_key(&base), sections_key(&base.clone()));
        let edits: [fn(&mut PackSection); 6] = [
            |s| s.items[0].title.push('s'),
            |s| s.items[1].keywords.push("drill".into()),
            |s| s.items[0].why.push('.'),
            |s| s.items[0].line.push('!'),
            |s| s.weight = 2.0,
            |s| s.aliases.push("operations".into()),
        ];
        for (n, edit) in edits.iter().enumerate() {
            let mut edited = base.clone();
            edit(&mut edited[0]);
            assert_ne!(sections_key(&base), sections_key(&edited), "edit {n}");
        }
    }

    /// Two items' titles swapped (ids and list sizes unchanged), as in a user pack edited
    /// while the server runs: a line maps to the item that now says it.
    #[test]
    fn a_pack_reworded_in_place_is_matched_as_it_now_reads() {
        let text = "# Launch\n\n## Operations\n\n- [ ] Alpha beacon lit\n";
        let doc = crate::checklist::parse(text);
        let before = map_document(
            text,
            &doc,
            &sections("Alpha beacon lit", "Gamma delta drill"),
        );
        assert_eq!(before.lines[0].item_id, "ops.first");
        let after = map_document(
            text,
            &doc,
            &sections("Gamma delta drill", "Alpha beacon lit"),
        );
        assert_eq!(after.lines[0].item_id, "ops.second");
    }

    /// The same, through a user pack file rewritten between two checks: loaded, combined
    /// and mapped as the rules do.
    #[test]
    fn a_user_pack_file_rewritten_is_matched_as_it_now_reads() {
        let dir = tempfile::tempdir().unwrap();
        let pack = |first: &str, second: &str| {
            let item = |id: &str, title: &str| {
                format!(
                    "[[sections.items]]\nid = \"{id}\"\ntitle = \"{title}\"\nwhy = \"w\"\n\
                     verify = \"v\"\nlevel = \"must\"\nline = \"- [ ] {title}\"\n"
                )
            };
            format!(
                "name = \"mine\"\ntitle = \"Mine\"\ndescription = \"d\"\n[[sections]]\n\
                 id = \"ops\"\ntitle = \"Operations\"\n{}{}",
                item("ops.first", first),
                item("ops.second", second)
            )
        };
        let text = "# Launch\n\n## Operations\n\n- [ ] Alpha beacon lit\n";
        let doc = crate::checklist::parse(text);
        let mapped_now = |first: &str, second: &str| {
            std::fs::write(dir.path().join("mine.toml"), pack(first, second)).unwrap();
            let packs = crate::packs::resolve(&["mine.toml".into()], dir.path()).unwrap();
            let sections = crate::packs::combined(&packs);
            map_document(text, &doc, &sections).lines[0].item_id
        };
        assert_eq!(
            mapped_now("Alpha beacon lit", "Gamma delta drill"),
            "ops.first"
        );
        assert_eq!(
            mapped_now("Gamma delta drill", "Alpha beacon lit"),
            "ops.second"
        );
    }

    /// An edit re-mapped from a mapping made against other pack sections maps the whole
    /// document anew: nothing of the old one (items, mentions) is carried over.
    #[test]
    fn a_stretch_remapped_against_another_pack_is_mapped_whole() {
        let text = "# Launch\n\n## Operations\n\n- [ ] Alpha beacon lit\n\n## More\n\n- [ ] Gamma delta drill\n";
        let doc = crate::checklist::parse(text);
        let old = map_document(text, &doc, &sections("Alpha beacon lit", "Other words"));
        let edited = text.replace("Gamma delta drill", "Gamma delta drills");
        let (new_doc, stretch) = crate::checklist::reparse_stretch(text, &doc, &edited).unwrap();
        let now = sections("Alpha beacon lit", "Gamma delta drill");
        let again = remap(&edited, &new_doc, &now, &doc, &old, &stretch);
        assert_eq!(again, *map_document(&edited, &new_doc, &now));
        assert_eq!(again.mentions, vec![1, 1]);
    }
}
