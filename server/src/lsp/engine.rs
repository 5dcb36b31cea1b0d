//! Loading roots, applying changes, and the analysis pipeline: a quick check of the
//! edited checklist at once, then a debounced full analysis of its workspace. Heavy work
//! runs on blocking threads; results carry the root's generation and are dropped when stale.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::Client;

use super::convert;
use super::diagnostic_json::DiagnosticJson;
use super::frames::{Frames, Written};
use super::incremental;
use super::state::{FileDiagnostics, Root, State};
use crate::analysis;
use crate::model::{Finding, Severity};
use crate::settings::{Settings, FILE_NAME};
use crate::text::LineIndex;
use crate::workspace::{LoadOptions, Workspace};

static EMPTY_LINES: std::sync::LazyLock<LineIndex> =
    std::sync::LazyLock::new(|| LineIndex::new(""));

/// Runs blocking work for a task that waits for nothing else: on the task's own thread
/// where the runtime lets it block (`block_in_place`: a worker hands its other tasks to
/// another; the server's message loop runs in the runtime's `block_on`, on the main
/// thread, and just blocks), else on a blocking thread. A keystroke's check is ~2 ms of
/// work; waking a blocking thread for it, and then the task again for its result, cost
/// ~0.3 ms more on a 2-core VM.
async fn on_this_thread<R: Send + 'static>(
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    use tokio::runtime::{Handle, RuntimeFlavor};
    if Handle::current().runtime_flavor() != RuntimeFlavor::MultiThread {
        return tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| e.to_string());
    }
    let caught = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
    });
    caught.map_err(|panic| format!("panicked: {}", panic_message(&*panic)))
}

/// Whether the connection to the client is still open: its queue of outgoing messages is
/// closed once the server's loop has ended.
async fn connected(client: &Client) -> bool {
    let mut client = client.clone();
    std::future::poll_fn(|cx| tower_service::Service::poll_ready(&mut client, cx))
        .await
        .is_ok()
}

/// What a caught panic said, when it said it with a string.
pub(super) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// The check of an edited checklist that [`Engine::record_change`] leaves to its caller.
pub struct QuickCheck {
    dir: PathBuf,
    rel: String,
    gen: u64,
}

/// How long edits must pause before the whole workspace is re-analysed.
pub const DEBOUNCE: Duration = Duration::from_millis(80);

pub struct Engine {
    pub client: Client,
    state: Mutex<State>,
    pub shutdown: Arc<AtomicBool>,
    /// Counts finished analyses, so pull requests can wait for the first index.
    pub analyzed: tokio::sync::watch::Sender<u64>,
    /// One task sends every publication, so they reach the client in the order decided.
    outbox: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    /// What the last check of each open checklist kept, for the next one.
    pub reruns: incremental::Reruns,
}

/// Folders whose events never matter (version control and build output).
pub(super) fn ignored(rel: &str) -> bool {
    rel.split('/')
        .any(|s| matches!(s, ".git" | "node_modules" | "target" | "vendor"))
}

/// A root's current snapshot: workspace, date, position encoding, open document versions.
type Current = (
    Arc<Workspace>,
    crate::date::Date,
    crate::text::Encoding,
    HashMap<PathBuf, i32>,
);

/// One file's diagnostics on their way to the client.
struct Outgoing {
    uri: tower_lsp_server::ls_types::Uri,
    diagnostics: Pending,
    version: Option<i32>,
    /// Told once this publication is written (see [`super::frames::Frame::tell_when_written`]).
    written: Option<tokio::sync::watch::Sender<bool>>,
}

/// A file's findings, converted to diagnostics only when the sending task gets to them.
/// The first analysis of a monorepo publishes a couple of thousand files at once; converted
/// up front they were a quarter of the server's peak memory, queued behind the client
/// reading them. Findings are shared with `published`: waiting here costs nothing.
struct Pending {
    /// None for a file whose diagnostics are cleared.
    ws: Option<Arc<Workspace>>,
    rel: String,
    /// The text when the file is not in the workspace (a broken readiness.toml).
    text: Option<Arc<str>>,
    enc: crate::text::Encoding,
    findings: Arc<Vec<Finding>>,
    /// Goes into each diagnostic's `data`.
    id: u64,
}

