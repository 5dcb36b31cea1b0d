//! Diagnostics of the language server, driven in-process: every file, both encodings,
//! push and pull, and staying fresh after buffer, disk and settings changes.

mod lsp_support;

use lsp_support::{capabilities, position_of, write_files, Client};
use serde_json::{json, Value};

pub const CHECKLIST: &str = "docs/PRODUCTION_READINESS.md";
pub const CHECKLIST_TEXT: &str = "# Production readiness

## Security
- [x] Dev auth is off in production: `DEV_AUTH_ENABLED=false`
- [x] 👩‍👩‍👧 on-call runbook at `docs/runbook.md`
- [ ] Pen test booked

## Observability
- [x] Dashboards linked in [the ops guide](ops.md#dashboards)
";

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (CHECKLIST, CHECKLIST_TEXT),
            (".env.production", "DEV_AUTH_ENABLED=true\n"),
            (
                "deploy/helm/values-production.yaml",
                "env:\n  DEV_AUTH_ENABLED: \"true\"\n",
            ),
            ("docs/ops.md", "# Ops\n\n## Dashboards\n"),
        ],
    );
    dir
}

fn options() -> Value {
    json!({ "today": "2026-01-01" })
}

async fn start(dir: &tempfile::TempDir, encoding: &str, pull: bool) -> Client {
    let mut client = Client::in_process(dir.path());
    client
        .initialize(capabilities(encoding, pull), options())
        .await;
    client
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn hints_come_with_opening_a_checklist_and_go_with_closing_it() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    let closed = client.wait_code(CHECKLIST, "missing-evidence").await;
    assert!(!codes(&closed).contains(&"unchecked".to_string()));
    client.open(CHECKLIST, 1).await;
    let open = client.wait_code(CHECKLIST, "unchecked").await;
    let hint = open.iter().find(|d| d["code"] == "unchecked").unwrap();
    assert_eq!(hint["severity"], 4);
    assert!(codes(&open).contains(&"missing-evidence".to_string()));
    client.close(CHECKLIST).await;
    let closed = client.wait_no_code(CHECKLIST, "unchecked").await;
    assert!(codes(&closed).contains(&"missing-evidence".to_string()));
}

