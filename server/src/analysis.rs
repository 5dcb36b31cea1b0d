//! Running the rules over a workspace: packs, rules, severities from settings, suppressions.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::date::Date;
use crate::model::Finding;
use crate::packs::{self, Pack, PackError};
use crate::rules::{ChecklistCx, ConfigCx, RULES};
use crate::suppress::Suppressions;
use crate::workspace::Workspace;

mod rerun;
pub(crate) mod side_by_side;
use rerun::Plan;
pub use rerun::RuleRuns;
pub use side_by_side::warm_up;

/// Which files to analyse.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every checklist and every config file.
    All,
    /// These checklists only (and the findings they cause in config files).
    Checklists(Vec<String>),
}

/// The packs a workspace selects (readiness.toml `packs`, default `baseline`).
pub fn workspace_packs(ws: &Workspace) -> Result<Vec<Pack>, PackError> {
    let names = if ws.settings.packs.is_empty() {
        vec!["baseline".to_string()]
    } else {
        ws.settings.packs.clone()
    };
    packs::resolve(&names, &ws.root)
}

/// What a caller wants of an analysis beyond the findings themselves.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Codes of rules not to run.
    pub skip: &'a [&'a str],
    /// Whether findings carry their ready-made fixes. Only the language server offers
    /// them; no CLI format prints them, and building them (titles, edits, whole rendered
    /// templates) cost a large check about a third of its findings' memory.
    pub fixes: bool,
}

impl Options<'_> {
    /// Every rule, with fixes: what a code action asks for (the language server publishes
    /// checklists' findings without them, config files' with them).
    pub const FULL: Options<'static> = Options {
        skip: &[],
        fixes: true,
    };
}

/// Findings of one checklist (some of which may sit in config files it constrains),
/// before severities and suppressions are applied.
pub fn check_checklist(ws: &Workspace, path: &str, today: Date, packs: &[Pack]) -> Vec<Finding> {
    check_checklist_with(ws, path, today, packs, &Options::FULL)
}

/// [`check_checklist`] without the rules whose codes are in `skip`.
pub fn check_checklist_skipping(
    ws: &Workspace,
    path: &str,
    today: Date,
    packs: &[Pack],
    skip: &[&str],
) -> Vec<Finding> {
    check_checklist_with(ws, path, today, packs, &Options { skip, fixes: true })
}

/// [`check_checklist`] as `options` say.
pub fn check_checklist_with(
    ws: &Workspace,
    path: &str,
    today: Date,
    packs: &[Pack],
    options: &Options,
) -> Vec<Finding> {
    run_checklist(ws, path, today, packs, options, None).0
}

/// [`check_checklist_with`], given what the last check of this checklist kept: after one
/// edit of it and nothing else, only the edited stretch's items are checked again by the
/// rules of one item (see [`rerun`]); on the same workspace they do not run again. The
/// findings are the same as [`check_checklist_with`]'s, and so are their order, with one
/// exception: a path the index does not hold (in an ignored folder) is looked up on disk
/// when its item is checked, and a kept finding keeps that answer. A caller that keeps
/// runs for long checks whole now and then (the language server: on every pause).
/// Returns the findings with what to hand to the next check.
pub fn check_checklist_again(
    ws: &Workspace,
    path: &str,
    today: Date,
    packs: &[Pack],
    options: &Options,
    previous: Option<RuleRuns>,
) -> (Vec<Finding>, Option<RuleRuns>) {
    run_checklist(ws, path, today, packs, options, Some(previous))
}

