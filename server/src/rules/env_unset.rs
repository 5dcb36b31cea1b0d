//! `env-unset`: the checklist names a variable that no config file mentions.

use std::collections::HashSet;

use super::{ChecklistCx, Rule, RuleInfo};
use crate::checklist::RefKind;
use crate::config::Profile;
use crate::model::{FileEdit, Finding, Fix, Severity};

pub struct EnvUnset;

static INFO: RuleInfo = RuleInfo {
    code: "env-unset",
    severity: Severity::Info,
    summary: "a checklist names an env var that no config file of the workspace mentions",
    explain: include_str!("docs/env-unset.md"),
};

impl Rule for EnvUnset {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    /// Each finding sits on the reference or requirement it is about, and depends on that
    /// item's state and the config files only: one per name and line, and a line is in
    /// one stretch.
    fn locality(&self) -> super::Locality {
        super::Locality::Item
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        let mut seen: HashSet<(&str, usize)> = HashSet::new();
        let mut named: Vec<(&str, Option<&str>, std::ops::Range<usize>, bool)> = Vec::new();
        for r in &cx.doc.references {
            if let RefKind::EnvVar {
                name,
                value,
                strict: true,
            } = &r.kind
            {
                if !cx.in_view(r.range.start) {
                    continue;
                }
                let done = r
                    .task
                    .and_then(|t| cx.doc.tasks.get(t as usize))
                    .is_some_and(|t| t.checked)
                    || r.row
                        .and_then(|i| cx.doc.status_rows.get(i as usize))
                        .is_some_and(|row| row.state == crate::checklist::ItemState::Done);
                named.push((name, value.as_deref(), r.range.clone(), done));
            }
        }
        for req in &cx.doc.env_requirements {
            // `FOO=bar` in prose is an env var only if a config defines FOO: unmentioned,
            // it is not one to report.
            if !req.strict || !cx.in_view(req.range.start) {
                continue;
            }
            let done = req
                .task
                .and_then(|t| cx.doc.tasks.get(t as usize))
                .is_some_and(|t| t.checked);
            named.push((&req.name, req.value.as_deref(), req.range.clone(), done));
        }
        named.sort_by_key(|n| n.2.start);
        let mut production: Option<Option<String>> = None;
        for (name, value, range, done) in named {
            if !cx.ws.env_defs(name).is_empty() {
                continue;
            }
            let line = cx.lines.line_of(range.start);
            if !seen.insert((name, line)) {
                continue;
            }
            let severity = if done {
                Severity::Warning
            } else {
                Severity::Info
            };
            let message = if done {
                format!("`{name}` is ticked as configured, but no config file of the workspace mentions it")
            } else {
                format!("`{name}` is not mentioned by any config file of the workspace")
            };
            let mut finding = Finding::new(INFO.code, cx.path, range, message)
                .with_severity(severity)
                .with_help(format!(
                    "define {name} in your production config and document it in .env.example"
                ));
            if cx.fixes {
                let value_text = value.unwrap_or("");
                if let Some(prod) = production
                    .get_or_insert_with(|| production_dotenv(cx))
                    .clone()
                {
                    finding = finding.with_fix(append_line_fix(
                        cx,
                        &prod,
                        &format!("Add {name}={value_text} to {prod}"),
                        &format!("{name}={value_text}"),
                    ));
                }
                let example = ".env.example";
                finding = finding.with_fix(append_line_fix(
                    cx,
                    example,
                    &format!("Document {name} in {example}"),
                    &format!("{name}="),
                ));
            }
            out.push(finding);
        }
    }
}

/// The first production dotenv file in the checklist's scope.
fn production_dotenv(cx: &ChecklistCx) -> Option<String> {
    let scope = cx.ws.scope_of(cx.path);
    cx.ws
        .files()
        .filter(|(p, _)| crate::workspace::Workspace::in_scope(scope, p))
        .find(|(_, f)| {
            f.profile == Profile::Production
                && f.kind == crate::workspace::FileKind::Config(crate::config::ConfigKind::Dotenv)
        })
        .map(|(p, _)| p.clone())
}

/// Appends `line` to `path`, creating the file when it does not exist.
fn append_line_fix(cx: &ChecklistCx, path: &str, title: &str, line: &str) -> Fix {
    let edit = match cx.ws.text(path) {
        Some(text) => {
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            FileEdit::Replace {
                path: path.to_string(),
                range: text.len()..text.len(),
                text: format!("{sep}{line}\n"),
            }
        }
        None => FileEdit::Create {
            path: path.to_string(),
            contents: format!("{line}\n"),
        },
    };
    Fix {
        title: title.to_string(),
        preferred: false,
        edits: vec![edit],
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_full;

    #[test]
    fn unmentioned_variables_fire_louder_when_done() {
        let out = check_full(
            "env-unset",
            &[
                ("readiness.md", "- [x] Set `SENTRY_DSN`\n- [ ] Set `PPROF_ENABLED=false` and `LOG_LEVEL`\n- [ ] `PORT` is 3000\n- [x] `FOO=bar`, `DEBUG=false`\n"),
                (".env.example", "LOG_LEVEL=\n"),
            ],
        );
        assert_eq!(
            out,
            [
                "readiness.md:1 warning: `SENTRY_DSN` is ticked as configured, but no config file of the workspace mentions it",
                "readiness.md:2 info: `PPROF_ENABLED` is not mentioned by any config file of the workspace",
            ]
        );
    }
}
