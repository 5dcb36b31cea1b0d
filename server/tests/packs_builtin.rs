//! Built-in packs and templates: they parse, are well-formed and carry real guidance.

use std::collections::HashSet;
use std::path::Path;

use readiness::packs::{self, Level, Pack};
use regex::Regex;

fn all() -> Vec<&'static Pack> {
    packs::builtin_names()
        .iter()
        .map(|n| packs::builtin(n).unwrap_or_else(|| panic!("built-in pack {n} missing")))
        .collect()
}

#[test]
fn every_builtin_pack_parses_and_validates() {
    assert_eq!(
        packs::builtin_names(),
        ["baseline", "saas", "k8s", "llm-app"]
    );
    for pack in all() {
        packs::validate(pack, Path::new(&pack.name)).expect("valid pack");
        assert!(!pack.description.trim().is_empty(), "{}", pack.name);
        assert!(pack.extends.is_none() && pack.disable.is_empty());
    }
    assert!(packs::builtin("nope").is_none());
}

#[test]
fn baseline_sections_in_order_with_required_flags() {
    let baseline = packs::builtin("baseline").unwrap();
    let ids: Vec<&str> = baseline.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "security",
            "secrets",
            "observability",
            "data",
            "performance",
            "testing",
            "release",
            "incident",
            "docs"
        ]
    );
    for s in &baseline.sections {
        assert_eq!(s.required, s.id != "docs", "required flag of {}", s.id);
        assert!(s.weight > 0.0);
        assert!(
            s.items.len() >= 5,
            "{} has only {} items",
            s.id,
            s.items.len()
        );
    }
    let count = baseline.items().count();
    assert!(count >= 60, "baseline has {count} items");
}

#[test]
fn ids_are_unique_and_well_formed_across_all_packs() {
    let id_re = Regex::new(r"^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.[a-z0-9]+(?:-[a-z0-9]+)*$").unwrap();
    let mut seen = HashSet::new();
    for pack in all() {
        for (section, item) in pack.items() {
            let caps = id_re
                .captures(&item.id)
                .unwrap_or_else(|| panic!("bad id {}", item.id));
            assert_eq!(
                &caps[1], section.id,
                "{} is in section {}",
                item.id, section.id
            );
            assert!(seen.insert(item.id.clone()), "{} defined twice", item.id);
        }
    }
}

#[test]
fn added_sections_of_other_packs_are_not_required_and_reuse_baseline_ids() {
    let baseline = packs::builtin("baseline").unwrap();
    for name in ["saas", "k8s", "llm-app"] {
        let pack = packs::builtin(name).unwrap();
        for s in &pack.sections {
            if baseline.section(&s.id).is_none() {
                assert!(!s.required, "{name} adds required section {}", s.id);
                assert!(
                    !s.aliases.is_empty(),
                    "{name} section {} has no aliases",
                    s.id
                );
            }
        }
        assert!(pack.items().count() >= 10, "{name} is thin");
    }
}

#[test]
fn every_item_carries_real_guidance() {
    for pack in all() {
        for (section, item) in pack.items() {
            let id = &item.id;
            assert!(item.title.len() > 10, "{id} title");
            assert!(
                item.why.len() >= 120,
                "{id}: `why` is too short to be guidance"
            );
            assert!(
                item.why.matches(". ").count() + 1 >= 2,
                "{id}: `why` should be 2-4 sentences"
            );
            assert!(item.verify.len() >= 80, "{id}: `verify` too short");
            assert!(
                item.line.starts_with("- [ ] ") && !item.line.contains('\n'),
                "{id} line"
            );
            assert!(item.line.len() < 200, "{id}: line too long");
            assert!(!item.keywords.is_empty(), "{id} keywords");
            for k in item.keywords.iter().chain(&section.aliases) {
                assert_eq!(
                    k,
                    &k.to_lowercase(),
                    "{id}: keywords and aliases are lower case"
                );
            }
            for p in &item.probes {
                assert!(
                    p.description().is_some(),
                    "{id}: probe {} undescribed",
                    p.kind()
                );
            }
        }
    }
}

#[test]
fn levels_are_mixed_sensibly() {
    let baseline = packs::builtin("baseline").unwrap();
    let count = |l: Level| baseline.items().filter(|(_, i)| i.level == l).count();
    assert!(count(Level::Must) >= 20);
    assert!(count(Level::Should) >= 20);
    assert!(count(Level::Could) >= 5);
}