/// The rules on one checklist; `keep` is `Some` when the caller wants runs to hand back
/// (holding those of the last check, if any).
fn run_checklist(
    ws: &Workspace,
    path: &str,
    today: Date,
    packs: &[Pack],
    options: &Options,
    keep: Option<Option<RuleRuns>>,
) -> (Vec<Finding>, Option<RuleRuns>) {
    let Some(file) = ws.file(path) else {
        return (Vec::new(), None);
    };
    let (Some(text), Some(doc), Some(lines)) =
        (file.text.as_deref(), file.document(), file.lines.as_deref())
    else {
        return (Vec::new(), None);
    };
    // A checklist may choose its own packs in front matter.
    let own_packs;
    let packs = if doc.front_matter.packs.is_empty() {
        packs
    } else {
        own_packs =
            packs::resolve(&doc.front_matter.packs, &ws.root).unwrap_or_else(|_| packs.to_vec());
        &own_packs
    };
    let sections = packs::combined(packs);
    let mapped = std::sync::OnceLock::new();
    let cx = ChecklistCx {
        ws,
        path,
        text,
        doc,
        lines,
        today,
        packs,
        sections: &sections,
        fixes: options.fixes,
        mapped: &mapped,
        view: None,
    };
    let key = keep.is_some().then(|| rerun::RunsKey {
        path: path.to_string(),
        today,
        fixes: options.fixes,
        skip: options.skip.iter().map(|s| s.to_string()).collect(),
        sections: packs::mapping::sections_key(&sections),
    });
    let (plans, old_mapping) = match (keep, &key) {
        (Some(previous), Some(key)) => rerun::plan(ws, RULES, previous, key),
        _ => (RULES.iter().map(|_| Plan::Whole).collect(), None),
    };
    // The mapping after an edit, made from the old one. Rules asking for it meanwhile wait
    // for it (`get_or_init`) instead of mapping the whole checklist themselves.
    let remap = old_mapping.map(|old| {
        let (mapped, sections) = (&mapped, &sections);
        move || {
            mapped.get_or_init(|| old.now(text, doc, sections));
        }
    });
    let run = |(rule, plan): (&&dyn crate::rules::Rule, Plan)| {
        let mut found = Vec::new();
        if options.skip.contains(&rule.info().code) {
            return found;
        }
        match plan {
            Plan::Whole => rule.check_checklist(&cx, &mut found),
            Plan::Keep(kept) => found = kept,
            Plan::Stretch {
                found: last,
                stretch,
            } => match rerun::split(last, &stretch, path) {
                // A finding with no place in the checklist to tell: run over the whole.
                None => rule.check_checklist(&cx, &mut found),
                Some((before, after)) => {
                    found = before;
                    let in_stretch = ChecklistCx {
                        view: Some(stretch.new_range()),
                        ..cx
                    };
                    let kept = found.len();
                    rule.check_checklist(&in_stretch, &mut found);
                    // A rule of one item that forgot `in_view` would report its items twice.
                    debug_assert!(found[kept..]
                        .iter()
                        .all(|f| rerun::origin(f, path).is_some_and(|at| in_stretch.in_view(at))));
                    found.extend(after);
                }
            },
        }
        mark_deferred(*rule, &mut found, options);
        found
    };
    // A long checklist is what someone is typing in: its rules run side by side, this
    // thread starting at once and one of rayon's joining when it wakes (see
    // `side_by_side`). Short ones are not worth the hand-over (a workspace check runs many
    // of them in parallel anyway). Findings stay in rule order either way.
    let mut runs: Vec<Vec<Finding>> = if runs_side_by_side(doc) {
        // The mapping first, then the rules that do not read it, then those that do:
        // by the time one of those starts, the mapping is made or well under way.
        let order: Vec<usize> = (0..RULES.len())
            .filter(|&i| !RULES[i].reads_mapping())
            .chain((0..RULES.len()).filter(|&i| RULES[i].reads_mapping()))
            .collect();
        let first = remap.map(|r| Box::new(r) as Box<dyn FnOnce() + Send + '_>);
        side_by_side::run(first, RULES.iter().zip(plans).collect(), &order, run)
    } else {
        if let Some(remap) = remap {
            remap();
        }
        RULES.iter().zip(plans).map(run).collect()
    };
    share_paths(runs.iter_mut().flatten());
    match key {
        Some(key) => {
            let doc = file.document_arc().cloned().unwrap_or_default();
            let (out, kept) = RuleRuns::keep(ws, key, runs, doc, mapped.get().cloned());
            (out, Some(kept))
        }
        // Moved, not cloned: `concat` copied every finding once more.
        None => (runs.into_iter().flatten().collect(), None),
    }
}

/// One copy of each path among a checklist's findings (most sit in its own file; the
/// language server keeps them all, tens of thousands on a monorepo).
fn share_paths<'f>(findings: impl IntoIterator<Item = &'f mut Finding>) {
    use std::sync::Arc;
    let mut seen: Vec<Arc<str>> = Vec::new();
    for f in findings {
        // Most already share one (those kept from the last check): no count touched.
        if seen.iter().any(|p| Arc::ptr_eq(p, &f.path)) {
            continue;
        }
        match seen.iter().find(|p| **p == f.path) {
            Some(p) => f.path = p.clone(),
            None => seen.push(f.path.clone()),
        }
    }
}

