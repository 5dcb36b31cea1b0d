//! The markdown pass: one pulldown-cmark walk with offsets builds headings, tasks, tables,
//! links, code-span references, env blocks and comments; then cheap line scans over a copy
//! with code blanked out find dates and placeholders.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::anchors::Slugger;
use super::lines::trim_end;
use super::{
    anchors, dates, env_blocks, front_matter, links, placeholders, refs, Document, EnvRequirement,
    Heading, HtmlComment, LinkKind, RefKind, Reference, Task,
};

/// The GFM extensions GitHub renders checklists with.
pub(super) const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// Parses a markdown document. Never panics, whatever the input.
pub fn parse(text: &str) -> Document {
    let fm = front_matter::parse(text);
    let base = fm.body_start.min(text.len());
    let mut b = Builder::new(text);
    if !fm.front_matter.range.is_empty() {
        b.mask.push(fm.front_matter.range.clone());
    }
    b.doc.front_matter = fm.front_matter;
    b.doc.dates.extend(fm.dates);

    let mut iter = Parser::new_ext(&text[base..], OPTIONS).into_offset_iter();
    for (event, r) in iter.by_ref() {
        let range = (r.start + base).min(text.len())..(r.end + base).min(text.len());
        b.event(event, range);
    }
    for (label, def) in iter.reference_definitions().iter() {
        let span = def.span.start + base..def.span.end + base;
        if let Some(link) = links::definition(text, label, &def.dest, span) {
            b.doc.links.push(link);
        }
    }
    b.finish()
}

/// How far an item's own first paragraph has got.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Own {
    NotStarted,
    Open,
    Closed,
}

enum Block {
    Item {
        start: usize,
        task: Option<usize>,
        own: Own,
        own_end: usize,
        text: String,
        seen_inline: bool,
        /// A `[ ]` glued to what follows (`[ ]**x**`), a task unless plain text follows it.
        pending: Option<(bool, Range<usize>)>,
    },
    Paragraph,
    Heading {
        range: Range<usize>,
        level: u8,
        id: Option<String>,
        text: String,
    },
    Code {
        range: Range<usize>,
        info: Option<String>,
        content: Option<Range<usize>>,
    },
    /// A list; `phantom` when GitHub reads it as the text of the item above (an ordered
    /// list not starting at 1 cannot interrupt the paragraph of a bare `- [ ]`).
    List {
        phantom: bool,
    },
    Other,
}

struct Cell {
    range: Range<usize>,
    text: String,
    /// Code spans: content and content range.
    spans: Vec<(String, Range<usize>)>,
}

#[derive(Default)]
struct TableBuf {
    header: Vec<Cell>,
    rows: Vec<(Range<usize>, Vec<Cell>)>,
    current: Vec<Cell>,
    cell: Option<Cell>,
    /// Nearest enclosing task, for env requirements in cells.
    task: Option<usize>,
}

struct OpenLink {
    kind: LinkKind,
    link_type: LinkType,
    dest: String,
    range: Range<usize>,
    text: String,
}

struct Builder<'t> {
    text: &'t str,
    doc: Document,
    stack: Vec<Block>,
    table: Option<TableBuf>,
    links: Vec<OpenLink>,
    slugger: Slugger,
    /// Ranges blanked out before the date and placeholder scans.
    mask: Vec<Range<usize>>,
    /// Ranges of links and images (bracketed text there is no placeholder).
    link_ranges: Vec<Range<usize>>,
    /// Whether the inline content being recorded is plain text.
    in_text_event: bool,
    /// Text buffers of finished items, headings and links, for the next ones: their text
    /// is copied into a shared string when they end, and a 100-task checklist grew and
    /// dropped a few hundred of them (a tenth of the parse went to reallocating).
    spare: Vec<String>,
    /// The text with code and comments blanked, for the date and placeholder scans.
    masked: Vec<u8>,
}

