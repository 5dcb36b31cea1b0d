//! User packs on disk: `extends`, `disable`, merging, `resolve`, and error messages.

use std::path::{Path, PathBuf};

use readiness::packs::{self, Level, PackError, Probe};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/packs")
}

#[test]
fn extends_baseline_merges_sections_and_disables_items() {
    let pack = packs::load(&fixtures().join("team.toml")).expect("fixture loads");
    let baseline = packs::builtin("baseline").unwrap();
    assert_eq!(pack.name, "team-payments");
    assert_eq!(pack.extends.as_deref(), Some("baseline"));

    // Disabled items are gone; everything else of baseline is still there.
    for id in [
        "docs.api-reference",
        "release.feature-flags",
        "incident.game-days",
    ] {
        assert!(baseline.item(id).is_some());
        assert!(pack.item(id).is_none(), "{id} should be disabled");
    }
    assert_eq!(pack.items().count(), baseline.items().count() - 3 + 2);

    // Section order: baseline's first, then the new one.
    let ids: Vec<&str> = pack.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.last(), Some(&"payments"));
    assert_eq!(
        &ids[..9],
        &baseline
            .sections
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()[..]
    );

    // Merged section: weight overridden, title, aliases and required kept from baseline.
    let security = pack.section("security").unwrap();
    let base_security = baseline.section("security").unwrap();
    assert_eq!(security.weight, 3.0);
    assert_eq!(security.title, base_security.title);
    assert!(security.required);
    assert_eq!(security.aliases, base_security.aliases);
    // A known item id replaces the baseline item in place; a new one is appended.
    let pos = |id: &str| security.items.iter().position(|i| i.id == id).unwrap();
    assert_eq!(
        pos("security.rate-limiting"),
        base_security
            .items
            .iter()
            .position(|i| i.id == "security.rate-limiting")
            .unwrap()
    );
    assert_eq!(
        pack.item("security.rate-limiting").unwrap().level,
        Level::Must
    );
    assert_eq!(pos("security.pci-scope"), security.items.len() - 1);

    // New section with defaults and probes.
    let payments = pack.section("payments").unwrap();
    assert!(payments.required);
    assert_eq!(payments.weight, 1.0);
    let item = &payments.items[0];
    assert_eq!(item.template.as_deref(), Some("runbook"));
    assert!(item.aliases.is_empty());
    assert_eq!(
        item.probes[1],
        Probe::EnvSet {
            name: "PAYMENTS_LIVE_MODE".into(),
            value: Some("true".into()),
            profile: "production".into(),
            description: None,
        }
    );
}

#[test]
fn extends_chains_through_relative_paths() {
    let pack = packs::load(&fixtures().join("team-eu.toml")).expect("chain loads");
    assert!(pack.item("payments.idempotency-keys").is_none());
    assert!(pack.item("security.pci-scope").is_some());
    assert!(
        pack.item("docs.api-reference").is_none(),
        "grandparent's disable still applies"
    );
    assert!(pack.item("data.eu-residency").is_some());
    assert!(
        !pack.section("data").unwrap().required,
        "explicit required = false wins"
    );
    assert!(pack.section("payments").unwrap().items.is_empty());
}

#[test]
fn resolve_mixes_builtin_names_and_paths() {
    let got = packs::resolve(
        &[
            "baseline".into(),
            "saas".into(),
            "team.toml".into(),
            "./team-eu.toml".into(),
        ],
        &fixtures(),
    )
    .unwrap();
    let names: Vec<&str> = got.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["baseline", "saas", "team-payments", "team-payments-eu"]
    );

    let err = packs::resolve(&["kubernetes".into()], &fixtures()).unwrap_err();
    assert!(matches!(err, PackError::UnknownPack { .. }));
    assert!(
        err.to_string().contains("baseline, saas, k8s, llm-app"),
        "{err}"
    );

    let err = packs::resolve(&["missing.toml".into()], &fixtures()).unwrap_err();
    assert!(matches!(err, PackError::Io { .. }));
    assert!(err.to_string().contains("missing.toml"), "{err}");
}

