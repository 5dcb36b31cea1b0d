//! Protocol glue: each LSP method converts its parameters, calls the engine or a feature
//! module, and converts back. Notifications change state synchronously before any `.await`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

use super::documents::Document;
use super::engine::Engine;
use super::options::Options;
use super::state::{Caps, Snapshot};
use super::{actions, convert, features, hover, position, watch};

pub struct Backend {
    pub engine: Arc<Engine>,
}

/// Runs feature code with panics caught: a bug answers one request with an error, and the
/// server keeps serving.
fn guarded<T>(what: &str, f: impl FnOnce() -> Option<T>) -> Result<Option<T>> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Ok(v),
        Err(panic) => {
            let msg = super::engine::panic_message(&*panic);
            tracing::error!("{what} panicked: {msg}");
            Err(Error::internal_error())
        }
    }
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

#[derive(Debug, Deserialize)]
pub struct DocumentTextParams {
    pub uri: Uri,
}

#[derive(Debug, Serialize)]
pub struct DocumentTextResult {
    pub text: String,
    pub version: i32,
}

impl Backend {
    /// A view of one file, once the first index is done (waiting is bounded).
    async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        self.wait_indexed().await;
        let path = path_of(uri)?;
        self.engine.state().snapshot(&path)
    }

    /// `readiness/documentText`: the server's copy of an open buffer (for tests and debugging).
    pub async fn document_text(
        &self,
        params: DocumentTextParams,
    ) -> Result<Option<DocumentTextResult>> {
        let Some(path) = path_of(&params.uri) else {
            return Ok(None);
        };
        Ok(self
            .engine
            .state()
            .docs
            .get(&path)
            .map(|d| DocumentTextResult {
                text: d.text.to_string(),
                version: d.version,
            }))
    }

    /// Waits (bounded) until the first analysis finished, so a pull never answers "nothing"
    /// merely because the index is still being built.
    async fn wait_indexed(&self) {
        if self.engine.state().roots.iter().all(|r| r.ws.is_some()) {
            return;
        }
        let mut rx = self.engine.analyzed.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(20), rx.wait_for(|n| *n > 0)).await;
    }

    fn file_report(&self, path: &std::path::Path) -> Vec<Diagnostic> {
        self.engine
            .state()
            .published
            .get(path)
            .and_then(|p| p.diagnostics.as_deref().cloned())
            .unwrap_or_default()
    }
}