/// Findings built without fixes say so (`Finding::fixes_deferred`), when their rule has
/// any to build: a code action on an `unchecked` hint must not analyse a checklist again
/// for nothing.
fn mark_deferred(rule: &dyn crate::rules::Rule, findings: &mut [Finding], options: &Options) {
    if !options.fixes && rule.builds_fixes() {
        for f in findings.iter_mut().filter(|f| f.fixes.is_empty()) {
            f.fixes_deferred = true;
        }
    }
}

/// Tasks and status rows from which a checklist's rules run in parallel.
const PARALLEL_RULES_FROM: usize = 1000;

/// Whether a checklist's rules run on two threads ([`side_by_side`]), for a caller that can
/// get the second one ready ([`warm_up`]) while it does something else first.
pub fn runs_side_by_side(doc: &crate::checklist::Document) -> bool {
    doc.tasks.len() + doc.status_rows.len() >= PARALLEL_RULES_FROM
}

/// Findings of one config file (secrets), before severities and suppressions.
pub fn check_config(ws: &Workspace, path: &str) -> Vec<Finding> {
    check_config_with(ws, path, &Options::FULL)
}

/// [`check_config`] as `options` say.
pub fn check_config_with(ws: &Workspace, path: &str, options: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(file) = ws.file(path) else {
        return out;
    };
    let (Some(text), Some(config)) = (file.text.as_deref(), file.config()) else {
        return out;
    };
    let cx = ConfigCx {
        ws,
        path,
        text,
        config,
        profile: file.profile,
        fixes: options.fixes,
    };
    for rule in RULES {
        if !options.skip.contains(&rule.info().code) {
            let from = out.len();
            rule.check_config(&cx, &mut out);
            mark_deferred(*rule, &mut out[from..], options);
        }
    }
    out
}

/// Applies rule levels from settings and the suppression comments of each file, then sorts.
pub fn finish(ws: &Workspace, today: Date, findings: Vec<Finding>) -> Vec<Finding> {
    flatten(finish_by_file(ws, today, vec![findings]))
}

