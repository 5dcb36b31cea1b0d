//! `unchecked`: an open task (a hint, hidden in the CLI unless `--include-hints`).

use super::{ChecklistCx, Rule, RuleInfo};
use crate::model::{Finding, Severity};

pub struct Unchecked;

static INFO: RuleInfo = RuleInfo {
    code: "unchecked",
    severity: Severity::Hint,
    summary: "an open task",
    explain: include_str!("docs/unchecked.md"),
};

impl Rule for Unchecked {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn builds_fixes(&self) -> bool {
        false
    }

    fn locality(&self) -> super::Locality {
        super::Locality::Item
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        for task in cx
            .doc
            .tasks
            .iter()
            .filter(|t| !t.checked && cx.in_view(t.range.start))
        {
            out.push(Finding::new(
                INFO.code,
                cx.path,
                task.range.clone(),
                format!("open: {}", super::snippet(&task.text, 80)),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    #[test]
    fn only_open_tasks() {
        let out = check("unchecked", &[("readiness.md", "- [x] done\n- [ ] todo\n")]);
        assert_eq!(out, ["readiness.md:2: open: todo"]);
    }
}
