//! Latency of the language server as an editor sees it: the release binary over stdio on a
//! 20,000-file synthetic monorepo with a 5,000-task checklist. Prints figures; never fails.
//!
//! - initial index: `initialized` -> first diagnostics of the big checklist
//! - keystroke: `didChange` of the big checklist -> its `publishDiagnostics` for that version
//!   (60 keystrokes; `BENCH_KEYSTROKES=200` for more); beside it, how long the 1.4 MB body takes to come through the pipe once its header has
//!   (a share of the latency no work in the server can overlap)
//! - cascade: `didChange` of a config buffer -> `publishDiagnostics` of a checklist it constrains
//!   (nine edits, emptied and restored in turn: median and max)
//! - peak RSS of the server (getrusage of children)

#[path = "support/monorepo.rs"]
mod monorepo;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// When a message arrived whole, and how long its body took to come after its header
/// (moving a 1.4 MB publication through the pipe, which no server work overlaps).
#[derive(Clone, Copy)]
struct Arrival {
    at: Instant,
    body: Duration,
}

fn reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<(Arrival, Value)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = 0;
            let mut header = None;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                header.get_or_insert_with(Instant::now);
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            // The message has arrived: time it now, not after this harness has parsed
            // 1.4 MB of JSON into a `Value` (that is the client's work, ~10 ms here).
            let at = Instant::now();
            let after_header = at - header.unwrap_or(at);
            if let Ok(v) = serde_json::from_slice(&body) {
                let arrival = Arrival {
                    at,
                    body: after_header,
                };
                if tx.send((arrival, v)).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let root = monorepo::big_checklist_tree();
    let big = root.join(monorepo::BIG_CHECKLIST_PATH);
    let big_uri = format!("file://{}", big.display());
    let big_text = std::fs::read_to_string(&big).unwrap_or_default();

    let mut child = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .arg("lsp")
        .env(
            "READINESS_LOG",
            std::env::var("BENCH_LOG").unwrap_or("warn".into()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(
            std::fs::File::create(std::env::temp_dir().join("readiness-lsp-bench.err"))
                .map(Stdio::from)
                .unwrap_or(Stdio::null()),
        )
        .spawn()
        .expect("spawn readiness lsp");
    let mut stdin = child.stdin.take().unwrap();
    let rx = reader(child.stdout.take().unwrap());
    let mut send = |v: Value| {
        let _ = stdin.write_all(&frame(&v));
        let _ = stdin.flush();
    };
    let root_uri = format!("file://{}", root.display());
    send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": root_uri,
        "workspaceFolders": [{ "uri": root_uri, "name": "bench" }],
        "capabilities": { "general": { "positionEncodings": ["utf-16"] } },
        "initializationOptions": { "today": "2026-06-01" } } }),
    );
    // Wait for a diagnostics notification of `uri` (optionally of `version`), with a timeout.
    let wait = |uri: Option<&str>, version: Option<i64>, limit: Duration| -> Option<Arrival> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let (at, msg) = rx.recv_timeout(left).ok()?;
            if msg["method"] != "textDocument/publishDiagnostics" {
                continue;
            }
            let p = &msg["params"];
            if uri.is_some_and(|u| p["uri"] != u) {
                continue;
            }
            if version.is_some_and(|v| p["version"] != v) {
                continue;
            }
            return Some(at);
        }
    };
    // A client sends `initialized` only after the answer to `initialize`.
    while let Ok((_, msg)) = rx.recv_timeout(Duration::from_secs(30)) {
        if msg["id"] == 1 {
            break;
        }
    }
    let started = Instant::now();
    send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    match wait(Some(&big_uri), None, Duration::from_secs(120)) {
        Some(arrival) => println!(
            "initial index + analysis to first diagnostics: {:?}",
            arrival.at - started
        ),
        None => println!("initial index: no diagnostics for the big checklist within 120 s"),
    }
    // Drain the initial burst.
    while rx.recv_timeout(Duration::from_millis(500)).is_ok() {}

    send(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": {
        "uri": big_uri, "languageId": "markdown", "version": 1, "text": big_text } } }),
    );
    let _ = wait(Some(&big_uri), Some(1), Duration::from_secs(10));
    while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}

    // Keystrokes: toggle a task's marker (changes the findings, so a publish always follows).
    let task_lines: Vec<usize> = big_text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            // A task box, not a list item that starts with a link (`- [Runbook](…)`).
            let l = l.trim_start();
            l.starts_with("- [ ] ") || l.starts_with("- [x] ")
        })
        .map(|(i, _)| i)
        .take(200)
        .collect();
    let (mut latencies, mut bodies) = (Vec::new(), Vec::new());
    let mut checked = std::collections::HashMap::new();
    // BENCH_KEYSTROKES=200 for comparing two builds on a noisy machine.
    let keystrokes: i32 = std::env::var("BENCH_KEYSTROKES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(60);
    for (n, version) in (2..2 + keystrokes).enumerate() {
        let Some(&line) = task_lines.get(n % task_lines.len().max(1)) else {
            break;
        };
        let text_line = big_text.lines().nth(line).unwrap_or("");
        let col = text_line.find('[').unwrap_or(0) + 1;
        let now_checked = !*checked
            .entry(line)
            .or_insert_with(|| text_line[col..].starts_with('x'));
        checked.insert(line, now_checked);
        let sent = Instant::now();
        send(
            json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": big_uri, "version": version },
            "contentChanges": [{ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col + 1 } },
                "text": if now_checked { "x" } else { " " } }] } }),
        );
        if let Some(arrival) = wait(
            Some(&big_uri),
            Some(version as i64),
            Duration::from_secs(10),
        ) {
            latencies.push(arrival.at - sent);
            bodies.push(arrival.body);
        }
        std::thread::sleep(Duration::from_millis(120));
        while rx.try_recv().is_ok() {}
    }
    latencies.sort();
    bodies.sort();
    println!(
        "keystroke -> publishDiagnostics (5,000-task checklist, {} samples): median {:?}, p99 {:?}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    println!(
        "  of which the publication's body coming through the pipe after its header: median {:?}",
        percentile(&bodies, 0.5)
    );

    // Cascade: a production dotenv edited in a buffer; time to the next publication anywhere.
    let config = walk_find(&root, ".env.production");
    if let Some(config) = config {
        let uri = format!("file://{}", config.display());
        let text = std::fs::read_to_string(&config).unwrap_or_default();
        send(
            json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": {
            "uri": uri, "languageId": "dotenv", "version": 1, "text": text } } }),
        );
        while rx.recv_timeout(Duration::from_millis(500)).is_ok() {}
        // Emptied, then restored, and so on: each edit changes the checklists' findings.
        // Several samples: one is at the mercy of the scheduler.
        let (mut to_checklist, mut to_any) = (Vec::new(), Vec::new());
        for n in 0..CASCADE_SAMPLES {
            let sent = Instant::now();
            let now = if n % 2 == 0 { "" } else { text.as_str() };
            send(
                json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": { "uri": uri, "version": n + 2 },
                "contentChanges": [{ "text": now }] } }),
            );
            // The config file's own diagnostics go out in the same batch as the checklists'
            // it constrains; the budget is about the checklists, so time the first of those.
            let (mut first_any, mut first_checklist) = (None, None);
            let deadline = Instant::now() + Duration::from_secs(10);
            while first_checklist.is_none() {
                let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                    break;
                };
                let Ok((Arrival { at, .. }, msg)) = rx.recv_timeout(left) else {
                    break;
                };
                if msg["method"] != "textDocument/publishDiagnostics" {
                    continue;
                }
                first_any.get_or_insert(at);
                if msg["params"]["uri"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(".md"))
                {
                    first_checklist = Some(at);
                }
            }
            to_any.extend(first_any.map(|at| at - sent));
            to_checklist.extend(first_checklist.map(|at| at - sent));
            // Let the rest of the batch and any follow-up analysis finish.
            while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
        }
        to_checklist.sort();
        to_any.sort();
        if to_checklist.is_empty() {
            println!("cascade: no checklist re-published within 10 s");
        } else {
            println!(
                "cascade: config edit -> publishDiagnostics of a dependent checklist ({} samples): median {:?}, max {:?} (first file of any kind: median {:?})",
                to_checklist.len(),
                percentile(&to_checklist, 0.5),
                to_checklist.last().copied().unwrap_or_default(),
                percentile(&to_any, 0.5)
            );
        }
    }

    send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    send(json!({ "jsonrpc": "2.0", "method": "exit" }));
    let _ = child.wait();
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } == 0 {
        println!("peak RSS of the server: {} MiB", usage.ru_maxrss / 1024);
    }
}

/// Config edits timed for the cascade.
const CASCADE_SAMPLES: i64 = 9;

fn walk_find(root: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| n != ".git" && n != "node_modules")
                {
                    stack.push(path);
                }
            } else if path.file_name().is_some_and(|n| n == name) {
                return Some(path);
            }
        }
    }
    None
}
