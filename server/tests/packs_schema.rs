//! `checklists/pack.schema.json` describes exactly what the Rust types accept.
//!
//! Field names come from serialising fully populated values (serde uses the same names in
//! both directions); required fields are checked by deserialising objects that contain only
//! the schema's required fields, and each of them minus one field.

use std::collections::BTreeSet;

use readiness::packs::{self, Level, Pack, PackItem, PackSection, Probe};
use serde_json::{json, Map, Value};

const SCHEMA: &str = include_str!("../../checklists/pack.schema.json");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("pack.schema.json is valid JSON")
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn required(def: &Value) -> BTreeSet<String> {
    def["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn some() -> Option<String> {
    Some("x".into())
}

fn all_probes() -> Vec<Probe> {
    let globs = vec!["**/*.md".to_string()];
    vec![
        Probe::FileExists {
            globs: globs.clone(),
            description: some(),
        },
        Probe::FileContains {
            globs: globs.clone(),
            regex: "x".into(),
            description: some(),
        },
        Probe::FileAbsentOrUntracked {
            globs,
            description: some(),
        },
        Probe::EnvSet {
            name: "X".into(),
            value: some(),
            profile: "production".into(),
            description: some(),
        },
        Probe::LockfilePerEcosystem {
            description: some(),
        },
        Probe::CiStep {
            regex: "x".into(),
            description: some(),
        },
        Probe::DependencyUpdates {
            description: some(),
        },
        Probe::DockerfileNonRoot {
            description: some(),
        },
        Probe::K8sProbesAndLimits {
            description: some(),
        },
        Probe::CoverageThreshold {
            min: 80,
            description: some(),
        },
    ]
}

fn full_pack() -> Pack {
    Pack {
        name: "p".into(),
        title: "P".into(),
        description: "d".into(),
        extends: Some("baseline".into()),
        disable: vec!["a.b".into()],
        sections: vec![PackSection {
            id: "s".into(),
            title: "S".into(),
            aliases: vec!["s".into()],
            required: true,
            weight: 1.0,
            items: vec![PackItem {
                id: "s.a".into(),
                title: "A".into(),
                aliases: vec!["a".into()],
                keywords: vec!["a".into()],
                why: "w".into(),
                verify: "v".into(),
                level: Level::Should,
                line: "- [ ] a".into(),
                template: Some("runbook".into()),
                probes: all_probes(),
            }],
        }],
        sections_key: None,
    }
}

#[test]
fn schema_lists_exactly_the_fields_of_pack_section_and_item() {
    let schema = schema();
    let value = serde_json::to_value(full_pack()).unwrap();
    assert_eq!(keys(&schema["properties"]), keys(&value), "Pack fields");
    let section = &value["sections"][0];
    assert_eq!(
        keys(&schema["$defs"]["section"]["properties"]),
        keys(section),
        "PackSection fields"
    );
    let item = &section["items"][0];
    assert_eq!(
        keys(&schema["$defs"]["item"]["properties"]),
        keys(item),
        "PackItem fields"
    );
    for def in [
        &schema,
        &schema["$defs"]["section"],
        &schema["$defs"]["item"],
    ] {
        assert_eq!(
            def["additionalProperties"],
            json!(false),
            "deny_unknown_fields mirrored"
        );
    }
}

#[test]
fn schema_lists_every_probe_kind_with_its_fields() {
    let schema = schema();
    let variants = schema["$defs"]["probe"]["oneOf"].as_array().unwrap();
    let probes = all_probes();
    assert_eq!(
        variants.len(),
        probes.len(),
        "one schema variant per Probe variant"
    );
    for probe in probes {
        let value = serde_json::to_value(&probe).unwrap();
        let kind = probe.kind();
        assert_eq!(value["kind"], json!(kind), "serde tag equals Probe::kind()");
        let def = variants
            .iter()
            .find(|v| v["properties"]["kind"]["const"] == json!(kind))
            .unwrap_or_else(|| panic!("schema has no probe kind {kind}"));
        assert_eq!(keys(&def["properties"]), keys(&value), "fields of {kind}");
        assert_eq!(def["additionalProperties"], json!(false), "{kind}");
        check_required(
            def,
            &value,
            |v| serde_json::from_value::<Probe>(v).is_ok(),
            kind,
        );
    }
}

/// An object with only the schema-required fields deserialises; dropping any one fails.
fn check_required(def: &Value, full: &Value, parses: impl Fn(Value) -> bool, what: &str) {
    let req = required(def);
    let minimal: Map<String, Value> = full
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| req.contains(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert!(
        parses(Value::Object(minimal.clone())),
        "{what}: schema-required fields suffice"
    );
    for field in &req {
        let mut fewer = minimal.clone();
        fewer.remove(field);
        assert!(
            !parses(Value::Object(fewer)),
            "{what}: `{field}` is required by serde too"
        );
    }
}

#[test]
fn schema_required_fields_match_serde() {
    let schema = schema();
    let value = serde_json::to_value(full_pack()).unwrap();
    let mut pack = value.clone();
    pack["sections"] = json!([]);
    check_required(
        &schema,
        &pack,
        |v| serde_json::from_value::<Pack>(v).is_ok(),
        "Pack",
    );
    let mut section = value["sections"][0].clone();
    section["items"] = json!([]);
    check_required(
        &schema["$defs"]["section"],
        &section,
        |v| serde_json::from_value::<PackSection>(v).is_ok(),
        "PackSection",
    );
    let mut item = value["sections"][0]["items"][0].clone();
    item["probes"] = json!([]);
    check_required(
        &schema["$defs"]["item"],
        &item,
        |v| serde_json::from_value::<PackItem>(v).is_ok(),
        "PackItem",
    );
}

#[test]
fn schema_enums_match_levels_and_templates() {
    let schema = schema();
    let item = &schema["$defs"]["item"]["properties"];
    assert_eq!(item["level"]["enum"], json!(["must", "should", "could"]));
    for l in [Level::Must, Level::Should, Level::Could] {
        assert_eq!(serde_json::to_value(l).unwrap(), json!(l.as_str()));
    }
    assert_eq!(item["template"]["enum"], json!(packs::template_names()));
}
