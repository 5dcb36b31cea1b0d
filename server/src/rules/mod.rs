//! Rules: one file per rule, each with its code, default severity, `explain` text and tests.
//! Adding a rule means one new file and one line in [`RULES`].

use crate::checklist::Document;
use crate::config::{ConfigFile, Profile};
use crate::date::Date;
use crate::model::{Finding, Severity};
use crate::packs::Pack;
use crate::text::LineIndex;
use crate::workspace::Workspace;

mod bad_suppression;
mod broken_link;
mod contradicted;
mod duplicate_item;
mod env_mismatch;
pub(crate) use env_mismatch::{compared_value, values_agree};
mod env_unset;
mod evidence_found;
mod missing_evidence;
mod missing_item;
mod missing_section;
mod placeholder;
pub mod secret_in_repo;
mod stale_review;
mod unchecked;

pub use secret_in_repo::{display_value, mask_line};

/// What `readiness rules` and `readiness explain` print about a rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Markdown: what it finds, why it matters, how to fix or silence it.
    pub explain: &'static str,
}

/// What a rule sees when it checks one checklist.
pub struct ChecklistCx<'a> {
    pub ws: &'a Workspace,
    pub path: &'a str,
    pub text: &'a str,
    pub doc: &'a Document,
    pub lines: &'a LineIndex,
    pub today: Date,
    pub packs: &'a [Pack],
    /// The packs' sections merged (see [`crate::packs::combined`]).
    pub sections: &'a [crate::packs::PackSection],
    /// Whether to attach fixes to findings (see [`crate::analysis::Options::fixes`]).
    pub fixes: bool,
    /// The lines mapped to pack items, once for all the rules (see [`ChecklistCx::mapped`]).
    /// Shared by reference: the rules re-run on an edited stretch see another `view` but
    /// the same mapping.
    pub mapped: &'a std::sync::OnceLock<std::sync::Arc<crate::packs::mapping::Mapped>>,
    /// The byte range whose items a rule of [`Locality::Item`] or [`Locality::ItemAndLine`]
    /// checks; `None` for all.
    /// After an edit the analysis re-runs such rules on the stretch it touched only.
    pub view: Option<std::ops::Range<usize>>,
}

impl ChecklistCx<'_> {
    /// Whether a rule of one item ([`Locality::Item`], [`Locality::ItemAndLine`]) checks
    /// the item starting at `at`.
    pub fn in_view(&self, at: usize) -> bool {
        self.view.as_ref().is_none_or(|v| v.contains(&at))
    }

    /// The checklist's lines mapped to the items of its packs' sections. Three rules read
    /// it; when a long checklist's rules run on two threads, the first to ask computes it
    /// and the other waits for it instead of mapping 5,000 lines again.
    pub fn mapped(&self) -> &crate::packs::mapping::Mapped {
        self.mapped
            .get_or_init(|| crate::packs::mapping::map_document(self.text, self.doc, self.sections))
    }
}

/// What a rule sees when it checks one config file.
pub struct ConfigCx<'a> {
    pub ws: &'a Workspace,
    pub path: &'a str,
    pub text: &'a str,
    pub config: &'a ConfigFile,
    pub profile: Profile,
    /// Whether to attach fixes to findings (see [`crate::analysis::Options::fixes`]).
    pub fixes: bool,
}

/// What the findings of a rule on a checklist depend on: what an edit inside one stretch
/// (see [`crate::checklist::Stretch`]) forces to run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locality {
    /// The whole document (sections present, pack items missing, review dates, variables
    /// unset): runs again on every edit.
    Document,
    /// Each finding belongs to one task, status row, link or requirement (or to the tasks
    /// under one heading), and depends on nothing else of the document but its headings.
    /// Its place in the checklist (its range there, or else the first related place
    /// there) lies inside that item. Only the items of an edited stretch (see
    /// [`ChecklistCx::in_view`]) are checked again; the others' findings are kept, moved
    /// with the text.
    Item,
    /// [`Locality::Item`], but the message names a line number: kept only when the edit
    /// leaves every line where it was.
    ItemAndLine,
}

