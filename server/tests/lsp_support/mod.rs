//! A JSON-RPC client for driving the language server in tests: in-process over
//! `tokio::io::duplex`, or the real binary over stdio. Every wait has a 10 s timeout, so a
//! test fails instead of hanging; nothing asserts durations.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

pub const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Client {
    writer: Box<dyn AsyncWrite + Unpin + Send>,
    incoming: mpsc::UnboundedReceiver<Value>,
    next_id: i64,
    /// The last `publishDiagnostics` params per URI.
    pub diagnostics: HashMap<String, Value>,
    /// Requests the server sent us (answered with `null`).
    pub server_requests: Vec<Value>,
    pub notifications: Vec<Value>,
    pub child: Option<tokio::process::Child>,
    pub root: PathBuf,
}

fn spawn_reader(reader: impl AsyncRead + Unpin + Send + 'static) -> mpsc::UnboundedReceiver<Value> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = BufReader::new(reader);
        loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse::<usize>().ok();
                }
            }
            let Some(len) = len else { return };
            let mut body = vec![0; len];
            if reader.read_exact(&mut body).await.is_err() {
                return;
            }
            let Ok(value) = serde_json::from_slice(&body) else {
                return;
            };
            if tx.send(value).is_err() {
                return;
            }
        }
    });
    rx
}

/// `file://` URI of a path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Writes files (relative path, contents) under `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Client capabilities: push or pull diagnostics, one position encoding offered.
pub fn capabilities(encoding: &str, pull: bool) -> Value {
    let mut caps = json!({
        "general": { "positionEncodings": [encoding] },
        "window": { "workDoneProgress": true },
        "workspace": {
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] },
            "diagnostics": { "refreshSupport": true }
        },
        "textDocument": { "publishDiagnostics": { "relatedInformation": true, "versionSupport": true } }
    });
    if pull {
        caps["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    }
    caps
}

impl Client {
    /// The server in this process, over an in-memory duplex pipe.
    pub fn in_process(root: &Path) -> Client {
        let (client_side, server_side) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_side);
        tokio::spawn(readiness::lsp::serve(
            server_read,
            server_write,
            Arc::new(AtomicBool::new(false)),
        ));
        let (read, write) = tokio::io::split(client_side);
        Client::over(read, write, None, root)
    }

    /// The real binary, `readiness lsp`, over stdio.
    pub fn spawn_binary(root: &Path) -> Client {
        Self::spawn_binary_logging_to(root, Stdio::inherit())
    }

    /// [`Client::spawn_binary`] with the server's log (its stderr, warnings and errors)
    /// going to `log`.
    pub fn spawn_binary_logging_to(root: &Path, log: impl Into<Stdio>) -> Client {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_readiness"))
            .arg("lsp")
            .env("READINESS_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("spawn readiness lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        Client::over(stdout, stdin, Some(child), root)
    }

    fn over(
        read: impl AsyncRead + Unpin + Send + 'static,
        write: impl AsyncWrite + Unpin + Send + 'static,
        child: Option<tokio::process::Child>,
        root: &Path,
    ) -> Client {
        Client {
            writer: Box::new(write),
            incoming: spawn_reader(read),
            next_id: 0,
            diagnostics: HashMap::new(),
            server_requests: Vec::new(),
            notifications: Vec::new(),
            child,
            root: root.to_path_buf(),
        }
    }

    pub fn uri(&self, rel: &str) -> String {
        uri(&self.root.join(rel))
    }

    pub async fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.writer.write_all(header.as_bytes()).await.unwrap();
        self.writer.write_all(&body).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        loop {
            let msg = self.next_message().await;
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return msg;
            }
        }
    }

    /// Sends a request and returns its `result`, failing the test on an error.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next message, after recording it (and answering server requests).
    pub async fn next_message(&mut self) -> Value {
        let msg = tokio::time::timeout(TIMEOUT, self.incoming.recv())
            .await
            .expect("timed out waiting for the server")
            .expect("the server closed the connection");
        self.record(&msg).await;
        msg
    }

    async fn record(&mut self, msg: &Value) {
        match (msg.get("method").and_then(Value::as_str), msg.get("id")) {
            (Some(_), Some(id)) => {
                self.server_requests.push(msg.clone());
                let id = id.clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }))
                    .await;
            }
            (Some("textDocument/publishDiagnostics"), None) => {
                let uri = msg["params"]["uri"].as_str().unwrap().to_string();
                self.diagnostics.insert(uri, msg["params"].clone());
                self.notifications.push(msg.clone());
            }
            (Some(_), None) => self.notifications.push(msg.clone()),
            _ => {}
        }
    }

    /// initialize + initialized with the root as the one workspace folder.
    pub async fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let root_uri = uri(&self.root);
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "capabilities": capabilities,
                    "initializationOptions": options,
                    "workspaceFolders": [{ "uri": root_uri, "name": "root" }],
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        result
    }

    /// Waits until the diagnostics published for `rel` satisfy `pred`; returns them.
    pub async fn wait_diagnostics(
        &mut self,
        rel: &str,
        pred: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let uri = self.uri(rel);
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(p) = self.diagnostics.get(&uri) {
                let list = p["diagnostics"].as_array().cloned().unwrap_or_default();
                if pred(&list) {
                    return list;
                }
            }
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(remaining, self.incoming.recv()).await {
                Ok(Some(msg)) => self.record(&msg).await,
                _ => panic!(
                    "no matching diagnostics for {rel}; last: {:?}",
                    self.diagnostics.get(&uri)
                ),
            }
        }
    }

    /// Waits for diagnostics of `rel` that include one with this code.
    pub async fn wait_code(&mut self, rel: &str, code: &str) -> Vec<Value> {
        self.wait_diagnostics(rel, |d| d.iter().any(|d| d["code"] == code))
            .await
    }

    /// Waits for diagnostics of `rel` without this code.
    pub async fn wait_no_code(&mut self, rel: &str, code: &str) -> Vec<Value> {
        self.wait_diagnostics(rel, |d| !d.iter().any(|d| d["code"] == code))
            .await
    }

    pub async fn open(&mut self, rel: &str, version: i32) -> String {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap_or_default();
        self.open_text(rel, version, &text).await;
        text
    }

    pub async fn open_text(&mut self, rel: &str, version: i32, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": version, "text": text } }),
        )
        .await;
    }

    pub async fn close(&mut self, rel: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    }

    pub async fn change(&mut self, rel: &str, version: i32, changes: Value) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        )
        .await;
    }

    /// Closes the server's input (stdin for the binary).
    pub fn close_input(&mut self) {
        self.writer = Box::new(tokio::io::sink());
    }

    pub async fn shutdown_and_exit(&mut self) {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}

