//! Completion, definition, references, symbols, folding, links and code lenses.

mod lsp_support;

use lsp_support::{capabilities, position_of, write_files, Client};
use serde_json::{json, Value};

const CHECKLIST: &str = "docs/PRODUCTION_READINESS.md";
const CHECKLIST_TEXT: &str = "# Production readiness

## Security
- [x] Dev auth is off in production: `DEV_AUTH_ENABLED=false`
- [x] Runbook at `docs/ops.md`
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

async fn at(client: &mut Client, method: &str, needle: &str) -> Value {
    let uri = client.uri(CHECKLIST);
    let pos = position_of(CHECKLIST_TEXT, needle, false);
    client
        .request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": pos, "context": { "includeDeclaration": true } }),
        )
        .await
}

#[tokio::test]
async fn definition_and_references_of_an_env_var() {
    let (_dir, mut client) = start().await;
    let defs = at(&mut client, "textDocument/definition", "AUTH_ENABLED=false").await;
    assert!(defs[0]["uri"]
        .as_str()
        .unwrap()
        .ends_with(".env.production"));
    assert_eq!(
        defs[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    let refs = at(&mut client, "textDocument/references", "AUTH_ENABLED=false").await;
    let uris: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(uris.iter().any(|u| u.ends_with(CHECKLIST)), "{uris:?}");
    assert!(
        uris.iter().any(|u| u.ends_with(".env.production")),
        "{uris:?}"
    );
}

#[tokio::test]
async fn definition_of_a_link_goes_to_the_heading() {
    let (_dir, mut client) = start().await;
    let def = at(&mut client, "textDocument/definition", "the ops guide").await;
    assert!(def["uri"].as_str().unwrap().ends_with("docs/ops.md"));
    assert_eq!(def["range"]["start"]["line"], 2);
    let path = at(&mut client, "textDocument/definition", "docs/ops.md").await;
    assert!(path["uri"].as_str().unwrap().ends_with("docs/ops.md"));
}

#[tokio::test]
async fn completion_offers_env_vars_paths_and_anchors() {
    let (_dir, mut client) = start().await;
    let uri = client.uri(CHECKLIST);
    let text = "- [ ] `DEV\n- [ ] see [x](ops.md#\n- [ ] see [y](\n";
    client.open_text(CHECKLIST, 1, text).await;
    let complete = |line: u32, character: u32| json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    let server_text = client
        .request("readiness/documentText", json!({ "uri": uri }))
        .await;
    assert_eq!(server_text["text"], text);
    let env = client
        .request("textDocument/completion", complete(0, 10))
        .await;
    assert!(
        env.as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "DEV_AUTH_ENABLED"),
        "{env}"
    );
    let anchors = client
        .request("textDocument/completion", complete(1, 21))
        .await;
    assert!(
        anchors
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "dashboards"),
        "{anchors}"
    );
    let paths = client
        .request("textDocument/completion", complete(2, 14))
        .await;
    assert!(
        paths
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "ops.md"),
        "{paths}"
    );
}

#[tokio::test]
async fn symbols_folding_links_and_lenses() {
    let (_dir, mut client) = start().await;
    let uri = client.uri(CHECKLIST);
    let doc = json!({ "textDocument": { "uri": uri } });
    let symbols = client
        .request("textDocument/documentSymbol", doc.clone())
        .await;
    assert_eq!(symbols[0]["name"], "Production readiness");
    let security = &symbols[0]["children"][0];
    assert_eq!(security["name"], "Security");
    assert_eq!(security["children"].as_array().unwrap().len(), 3);

    let folds = client
        .request("textDocument/foldingRange", doc.clone())
        .await;
    assert!(
        folds
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["startLine"] == 2 && f["endLine"] == 5),
        "{folds}"
    );

    let links = client
        .request("textDocument/documentLink", doc.clone())
        .await;
    assert!(links[0]["target"]
        .as_str()
        .unwrap()
        .ends_with("docs/ops.md"));

    let lenses = client.request("textDocument/codeLens", doc).await;
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    // Pack scores lead: the document's with its level on the title, a section's on its heading.
    assert_eq!(titles[1], "score 9/100 · 2/3 done · 1 error", "{titles:?}");
    assert!(
        titles[0].starts_with("score 2/100 (no level yet) · 3/4 done"),
        "{titles:?}"
    );

    let found = client
        .request("workspace/symbol", json!({ "query": "observ" }))
        .await;
    assert_eq!(found[0]["name"], "Observability");
}
