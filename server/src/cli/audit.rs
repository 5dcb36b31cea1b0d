//! `readiness audit`: the probes alone, no checklist needed: a scorecard per pack section.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::packs::Pack;
use crate::probes::Outcome;
use crate::score::{self, Audit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Human,
    Json,
    Sarif,
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Repository folder (default: the current folder).
    pub path: Option<PathBuf>,
    /// Pack to use (repeatable; default: readiness.toml `packs`, else baseline).
    #[arg(long = "pack")]
    pub packs: Vec<String>,
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,
}

pub fn run(args: &AuditArgs) -> Result<String, String> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let (ws, packs) = super::init::load(&root, &args.packs)?;
    let audit = score::audit(&ws, "", &packs);
    Ok(match args.format {
        AuditFormat::Human => human(&audit, &packs),
        AuditFormat::Json => {
            serde_json::to_string_pretty(&json_value(&audit, &packs)).unwrap_or_default() + "\n"
        }
        AuditFormat::Sarif => {
            let prefix = super::report::repository_prefix(&root)?;
            serde_json::to_string_pretty(&sarif(&audit, &prefix)).unwrap_or_default() + "\n"
        }
    })
}

fn mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "FAIL",
        Outcome::NotApplicable => "n/a ",
    }
}

pub fn human(audit: &Audit, packs: &[Pack]) -> String {
    let names: Vec<&str> = packs.iter().map(|p| p.name.as_str()).collect();
    let mut out = String::new();
    let _ = writeln!(out, "Readiness audit (packs: {})\n", names.join(", "));
    let _ = writeln!(
        out,
        "{:<28} {:>5}  {:>4} {:>4} {:>4}",
        "Section", "Score", "Pass", "Fail", "N/A"
    );
    for s in &audit.sections {
        let count = |o: Outcome| s.items.iter().filter(|i| i.outcome == o).count();
        let score = s.score.map_or("-".to_string(), |v| format!("{v}%"));
        let _ = writeln!(
            out,
            "{:<28} {:>5}  {:>4} {:>4} {:>4}",
            s.title,
            score,
            count(Outcome::Pass),
            count(Outcome::Fail),
            count(Outcome::NotApplicable)
        );
    }
    let _ = writeln!(out, "\nOverall: {}/100\n", audit.score);
    for s in &audit.sections {
        let _ = writeln!(out, "{}", s.title);
        for i in &s.items {
            let detail: Vec<&str> = i.probes.iter().map(|p| p.detail.as_str()).collect();
            let _ = writeln!(
                out,
                "  {} {:<6} {}: {}",
                mark(i.outcome),
                i.level.as_str(),
                i.id,
                detail.join("; ")
            );
        }
    }
    out
}

pub fn json_value(audit: &Audit, packs: &[Pack]) -> Value {
    json!({
        "version": 1,
        "packs": packs.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "score": audit.score,
        "sections": audit.sections.iter().map(|s| json!({
            "id": s.id,
            "title": s.title,
            "weight": s.weight,
            "score": s.score,
            "items": s.items.iter().map(|i| json!({
                "id": i.id,
                "title": i.title,
                "level": i.level.as_str(),
                "result": i.outcome.as_str(),
                "probes": i.probes.iter().map(|p| json!({
                    "kind": p.kind,
                    "result": p.outcome.as_str(),
                    "looked_for": p.looked_for,
                    "detail": p.detail,
                    "evidence": p.evidence.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// SARIF 2.1.0: one result per failing probe, located at its evidence when it has some.
/// Evidence paths are relative to the audited folder; `prefix` makes them relative to the
/// repository's root, where code scanning looks for them (as `check --format sarif` does).
pub fn sarif(audit: &Audit, prefix: &str) -> Value {
    let mut rules = Vec::new();
    let mut results = Vec::new();
    for s in &audit.sections {
        for i in &s.items {
            for p in i.probes.iter().filter(|p| p.outcome == Outcome::Fail) {
                if !rules.iter().any(|r: &Value| r["id"] == i.id.as_str()) {
                    rules.push(json!({
                        "id": i.id,
                        "shortDescription": { "text": i.title },
                    }));
                }
                let level = if i.level == crate::packs::Level::Must {
                    "warning"
                } else {
                    "note"
                };
                let locations: Vec<Value> = p
                    .evidence
                    .iter()
                    .take(1)
                    .map(|e| {
                        let uri = format!("{prefix}{}", e.path);
                        let mut loc = json!({ "artifactLocation": { "uri": uri } });
                        if let Some(l) = e.line {
                            loc["region"] = json!({ "startLine": l });
                        }
                        json!({ "physicalLocation": loc })
                    })
                    .collect();
                results.push(json!({
                    "ruleId": i.id,
                    "level": level,
                    "message": { "text": format!("{}: {} (looked for {})", i.title, p.detail, p.looked_for) },
                    "locations": locations,
                }));
            }
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "readiness-audit",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
