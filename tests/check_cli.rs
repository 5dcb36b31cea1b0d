//! End-to-end tests of `readiness check` over the fixture workspaces in tests/fixtures and
//! the bundled examples: the real binary, its real output, snapshot-tested.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const TODAY: &str = "2026-06-01";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn readiness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .env_remove("READINESS_TODAY")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .expect("the readiness binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "json", "--today", TODAY];
    all.extend_from_slice(args);
    let out = readiness(&all);
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (value, out.status.code().unwrap())
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

macro_rules! rule_fixture {
    ($test:ident, $dir:literal, $exit:expr) => {
        #[test]
        fn $test() {
            let (v, code) = json(&[concat!("tests/fixtures/rules/", $dir)]);
            insta::assert_json_snapshot!(concat!("rule_", $dir), v);
            assert_eq!(code, $exit, "exit status");
        }
    };
}

rule_fixture!(broken_link_fixture, "broken-link", 0);
rule_fixture!(missing_evidence_fixture, "missing-evidence", 1);
rule_fixture!(env_mismatch_fixture, "env-mismatch", 1);
rule_fixture!(env_unset_fixture, "env-unset", 0);
rule_fixture!(stale_review_fixture, "stale-review", 0);
rule_fixture!(placeholder_fixture, "placeholder", 0);
rule_fixture!(secret_in_repo_fixture, "secret-in-repo", 1);
rule_fixture!(missing_section_fixture, "missing-section", 0);
rule_fixture!(duplicate_item_fixture, "duplicate-item", 0);
rule_fixture!(suppressions_fixture, "suppressions", 1);

#[test]
fn demo_fires_every_rule() {
    let (v, code) = json(&["--include-hints", "examples/demo"]);
    assert_eq!(code, 1);
    let found = codes(&v);
    for rule in [
        "broken-link",
        "missing-evidence",
        "env-mismatch",
        "env-unset",
        "stale-review",
        "placeholder",
        "secret-in-repo",
        "missing-section",
        "missing-item",
        "contradicted",
        "evidence-found",
        "duplicate-item",
        "unchecked",
        "expired-waiver",
        "bad-suppression",
    ] {
        assert!(
            found.iter().any(|c| c == rule),
            "{rule} does not fire on examples/demo: {found:?}"
        );
    }
}

