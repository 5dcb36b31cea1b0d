//! The real binary over stdio: exit statuses, end of input, diagnostics, and 1,000 random
//! incremental edits after which the server's text equals the client's.

mod lsp_support;

use std::time::Duration;

use lsp_support::{capabilities, write_files, Client};
use serde_json::{json, Value};

async fn wait_exit(client: &mut Client) -> std::process::ExitStatus {
    let child = client.child.as_mut().unwrap();
    tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the server did not end")
        .unwrap()
}

#[tokio::test]
async fn shutdown_then_exit_ends_with_status_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::spawn_binary(dir.path());
    client
        .initialize(capabilities("utf-16", false), json!({}))
        .await;
    client.shutdown_and_exit().await;
    assert_eq!(wait_exit(&mut client).await.code(), Some(0));
}

#[tokio::test]
async fn exit_without_shutdown_ends_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::spawn_binary(dir.path());
    client
        .initialize(capabilities("utf-16", false), json!({}))
        .await;
    client.notify("exit", Value::Null).await;
    assert_eq!(wait_exit(&mut client).await.code(), Some(1));
}

#[tokio::test]
async fn closing_stdin_ends_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::spawn_binary(dir.path());
    client
        .initialize(capabilities("utf-16", false), json!({}))
        .await;
    client.close_input();
    let status = wait_exit(&mut client).await;
    // Input ended without `shutdown`: an orderly end with status 1.
    assert_eq!(status.code(), Some(1));
}

/// A client that ends the session right after `initialized` (as an editor closed at once
/// does) finds nothing in the server's log: the requests the server had in flight, its
/// file-watch registration, end with the session, and nothing is sent after it.
#[tokio::test]
async fn a_session_ended_at_once_leaves_a_quiet_log() {
    type End = fn(&mut Client) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>>;
    let ends: [(&str, End); 3] = [
        ("shutdown, exit", |c| Box::pin(c.shutdown_and_exit())),
        ("exit", |c| Box::pin(c.notify("exit", Value::Null))),
        ("input closed", |c| {
            c.close_input();
            Box::pin(async {})
        }),
    ];
    for (name, end) in ends {
        let dir = tempfile::tempdir().unwrap();
        let log_path = dir.path().join("server.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir(&root).unwrap();
        let mut client = Client::spawn_binary_logging_to(&root, log);
        client
            .initialize(capabilities("utf-16", false), json!({}))
            .await;
        end(&mut client).await;
        wait_exit(&mut client).await;
        let logged = std::fs::read_to_string(&log_path).unwrap();
        let loud: Vec<&str> = logged
            .lines()
            .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
            .collect();
        assert!(loud.is_empty(), "{name}: the server logged {loud:#?}");
    }
}

#[tokio::test]
async fn the_binary_publishes_diagnostics_for_an_unopened_config_file() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (
                "docs/PRODUCTION_READINESS.md",
                "# Readiness\n\n## Security\n- [x] Dev auth off: `DEV_AUTH_ENABLED=false`\n",
            ),
            (".env.production", "DEV_AUTH_ENABLED=true\n"),
        ],
    );
    let mut client = Client::spawn_binary(dir.path());
    client
        .initialize(
            capabilities("utf-8", false),
            json!({ "today": "2026-01-01" }),
        )
        .await;
    client.wait_code(".env.production", "env-mismatch").await;
    client.shutdown_and_exit().await;
    assert_eq!(wait_exit(&mut client).await.code(), Some(0));
}

/// A tiny deterministic generator (no dependency, same sequence every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn utf16_position(text: &str, offset: usize) -> Value {
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": text[start..offset].encode_utf16().count() })
}

/// The binary, initialised as a UTF-16 client, with `rel` written and opened.
async fn open_in_binary(root: &std::path::Path, rel: &str, text: &str) -> Client {
    write_files(root, &[(rel, text)]);
    let mut client = Client::spawn_binary(root);
    client
        .initialize(
            capabilities("utf-16", false),
            json!({ "today": "2026-01-01" }),
        )
        .await;
    client.open_text(rel, 1, text).await;
    client
}