#[tokio::test]
async fn unopened_config_files_get_diagnostics_after_initialize() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    let env = client.wait_code(".env.production", "env-mismatch").await;
    assert_eq!(env[0]["source"], "readiness");
    assert_eq!(env[0]["severity"], 1);
    assert_eq!(
        env[0]["range"]["start"],
        json!({ "line": 0, "character": 17 })
    );
    assert!(env[0]["relatedInformation"][0]["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with(CHECKLIST));
    // `data` ([publication id, index]) lets a code action find the finding behind it.
    assert_eq!(env[0]["data"].as_array().map(Vec::len), Some(2));
    client
        .wait_code("deploy/helm/values-production.yaml", "env-mismatch")
        .await;
    // A closed checklist gets its problems, not its hints (open tasks): they only mark
    // lines in an editor.
    let list = client.wait_code(CHECKLIST, "missing-evidence").await;
    assert!(!codes(&list).contains(&"unchecked".to_string()), "{list:?}");
    // The work-done progress token was requested from a spawned task.
    assert!(client
        .server_requests
        .iter()
        .any(|r| r["method"] == "window/workDoneProgress/create"));
}

async fn evidence_column(encoding: &str) -> Value {
    let dir = fixture();
    let mut client = start(&dir, encoding, false).await;
    let result = client.wait_code(CHECKLIST, "missing-evidence").await;
    let d = result
        .iter()
        .find(|d| d["code"] == "missing-evidence")
        .unwrap();
    d["range"]["start"].clone()
}

#[tokio::test]
async fn columns_follow_the_negotiated_encoding_on_an_emoji_line() {
    let utf8 = evidence_column("utf-8").await;
    assert_eq!(utf8, position_of(CHECKLIST_TEXT, "docs/runbook.md", true));
    let utf16 = evidence_column("utf-16").await;
    assert_eq!(utf16, position_of(CHECKLIST_TEXT, "docs/runbook.md", false));
    assert_ne!(utf8, utf16);
}

#[tokio::test]
async fn initialize_answers_the_negotiated_encoding() {
    let dir = fixture();
    for (offered, chosen) in [
        (json!(["utf-16", "utf-8"]), "utf-8"),
        (json!(["utf-32", "utf-16"]), "utf-32"),
        (json!([]), "utf-16"),
    ] {
        let mut client = Client::in_process(dir.path());
        let mut caps = capabilities("utf-16", false);
        caps["general"]["positionEncodings"] = offered;
        let result = client.initialize(caps, options()).await;
        assert_eq!(result["capabilities"]["positionEncoding"], chosen);
    }
}

#[tokio::test]
async fn pull_clients_pull_and_are_never_pushed_to() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", true).await;
    let uri = client.uri(".env.production");
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"][0]["code"], "env-mismatch");
    let all = client
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .await;
    let uris: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["uri"].as_str().unwrap())
        .collect();
    assert!(
        uris.iter().any(|u| u.ends_with("values-production.yaml")),
        "{uris:?}"
    );
    // Edit, then pull again: the change shows, and nothing was ever pushed.
    client.open(CHECKLIST, 1).await;
    client
        .change(
            CHECKLIST,
            2,
            json!([{ "range": { "start": { "line": 3, "character": 56 }, "end": { "line": 3, "character": 61 } }, "text": "true" }]),
        )
        .await;
    let mut cleared = false;
    for _ in 0..100 {
        let report = client
            .request(
                "textDocument/diagnostic",
                json!({ "textDocument": { "uri": uri } }),
            )
            .await;
        if report["items"].as_array().unwrap().is_empty() {
            cleared = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(cleared, "the env-mismatch on .env.production never cleared");
    assert!(client
        .notifications
        .iter()
        .all(|n| n["method"] != "textDocument/publishDiagnostics"));
}

#[tokio::test]
async fn editing_a_checklist_updates_the_config_files_it_constrains() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    client.wait_code(".env.production", "env-mismatch").await;
    client.open(CHECKLIST, 1).await;
    // `false` -> `true` on line 3: the production files now agree.
    client
        .change(
            CHECKLIST,
            2,
            json!([{ "range": { "start": { "line": 3, "character": 56 }, "end": { "line": 3, "character": 61 } }, "text": "true" }]),
        )
        .await;
    client.wait_no_code(".env.production", "env-mismatch").await;
    client
        .wait_no_code("deploy/helm/values-production.yaml", "env-mismatch")
        .await;
    let published = &client.diagnostics[&client.uri(CHECKLIST)];
    assert_eq!(published["version"], 2);
    // Closing the buffer falls back to the disk: the mismatch comes back.
    client.close(CHECKLIST).await;
    client.wait_code(".env.production", "env-mismatch").await;
    client.wait_code(CHECKLIST, "missing-evidence").await;
}

#[tokio::test]
async fn editing_a_config_buffer_updates_the_checklist() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    client.wait_code(CHECKLIST, "env-mismatch").await;
    client.open(".env.production", 1).await;
    client
        .change(
            ".env.production",
            2,
            json!([{ "range": { "start": { "line": 0, "character": 17 }, "end": { "line": 0, "character": 21 } }, "text": "false" }]),
        )
        .await;
    client.open("deploy/helm/values-production.yaml", 1).await;
    client
        .change(
            "deploy/helm/values-production.yaml",
            2,
            json!([{ "text": "env:\n  DEV_AUTH_ENABLED: \"false\"\n" }]),
        )
        .await;
    client.wait_no_code(CHECKLIST, "env-mismatch").await;
}

#[tokio::test]
async fn a_disk_change_reported_by_the_watcher_updates_the_checklist() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    client.wait_code(CHECKLIST, "missing-evidence").await;
    assert!(client
        .server_requests
        .iter()
        .any(|r| r["method"] == "client/registerCapability"));
    write_files(dir.path(), &[("docs/runbook.md", "# Runbook\n")]);
    let uri = client.uri("docs/runbook.md");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri, "type": 1 }] }),
        )
        .await;
    client.wait_no_code(CHECKLIST, "missing-evidence").await;
    std::fs::remove_file(dir.path().join("docs/runbook.md")).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri, "type": 3 }] }),
        )
        .await;
    client.wait_code(CHECKLIST, "missing-evidence").await;
}