#[test]
fn demo_human_output() {
    let out = readiness(&["check", "--today", TODAY, "examples/demo"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("demo_human", stdout(&out));
}

#[test]
fn clean_example_has_no_warnings_or_errors() {
    let (v, code) = json(&["examples/clean"]);
    assert_eq!(code, 0);
    let severities: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert!(
        severities.iter().all(|s| *s == "info" || *s == "hint"),
        "{:#}",
        v["diagnostics"]
    );
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 0);
    assert_eq!(v["checklists"][0]["path"], "docs/launch-checklist.md");
}

#[test]
fn hints_only_with_include_hints() {
    let (without, _) = json(&["examples/clean"]);
    let (with, _) = json(&["--include-hints", "examples/clean"]);
    assert!(!codes(&without).contains(&"unchecked".to_string()));
    assert_eq!(codes(&with).iter().filter(|c| *c == "unchecked").count(), 2);
    assert_eq!(with["summary"]["hints"], 2);
}

#[test]
fn a_file_argument_is_a_checklist_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[rules]\nmissing-section = \"off\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    std::fs::write(
        dir.path().join("notes/plan.md"),
        "# Plan\n- [x] Script `bin/deploy.sh`\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args([
            "check",
            "--format",
            "json",
            "--today",
            TODAY,
            "notes/plan.md",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Paths are relative to the file's folder; the workspace is the readiness.toml folder.
    assert_eq!(v["checklists"][0]["path"], "plan.md");
    assert_eq!(v["diagnostics"][0]["code"], "missing-evidence");
    assert_eq!(v["diagnostics"][0]["path"], "plan.md");
    assert_eq!(
        (
            v["diagnostics"][0]["line"].as_u64(),
            v["diagnostics"][0]["column"].as_u64()
        ),
        (Some(2), Some(15))
    );
    // Whatever its extension too: a `.txt` the walk finds is read as markdown when named.
    std::fs::write(
        dir.path().join("notes/CHECKLIST.txt"),
        "# Plan\n- [x] Script `bin/deploy.sh`\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args(["check", "--format", "json", "--today", TODAY])
        .arg("notes/CHECKLIST.txt")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    assert_eq!(v["checklists"][0]["path"], "CHECKLIST.txt");
    assert_eq!(v["diagnostics"][0]["code"], "missing-evidence");
}

/// What a reviewer saw the release binary report wrongly: line suffixes, MIME types,
/// images, header lists and home paths as missing evidence; `DEBUG=false` never checked;
/// footnotes and HTML anchors as broken links; `[Optional]` as a placeholder.
#[test]
fn code_spans_footnotes_html_anchors_and_labels_read_as_a_reader_means_them() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "readiness.toml",
            "[rules]\nmissing-section = \"off\"\nmissing-item = \"off\"\n",
        ),
        ("src/main.rs", "fn main() {}\n"),
        (".env.production", "DEBUG=true\n"),
        (
            "docs/other.md",
            "# Other\n\n<a name=\"legacy\"></a>\nText <a id=\"inline\">here</a>.\n",
        ),
        (
            "docs/go-live.md",
            "# Go live\n\n\
             - [x] Entry point `src/main.rs:42`, `src/main.rs:42:7`\n\
             - [x] Responses are `application/json`, image `ghcr.io/org/app:1.2`\n\
             - [x] Headers `X-Request-ID/X-Trace-ID`, keys in `~/.ssh/config`\n\
             - [x] `DEBUG=false`, `FOO=bar`\n\n\
             See [legacy](other.md#legacy), [inline](other.md#inline), [gone](other.md#gone).\n\n\
             Backups are tested.[^1] Rate limits [Optional].\n\n\
             [^1]: Footnote\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args(["check", "--format", "json", "--today", TODAY, "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}:{} {} {}", d["path"], d["line"], d["code"], d["message"]))
        .collect();
    assert_eq!(
        found,
        [
            r#"".env.production":1 "env-mismatch" "`DEBUG` is `true` in this production config, but docs/go-live.md:6 requires `false`""#,
            r#""docs/go-live.md":6 "env-mismatch" ".env.production sets `DEBUG` to `true`, not `false`""#,
            r#""docs/go-live.md":8 "broken-link" "heading `#gone` does not exist in docs/other.md""#,
        ]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sarif_has_one_result_per_diagnostic_and_stable_fingerprints() {
    let (j, _) = json(&["examples/demo"]);
    let run = |_: ()| {
        let out = readiness(&[
            "check",
            "--format",
            "sarif",
            "--today",
            TODAY,
            "examples/demo",
        ]);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let (a, b) = (run(()), run(()));
    assert_eq!(a["version"], "2.1.0");
    assert!(a["$schema"].as_str().unwrap().contains("sarif"));
    let results = a["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), j["diagnostics"].as_array().unwrap().len());
    let rules = a["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(!rules[index]["help"]["text"].as_str().unwrap().is_empty());
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1
                && region["startColumn"].as_u64().unwrap() >= 1
        );
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    let prints = |v: &Value| -> Vec<Value> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(prints(&a), prints(&b));
    let mut unique = prints(&a).iter().map(|p| p.to_string()).collect::<Vec<_>>();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), results.len(), "fingerprints are unique");
}

#[test]
fn github_annotations_and_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "previous step\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args([
            "check",
            "--format",
            "github",
            "--today",
            TODAY,
            "examples/demo",
        ])
        .current_dir(repo())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().find(|l| l.contains("env-mismatch")).unwrap();
    // From the repository's root (here the current folder), where GitHub looks for it.
    assert_eq!(
        first,
        "::error file=examples/demo/.env.production,line=3,col=18,endLine=3,endColumn=22,title=env-mismatch::`DEV_AUTH_ENABLED` is `true` in this production config, but docs/production-readiness.md:12 requires `false`%0Ahelp: set DEV_AUTH_ENABLED=false here, or change the checklist"
    );
    assert!(text.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("previous step\n## Readiness"),
        "{written}"
    );
    assert!(written.contains("| `examples/demo/docs/production-readiness.md` |"));
}

