//! `missing-section`: the checklist has no heading for a section the rubric pack requires.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::model::{Finding, Fix, Severity};
use crate::packs::{normalize_heading, PackSection};

/// Each section's title and aliases, as given and normalised (` phrase `, empty ones
/// dropped: they match nothing).
type PhraseCache = Option<(Vec<Vec<String>>, Vec<Vec<String>>)>;

thread_local! {
    static PHRASES: std::cell::RefCell<PhraseCache> = const { std::cell::RefCell::new(None) };
}

fn raw_phrases(s: &PackSection) -> impl Iterator<Item = &String> {
    std::iter::once(&s.title).chain(&s.aliases)
}

/// Runs `f` on the normalised phrases of `sections`, computing them only when the sections
/// differ from the previous call's on this thread.
fn with_phrases<R>(sections: &[&PackSection], f: impl FnOnce(&[Vec<String>]) -> R) -> R {
    PHRASES.with(|cell| {
        let mut cache = cell.borrow_mut();
        let fresh = cache.as_ref().is_some_and(|(raw, _)| {
            raw.len() == sections.len()
                && raw
                    .iter()
                    .zip(sections)
                    .all(|(r, s)| r.iter().eq(raw_phrases(s)))
        });
        if !fresh {
            let raw: Vec<Vec<String>> = sections
                .iter()
                .map(|s| raw_phrases(s).cloned().collect())
                .collect();
            let normalized = raw
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|p| normalize_heading(p))
                        .filter(|p| !p.is_empty())
                        .map(|p| format!(" {p} "))
                        .collect()
                })
                .collect();
            *cache = Some((raw, normalized));
        }
        let (_, normalized) = cache.as_ref().expect("filled above");
        f(normalized)
    })
}

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
        // `PackSection::matches_heading` normalises the heading and every alias on each call;
        // here each heading is normalised once per checklist and the pack's phrases once per
        // thread (cached while the packs stay the same), with the same matching rule.
        let headings: Vec<String> = cx
            .doc
            .headings
            .iter()
            .map(|h| {
                let n = normalize_heading(&h.title);
                if n.is_empty() {
                    n
                } else {
                    format!(" {n} ")
                }
            })
            .collect();
        let covered: Vec<Option<usize>> = with_phrases(&sections, |phrases| {
            phrases
                .iter()
                .map(|ps| {
                    headings
                        .iter()
                        .position(|h| !h.is_empty() && ps.iter().any(|p| h.contains(p.as_str())))
                })
                .collect()
        });
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
                Finding::new(
                    INFO.code,
                    cx.path,
                    anchor.clone(),
                    format!(
                        "no section covers {} (a heading such as: {aliases})",
                        section.title
                    ),
                )
                .with_help(format!(
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
