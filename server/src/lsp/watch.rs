//! File watching: the client's watcher when it can register one dynamically, else notify.
//! Also the progress report of the first index.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use notify::Watcher;
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, MessageType,
    NumberOrString, ProgressToken, Registration,
};

use super::engine::Engine;

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
            Ok(Err(e)) => engine.log(MessageType::WARNING, format!("watch registration: {e}")),
            Err(_) => engine.log(MessageType::WARNING, "watch registration timed out".into()),
        }
    });
}

/// Watches a folder with notify; events go through the same path as the client's.
pub fn watch_folder(engine: &Arc<Engine>, dir: PathBuf) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<PathBuf>>();
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if !matches!(event.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(event.paths);
            }
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            engine.log(MessageType::WARNING, format!("cannot watch files: {e}"));
            return;
        }
    };
    if let Err(e) = watcher.watch(&dir, notify::RecursiveMode::Recursive) {
        engine.log(
            MessageType::WARNING,
            format!("cannot watch {}: {e}", dir.display()),
        );
        return;
    }
    engine.state().watchers.push(watcher);
    let engine = Arc::downgrade(engine);
    tokio::spawn(async move {
        while let Some(paths) = rx.recv().await {
            let Some(engine) = engine.upgrade() else {
                break;
            };
            disk_changed(&engine, paths);
        }
    });
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