/// The lists a parse fills, emptied, kept on the thread for the next parse with the room
/// they grew: a document's lists used to grow from nothing, each copied at every doubling
/// and once more to give back its slack, on pages fresh from the kernel. Now each
/// list grows here once per thread and is copied out at its exact length.
#[derive(Default)]
struct Room {
    doc: Document,
    mask: Vec<Range<usize>>,
    link_ranges: Vec<Range<usize>>,
    spare: Vec<String>,
    masked: Vec<u8>,
}

thread_local! {
    static ROOM: std::cell::Cell<Option<Box<Room>>> = const { std::cell::Cell::new(None) };
}

/// A list with room for more elements than this is not kept: one huge document must not
/// hold its room for good.
const KEEP_ROOM: usize = 1 << 16;

/// `v`'s elements in a list of their own, of exactly their length; `v` is left empty with
/// its room (dropped if very large).
fn exact<T>(v: &mut Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(v.len());
    out.append(v);
    if v.capacity() > KEEP_ROOM {
        *v = Vec::new();
    }
    out
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        let Room {
            doc,
            mask,
            link_ranges,
            spare,
            masked,
        } = ROOM.take().map(|r| *r).unwrap_or_default();
        Builder {
            text,
            doc,
            stack: Vec::new(),
            table: None,
            links: Vec::new(),
            slugger: Slugger::default(),
            mask,
            link_ranges,
            in_text_event: false,
            spare,
            masked,
        }
    }

    /// An empty buffer, with room left by an earlier one if there is one.
    fn buffer(&mut self) -> String {
        self.spare.pop().unwrap_or_default()
    }

    /// Keeps a buffer for [`Builder::buffer`].
    fn recycle(&mut self, mut s: String) {
        // A few: items nest, links sit in items, but not deeply.
        if self.spare.len() < 8 && s.capacity() > 0 {
            s.clear();
            self.spare.push(s);
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(s) => self.text_event(&s, range),
            Event::Code(s) => self.code_span(&s, range),
            Event::SoftBreak | Event::HardBreak => self.inline(" ", range),
            Event::InlineHtml(_) => {
                self.inline("", range.clone());
                push_html_anchors(self.text, range.clone(), &mut self.doc.html_anchors);
                self.inline_html(range);
            }
            Event::Html(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_) => self.inline("", range),
            Event::Rule => self.mask.push(range),
            Event::TaskListMarker(checked) => self.task_marker(checked, range),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        let is_block = !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        );
        if let Tag::List(Some(n)) = tag {
            let phantom = n != 1 && self.bare_marker_item();
            self.resolve_pending();
            self.close_own_text_before_block(false);
            self.stack.push(Block::List { phantom });
            return;
        }
        if is_block {
            self.resolve_pending();
            self.close_own_text_before_block(matches!(tag, Tag::Paragraph));
        }
        match tag {
            Tag::Paragraph => self.stack.push(Block::Paragraph),
            Tag::Heading { level, id, .. } => {
                let text = self.buffer();
                self.stack.push(Block::Heading {
                    range,
                    level: level as u8,
                    id: id.map(|s| s.to_string()),
                    text,
                })
            }
            Tag::Item => {
                let text = self.buffer();
                self.stack.push(Block::Item {
                    start: range.start,
                    task: None,
                    own: Own::NotStarted,
                    own_end: range.start,
                    text,
                    seen_inline: false,
                    pending: None,
                })
            }
            Tag::CodeBlock(kind) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info.to_string()),
                    CodeBlockKind::Indented => None,
                };
                self.mask.push(range.clone());
                self.stack.push(Block::Code {
                    range,
                    info,
                    content: None,
                });
            }
            Tag::HtmlBlock => {
                push_html_anchors(self.text, range.clone(), &mut self.doc.html_anchors);
                self.html_comments_in(range);
                self.stack.push(Block::Other);
            }
            Tag::Table(_) => {
                self.table = Some(TableBuf {
                    task: self.enclosing_task(),
                    ..TableBuf::default()
                });
                self.stack.push(Block::Other);
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.current.clear();
                }
            }
            Tag::TableCell => {
                if let Some(t) = &mut self.table {
                    t.cell = Some(Cell {
                        range,
                        text: String::new(),
                        spans: Vec::new(),
                    });
                }
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.inline("", range.clone());
                let kind = if matches!(
                    link_type,
                    LinkType::Reference
                        | LinkType::ReferenceUnknown
                        | LinkType::Collapsed
                        | LinkType::CollapsedUnknown
                        | LinkType::Shortcut
                        | LinkType::ShortcutUnknown
                ) {
                    LinkKind::Reference
                } else {
                    LinkKind::Inline
                };
                self.open_link(kind, link_type, &dest_url, range);
            }
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                self.inline("", range.clone());
                self.open_link(LinkKind::Image, link_type, &dest_url, range);
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => self.inline("", range),
            Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.stack.push(Block::Other),
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
            TagEnd::Link | TagEnd::Image => self.end_link(),
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header = std::mem::take(&mut t.current);
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let cells = std::mem::take(&mut t.current);
                    t.rows.push((range, cells));
                }
            }
            TagEnd::TableCell => {
                if let Some(t) = &mut self.table {
                    if let Some(cell) = t.cell.take() {
                        t.current.push(cell);
                    }
                }
            }
            _ => self.end_block(tag),
        }
    }

    fn end_block(&mut self, tag: TagEnd) {
        if matches!(tag, TagEnd::Paragraph | TagEnd::Item) {
            self.resolve_pending();
        }
        let Some(block) = self.stack.pop() else {
            return;
        };
        match block {
            Block::Paragraph => {
                if let Some(Block::Item { own, .. }) = self.stack.last_mut() {
                    if *own == Own::Open {
                        *own = Own::Closed;
                    }
                }
            }
            Block::Item {
                task: Some(t),
                own_end,
                text,
                ..
            } => {
                if let Some(task) = self.doc.tasks.get_mut(t) {
                    task.range = trim_end(
                        self.text,
                        task.range.start..own_end.max(task.marker_range().end),
                    );
                    task.text = collapse_whitespace(&text);
                }
                self.recycle(text);
            }
            Block::Item { text, .. } => self.recycle(text),
            Block::Heading {
                range,
                level,
                id,
                text,
            } => {
                self.push_heading(range, level, id, &text);
                self.recycle(text);
            }
            Block::Code {
                range,
                info,
                content,
            } => self.end_code_block(range, info, content),
            _ => {}
        }
        if matches!(tag, TagEnd::Table) {
            if let Some(t) = self.table.take() {
                self.end_table(t);
            }
        }
    }

    /// A block starting inside an item ends the item's own first paragraph (except the
    /// first paragraph itself, in loose lists).
    fn close_own_text_before_block(&mut self, is_paragraph: bool) {
        if let Some(Block::Item { own, .. }) = self.stack.last_mut() {
            *own = match *own {
                Own::NotStarted if is_paragraph => Own::Open,
                _ => Own::Closed,
            };
        }
    }

    /// The item whose own first paragraph is being read, if any.
    fn own_item(&mut self) -> Option<&mut Block> {
        let n = self.stack.len();
        let idx = match self.stack.last()? {
            Block::Item { .. } => n - 1,
            Block::Paragraph if n >= 2 => n - 2,
            _ => return None,
        };
        match &mut self.stack[idx] {
            item @ Block::Item {
                own: Own::Open | Own::NotStarted,
                ..
            } => Some(item),
            _ => None,
        }
    }

    /// The innermost enclosing task, own text or not.
    fn enclosing_task(&self) -> Option<usize> {
        self.stack.iter().rev().find_map(|b| match b {
            Block::Item { task: Some(t), .. } => Some(*t),
            _ => None,
        })
    }

    /// Records inline content: text goes to the heading, task, cell and links being read.
    fn inline(&mut self, s: &str, range: Range<usize>) {
        for link in &mut self.links {
            link.text.push_str(s);
        }
        if let Some(t) = &mut self.table {
            if let Some(cell) = &mut t.cell {
                cell.text.push_str(s);
                return;
            }
        }
        match self.stack.last_mut() {
            Some(Block::Heading { text, .. }) => text.push_str(s),
            Some(Block::Code { content, .. }) => {
                let r = content.get_or_insert(range.clone());
                r.start = r.start.min(range.start);
                r.end = r.end.max(range.end);
            }
            _ => {
                let source = self.text;
                let is_text = self.in_text_event;
                let mut decided = None;
                if let Some(Block::Item {
                    seen_inline,
                    task,
                    pending,
                    ..
                }) = self.own_item()
                {
                    if let Some((checked, marker)) = pending.take() {
                        if range.end <= marker.end {
                            // Still inside the marker (pulldown-cmark splits `[`, ` `, `]`).
                            *pending = Some((checked, marker));
                        } else if !(is_text && range.start <= marker.end) {
                            // Plain text right after the marker would continue its text node.
                            decided = Some((checked, marker));
                        }
                    } else if !*seen_inline && task.is_none() {
                        if let Some((checked, marker, glued)) = glued_marker(source, range.start) {
                            let text_goes_on = is_text && range.end > marker.end;
                            if !glued {
                                decided = Some((checked, marker));
                            } else if !text_goes_on {
                                *pending = Some((checked, marker));
                            }
                        }
                    }
                    *seen_inline = true;
                }
                if let Some((checked, marker)) = decided {
                    self.task_marker(checked, marker);
                }
                if let Some(Block::Item {
                    own,
                    own_end,
                    text,
                    task,
                    pending,
                    ..
                }) = self.own_item()
                {
                    *own = Own::Open;
                    if task.is_some() && pending.is_none() {
                        *own_end = (*own_end).max(range.end);
                        text.push_str(s);
                    }
                }
            }
        }
    }

    /// Whether the innermost item holds only a task marker so far.
    fn bare_marker_item(&self) -> bool {
        match self.stack.last() {
            Some(Block::Item {
                task: Some(t),
                own_end,
                ..
            }) => self
                .doc
                .tasks
                .get(*t)
                .is_some_and(|task| task.marker_range().end >= *own_end),
            Some(Block::Item {
                pending: Some(_), ..
            }) => true,
            _ => false,
        }
    }

    /// A glued marker alone in its paragraph is a task.
    fn resolve_pending(&mut self) {
        let taken = match self.own_item() {
            Some(Block::Item { pending, .. }) => pending.take(),
            _ => None,
        };
        if let Some((checked, marker)) = taken {
            self.task_marker(checked, marker);
        }
    }

    fn text_event(&mut self, s: &str, range: Range<usize>) {
        let in_code = matches!(self.stack.last(), Some(Block::Code { .. }));
        self.in_text_event = true;
        self.inline(s, range.clone());
        self.in_text_event = false;
        if !in_code && self.links.is_empty() {
            links::bare_urls(self.text, s, range, &mut self.doc.links);
        }
    }

    fn task_marker(&mut self, checked: bool, marker: Range<usize>) {
        // pulldown-cmark's marker event may start at tabs before the `[` (`- \t[ ] x`); it
        // always ends after the `]`, and the box is three bytes.
        let marker = marker.end.saturating_sub(3).max(marker.start)..marker.end;
        if self
            .stack
            .iter()
            .any(|b| matches!(b, Block::List { phantom: true }))
        {
            return;
        }
        let parent = self.enclosing_task();
        let heading = self.doc.headings.len().checked_sub(1);
        let index = self.doc.tasks.len();
        let Some(Block::Item {
            start,
            task,
            own,
            own_end,
            seen_inline,
            pending,
            ..
        }) = self.own_item()
        else {
            return;
        };
        let start = *start;
        *seen_inline = true;
        *pending = None;
        *task = Some(index);
        *own = Own::Open;
        *own_end = marker.end;
        self.doc.tasks.push(Task {
            checked,
            text: super::ItemStr::default(),
            range: start..marker.end,
            marker: marker.start as u32,
            parent: parent.map(|p| p as u32),
            heading: heading.map(|h| h as u32),
        });
    }

    fn code_span(&mut self, content: &str, range: Range<usize>) {
        self.mask.push(range.clone());
        let inner = code_content_range(self.text, range.clone());
        let in_cell = self.table.as_ref().is_some_and(|t| t.cell.is_some());
        if in_cell {
            if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
                cell.spans.push((content.to_string(), inner));
            }
            self.inline(content, range);
            return;
        }
        let own_task = match self.own_item() {
            Some(Block::Item { task, .. }) => *task,
            _ => None,
        };
        self.inline(content, range);
        let Some(kind) = refs::classify(content) else {
            return;
        };
        self.push_env_requirement(&kind, inner.clone(), self.enclosing_task(), None);
        if let Some(task) = own_task {
            self.doc.references.push(Reference {
                kind,
                range: inner,
                task: Some(task as u32),
                row: None,
                in_evidence: false,
            });
        }
    }

    fn push_env_requirement(
        &mut self,
        kind: &RefKind,
        range: Range<usize>,
        task: Option<usize>,
        row: Option<usize>,
    ) {
        // Non-strict names (`DEBUG=false`) are kept too: whether a config file defines
        // them is the rules' business, as for references (`PORT`).
        if let RefKind::EnvVar {
            name,
            value: Some(value),
            strict,
        } = kind
        {
            let value = (!env_blocks::is_placeholder_value(value)).then(|| value.clone());
            self.doc.env_requirements.push(EnvRequirement {
                name: name.clone(),
                value,
                range,
                task: task.map(|t| t as u32),
                row: row.map(|r| r as u32),
                strict: *strict,
            });
        }
    }

    fn inline_html(&mut self, range: Range<usize>) {
        if self
            .text
            .get(range.clone())
            .is_some_and(|s| s.starts_with("<!--"))
        {
            self.html_comments_in(range.start..self.text.len());
        }
    }

    /// Records the HTML comments starting in `range` (only the first one when the range
    /// runs to the end of the text, as for inline comments).
    fn html_comments_in(&mut self, range: Range<usize>) {
        let inline = range.end == self.text.len();
        let mut pos = range.start;
        while let Some(found) = self.text.get(pos..range.end).and_then(|s| s.find("<!--")) {
            let start = pos + found;
            let body_start = start + 4;
            let end = match self
                .text
                .get(start + 2..range.end)
                .and_then(|s| s.find("-->"))
            {
                Some(e) => start + 2 + e + 3,
                None if inline => return,
                None => range.end,
            };
            let body_end = end.saturating_sub(3).max(body_start);
            let body = self
                .text
                .get(body_start..body_end)
                .unwrap_or("")
                .trim()
                .to_string();
            let r = trim_end(self.text, start..end);
            self.mask.push(r.clone());
            self.doc.html_comments.push(HtmlComment { body, range: r });
            if inline {
                return;
            }
            pos = end.max(start + 1);
        }
    }

    /// A link or image whose text is read until its end (see [`Builder::end_link`]).
    fn open_link(&mut self, kind: LinkKind, link_type: LinkType, dest: &str, range: Range<usize>) {
        let mut buffer = self.buffer();
        buffer.push_str(dest);
        let text = self.buffer();
        self.links.push(OpenLink {
            kind,
            link_type,
            dest: buffer,
            range,
            text,
        });
    }

    fn end_link(&mut self) {
        let Some(open) = self.links.pop() else { return };
        let link = links::finish(
            self.text,
            open.kind,
            open.link_type,
            &open.dest,
            &open.text,
            open.range.clone(),
        );
        self.recycle(open.dest);
        self.recycle(open.text);
        if let Some(r) = &link.target_range {
            self.mask.push(r.clone());
        }
        self.link_ranges.push(open.range);
        self.doc.links.push(link);
    }

    fn push_heading(&mut self, range: Range<usize>, level: u8, id: Option<String>, text: &str) {
        let title = text.trim().to_string();
        let anchor = match id {
            Some(id) => self.slugger.explicit(&id),
            None => self.slugger.slug(&title),
        };
        let range = trim_end(self.text, range);
        let start = range.start;
        self.doc.headings.push(Heading {
            level,
            title: title.into(),
            anchor: anchor.into(),
            range,
            section: start..self.text.len(),
            parent: None,
        });
    }

    fn end_code_block(
        &mut self,
        _range: Range<usize>,
        info: Option<String>,
        content: Option<Range<usize>>,
    ) {
        let (Some(info), Some(content)) = (info, content) else {
            return;
        };
        if !env_blocks::is_env_language(&info) {
            return;
        }
        let Some(source) = self.text.get(content.clone()) else {
            return;
        };
        let Some(assignments) = env_blocks::parse_block(source) else {
            return;
        };
        let task = self.enclosing_task();
        for a in assignments {
            let value = (!env_blocks::is_placeholder_value(a.value)).then(|| a.value.into());
            self.doc.env_requirements.push(EnvRequirement {
                name: a.name.into(),
                value,
                range: content.start + a.range.start..content.start + a.range.end,
                task: task.map(|t| t as u32),
                row: None,
                strict: true,
            });
        }
    }

    fn finish(mut self) -> Document {
        finish_sections(&mut self.doc.headings, self.text.len());
        self.doc.links.sort_by_key(|l| l.range.start);
        self.link_ranges.sort_by_key(|r| r.start);

        let mut masked = std::mem::take(&mut self.masked);
        let masked_text = masked_copy(self.text, &mut self.mask, &mut masked);
        dates::scan(masked_text, &mut self.doc.dates);
        placeholders::scan(masked_text, &self.link_ranges, &mut self.doc.placeholders);
        // Documents live as long as the workspace: each list is copied out at its length,
        // and the room stays for the next parse on this thread.
        let d = &mut self.doc;
        let doc = Document {
            front_matter: std::mem::take(&mut d.front_matter),
            headings: exact(&mut d.headings),
            tasks: exact(&mut d.tasks),
            status_rows: exact(&mut d.status_rows),
            links: exact(&mut d.links),
            references: exact(&mut d.references),
            env_requirements: exact(&mut d.env_requirements),
            dates: exact(&mut d.dates),
            placeholders: exact(&mut d.placeholders),
            html_comments: exact(&mut d.html_comments),
            html_anchors: exact(&mut d.html_anchors),
            outline: std::mem::take(&mut d.outline),
        };
        masked.clear();
        if masked.capacity() > KEEP_ROOM * 64 {
            masked = Vec::new();
        }
        self.mask.clear();
        self.link_ranges.clear();
        let room = Room {
            doc: std::mem::take(&mut self.doc),
            mask: std::mem::take(&mut self.mask),
            link_ranges: std::mem::take(&mut self.link_ranges),
            spare: std::mem::take(&mut self.spare),
            masked,
        };
        ROOM.set(Some(Box::new(room)));
        doc
    }
}

