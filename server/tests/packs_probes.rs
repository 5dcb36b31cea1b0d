//! Every probe kind passes on one fixture repository and fails on another
//! (tests/fixtures/repos/: node, python, rust, go, k8s).

use std::path::PathBuf;

use readiness::packs::Probe;
use readiness::probes::{Outcome, Prober};
use readiness::workspace::{LoadOptions, Workspace};

fn repo(name: &str) -> Workspace {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/repos")
        .join(name);
    Workspace::load(&root, &LoadOptions::default()).unwrap()
}

fn probe(toml: &str) -> Probe {
    #[derive(serde::Deserialize)]
    struct P {
        probe: Probe,
    }
    toml::from_str::<P>(&format!("probe = {toml}"))
        .unwrap()
        .probe
}

/// Outcome and detail of a probe on a fixture repository.
fn run(repo_name: &str, probe_toml: &str) -> (Outcome, String) {
    let ws = repo(repo_name);
    let r = Prober::new(&ws, "").probe(&probe(probe_toml));
    let ev: Vec<String> = r.evidence.iter().map(|e| e.to_string()).collect();
    (r.outcome, format!("{} [{}]", r.detail, ev.join(", ")))
}

fn assert_outcome(repo_name: &str, probe_toml: &str, want: Outcome, detail_has: &str) {
    let (got, detail) = run(repo_name, probe_toml);
    assert_eq!(got, want, "{repo_name}: {probe_toml}: {detail}");
    assert!(
        detail.contains(detail_has),
        "{repo_name}: {probe_toml}: {detail:?} lacks {detail_has:?}"
    );
}

use Outcome::{Fail, NotApplicable as Na, Pass};

#[test]
fn file_exists() {
    let p = r#"{ kind = "file_exists", globs = ["SECURITY.md", ".github/SECURITY.md"] }"#;
    assert_outcome("node", p, Pass, "[SECURITY.md]");
    assert_outcome("rust", p, Fail, "no file matches SECURITY.md");
    // A runbook is found whatever case its name is written in.
    let lower = r#"{ kind = "file_exists", globs = ["**/security.md"] }"#;
    assert_outcome("node", lower, Pass, "[SECURITY.md]");
}

#[test]
fn file_contains() {
    let p = r#"{ kind = "file_contains", globs = ["**/*.{js,json,rs}"], regex = '(?i)sentry' }"#;
    assert_outcome("node", p, Pass, "package.json:5");
    assert_outcome("rust", p, Fail, "contains it");
}

#[test]
fn env_set() {
    let p = r#"{ kind = "env_set", name = "NODE_ENV", value = "production" }"#;
    assert_outcome("node", p, Pass, "config/production.env:1");
    assert_outcome("python", p, Fail, "not set in any production");
    let wrong = r#"{ kind = "env_set", name = "LOG_LEVEL", value = "debug" }"#;
    assert_outcome("node", wrong, Fail, "is `info` in config/production.env:2");
}

#[test]
fn lockfile_per_ecosystem() {
    let p = r#"{ kind = "lockfile_per_ecosystem" }"#;
    assert_outcome("node", p, Pass, "package-lock.json");
    assert_outcome("python", p, Pass, "requirements.txt");
    assert_outcome("go", p, Pass, "go.sum");
    assert_outcome("rust", p, Fail, "Cargo.toml has no Cargo.lock");
    assert_outcome("k8s", p, Na, "no package manifest");
}

#[test]
fn ci_step() {
    let p = r#"{ kind = "ci_step", regex = '(?i)(npm test|pytest|cargo test|go test)' }"#;
    assert_outcome("node", p, Pass, ".github/workflows/ci.yml:14");
    assert_outcome("python", p, Pass, ".gitlab-ci.yml:7");
    assert_outcome("go", p, Pass, "Jenkinsfile:4");
    assert_outcome("rust", p, Pass, ".github/workflows/ci.yml:9");
    assert_outcome("k8s", p, Fail, "no CI configuration");
    let sast = r#"{ kind = "ci_step", regex = '(?i)semgrep|codeql' }"#;
    assert_outcome(
        "node",
        sast,
        Fail,
        "no step in .github/workflows/ci.yml matches",
    );
}

