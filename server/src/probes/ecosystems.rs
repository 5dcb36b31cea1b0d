//! `lockfile_per_ecosystem`: every package manifest has its lockfile beside it (committed,
//! when the manifest itself is tracked by git).

use super::{file_evidence, parent_dir, Evidence, Outcome, ProbeResult, Prober};
use crate::packs::Probe;

const NODE_LOCKS: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "bun.lockb",
    "bun.lock",
];
const PYTHON_LOCKS: &[&str] = &["poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock"];

#[derive(Default)]
struct State {
    found: Vec<Evidence>,
    problems: Vec<(String, Option<Evidence>)>,
    manifests: usize,
}

pub(super) fn lockfiles(p: &Prober, probe: &Probe) -> ProbeResult {
    let ws = p.workspace();
    let mut st = State::default();
    // A lockfile that exists counts when the manifest is untracked (no git) or it is tracked.
    let check = |manifest: &str, lock: &str| -> Option<bool> {
        ws.file(lock)?;
        Some(!ws.is_tracked(manifest) || ws.is_tracked(lock))
    };
    let judge = |st: &mut State, manifest: &str, candidates: Vec<String>, what: &str| {
        st.manifests += 1;
        let mut untracked = None;
        for lock in &candidates {
            match check(manifest, lock) {
                Some(true) => {
                    st.found.push(file_evidence(lock));
                    return;
                }
                Some(false) => untracked = untracked.or(Some(lock.clone())),
                None => {}
            }
        }
        match untracked {
            Some(lock) => st.problems.push((
                format!("{lock} is not committed"),
                Some(file_evidence(&lock)),
            )),
            None => st
                .problems
                .push((format!("{manifest} has no {what}"), None)),
        }
    };
    let beside = |manifest: &str, names: &[&str]| -> Vec<String> {
        let dir = parent_dir(manifest);
        names
            .iter()
            .map(|n| {
                if dir.is_empty() {
                    n.to_string()
                } else {
                    format!("{dir}/{n}")
                }
            })
            .collect()
    };

    for manifest in p.named(&["package.json"]) {
        judge(&mut st, manifest, beside(manifest, NODE_LOCKS), "lockfile");
    }
    for manifest in p.named(&["Cargo.toml"]) {
        // Cargo.lock sits beside the manifest or at the root of its Cargo workspace.
        let mut candidates = Vec::new();
        let mut dir = parent_dir(manifest);
        loop {
            candidates.push(if dir.is_empty() {
                "Cargo.lock".to_string()
            } else {
                format!("{dir}/Cargo.lock")
            });
            if dir.is_empty() {
                break;
            }
            dir = parent_dir(dir);
        }
        judge(&mut st, manifest, candidates, "Cargo.lock");
    }
    for manifest in p.named(&["go.mod"]) {
        let requires = p.text(manifest).is_some_and(|t| t.contains("require"));
        if requires {
            judge(&mut st, manifest, beside(manifest, &["go.sum"]), "go.sum");
        }
    }
    // Python: one project per folder holding pyproject.toml, Pipfile or requirements.txt.
    let mut dirs: Vec<&str> = p
        .named(&["pyproject.toml", "requirements.txt", "Pipfile"])
        .into_iter()
        .filter(|m| {
            !m.ends_with("pyproject.toml")
                || p.text(m)
                    .is_some_and(|t| t.contains("dependencies") || t.contains("requires-python"))
        })
        .map(parent_dir)
        .collect();
    dirs.dedup();
    for dir in dirs {
        let join = |n: &str| {
            if dir.is_empty() {
                n.to_string()
            } else {
                format!("{dir}/{n}")
            }
        };
        let requirements = join("requirements.txt");
        if let Some(text) = ws.file(&requirements).and_then(|_| p.text(&requirements)) {
            if fully_pinned(&text) {
                st.manifests += 1;
                st.found.push(file_evidence(&requirements));
                continue;
            }
        }
        let manifest = ["pyproject.toml", "Pipfile", "requirements.txt"]
            .iter()
            .map(|n| join(n))
            .find(|m| ws.file(m).is_some())
            .unwrap_or_else(|| join("requirements.txt"));
        judge(
            &mut st,
            &manifest,
            PYTHON_LOCKS.iter().map(|n| join(n)).collect(),
            "lockfile (poetry.lock, uv.lock, Pipfile.lock, pdm.lock) or fully pinned requirements.txt",
        );
    }

    let State {
        found,
        problems,
        manifests,
    } = st;
    if manifests == 0 {
        return ProbeResult::new(
            probe,
            Outcome::NotApplicable,
            Vec::new(),
            "no package manifest".into(),
        );
    }
    if let Some((detail, ev)) = problems.into_iter().next() {
        return ProbeResult::new(probe, Outcome::Fail, ev.into_iter().collect(), detail);
    }
    let detail = format!(
        "lockfiles: {}",
        found
            .iter()
            .map(|e| e.path.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    ProbeResult::new(probe, Outcome::Pass, found, detail)
}

/// Whether every requirement line pins an exact version (`==`, `===` or a direct `@` URL).
pub(crate) fn fully_pinned(text: &str) -> bool {
    let mut any = false;
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        any = true;
        if !(line.contains("==") || line.contains(" @ ")) {
            return false;
        }
    }
    any
}