#[tokio::test]
async fn a_thousand_random_edits_leave_the_same_text_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let rel = "docs/PRODUCTION_READINESS.md";
    let mut text = String::from(
        "# Readiness\n\n## Security\n- [x] 👩‍👩‍👧 auth `DEV_AUTH_ENABLED=false`\r\n- [ ] 要 item\n",
    );
    let mut client = open_in_binary(dir.path(), rel, &text).await;
    let pieces = [
        "a",
        "é",
        "😀",
        "👩‍👩‍👧",
        "要",
        "\n",
        "\r\n",
        "- [ ] ",
        "`X_Y=1`",
        "",
    ];
    let mut rng = Lcg(7);
    for version in 2..1002 {
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .filter(|&i| !(i > 0 && text[..i].ends_with('\r') && text[i..].starts_with('\n')))
            .collect();
        let a = boundaries[rng.below(boundaries.len())];
        let b = boundaries[rng.below(boundaries.len())];
        let (start, end) = (a.min(b), a.max(b).min(a.min(b) + 12));
        let end = *boundaries.iter().find(|&&i| i >= end).unwrap();
        let insert = pieces[rng.below(pieces.len())];
        let change = json!([{ "range": { "start": utf16_position(&text, start), "end": utf16_position(&text, end) }, "text": insert }]);
        text.replace_range(start..end, insert);
        client.change(rel, version, change).await;
    }
    let uri = client.uri(rel);
    let server = client
        .request("readiness/documentText", json!({ "uri": uri }))
        .await;
    assert_eq!(server["version"], 1001);
    assert_eq!(server["text"].as_str().unwrap(), text);
    client.shutdown_and_exit().await;
    assert_eq!(wait_exit(&mut client).await.code(), Some(0));
}

/// The diagnostics of `rel` once `count` of them are `unchecked` hints.
async fn wait_unchecked(client: &mut Client, rel: &str, count: usize) -> Vec<Value> {
    client
        .wait_diagnostics(rel, |d| {
            d.iter().filter(|d| d["code"] == "unchecked").count() == count
        })
        .await
}

/// The lines of the `unchecked` hints among diagnostics, after checking that each
/// diagnostic's `data` gives its own place in the list.
fn unchecked_lines(diagnostics: &[Value]) -> Vec<u64> {
    for (i, d) in diagnostics.iter().enumerate() {
        assert_eq!(d["data"][1], i, "data of diagnostic {i}: {d}");
    }
    diagnostics
        .iter()
        .filter(|d| d["code"] == "unchecked")
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect()
}

/// A checklist of more than a thousand items is checked, and its diagnostics written, on
/// two threads: what the client gets is the same as for a short one, edit after edit.
#[tokio::test]
async fn a_long_checklist_keeps_exact_diagnostics_as_it_is_edited() {
    let dir = tempfile::tempdir().unwrap();
    let rel = "docs/PRODUCTION_READINESS.md";
    let mut text = String::from("# Readiness\n\n## Security\n\n");
    for i in 0..1200 {
        text.push_str(&format!("- [ ] Task number {i} is done\n"));
    }
    let mut client = open_in_binary(dir.path(), rel, &text).await;
    let first = wait_unchecked(&mut client, rel, 1200).await;
    assert_eq!(unchecked_lines(&first), (4..1204).collect::<Vec<_>>());

    // Task 900 ticked: its hint goes, every other one stays where it was.
    let tick = json!([{ "range": { "start": { "line": 904, "character": 3 }, "end": { "line": 904, "character": 4 } }, "text": "x" }]);
    client.change(rel, 2, tick).await;
    let ticked = wait_unchecked(&mut client, rel, 1199).await;
    let want: Vec<u64> = (4..1204).filter(|&l| l != 904).collect();
    assert_eq!(unchecked_lines(&ticked), want);

    // A task added at the top: every hint after it, in both halves, moves down a line.
    let insert = json!([{ "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 0 } }, "text": "- [ ] A new first task\n" }]);
    client.change(rel, 3, insert).await;
    let moved = wait_unchecked(&mut client, rel, 1200).await;
    let want: Vec<u64> = (4..1205).filter(|&l| l != 905).collect();
    assert_eq!(unchecked_lines(&moved), want);
    let last = moved
        .iter()
        .find(|d| d["code"] == "unchecked" && d["range"]["start"]["line"] == 1204)
        .unwrap();
    assert!(
        last["message"]
            .as_str()
            .unwrap()
            .contains("Task number 1199 is done"),
        "{last}"
    );
    client.shutdown_and_exit().await;
    assert_eq!(wait_exit(&mut client).await.code(), Some(0));
}
