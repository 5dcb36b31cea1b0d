//! `readiness lsp`: the language server front end (LSP 3.17 over stdio, tower-lsp-server).
//!
//! - [`backend`]: protocol glue, one method per LSP request or notification.
//! - [`engine`]: roots, changes and the analysis pipeline (quick check, debounced full run).
//! - [`state`], [`documents`]: what the server knows; open buffers (a shared string, a rope edited alongside).
//! - [`position`]: the one place positions are converted; [`convert`]: findings to diagnostics.
//! - features: [`hover`], [`actions`] (code actions from `Finding::fixes`), [`features`]
//!   (completion, navigation, symbols, links, lenses); [`watch`]: file watching.

pub mod actions;
pub mod backend;
pub mod convert;
pub mod diagnostic_json;
pub mod documents;
pub mod engine;
pub mod features;
pub mod frames;
pub mod hover;
pub mod incremental;
pub mod options;
pub mod position;
pub mod state;
pub mod watch;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{ClientSocket, LspService, Server};

use backend::Backend;
use engine::Engine;

/// Builds the service; `shutdown` turns true once a `shutdown` request was answered.
pub fn service(
    shutdown: Arc<AtomicBool>,
    frames: frames::Frames,
) -> (LspService<Backend>, ClientSocket) {
    LspService::build(move |client| Backend {
        engine: Arc::new(Engine::new(client, shutdown.clone(), frames.clone())),
    })
    .custom_method("readiness/documentText", Backend::document_text)
    .finish()
}

/// Serves one client over the given streams until `exit` or the end of input.
pub async fn serve<I, O>(input: I, output: O, shutdown: Arc<AtomicBool>)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Send + 'static,
{
    // One writer owns the output; tower-lsp-server and the diagnostics path both feed it.
    let (frames, writer) = frames::Frames::new(output);
    serve_frames(input, frames, writer, shutdown).await;
}

/// [`serve`] with the writer made: a task writing `frames` until `writer` ends.
async fn serve_frames<I, W>(input: I, frames: frames::Frames, writer: W, shutdown: Arc<AtomicBool>)
where
    I: AsyncRead + Unpin,
    W: std::future::Future<Output = ()> + Send + 'static,
{
    let writer = tokio::spawn(writer);
    let (service, socket) = service(shutdown, frames.clone());
    Server::new(input, frames.stream(), socket)
        .concurrency_level(32)
        .serve(service)
        .await;
    // What was queued (the `shutdown` answer, say) goes out before we return.
    frames.close();
    let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
}

/// `readiness lsp`: 0 after `shutdown` then `exit`, 1 when the input ends or `exit` comes first.
pub fn run() -> ExitCode {
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("readiness-lsp")
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let shutdown = Arc::new(AtomicBool::new(false));
    let served = shutdown.clone();
    runtime.block_on(async move {
        let blocking = stdout_file().map(frames::Frames::new_blocking);
        match blocking {
            Some(Ok((frames, writer))) => {
                serve_frames(tokio::io::stdin(), frames, writer, served).await
            }
            failed => {
                if let Some(Err(e)) = failed {
                    tracing::warn!("cannot start the writer thread ({e}): writing from a task");
                }
                serve(tokio::io::stdin(), tokio::io::stdout(), served).await
            }
        }
    });
    // The blocked stdin reader and any analysis still running must not hold the exit up.
    runtime.shutdown_timeout(Duration::from_millis(200));
    if shutdown.load(Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The process's stdout as a file of its own, written to without std's line buffering.
/// None when stdout cannot be had.
fn stdout_file() -> Option<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        Some(std::fs::File::from(fd))
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsHandle;
        let handle = std::io::stdout().as_handle().try_clone_to_owned().ok()?;
        Some(std::fs::File::from(handle))
    }
    #[cfg(not(any(unix, windows)))]
    None
}

/// Logs to stderr at the level READINESS_LOG names (default `info`).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("READINESS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
