//! `--format sarif`: SARIF 2.1.0, one result per diagnostic, rules with their help text.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{json, Value};

use super::json::seq;
use super::report::{Diagnostic, Report};
use crate::model::Severity;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// The SARIF document, with its results serialized one at a time as they are made: built
/// whole as a `Value`, the report of a large check took ~1 GB.
#[derive(Serialize)]
struct Sarif<R: Serialize> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

#[derive(Serialize)]
struct Run<R: Serialize> {
    tool: Value,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: R,
}

fn tool() -> Value {
    let rules: Vec<Value> = crate::rules::all()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.code,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.explain, "markdown": r.explain},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    json!({"driver": {
        "name": "readiness",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://github.com/readiness/readiness",
        "rules": rules,
    }})
}

fn result(path: &str, d: &Diagnostic) -> Value {
    let rule_index = crate::rules::all().position(|r| r.code == d.code);
    let mut message = d.message.to_string();
    if let Some(help) = d.help() {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": path, "uriBaseId": "SRCROOT"},
                "region": {
                    "startLine": d.start.line,
                    "startColumn": d.start.column,
                    "endLine": d.end.line,
                    "endColumn": d.end.column,
                },
            },
        }],
        "relatedLocations": d.related.iter().enumerate().map(|(i, r)| json!({
            "id": i,
            "message": {"text": r.message},
            "physicalLocation": {
                "artifactLocation": {"uri": &*r.path, "uriBaseId": "SRCROOT"},
                "region": {"startLine": r.line},
            },
        })).collect::<Vec<_>>(),
        "partialFingerprints": {"readiness/v1": d.fingerprint()},
    })
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let results = report.diagnostics().map(|(path, d)| result(path, d));
    let sarif = Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: tool(),
            column_kind: "unicodeCodePoints",
            results: seq(results),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}