/// Annotations and SARIF results name files from the repository's root, as GitHub needs
/// to attach them: `$GITHUB_WORKSPACE` when a workflow sets it, whatever PATH was checked
/// and from whichever folder; human and JSON output stay relative to the first PATH.
#[test]
fn github_and_sarif_paths_are_from_the_repository_root() {
    let run = |format: &str, path: &str, workspace: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_readiness"));
        cmd.args(["check", "--format", format, "--today", TODAY, path])
            .current_dir(repo().join("examples"))
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("GITHUB_WORKSPACE");
        if let Some(w) = workspace {
            cmd.env("GITHUB_WORKSPACE", w);
        }
        stdout(&cmd.output().unwrap())
    };
    let checklist = "demo/docs/production-readiness.md";
    let github = run("github", checklist, Some(&repo()));
    assert!(
        github.contains("file=examples/demo/docs/production-readiness.md,"),
        "{github}"
    );
    assert!(
        github.contains("file=examples/demo/.env.production,"),
        "{github}"
    );
    let github = run("github", checklist, None);
    assert!(github.contains("file=demo/.env.production,"), "{github}");
    let sarif: Value = serde_json::from_str(&run("sarif", checklist, Some(&repo()))).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"examples/demo/.env.production"), "{uris:?}");
    assert!(
        uris.iter().all(|u| u.starts_with("examples/demo/")),
        "{uris:?}"
    );
    let json: Value = serde_json::from_str(&run("json", checklist, Some(&repo()))).unwrap();
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"../.env.production"), "{paths:?}");
}

#[test]
fn no_output_ever_holds_a_secret_value() {
    for format in ["human", "json", "sarif", "github"] {
        let out = readiness(&[
            "check",
            "--format",
            format,
            "--today",
            TODAY,
            "--include-hints",
            "examples/demo",
        ]);
        let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(
            !all.contains("parcel-demo-signing-key"),
            "{format} leaks the secret"
        );
        assert!(all.contains("parc"), "{format} shows the masked prefix");
    }
}

/// A git repository in a temporary folder holding `files`, all tracked.
fn tracked_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    for args in [&["init", "-q"][..], &["add", "-A"]] {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }
    dir
}

