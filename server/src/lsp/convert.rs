//! Findings to LSP diagnostics. Ranges go through the position module; nothing is re-derived.

use std::path::Path;

use serde_json::json;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Uri,
};

use super::position::Converter;
use crate::model::{Finding, Severity};
use crate::text::{Encoding, LineIndex};
use crate::workspace::Workspace;

pub const SOURCE: &str = "readiness";

pub fn uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A byte range of a workspace file as an LSP range (empty at the start when the file has
/// no text: not read, or gone).
pub fn range_in(
    ws: &Workspace,
    enc: Encoding,
    path: &str,
    range: &std::ops::Range<usize>,
) -> tower_lsp_server::ls_types::Range {
    match (ws.text_or_disk(path), ws.line_index(path)) {
        (Some(t), Some(l)) => Converter::new(&t, l, enc).range(range),
        _ => Default::default(),
    }
}

/// A diagnostic without `data` (set once we know whether the findings changed).
pub fn diagnostic(ws: &Workspace, conv: Converter, enc: Encoding, f: &Finding) -> Diagnostic {
    diagnostic_with(ws, conv, enc, f, &mut |p| uri(&ws.abs(p)))
}

/// [`diagnostic`] with the URIs of related files from `uri_of` (a file's diagnostics share
/// a handful of related files: each URI is built once, not per diagnostic).
fn diagnostic_with(
    ws: &Workspace,
    conv: Converter,
    enc: Encoding,
    f: &Finding,
    uri_of: &mut dyn FnMut(&str) -> Option<Uri>,
) -> Diagnostic {
    let message = match &f.help {
        Some(help) => format!("{}\n{help}", f.message()),
        None => f.message().to_string(),
    };
    let related: Vec<DiagnosticRelatedInformation> = f
        .related()
        .iter()
        .filter_map(|r| {
            let range = range_in(ws, enc, &r.path, &r.range);
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri_of(&r.path)?, range),
                message: r.message.to_string(),
            })
        })
        .collect();
    Diagnostic {
        range: conv.range(&f.range),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.code.to_string())),
        code_description: docs_url(f.code),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (f.severity == Severity::Hint).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// Parsed once per code: every diagnostic carries it.
fn docs_url(code: &str) -> Option<CodeDescription> {
    type Urls = std::collections::HashMap<String, Option<Uri>>;
    static URLS: std::sync::LazyLock<std::sync::Mutex<Urls>> =
        std::sync::LazyLock::new(Default::default);
    let mut urls = URLS.lock().unwrap_or_else(|e| e.into_inner());
    // Looked up by `&str` first: no key is built for the thousands of hits.
    let href = match urls.get(code) {
        Some(href) => href.clone()?,
        None => urls
            .entry(code.to_string())
            .or_insert_with(|| format!("https://readiness.dev/rules/{code}").parse().ok())
            .clone()?,
    };
    Some(CodeDescription { href })
}

/// Diagnostics of one file, `data` naming the finding each comes from.
pub fn diagnostics(
    ws: &Workspace,
    text: &str,
    lines: &LineIndex,
    enc: Encoding,
    findings: &[Finding],
) -> Vec<Diagnostic> {
    let conv = Converter::new(text, lines, enc);
    let mut uris: std::collections::HashMap<String, Option<Uri>> = Default::default();
    let mut uri_of = |p: &str| {
        if let Some(u) = uris.get(p) {
            return u.clone();
        }
        let u = uri(&ws.abs(p));
        uris.insert(p.to_string(), u.clone());
        u
    };
    findings
        .iter()
        .map(|f| diagnostic_with(ws, conv, enc, f, &mut uri_of))
        .collect()
}

/// A hash of where a file's diagnostics sit (their ranges and their related locations'
/// ranges), from the findings, without building the diagnostics: with the findings, what
/// decides whether a file must be published again.
pub fn layout_hash(
    ws: &Workspace,
    text: &str,
    lines: &LineIndex,
    enc: Encoding,
    findings: &[Finding],
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut range = |r: tower_lsp_server::ls_types::Range| {
        (r.start.line, r.start.character, r.end.line, r.end.character).hash(&mut h);
    };
    let conv = Converter::new(text, lines, enc);
    for f in findings {
        range(conv.range(&f.range));
        for r in f.related() {
            // As `diagnostic_with` places them.
            range(range_in(ws, enc, &r.path, &r.range));
        }
    }
    h.finish()
}

/// `data` is `[id, index]`: an array, not an object, because a workspace's worth of
/// diagnostics each carry one and a JSON object costs a map per diagnostic.
pub fn set_data(diagnostics: &mut [Diagnostic], id: u64) {
    for (index, d) in diagnostics.iter_mut().enumerate() {
        d.data = Some(json!([id, index]));
    }
}

/// The finding a diagnostic's `data` points at, if it still exists.
pub fn data_index(d: &Diagnostic, id: u64) -> Option<usize> {
    let data = d.data.as_ref()?.as_array()?;
    match data.as_slice() {
        [got, index] if got.as_u64()? == id => index.as_u64().map(|i| i as usize),
        _ => None,
    }
}
