//! Incremental re-analysis: findings are cached by the file that produced them (a checklist,
//! or a config file for its own secrets), so a change re-runs only what depends on it and
//! re-publishes only the files those findings land in.
//!
//! A checklist's findings may land in other files (`env-mismatch` sits on the config
//! definition), so the cache also records, per target file, which sources put findings there.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::analysis;
use crate::date::Date;
use crate::model::Finding;
use crate::packs::Pack;
use crate::workspace::Workspace;

#[derive(Debug, Default, Clone)]
pub struct Cache {
    /// Raw findings (before severities and suppressions) of each source file. After
    /// [`Cache::compact`], a source that alone puts findings in its own file keeps only
    /// those landing elsewhere: its own file is settled from its next recomputation.
    by_source: HashMap<String, Vec<Finding>>,
    /// Target file -> sources with findings in it.
    landing: HashMap<String, HashSet<String>>,
}

/// Every file that produces findings: checklists and config files.
pub fn all_sources(ws: &Workspace) -> Vec<String> {
    ws.files()
        .filter(|(_, f)| f.is_checklist || f.config().is_some())
        .map(|(p, _)| p.clone())
        .collect()
}

/// The sources whose findings may change when `changed` files change: a changed checklist
/// or config file itself, and every checklist whose project folder holds a changed file (its
/// config, evidence or link targets live there).
pub fn affected_sources(ws: &Workspace, changed: &HashSet<String>) -> Vec<String> {
    let mut out: HashSet<String> = changed.iter().cloned().collect();
    for checklist in ws.checklists() {
        let scope = ws.scope_of(checklist);
        if changed.iter().any(|c| Workspace::in_scope(scope, c)) {
            out.insert(checklist.clone());
        }
    }
    out.into_iter().collect()
}