#[tokio::test]
async fn readiness_toml_reloads_and_a_broken_one_is_a_diagnostic() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    client.wait_code(CHECKLIST, "missing-section").await;
    write_files(
        dir.path(),
        &[("readiness.toml", "[rules]\nmissing-section = \"off\"\n")],
    );
    let uri = client.uri("readiness.toml");
    let changed = json!({ "changes": [{ "uri": uri, "type": 2 }] });
    client
        .notify("workspace/didChangeWatchedFiles", changed.clone())
        .await;
    client.wait_no_code(CHECKLIST, "missing-section").await;
    write_files(
        dir.path(),
        &[("readiness.toml", "[rules]\nmissing-section = \"loud\"\n")],
    );
    client
        .notify("workspace/didChangeWatchedFiles", changed.clone())
        .await;
    let bad = client.wait_code("readiness.toml", "invalid-config").await;
    assert_eq!(
        bad[0]["range"]["start"],
        json!({ "line": 1, "character": 18 })
    );
    // Analysis goes on with defaults.
    client.wait_code(CHECKLIST, "missing-section").await;
    write_files(dir.path(), &[("readiness.toml", "")]);
    client
        .notify("workspace/didChangeWatchedFiles", changed)
        .await;
    client
        .wait_diagnostics("readiness.toml", |d| d.is_empty())
        .await;
}

#[tokio::test]
async fn settings_from_the_editor_set_rule_levels() {
    let dir = fixture();
    let mut client = Client::in_process(dir.path());
    client
        .initialize(
            capabilities("utf-16", false),
            json!({ "today": "2026-01-01", "rules": { "missing-section": "off", "unchecked": "error" } }),
        )
        .await;
    let list = client.wait_code(CHECKLIST, "unchecked").await;
    assert!(!codes(&list).contains(&"missing-section".to_string()));
    let unchecked = list.iter().find(|d| d["code"] == "unchecked").unwrap();
    assert_eq!(unchecked["severity"], 1);
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "readiness": { "today": "2026-01-01" } } }),
        )
        .await;
    client.wait_code(CHECKLIST, "missing-section").await;
}

#[tokio::test]
async fn bad_edits_are_rejected_and_the_server_keeps_serving() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    client.open(CHECKLIST, 5).await;
    let uri = client.uri(CHECKLIST);
    // Stale version: ignored.
    client
        .change(CHECKLIST, 4, json!([{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "STALE" }]))
        .await;
    // Out of range: rejected, logged.
    client
        .change(CHECKLIST, 6, json!([{ "range": { "start": { "line": 500, "character": 0 }, "end": { "line": 501, "character": 0 } }, "text": "x" }]))
        .await;
    let server = client
        .request("readiness/documentText", json!({ "uri": uri }))
        .await;
    assert_eq!(server["text"], CHECKLIST_TEXT);
    assert_eq!(server["version"], 5);
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 3, "character": 40 } }),
        )
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("DEV_AUTH_ENABLED"),
        "{hover}"
    );
}

#[tokio::test]
async fn workspace_folders_come_and_go_and_outside_files_get_their_own_root() {
    let dir = fixture();
    let other = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    client.wait_code(".env.production", "env-mismatch").await;
    // A file outside every folder is analysed with its own folder as the root.
    let mut outside = Client::in_process(other.path());
    std::mem::swap(&mut outside.root, &mut client.root);
    client.open(CHECKLIST, 1).await;
    // No readiness.toml or .git above it: its folder is the root, so nothing defines the var.
    client.wait_code(CHECKLIST, "env-unset").await;
    std::mem::swap(&mut outside.root, &mut client.root);
    // Removing the folder clears its diagnostics.
    let folder = json!({ "uri": client.uri(""), "name": "root" });
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({ "event": { "added": [], "removed": [folder.clone()] } }),
        )
        .await;
    client
        .wait_diagnostics(".env.production", |d| d.is_empty())
        .await;
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({ "event": { "added": [folder], "removed": [] } }),
        )
        .await;
    client.wait_code(".env.production", "env-mismatch").await;
}