#[test]
fn dependency_updates() {
    let p = r#"{ kind = "dependency_updates" }"#;
    assert_outcome("node", p, Pass, ".github/dependabot.yml");
    assert_outcome("python", p, Pass, "renovate.json");
    assert_outcome("rust", p, Fail, "no Dependabot or Renovate");
}

#[test]
fn dockerfile_non_root() {
    let p = r#"{ kind = "dockerfile_non_root" }"#;
    assert_outcome("node", p, Pass, "Dockerfile:11");
    assert_outcome("go", p, Pass, "Dockerfile:8");
    assert_outcome("python", p, Fail, "the final stage sets no USER");
    assert_outcome("k8s", p, Fail, "Dockerfile runs as root (Dockerfile:2)");
    assert_outcome("rust", p, Na, "no Dockerfile");
}

#[test]
fn k8s_probes_and_limits() {
    let p = r#"{ kind = "k8s_probes_and_limits" }"#;
    assert_outcome("go", p, Pass, "deploy/deployment.yaml:10");
    assert_outcome(
        "k8s",
        p,
        Fail,
        "container at deploy/api.yaml:28 has no livenessProbe, readinessProbe, resources.limits",
    );
    assert_outcome("node", p, Na, "no Kubernetes workload");
}

#[test]
fn coverage_threshold() {
    let p = r#"{ kind = "coverage_threshold", min = 80 }"#;
    assert_outcome("node", p, Pass, "85% threshold in package.json");
    assert_outcome("python", p, Pass, "90% threshold");
    assert_outcome("go", p, Pass, "80% threshold in codecov.yml:5");
    assert_outcome("rust", p, Fail, "is 70%, below 80%");
    assert_outcome("k8s", p, Fail, "no coverage threshold");
}

#[test]
fn file_absent_or_untracked() {
    let p = r#"{ kind = "file_absent_or_untracked", globs = [".env", ".env.production"] }"#;
    // Absent in the fixtures.
    assert_outcome("node", p, Pass, "no tracked file matches");
    // Present but untracked passes; tracked fails.
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        assert!(std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
            .status
            .success());
    };
    git(&["init", "-q"]);
    std::fs::write(dir.path().join(".env"), "A=1\n").unwrap();
    let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
    assert_eq!(Prober::new(&ws, "").probe(&probe(p)).outcome, Pass);
    git(&["add", ".env"]);
    let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
    let r = Prober::new(&ws, "").probe(&probe(p));
    assert_eq!(r.outcome, Fail);
    assert_eq!(r.detail, ".env is tracked by git");
}