/// [`finish`] of findings that come in batches (one per checklist, say), giving each file's
/// findings apart, in path order: what a caller that handles one file at a time wants,
/// without the findings ever being held twice.
pub fn finish_by_file(
    ws: &Workspace,
    today: Date,
    batches: Vec<Vec<Finding>>,
) -> Vec<Vec<Finding>> {
    // Group by file, keeping the order findings came in within a file. Counting first lets
    // each file's list be allocated at its size when its first finding comes, while the
    // batches before are already gone: each finding is moved once, never held twice.
    // Findings come in runs of one file (a checklist's own, mostly): a path is looked up
    // once per run, not once per finding.
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut run: Option<(&str, usize)> = None;
    for f in batches.iter().flatten() {
        if level(ws, f).is_some() {
            match &mut run {
                Some((path, n)) if *path == &*f.path => *n += 1,
                _ => {
                    if let Some((path, n)) = run.replace((&*f.path, 1)) {
                        *counts.entry(path).or_default() += n;
                    }
                }
            }
        }
    }
    if let Some((path, n)) = run {
        *counts.entry(path).or_default() += n;
    }
    let sizes: Vec<usize> = counts.values().copied().collect();
    let paths: Vec<String> = counts.into_keys().map(str::to_string).collect();
    // One file (a keystroke's checklist): leveled and settled where its findings lie, on
    // this thread. Moving 3,500 findings one by one into a list of their own, then into
    // the caller's, was half of settling them.
    if let [path] = &paths[..] {
        let mut run = flatten(batches);
        run.retain_mut(|f| set_level(ws, f));
        settle(ws, today, path, &mut run);
        return if run.is_empty() { vec![] } else { vec![run] };
    }
    let mut runs: Vec<Vec<Finding>> = paths.iter().map(|_| Vec::new()).collect();
    let mut last: Option<(std::sync::Arc<str>, usize)> = None;
    for f in batches.into_iter().flatten().filter_map(|f| leveled(ws, f)) {
        // Every kept finding's path was counted above.
        let i = match &last {
            Some((path, i)) if *path == f.path => Some(*i),
            _ => paths.binary_search_by(|p| p.as_str().cmp(&f.path)).ok(),
        };
        if let Some(i) = i {
            last = Some((f.path.clone(), i));
            if runs[i].capacity() == 0 {
                runs[i].reserve_exact(sizes[i]);
            }
            runs[i].push(f);
        }
    }
    // Settle each file on its own thread.
    runs.par_iter_mut()
        .zip(paths.par_iter())
        .for_each(|(findings, path)| settle(ws, today, path, findings));
    runs.retain(|run| !run.is_empty());
    runs
}

/// The level settings give a finding's rule; None when they turn it off.
fn level(ws: &Workspace, f: &Finding) -> Option<crate::model::Severity> {
    ws.settings.severity(f.code, f.severity)
}

/// A finding at the level settings give its rule, or None when they turn it off.
fn leveled(ws: &Workspace, mut f: Finding) -> Option<Finding> {
    set_level(ws, &mut f).then_some(f)
}

/// Gives a finding the level settings give its rule; false when they turn it off.
fn set_level(ws: &Workspace, f: &mut Finding) -> bool {
    let Some(severity) = level(ws, f) else {
        return false;
    };
    if ws.settings.rules.contains_key(f.code) {
        f.severity = severity;
    }
    true
}

/// Settles all the (leveled, at least one) findings of the file at `path`: its suppression
/// comments, then position order without duplicates.
fn settle(ws: &Workspace, today: Date, path: &str, findings: &mut Vec<Finding>) {
    if let (Some(file), Some(lines)) = (ws.file(path), ws.line_index(path)) {
        let suppressions = suppressions_of(file);
        suppressions.apply(path, lines, today, findings);
        // Expired waivers obey rule levels too.
        findings.retain(|f| level(ws, f).is_some());
    }
    // Stable: findings at one place keep the order their rule gave (pack order, say).
    findings.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    findings.dedup();
}

fn flatten(mut runs: Vec<Vec<Finding>>) -> Vec<Finding> {
    if runs.len() == 1 {
        return runs.pop().unwrap_or_default(); // as it is, not moved again
    }
    let mut out = Vec::with_capacity(runs.iter().map(Vec::len).sum());
    for run in runs {
        out.extend(run);
    }
    out
}

/// Suppression comments of a file: HTML comments in markdown, `#` comments in config.
pub fn suppressions_of(file: &crate::workspace::SourceFile) -> Suppressions {
    if let Some(doc) = file.document() {
        Suppressions::from_comments(
            doc.html_comments
                .iter()
                .map(|c| (c.body.as_str(), c.range.clone())),
        )
    } else if let Some(cfg) = file.config() {
        Suppressions::from_comments(cfg.comments.iter().map(|(b, r)| (b.as_str(), r.clone())))
    } else {
        Suppressions::default()
    }
}

/// Every finding in scope, in path and position order.
pub fn analyze(ws: &Workspace, today: Date, scope: &Scope) -> Result<Vec<Finding>, PackError> {
    analyze_skipping(ws, today, scope, &[])
}

