//! `--format json`: the version 1 shape, documented in the README.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::report::{Counts, Report};

fn counts(c: &Counts) -> Value {
    json!({"total": c.total, "done": c.done})
}

pub fn to_value(report: &Report) -> Value {
    let checklists: Vec<Value> = report
        .checklists
        .iter()
        .map(|c| {
            json!({
                "path": c.path,
                "tasks": counts(&c.tasks),
                "status_rows": {"total": c.status_rows.total, "done": c.status_rows.done, "partial": c.status_rows.partial},
                "sections": c.sections.iter().map(|s| json!({"title": s.title, "line": s.line, "tasks": counts(&s.tasks)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "path": d.path,
                "line": d.start.line,
                "column": d.start.column,
                "end_line": d.end.line,
                "end_column": d.end.column,
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
                "related": d.related.iter().map(|r| json!({"path": r.path, "line": r.line, "message": r.message})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let s = &report.summary;
    json!({
        "version": 1,
        "checklists": checklists,
        "diagnostics": diagnostics,
        "summary": {"files": s.files, "checklists": s.checklists, "errors": s.errors, "warnings": s.warnings, "infos": s.infos, "hints": s.hints},
    })
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
    writeln!(out)
}
