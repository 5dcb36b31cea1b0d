//! Code actions: each `Fix` of a finding becomes a WorkspaceEdit as it stands, plus
//! "Disable CODE on this line" and, in an empty markdown file,
//! "Insert readiness checklist". A checklist's findings come without fixes, open or closed
//! (see `incremental::source_findings`): they are rebuilt on request.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use tower_lsp_server::ls_types::*;

use super::convert::{self, data_index};
use super::position::Converter;
use super::state::Snapshot;
use crate::model::{FileEdit, Finding, Fix};
use crate::text::LineIndex;
use crate::workspace::is_markdown;

pub fn code_actions(
    snap: &Snapshot,
    params: &CodeActionParams,
    versions: &HashMap<PathBuf, i32>,
    sources: &[String],
) -> Option<CodeActionResponse> {
    let mut out = Vec::new();
    let wants = |kind: &CodeActionKind| {
        params
            .context
            .only
            .as_ref()
            .is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
    };
    if wants(&CodeActionKind::QUICKFIX) {
        let rebuilt = OnceLock::new();
        let found: Vec<(&Diagnostic, &Finding)> = params
            .context
            .diagnostics
            .iter()
            .filter(|d| d.source.as_deref() == Some(convert::SOURCE))
            .filter_map(|d| Some((d, finding_of(snap, d)?)))
            .collect();
        // The rules whose fixes are to be rebuilt: only theirs run again.
        let deferred: Vec<&str> = found
            .iter()
            .filter(|(_, f)| f.fixes_deferred)
            .map(|(_, f)| f.code)
            .collect();
        for &(diag, finding) in &found {
            for fix in fixes_of(snap, sources, &deferred, finding, &rebuilt) {
                if let Some(edit) = workspace_edit(snap, fix, versions) {
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diag.clone()]),
                        edit: Some(edit),
                        is_preferred: Some(fix.preferred),
                        ..Default::default()
                    }));
                }
            }
            if let Some(action) = disable_on_line(snap, finding, diag) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    if wants(&CodeActionKind::SOURCE) && is_markdown(&snap.rel) && snap.text.trim().is_empty() {
        out.push(CodeActionOrCommand::CodeAction(insert_checklist(snap)));
    }
    Some(out)
}

/// A finding's fixes. A checklist's findings were published without them (in its own
/// file, or in a config file it constrains): the checklist, or those of the config file's
/// project, are analysed again with fixes, once per request, and the same finding's are
/// taken.
fn fixes_of<'a>(
    snap: &Snapshot,
    sources: &[String],
    codes: &[&str],
    finding: &'a Finding,
    rebuilt: &'a OnceLock<Vec<Finding>>,
) -> &'a [Fix] {
    if !finding.fixes_deferred {
        return &finding.fixes;
    }
    rebuilt
        .get_or_init(|| rebuild_findings(snap, sources, codes))
        .iter()
        .find(|f| {
            f.code == finding.code && f.range == finding.range && f.message() == finding.message()
        })
        .map_or(&[], |f| &f.fixes)
}

/// Findings of the rules of `codes`, with fixes, that `sources` (else the checklists of its
/// project) put in the snapshot's file. Rules are independent: the others are skipped (a
/// whole check of a 5,000-task checklist was ~6 ms per request, asked on each cursor move).
fn rebuild_findings(snap: &Snapshot, sources: &[String], codes: &[&str]) -> Vec<Finding> {
    let skip: Vec<&str> = crate::rules::RULES
        .iter()
        .map(|r| r.info().code)
        .filter(|c| !codes.contains(c))
        .collect();
    let options = crate::analysis::Options {
        skip: &skip,
        fixes: true,
    };
    let ws = &snap.ws;
    let packs = crate::analysis::workspace_packs(ws).unwrap_or_default();
    // The checklists that put findings in this file; before any analysis is cached, those
    // of its project.
    let sources = match ws.file(&snap.rel) {
        Some(f) if f.is_checklist => vec![snap.rel.clone()],
        _ if !sources.is_empty() => sources.to_vec(),
        _ => super::incremental::affected_sources(ws, &HashSet::from([snap.rel.clone()])),
    };
    sources
        .into_iter()
        .filter(|s| ws.file(s).is_some_and(|f| f.is_checklist))
        .flat_map(|s| crate::analysis::check_checklist_with(ws, &s, snap.today, &packs, &options))
        .filter(|f| *f.path == *snap.rel)
        .collect()
}

