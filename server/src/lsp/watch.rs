//! File watching: the client's watcher when it can register one dynamically, else notify.
//! Also the progress report of the first index.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::Watcher;
use tower_lsp_server::jsonrpc::ErrorCode;
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, MessageType,
    NumberOrString, ProgressToken, Registration,
};

use super::engine::Engine;

/// What tower-lsp-server answers a request made after `exit` (LSP's `ServerNotInitialized`).
const NOT_INITIALIZED: ErrorCode = ErrorCode::ServerError(-32002);

const GLOBS: &[&str] = &[
    "**/*.md",
    "**/*.{env,yml,yaml}",
    "**/.env*",
    "**/Dockerfile*",
    "**/readiness.toml",
    // Evidence and link targets can be any file.
    "**/*",
];

/// Asks the client to watch for us; spawned, with a timeout, never awaited in a handler.
pub fn register(engine: Arc<Engine>) {
    tokio::spawn(async move {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: GLOBS
                .iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect(),
        };
        let registration = Registration {
            id: "readiness-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        let client = engine.client.clone();
        match tokio::time::timeout(
            Duration::from_secs(10),
            client.register_capability(vec![registration]),
        )
        .await
        {
            Ok(Ok(())) => {}
            // Not initialized any more (`exit` came first), or the client went away while
            // the request waited (its input closed): the session is ending, nothing failed.
            Ok(Err(e))
                if e.code == NOT_INITIALIZED
                    || (e.code == ErrorCode::InternalError && !engine.connected().await) =>
            {
                tracing::debug!("watch registration dropped as the session ends: {e}");
            }
            Ok(Err(e)) => engine.log(MessageType::WARNING, format!("watch registration: {e}")),
            Err(_) => engine.log(MessageType::WARNING, "watch registration timed out".into()),
        }
    });
}

/// Watches a folder with notify; events go through the same path as the client's.
///
/// Only the folders the index walked are watched (one non-recursive watch each), so what
/// .gitignore hides (node_modules, build output) costs no inotify watch; a folder created
/// later is watched when its creation is seen. Watching starts once the first index is
/// done: setting up thousands of watches while the walk runs slowed the index on a small
/// machine, and the index reads the disk as it is then anyway.
pub fn watch_folder(engine: &Arc<Engine>, dir: PathBuf) {
    let engine = engine.clone();
    tokio::spawn(async move {
        let mut analyzed = engine.analyzed.subscribe();
        let dirs: Vec<String> = loop {
            let walked = {
                let state = engine.state();
                match state.roots.iter().find(|r| r.dir == dir) {
                    None => return, // the folder was removed meanwhile
                    Some(root) => root.ws.as_ref().map(|ws| ws.dirs().cloned().collect()),
                }
            };
            if let Some(dirs) = walked {
                break dirs;
            }
            let changed = analyzed.changed();
            if !matches!(
                tokio::time::timeout(Duration::from_secs(600), changed).await,
                Ok(Ok(()))
            ) {
                return;
            }
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<PathBuf>>();
        let root = dir.clone();
        let made = tokio::task::spawn_blocking(move || {
            let mut watcher =
                notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
                    if let Ok(event) = res {
                        if !matches!(event.kind, notify::EventKind::Access(_)) {
                            let _ = tx.send(event.paths);
                        }
                    }
                })?;
            watcher.watch(&root, notify::RecursiveMode::NonRecursive)?;
            for d in &dirs {
                // A folder gone since the walk is no reason to stop watching the rest.
                let _ = watcher.watch(&root.join(d), notify::RecursiveMode::NonRecursive);
            }
            Ok::<_, notify::Error>(watcher)
        })
        .await;
        match made {
            Ok(Ok(watcher)) => engine.state().watchers.push((dir.clone(), watcher)),
            Ok(Err(e)) => {
                let message = format!("cannot watch {}: {e}", dir.display());
                engine.log(MessageType::WARNING, message);
                return;
            }
            Err(e) => {
                let message = format!("cannot watch {}: {e}", dir.display());
                engine.log(MessageType::WARNING, message);
                return;
            }
        }
        let engine = Arc::downgrade(&engine);
        while let Some(paths) = rx.recv().await {
            let Some(engine) = engine.upgrade() else {
                break;
            };
            let mut changed = Vec::new();
            for path in paths {
                if path.is_dir() {
                    // A new folder: watch it and what it already holds (`mkdir -p` and a
                    // file written before the watch existed).
                    watch_new_folder(&engine, &dir, &path, &mut changed);
                } else {
                    changed.push(path);
                }
            }
            disk_changed(&engine, changed);
        }
    });
}

/// Adds watches for `folder` and its subfolders (not version control or dependency
/// folders), and collects the files inside as changed.
fn watch_new_folder(engine: &Arc<Engine>, root: &Path, folder: &Path, files: &mut Vec<PathBuf>) {
    let mut stack = vec![folder.to_path_buf()];
    while let Some(d) = stack.pop() {
        let skipped = d
            .strip_prefix(root)
            .ok()
            .and_then(|rel| rel.to_str())
            .is_some_and(super::engine::ignored);
        if skipped {
            continue;
        }
        {
            let mut state = engine.state();
            if let Some((_, w)) = state.watchers.iter_mut().find(|(r, _)| r == root) {
                let _ = w.watch(&d, notify::RecursiveMode::NonRecursive);
            }
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // Symlinked folders are not followed: the walk does not follow them out either.
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(_) => files.push(path),
                Err(_) => {}
            }
        }
    }
}

/// Files created, changed or deleted on disk. Open buffers win over the disk.
pub fn disk_changed(engine: &Arc<Engine>, paths: Vec<PathBuf>) {
    for path in paths {
        let in_root = engine.state().root_index(&path).is_some();
        if !in_root || engine.state().docs.contains_key(&path) {
            continue;
        }
        engine.file_changed(&path, None);
    }
}

/// `$/progress` for the first index: token creation and reports run in a spawned task.
pub fn report_progress(engine: Arc<Engine>) {
    tokio::spawn(async move {
        let token = NumberOrString::String("readiness/index".into());
        let client = engine.client.clone();
        let created = tokio::time::timeout(
            Duration::from_secs(5),
            client.create_work_done_progress(token.clone() as ProgressToken),
        )
        .await;
        if !matches!(created, Ok(Ok(()))) {
            return;
        }
        let progress = client
            .progress(token, "Readiness")
            .with_message("indexing the workspace")
            .begin()
            .await;
        let mut rx = engine.analyzed.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(300), rx.wait_for(|n| *n > 0)).await;
        progress.finish().await;
    });
}
