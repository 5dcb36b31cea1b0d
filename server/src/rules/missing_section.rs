//! `missing-section`: the checklist has no heading for a section the rubric pack requires.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::model::{Finding, Fix, Severity};
use crate::packs::{sections_covered_by, PackSection};

pub struct MissingSection;

static INFO: RuleInfo = RuleInfo {
    code: "missing-section",
    severity: Severity::Warning,
    summary: "the checklist has no heading covering a section of the selected rubric pack",
    explain: include_str!("docs/missing-section.md"),
};

impl Rule for MissingSection {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        let sections: Vec<&PackSection> = cx.packs.iter().flat_map(|p| &p.sections).collect();
        // The first heading covering each section.
        let covered: Vec<Option<usize>> =
            sections_covered_by(&sections, cx.doc.headings.iter().map(|h| h.title.as_str()))
                .into_iter()
                .map(|hs| hs.first().copied())
                .collect();
        let covered_by = |i: usize| covered[i];
        // The first heading that any pack section matches.
        let first_matched = covered.iter().flatten().min().copied();
        // Where the document's title sits: findings point there, at the top of the file.
        let anchor = cx.doc.headings.first().map_or(0..0, |h| h.range.clone());
        let mut seen = std::collections::HashSet::new();
        for (i, section) in sections.iter().enumerate() {
            if !section.required || !seen.insert(section.id.as_str()) || covered_by(i).is_some() {
                continue;
            }
            // Insert before the heading of the next pack section the document has, so the
            // pack's order is kept; else at the end.
            let insert_at = (i + 1..sections.len())
                .filter_map(covered_by)
                .map(|h| cx.doc.headings[h].range.start)
                .min();
            let level = first_matched.map_or(2, |h| cx.doc.headings[h].level);
            let mut body = format!("{} {}\n\n", "#".repeat(level as usize), section.title);
            for item in section
                .items
                .iter()
                .filter(|it| it.level == crate::packs::Level::Must)
            {
                body.push_str(&item.line);
                body.push('\n');
            }
            let (offset, text) = match insert_at {
                Some(o) => (o, format!("{body}\n")),
                None => {
                    let sep = if cx.text.ends_with("\n\n") || cx.text.is_empty() {
                        ""
                    } else if cx.text.ends_with('\n') {
                        "\n"
                    } else {
                        "\n\n"
                    };
                    (cx.text.len(), format!("{sep}{body}"))
                }
            };
            let aliases = section
                .aliases
                .iter()
                .take(4)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            // Built even when `cx.fixes` is off: two sections of one title and aliases differ
            // only in their fixes, and the analysis drops a finding equal to the one before
            // it; without fixes it would drop one of them.
            out.push(
                Finding::formatted(
                    INFO.code,
                    cx.path,
                    anchor.clone(),
                    format_args!(
                        "no section covers {} (a heading such as: {aliases})",
                        section.title
                    ),
                )
                .with_help(crate::model::formatted!(
                    "add a \"{}\" section, or choose packs in readiness.toml",
                    section.title
                ))
                .with_fix(
                    Fix::replace(
                        format!("Insert {} section", section.title),
                        cx.path,
                        offset..offset,
                        text,
                    )
                    .preferred(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn reports_each_uncovered_required_section_once() {
        let text = "# Launch\n\n## Security\n## Secrets & configuration\n## Monitoring & Observability\n## Data & Backup\n## Performance\n## Testing & CI/CD\n## Rollback Procedures\n";
        let out = check("missing-section", &[("readiness.md", text)]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].starts_with("readiness.md:1: no section covers Incident response"),
            "{out:?}"
        );
    }
}
