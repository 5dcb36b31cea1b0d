//! The checklist model: what a markdown document says, with byte ranges.
//!
//! `parse` turns markdown into a [`Document`]: headings with GitHub anchors, GFM
//! task items, status-table rows, links, code-span references (env vars, paths),
//! env requirements from code spans and fenced env blocks, review dates,
//! placeholders and HTML comments (for suppressions). Nothing here touches the
//! file system: whether a path or variable exists is the rules' business.

use std::ops::Range;

use crate::date::Date;

mod anchors;
mod dates;
mod env_blocks;
mod front_matter;
mod incremental;
mod lines;
mod links;
mod outline;
mod parse;
mod placeholders;
mod refs;
pub(crate) mod shared;
mod tables;

pub use anchors::github_anchor;
pub use incremental::{reparse, reparse_stretch, Stretch};
pub use outline::parse_outline;
pub(crate) use parse::is_collapsed;
pub use parse::parse;

/// The `readiness:` flag of a document's front matter, without parsing the rest.
pub fn front_matter_readiness(text: &str) -> Option<bool> {
    front_matter::parse(text).front_matter.readiness
}

/// The text of an item (a task's, a link's target, a variable's name): shared, not copied,
/// when an edit re-parses one stretch of a long checklist and keeps the items around it
/// (see [`incremental`]). One word, where a `Box<str>` is two: a checklist of 5,000
/// tasks copied ten thousand strings on every keystroke, more than half of re-parsing it.
pub type ItemStr = arcstr::ArcStr;

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub front_matter: FrontMatter,
    /// Every heading in document order.
    pub headings: Vec<Heading>,
    /// Every GFM task item in document order (parents before children).
    pub tasks: Vec<Task>,
    /// Rows of status tables, in document order.
    pub status_rows: Vec<StatusRow>,
    /// Links, images and reference definitions, in document order.
    pub links: Vec<Link>,
    /// Env var and path references from code spans, in document order.
    pub references: Vec<Reference>,
    /// Variables required with (optionally) a value: `NAME=value` code spans and fenced env
    /// blocks. Non-strict names count only where a config defines them ([`EnvRequirement::strict`]).
    pub env_requirements: Vec<EnvRequirement>,
    /// Review and update dates.
    pub dates: Vec<DateMention>,
    /// Unfilled template text outside code.
    pub placeholders: Vec<Placeholder>,
    /// HTML comments (outside code), for suppression directives and explicit markers.
    pub html_comments: Vec<HtmlComment>,
    /// Link targets defined by raw HTML (`<a name="x">`, `id="x"`), beside the headings'.
    pub html_anchors: Vec<HtmlAnchor>,
    /// Only front matter and headings were read ([`parse_outline`]): a markdown file that
    /// is not a checklist, loaded from disk as a link target.
    pub outline: bool,
}

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// `readiness: true` (or false) when present.
    pub readiness: Option<bool>,
    /// `packs: [...]` when present.
    pub packs: Vec<String>,
    /// Byte range of the whole front matter block including its `---` fences; empty if none.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// Plain text of the heading (inline markup removed, `{#id}` removed).
    pub title: ItemStr,
    /// GitHub anchor (`monitoring--observability`, duplicates suffixed `-1`), or the explicit `{#id}`.
    pub anchor: ItemStr,
    /// Range of the heading line(s) without the trailing newline.
    pub range: Range<usize>,
    /// From the heading's start to the start of the next heading of the same or higher level
    /// (or the end of the document).
    pub section: Range<usize>,
    /// Index of the enclosing heading (lower level) in `headings`.
    pub parent: Option<u32>,
}

/// Done, partial, open or not applicable: the state of a task or a status row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemState {
    Done,
    Partial,
    Open,
    NotApplicable,
}

