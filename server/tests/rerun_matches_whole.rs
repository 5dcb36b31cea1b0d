//! Checking a checklist again after an edit, re-running only the edited stretch's items for
//! the rules of one item (`analysis::check_checklist_again`), must give exactly the
//! findings of a whole check: same findings, same order, same ranges, fixes and related
//! places. Random checklists in a small workspace where every item rule fires, random edits
//! one after the other, the two checks compared after each.

use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;
use readiness::analysis::{check_checklist_again, check_checklist_with, Options, RuleRuns};
use readiness::date::Date;
use readiness::model::Finding;
use readiness::workspace::{LoadOptions, Workspace};

const CHECKLIST: &str = "readiness.md";

/// Lines of a checklist; each makes some rule fire or not.
const ITEMS: &[&str] = &[
    // env-mismatch: production says true.
    "- [ ] Set `DEV_AUTH_ENABLED=false` in production",
    "- [x] `LOG_LEVEL=info` everywhere",
    // env-unset: no config file names it; twice on one line, in a table, in a paragraph.
    "- [x] `SENTRY_DSN` is set, `SENTRY_DSN=https://x` too",
    "| Profiling off | ✅ | `PPROF_ENABLED=false` |",
    "Also `UNSET_FLAG=on` somewhere.",
    // missing-evidence, or not.
    "- [x] Backups via `scripts/backup.sh`",
    "- [x] Restore via `scripts/restore.sh`",
    "- [x] Runbook at `docs/new-runbook.md`",
    // broken-link: a missing file, a missing heading, this file's own headings.
    "- [ ] See the [runbook](docs/runbook.md#restore)",
    "- [ ] See the [runbook](docs/runbook.md#restor)",
    "- [ ] See the [incident runbook](docs/incident-runbook.md)",
    "- [ ] Back to [security](#security) and [nowhere](#nowhere)",
    // contradicted (no SECURITY.md) and evidence-found (.env.example exists).
    "- [x] A security policy tells people how to report vulnerabilities",
    "- [ ] Every configuration variable is documented in `.env.example`",
    "  - [ ] A nested open task",
    // Mapped to pack items: by words, and by a marker on the line before.
    "- [ ] Rate limits protect login and expensive endpoints",
    "- [x] Security headers and a strict CORS policy",
    "<!-- readiness: security.tls-everywhere -->",
    "- [ ] Certificates renew on their own",
    "| Rollback rehearsed | ⚠️ | `scripts/rollback.sh` |",
    "  - [x] A nested done task with `scripts/gone.sh`",
    "| Item | Status | Evidence |\n| --- | --- | --- |\n| Backups | ✅ | `scripts/nothing.sh` |\n| Policy | ❌ | [p](docs/policy.md) |",
    "```bash\nDEV_AUTH_ENABLED=false\nLOG_LEVEL=debug\n```",
    "**Next Review**: 2025-01-01",
    "Owner: [Name] - [Email]",
    "Plain words between the tasks.",
    "",
];

const HEADINGS: &[&str] = &[
    "## Security",
    "## Backups",
    "### Restore drills",
    "## Observability",
];

fn section() -> impl Strategy<Value = String> {
    (
        prop::sample::select(HEADINGS),
        prop::collection::vec(prop::sample::select(ITEMS), 0..8),
    )
        .prop_map(|(heading, items)| format!("{heading}\n\n{}\n", items.join("\n")))
}

fn checklist() -> impl Strategy<Value = String> {
    prop::collection::vec(section(), 1..6)
        .prop_map(|sections| format!("# Readiness\n\n{}", sections.join("\n")))
}