#[test]
fn combine_merges_packs_side_by_side() {
    let all: Vec<_> = ["baseline", "saas", "k8s", "llm-app"]
        .iter()
        .map(|n| packs::builtin(n).unwrap().clone())
        .collect();
    let sections = packs::combine(&all);
    let ids: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        &ids[..9],
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
    assert_eq!(&ids[9..], ["tenancy", "kubernetes", "llm"]);
    let security = &sections[0];
    assert!(
        security.required,
        "saas's security section does not downgrade baseline's"
    );
    assert!(security
        .items
        .iter()
        .any(|i| i.id == "security.jwt-validation"));
    assert_eq!(security.title, "Security");
    let total: usize = all.iter().map(|p| p.items().count()).sum();
    assert_eq!(sections.iter().map(|s| s.items.len()).sum::<usize>(), total);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn toml_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad.toml",
        "name = \"x\"\ntitle = \"X\"\ndescription = \"d\"\n\n[[sections]]\nid = \"security\"\ntitel = \"typo\"\n",
    );
    let err = packs::load(&path).unwrap_err();
    match &err {
        PackError::Toml {
            path: p,
            line,
            column,
            message,
        } => {
            assert_eq!(p, &path);
            assert_eq!(*line, 7, "{message}");
            assert_eq!(*column, 1);
            assert!(message.contains("titel"), "{message}");
        }
        other => panic!("expected a TOML error, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(shown.contains("bad.toml:7:1"), "{shown}");

    let path = write(dir.path(), "syntax.toml", "name = \"x\"\ntitle = \n");
    let err = packs::load(&path).unwrap_err();
    assert!(matches!(err, PackError::Toml { line: 2, .. }), "{err}");

    let path = write(
        dir.path(),
        "probe.toml",
        "name = \"x\"\ntitle = \"X\"\ndescription = \"d\"\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n[[sections.items]]\nid = \"s.a\"\ntitle = \"A\"\nwhy = \"w\"\nverify = \"v\"\nlevel = \"must\"\nline = \"- [ ] a\"\nprobes = [{ kind = \"file_exists\", glob = [\"x\"] }]\n",
    );
    let err = packs::load(&path).unwrap_err();
    assert!(matches!(err, PackError::Toml { line: 14, .. }), "{err}");
}

#[test]
fn validation_errors_are_specific() {
    let dir = tempfile::tempdir().unwrap();
    let head = "name = \"x\"\ntitle = \"X\"\ndescription = \"d\"\n";
    let cases = [
        (
            "extends = \"baseline\"\ndisable = [\"security.nope\"]\n",
            "security.nope",
        ),
        ("extends = \"basline\"\n", "basline"),
        (
            "[[sections]]\nid = \"s\"\ntitle = \"S\"\n[[sections.items]]\nid = \"other.a\"\ntitle = \"A\"\nwhy = \"w\"\nverify = \"v\"\nlevel = \"must\"\nline = \"- [ ] a\"\n",
            "other.a",
        ),
        (
            "[[sections]]\nid = \"s\"\ntitle = \"S\"\n[[sections.items]]\nid = \"s.a\"\ntitle = \"A\"\nwhy = \"w\"\nverify = \"v\"\nlevel = \"must\"\nline = \"a\"\ntemplate = \"nope\"\n",
            "template `nope`",
        ),
        (
            "[[sections]]\nid = \"s\"\ntitle = \"S\"\n[[sections.items]]\nid = \"s.a\"\ntitle = \"A\"\nwhy = \"w\"\nverify = \"v\"\nlevel = \"must\"\nline = \"- [ ] a\"\nprobes = [{ kind = \"ci_step\", regex = \"(\" }]\n",
            "bad regex",
        ),
        ("[[sections]]\nid = \"security\"\n", "no title"),
    ];
    for (i, (body, expected)) in cases.iter().enumerate() {
        let path = write(
            dir.path(),
            &format!("case{i}.toml"),
            &format!("{head}{body}"),
        );
        let err = packs::load(&path).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains(expected), "case {i}: {shown}");
        assert!(
            shown.contains(&format!("case{i}.toml")),
            "case {i}: {shown}"
        );
    }
}

#[test]
fn extends_cycles_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let head = "title = \"X\"\ndescription = \"d\"\n";
    write(
        dir.path(),
        "a.toml",
        &format!("name = \"a\"\n{head}extends = \"./b.toml\"\n"),
    );
    write(
        dir.path(),
        "b.toml",
        &format!("name = \"b\"\n{head}extends = \"./a.toml\"\n"),
    );
    let err = packs::load(&dir.path().join("a.toml")).unwrap_err();
    assert!(matches!(err, PackError::ExtendsCycle { .. }), "{err}");
}