impl Pending {
    /// No diagnostics: a file whose root went away.
    fn cleared() -> Pending {
        Pending {
            ws: None,
            rel: String::new(),
            text: None,
            enc: crate::text::Encoding::Utf16,
            findings: Arc::default(),
            id: 0,
        }
    }

    /// Appends the diagnostics as a JSON array, reusing and refreshing `kept` when given
    /// (an open document's).
    fn json(&self, kept: Option<&mut DiagnosticJson>, out: &mut Vec<u8>) {
        let Some(ws) = self.ws.as_deref().filter(|_| !self.findings.is_empty()) else {
            out.extend_from_slice(b"[]");
            return;
        };
        let mut fresh = DiagnosticJson::default();
        let kept = kept.unwrap_or(&mut fresh);
        with_text(ws, &self.rel, self.text.as_deref(), |text, lines| {
            kept.array(ws, text, lines, self.enc, &self.findings, self.id, out)
        })
    }
}

/// The diagnostics of `rel`'s findings; `text` when the file is not in the workspace.
fn diagnostics_of(
    ws: &Workspace,
    rel: &str,
    text: Option<&str>,
    enc: crate::text::Encoding,
    findings: &[Finding],
) -> Vec<tower_lsp_server::ls_types::Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    with_text(ws, rel, text, |text, lines| {
        convert::diagnostics(ws, text, lines, enc, findings)
    })
}

/// Calls `f` with the text and line index of `rel`; `text` when the file is not in the
/// workspace (a broken readiness.toml), else an empty text.
fn with_text<R>(
    ws: &Workspace,
    rel: &str,
    text: Option<&str>,
    f: impl FnOnce(&str, &LineIndex) -> R,
) -> R {
    match (ws.text(rel), ws.line_index(rel), text) {
        (Some(t), Some(l), _) => f(t, l),
        (_, _, Some(t)) => f(t, &LineIndex::new(t)),
        _ => f("", &EMPTY_LINES),
    }
}

/// Hints (open tasks, by default) go to open documents only: they mark lines in the
/// editor, and nobody sees them in a closed file (VS Code's Problems view leaves hints
/// out), while a monorepo's worth was over half of all the diagnostics sent at startup.
/// A file opened is checked again, with its hints; closed, it is checked without.
fn drop_hints(findings: &mut Vec<Finding>) {
    findings.retain(|f| f.severity != Severity::Hint);
}

/// One file's settled findings and the layout of their diagnostics (None: not worked
/// out, because the findings differ from those published; see `FileDiagnostics::layout`).
struct Settled {
    rel: String,
    findings: Vec<Finding>,
    layout: Option<u64>,
}

/// A finished analysis of one root, ready to be compared with what was published.
struct Computed {
    dir: PathBuf,
    gen: u64,
    /// Files covered by this result: All, or only these.
    only: Option<HashSet<PathBuf>>,
    /// Versions of the open documents as the analysed snapshot had them: diagnostics go out
    /// with the version they were computed from, and not at all once the buffer moved on
    /// (the newer edit's own check publishes).
    versions: HashMap<PathBuf, i32>,
    files: BTreeMap<PathBuf, Settled>,
    /// The snapshot the findings come from, to convert them against.
    ws: Arc<Workspace>,
    enc: crate::text::Encoding,
    /// readiness.toml's text when it is broken (not part of the workspace).
    settings_text: Option<Arc<str>>,
}

/// How long work deferred until a publication is written waits at most for it: a client
/// that stops reading holds nothing up for longer. Below [`DEBOUNCE`], so that a quick
/// check's layout is there when the workspace analysis after it decides whether to publish
/// (without it, the same diagnostics would go out twice).
const AFTER_WRITING: Duration = Duration::from_millis(50);
const _: () = assert!(AFTER_WRITING.as_millis() < DEBOUNCE.as_millis());