/// [`analyze`] without running the rules whose codes are in `skip`: for a caller that
/// would drop all their findings anyway (the CLI hides hints, and `unchecked` finds one
/// per open task). The other findings are the same: rules are independent, and dropping
/// findings of one code changes neither the order nor the suppressions of the others.
pub fn analyze_skipping(
    ws: &Workspace,
    today: Date,
    scope: &Scope,
    skip: &[&str],
) -> Result<Vec<Finding>, PackError> {
    let options = Options { skip, fixes: true };
    analyze_by_file(ws, today, scope, &options).map(flatten)
}

impl Scope {
    /// The checklists this scope analyses.
    fn checklists<'w>(&'w self, ws: &'w Workspace) -> Vec<&'w str> {
        match self {
            Scope::All => ws.checklists().map(String::as_str).collect(),
            Scope::Checklists(paths) => paths.iter().map(String::as_str).collect(),
        }
    }
}

/// A batch of findings without its growth slack: all batches are alive at once.
fn shrunk(mut batch: Vec<Finding>) -> Vec<Finding> {
    batch.shrink_to_fit();
    batch
}

/// Every config file's own findings (secrets), one batch per file, in parallel.
fn config_batches<'w>(
    ws: &'w Workspace,
    options: &'w Options,
) -> impl ParallelIterator<Item = Vec<Finding>> + 'w {
    let configs: Vec<&str> = ws
        .files()
        .filter(|(_, f)| f.config().is_some())
        .map(|(p, _)| p.as_str())
        .collect();
    configs
        .into_par_iter()
        .map(move |p| shrunk(check_config_with(ws, p, options)))
}

/// [`analyze`] as `options` say, each file's findings apart (see [`finish_by_file`]).
/// Without fixes the findings are the same but for their empty `fixes`, dedup included:
/// a rule's fix follows from the rest of its finding, except for `missing-section`, which
/// therefore always builds its fix.
pub fn analyze_by_file(
    ws: &Workspace,
    today: Date,
    scope: &Scope,
    options: &Options,
) -> Result<Vec<Vec<Finding>>, PackError> {
    let packs = workspace_packs(ws)?;
    let checklists = scope.checklists(ws);
    let mut batches: Vec<Vec<Finding>> = checklists
        .par_iter()
        .map(|p| shrunk(check_checklist_with(ws, p, today, &packs, options)))
        .collect();
    if matches!(scope, Scope::All) {
        batches.par_extend(config_batches(ws, options));
    }
    Ok(finish_by_file(ws, today, batches))
}