/// A `[ ]` / `[x]` where GitHub (cmark-gfm, comrak) sees a task box: the marker ends its
/// text node. pulldown-cmark misses it when the marker stands alone (`- [ ]`) or is glued
/// to inline markup (`- [ ]**bold**`). Returns the checked state, the marker range, and
/// whether it is glued (then it counts only when no plain text follows).
fn glued_marker(text: &str, pos: usize) -> Option<(bool, Range<usize>, bool)> {
    let b = text.as_bytes().get(pos..)?;
    let checked = match b.get(..3)? {
        b"[ ]" => false,
        b"[x]" | b"[X]" => true,
        _ => return None,
    };
    match b.get(3) {
        None | Some(b'\n' | b'\r' | b' ' | b'\t') => Some((checked, pos..pos + 3, false)),
        Some(b'*' | b'_' | b'`' | b'<' | b'!' | b'[' | b'~' | b'&' | b'\\') => {
            Some((checked, pos..pos + 3, true))
        }
        _ => None,
    }
}

/// Words separated by single spaces (`split_whitespace` joined with " "), copied once
/// into the shared string the document keeps.
fn collapse_whitespace(text: &str) -> super::ItemStr {
    if is_collapsed(text) {
        return super::shared::share(text);
    }
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    super::shared::share(&out)
}

