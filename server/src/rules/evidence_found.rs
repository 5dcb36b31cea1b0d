//! `evidence-found`: an open item whose probe finds it already done in the repository.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::checklist::ItemState;
use crate::model::{FileEdit, Finding, Fix, Severity};
use crate::packs::mapping::LineRef;
use crate::probes::Outcome;

pub struct EvidenceFound;

static INFO: RuleInfo = RuleInfo {
    code: "evidence-found",
    severity: Severity::Hint,
    summary: "an open item looks done: the repository has the evidence its pack item probes for",
    explain: include_str!("docs/evidence-found.md"),
};

impl Rule for EvidenceFound {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn reads_mapping(&self) -> bool {
        true
    }

    fn locality(&self) -> super::Locality {
        super::Locality::Item
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        let open = |s| matches!(s, ItemState::Open | ItemState::Partial);
        for (m, _, result) in super::probed_lines(cx, open, Outcome::Pass) {
            let evidence = result.evidence();
            let Some(first) = evidence.first() else {
                continue;
            };
            let mut finding = Finding::new(
                INFO.code,
                cx.path,
                m.range.clone(),
                format!(
                    "open, but the repository has {}: {}",
                    result.probes[0].looked_for, first
                ),
            )
            .with_help("tick it if it is really done");
            if cx.fixes {
                finding = finding.with_fix(mark_done(cx, m.line, &first.path));
            }
            out.push(finding);
        }
    }
}

/// Ticks the line and notes the evidence found.
fn mark_done(cx: &ChecklistCx, line: LineRef, shown: &str) -> Fix {
    let edits = match line {
        LineRef::Task(t) => {
            let task = &cx.doc.tasks[t];
            let end = task.range.end;
            vec![
                FileEdit::Replace {
                    path: cx.path.to_string(),
                    range: task.marker_range(),
                    text: "[x]".into(),
                },
                FileEdit::Replace {
                    path: cx.path.to_string(),
                    range: end..end,
                    text: format!(" (evidence: {shown})"),
                },
            ]
        }
        LineRef::Row(r) => {
            let row = &cx.doc.status_rows[r];
            let mut edits = vec![FileEdit::Replace {
                path: cx.path.to_string(),
                range: row.status_range.clone(),
                text: "✅ Done".into(),
            }];
            if let Some(ev) = &row.evidence_range {
                if cx.text[ev.clone()].trim().is_empty() {
                    edits.push(FileEdit::Replace {
                        path: cx.path.to_string(),
                        range: ev.clone(),
                        text: format!("`{shown}`"),
                    });
                }
            }
            edits
        }
    };
    Fix {
        title: "Mark as done".into(),
        preferred: true,
        edits,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn open_item_with_evidence() {
        let text = "# Launch\n\n## Security\n\n- [ ] SECURITY.md with disclosure contact\n";
        let files = [
            ("readiness.md", text),
            ("SECURITY.md", "# Security\n\nMail security@example.com.\n"),
        ];
        let out = check("evidence-found", &files);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert!(
            out[0].contains("a SECURITY.md policy file: SECURITY.md"),
            "{out:#?}"
        );
        assert!(check("evidence-found", &files[..1]).is_empty());
    }
}