impl Engine {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>, frames: Frames) -> Engine {
        let (outbox, mut inbox) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
        tokio::spawn(async move {
            // Open documents keep their diagnostics' JSON from one publication to the next.
            let mut kept: HashMap<String, DiagnosticJson> = HashMap::new();
            while let Some(p) = inbox.recv().await {
                let t0 = std::time::Instant::now();
                let key = p.uri.as_str().to_string();
                let kept = match p.version {
                    Some(_) => Some(kept.entry(key).or_default()),
                    None => {
                        kept.remove(&key);
                        None
                    }
                };
                let Some(mut frame) =
                    Frames::diagnostics(&p.uri, p.version, |out| p.diagnostics.json(kept, out))
                else {
                    continue;
                };
                if let Some(tx) = p.written {
                    frame.tell_when_written(tx);
                }
                let t1 = t0.elapsed();
                let bytes = frame.len();
                if !frames.send_diagnostics(frame).await {
                    return;
                }
                tracing::debug!(
                    "sent {} diagnostic(s), {} bytes: json {:?}, queued {:?}",
                    p.diagnostics.findings.len(),
                    bytes,
                    t1,
                    t0.elapsed() - t1
                );
            }
        });
        Engine {
            outbox,
            client,
            state: Mutex::new(State::new()),
            shutdown,
            analyzed: tokio::sync::watch::Sender::new(0),
            reruns: incremental::Reruns::default(),
        }
    }

    /// The state; a handler that panicked while holding it does not poison the server.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Logs to stderr and to the client's output (sent from a spawned task).
    pub fn log(&self, typ: MessageType, message: String) {
        match typ {
            MessageType::ERROR => tracing::error!("{message}"),
            MessageType::WARNING => tracing::warn!("{message}"),
            _ => tracing::info!("{message}"),
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            // After the connection ended (the client exited, or closed our input) a
            // message could only fail, and tower-lsp-server would log that as an error.
            if connected(&client).await {
                client.log_message(typ, message).await;
            }
        });
    }

    /// Whether messages can still reach the client (see [`connected`]).
    pub async fn connected(&self) -> bool {
        connected(&self.client).await
    }

    /// Adds a root (if new) and indexes it off the runtime.
    pub fn add_root(self: &Arc<Self>, dir: PathBuf) {
        {
            let mut state = self.state();
            if state.roots.iter().any(|r| r.dir == dir) {
                return;
            }
            state.roots.push(Root::new(dir.clone()));
        }
        self.reload(dir);
    }

    /// Removes a root and clears the diagnostics of its files.
    pub fn remove_root(self: &Arc<Self>, dir: &Path) {
        let cleared: Vec<PathBuf> = {
            let mut state = self.state();
            state.roots.retain(|r| r.dir != dir);
            state.watchers.retain(|(d, _)| d != dir);
            let gone: Vec<PathBuf> = state
                .published
                .iter()
                .filter(|(_, p)| p.root == dir)
                .map(|(k, _)| k.clone())
                .collect();
            for p in &gone {
                state.published.remove(p);
            }
            gone
        };
        self.send(
            cleared
                .into_iter()
                .map(|p| (p, Pending::cleared(), None))
                .collect(),
        );
    }

    /// The root holding `path`; a file outside every root gets its own (found like the CLI).
    pub fn root_for(self: &Arc<Self>, path: &Path) -> PathBuf {
        let known = {
            let state = self.state();
            state.root_index(path).map(|i| state.roots[i].dir.clone())
        };
        if let Some(dir) = known {
            return dir;
        }
        let dir = crate::workspace::find_root(path);
        self.add_root(dir.clone());
        dir
    }

    /// (Re)loads a root: readiness.toml (a broken one becomes a diagnostic), then the walk.
    pub fn reload(self: &Arc<Self>, dir: PathBuf) {
        let (load_gen, options, toml_buffer) = {
            let mut state = self.state();
            let toml_buffer = state.docs.get(&dir.join(FILE_NAME)).map(|d| d.text.clone());
            let options = state.options.clone();
            let Some(root) = state.root_mut(&dir) else {
                return;
            };
            root.load_gen += 1;
            root.gen += 1;
            (root.load_gen, options, toml_buffer)
        };
        let this = self.clone();
        tokio::spawn(async move {
            let load_dir = dir.clone();
            let loaded = tokio::task::spawn_blocking(move || {
                let started = std::time::Instant::now();
                let toml = load_dir.join(FILE_NAME);
                let text: Option<Arc<str>> =
                    toml_buffer.or_else(|| std::fs::read_to_string(&toml).ok().map(Arc::from));
                let (mut settings, error) = match &text {
                    None => (Settings::defaults(), None),
                    Some(t) => match Settings::parse(t, &toml) {
                        Ok(s) => (s, None),
                        Err(e) => (Settings::defaults(), Some((e, t.clone()))),
                    },
                };
                settings.overlay(&options.rules, &options.checklists);
                rayon::spawn(crate::packs::warm_up);
                let ws =
                    Workspace::load_with_settings(&load_dir, settings, &LoadOptions::default());
                (ws, error, started.elapsed())
            })
            .await;
            let (mut ws, error, took) = match loaded {
                Ok(l) => l,
                // The runtime is shutting down: the server is ending, not failing.
                Err(e) if e.is_cancelled() => return,
                Err(e) => {
                    this.log(
                        MessageType::ERROR,
                        format!("{}: indexing failed: {e}", dir.display()),
                    );
                    return;
                }
            };
            let gen = {
                let mut state = this.state();
                let docs: Vec<(PathBuf, Arc<str>)> = state
                    .docs
                    .iter()
                    .filter(|(p, _)| p.starts_with(&dir))
                    .map(|(p, d)| (p.clone(), d.text.clone()))
                    .collect();
                let Some(root) = state.root_mut(&dir) else {
                    return;
                };
                if root.load_gen != load_gen {
                    return;
                }
                // Buffers edited while the walk ran win over the disk.
                for (path, text) in docs {
                    if let Some(rel) = ws.rel(&path) {
                        ws.set_file(&rel, Some(text));
                    }
                }
                root.ws = Some(Arc::new(ws));
                root.settings_error = error;
                root.cache = None;
                root.pending.clear();
                root.gen += 1;
                root.gen
            };
            this.log(
                MessageType::INFO,
                format!("{}: indexed in {} ms", dir.display(), took.as_millis()),
            );
            let _ = gen;
            this.analyze(dir).await;
        });
    }

    /// Records a change: the buffer or disk text of `path` goes into its workspace, then the
    /// edited checklist is checked at once and the workspace re-analysed after a pause.
    /// Synchronous: call it before any `.await` so changes apply in arrival order.
    pub fn file_changed(self: &Arc<Self>, path: &Path, text: Option<Arc<str>>) {
        if let Some(check) = self.record_change(path, text) {
            let this = self.clone();
            tokio::spawn(async move { this.check_now(check).await });
        }
    }

    /// [`Engine::file_changed`] without its check of the edited checklist, which is
    /// returned for the caller to run ([`Engine::check_now`]) when it can wait for it: a
    /// task spawned for it waited ~0.2 ms to start.
    pub fn record_change(
        self: &Arc<Self>,
        path: &Path,
        text: Option<Arc<str>>,
    ) -> Option<QuickCheck> {
        tracing::trace!("file_changed {}", path.display());
        let dir = self.root_for(path);
        if path.file_name().is_some_and(|n| n == FILE_NAME) && path.parent() == Some(&dir) {
            self.reload(dir);
            return None;
        }
        let quick = {
            let mut state = self.state();
            let root = state.root_mut(&dir)?;
            // Without an index yet, the first index picks the buffer up.
            let ws = root.ws.as_mut()?;
            let rel = ws.rel(path)?;
            if ignored(&rel) {
                return None;
            }
            // A long checklist's rules will want a second thread in a millisecond: wake
            // it now, while the edit is applied.
            let long = ws.file(&rel).is_some_and(|f| {
                f.is_checklist && f.document().is_some_and(analysis::runs_side_by_side)
            });
            if long {
                analysis::warm_up(Duration::from_millis(3));
            }
            // Copy-on-write: clones only while an analysis still holds the old snapshot.
            Arc::make_mut(ws).set_file(&rel, text);
            root.gen += 1;
            let is_checklist = ws.file(&rel).is_some_and(|f| f.is_checklist);
            root.pending.insert(rel.clone());
            tracing::trace!("set_file done");
            (root.gen, is_checklist.then_some(rel))
        };
        let (gen, checklist) = quick;
        let this = self.clone();
        let later = dir.clone();
        tokio::spawn(async move {
            tokio::time::sleep(DEBOUNCE).await;
            this.analyze(later).await;
        });
        checklist.map(|rel| QuickCheck { dir, rel, gen })
    }

    /// Checks one checklist now, on this thread (see [`on_this_thread`]), and publishes its
    /// own file: returns once the publication is queued.
    pub async fn check_now(self: &Arc<Self>, check: QuickCheck) {
        let QuickCheck { dir, rel, gen } = check;
        let Some((ws, today, enc, versions)) = self.current(&dir, gen) else {
            return;
        };
        let abs = ws.abs(&rel);
        let is_open = versions.contains_key(&abs);
        let queued = std::time::Instant::now();
        let snapshot = ws.clone();
        // What is shown now: the layout of the new findings is worked out only when they
        // are the same (a keystroke that changes them skips converting every position).
        let shown = self.state().published.get(&abs).map(|p| p.findings.clone());
        let this = self.clone();
        let result = on_this_thread(move || {
            let t0 = std::time::Instant::now();
            let packs = analysis::workspace_packs(&ws).unwrap_or_default();
            let hint_only = crate::rules::hint_only(&ws.settings);
            let findings = incremental::source_findings(
                &ws,
                &rel,
                today,
                &packs,
                is_open,
                &hint_only,
                incremental::Reuse::TakeAndStore(&this.reruns),
            );
            let t1 = std::time::Instant::now();
            // Only its own file is published here; a file's findings settle on their own.
            let mut findings = findings;
            findings.retain(|f| *f.path == *rel);
            // Its publication is written on two threads when long: the second is woken now.
            super::diagnostic_json::get_ready(findings.len());
            let mut findings = analysis::finish(&ws, today, findings);
            if !is_open {
                drop_hints(&mut findings);
            }
            let (Some(text), Some(lines)) = (ws.text(&rel), ws.line_index(&rel)) else {
                return BTreeMap::new();
            };
            let t2 = std::time::Instant::now();
            let layout = shown
                .is_some_and(|s| *s == findings)
                .then(|| convert::layout_hash(&ws, text, lines, enc, &findings));
            tracing::debug!(
                "quick: wait {:?} rules {:?} finish {:?} layout {:?}",
                t0 - queued,
                t1 - t0,
                t2 - t1,
                t2.elapsed()
            );
            let settled = Settled {
                rel: rel.clone(),
                findings,
                layout,
            };
            BTreeMap::from([(ws.abs(&rel), settled)])
        })
        .await;
        match result {
            Ok(files) => {
                let only = Some(HashSet::from([abs.clone()]));
                let written = self
                    .publish(Computed {
                        dir: dir.clone(),
                        gen,
                        only,
                        versions,
                        files,
                        ws: snapshot.clone(),
                        enc,
                        settings_text: None,
                    })
                    .await;
                // The layout can wait; the client reading 1.4 MB of diagnostics cannot.
                // Nor can the caller: `didChange` waits for this check up to here.
                let this = self.clone();
                tokio::spawn(async move {
                    if let Some(written) = written {
                        written.wait(AFTER_WRITING).await;
                    }
                    this.fill_layout(&dir, gen, abs, snapshot, enc).await;
                });
            }
            Err(e) => self.log(
                MessageType::ERROR,
                format!("check of {} failed: {e}", abs.display()),
            ),
        }
    }

    /// Works out the layout that `quick` skipped for a file it published, once the
    /// diagnostics are written: the next analysis compares its layout with this one,
    /// and without it would publish the same diagnostics again.
    async fn fill_layout(
        self: &Arc<Self>,
        dir: &Path,
        gen: u64,
        abs: PathBuf,
        ws: Arc<Workspace>,
        enc: crate::text::Encoding,
    ) {
        // Only a publication made from this very snapshot: another quick check's, made
        // from other text, would get positions converted against the wrong text.
        let Some((findings, id)) = self
            .state()
            .published
            .get(&abs)
            .filter(|p| p.layout.is_none() && p.snap_gen == gen && p.root == dir)
            .map(|p| (p.findings.clone(), p.id))
        else {
            return;
        };
        let layout = tokio::task::spawn_blocking(move || {
            let rel = ws.rel(&abs)?;
            let (text, lines) = (ws.text(&rel)?, ws.line_index(&rel)?);
            Some((abs, convert::layout_hash(&ws, text, lines, enc, &findings)))
        })
        .await;
        if let Ok(Some((abs, layout))) = layout {
            let mut state = self.state();
            // Only if nothing was published since: the layout is of these findings.
            if let Some(p) = state.published.get_mut(&abs).filter(|p| p.id == id) {
                p.layout = Some(layout);
            }
        }
    }

    /// The root's workspace if `gen` is still current.
    fn current(&self, dir: &Path, gen: u64) -> Option<Current> {
        let mut state = self.state();
        let today = state.today();
        let enc = state.enc;
        let versions = state.versions_under(dir);
        let root = state.root_mut(dir)?;
        if root.gen != gen {
            return None;
        }
        Some((root.ws.clone()?, today, enc, versions))
    }

    /// Re-analyses what the pending changes affect (everything, the first time) and
    /// publishes what changed. One analysis runs per root at a time; changes arriving
    /// meanwhile go into the next one, which starts as soon as this one ends.
    pub async fn analyze(self: &Arc<Self>, dir: PathBuf) {
        while self.analyze_once(&dir).await {}
    }

    /// One analysis; true when another should follow at once.
    async fn analyze_once(self: &Arc<Self>, dir: &Path) -> bool {
        let dir = dir.to_path_buf();
        let taken = {
            let mut state = self.state();
            let today = state.today();
            let enc = state.enc;
            let versions = state.versions_under(&dir);
            let Some(root) = state.root_mut(&dir) else {
                return false;
            };
            let Some(ws) = root.ws.clone() else {
                return false;
            };
            if root.running || (root.cache.is_some() && root.pending.is_empty()) {
                return false;
            }
            root.running = true;
            let changed = std::mem::take(&mut root.pending);
            let settings_error = root.settings_error.clone();
            (
                ws,
                today,
                enc,
                changed,
                root.cache.take(),
                settings_error,
                root.gen,
                root.load_gen,
                versions,
            )
        };
        let (ws, today, enc, changed, cache, settings_error, gen, load_gen, versions) = taken;
        let snapshot = ws.clone();
        let open: HashSet<PathBuf> = versions.keys().cloned().collect();
        let settings_text = settings_error.as_ref().map(|(_, t)| t.clone());
        let extra_text = settings_text.clone();
        let this = self.clone();
        let result = tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let full = cache.is_none();
            let mut cache = cache.unwrap_or_default();
            let packs = analysis::workspace_packs(&ws).unwrap_or_else(|e| {
                tracing::warn!("{e}");
                Vec::new()
            });
            let sources = if full {
                incremental::all_sources(&ws)
            } else {
                incremental::affected_sources(&ws, &changed)
            };
            let t_sources = started.elapsed();
            let is_open = |rel: &str| open.contains(&ws.abs(rel));
            let mut results =
                incremental::compute(&ws, today, &packs, sources, &is_open, &this.reruns);
            this.reruns.retain_open(&open);
            let t_compute = started.elapsed();
            // readiness.toml's own problem is a source of its own.
            let settings_finding = settings_error.as_ref().map(|(e, _)| {
                Finding::new(
                    "invalid-config",
                    FILE_NAME,
                    e.range.clone(),
                    e.message.clone(),
                )
                .with_help("the server uses default settings until this is fixed")
            });
            results.push((
                format!("{FILE_NAME}\u{0}settings"),
                settings_finding.into_iter().collect(),
            ));
            let mut targets = cache.apply(results);
            if full {
                targets.extend(cache.targets().cloned());
            }
            // Each target file settles on its own: in parallel.
            use rayon::prelude::*;
            // A checklist's findings in its own file are most of a workspace's: moved out
            // of the cache and settled, not copied.
            let targets: Vec<(String, Option<Vec<Finding>>)> = targets
                .into_iter()
                .map(|rel| {
                    let own = cache.take_own(&ws, &rel);
                    (rel, own)
                })
                .collect();
            let files: BTreeMap<_, _> = targets
                .into_par_iter()
                .map(|(rel, own)| {
                    let rel = &rel;
                    let mut findings = match own {
                        Some(raw) => analysis::finish(&ws, today, raw),
                        None => cache.findings_for(&ws, today, rel),
                    };
                    if !open.contains(&ws.abs(rel)) {
                        drop_hints(&mut findings);
                    }
                    let extra = extra_text.as_deref().filter(|_| rel == FILE_NAME);
                    let layout = Some(with_text(&ws, rel, extra, |text, lines| {
                        convert::layout_hash(&ws, text, lines, enc, &findings)
                    }));
                    let rel = rel.clone();
                    (
                        ws.abs(&rel),
                        Settled {
                            rel,
                            findings,
                            layout,
                        },
                    )
                })
                .collect();
            let t_settle = started.elapsed();
            cache.compact(&ws);
            tracing::debug!(
                "analysed {} file(s) in {:?} (sources {:?}, rules {:?}, settle {:?})",
                files.len(),
                started.elapsed(),
                t_sources,
                t_compute - t_sources,
                t_settle - t_compute
            );
            let only = (!full).then(|| files.keys().cloned().collect::<HashSet<PathBuf>>());
            (cache, files, only)
        })
        .await;
        let (again, result) = {
            let mut state = self.state();
            let Some(root) = state.root_mut(&dir) else {
                return false;
            };
            root.running = false;
            let (cache, rest) = match result {
                Ok((cache, files, only)) => (Some(cache), Ok((files, only))),
                Err(e) => (None, Err(e)),
            };
            // A reload started meanwhile: its full analysis supersedes this cache. Moved,
            // not copied: it holds every raw finding of the workspace.
            root.cache = cache.filter(|_| root.load_gen == load_gen);
            (!root.pending.is_empty() || root.cache.is_none(), rest)
        };
        match result {
            Ok((files, only)) => {
                self.publish(Computed {
                    dir: dir.clone(),
                    gen,
                    only,
                    versions,
                    files,
                    ws: snapshot,
                    enc,
                    settings_text,
                })
                .await;
                self.analyzed.send_modify(|n| *n += 1);
            }
            // The runtime is shutting down: the server is ending, not failing.
            Err(e) if e.is_cancelled() => {}
            Err(e) => self.log(MessageType::ERROR, format!("analysis failed: {e}")),
        }
        again
    }

    /// Records the files whose diagnostics changed and sends them (push clients) or asks
    /// for a refresh (pull clients). Stale results are dropped here.
    /// Returns a receiver told once the last of its publications is written (None when
    /// it published nothing).
    async fn publish(self: &Arc<Self>, computed: Computed) -> Option<Written> {
        let Computed {
            dir,
            gen,
            only,
            versions,
            mut files,
            ws,
            enc,
            settings_text,
        } = computed;
        // Pull clients ask for diagnostics later, while the state is locked: convert them
        // here, outside the lock, as they will be kept anyway.
        let pull_now = self.state().caps.pull;
        let mut converted: HashMap<PathBuf, Vec<tower_lsp_server::ls_types::Diagnostic>> =
            HashMap::new();
        if pull_now {
            for (path, settled) in &files {
                let text = settings_text
                    .as_deref()
                    .filter(|_| settled.rel == FILE_NAME);
                let diags = diagnostics_of(&ws, &settled.rel, text, enc, &settled.findings);
                converted.insert(path.clone(), diags);
            }
        }
        // What publications replace: freed once the new ones are written (or after
        // AFTER_WRITING), not under the lock on a keystroke's path (an open checklist's
        // thousands of findings).
        let mut garbage = Vec::new();
        let (out, pull, refresh) = {
            let mut state = self.state();
            state.root_mut(&dir)?;
            // Files published before and absent now get an empty list.
            // A quick check publishes one file: look that one up rather than go through
            // every file published (thousands in a monorepo) on each keystroke.
            let previously: Vec<PathBuf> = match only.as_ref() {
                Some(only) => only
                    .iter()
                    .filter(|p| {
                        !files.contains_key(*p)
                            && state.published.get(*p).is_some_and(|d| d.root == dir)
                    })
                    .cloned()
                    .collect(),
                None => state
                    .published
                    .iter()
                    .filter(|(p, d)| d.root == dir && !files.contains_key(*p))
                    .map(|(p, _)| p.clone())
                    .collect(),
            };
            for p in previously {
                let rel = ws.rel(&p).unwrap_or_default();
                let settled = Settled {
                    rel,
                    findings: Vec::new(),
                    layout: None,
                };
                files.insert(p, settled);
            }
            let mut out = Vec::new();
            for (path, settled) in files {
                let Settled {
                    rel,
                    findings,
                    layout,
                } = settled;
                let old = state.published.get(&path);
                if old.is_some_and(|o| o.snap_gen > gen) {
                    continue; // computed from an older workspace than what is shown
                }
                let version = state.docs.get(&path).map(|d| d.version);
                if version.is_some() && versions.get(&path).copied() != version {
                    continue; // the buffer changed since: its own check will publish
                }
                // Equal findings give equal messages; positions can still move when text
                // before them changed, hence the layout hash.
                if old.is_some_and(|o| {
                    o.layout.is_some() && o.layout == layout && *o.findings == findings
                }) {
                    continue;
                }
                if old.is_none() && findings.is_empty() {
                    continue;
                }
                let id = state.next_id();
                let findings = Arc::new(findings);
                let pending = Pending {
                    ws: Some(ws.clone()),
                    text: settings_text.clone().filter(|_| rel == FILE_NAME),
                    rel,
                    enc,
                    findings: findings.clone(),
                    id,
                };
                let pull = state.caps.pull;
                let replaced = if findings.is_empty() {
                    state.published.remove(&path)
                } else {
                    state.published.insert(
                        path.clone(),
                        FileDiagnostics {
                            root: dir.clone(),
                            findings,
                            // Kept only for pull requests: a push client already has them,
                            // and a workspace's worth is a copy of every finding.
                            diagnostics: pull.then(|| {
                                let mut diags = converted.remove(&path).unwrap_or_default();
                                convert::set_data(&mut diags, id);
                                Arc::new(diags)
                            }),
                            layout,
                            id,
                            snap_gen: gen,
                        },
                    )
                };
                garbage.extend(replaced);
                out.push((path, pending, version));
            }
            (out, state.caps.pull, state.caps.diagnostic_refresh)
        };
        if out.is_empty() {
            return None;
        }
        let written = if pull {
            None
        } else {
            tracing::debug!("publish: decided {} file(s)", out.len());
            self.send(out)
        };
        if !garbage.is_empty() {
            let written = written.as_ref().map(Written::subscribe);
            tokio::spawn(async move {
                if let Some(written) = written {
                    written.wait(AFTER_WRITING).await;
                }
                let _ = tokio::task::spawn_blocking(move || drop(garbage)).await;
            });
        }
        if pull && refresh {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    Duration::from_secs(5),
                    client.workspace_diagnostic_refresh(),
                )
                .await;
            });
        }
        written
    }

    #[allow(clippy::type_complexity)]
    fn send(&self, out: Vec<(PathBuf, Pending, Option<i32>)>) -> Option<Written> {
        if self.state().caps.pull {
            return None;
        }
        let mut queued: Vec<Outgoing> = out
            .into_iter()
            .filter_map(|(path, diagnostics, version)| {
                Some(Outgoing {
                    uri: convert::uri(&path)?,
                    diagnostics,
                    version,
                    written: None,
                })
            })
            .collect();
        // Frames are written in order: the last one written, all are.
        let (tx, written) = Written::channel();
        queued.last_mut()?.written = Some(tx);
        for outgoing in queued {
            let _ = self.outbox.send(outgoing);
        }
        Some(written)
    }
}