/// Indices into a document's lists are `u32`, and a task keeps only where its three-byte
/// marker starts: a workspace holds every checklist's tasks, 48 bytes each instead of 96.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub checked: bool,
    /// Plain text of the item's own first paragraph (without nested items).
    pub text: ItemStr,
    /// Range of the item from its list marker to the end of its own text (not its children),
    /// trailing whitespace and blank lines trimmed.
    pub range: Range<usize>,
    /// Where the `[ ]` / `[x]` marker starts (see [`Task::marker_range`]).
    pub marker: u32,
    /// Index of the enclosing task in `tasks`, when nested under one.
    pub parent: Option<u32>,
    /// Index of the innermost heading above it in `headings`.
    pub heading: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub state: ItemState,
    /// Plain text of the first cell (the item's name).
    pub label: ItemStr,
    /// Plain text of the status cell.
    pub status_text: ItemStr,
    /// Range of the whole row line.
    pub range: Range<usize>,
    /// Range of the status cell's content.
    pub status_range: Range<usize>,
    /// Range of the evidence cell's content, when the table has an evidence-like column.
    pub evidence_range: Option<Range<usize>>,
    pub heading: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Inline,
    Image,
    /// `[label]: target` reference definition.
    Definition,
    /// `[text][label]` using a definition: the target is the definition's.
    Reference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    /// The destination as written (URL-decoded? no: as written, trailing spaces trimmed).
    pub target: ItemStr,
    /// Plain text of the link (alt text for images, label for definitions).
    pub text: ItemStr,
    /// Range of the whole link construct.
    pub range: Range<usize>,
    /// Range of the destination text inside the source, when it can be found there.
    pub target_range: Option<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefKind {
    /// An env var name. `strict` when it matches `[A-Z][A-Z0-9]*(_[A-Z0-9]+)+`; a
    /// non-strict one (`PORT`) counts only when some config file defines it.
    EnvVar {
        name: ItemStr,
        value: Option<ItemStr>,
        strict: bool,
    },
    /// A file, folder or glob path as written (`.env.example`, `docs/operations/`, `migrations/*`),
    /// without a `:line` or `:line:column` suffix (`src/main.rs:42` gives `src/main.rs`).
    /// One starting with `/` may be a URL route: the rules decide by checking the disk.
    /// Home paths, MIME types, container images and header lists are none (see `refs`).
    Path { path: ItemStr },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: RefKind,
    /// Range of the code span's content (inside the backticks).
    pub range: Range<usize>,
    /// The task it sits in (its own text, not a child's), if any.
    pub task: Option<u32>,
    /// The status row it sits in, if any.
    pub row: Option<u32>,
    /// Whether it sits in the row's evidence cell.
    pub in_evidence: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRequirement {
    pub name: ItemStr,
    /// The required value, None for placeholders (`...`, `<secret>`, `sk-...`, `changeme`, empty).
    pub value: Option<ItemStr>,
    /// Range of `NAME=value` (code span content or fenced-block line).
    pub range: Range<usize>,
    pub task: Option<u32>,
    pub row: Option<u32>,
    /// False for a code span whose name is not strict (`DEBUG=false`, `FOO=bar`): like a
    /// non-strict [`RefKind::EnvVar`], it counts only when some config file defines the
    /// name. A fenced env block's lines are strict, whatever their names.
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// next_review, review_by, "Next Review": a deadline.
    NextReview,
    /// last_reviewed, last_updated, updated, reviewed, last_audited, "Last Updated", "Status: Updated".
    LastReviewed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub kind: DateKind,
    pub date: Date,
    /// Range of the date text itself.
    pub range: Range<usize>,
    /// Range of the whole line (or front matter entry) holding it.
    pub line_range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub text: String,
    pub range: Range<usize>,
}

/// An `id` (any element) or `name` (`<a>`) attribute of raw HTML: GitHub keeps it, so
/// `#x` links to it as to a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlAnchor {
    pub id: ItemStr,
    /// Range of the attribute's value.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlComment {
    /// Text between `<!--` and `-->`, trimmed.
    pub body: String,
    pub range: Range<usize>,
}

impl Document {
    /// Index of the innermost heading whose section holds `offset`.
    pub fn heading_at(&self, offset: usize) -> Option<usize> {
        self.headings
            .iter()
            .enumerate()
            .filter(|(_, h)| h.section.contains(&offset))
            .max_by_key(|(_, h)| h.level)
            .map(|(i, _)| i)
    }

    /// Whether `#anchor` leads somewhere: a heading, or an anchor defined by HTML.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.anchors().any(|a| a.eq_ignore_ascii_case(anchor))
    }

    /// Every link target of the document: headings' anchors, then HTML's.
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        let headings = self.headings.iter().map(|h| h.anchor.as_str());
        headings.chain(self.html_anchors.iter().map(|a| a.id.as_str()))
    }
}

impl Task {
    /// Range of the `[ ]` / `[x]` marker.
    pub fn marker_range(&self) -> Range<usize> {
        let start = self.marker as usize;
        start..start + 3
    }

    pub fn state(&self) -> ItemState {
        if self.checked {
            ItemState::Done
        } else {
            ItemState::Open
        }
    }
}