#[test]
fn every_probe_kind_is_used_by_some_builtin() {
    let kinds: HashSet<&str> = all()
        .into_iter()
        .flat_map(|p| {
            p.items()
                .flat_map(|(_, i)| i.probes.iter().map(|p| p.kind()))
        })
        .collect();
    for k in [
        "file_exists",
        "file_contains",
        "file_absent_or_untracked",
        "lockfile_per_ecosystem",
        "ci_step",
        "dependency_updates",
        "dockerfile_non_root",
        "k8s_probes_and_limits",
        "coverage_threshold",
    ] {
        assert!(kinds.contains(k), "no built-in item uses probe kind {k}");
    }
}

#[test]
fn every_referenced_template_exists() {
    let mut used = HashSet::new();
    for pack in all() {
        for (_, item) in pack.items() {
            if let Some(t) = &item.template {
                assert!(packs::template(t).is_some(), "{} names {t}", item.id);
                used.insert(t.as_str());
            }
        }
    }
    for t in [
        "runbook",
        "slo",
        "backup-restore",
        "incident-response",
        "rollback",
        "on-call",
    ] {
        assert!(used.contains(t), "template {t} is referenced by no item");
    }
}

#[test]
fn templates_exist_render_and_have_no_placeholders() {
    assert_eq!(packs::template_names().len(), 9);
    let bracket = Regex::new(r"\[[^\]\n]*[A-Za-z][^\]\n]*\]").unwrap();
    let angle = Regex::new(r"<[a-z][a-z _-]*>").unwrap();
    let tbd = Regex::new(r"\b(TBD|TBA|TBC|TODO|FIXME|XXX|YYYY-MM-DD|lorem ipsum)\b").unwrap();
    let var = Regex::new(r"\{\{([^}]*)\}\}").unwrap();
    // The product's placeholder rule ignores code, so examples in code may use brackets.
    let code = Regex::new(r"(?s)```.*?```|`[^`\n]*`").unwrap();
    for name in packs::template_names() {
        let raw = packs::template(name).unwrap();
        let text = &*code.replace_all(raw, "");
        assert!(raw.len() > 600, "{name} is too thin");
        assert!(packs::template_file_name(name).is_some());
        assert!(!text.contains("___"), "{name} has blanks");
        assert!(!bracket.is_match(text), "{name}: {:?}", bracket.find(text));
        assert!(!angle.is_match(text), "{name}: {:?}", angle.find(text));
        assert!(!tbd.is_match(text), "{name}: {:?}", tbd.find(text));
        for cap in var.captures_iter(text) {
            assert!(
                matches!(&cap[1], "title" | "date"),
                "{name} uses variable {}",
                &cap[1]
            );
        }
        let rendered = packs::render_template(name, "Checkout API", "2025-03-04").unwrap();
        assert!(!rendered.contains("{{"), "{name} left a variable");
        if *name != "env-example" {
            assert!(rendered.starts_with("# "), "{name} starts with a heading");
            assert!(rendered.contains("Checkout API"));
        }
    }
    assert!(packs::render_template("nope", "x", "y").is_none());
}

#[test]
fn choose_template_by_link_text_or_file_name() {
    let cases = [
        (
            "Service not ready",
            "runbooks/service-not-ready.md",
            Some("runbook"),
        ),
        (
            "Roll back config/rules",
            "runbooks/rollback-config-rules.md",
            Some("rollback"),
        ),
        (
            "Roll back the manifest",
            "../how-to/rollback-manifest.md",
            Some("rollback"),
        ),
        (
            "SLOs and freshness (pipelines)",
            "docs/operations/slos-and-freshness.md",
            Some("slo"),
        ),
        (
            "Recovery runbook",
            "docs/backup-restore.md",
            Some("backup-restore"),
        ),
        (
            "Disaster recovery plan",
            "docs/dr.md",
            Some("backup-restore"),
        ),
        (
            "Incident playbook",
            "docs/playbook.md",
            Some("incident-response"),
        ),
        (
            "Post-mortem template",
            "postmortems/template.md",
            Some("incident-response"),
        ),
        ("On-call rotation", "docs/oncall.md", Some("on-call")),
        ("Escalation contacts", "docs/contacts.md", Some("on-call")),
        (
            "Load test results",
            "perf/results.md",
            Some("load-test-plan"),
        ),
        ("Security policy", "SECURITY.md", Some("security")),
        ("Environment variables", ".env.example", Some("env-example")),
        ("Data modes", "../explanation/data-modes.md", None),
        (
            "Admin API + local bootstrap",
            "../reference/api/admin.md",
            None,
        ),
        ("README", "README.md", None),
    ];
    for (text, file, expected) in cases {
        assert_eq!(
            packs::choose_template(text, file),
            expected,
            "{text} / {file}"
        );
    }
}