/// Everything `readiness check` writes (stdout and stderr) for `dir` in `format`.
fn check_all_out(dir: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args([
            "check",
            "--include-hints",
            "--today",
            TODAY,
            "--format",
            format,
        ])
        .arg(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn env_mismatch_masks_secret_values_in_every_output() {
    let dir = tracked_repo(&[
        (
            "docs/go-live.md",
            "# Go live\n\n- [x] `REDIS_URL=redis://redis:6379`\n- [x] `SIGNING_KEY=abc`\n",
        ),
        (
            ".env.production",
            "REDIS_URL=redis://:NotARealRedisPwEXAMPLE@redis:6379\n\
             SIGNING_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        ),
    ]);
    for format in ["human", "json", "sarif", "github"] {
        let all = check_all_out(dir.path(), format);
        for secret in ["NotARealRedisPw", "wJalrXUtnFEMI/K7MDENG"] {
            assert!(!all.contains(secret), "{format} leaks {secret}:\n{all}");
        }
        assert!(all.contains("redis://:****@redis:6379"), "{format}:\n{all}");
        assert!(all.contains("wJal…"), "{format}:\n{all}");
    }
}

#[test]
fn a_quoted_compose_list_item_shows_four_characters() {
    let dir = tracked_repo(&[
        ("docs/readiness.md", "# Readiness\n"),
        (
            "docker-compose.prod.yml",
            "services:\n  app:\n    environment:\n      - \"REDIS_PASSWORD=listQUOTEDSECRET\"\n",
        ),
    ]);
    let human = check_all_out(dir.path(), "human");
    assert!(
        human.contains("4 |       - \"REDIS_PASSWORD=list************\""),
        "{human}"
    );
}

#[test]
fn env_mismatch_compares_an_interpolation_by_its_default() {
    let dir = tracked_repo(&[
        (
            "docs/go-live.md",
            "# Go live\n\n- [x] `FEATURE_X=off`\n- [x] `FEATURE_Y=off`\n",
        ),
        (
            ".env.production",
            "FEATURE_X=${FEATURE_X:-on}\nFEATURE_Y=${FEATURE_Y}\n",
        ),
    ]);
    let human = check_all_out(dir.path(), "human");
    assert!(
        human.contains("error[env-mismatch]: `FEATURE_X` is `on` (its `${…}` default) in this production config"),
        "{human}"
    );
    assert!(
        !human.contains("`FEATURE_Y`"),
        "no default, not known: {human}"
    );
}

#[test]
fn numbers_flags_and_longer_words_are_no_secrets() {
    let dir = tracked_repo(&[
        ("docs/readiness.md", "# Readiness\n"),
        ("readiness.toml", "[rules]\nmissing-section = \"off\"\n"),
        (
            ".env.production",
            "ACCESS_TOKEN_TTL=900\nPASSWORD_MIN_LENGTH=12\nSECRET_ROTATION_DAYS=30\n\
             API_KEY_ENABLED=1\nAPI_KEYS_ENABLED=Yes\nTOKENIZER_MODEL=bert-base-uncased\n\
             GITHUBTOKEN=literal-value-EXAMPLE\n",
        ),
    ]);
    let (v, code) = json(&[dir.path().to_str().unwrap()]);
    let found: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "secret-in-repo")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        ["`GITHUBTOKEN` names a secret and has a literal value (`lite…`) in a file git tracks",]
    );
    assert_eq!(code, 1);
}

#[test]
fn bad_settings_exit_2_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("readiness.toml"),
        "max_age_days = 30\n\n[rules]\nplaceholders = \"off\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("readiness.toml:4:1:"), "{err}");
    assert!(err.contains("unknown rule `placeholders`"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_today_and_missing_path_exit_2() {
    let out = readiness(&["check", "--today", "22/11/2026", "examples/clean"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("--today: `22/11/2026` is not a date; use YYYY-MM-DD"));
    let out = readiness(&["check", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/folder"));
}

#[test]
fn readiness_today_environment_fixes_the_date() {
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args([
            "check",
            "--format",
            "json",
            "tests/fixtures/rules/stale-review",
        ])
        .current_dir(repo())
        .env("READINESS_TODAY", "2020-01-01")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !codes(&v).contains(&"stale-review".to_string()),
        "nothing is stale in 2020: {:#}",
        v["diagnostics"]
    );
}

#[test]
fn rules_and_explain() {
    let out = readiness(&["rules"]);
    let text = stdout(&out);
    assert!(text
        .lines()
        .any(|l| l.starts_with("env-mismatch") && l.contains("error")));
    assert_eq!(text.lines().count(), 16);
    let out = readiness(&["explain", "secret-in-repo"]);
    assert!(stdout(&out).starts_with("# secret-in-repo (error)"));
    let out = readiness(&["explain", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn schema_lists_every_rule_code() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("readiness.schema.json")).unwrap(),
    )
    .unwrap();
    let listed = schema["properties"]["rules"]["properties"]
        .as_object()
        .unwrap();
    let out = readiness(&["rules"]);
    for line in stdout(&out).lines() {
        let code = line.split_whitespace().next().unwrap();
        assert!(
            listed.contains_key(code),
            "readiness.schema.json lacks rule {code}"
        );
    }
}

/// `check` keeps no text of markdown that is no checklist (it reads only its headings), yet a
/// probe that greps such a file still finds what it holds, and links into it still resolve.
#[test]
fn probes_read_markdown_that_check_keeps_only_as_an_outline() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "docs/runbook.md",
        "# Runbook\n\n## Rollback\n\nThe rollback drill ran on 2026-05-01.\n",
    );
    write(
        "docs/launch-checklist.md",
        "# Launch\n\n## Release\n\n- [ ] Rollback drill done <!-- readiness: release.rollback-drill -->\n\nSee [the runbook](runbook.md#rollback).\n",
    );
    write("readiness.toml", "packs = [\"docs/team.toml\"]\n");
    write(
        "docs/team.toml",
        r#"name = "team"
title = "Team"
description = "Our own items."

[[sections]]
id = "release"
title = "Release"

[[sections.items]]
id = "release.rollback-drill"
title = "Rollback drill done"
why = "A rollback nobody rehearsed fails when it is needed."
verify = "Read the runbook's record of the last drill."
level = "must"
line = "- [ ] Rollback drill done"
probes = [
  { kind = "file_contains", globs = ["docs/runbook.md"], regex = '(?i)rollback drill ran', description = "a record of a rollback drill" },
]
"#,
    );
    let out = readiness(&[
        "check",
        "--format",
        "json",
        "--today",
        TODAY,
        "--include-hints",
        dir.path().to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        found.iter().any(|d| d.starts_with("evidence-found ")
            && d.contains("a record of a rollback drill")
            && d.contains("docs/runbook.md:5")),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|d| d.starts_with("broken-link")),
        "{found:#?}"
    );
}

/// git ignores only untracked files: a `.env.production` committed before `.env*` went into
/// .gitignore is still in the repository, secret and all, and is read like any other file.
/// An ignored file git does not track stays out.
#[test]
fn a_tracked_file_that_gitignore_matches_is_still_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}");
    };
    write(
        "docs/go-live.md",
        "# Launch\n\n## Security\n\n- [x] Debug auth is off: `DEV_AUTH_ENABLED=false`\n",
    );
    write(
        "deploy/prod/app.env",
        "DEV_AUTH_ENABLED=true\nJWT_SECRET=committedbeforeignore123\n",
    );
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    write(".gitignore", "*.env\n");
    write("deploy/prod/local.env", "API_TOKEN=neverCommittedToken99\n");

    let (v, code) = json(&[root.to_str().unwrap()]);
    let at = |code: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(at("secret-in-repo"), ["deploy/prod/app.env"]);
    assert!(at("env-mismatch").contains(&"deploy/prod/app.env".to_string()));
    assert!(at("env-unset").is_empty(), "{v:#}");
    assert_eq!(code, 1);
    let all = v.to_string();
    assert!(!all.contains("committedbeforeignore123") && !all.contains("neverCommitted"));
}

