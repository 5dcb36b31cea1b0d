//! Hover and code actions, in-process. Code actions are applied to the files by the test
//! and the change is reported as a watcher would: the finding must go away.

mod lsp_support;

use lsp_support::{apply_workspace_edit, capabilities, position_of, write_files, Client};
use serde_json::{json, Value};

const CHECKLIST: &str = "docs/PRODUCTION_READINESS.md";
const CHECKLIST_TEXT: &str = "# Production readiness

## Security
- [x] Dev auth is off in production: `DEV_AUTH_ENABLED=false`
- [x] 👩‍👩‍👧 on-call runbook at `docs/runbook.md`
- [ ] Pen test booked

## Observability
- [x] Dashboards linked in [the ops guide](ops.md#dashboards)
";

async fn start() -> (tempfile::TempDir, Client) {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (CHECKLIST, CHECKLIST_TEXT),
            (".env.production", "DEV_AUTH_ENABLED=true\n"),
            ("docs/ops.md", "# Ops\n\n## Dashboards\n"),
            ("docs/empty.md", ""),
        ],
    );
    let mut client = Client::in_process(dir.path());
    client
        .initialize(
            capabilities("utf-16", false),
            json!({ "today": "2026-01-01" }),
        )
        .await;
    client.wait_code(CHECKLIST, "env-mismatch").await;
    (dir, client)
}

async fn hover_at(client: &mut Client, needle: &str) -> String {
    let uri = client.uri(CHECKLIST);
    let pos = position_of(CHECKLIST_TEXT, needle, false);
    let result = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": pos }),
        )
        .await;
    result["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn hover_explains_env_vars_links_headings_and_items() {
    let (_dir, mut client) = start().await;
    let env = hover_at(&mut client, "AUTH_ENABLED=false").await;
    assert!(
        env.contains(".env.production:1` (production): `true`"),
        "{env}"
    );
    assert!(
        env.contains("PRODUCTION_READINESS.md:4` requires `false`"),
        "{env}"
    );

    let link = hover_at(&mut client, "the ops guide").await;
    assert!(link.contains("Target exists: `docs/ops.md`"), "{link}");
    assert!(link.contains("Title: Ops"), "{link}");
    assert!(link.contains("`#dashboards`: found"), "{link}");

    let heading = hover_at(&mut client, "Security").await;
    assert!(heading.contains("2 of 3 items done"), "{heading}");
    assert!(
        heading.contains("score: **"),
        "the section's rubric score: {heading}"
    );
    let title = hover_at(&mut client, "Production readiness").await;
    assert!(title.contains("Readiness score: **"), "{title}");

    // A line the rubric pack recognises explains why it matters and how to verify it.
    let rubric = hover_at(&mut client, "Dev auth is off").await;
    assert!(
        rubric.contains("`security.dev-bypasses-disabled`, must"),
        "{rubric}"
    );
    assert!(rubric.contains("**Why it matters.**"), "{rubric}");
    assert!(rubric.contains("**How to verify.**"), "{rubric}");

    let item = hover_at(&mut client, "on-call runbook").await;
    assert!(item.contains("done"), "{item}");
    assert!(item.contains("`docs/runbook.md`: **missing**"), "{item}");
    assert!(item.contains("**missing-evidence**"), "{item}");

    // Out of range or unknown documents answer null, never an error.
    let uri = client.uri(CHECKLIST);
    let none = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 999, "character": 0 } }),
        )
        .await;
    assert!(none.is_null());
    let unknown = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///nowhere/x.md" }, "position": { "line": 0, "character": 0 } }),
        )
        .await;
    assert!(unknown.is_null());
}

async fn actions_for(client: &mut Client, rel: &str, code: &str) -> Vec<Value> {
    let diags = client.wait_code(rel, code).await;
    let diag = diags.iter().find(|d| d["code"] == code).unwrap().clone();
    let uri = client.uri(rel);
    client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": diag["range"], "context": { "diagnostics": [diag] } }),
        )
        .await
        .as_array()
        .cloned()
        .unwrap()
}

async fn apply_and_report(client: &mut Client, action: &Value) {
    let touched = apply_workspace_edit(&action["edit"], false);
    let changes: Vec<Value> = touched
        .iter()
        .map(|p| json!({ "uri": lsp_support::uri(p), "type": 2 }))
        .collect();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": changes }),
        )
        .await;
}