/// Whether `text` has no whitespace but single spaces between words (what
/// [`Task::text`](super::Task) always is).
pub(crate) fn is_collapsed(text: &str) -> bool {
    let b = text.as_bytes();
    if b.is_ascii() {
        // ASCII whitespace as `char::is_whitespace` sees it: tab to carriage return, space.
        // Asked of every task's text twice in a check (parse, duplicate-item): two passes
        // without a branch per byte, which the compiler vectorises, take 69 million
        // instructions on the bench tree; one pass with a branch per byte took 156.
        let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
            return true;
        };
        if first == b' ' || last == b' ' {
            return false;
        }
        let other_space = b.iter().fold(false, |any, &c| {
            any | (c.wrapping_sub(b'\t') <= b'\r' - b'\t')
        });
        let two_spaces = b
            .iter()
            .zip(&b[1..])
            .fold(false, |any, (&x, &y)| any | ((x == b' ') & (y == b' ')));
        return !other_space && !two_spaces;
    }
    let mut expected = 0;
    for w in text.split_whitespace() {
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        if start != expected {
            return false;
        }
        let end = start + w.len();
        if end < text.len() && text.as_bytes()[end] != b' ' {
            return false;
        }
        expected = end + 1;
    }
    text.is_empty() || expected == text.len() + 1
}

