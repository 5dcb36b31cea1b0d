//! Probe results shared across checklists and rules. The ten checklists of one service ask
//! the same probes of the same files, and three rules plus the score ask again for each:
//! computing them once per scope and workspace snapshot is what keeps a large check fast.

// foldhash: each rule of each checklist looks its probes up (hashing a probe whole).
use foldhash::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::ProbeResult;
use crate::packs::Probe;

/// Held by a workspace snapshot; a change to the workspace replaces it (see
/// [`ProbeCache::survives_markdown_edit`]).
#[derive(Debug, Default)]
pub struct ProbeCache {
    scopes: Mutex<HashMap<String, Arc<ScopeResults>>>,
    /// Whether some probe read a markdown file's text. Probes look at markdown files only
    /// for their existence unless a pack's `file_contains` globs name them.
    read_markdown: AtomicBool,
}

/// What the probers of one folder have found so far.
#[derive(Debug, Default)]
pub struct ScopeResults {
    results: Mutex<HashMap<Probe, ProbeResult>>,
    /// Texts of files that are neither markdown nor config, read from disk (None: unreadable
    /// or binary).
    texts: Mutex<HashMap<String, Option<Arc<str>>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ProbeCache {
    /// The shared results of `scope` (a folder without trailing `/`; "" is the root).
    pub fn scope(&self, scope: &str) -> Arc<ScopeResults> {
        lock(&self.scopes)
            .entry(scope.to_string())
            .or_default()
            .clone()
    }

    pub(super) fn note_markdown_read(&self) {
        self.read_markdown.store(true, Ordering::Relaxed);
    }

    /// Whether the results stay true when the text (not the existence) of a markdown file
    /// changes: typing in a checklist keeps its probes.
    pub fn survives_markdown_edit(&self) -> bool {
        !self.read_markdown.load(Ordering::Relaxed)
    }
}

impl ScopeResults {
    pub(super) fn result(&self, probe: &Probe) -> Option<ProbeResult> {
        lock(&self.results).get(probe).cloned()
    }

    pub(super) fn remember(&self, probe: &Probe, result: &ProbeResult) {
        lock(&self.results).insert(probe.clone(), result.clone());
    }

    pub(super) fn text(&self, path: &str) -> Option<Option<Arc<str>>> {
        lock(&self.texts).get(path).cloned()
    }

    pub(super) fn remember_text(&self, path: &str, text: Option<Arc<str>>) {
        lock(&self.texts).insert(path.to_string(), text);
    }
}