#[derive(Debug, Clone)]
enum Edit {
    /// Replace line `at` (of however many there are) with an item.
    Replace(f64, &'static str),
    /// Insert an item before line `at`.
    Insert(f64, &'static str),
    Delete(f64),
    /// Type a character at the end of a line.
    Type(f64, char),
    /// Tick or untick the first box of a line.
    Toggle(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0.0..1.0f64;
    prop_oneof![
        3 => (at.clone(), prop::sample::select(ITEMS)).prop_map(|(a, i)| Edit::Replace(a, i)),
        2 => (at.clone(), prop::sample::select(ITEMS)).prop_map(|(a, i)| Edit::Insert(a, i)),
        1 => at.clone().prop_map(Edit::Delete),
        1 => (at.clone(), prop::sample::select(ITEMS)).prop_map(|(a, i)| Edit::Replace(a, Box::leak(format!("{i}\r- [ ] after a lone CR").into_boxed_str()))),
        4 => (at.clone(), prop::sample::select(vec!['x', ' ', '`', '[', '#', '\r'])).prop_map(|(a, c)| Edit::Type(a, c)),
        2 => at.prop_map(Edit::Toggle),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    // Split at `\n` only: a `\r` typed stays in the text, as a line break of its own.
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let pick = |at: f64, n: usize| ((at * n as f64) as usize).min(n.saturating_sub(1));
    match edit {
        Edit::Replace(at, item) => {
            let i = pick(*at, lines.len());
            lines[i] = item.to_string();
        }
        Edit::Insert(at, item) => {
            let i = pick(*at, lines.len() + 1);
            lines.insert(i, item.to_string());
        }
        Edit::Delete(at) => {
            let i = pick(*at, lines.len());
            lines.remove(i);
        }
        Edit::Type(at, c) => {
            let i = pick(*at, lines.len());
            lines[i].push(*c);
        }
        Edit::Toggle(at) => {
            let i = pick(*at, lines.len());
            lines[i] = if lines[i].contains("[ ]") {
                lines[i].replacen("[ ]", "[x]", 1)
            } else {
                lines[i].replacen("[x]", "[ ]", 1)
            };
        }
    }
    lines.join("\n")
}

fn workspace(root: &Path, checklist: &str) -> Workspace {
    let files = [
        (".env.production", "DEV_AUTH_ENABLED=true\nLOG_LEVEL=info\n"),
        (".env.example", "DEV_AUTH_ENABLED=\nLOG_LEVEL=\n"),
        ("docs/runbook.md", "# Runbook\n\n## Restore\n"),
        ("scripts/backup.sh", "#!/bin/sh\n"),
        (CHECKLIST, checklist),
    ];
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    Workspace::load(root, &LoadOptions::default()).unwrap()
}

fn today() -> Date {
    Date::parse_iso("2026-06-01").unwrap()
}

/// With fixes (as a code action asks) or without (as the language server checks).
fn options(fixes: bool) -> Options<'static> {
    Options { skip: &[], fixes }
}

fn whole(ws: &Workspace, fixes: bool) -> Vec<Finding> {
    let packs = readiness::analysis::workspace_packs(ws).unwrap();
    check_checklist_with(ws, CHECKLIST, today(), &packs, &options(fixes))
}

fn again(
    ws: &Workspace,
    fixes: bool,
    previous: Option<RuleRuns>,
) -> (Vec<Finding>, Option<RuleRuns>) {
    let packs = readiness::analysis::workspace_packs(ws).unwrap();
    check_checklist_again(ws, CHECKLIST, today(), &packs, &options(fixes), previous)
}

/// Checks `start` again after each of `edits`, and holds each check to a whole one.
fn edits_agree(start: String, edits: &[Edit], fixes: bool) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), &start);
    let (first, mut runs) = again(&ws, fixes, None);
    prop_assert_eq!(&first, &whole(&ws, fixes));
    let mut text = start;
    for e in edits {
        text = apply(&text, e);
        ws.set_file(CHECKLIST, Some(Arc::from(text.as_str())));
        let (found, kept) = again(&ws, fixes, runs);
        prop_assert_eq!(&found, &whole(&ws, fixes), "after {:?}:\n{}", e, text);
        runs = kept;
    }
    Ok(())
}

