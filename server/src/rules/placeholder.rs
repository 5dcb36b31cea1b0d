//! `placeholder`: template text nobody filled in.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::model::{Finding, Severity};

pub struct Placeholder;

static INFO: RuleInfo = RuleInfo {
    code: "placeholder",
    severity: Severity::Warning,
    summary: "unfilled template text: `[Name]`, `<APP_NAME>`, `YYYY-MM-DD`, `TBD`, `______`",
    explain: include_str!("docs/placeholder.md"),
};

impl Rule for Placeholder {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn builds_fixes(&self) -> bool {
        false
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        for p in &cx.doc.placeholders {
            out.push(
                Finding::new(
                    INFO.code,
                    cx.path,
                    p.range.clone(),
                    format!("unfilled placeholder `{}`", p.text),
                )
                .with_help("fill it in, or remove it if it does not apply"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn template_blanks_fire_outside_code() {
        let out = check(
            "placeholder",
            &[("readiness.md", "# R\n\n- Lead: [Name] - [Email]\n- Date: YYYY-MM-DD\n- Owner: TBD\n\n`[Name]` in code is fine\n")],
        );
        assert_eq!(
            out,
            [
                "readiness.md:3: unfilled placeholder `[Name]`",
                "readiness.md:3: unfilled placeholder `[Email]`",
                "readiness.md:4: unfilled placeholder `YYYY-MM-DD`",
                "readiness.md:5: unfilled placeholder `TBD`",
            ]
        );
    }
}