/// Results are shared per workspace snapshot: a changed file drops them, typing in a
/// checklist does not (probes read markdown only for its existence).
#[test]
fn cached_results_follow_workspace_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("production-readiness.md"), "# Launch\n").unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    let mut ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
    let sentry = probe(r#"{ kind = "file_contains", globs = ["**/*.py"], regex = 'sentry' }"#);
    let security = probe(r#"{ kind = "file_exists", globs = ["SECURITY.md"] }"#);
    assert_eq!(Prober::new(&ws, "").probe(&sentry).outcome, Fail);
    assert_eq!(Prober::new(&ws, "").probe(&security).outcome, Fail);

    // A checklist edit keeps the cached answers (here: still the old, true ones).
    ws.set_file(
        "production-readiness.md",
        Some("# Launch\n- [ ] x\n".into()),
    );
    assert!(ws.probe_cache().survives_markdown_edit());
    assert_eq!(Prober::new(&ws, "").probe(&sentry).outcome, Fail);

    // A source file's new text is seen at once.
    ws.set_file("app.py", Some("import sentry_sdk\n".into()));
    assert_eq!(Prober::new(&ws, "").probe(&sentry).outcome, Pass);

    // So is a new markdown file.
    std::fs::write(dir.path().join("SECURITY.md"), "# Security\n").unwrap();
    ws.set_file("SECURITY.md", None);
    assert_eq!(Prober::new(&ws, "").probe(&security).outcome, Pass);

    // A probe that reads markdown text makes markdown edits drop the cache.
    let md = probe(r#"{ kind = "file_contains", globs = ["*.md"], regex = 'on-call' }"#);
    assert_eq!(Prober::new(&ws, "").probe(&md).outcome, Fail);
    assert!(!ws.probe_cache().survives_markdown_edit());
    ws.set_file(
        "SECURITY.md",
        Some("# Security\nThe on-call rota.\n".into()),
    );
    assert_eq!(Prober::new(&ws, "").probe(&md).outcome, Pass);
}

/// In a monorepo, a folder's CI is its own configuration and the repository's, found once
/// for all folders: each path once, in path order.
#[test]
fn ci_step_in_a_folder_reads_its_own_and_the_root_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let steps = |run: &str| format!("jobs:\n  t:\n    steps:\n      - run: {run}\n");
    write(".github/workflows/ci.yml", &steps("npm test"));
    write("services/a/package.json", "{}\n");
    write("services/a/Jenkinsfile", "pipeline {}\n");
    write("services/b/package.json", "{}\n");
    write("services/b/.github/workflows/b.yml", &steps("cargo test"));
    let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
    let run = |scope: &str, regex: &str| {
        let p = probe(&format!(r#"{{ kind = "ci_step", regex = '{regex}' }}"#));
        let r = Prober::new(&ws, scope).probe(&p);
        let ev: Vec<String> = r.evidence.iter().map(|e| e.to_string()).collect();
        (r.outcome, r.detail, ev)
    };
    // The root's workflow, from both folders.
    for scope in ["services/a", "services/b"] {
        let (outcome, _, ev) = run(scope, "npm test");
        assert_eq!(
            (outcome, ev),
            (Pass, vec![".github/workflows/ci.yml:4".into()])
        );
    }
    // A folder's own workflow, seen from it (and, as a file of the tree, from the other).
    let (outcome, _, ev) = run("services/b", "cargo test");
    assert_eq!(
        (outcome, ev),
        (Pass, vec!["services/b/.github/workflows/b.yml:4".into()])
    );
    // The Jenkinsfile matches from the folder and from the root: listed once.
    let (outcome, detail, _) = run("services/a", "semgrep");
    assert_eq!(outcome, Fail);
    assert_eq!(
        detail,
        "no step in .github/workflows/ci.yml, services/a/Jenkinsfile matches"
    );
}

/// `env_set` compares as env-mismatch does (booleans by meaning, a `${NAME:-default}` by
/// its default) and never shows a secret-looking value it found.
#[test]
fn env_set_compares_by_meaning_and_masks_what_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env.production"),
        "DEBUG=0\nFEATURE=${FEATURE:-on}\nJWT_SECRET=hunter2-committed-value\n",
    )
    .unwrap();
    let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
    let run = |toml: &str| {
        let r = Prober::new(&ws, "").probe(&probe(toml));
        (r.outcome, r.detail)
    };
    let (outcome, _) = run(r#"{ kind = "env_set", name = "DEBUG", value = "false" }"#);
    assert_eq!(outcome, Pass, "0 is false");
    let (outcome, _) = run(r#"{ kind = "env_set", name = "FEATURE", value = "true" }"#);
    assert_eq!(outcome, Pass, "the default says on");
    let (outcome, detail) = run(r#"{ kind = "env_set", name = "JWT_SECRET", value = "x" }"#);
    assert_eq!(outcome, Fail);
    assert!(!detail.contains("hunter2-committed"), "{detail}");
    assert!(detail.contains("`hunt…`"), "{detail}");
}
