//! Completion, navigation (definition, references), symbols, folding, links and lenses.
//! Each reads a [`Snapshot`]; positions convert through the position module only.

use std::ops::Range as ByteRange;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::convert;
use super::hover::progress;
use super::position::Converter;
use super::state::Snapshot;
use crate::checklist::{Document, RefKind};
use crate::text::Encoding;
use crate::workspace::{Parsed, PathResolution, Workspace};

fn contains(range: &ByteRange<usize>, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

fn conv(snap: &Snapshot) -> Converter<'_> {
    Converter::new(&snap.text, &snap.lines, snap.enc)
}

fn document(snap: &Snapshot) -> Option<&Document> {
    snap.ws.file(&snap.rel)?.document()
}

/// A location in any workspace file, converted with that file's own text.
fn location(
    ws: &Workspace,
    enc: Encoding,
    path: &str,
    range: &ByteRange<usize>,
) -> Option<Location> {
    let uri = convert::uri(&ws.abs(path))?;
    let range = convert::range_in(ws, enc, path, range);
    Some(Location::new(uri, range))
}

pub fn completion(snap: &Snapshot, pos: Position) -> Option<CompletionResponse> {
    let offset = conv(snap).offset(pos)?;
    let line_start = snap.lines.line_start(snap.lines.line_of(offset));
    let prefix = &snap.text[line_start..offset];
    if let Some(i) = prefix.rfind("](") {
        let typed = &prefix[i + 2..];
        if !typed.contains(')') {
            return Some(CompletionResponse::Array(link_completions(snap, typed)));
        }
    }
    if prefix.matches('`').count() % 2 == 1 {
        let items = snap
            .ws
            .env_names()
            .into_iter()
            .map(|name| {
                let defs = snap.ws.env_defs(name);
                let detail = defs
                    .iter()
                    .map(|d| d.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                CompletionItem {
                    label: name.to_string(),
                    kind: Some(CompletionItemKind::VARIABLE),
                    detail: Some(format!("defined in {detail}")),
                    ..Default::default()
                }
            })
            .collect();
        return Some(CompletionResponse::Array(items));
    }
    None
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Paths relative to the checklist's folder (root-relative with `/` elsewhere), or
/// heading anchors after `#`.
fn link_completions(snap: &Snapshot, typed: &str) -> Vec<CompletionItem> {
    if let Some((path, _)) = typed.split_once('#') {
        let target = if path.is_empty() {
            Some(snap.rel.clone())
        } else {
            match snap.ws.resolve_link(&snap.rel, path) {
                PathResolution::Found(p) => Some(p),
                _ => None,
            }
        };
        let doc = target.and_then(|t| snap.ws.file(&t)?.document().cloned());
        return doc
            .map(|d| {
                d.headings
                    .iter()
                    .map(|h| CompletionItem {
                        label: h.anchor.to_string(),
                        kind: Some(CompletionItemKind::REFERENCE),
                        detail: Some(h.title.to_string()),
                        ..Default::default()
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    let dir = parent(&snap.rel);
    snap.ws
        .files()
        .filter(|(p, _)| **p != snap.rel)
        .take(2000)
        .map(|(p, f)| {
            let label = if dir.is_empty() {
                p.clone()
            } else if let Some(rest) = p.strip_prefix(&format!("{dir}/")) {
                rest.to_string()
            } else {
                format!("/{p}")
            };
            CompletionItem {
                label,
                // Not `document()`: that would read every outline to list it.
                kind: Some(
                    if matches!(f.parsed, Parsed::Markdown(_) | Parsed::Outline(_)) {
                        CompletionItemKind::FILE
                    } else {
                        CompletionItemKind::REFERENCE
                    },
                ),
                detail: Some(p.clone()),
                ..Default::default()
            }
        })
        .collect()
}

/// The env var under the cursor: a checklist code span or a config definition's name.
fn env_var_at(snap: &Snapshot, offset: usize) -> Option<String> {
    let file = snap.ws.file(&snap.rel)?;
    if let Some(doc) = file.document() {
        return doc.references.iter().find_map(|r| match &r.kind {
            RefKind::EnvVar { name, .. } if contains(&r.range, offset) => Some(name.to_string()),
            _ => None,
        });
    }
    file.config()?
        .defs
        .iter()
        .find(|d| contains(&d.name_range, offset))
        .map(|d| d.name.clone())
}

fn env_definitions(ws: &Workspace, enc: Encoding, name: &str) -> Vec<Location> {
    ws.env_defs(name)
        .iter()
        .filter_map(|site| location(ws, enc, &site.path, &ws.def(site)?.name_range))
        .collect()
}

pub fn definition(snap: &Snapshot, pos: Position) -> Option<GotoDefinitionResponse> {
    let offset = conv(snap).offset(pos)?;
    if let Some(name) = env_var_at(snap, offset) {
        return Some(GotoDefinitionResponse::Array(env_definitions(
            &snap.ws, snap.enc, &name,
        )));
    }
    let doc = document(snap)?;
    if let Some(r) = doc.references.iter().find(|r| contains(&r.range, offset)) {
        if let RefKind::Path { path } = &r.kind {
            if let PathResolution::Found(p) = snap.ws.resolve_evidence(&snap.rel, path) {
                let loc = location(&snap.ws, snap.enc, &p, &(0..0))?;
                return Some(GotoDefinitionResponse::Scalar(loc));
            }
        }
        return None;
    }
    let link = doc.links.iter().find(|l| contains(&l.range, offset))?;
    let (path, fragment) = match link.target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (&*link.target, None),
    };
    let target = if path.is_empty() {
        snap.rel.clone()
    } else {
        match snap.ws.resolve_link(&snap.rel, path) {
            PathResolution::Found(p) => p,
            _ => return None,
        }
    };
    let range = fragment
        .and_then(|f| {
            let d = snap.ws.file(&target)?.document()?;
            let h = d
                .headings
                .iter()
                .find(|h| h.anchor.eq_ignore_ascii_case(f))?;
            Some(h.range.clone())
        })
        .unwrap_or(0..0);
    Some(GotoDefinitionResponse::Scalar(location(
        &snap.ws, snap.enc, &target, &range,
    )?))
}

pub fn references(snap: &Snapshot, pos: Position) -> Option<Vec<Location>> {
    let offset = conv(snap).offset(pos)?;
    let name = env_var_at(snap, offset)?;
    let ws = &snap.ws;
    let mut out = env_definitions(ws, snap.enc, &name);
    for path in ws.checklists() {
        let Some(doc) = ws.file(path).and_then(|f| f.document()) else {
            continue;
        };
        for r in &doc.references {
            if matches!(&r.kind, RefKind::EnvVar { name: n, .. } if **n == *name) {
                out.extend(location(ws, snap.enc, path, &r.range));
            }
        }
    }
    Some(out)
}

#[allow(deprecated)]
fn symbol(name: String, kind: SymbolKind, range: Range, selection: Range) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.trim().is_empty() {
            "(untitled)".into()
        } else {
            name
        },
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: None,
    }
}

/// Sections holding their subsections and tasks.
pub fn document_symbols(snap: &Snapshot) -> Option<DocumentSymbolResponse> {
    let doc = document(snap)?;
    let c = conv(snap);
    fn build(doc: &Document, c: Converter, heading: Option<u32>) -> Vec<DocumentSymbol> {
        let mut items: Vec<(usize, DocumentSymbol)> = Vec::new();
        for (i, h) in doc.headings.iter().enumerate() {
            if h.parent != heading {
                continue;
            }
            let mut s = symbol(
                h.title.to_string(),
                SymbolKind::NAMESPACE,
                c.range(&h.section),
                c.range(&h.range),
            );
            let children = build(doc, c, Some(i as u32));
            s.children = (!children.is_empty()).then_some(children);
            items.push((h.range.start, s));
        }
        for t in doc
            .tasks
            .iter()
            .filter(|t| t.heading == heading && t.parent.is_none())
        {
            let name = format!("[{}] {}", if t.checked { "x" } else { " " }, t.text);
            let r = c.range(&t.range);
            items.push((t.range.start, symbol(name, SymbolKind::BOOLEAN, r, r)));
        }
        items.sort_by_key(|(start, _)| *start);
        items.into_iter().map(|(_, s)| s).collect()
    }
    Some(DocumentSymbolResponse::Nested(build(doc, c, None)))
}

/// Headings of every checklist whose title holds the query (case-insensitive).
#[allow(deprecated)]
pub fn workspace_symbols(
    workspaces: &[Arc<Workspace>],
    enc: Encoding,
    query: &str,
) -> Option<WorkspaceSymbolResponse> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for ws in workspaces {
        for path in ws.checklists() {
            let Some(doc) = ws.file(path).and_then(|f| f.document()) else {
                continue;
            };
            for h in &doc.headings {
                if !h.title.to_lowercase().contains(&query) {
                    continue;
                }
                if let Some(location) = location(ws, enc, path, &h.range) {
                    out.push(SymbolInformation {
                        name: h.title.to_string(),
                        kind: SymbolKind::NAMESPACE,
                        tags: None,
                        deprecated: None,
                        location,
                        container_name: Some(path.clone()),
                    });
                }
                if out.len() >= 1000 {
                    return Some(WorkspaceSymbolResponse::Flat(out));
                }
            }
        }
    }
    Some(WorkspaceSymbolResponse::Flat(out))
}

pub fn folding_ranges(snap: &Snapshot) -> Option<Vec<FoldingRange>> {
    let doc = document(snap)?;
    Some(
        doc.headings
            .iter()
            .filter_map(|h| {
                let start = snap.lines.line_of(h.range.start) as u32;
                let body = snap.text[h.section.clone()].trim_end();
                let end = snap.lines.line_of(h.section.start + body.len()) as u32;
                (end > start).then(|| FoldingRange {
                    start_line: start,
                    end_line: end,
                    kind: Some(FoldingRangeKind::Region),
                    ..Default::default()
                })
            })
            .collect(),
    )
}

/// Paths in code spans that resolve to a workspace file or folder.
pub fn document_links(snap: &Snapshot) -> Option<Vec<DocumentLink>> {
    let doc = document(snap)?;
    let c = conv(snap);
    Some(
        doc.references
            .iter()
            .filter_map(|r| {
                let RefKind::Path { path } = &r.kind else {
                    return None;
                };
                let PathResolution::Found(p) = snap.ws.resolve_evidence(&snap.rel, path) else {
                    return None;
                };
                Some(DocumentLink {
                    range: c.range(&r.range),
                    target: convert::uri(&snap.ws.abs(&p)),
                    tooltip: Some(p),
                    data: None,
                })
            })
            .collect(),
    )
}

/// "7/12 done · 1 error" on each heading; the title's lens counts the whole document.
pub fn code_lenses(snap: &Snapshot) -> Option<Vec<CodeLens>> {
    let doc = document(snap)?;
    let c = conv(snap);
    // Rubric scores: the whole document's on the title, a pack section's on its heading.
    let packs = crate::analysis::workspace_packs(&snap.ws).unwrap_or_default();
    let score = crate::score::checklist_score(&snap.ws, &snap.rel, &packs);
    let sections = crate::score::checklist_sections(&snap.ws, &snap.rel, &packs);
    let refs: Vec<&crate::packs::PackSection> = sections.iter().collect();
    let owners =
        crate::packs::first_section_of(&refs, doc.headings.iter().map(|h| h.title.as_str()));
    let section_score = |heading: usize| {
        let id = &sections[owners[heading]?].id;
        score.as_ref()?.sections.iter().find(|s| &s.id == id)?.score
    };
    Some(
        doc.headings
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let whole = i == 0 && h.level == 1;
                let range = if whole {
                    0..snap.text.len()
                } else {
                    h.section.clone()
                };
                let mut title = progress(doc, &snap.findings, &range).label();
                let scored = if whole {
                    score.as_ref().map(|s| {
                        let level = s.level.map_or("no level yet", |l| l.as_str());
                        format!("score {}/100 ({level})", s.score)
                    })
                } else {
                    section_score(i).map(|n| format!("score {n}/100"))
                };
                if let Some(scored) = scored {
                    title = format!("{scored} · {title}");
                }
                CodeLens {
                    range: c.range(&h.range),
                    command: Some(Command {
                        title,
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                }
            })
            .collect(),
    )
}