/// The finding a diagnostic came from: by its `data`, else by code and range.
fn finding_of<'a>(snap: &'a Snapshot, diag: &Diagnostic) -> Option<&'a Finding> {
    if let Some(i) = snap.findings_id.and_then(|id| data_index(diag, id)) {
        return snap.findings.get(i);
    }
    let conv = Converter::new(&snap.text, &snap.lines, snap.enc);
    let code = match &diag.code {
        Some(NumberOrString::String(c)) => c.as_str(),
        _ => return None,
    };
    snap.findings
        .iter()
        .find(|f| f.code == code && conv.range(&f.range) == diag.range)
}

fn text_edit(range: Range, new_text: String) -> OneOf<TextEdit, AnnotatedTextEdit> {
    OneOf::Left(TextEdit { range, new_text })
}

/// `documentChanges` for one fix: creates first (never overwriting), then text edits with
/// the version of open documents (null for files on disk).
fn workspace_edit(
    snap: &Snapshot,
    fix: &Fix,
    versions: &HashMap<PathBuf, i32>,
) -> Option<WorkspaceEdit> {
    let mut ops = Vec::new();
    for edit in &fix.edits {
        match edit {
            FileEdit::Create { path, contents } => {
                let abs = snap.ws.abs(path);
                let uri = convert::uri(&abs)?;
                ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
                    CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    },
                )));
                ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                    edits: vec![text_edit(Range::default(), contents.clone())],
                }));
            }
            FileEdit::Replace { path, range, text } => {
                let abs = snap.ws.abs(path);
                let uri = convert::uri(&abs)?;
                let lsp_range = if *path == snap.rel {
                    Converter::new(&snap.text, &snap.lines, snap.enc).range(range)
                } else {
                    let (t, l) = (snap.ws.text_or_disk(path)?, snap.ws.line_index(path)?);
                    Converter::new(&t, l, snap.enc).range(range)
                };
                ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri,
                        version: versions.get(&abs).copied(),
                    },
                    edits: vec![text_edit(lsp_range, text.clone())],
                }));
            }
        }
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..Default::default()
    })
}

/// Inserts a suppression comment above the finding's line, with the same indentation.
fn disable_on_line(snap: &Snapshot, finding: &Finding, diag: &Diagnostic) -> Option<CodeAction> {
    if finding.code == "invalid-config" {
        return None;
    }
    let lines: &LineIndex = &snap.lines;
    let line = lines.line_of(finding.range.start);
    let content = &snap.text[lines.line_range(&snap.text, line)];
    let indent: String = content
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let eol = if snap.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let comment = if is_markdown(&snap.rel) {
        format!(
            "{indent}<!-- readiness-disable-next-line {} -->{eol}",
            finding.code
        )
    } else {
        format!(
            "{indent}# readiness-disable-next-line {}{eol}",
            finding.code
        )
    };
    let at = Converter::new(&snap.text, lines, snap.enc).position(lines.line_start(line));
    let uri = convert::uri(&snap.ws.abs(&snap.rel))?;
    Some(CodeAction {
        title: format!("Disable {} on this line", finding.code),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag.clone()]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri,
                    version: snap.version,
                },
                edits: vec![text_edit(Range::new(at, at), comment)],
            }])),
            ..Default::default()
        }),
        is_preferred: Some(false),
        ..Default::default()
    })
}

/// The headings of the workspace's packs (the default pack when none is chosen).
pub fn checklist_template(snap: &Snapshot) -> String {
    let packs = crate::analysis::workspace_packs(&snap.ws).unwrap_or_default();
    let mut out = String::from("# Production readiness\n");
    for section in packs.iter().flat_map(|p| &p.sections) {
        out.push_str(&format!("\n## {}\n", section.title));
        for item in &section.items {
            out.push_str(&format!("- [ ] {}\n", item.title));
        }
    }
    out
}

fn insert_checklist(snap: &Snapshot) -> CodeAction {
    let end = Converter::new(&snap.text, &snap.lines, snap.enc).position(snap.text.len());
    let uri = convert::uri(&snap.ws.abs(&snap.rel));
    CodeAction {
        title: "Insert readiness checklist".into(),
        kind: Some(CodeActionKind::SOURCE),
        edit: uri.map(|uri| WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri,
                    version: snap.version,
                },
                edits: vec![text_edit(
                    Range::new(Position::new(0, 0), end),
                    checklist_template(snap),
                )],
            }])),
            ..Default::default()
        }),
        ..Default::default()
    }
}