/// Applies a WorkspaceEdit with documentChanges to the files on disk (creates and text edits,
/// UTF-16 or UTF-8 columns); returns the paths touched.
pub fn apply_workspace_edit(edit: &Value, utf8: bool) -> Vec<PathBuf> {
    let mut touched = Vec::new();
    for change in edit["documentChanges"].as_array().expect("documentChanges") {
        if change["kind"] == "create" {
            let path = path_of(change["uri"].as_str().unwrap());
            if !path.exists() {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, "").unwrap();
            }
            touched.push(path);
            continue;
        }
        let path = path_of(change["textDocument"]["uri"].as_str().unwrap());
        let mut text = std::fs::read_to_string(&path).unwrap();
        let mut edits: Vec<&Value> = change["edits"].as_array().unwrap().iter().collect();
        // Apply from the end so earlier offsets stay valid.
        edits.sort_by_key(|e| {
            std::cmp::Reverse((
                e["range"]["start"]["line"].as_u64().unwrap(),
                e["range"]["start"]["character"].as_u64().unwrap(),
            ))
        });
        for e in edits {
            let start = offset(&text, &e["range"]["start"], utf8);
            let end = offset(&text, &e["range"]["end"], utf8);
            text.replace_range(start..end, e["newText"].as_str().unwrap());
        }
        std::fs::write(&path, text).unwrap();
        touched.push(path);
    }
    touched
}

pub fn path_of(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").unwrap())
}

/// Byte offset of an LSP position (lines split at \n; enough for these fixtures).
pub fn offset(text: &str, pos: &Value, utf8: bool) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let col = pos["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let mut units = 0;
    for (i, ch) in line_text.char_indices() {
        if units >= col {
            return start + i;
        }
        units += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
    }
    start + line_text.len()
}

/// The position of the first occurrence of `needle` in `text` (UTF-16 or UTF-8 columns).
pub fn position_of(text: &str, needle: &str, utf8: bool) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    let col = if utf8 {
        prefix.len()
    } else {
        prefix.encode_utf16().count()
    };
    json!({ "line": line, "character": col })
}
