//! `bad-suppression`: a suppression or waiver comment names a code no rule has.

use super::{ChecklistCx, ConfigCx, Rule, RuleInfo};
use crate::model::{Finding, Severity};

pub struct BadSuppression;

static INFO: RuleInfo = RuleInfo {
    code: "bad-suppression",
    severity: Severity::Warning,
    summary: "a suppression or waiver comment names a code no rule has",
    explain: include_str!("docs/bad-suppression.md"),
};

/// A rule rather than part of applying suppressions: those are applied only to files that
/// have findings, and a misspelt comment in a file that has none must show too.
impl Rule for BadSuppression {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn builds_fixes(&self) -> bool {
        false
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        check_file(cx.ws, cx.path, out);
    }

    fn check_config(&self, cx: &ConfigCx, out: &mut Vec<Finding>) {
        check_file(cx.ws, cx.path, out);
    }
}

/// The suppression comments of a checklist or config file alike.
fn check_file(ws: &crate::workspace::Workspace, path: &str, out: &mut Vec<Finding>) {
    if let Some(file) = ws.file(path) {
        out.extend(crate::analysis::suppressions_of(file).unknown_codes(path));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn a_misspelt_code_shows_in_a_file_without_other_findings() {
        let out = check(
            "bad-suppression",
            &[
                (
                    "readiness.md",
                    "# R\n<!-- readiness-disable-next-line placeholders -->\n- [x] done\n",
                ),
                (
                    ".env.production",
                    "# readiness-disable-next-line secrets-in-repo\nA=b\n",
                ),
            ],
        );
        assert_eq!(
            out,
            [
                ".env.production:1: no rule has the code `secrets-in-repo`: this comment suppresses nothing for it",
                "readiness.md:2: no rule has the code `placeholders`: this comment suppresses nothing for it",
            ]
        );
    }

    #[test]
    fn known_codes_and_no_codes_are_fine() {
        let text = "# R\n<!-- readiness-disable placeholder, broken-link -->\n<!-- readiness-disable-file -->\n- [x] done\n";
        assert!(check("bad-suppression", &[("readiness.md", text)]).is_empty());
    }
}