#[tokio::test]
async fn the_env_mismatch_fix_edits_the_config_file() {
    let (dir, mut client) = start().await;
    let actions = actions_for(&mut client, ".env.production", "env-mismatch").await;
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .expect("a preferred fix");
    let change = &fix["edit"]["documentChanges"][0];
    assert!(change["textDocument"]["version"].is_null());
    apply_and_report(&mut client, fix).await;
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env.production")).unwrap(),
        "DEV_AUTH_ENABLED=false\n"
    );
    client.wait_no_code(".env.production", "env-mismatch").await;
    client.wait_no_code(CHECKLIST, "env-mismatch").await;
}

#[tokio::test]
async fn the_missing_evidence_fix_creates_the_file() {
    let (dir, mut client) = start().await;
    let actions = actions_for(&mut client, CHECKLIST, "missing-evidence").await;
    let create = actions
        .iter()
        .find(|a| a["edit"]["documentChanges"][0]["kind"] == "create")
        .unwrap_or_else(|| panic!("no create action in {actions:?}"));
    let op = &create["edit"]["documentChanges"][0];
    assert_eq!(
        op["options"],
        json!({ "overwrite": false, "ignoreIfExists": true })
    );
    apply_and_report(&mut client, create).await;
    assert!(dir.path().join("docs/runbook.md").is_file());
    client.wait_no_code(CHECKLIST, "missing-evidence").await;
}

/// A checklist's findings are published without fixes, open or closed, and a code action
/// rebuilds them (the tests above for a closed one): an open checklist, and the config
/// file it constrains, offer the same fixes.
#[tokio::test]
async fn an_open_checklist_offers_the_same_fixes() {
    let (_dir, mut client) = start().await;
    client.open(CHECKLIST, 1).await;
    // Hints appear once the open checklist is analysed again.
    client.wait_code(CHECKLIST, "unchecked").await;
    let actions = actions_for(&mut client, CHECKLIST, "missing-evidence").await;
    assert!(
        actions
            .iter()
            .any(|a| a["edit"]["documentChanges"][0]["kind"] == "create"),
        "{actions:?}"
    );
    let actions = actions_for(&mut client, ".env.production", "env-mismatch").await;
    assert!(
        actions.iter().any(|a| a["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Set DEV_AUTH_ENABLED=false in .env.production"))),
        "{actions:?}"
    );
}

#[tokio::test]
async fn disable_on_this_line_inserts_a_comment_with_the_same_indentation() {
    let (dir, mut client) = start().await;
    // Hints (open tasks) are shown in open documents only.
    client.open(CHECKLIST, 1).await;
    let actions = actions_for(&mut client, CHECKLIST, "unchecked").await;
    let disable = actions
        .iter()
        .find(|a| a["title"] == "Disable unchecked on this line")
        .unwrap();
    apply_and_report(&mut client, disable).await;
    let text = std::fs::read_to_string(dir.path().join(CHECKLIST)).unwrap();
    assert!(text.contains("<!-- readiness-disable-next-line unchecked -->\n- [ ] Pen test booked"));
    // The editor applies the same edit to its buffer.
    client.change(CHECKLIST, 2, json!([{ "text": text }])).await;
    client.wait_no_code(CHECKLIST, "unchecked").await;

    let actions = actions_for(&mut client, ".env.production", "env-mismatch").await;
    let disable = actions
        .iter()
        .find(|a| a["title"] == "Disable env-mismatch on this line")
        .unwrap();
    apply_and_report(&mut client, disable).await;
    let env = std::fs::read_to_string(dir.path().join(".env.production")).unwrap();
    assert_eq!(
        env,
        "# readiness-disable-next-line env-mismatch\nDEV_AUTH_ENABLED=true\n"
    );
    client.wait_no_code(".env.production", "env-mismatch").await;
}

#[tokio::test]
async fn an_empty_markdown_file_offers_the_checklist_template() {
    let (_dir, mut client) = start().await;
    let uri = client.uri("docs/empty.md");
    client.open_text("docs/empty.md", 1, "").await;
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [], "only": ["source"] } }),
        )
        .await;
    let action = &actions[0];
    assert_eq!(action["title"], "Insert readiness checklist");
    let inserted = action["edit"]["documentChanges"][0]["edits"][0]["newText"]
        .as_str()
        .unwrap();
    assert!(inserted.contains("## Security"), "{inserted}");
    assert_eq!(
        action["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
}