/// The anchors raw HTML in `range` of `text` defines (a block, or one inline tag).
pub(super) fn push_html_anchors(text: &str, range: Range<usize>, out: &mut Vec<super::HtmlAnchor>) {
    let Some(html) = text.get(range.clone()) else {
        return;
    };
    anchors::html_ids(html, |r| {
        out.push(super::HtmlAnchor {
            id: super::shared::share(&html[r.clone()]),
            range: range.start + r.start..range.start + r.end,
        })
    });
}

/// Section ends (next heading of the same or higher level) and parents.
pub(super) fn finish_sections(headings: &mut [Heading], end: usize) {
    let mut open: Vec<usize> = Vec::new();
    for i in 0..headings.len() {
        let level = headings[i].level;
        let start = headings[i].range.start;
        while let Some(&top) = open.last() {
            if headings[top].level >= level {
                headings[top].section.end = start.max(headings[top].section.start);
                open.pop();
            } else {
                break;
            }
        }
        headings[i].parent = open.last().map(|&p| p as u32);
        headings[i].section.end = end;
        open.push(i);
    }
}

/// The text with `ranges` blanked to spaces (line endings kept, so lines and offsets hold),
/// made in `buf`.
fn masked_copy<'b>(text: &'b str, ranges: &mut [Range<usize>], buf: &'b mut Vec<u8>) -> &'b str {
    buf.clear();
    buf.extend_from_slice(text.as_bytes());
    for r in ranges.iter() {
        if r.start >= r.end || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        // A select, not a branch: the loop is vectorised.
        for b in &mut buf[r.clone()] {
            *b = if matches!(*b, b'\n' | b'\r') {
                *b
            } else {
                b' '
            };
        }
    }
    std::str::from_utf8(buf).unwrap_or(text)
}

/// The content of a code span (inside the backticks, one padding space stripped each side).
fn code_content_range(text: &str, range: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let Some(s) = b.get(range.clone()) else {
        return range;
    };
    let n = s.iter().take_while(|&&c| c == b'`').count();
    let m = s.iter().rev().take_while(|&&c| c == b'`').count();
    if n == 0 || n != m || 2 * n >= s.len() {
        return range;
    }
    let (mut a, mut z) = (range.start + n, range.end - n);
    let pad = |c: u8| c == b' ' || c == b'\n' || c == b'\r';
    if z - a >= 2 && pad(b[a]) && pad(b[z - 1]) && !b[a..z].iter().all(|&c| c == b' ') {
        a += 1;
        z -= 1;
    }
    a..z
}

mod table_rows;
#[cfg(test)]
mod tests;
