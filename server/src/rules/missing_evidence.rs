//! `missing-evidence`: a done item names a file that is not there.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::checklist::{ItemState, RefKind};
use crate::model::{FileEdit, Finding, Fix, Severity};
use crate::workspace::PathResolution;

pub struct MissingEvidence;

static INFO: RuleInfo = RuleInfo {
    code: "missing-evidence",
    severity: Severity::Error,
    summary: "a done task or status row names a path that does not exist",
    explain: include_str!("docs/missing-evidence.md"),
};

impl Rule for MissingEvidence {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn locality(&self) -> super::Locality {
        super::Locality::Item
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        // A checklist cites the same evidence many times; each resolution that misses the
        // index asks the disk (ignored files count), so resolve each path once.
        let mut missing_paths: foldhash::HashMap<&str, bool> = foldhash::HashMap::default();
        for reference in &cx.doc.references {
            let RefKind::Path { path } = &reference.kind else {
                continue;
            };
            if !cx.in_view(reference.range.start) {
                continue;
            }
            let done_task = reference
                .task
                .and_then(|t| cx.doc.tasks.get(t as usize))
                .filter(|t| t.checked);
            let done_row = reference
                .row
                .and_then(|r| cx.doc.status_rows.get(r as usize))
                .filter(|r| r.state == ItemState::Done);
            if done_task.is_none() && done_row.is_none() {
                continue;
            }
            let is_missing = *missing_paths.entry(&**path).or_insert_with(|| {
                matches!(
                    cx.ws.resolve_evidence(cx.path, path),
                    PathResolution::Missing
                )
            });
            if !is_missing {
                continue;
            }
            let missing = path;
            // `/healthz` that is not a file is a URL route, not evidence.
            if missing.starts_with('/') {
                continue;
            }
            let item: &str = done_task
                .map(|t| &*t.text)
                .or(done_row.map(|r| &*r.label))
                .unwrap_or_default();
            let mut finding = Finding::new(
                INFO.code,
                cx.path,
                reference.range.clone(),
                format!(
                    "`{missing}` is offered as evidence for a done item, but it does not exist"
                ),
            )
            .with_help(format!(
                "commit {missing}, correct the path, or mark \"{}\" as not done",
                super::snippet(item, 60)
            ));
            if cx.fixes && crate::workspace::is_markdown(missing) && !missing.contains('*') {
                let target = crate::workspace::normalize("", missing.trim_start_matches("./"))
                    .unwrap_or(missing.to_string());
                finding = finding.with_fix(Fix {
                    title: format!("Create {target}"),
                    preferred: false,
                    edits: vec![FileEdit::Create {
                        path: target.clone(),
                        contents: format!("# {}\n", target.rsplit('/').next().unwrap_or(&target)),
                    }],
                });
            }
            if let (Some(task), true) = (done_task, cx.fixes) {
                finding = finding.with_fix(Fix::replace(
                    "Mark as not done".to_string(),
                    cx.path,
                    task.marker_range(),
                    "[ ]".to_string(),
                ));
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn done_items_with_missing_paths_fire() {
        let out = check(
            "missing-evidence",
            &[
                (
                    "docs/readiness.md",
                    "# R\n- [x] Backup script (`scripts/backup.sh`)\n- [x] Rate limit in `core/rate_limit.py`\n- [ ] Later: `scripts/later.sh`\n- [x] Probe `/healthz`\n\n| Item | Status | Evidence |\n|---|---|---|\n| Runbook | ✅ Done | `docs/runbook.md` |\n| Drill | ❌ No | `docs/drill.md` |\n",
                ),
                ("apps/api/core/rate_limit.py", ""),
            ],
        );
        assert_eq!(
            out,
            [
                "docs/readiness.md:2: `scripts/backup.sh` is offered as evidence for a done item, but it does not exist",
                "docs/readiness.md:9: `docs/runbook.md` is offered as evidence for a done item, but it does not exist",
            ]
        );
    }

    #[test]
    fn line_suffixes_resolve_to_the_file() {
        let out = check(
            "missing-evidence",
            &[
                (
                    "docs/go-live.md",
                    "- [x] `src/main.rs:42` `src/main.rs:42:7` `Dockerfile:3`\n- [x] `src/gone.rs:10`\n",
                ),
                ("src/main.rs", ""),
                ("Dockerfile", "FROM alpine\n"),
            ],
        );
        assert_eq!(
            out,
            ["docs/go-live.md:2: `src/gone.rs` is offered as evidence for a done item, but it does not exist"]
        );
    }

    #[test]
    fn spans_that_name_no_repository_file_are_no_evidence() {
        let out = check(
            "missing-evidence",
            &[(
                "docs/go-live.md",
                "- [x] `application/json` `text/plain` `image/*`\n- [x] `ghcr.io/org/app:1.2` `nginx:1.25` `localhost:5000/app` `app@sha256:abc`\n- [x] `X-Request-ID/X-Trace-ID` `~/.ssh/config`\n",
            )],
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn paths_resolve_from_the_checklist_folder_the_root_and_globs() {
        let out = check(
            "missing-evidence",
            &[
                (
                    "docs/readiness.md",
                    "- [x] `ops/a.md` `scripts/b.sh` `migrations/*` `docs/operations/`\n",
                ),
                ("docs/ops/a.md", ""),
                ("scripts/b.sh", ""),
                ("migrations/001.sql", ""),
                ("docs/operations/x.md", ""),
            ],
        );
        assert!(out.is_empty(), "{out:?}");
    }
}