/// [`analyze_by_file`] with each file's findings handed to `convert` (on the thread that
/// has them) as soon as they are settled, and dropped: the results, one per file with
/// findings, come in path order. For a caller that keeps something smaller than findings:
/// the findings of all checklists never exist at once.
///
/// `each_checklist` runs for each checklist in scope right after its rules, on the same
/// thread, where the rules' per-document caches (the mapping of its lines to the packs)
/// are still warm; its results come first, in scope order.
///
/// A checklist's findings in its own file are complete when its rules have run, as long as
/// no other analysis adds to that file. Every rule's findings elsewhere are in config
/// files, and a checklist named twice is settled with the rest; should another analysis
/// add to a settled checklist anyway, everything is redone the plain way, so the results
/// are always those of [`analyze_by_file`].
pub fn analyze_converting<E: Send, T: Send>(
    ws: &Workspace,
    today: Date,
    scope: &Scope,
    options: &Options,
    each_checklist: impl Fn(&str) -> E + Sync,
    convert: impl Fn(Vec<Finding>) -> T + Sync,
) -> Result<(Vec<E>, Vec<T>), PackError> {
    let packs = workspace_packs(ws)?;
    let checklists = scope.checklists(ws);
    let mut named: HashMap<&str, usize> = HashMap::with_capacity(checklists.len());
    for p in &checklists {
        *named.entry(p).or_default() += 1;
    }
    type Early<T> = Option<(String, T)>;
    // A checklist's findings: its own file's results when they can be settled now, and the
    // findings to settle with the rest.
    let settle_early = |p: &str, mut batch: Vec<Finding>| -> (Early<T>, Vec<Finding>) {
        if named.get(p) != Some(&1) {
            batch.shrink_to_fit();
            return (None, batch);
        }
        let (own, mut rest): (Vec<Finding>, Vec<Finding>) =
            batch.into_iter().partition(|f| *f.path == *p);
        rest.shrink_to_fit();
        let mut own: Vec<Finding> = own.into_iter().filter_map(|f| leveled(ws, f)).collect();
        if own.is_empty() {
            return (None, rest);
        }
        settle(ws, today, p, &mut own);
        if own.is_empty() {
            return (None, rest);
        }
        (Some((p.to_string(), convert(own))), rest)
    };
    // Per checklist: `each_checklist`'s result, its own file's results if settled early, and
    // its other findings.
    // The config files' rules side by side with the checklists', not after them: each
    // parallel loop ends with one thread finishing its last items while the other waits,
    // and the config files fill that wait.
    type Analysed<E, T> = Vec<(E, Early<T>, Vec<Finding>)>;
    let (analysed, configs): (Analysed<E, T>, Vec<Vec<Finding>>) = rayon::join(
        || {
            checklists
                .par_iter()
                .map(|&p| {
                    let batch = check_checklist_with(ws, p, today, &packs, options);
                    let each = each_checklist(p);
                    let (early, rest) = settle_early(p, batch);
                    (each, early, rest)
                })
                .collect()
        },
        || match scope {
            Scope::All => config_batches(ws, options).collect(),
            Scope::Checklists(_) => Vec::new(),
        },
    );
    let mut each: Vec<E> = Vec::with_capacity(analysed.len());
    let mut early: Vec<(String, T)> = Vec::new();
    let mut batches: Vec<Vec<Finding>> = Vec::with_capacity(analysed.len() + configs.len());
    for (e, settled, rest) in analysed {
        each.push(e);
        early.extend(settled);
        batches.push(rest);
    }
    batches.extend(configs);
    let settled_early = |path: &str| named.get(path) == Some(&1);
    if batches
        .iter()
        .flatten()
        .any(|f| settled_early(&f.path) && level(ws, f).is_some())
    {
        drop(early);
        drop(batches);
        let runs = analyze_by_file(ws, today, scope, options)?;
        return Ok((each, runs.into_par_iter().map(&convert).collect()));
    }
    let runs = finish_by_file(ws, today, batches);
    let mut late: Vec<(String, T)> = runs
        .into_par_iter()
        .map(|run| {
            let path = run.first().map(|f| f.path.to_string()).unwrap_or_default();
            (path, convert(run))
        })
        .collect();
    // Both in path order, with no path in both (checked above).
    early.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::with_capacity(early.len() + late.len());
    let mut late_iter = late.drain(..).peekable();
    for (path, result) in early {
        while let Some((_, r)) = late_iter.next_if(|(l, _)| *l < path) {
            out.push(r);
        }
        out.push(result);
    }
    out.extend(late_iter.map(|(_, r)| r));
    Ok((each, out))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::workspace::LoadOptions;

    /// The example and rule fixture workspaces: every rule fires in one of them, with
    /// suppressions, expired waivers and findings in config files.
    fn fixtures() -> Vec<PathBuf> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut roots = vec![repo.join("examples/demo"), repo.join("examples/clean")];
        for dir in ["tests/fixtures/rules", "tests/fixtures/repos"] {
            let mut found: Vec<PathBuf> = std::fs::read_dir(repo.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            found.sort();
            roots.extend(found);
        }
        roots
    }

    fn today() -> Date {
        Date::parse_iso("2026-11-22").unwrap()
    }

    /// A long checklist's rules that read the mapping are queued after the others
    /// (`Rule::reads_mapping`): a rule saying so wrongly would wait on the mapping, or make
    /// its own while it is under way.
    #[test]
    fn the_rules_that_read_the_mapping_say_so() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo");
        let ws = Workspace::load(&root, &LoadOptions::default()).unwrap();
        let packs = workspace_packs(&ws).unwrap();
        let sections = packs::combined(&packs);
        let path = ws.checklists().next().unwrap().clone();
        let file = ws.file(&path).unwrap();
        for rule in RULES {
            let mapped = std::sync::OnceLock::new();
            let cx = ChecklistCx {
                ws: &ws,
                path: &path,
                text: file.text.as_deref().unwrap(),
                doc: file.document().unwrap(),
                lines: file.lines.as_deref().unwrap(),
                today: today(),
                packs: &packs,
                sections: &sections,
                fixes: false,
                mapped: &mapped,
                view: None,
            };
            rule.check_checklist(&cx, &mut Vec::new());
            assert_eq!(
                mapped.get().is_some(),
                rule.reads_mapping(),
                "{}",
                rule.info().code
            );
        }
    }

    #[test]
    fn a_long_checklist_runs_its_rules_in_parallel_with_findings_in_rule_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("# Launch\n\n**Next Review**: 2020-01-01\n\n## Security\n\n");
        for i in 0..PARALLEL_RULES_FROM {
            let state = if i % 3 == 0 { "x" } else { " " };
            text.push_str(&format!(
                "- [{state}] Rotate key {n} in `docs/missing-{n}.md` with `LOG_LEVEL=info`\n",
                n = i % 40
            ));
        }
        std::fs::write(dir.path().join("readiness.md"), &text).unwrap();
        std::fs::write(dir.path().join(".env.production"), "LOG_LEVEL=debug\n").unwrap();
        let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        let packs = workspace_packs(&ws).unwrap();
        let all = check_checklist(&ws, "readiness.md", today(), &packs);
        // Each rule alone, one after the other: what the sequential path gives.
        let mut one_by_one = Vec::new();
        for rule in RULES {
            let code = rule.info().code;
            let others: Vec<&str> = RULES
                .iter()
                .map(|r| r.info().code)
                .filter(|c| *c != code)
                .collect();
            one_by_one.extend(check_checklist_skipping(
                &ws,
                "readiness.md",
                today(),
                &packs,
                &others,
            ));
        }
        assert_eq!(all, one_by_one);
        let codes: std::collections::HashSet<&str> = all.iter().map(|f| f.code).collect();
        for code in [
            "missing-evidence",
            "env-mismatch",
            "duplicate-item",
            "unchecked",
        ] {
            assert!(codes.contains(code), "{code} should fire: {codes:?}");
        }
    }

    #[test]
    fn findings_without_fixes_are_the_same_but_for_them() {
        let (mut fixed, mut deferred) = (0, 0);
        for root in fixtures() {
            let ws = Workspace::load(&root, &LoadOptions::default()).unwrap();
            let with = analyze_by_file(&ws, today(), &Scope::All, &Options::FULL).unwrap();
            let options = Options {
                skip: &[],
                fixes: false,
            };
            let without = analyze_by_file(&ws, today(), &Scope::All, &options).unwrap();
            let stripped: Vec<Vec<Finding>> = with
                .into_iter()
                .map(|run| {
                    run.into_iter()
                        .map(|mut f| {
                            fixed += usize::from(!f.fixes.is_empty());
                            // A rule that says it has no fixes has none.
                            let rule = RULES.iter().find(|r| r.info().code == f.code);
                            assert!(
                                f.fixes.is_empty() || rule.is_none_or(|r| r.builds_fixes()),
                                "{} builds fixes",
                                f.code
                            );
                            // Kept without fixes too (see `missing-section`).
                            if f.code != "missing-section" {
                                f.fixes.clear();
                            }
                            f
                        })
                        .collect()
                })
                .collect();
            // Rule findings say their fixes were not built (a front end may ask again).
            let mut without = without;
            for f in without.iter_mut().flatten() {
                deferred += usize::from(f.fixes_deferred);
                f.fixes_deferred = false;
            }
            assert_eq!(stripped, without, "{}", root.display());
        }
        assert!(fixed > 10, "the fixtures have fixes to drop: {fixed}");
        assert!(deferred > fixed, "findings say they have none: {deferred}");
    }

    /// A file settled alone (as a keystroke's checklist is) settles as it does among the
    /// findings of other files: the same levels, suppressions and order.
    #[test]
    fn one_file_settles_alone_as_among_others() {
        // Levels and suppressions that change what settles, beside the fixtures.
        let own = tempfile::tempdir().unwrap();
        std::fs::write(
            own.path().join("readiness.toml"),
            "[rules]\nunchecked = \"warning\"\n",
        )
        .unwrap();
        std::fs::write(
            own.path().join("launch-checklist.md"),
            "# Launch\n\n## Security\n\n- [ ] Rotate `API_KEY`\n\
             <!-- readiness-disable-next-line unchecked -->\n- [ ] Pen test\n\
             - [x] Backups in `docs/backup.md`\n- [ ] Rotate `API_KEY`\n",
        )
        .unwrap();
        std::fs::write(own.path().join(".env.production"), "API_KEY=\n").unwrap();
        let mut files = 0;
        for root in fixtures().into_iter().chain([own.path().to_path_buf()]) {
            let ws = Workspace::load(&root, &LoadOptions::default()).unwrap();
            let packs = workspace_packs(&ws).unwrap();
            for path in ws.checklists() {
                let raw = check_checklist(&ws, path, today(), &packs);
                let own: Vec<Finding> = raw.iter().filter(|f| *f.path == **path).cloned().collect();
                let alone = finish(&ws, today(), own);
                // Two batches: grouped by file finding by finding, as a workspace is.
                let among: Vec<Finding> = finish_by_file(&ws, today(), vec![raw, Vec::new()])
                    .into_iter()
                    .flatten()
                    .filter(|f| *f.path == **path)
                    .collect();
                assert_eq!(alone, among, "{path} in {}", root.display());
                files += usize::from(!alone.is_empty());
            }
        }
        assert!(files > 5, "{files}");
    }

    /// Findings of a rule without fixes are not marked deferred: a code action on them
    /// (an `unchecked` hint, say) must not analyse the checklist again for nothing.
    #[test]
    fn only_findings_of_rules_with_fixes_are_deferred() {
        let options = Options {
            skip: &[],
            fixes: false,
        };
        let mut seen = std::collections::BTreeSet::new();
        for root in fixtures() {
            let ws = Workspace::load(&root, &LoadOptions::default()).unwrap();
            for f in analyze_by_file(&ws, today(), &Scope::All, &options)
                .unwrap()
                .into_iter()
                .flatten()
            {
                let builds = RULES
                    .iter()
                    .find(|r| r.info().code == f.code)
                    .is_some_and(|r| r.builds_fixes());
                assert_eq!(f.fixes_deferred, builds && f.fixes.is_empty(), "{}", f.code);
                seen.insert((f.code, f.fixes_deferred));
            }
        }
        assert!(seen.contains(&("unchecked", false)), "{seen:?}");
        assert!(seen.contains(&("broken-link", true)), "{seen:?}");
    }

    #[test]
    fn converting_as_files_settle_gives_what_analyze_by_file_gives() {
        for root in fixtures() {
            let ws = Workspace::load(&root, &LoadOptions::default()).unwrap();
            let mut scopes = vec![Scope::All];
            // A checklist named twice is settled with the rest, not on its own.
            if let Some(first) = ws.checklists().next() {
                let named: Vec<String> = ws.checklists().cloned().collect();
                scopes.push(Scope::Checklists(named));
                scopes.push(Scope::Checklists(vec![first.clone(), first.clone()]));
            }
            for scope in &scopes {
                let plain = analyze_by_file(&ws, today(), scope, &Options::FULL).unwrap();
                let (each, converted) = analyze_converting(
                    &ws,
                    today(),
                    scope,
                    &Options::FULL,
                    str::to_string,
                    |run| run,
                )
                .unwrap();
                assert_eq!(plain, converted, "{} {scope:?}", root.display());
                let named: Vec<String> = match scope {
                    Scope::All => ws.checklists().cloned().collect(),
                    Scope::Checklists(paths) => paths.clone(),
                };
                assert_eq!(each, named, "{} {scope:?}", root.display());
                assert_eq!(
                    flatten(plain),
                    analyze(&ws, today(), scope).unwrap_or_default(),
                    "{} {scope:?}",
                    root.display()
                );
            }
        }
    }
}
