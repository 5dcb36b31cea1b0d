//! The server's state: negotiated capabilities, open documents, one workspace per root,
//! and the diagnostics last published per file. Guarded by one std Mutex that is never
//! held across an `.await`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::{ClientCapabilities, Diagnostic};

use super::documents::Document;
use super::options::Options;
use crate::date::Date;
use crate::model::Finding;
use crate::settings::SettingsError;
use crate::text::{Encoding, LineIndex};
use crate::workspace::Workspace;

/// What the client can do, read once at `initialize`.
#[derive(Debug, Clone, Default)]
pub struct Caps {
    /// The client pulls diagnostics (`textDocument/diagnostic`): never push to it.
    pub pull: bool,
    pub diagnostic_refresh: bool,
    pub progress: bool,
    pub dynamic_watch: bool,
}

impl Caps {
    pub fn from_client(caps: &ClientCapabilities) -> Caps {
        let text = caps.text_document.as_ref();
        let ws = caps.workspace.as_ref();
        Caps {
            pull: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
            diagnostic_refresh: ws
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            dynamic_watch: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
        }
    }
}

/// A workspace folder (or the folder of a file opened outside every folder).
#[derive(Debug)]
pub struct Root {
    pub dir: PathBuf,
    /// None until the first index finishes.
    pub ws: Option<Arc<Workspace>>,
    /// readiness.toml could not be used: shown as `invalid-config`, defaults apply.
    pub settings_error: Option<(SettingsError, Arc<str>)>,
    /// Bumped on every change; an analysis publishes only if it is still current.
    pub gen: u64,
    /// Bumped on every (re)load; a load finishing late is dropped.
    pub load_gen: u64,
    /// Findings by the file that produced them; None until the first full analysis (and
    /// after a reload), which then recomputes everything.
    pub cache: Option<super::incremental::Cache>,
    /// Workspace-relative paths changed since the last analysis started.
    pub pending: std::collections::HashSet<String>,
    /// An analysis of this root is running: a change waits for it and goes into the next.
    pub running: bool,
}

impl Root {
    pub fn new(dir: PathBuf) -> Root {
        Root {
            dir,
            ws: None,
            settings_error: None,
            gen: 0,
            load_gen: 0,
            cache: None,
            pending: Default::default(),
            running: false,
        }
    }
}

/// What was last published for one file.
#[derive(Debug, Clone)]
pub struct FileDiagnostics {
    pub root: PathBuf,
    /// Shared with the snapshots of requests (hover, code actions): never copied per request.
    pub findings: Arc<Vec<Finding>>,
    /// What pull requests answer (None for push clients: nothing asks again).
    pub diagnostics: Option<Arc<Vec<Diagnostic>>>,
    /// Hash of the diagnostics' positions (see `convert::layout_hash`); None when it was
    /// not worked out (the findings had changed anyway).
    pub layout: Option<u64>,
    /// Changes whenever `findings` change; diagnostics carry it in `data`.
    pub id: u64,
    /// The root generation of the workspace these were computed from: an older result
    /// never replaces a newer one.
    pub snap_gen: u64,
}

#[derive(Debug)]
pub struct State {
    pub enc: Encoding,
    pub caps: Caps,
    pub options: Options,
    pub roots: Vec<Root>,
    pub docs: HashMap<PathBuf, Document>,
    pub published: HashMap<PathBuf, FileDiagnostics>,
    pub next_id: u64,
    /// notify watchers by workspace folder (clients that cannot watch for us).
    pub watchers: Vec<(PathBuf, notify::RecommendedWatcher)>,
}

/// A consistent view of one file for the read-only features.
pub struct Snapshot {
    pub ws: Arc<Workspace>,
    pub root: PathBuf,
    pub rel: String,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
    pub enc: Encoding,
    pub version: Option<i32>,
    pub today: Date,
    /// The findings last published for this file.
    pub findings: Arc<Vec<Finding>>,
    pub findings_id: Option<u64>,
}

impl State {
    /// Versions of the open documents under `dir`.
    pub fn versions_under(&self, dir: &Path) -> HashMap<PathBuf, i32> {
        self.docs
            .iter()
            .filter(|(p, _)| p.starts_with(dir))
            .map(|(p, d)| (p.clone(), d.version))
            .collect()
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

impl State {
    pub fn new() -> State {
        State {
            enc: Encoding::Utf16,
            caps: Caps::default(),
            options: Options::default(),
            roots: Vec::new(),
            docs: HashMap::new(),
            published: HashMap::new(),
            next_id: 0,
            watchers: Vec::new(),
        }
    }

    /// The date rules run on: settings, else READINESS_TODAY, else the clock.
    pub fn today(&self) -> Date {
        self.options
            .today
            .or_else(|| crate::cli::resolve_today(None).ok())
            .unwrap_or_else(Date::today_utc)
    }

    /// The innermost root holding `path`.
    pub fn root_index(&self, path: &Path) -> Option<usize> {
        self.roots
            .iter()
            .enumerate()
            .filter(|(_, r)| path.starts_with(&r.dir))
            .max_by_key(|(_, r)| r.dir.components().count())
            .map(|(i, _)| i)
    }

    pub fn root_mut(&mut self, dir: &Path) -> Option<&mut Root> {
        self.roots.iter_mut().find(|r| r.dir == dir)
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn snapshot(&self, path: &Path) -> Option<Snapshot> {
        let root = &self.roots[self.root_index(path)?];
        let ws = root.ws.clone()?;
        let rel = ws.rel(path)?;
        let doc = self.docs.get(path);
        let kept = ws
            .file(&rel)
            .and_then(|f| Some((ws.text_or_disk(&rel)?, f.line_index()?.clone())));
        let (text, lines) = match (doc, kept) {
            (Some(d), _) => (d.text.clone(), d.lines.clone()),
            (None, Some(kept)) => kept,
            (None, None) => {
                let text: Arc<str> = Arc::from(std::fs::read_to_string(path).ok()?);
                let lines = Arc::new(LineIndex::new(&text));
                (text, lines)
            }
        };
        let published = self.published.get(path);
        Some(Snapshot {
            ws,
            root: root.dir.clone(),
            rel,
            text,
            lines,
            enc: self.enc,
            version: doc.map(|d| d.version),
            today: self.today(),
            findings: published.map(|p| p.findings.clone()).unwrap_or_default(),
            findings_id: published.map(|p| p.id),
        })
    }

    /// The sources (checklists, config files) whose cached findings land in a file.
    pub fn sources_in(&self, root: &Path, rel: &str) -> Vec<String> {
        self.roots
            .iter()
            .find(|r| r.dir == root)
            .and_then(|r| r.cache.as_ref())
            .map(|c| c.sources_in(rel))
            .unwrap_or_default()
    }
}
