//! Checking a checklist again after an edit: the findings of each rule of one item are kept
//! with the workspace revision they were made on, and the next check re-runs only what the edit can
//! have changed.
//!
//! A keystroke in a 5,000-task checklist touches one stretch between two headings (see
//! [`crate::checklist::Stretch`]): a few dozen items out of thousands. A rule whose findings
//! each belong to one item ([`Locality::Item`]) is run on that stretch alone; its findings
//! before the stretch are kept as they were, those after it moved with the text. Rules of the
//! whole document run again (their findings are not kept: copying them for the next check
//! would cost about what running them does). Nothing is kept across anything but one such edit of this very
//! checklist: a config file changed, a file appeared, settings or packs changed, the probes'
//! results were dropped, or two edits came between checks: then every rule runs.

use std::sync::Arc;

use crate::checklist::{Document, Stretch};
use crate::date::Date;
use crate::model::Finding;
use crate::packs::mapping::{remap, Mapped};
use crate::packs::PackSection;
use crate::rules::{Locality, Rule};
use crate::workspace::Workspace;

/// The raw findings (before severities and suppressions) of each rule on one checklist, at
/// one revision of the workspace: what a caller that checks the same checklist again and
/// again (the language server, while someone types in it) hands back to the next check.
#[derive(Debug, Clone)]
pub struct RuleRuns {
    revision: u64,
    key: RunsKey,
    /// One list per rule of [`crate::rules::RULES`], in order; empty for a skipped rule
    /// and for a rule of the whole document (it runs again on every check).
    per_rule: Vec<Vec<Finding>>,
    /// The checklist as it was, and its lines mapped to pack items when a rule asked.
    doc: Arc<Document>,
    mapped: Option<Arc<Mapped>>,
}

/// The mapping of the checklist before an edit, to map only the stretch again (`None`:
/// no edit, it still holds).
pub(super) struct OldMapping {
    pub doc: Arc<Document>,
    pub mapped: Arc<Mapped>,
    pub stretch: Option<Stretch>,
}

/// Everything besides the workspace that a check's findings depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RunsKey {
    pub path: String,
    pub today: Date,
    pub fixes: bool,
    pub skip: Vec<String>,
    /// The packs' sections (see `packs::mapping::sections_key`).
    pub sections: String,
}

/// What to do for one rule.
pub(super) enum Plan {
    /// Run it over the whole checklist.
    Whole,
    /// Nothing changed: these are the findings of this rule of one item.
    Keep(Vec<Finding>),
    /// Run it on the items of the edited stretch only, between its last findings before
    /// the stretch and those after it (see [`split`]: done by whichever thread runs the
    /// rule, so the rules' findings are split side by side).
    Stretch {
        found: Vec<Finding>,
        stretch: Stretch,
    },
}

impl RuleRuns {
    /// The findings of one check (`per_rule`, in rule order) for its caller, and the runs
    /// to keep for the next: the findings of item rules are copied to be kept, those of the
    /// whole document moved out (they run again on the next check anyway). Each copy
    /// touches the counts of its shared texts, a third of a keystroke's rules: they are
    /// asked for ahead (`crate::prefetch`).
    pub(super) fn keep(
        ws: &Workspace,
        key: RunsKey,
        mut per_rule: Vec<Vec<Finding>>,
        doc: Arc<Document>,
        mapped: Option<Arc<Mapped>>,
    ) -> (Vec<Finding>, RuleRuns) {
        let mut out = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
        for (rule, found) in crate::rules::RULES.iter().zip(&mut per_rule) {
            if kept(*rule) {
                // On one thread, each finding's counts asked for ahead: handed to both
                // threads without, the copy took longer than this after a pause in typing.
                crate::prefetch::extend_cloned(&mut out, found);
            } else {
                out.append(found);
            }
        }
        let runs = RuleRuns {
            revision: ws.revision(),
            key,
            per_rule,
            doc,
            mapped,
        };
        (out, runs)
    }

    /// The workspace revision the findings were made on.
    pub fn revision(&self) -> u64 {
        self.revision
    }
}