/// A client that cannot watch files for us (Neovim on Linux): the server watches the folders
/// it indexed, and a folder created later, with notify.
#[tokio::test]
async fn without_a_client_watcher_the_server_sees_disk_changes_itself() {
    let dir = fixture();
    let mut caps = capabilities("utf-16", false);
    caps["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"] = json!(false);
    let mut client = Client::in_process(dir.path());
    client.initialize(caps, options()).await;
    client.wait_code(CHECKLIST, "missing-evidence").await;
    assert!(!client
        .server_requests
        .iter()
        .any(|r| r["method"] == "client/registerCapability"));
    // The watches are set up once the first index is done; give them a moment.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // A file in a folder that was indexed.
    write_files(dir.path(), &[("docs/runbook.md", "# Runbook\n")]);
    client.wait_no_code(CHECKLIST, "missing-evidence").await;
    std::fs::remove_file(dir.path().join("docs/runbook.md")).unwrap();
    client.wait_code(CHECKLIST, "missing-evidence").await;
    // A file in folders created after the index (`mkdir -p`, then the file).
    assert!(!dir.path().join("deploy/prod").exists());
    write_files(
        dir.path(),
        &[("deploy/prod/app/.env.production", "DEV_AUTH_ENABLED=1\n")],
    );
    client
        .wait_code("deploy/prod/app/.env.production", "env-mismatch")
        .await;
}

/// Publications of `rel` the client has received so far.
fn publications(client: &Client, rel: &str) -> usize {
    let uri = client.uri(rel);
    client
        .notifications
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .filter(|m| m["params"]["uri"] == uri.as_str())
        .count()
}

/// Lets the server run for `ms` milliseconds, recording what it sends.
async fn idle(client: &mut Client, ms: u64) {
    let until = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    while tokio::time::timeout_at(until, client.next_message())
        .await
        .is_ok()
    {}
}

#[tokio::test]
async fn a_keystroke_publishes_its_document_once_and_moved_findings_again() {
    let dir = fixture();
    let mut client = start(&dir, "utf-16", false).await;
    let text = "# Launch\n\nab\n\n## Security\n- [x] Backups run by `scripts/backup.sh`\n- [ ] Pen test booked\n";
    client.open_text(CHECKLIST, 1, text).await;
    client.wait_code(CHECKLIST, "unchecked").await;
    idle(&mut client, 400).await;

    // Ticking a box changes the findings: one publication, and the analysis that follows
    // the debounce finds the same findings in the same places and sends nothing more.
    let before = publications(&client, CHECKLIST);
    client
        .change(
            CHECKLIST,
            2,
            json!([{ "range": { "start": { "line": 6, "character": 3 }, "end": { "line": 6, "character": 4 } }, "text": "x" }]),
        )
        .await;
    client.wait_no_code(CHECKLIST, "unchecked").await;
    idle(&mut client, 600).await;
    assert_eq!(publications(&client, CHECKLIST), before + 1);
    assert_eq!(client.diagnostics[&client.uri(CHECKLIST)]["version"], 2);

    // `ab` -> `a` and a line break: the same bytes before the evidence, so the same
    // findings, one line further down. Their new place is published.
    let evidence_line = |d: &[Value]| {
        d.iter()
            .find(|d| d["code"] == "missing-evidence")
            .map(|d| d["range"]["start"]["line"].clone())
    };
    assert_eq!(
        evidence_line(
            client
                .wait_code(CHECKLIST, "missing-evidence")
                .await
                .as_slice()
        ),
        Some(json!(5))
    );
    client
        .change(
            CHECKLIST,
            3,
            json!([{ "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 2 } }, "text": "a\n" }]),
        )
        .await;
    let moved = client
        .wait_diagnostics(CHECKLIST, |d| evidence_line(d) == Some(json!(6)))
        .await;
    assert!(codes(&moved).contains(&"missing-evidence".to_string()));
    assert_eq!(client.diagnostics[&client.uri(CHECKLIST)]["version"], 3);
    idle(&mut client, 600).await;
    assert_eq!(publications(&client, CHECKLIST), before + 2);
}