fn server_capabilities(enc: crate::text::Encoding, caps: &Caps) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(position::kind(enc)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE]),
            ..Default::default()
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["`".into(), "(".into(), "/".into(), "#".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        diagnostic_provider: caps.pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some(convert::SOURCE.into()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                ..Default::default()
            })
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = position::negotiate(&params.capabilities);
        let caps = Caps::from_client(&params.capabilities);
        let (options, warnings) = Options::from_json(params.initialization_options.as_ref());
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(root) = params.root_uri.as_ref().and_then(path_of) {
                folders.push(root);
            }
        }
        {
            let mut state = self.engine.state();
            state.enc = enc;
            state.caps = caps.clone();
            state.options = options;
            for dir in folders {
                state.roots.push(super::state::Root::new(dir));
            }
        }
        for w in warnings {
            tracing::warn!("{w}");
        }
        Ok(InitializeResult {
            capabilities: server_capabilities(enc, &caps),
            server_info: Some(ServerInfo {
                name: "readiness".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let engine = &self.engine;
        let (dirs, caps) = {
            let state = engine.state();
            let dirs: Vec<PathBuf> = state.roots.iter().map(|r| r.dir.clone()).collect();
            (dirs, state.caps.clone())
        };
        for dir in &dirs {
            engine.reload(dir.clone());
        }
        if caps.progress {
            watch::report_progress(engine.clone());
        }
        if caps.dynamic_watch {
            watch::register(engine.clone());
        } else {
            for dir in dirs {
                watch::watch_folder(engine, dir);
            }
        }
        engine.log(MessageType::INFO, "readiness language server ready".into());
    }

    async fn shutdown(&self) -> Result<()> {
        self.engine
            .shutdown
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        let doc = Document::new(params.text_document.text, params.text_document.version);
        let text = doc.text.clone();
        self.engine.state().docs.insert(path.clone(), doc);
        self.engine.file_changed(&path, Some(text));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        tracing::trace!("didChange received");
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        let started = std::time::Instant::now();
        let applied = {
            let mut state = self.engine.state();
            let enc = state.enc;
            match state.docs.get_mut(&path) {
                None => Err(format!(
                    "{}: change to a document that is not open",
                    path.display()
                )),
                Some(doc) => doc
                    .apply(params.text_document.version, &params.content_changes, enc)
                    .map(|()| doc.text.clone())
                    .map_err(|e| format!("{}: {e}", path.display())),
            }
        };
        tracing::trace!("didChange applied in {:?}", started.elapsed());
        match applied {
            Ok(text) => {
                // The edit is in (synchronously, in arrival order); its checklist's check
                // runs here rather than in a task of its own, which took ~0.2 ms to start.
                // It holds up this connection's other messages for as long (1 to 3 ms for
                // a 5,000-task checklist), not the runtime's other tasks.
                if let Some(check) = self.engine.record_change(&path, Some(text)) {
                    self.engine.check_now(check).await;
                }
            }
            Err(message) => self.engine.log(MessageType::WARNING, message),
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // readiness.toml applies once saved too (its buffer already reloads on change).
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        if path
            .file_name()
            .is_some_and(|n| n == crate::settings::FILE_NAME)
        {
            let text = self.engine.state().docs.get(&path).map(|d| d.text.clone());
            self.engine.file_changed(&path, text);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        self.engine.state().docs.remove(&path);
        // Back to the file on disk; its findings stay.
        self.engine.file_changed(&path, None);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|c| path_of(&c.uri))
            .collect();
        watch::disk_changed(&self.engine, paths);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let (options, warnings) = Options::from_json(Some(&params.settings));
        let dirs: Vec<PathBuf> = {
            let mut state = self.engine.state();
            if state.options == options {
                return;
            }
            state.options = options;
            state.roots.iter().map(|r| r.dir.clone()).collect()
        };
        for w in warnings {
            self.engine.log(MessageType::WARNING, w);
        }
        for dir in dirs {
            self.engine.reload(dir);
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        for removed in &params.event.removed {
            if let Some(dir) = path_of(&removed.uri) {
                self.engine.remove_root(&dir);
            }
        }
        let dynamic = self.engine.state().caps.dynamic_watch;
        for added in &params.event.added {
            if let Some(dir) = path_of(&added.uri) {
                self.engine.add_root(dir.clone());
                if !dynamic {
                    watch::watch_folder(&self.engine, dir);
                }
            }
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.wait_indexed().await;
        let items = path_of(&params.text_document.uri)
            .map(|p| self.file_report(&p))
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn workspace_diagnostic(
        &self,
        _: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        self.wait_indexed().await;
        let state = self.engine.state();
        let items = state
            .published
            .iter()
            .filter_map(|(path, p)| {
                Some(WorkspaceDocumentDiagnosticReport::Full(
                    WorkspaceFullDocumentDiagnosticReport {
                        uri: convert::uri(path)?,
                        version: state.docs.get(path).map(|d| d.version as i64),
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: None,
                            items: p.diagnostics.as_deref().cloned().unwrap_or_default(),
                        },
                    },
                ))
            })
            .collect();
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        guarded("hover", || hover::hover(&snap, p.position))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let (versions, sources) = {
            let state = self.engine.state();
            let versions = state
                .docs
                .iter()
                .map(|(p, d)| (p.clone(), d.version))
                .collect();
            (versions, state.sources_in(&snap.root, &snap.rel))
        };
        // Off the async workers: rebuilding fixes analyses a checklist again.
        tokio::task::spawn_blocking(move || {
            guarded("codeAction", || {
                actions::code_actions(&snap, &params, &versions, &sources)
            })
        })
        .await
        .unwrap_or_else(|e| {
            tracing::error!("codeAction: {e}");
            Err(tower_lsp_server::jsonrpc::Error::internal_error())
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        guarded("completion", || features::completion(&snap, p.position))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        guarded("definition", || features::definition(&snap, p.position))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        guarded("references", || features::references(&snap, p.position))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        guarded("documentSymbol", || features::document_symbols(&snap))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let (workspaces, enc) = {
            let state = self.engine.state();
            let ws: Vec<_> = state.roots.iter().filter_map(|r| r.ws.clone()).collect();
            (ws, state.enc)
        };
        guarded("workspaceSymbol", || {
            features::workspace_symbols(&workspaces, enc, &params.query)
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        guarded("foldingRange", || features::folding_ranges(&snap))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        guarded("documentLink", || features::document_links(&snap))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        guarded("codeLens", || features::code_lenses(&snap))
    }
}
