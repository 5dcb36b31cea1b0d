//! `missing-item`: a `must` item of a pack section the checklist covers has no line.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::model::{Finding, Fix, Severity};
use crate::packs::{mapping, Level};

pub struct MissingItem;

static INFO: RuleInfo = RuleInfo {
    code: "missing-item",
    severity: Severity::Info,
    summary: "a section the checklist covers lacks a `must` item of the rubric pack",
    explain: include_str!("docs/missing-item.md"),
};

impl Rule for MissingItem {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn reads_mapping(&self) -> bool {
        true
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        let sections = cx.sections;
        let mentioned = cx.mapped();
        for (si, hi) in mapping::covered_sections(cx.doc, sections) {
            let section = &sections[si];
            let heading = &cx.doc.headings[hi];
            // Insert after the section's last non-blank text.
            let end = heading.section.end.min(cx.text.len());
            let insert_at = cx.text[..end].trim_end().len();
            for item in section.items.iter().filter(|i| i.level == Level::Must) {
                if mentioned.mentions(&item.id) {
                    continue;
                }
                let mut finding = Finding::formatted(
                    INFO.code,
                    cx.path,
                    heading.range.clone(),
                    format_args!(
                        "{} has no item for: {} (`{}`)",
                        heading.title, item.title, item.id
                    ),
                )
                .with_help(crate::model::formatted!(
                    "add it, or mark an existing line with <!-- readiness: {} -->",
                    item.id
                ));
                if cx.fixes {
                    finding = finding.with_fix(Fix::replace(
                        format!("Add \"{}\"", item.title),
                        cx.path,
                        insert_at..insert_at,
                        format!("\n{}", item.line),
                    ));
                }
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn reports_must_items_missing_from_covered_sections_only() {
        let text = "# Launch\n\n## Release & rollback\n\n- [x] Rollback steps written in docs/rollback.md\n";
        let out = check("missing-item", &[("readiness.md", text)]);
        assert!(!out.is_empty());
        assert!(
            out.iter()
                .all(|l| l.starts_with("readiness.md:3: Release & rollback has no item for")),
            "{out:#?}"
        );
        assert!(
            !out.iter().any(|l| l.contains("release.rollback-procedure")),
            "{out:#?}"
        );
    }
}