/// A checklist long enough that its rules run side by side (from 1,000 tasks and rows:
/// `analysis::PARALLEL_RULES_FROM`) and its items and kept findings are copied with their
/// memory asked for ahead (`readiness::prefetch`):
/// the random one, then a section of 1,100 tasks, where most random edits land.
fn long_checklist() -> impl Strategy<Value = String> {
    checklist().prop_map(|mut text| {
        let tasks: Vec<&str> = ITEMS
            .iter()
            .copied()
            .filter(|i| i.starts_with("- ["))
            .collect();
        text.push_str("\n## Observability\n\n");
        for i in 0..1100 {
            text.push_str(tasks[i % tasks.len()]);
            text.push('\n');
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn checking_again_after_edits_finds_what_a_whole_check_finds(
        start in checklist(),
        edits in prop::collection::vec(edit(), 1..10),
        fixes in any::<bool>(),
    ) {
        edits_agree(start, &edits, fixes)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn checking_a_long_checklist_again_finds_what_a_whole_check_finds(
        start in long_checklist(),
        edits in prop::collection::vec(edit(), 1..5),
        fixes in any::<bool>(),
    ) {
        edits_agree(start, &edits, fixes)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The mapping to pack items, moved outside the stretch and mapped again inside it,
    /// equals mapping the whole edited checklist.
    #[test]
    fn a_stretch_mapped_again_equals_the_whole_mapping(
        start in checklist(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        use readiness::checklist::{parse, reparse_stretch};
        use readiness::packs::mapping::{map_document, remap};
        let packs = readiness::packs::resolve(&["baseline".to_string()], Path::new(".")).unwrap();
        let sections = readiness::packs::combined(&packs);
        let mut text = start;
        let mut doc = parse(&text);
        let mut mapped = map_document(&text, &doc, &sections);
        for e in &edits {
            let new_text = apply(&text, e);
            let whole_doc = parse(&new_text);
            let whole = map_document(&new_text, &whole_doc, &sections);
            if let Some((new_doc, stretch)) = reparse_stretch(&text, &doc, &new_text) {
                let again = remap(&new_text, &new_doc, &sections, &doc, &mapped, &stretch);
                prop_assert_eq!(&again, &*whole, "after {:?}:\n{}", e, new_text);
            }
            text = new_text;
            doc = whole_doc;
            mapped = whole;
        }
    }
}

/// The test above is worth something only if edits inside a stretch are told to the
/// analysis: a typical keystroke is, and its check then agrees with a whole one.
#[test]
fn a_keystroke_in_a_task_is_an_edit_of_one_stretch() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Readiness\n\n## Security\n\n- [ ] Set `DEV_AUTH_ENABLED=false` in production\n- [x] Restore via `scripts/restore.sh`\n\n## Backups\n\n- [ ] See the [runbook](docs/runbook.md#restor)\n";
    let mut ws = workspace(dir.path(), text);
    let (before, runs) = again(&ws, true, None);
    assert!(before.iter().any(|f| f.code == "env-mismatch"));
    assert!(before.iter().any(|f| f.code == "broken-link"));

    let typed = text.replace("in production", "in productionx");
    ws.set_file(CHECKLIST, Some(Arc::from(typed.as_str())));
    let edit = ws.last_edit().expect("one stretch re-parsed");
    assert_eq!(edit.path, CHECKLIST);
    assert_eq!(edit.stretch.delta, 1);
    assert!(edit.stretch.lines_kept);
    let (after, _) = again(&ws, true, runs);
    assert_eq!(after, whole(&ws, true));
    // The broken link after the stretch moved by the one byte typed.
    let link = |fs: &[Finding]| {
        fs.iter()
            .find(|f| f.code == "broken-link")
            .map(|f| f.range.clone())
            .unwrap()
    };
    assert_eq!(link(&after).start, link(&before).start + 1);
}

/// A change to a config file is no edit of the checklist: every rule runs again, and the
/// mismatch it fixed is gone.
#[test]
fn a_config_change_between_checks_runs_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Readiness\n\n## Security\n\n- [ ] Set `DEV_AUTH_ENABLED=false` in production\n";
    let mut ws = workspace(dir.path(), text);
    let (before, runs) = again(&ws, true, None);
    assert!(before.iter().any(|f| f.code == "env-mismatch"));
    ws.set_file(
        ".env.production",
        Some(Arc::from("DEV_AUTH_ENABLED=false\nLOG_LEVEL=info\n")),
    );
    assert!(ws.last_edit().is_none());
    let (after, _) = again(&ws, true, runs);
    assert!(!after.iter().any(|f| f.code == "env-mismatch"));
    assert_eq!(after, whole(&ws, true));
}
