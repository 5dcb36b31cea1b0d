//! End-to-end tests of `readiness init`, `audit` and `new` over the fixture repositories in
//! tests/fixtures/repos (node, python, rust, go, k8s), snapshot-tested.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const REPOS: &[&str] = &["node", "python", "rust", "go", "k8s"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn readiness_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("READINESS_TODAY", "2026-06-01")
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .expect("the readiness binary runs")
}

fn readiness(args: &[&str]) -> Output {
    readiness_in(&repo(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/repos/{name}")
}

#[test]
fn audit_human_per_fixture() {
    for name in REPOS {
        let out = readiness(&["audit", &fixture(name)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        insta::assert_snapshot!(format!("audit_human_{name}"), stdout(&out));
    }
}

#[test]
fn audit_json_per_fixture() {
    for name in REPOS {
        let out = readiness(&["audit", "--format", "json", &fixture(name)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        for s in v["sections"].as_array().unwrap() {
            assert!(s["score"].is_null() || s["score"].as_u64().unwrap() <= 100);
        }
        insta::assert_json_snapshot!(format!("audit_json_{name}"), v);
    }
}

#[test]
fn audit_sarif_has_one_result_per_failing_probe() {
    let out = readiness(&["audit", "--format", "sarif", &fixture("k8s")]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let json = readiness(&["audit", "--format", "json", &fixture("k8s")]);
    let j: Value = serde_json::from_slice(&json.stdout).unwrap();
    let failing = j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .flat_map(|i| i["probes"].as_array().unwrap())
        .filter(|p| p["result"] == "fail")
        .count();
    assert!(failing > 0);
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), failing);
    insta::assert_json_snapshot!("audit_sarif_k8s", v);
}

#[test]
fn init_per_fixture() {
    let dir = tempfile::tempdir().unwrap();
    for name in REPOS {
        let output = dir.path().join(format!("{name}.md"));
        let out = readiness(&["init", "--output", output.to_str().unwrap(), &fixture(name)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = std::fs::read_to_string(&output).unwrap();
        insta::assert_snapshot!(format!("init_{name}"), text);
    }
}

#[test]
fn init_writes_the_default_path_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{}\n").unwrap();
    let out = readiness_in(dir.path(), &["init", "--pack", "baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = dir.path().join("docs/production-readiness.md");
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(first.contains("packs: [baseline]"));
    assert!(
        first.contains("- [ ] Every ecosystem's lockfile is committed"),
        "{first}"
    );
    std::fs::write(&path, "mine\n").unwrap();
    let out = readiness_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("docs/production-readiness.md already exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
    let out = readiness_in(dir.path(), &["init", "--force"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
}

#[test]
fn init_output_checks_cleanly_against_its_own_packs() {
    // A generated checklist is itself a valid checklist: no errors when checked.
    let dir = tempfile::tempdir().unwrap();
    let out = readiness(&[
        "init",
        "--output",
        dir.path().join("r.md").to_str().unwrap(),
        &fixture("node"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("r.md")).unwrap();
    assert!(text.contains("- [x] "), "{text}");
    assert!(text.contains("(evidence: "), "{text}");
    assert!(text.contains("  - not found: "), "{text}");
}

#[test]
fn new_lists_writes_and_never_overwrites() {
    let out = readiness(&["new", "--list"]);
    let list = stdout(&out);
    assert_eq!(list.lines().count(), 9);
    for name in [
        "runbook",
        "slo",
        "backup-restore",
        "incident-response",
        "rollback",
        "on-call",
        "load-test-plan",
        "security",
        "env-example",
    ] {
        assert!(list.lines().any(|l| l.starts_with(name)), "{name}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = readiness_in(dir.path(), &["new", "slo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("docs/slo.md")).unwrap();
    assert!(!text.contains("{{"), "{text}");
    let out = readiness_in(dir.path(), &["new", "security", "SECURITY.md"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join("SECURITY.md").is_file());
    let out = readiness_in(dir.path(), &["new", "slo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("docs/slo.md already exists"));
    let out = readiness_in(dir.path(), &["new", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown template `nope`"));
}

/// `[scores]` may weigh a section of a built-in pack the file does not select, as
/// `audit --pack saas` does; a misspelt id is an error at its place.
#[test]
fn scores_may_weigh_any_built_in_section() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("readiness.toml"), "[scores]\ntenancy = 2\n").unwrap();
    let out = readiness_in(dir.path(), &["audit", "--pack", "saas", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[scores]\ntenancyy = 2\n",
    )
    .unwrap();
    let out = readiness_in(dir.path(), &["audit", "--pack", "saas", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("readiness.toml:2:1: `tenancyy` in [scores] is no section"),
        "{err}"
    );
}