/// How a check of an open checklist uses [`Reruns`].
#[derive(Clone, Copy)]
pub enum Reuse<'r> {
    /// Start from the last check's runs (a keystroke's quick check), and keep the new ones.
    TakeAndStore(&'r Reruns),
    /// Check it whole, and keep the runs for the next quick check. What the debounced
    /// analysis does: an item rule may have asked the disk about a path the index does not
    /// hold (an ignored folder no watcher reports), and kept findings would keep that
    /// answer while someone types; each pause checks again.
    Store(&'r Reruns),
}

/// What the last check of each open checklist kept (see [`analysis::RuleRuns`]): a
/// keystroke's check, and the debounced analysis after it, start from the check before.
#[derive(Debug, Default)]
pub struct Reruns(std::sync::Mutex<HashMap<std::path::PathBuf, analysis::RuleRuns>>);

impl Reruns {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<std::path::PathBuf, analysis::RuleRuns>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Taken, not copied: two checks of one file at once are rare (a keystroke's and the
    /// analysis of the one before), and the second then runs every rule.
    fn take(&self, abs: &std::path::Path) -> Option<analysis::RuleRuns> {
        self.lock().remove(abs)
    }

    /// Kept unless a check of a later revision already put its own.
    fn put(&self, abs: std::path::PathBuf, runs: analysis::RuleRuns) {
        let mut all = self.lock();
        if all
            .get(&abs)
            .is_none_or(|k| k.revision() <= runs.revision())
        {
            all.insert(abs, runs);
        }
    }

    /// Drops the runs of documents no longer open (a closed document is checked whole,
    /// without hints or fixes). After every analysis: one that started before a close may
    /// have put them back.
    pub fn retain_open(&self, open: &HashSet<std::path::PathBuf>) {
        self.lock().retain(|abs, _| open.contains(abs));
    }
}

/// Raw findings of each source, in parallel. A source that is gone yields none. Checklists
/// that are not open in the editor skip the rules that only make hints (see
/// `engine::drop_hints`): a monorepo's open tasks are most of its findings. Open
/// checklists are checked whole (see [`Reuse::Store`]).
pub fn compute(
    ws: &Workspace,
    today: Date,
    packs: &[Pack],
    sources: Vec<String>,
    is_open: &(dyn Fn(&str) -> bool + Sync),
    reruns: &Reruns,
) -> Vec<(String, Vec<Finding>)> {
    let hint_only = crate::rules::hint_only(&ws.settings);
    sources
        .into_par_iter()
        .map(|source| {
            let open = is_open(&source);
            let reuse = Reuse::Store(reruns);
            let findings = source_findings(ws, &source, today, packs, open, &hint_only, reuse);
            (source, findings)
        })
        .collect()
}

/// Raw findings of one source. A closed checklist skips `hint_only` (see
/// [`crate::rules::hint_only`]). No checklist is asked for fixes here (only `missing-section`
/// keeps its one cheap insert): they are a third of its findings' memory, and an editor asks
/// for those of one line at a time (a code action rebuilds them for the rules it needs, see
/// `actions::fixes_of`). On an open 5,000-task checklist, building, keeping and moving them
/// was a fifth of every keystroke.
pub fn source_findings(
    ws: &Workspace,
    source: &str,
    today: Date,
    packs: &[Pack],
    open: bool,
    hint_only: &[&str],
    reuse: Reuse,
) -> Vec<Finding> {
    match ws.file(source) {
        Some(f) if f.is_checklist && open => {
            let options = analysis::Options {
                skip: &[],
                fixes: false,
            };
            let abs = ws.abs(source);
            let (reruns, previous) = match reuse {
                Reuse::TakeAndStore(r) => (r, r.take(&abs)),
                Reuse::Store(r) => (r, None),
            };
            let (findings, runs) =
                analysis::check_checklist_again(ws, source, today, packs, &options, previous);
            if let Some(runs) = runs {
                reruns.put(abs, runs);
            }
            findings
        }
        Some(f) if f.is_checklist => {
            let options = analysis::Options {
                skip: hint_only,
                fixes: false,
            };
            analysis::check_checklist_with(ws, source, today, packs, &options)
        }
        Some(f) if f.config().is_some() => analysis::check_config(ws, source),
        _ => Vec::new(),
    }
}

impl Cache {
    /// Replaces the findings of these sources; returns every file whose findings may differ.
    pub fn apply(&mut self, results: Vec<(String, Vec<Finding>)>) -> HashSet<String> {
        let mut targets = HashSet::new();
        for (source, findings) in results {
            // Its own file had findings (perhaps compacted away): settle it again.
            if let Some(s) = self.landing.get_mut(&source) {
                if s.remove(&source) {
                    targets.insert(source.clone());
                }
            }
            if let Some(old) = self.by_source.remove(&source) {
                for f in &old {
                    targets.insert(f.path.to_string());
                    if let Some(s) = self.landing.get_mut(&*f.path) {
                        s.remove(&source);
                    }
                }
            }
            for f in &findings {
                targets.insert(f.path.to_string());
                self.landing
                    .entry(f.path.to_string())
                    .or_default()
                    .insert(source.clone());
            }
            if !findings.is_empty() {
                self.by_source.insert(source, findings);
            }
        }
        self.landing.retain(|_, s| !s.is_empty());
        targets
    }

    /// The sources with findings in one file.
    pub fn sources_in(&self, target: &str) -> Vec<String> {
        self.landing
            .get(target)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The finished findings (severities from settings, suppressions) of one file.
    pub fn findings_for(&self, ws: &Workspace, today: Date, target: &str) -> Vec<Finding> {
        let Some(sources) = self.landing.get(target) else {
            return Vec::new();
        };
        let gathered: Vec<Finding> = sources
            .iter()
            .filter_map(|s| self.by_source.get(s))
            .flat_map(|fs| fs.iter().filter(|f| *f.path == *target).cloned())
            .collect();
        analysis::finish(ws, today, gathered)
    }

    /// The raw findings `target` puts in its own file when it is a checklist and the only
    /// source landing there: taken out of the cache, to be settled without a copy. What
    /// [`Cache::compact`] would drop later anyway; the rest of its findings stay.
    pub fn take_own(&mut self, ws: &Workspace, target: &str) -> Option<Vec<Finding>> {
        let alone = ws.file(target).is_some_and(|f| f.is_checklist)
            && self
                .landing
                .get(target)
                .is_some_and(|s| s.len() == 1 && s.contains(target));
        if !alone {
            return None;
        }
        let findings = self.by_source.get_mut(target)?;
        let (own, elsewhere): (Vec<Finding>, Vec<Finding>) = std::mem::take(findings)
            .into_iter()
            .partition(|f| *f.path == *target);
        *findings = elsewhere;
        if findings.is_empty() {
            self.by_source.remove(target);
        }
        Some(own)
    }

    /// Every file with findings.
    pub fn targets(&self) -> impl Iterator<Item = &String> {
        self.landing.keys()
    }

    /// Drops the raw findings a checklist puts in its own file: once settled and published
    /// they are never read again (nothing else lands in a checklist, so the file is settled
    /// anew only when the checklist itself is recomputed), and checklists hold most of a
    /// workspace's findings. Config files keep theirs: a checklist may start landing in one,
    /// and then its own findings are needed again. Call after settling this round's targets.
    pub fn compact(&mut self, ws: &Workspace) {
        for (source, findings) in &mut self.by_source {
            let alone = ws.file(source).is_some_and(|f| f.is_checklist)
                && self
                    .landing
                    .get(source)
                    .is_some_and(|s| s.len() == 1 && s.contains(source));
            if alone {
                findings.retain(|f| *f.path != **source);
                findings.shrink_to_fit();
            }
        }
        self.by_source.retain(|_, f| !f.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::LoadOptions;

    fn ws(files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        (dir, ws)
    }

    #[test]
    fn a_config_change_reaches_only_its_own_service_checklists() {
        let (_d, ws) = ws(&[
            ("services/a/Dockerfile", "FROM x\n"),
            ("services/a/readiness.md", "- [ ] `LOG_LEVEL=info`\n"),
            ("services/a/.env.production", "LOG_LEVEL=debug\n"),
            ("services/b/Dockerfile", "FROM x\n"),
            ("services/b/readiness.md", "- [ ] `LOG_LEVEL=info`\n"),
        ]);
        let mut affected = affected_sources(
            &ws,
            &HashSet::from(["services/a/.env.production".to_string()]),
        );
        affected.sort();
        assert_eq!(
            affected,
            ["services/a/.env.production", "services/a/readiness.md"]
        );
    }

    #[test]
    fn findings_landing_elsewhere_are_replaced_when_their_source_changes() {
        let (_d, ws) = ws(&[
            ("readiness.md", "- [ ] `LOG_LEVEL=info`\n"),
            (".env.production", "LOG_LEVEL=debug\n"),
        ]);
        let today = Date::parse_iso("2026-06-01").unwrap();
        let packs = analysis::workspace_packs(&ws).unwrap();
        let mut cache = Cache::default();
        let targets = cache.apply(compute_all(&ws, today, &packs));
        assert!(targets.contains(".env.production"));
        let codes = |c: &Cache| -> Vec<&'static str> {
            c.findings_for(&ws, today, ".env.production")
                .iter()
                .map(|f| f.code)
                .collect()
        };
        assert_eq!(codes(&cache), ["env-mismatch"]);
        // The checklist stops requiring a value: its finding in the config file goes away.
        let targets = cache.apply(vec![("readiness.md".to_string(), Vec::new())]);
        assert!(targets.contains(".env.production"));
        assert!(codes(&cache).is_empty());
    }

    /// Every source's findings, all files open.
    fn compute_all(ws: &Workspace, today: Date, packs: &[Pack]) -> Vec<(String, Vec<Finding>)> {
        compute(
            ws,
            today,
            packs,
            all_sources(ws),
            &|_| true,
            &Reruns::default(),
        )
    }

    /// A checklist with a finding of its own and one landing in a config file, analysed.
    fn checklist_and_config() -> (tempfile::TempDir, Workspace, Date, Cache) {
        let (d, ws) = ws(&[
            (
                "readiness.md",
                "- [x] runbook at `docs/missing.md`\n`LOG_LEVEL=info`\n",
            ),
            (".env.production", "LOG_LEVEL=debug\n"),
        ]);
        let today = Date::parse_iso("2026-06-01").unwrap();
        let packs = analysis::workspace_packs(&ws).unwrap();
        let mut cache = Cache::default();
        cache.apply(compute_all(&ws, today, &packs));
        (d, ws, today, cache)
    }

    #[test]
    fn own_findings_taken_out_settle_as_the_cache_would() {
        let (_d, ws, today, mut cache) = checklist_and_config();
        let settled = cache.findings_for(&ws, today, "readiness.md");
        let mut taken = cache.clone();
        let own = taken.take_own(&ws, "readiness.md").unwrap();
        assert_eq!(analysis::finish(&ws, today, own), settled);
        // A config file is not taken: a checklist may land in it again.
        assert!(taken.take_own(&ws, ".env.production").is_none());
        // What is left equals a compacted cache: the env-mismatch landing in the config.
        cache.compact(&ws);
        assert_eq!(
            format!("{:?}", taken.by_source),
            format!("{:?}", cache.by_source)
        );
        assert_eq!(taken.findings_for(&ws, today, ".env.production").len(), 1);
    }

    #[test]
    fn compacted_own_findings_still_clear_when_their_source_has_none() {
        let (_d, ws, today, mut cache) = checklist_and_config();
        let own = cache.findings_for(&ws, today, "readiness.md");
        assert!(own.iter().any(|f| f.code == "missing-evidence"));
        cache.compact(&ws);
        // What lands elsewhere is kept: the config file can be settled again.
        let env: Vec<_> = cache.findings_for(&ws, today, ".env.production");
        assert_eq!(env.len(), 1);
        // The checklist now yields nothing: its own file is still a target, to be cleared.
        let targets = cache.apply(vec![("readiness.md".to_string(), Vec::new())]);
        assert!(targets.contains("readiness.md"));
        assert!(cache.findings_for(&ws, today, "readiness.md").is_empty());
    }
}
