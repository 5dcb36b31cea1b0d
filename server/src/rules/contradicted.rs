//! `contradicted`: a ticked item whose probe finds the opposite in the repository.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::checklist::ItemState;
use crate::model::{Finding, Fix, Related, Severity};
use crate::packs::mapping::LineRef;
use crate::probes::Outcome;

pub struct Contradicted;

static INFO: RuleInfo = RuleInfo {
    code: "contradicted",
    severity: Severity::Warning,
    summary: "a ticked item is contradicted by the repository (a probe of its pack item fails)",
    explain: include_str!("docs/contradicted.md"),
};

impl Rule for Contradicted {
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
        for (m, item, result) in super::probed_lines(cx, |s| s == ItemState::Done, Outcome::Fail) {
            let Some(failed) = result.failure() else {
                continue;
            };
            let mut finding = Finding::formatted(
                INFO.code,
                cx.path,
                m.range.clone(),
                format_args!(
                    "ticked: {}, but {}",
                    lower_first(&item.title),
                    failed.detail
                ),
            )
            .with_help(crate::model::formatted!(
                "fix the repository or untick it; looked for {}",
                failed.looked_for
            ));
            for ev in &failed.evidence {
                let range = cx
                    .ws
                    .line_index(&ev.path)
                    .zip(ev.line)
                    .map_or(0..0, |(li, l)| {
                        let start = li.line_start(l.saturating_sub(1));
                        start..start
                    });
                finding = finding.with_related(Related {
                    path: ev.path.clone(),
                    range,
                    message: failed.detail.clone().into(),
                });
            }
            if let (LineRef::Task(t), true) = (m.line, cx.fixes) {
                let marker = cx.doc.tasks[t].marker_range();
                finding = finding.with_fix(Fix::replace(
                    "Untick it".into(),
                    cx.path,
                    marker,
                    "[ ]".into(),
                ));
            }
            out.push(finding);
        }
    }
}

pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !c.clone().next().is_some_and(|n| n.is_uppercase()) => {
            f.to_lowercase().chain(c).collect()
        }
        Some(f) => std::iter::once(f).chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn ticked_lockfile_item_without_lockfile() {
        let text = "# Launch\n\n## Testing\n\n- [x] Lockfiles committed for every package manifest <!-- readiness: testing.lockfiles-committed -->\n";
        let files = [("readiness.md", text), ("package.json", "{}\n")];
        let out = check("contradicted", &files);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert!(
            out[0].contains("but package.json has no lockfile"),
            "{out:#?}"
        );
        let mut with_lock = files.to_vec();
        with_lock.push(("package-lock.json", "{}\n"));
        assert!(check("contradicted", &with_lock).is_empty());
    }
}
