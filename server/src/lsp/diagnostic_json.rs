//! The JSON of an open document's diagnostics, kept from one publication to the next.
//!
//! A keystroke in a 5,000-task checklist re-publishes ~3,500 diagnostics of which one or two
//! changed. Converting and serialising them all again was ~7 ms of every keystroke; here
//! each diagnostic's JSON is kept under a hash of what it is made of (the finding's code,
//! severity, texts and related places, and its converted positions), and a publication is
//! mostly copying bytes. `data` (`[publication id, index]`) changes every time, so it is
//! written after the cached part of each object.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Write;

use super::convert;
use super::position::Converter;
use crate::model::Finding;
use crate::text::{Encoding, LineIndex};
use crate::workspace::Workspace;

/// Keys are hashes already: a fast hasher for the map.
type KeyMap = HashMap<u64, Box<[u8]>, foldhash::fast::FixedState>;

/// One document's serialised diagnostics, each without its `data` and closing brace.
#[derive(Default)]
pub struct DiagnosticJson {
    by_key: KeyMap,
}

impl DiagnosticJson {
    /// The JSON array of `findings`' diagnostics, with `data` `[id, index]`: the bytes
    /// `serde_json` writes for `convert::diagnostics` then `convert::set_data` (tested).
    /// Keeps only the entries this publication used.
    pub fn array(
        &mut self,
        ws: &Workspace,
        text: &str,
        lines: &LineIndex,
        enc: Encoding,
        findings: &[Finding],
        id: u64,
    ) -> Vec<u8> {
        let conv = Converter::new(text, lines, enc);
        let mut related = RelatedFile::default();
        let mut kept = KeyMap::with_capacity_and_hasher(findings.len(), Default::default());
        let mut out = Vec::with_capacity(findings.len() * 400);
        out.push(b'[');
        for (index, f) in findings.iter().enumerate() {
            let key = key(ws, conv, enc, f, &mut related);
            let object = match self.by_key.remove(&key).or_else(|| kept.remove(&key)) {
                Some(bytes) => bytes,
                None => serialise(ws, conv, enc, f),
            };
            if index > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&object);
            let _ = write!(out, ",\"data\":[{id},{index}]}}");
            kept.insert(key, object);
        }
        out.push(b']');
        self.by_key = kept;
        out
    }
}

/// A diagnostic's JSON without its closing brace (and without `data`, which is unset).
fn serialise(ws: &Workspace, conv: Converter, enc: Encoding, f: &Finding) -> Box<[u8]> {
    let d = convert::diagnostic(ws, conv, enc, f);
    let mut bytes = serde_json::to_vec(&d).unwrap_or_else(|_| b"{}".to_vec());
    bytes.pop(); // the object's `}`: `data` goes after it
    if bytes.len() == 1 {
        // `{` alone: the next field must not start with a comma. Cannot happen (a
        // diagnostic always has a range and a message), but the output stays JSON.
        bytes.extend_from_slice(b"\"range\":null");
    }
    bytes.into_boxed_slice()
}

/// The file of the last related place converted: one document's diagnostics point at a
/// handful of files, and looking each up in the workspace (twice) for every diagnostic was
/// a fifth of the keys' time.
#[derive(Default)]
struct RelatedFile<'w> {
    /// The path, and its text and line index if the workspace has them.
    last: Option<(&'w str, Option<TextAndLines<'w>>)>,
}

type TextAndLines<'w> = (std::sync::Arc<str>, &'w LineIndex);

impl<'w> RelatedFile<'w> {
    fn range(
        &mut self,
        ws: &'w Workspace,
        enc: Encoding,
        path: &'w str,
        range: &std::ops::Range<usize>,
    ) -> tower_lsp_server::ls_types::Range {
        if self.last.as_ref().is_none_or(|(p, _)| *p != path) {
            let file = ws.text_or_disk(path).zip(ws.line_index(path));
            self.last = Some((path, file));
        }
        match &self.last {
            Some((_, Some((text, lines)))) => Converter::new(text, lines, enc).range(range),
            _ => Default::default(),
        }
    }
}

/// Everything a diagnostic's JSON is made of. 64 bits: a collision among one document's
/// few thousand diagnostics is a chance of about one in 10^12 per publication.
fn key<'w>(
    ws: &'w Workspace,
    conv: Converter,
    enc: Encoding,
    f: &'w Finding,
    related: &mut RelatedFile<'w>,
) -> u64 {
    // foldhash, not SipHash: ~3,500 keys a keystroke, and nothing adversarial to resist.
    let mut h = foldhash::quality::FixedState::default().build_hasher();
    let r = conv.range(&f.range);
    (r.start.line, r.start.character, r.end.line, r.end.character).hash(&mut h);
    f.code.hash(&mut h);
    f.severity.hash(&mut h);
    f.message.hash(&mut h);
    f.help.hash(&mut h);
    for rel in &f.related {
        rel.path.hash(&mut h);
        rel.message.hash(&mut h);
        let r = related.range(ws, enc, &rel.path, &rel.range);
        (r.start.line, r.start.character, r.end.line, r.end.character).hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::LoadOptions;

    #[test]
    fn the_same_bytes_as_serialising_the_diagnostics_edit_after_edit() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("# Launch 🚀\n\n## Security\n\n");
        for i in 0..30 {
            text.push_str(&format!(
                "- [{}] Rotate key {} in `docs/missing-{}.md` with `LOG_LEVEL=info` — 日本\n",
                if i % 2 == 0 { "x" } else { " " },
                i % 7,
                i % 5
            ));
        }
        std::fs::write(dir.path().join("readiness.md"), &text).unwrap();
        std::fs::write(dir.path().join(".env.production"), "LOG_LEVEL=debug\n").unwrap();
        let mut ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        let today = crate::date::Date::parse_iso("2026-06-01").unwrap();
        let packs = crate::analysis::workspace_packs(&ws).unwrap();
        let mut cache = DiagnosticJson::default();
        for (id, edit) in ["", "- [ ] New task\n", "x", "\n\n"].iter().enumerate() {
            text.insert_str(text.len() / 2, edit);
            ws.set_file("readiness.md", Some(std::sync::Arc::from(text.as_str())));
            let raw = crate::analysis::check_checklist(&ws, "readiness.md", today, &packs);
            let findings = crate::analysis::finish(&ws, today, raw);
            assert!(findings.len() > 20);
            let lines = ws.line_index("readiness.md").unwrap();
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let mut expected = convert::diagnostics(&ws, &text, lines, enc, &findings);
                convert::set_data(&mut expected, id as u64);
                let got = cache.array(&ws, &text, lines, enc, &findings, id as u64);
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    serde_json::to_string(&expected).unwrap()
                );
            }
        }
    }

    #[test]
    fn an_empty_list_is_an_empty_array() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        let lines = LineIndex::new("");
        let got = DiagnosticJson::default().array(&ws, "", &lines, Encoding::Utf16, &[], 3);
        assert_eq!(got, b"[]");
    }
}
