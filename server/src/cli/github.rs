//! `--format github`: workflow commands that GitHub Actions turns into annotations, and a
//! markdown summary appended to `$GITHUB_STEP_SUMMARY`.

use std::io::{self, Write};

use super::report::Report;
use crate::model::Severity;

/// Escapes a message (data) per the workflow command rules.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: data rules plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for (path, d) in report.diagnostics() {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let mut message = d.message.to_string();
        if let Some(help) = d.help() {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(path),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            escape_property(d.code),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// The markdown summary: one row per checklist, then totals.
pub fn step_summary(report: &Report) -> String {
    let mut s = String::from("## Readiness\n\n| Checklist | Tasks done | Status rows done | Errors | Warnings |\n|---|---|---|---|---|\n");
    for c in &report.checklists {
        s.push_str(&format!(
            "| `{}` | {}/{} | {}/{} | {} | {} |\n",
            c.path,
            c.tasks.done,
            c.tasks.total,
            c.status_rows.done,
            c.status_rows.total,
            c.errors,
            c.warnings
        ));
    }
    let t = &report.summary;
    s.push_str(&format!(
        "\n{} error(s), {} warning(s), {} info(s) in {} checklist(s) across {} file(s).\n",
        t.errors, t.warnings, t.infos, t.checklists, t.files
    ));
    s
}

pub fn append_step_summary(path: &str, report: &Report) -> io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(step_summary(report).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_text() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
