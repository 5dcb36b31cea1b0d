//! `--format sarif`: SARIF 2.1.0, one result per diagnostic, rules with their help text.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::report::Report;
use crate::model::Severity;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

pub fn to_value(report: &Report) -> Value {
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
    let rule_index = |code: &str| crate::rules::all().position(|r| r.code == code);
    let results: Vec<Value> = report
        .diagnostics()
        .map(|(path, d)| {
            let mut message = d.message.to_string();
            if let Some(help) = d.help() {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            json!({
                "ruleId": d.code,
                "ruleIndex": rule_index(d.code),
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
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "readiness",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/readiness/readiness",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
    writeln!(out)
}