impl OldMapping {
    /// The mapping of the document now (`text`, `doc`): the old one moved past the edit's
    /// stretch, whose lines are mapped again; the old one itself when nothing was edited.
    pub(super) fn now(self, text: &str, doc: &Document, sections: &[PackSection]) -> Arc<Mapped> {
        match &self.stretch {
            Some(stretch) => Arc::new(remap(text, doc, sections, &self.doc, &self.mapped, stretch)),
            None => self.mapped,
        }
    }
}

/// What to do for each of `rules` on `ws`, given the runs of an earlier check; and the
/// mapping to start from, which is the old one as it is on the same workspace.
pub(super) fn plan(
    ws: &Workspace,
    rules: &[&dyn Rule],
    previous: Option<RuleRuns>,
    key: &RunsKey,
) -> (Vec<Plan>, Option<OldMapping>) {
    let whole = || (rules.iter().map(|_| Plan::Whole).collect(), None);
    let Some(previous) = previous.filter(|p| p.key == *key && p.per_rule.len() == rules.len())
    else {
        return whole();
    };
    let edit = match ws.last_edit() {
        _ if previous.revision == ws.revision() => None,
        Some(e) if e.from == previous.revision && e.path == key.path => Some(e),
        _ => return whole(),
    };
    let mapping = previous.mapped.map(|mapped| OldMapping {
        doc: previous.doc,
        mapped,
        stretch: edit.map(|e| e.stretch.clone()),
    });
    let Some(edit) = edit else {
        let plans = rules
            .iter()
            .zip(previous.per_rule)
            .map(|(rule, found)| {
                if kept(*rule) {
                    Plan::Keep(found)
                } else {
                    Plan::Whole
                }
            })
            .collect();
        return (logged(&key.path, plans), mapping);
    };
    let plans = rules
        .iter()
        .zip(previous.per_rule)
        .map(|(rule, found)| {
            let local = match rule.locality() {
                Locality::Item => true,
                Locality::ItemAndLine => edit.stretch.lines_kept,
                Locality::Document => false,
            };
            if !local {
                return Plan::Whole;
            }
            Plan::Stretch {
                found,
                stretch: edit.stretch.clone(),
            }
        })
        .collect();
    (logged(&key.path, plans), mapping)
}

/// The plans, after saying in the debug log how much of the last check they keep.
fn logged(path: &str, plans: Vec<Plan>) -> Vec<Plan> {
    let count = |f: fn(&Plan) -> bool| plans.iter().filter(|p| f(p)).count();
    tracing::debug!(
        "rules of {path}: {} kept, {} on the edited stretch (unless a finding has no place in it), {} over the whole",
        count(|p| matches!(p, Plan::Keep(_))),
        count(|p| matches!(p, Plan::Stretch { .. })),
        count(|p| matches!(p, Plan::Whole)),
    );
    plans
}

/// Whether a check keeps a rule's findings for the next: those of the rules of one item.
pub(super) fn kept(rule: &dyn Rule) -> bool {
    rule.locality() != Locality::Document
}

/// Where a finding of an item rule sits in the checklist at `path`: its own range there,
/// else its first related place there (an `env-mismatch` on a config definition points at
/// the requirement).
pub(super) fn origin(f: &Finding, path: &str) -> Option<usize> {
    if *f.path == *path {
        return Some(f.range.start);
    }
    f.related()
        .iter()
        .find(|r| r.path == path)
        .map(|r| r.range.start)
}

/// The findings before the stretch, and those after it moved by its delta; the stretch's
/// own are dropped (they are made again). `None` when a finding has no place in the
/// checklist to tell (the rule then runs over the whole checklist).
pub(super) fn split(
    found: Vec<Finding>,
    stretch: &Stretch,
    path: &str,
) -> Option<(Vec<Finding>, Vec<Finding>)> {
    // At their size: growing them a push at a time copied the findings several times over.
    let mut before = Vec::with_capacity(found.len());
    let mut after = Vec::with_capacity(found.len());
    for mut f in found {
        let at = origin(&f, path)?;
        if stretch.before(at) {
            before.push(f);
        } else if stretch.after(at) {
            f.shift(path, stretch);
            after.push(f);
        }
    }
    Some((before, after))
}