/// A file named on the command line that cannot be read as text is an error naming it
/// (exit 2), not a run that passes without it.
#[test]
fn a_named_file_that_is_no_text_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go-live.md"), b"# Launch\n- [x] caf\xe9\n").unwrap();
    std::fs::write(dir.path().join("launch.md"), b"# Launch\n\0\x01\x02").unwrap();
    for (name, why) in [("go-live.md", "not UTF-8"), ("launch.md", "binary")] {
        let path = dir.path().join(name);
        let out = readiness(&["check", "--today", TODAY, path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{name}: cannot be analysed as a checklist: {why}")),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "{name}: nothing but the error");
    }
}

/// The same folder or file twice (a script's glob, `check . .`) is checked once.
#[test]
fn a_path_given_twice_is_checked_once() {
    let once = json(&["examples/demo"]).0;
    let twice = json(&["examples/demo", "examples/demo/"]).0;
    assert_eq!(once["summary"], twice["summary"]);
    assert_eq!(once["diagnostics"], twice["diagnostics"]);
    let file = "examples/demo/docs/production-readiness.md";
    let (v, _) = json(&[file, file]);
    assert_eq!(v["summary"]["checklists"], 1);
    assert_eq!(v["checklists"].as_array().unwrap().len(), 1);
    // A file inside a folder also given is checked in the folder's workspace, once.
    let both = json(&["examples/demo", file]).0;
    assert_eq!(once["summary"], both["summary"]);
    assert_eq!(once["diagnostics"], both["diagnostics"]);
}