pub trait Rule: Sync {
    fn info(&self) -> &'static RuleInfo;
    /// What the rule's checklist findings depend on. A rule of [`Locality::Item`] checks
    /// only the items [`ChecklistCx::in_view`] admits.
    fn locality(&self) -> Locality {
        Locality::Document
    }
    /// Whether any of its findings may carry a fix: those of a rule that has none are not
    /// marked `fixes_deferred` when fixes are not asked for (nothing to rebuild).
    fn builds_fixes(&self) -> bool {
        true
    }
    /// Whether it reads the checklist's mapping to its packs ([`ChecklistCx::mapped`]): a
    /// long checklist's rules that do are run after the others, once the mapping is
    /// under way. Wrong, it costs time, never findings.
    fn reads_mapping(&self) -> bool {
        false
    }
    fn check_checklist(&self, _cx: &ChecklistCx, _out: &mut Vec<Finding>) {}
    fn check_config(&self, _cx: &ConfigCx, _out: &mut Vec<Finding>) {}
}

pub static RULES: &[&dyn Rule] = &[
    &broken_link::BrokenLink,
    &missing_evidence::MissingEvidence,
    &env_mismatch::EnvMismatch,
    &env_unset::EnvUnset,
    &stale_review::StaleReview,
    &placeholder::Placeholder,
    &secret_in_repo::SecretInRepo,
    &missing_section::MissingSection,
    &missing_item::MissingItem,
    &contradicted::Contradicted,
    &evidence_found::EvidenceFound,
    &duplicate_item::DuplicateItem,
    &unchecked::Unchecked,
    &bad_suppression::BadSuppression,
];

/// Rules produced outside [`RULES`]: by the suppression engine and by settings loading.
pub static EXTRA: &[RuleInfo] = &[
    RuleInfo {
        code: "expired-waiver",
        severity: Severity::Warning,
        summary: "a `readiness-waive` comment's `until` date has passed",
        explain: include_str!("docs/expired-waiver.md"),
    },
    RuleInfo {
        code: "invalid-config",
        severity: Severity::Error,
        summary: "readiness.toml cannot be read: unknown key, bad value or TOML syntax",
        explain: include_str!("docs/invalid-config.md"),
    },
];

/// Every rule's info, in listing order.
pub fn all() -> impl Iterator<Item = &'static RuleInfo> {
    RULES.iter().map(|r| r.info()).chain(EXTRA.iter())
}

/// Rules whose findings are all hints under these settings: their default severity is hint,
/// no setting raises it, and they never set another one (one finding per open task or
/// passing probe). Front ends that show no hints need not run them.
pub fn hint_only(settings: &crate::settings::Settings) -> Vec<&'static str> {
    all()
        .filter(|i| {
            i.severity == Severity::Hint
                && settings
                    .severity(i.code, i.severity)
                    .is_none_or(|s| s == Severity::Hint)
        })
        .map(|i| i.code)
        .collect()
}

pub fn info(code: &str) -> Option<&'static RuleInfo> {
    all().find(|i| i.code == code)
}

pub fn is_known(code: &str) -> bool {
    info(code).is_some()
}

/// The default severity of a rule code.
pub fn default_severity(code: &str) -> Severity {
    info(code).map_or(Severity::Warning, |i| i.severity)
}

/// The text of a checklist task or row's line, trimmed, for messages.
pub(crate) fn snippet(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() <= max {
        line.to_string()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The checklist's lines mapped to pack items whose state passes `state`, with the items'
/// probe results when the outcome is `outcome`: what `contradicted` and `evidence-found`
/// both start from.
pub(crate) fn probed_lines<'s>(
    cx: &ChecklistCx<'s>,
    state: impl Fn(crate::checklist::ItemState) -> bool,
    outcome: crate::probes::Outcome,
) -> Vec<(
    crate::packs::mapping::MappedLine,
    &'s crate::packs::PackItem,
    crate::probes::ItemResult,
)> {
    let prober = crate::probes::Prober::for_checklist(cx.ws, cx.path);
    let sections: &'s [crate::packs::PackSection] = cx.sections;
    let mut by_item = std::collections::HashMap::new();
    cx.mapped()
        .lines
        .iter()
        .filter(|m| state(m.state) && cx.in_view(m.range.start))
        .filter_map(|m| {
            let item = sections
                .iter()
                .flat_map(|s| &s.items)
                .find(|i| *i.id == *m.item_id)?;
            // Once per item: thousands of lines map to a few dozen items, and each
            // lookup in the probe cache locks and hashes every probe of the item.
            let result = by_item
                .entry(item as *const crate::packs::PackItem)
                .or_insert_with(|| prober.item(item))
                .as_ref()
                .filter(|r| r.outcome == outcome)?;
            // Cloned only when kept: most lines' probes have another outcome.
            Some((m.clone(), item, result.clone()))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support;
