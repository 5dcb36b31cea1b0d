//! The benchmark harness (`benches/check.rs`, harness = false) cannot hold `#[test]`s,
//! so its monorepo generator is checked here on a small tree.

#[path = "../benches/support/monorepo.rs"]
mod monorepo;

use std::fs;
use std::path::Path;

fn all_files(dir: &Path, out: &mut Vec<String>, root: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            all_files(&path, out, root);
        } else {
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

#[test]
fn small_tree_has_the_promised_mix_of_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let spec = monorepo::Spec::small();
    let stats = monorepo::generate_small(root).unwrap();

    assert_eq!(stats.files, spec.total_files);
    assert_eq!(stats.checklists, spec.checklists);
    assert_eq!(
        stats.checklist_tasks,
        spec.checklists * spec.tasks_per_checklist
    );
    assert_eq!(stats.configs, spec.config_files);
    assert_eq!(stats.docs, spec.docs);
    assert_eq!(stats.root_files, 3);
    assert_eq!(
        stats.sources,
        spec.total_files - spec.checklists - spec.config_files - spec.docs - 3
    );
    assert!(stats.hidden_configs > spec.config_files / 4, "{stats:?}");
    assert!(stats.ignored_files > 0);

    let mut files = Vec::new();
    all_files(root, &mut files, root);
    // Visible files + ignored ones + `.git/HEAD`.
    assert_eq!(files.len(), stats.files + stats.ignored_files + 1);

    for hidden in [
        ".gitignore",
        ".github/workflows/ci.yml",
        ".github/workflows/svc-0000.yml",
        "services/svc-0000/.env",
        "services/svc-0000/.env.production",
        "services/svc-0000/.env.example",
        "services/svc-0000/.env.local",
        "services/svc-0001/.github/workflows/ci.yml",
    ] {
        assert!(root.join(hidden).is_file(), "missing {hidden}");
    }
    for visible in [
        "services/svc-0000/docs/production-readiness.md",
        "services/svc-0000/docs/launch-checklist.md",
        "services/svc-0000/deploy/helm/values-prod.yaml",
        "services/svc-0000/k8s/deployment.yaml",
        "services/svc-0000/docker-compose.prod.yml",
        "services/svc-0000/Dockerfile",
        "services/svc-0000/runbooks/db.md",
        "services/svc-0000/node_modules/left-pad/production-readiness.md",
    ] {
        assert!(root.join(visible).is_file(), "missing {visible}");
    }

    let checklist =
        fs::read_to_string(root.join("services/svc-0000/docs/production-readiness.md")).unwrap();
    let tasks = checklist
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            ["- [ ]", "- [x]", "- [X]", "* [ ]", "* [x]", "* [X]"]
                .iter()
                .any(|p| t.starts_with(p))
        })
        .count();
    assert_eq!(tasks, spec.tasks_per_checklist);
    assert!(checklist.contains("**Next Review**: "));
    assert!(checklist.contains("| Item | Status | Evidence |"));
    assert!(checklist.contains("```bash\n"));
    assert!(checklist.contains("  - ["), "nested tasks");
    assert!(checklist.contains("](../runbooks/"), "relative links");

    let gitignore = fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(gitignore.contains("node_modules/"));

    let k8s = fs::read_to_string(root.join("services/svc-0000/k8s/deployment.yaml")).unwrap();
    assert!(k8s.contains("- name: DEV_AUTH_ENABLED\n              value: \""));
}

#[test]
fn generation_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let sa = monorepo::generate_small(a.path()).unwrap();
    let sb = monorepo::generate_small(b.path()).unwrap();
    assert_eq!(sa.bytes, sb.bytes);
    let mut files = Vec::new();
    all_files(a.path(), &mut files, a.path());
    for f in files {
        assert_eq!(
            fs::read(a.path().join(&f)).unwrap(),
            fs::read(b.path().join(&f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn big_checklist_has_the_requested_task_count() {
    let dir = tempfile::tempdir().unwrap();
    let spec = monorepo::Spec {
        big_checklist_tasks: 500,
        ..monorepo::Spec::small()
    };
    let stats = monorepo::generate(dir.path(), &spec).unwrap();
    let big = stats.big_checklist.expect("big checklist path");
    assert!(big.ends_with(monorepo::BIG_CHECKLIST_PATH));
    let text = fs::read_to_string(big).unwrap();
    let tasks = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("- [") || t.starts_with("* [")
        })
        .count();
    assert_eq!(tasks, 500);
    assert_eq!(stats.files, spec.total_files);
}
