//! Scores: how much of the selected packs a checklist says is done, and how much the
//! repository's probes confirm on their own (`readiness audit`).
//!
//! Items weigh by level: must 3, should 2, could 1. A section's score is the weight of its
//! done items over the weight of all its items (items a status row marks not applicable
//! are left out), 0-100. The overall score is the mean of the section scores weighted by
//! the section weights: the pack's `weight` (default 1.0), overridden per section id by
//! `[scores]` in readiness.toml. Levels: bronze when every `must` item is done, silver when
//! every `must` and `should` item is, gold when all are.

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use crate::checklist::ItemState;
use crate::packs::{self, mapping, Level, Pack, PackSection};
use crate::probes::{Outcome, ProbeResult, Prober};
use crate::workspace::Workspace;

/// The weight of an item of a level.
pub fn item_weight(level: Level) -> f64 {
    match level {
        Level::Must => 3.0,
        Level::Should => 2.0,
        Level::Could => 1.0,
    }
}

/// Bronze, silver or gold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Medal {
    Bronze,
    Silver,
    Gold,
}

impl Medal {
    pub fn as_str(self) -> &'static str {
        match self {
            Medal::Bronze => "bronze",
            Medal::Silver => "silver",
            Medal::Gold => "gold",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionScore {
    pub id: String,
    pub title: String,
    pub weight: f64,
    /// 0-100; None when no item counts (all not applicable).
    pub score: Option<u8>,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistScore {
    /// 0-100.
    pub score: u8,
    pub level: Option<Medal>,
    pub sections: Vec<SectionScore>,
}

/// The packs a checklist is checked against: its front matter's, else `packs`.
pub fn checklist_packs(ws: &Workspace, path: &str, packs: &[Pack]) -> Vec<Pack> {
    match ws.file(path).and_then(|f| f.document()) {
        Some(doc) if !doc.front_matter.packs.is_empty() => {
            packs::resolve(&doc.front_matter.packs, &ws.root).unwrap_or_else(|_| packs.to_vec())
        }
        _ => packs.to_vec(),
    }
}

/// The merged sections of [`checklist_packs`], shared (see [`packs::combined`]).
pub fn checklist_sections(
    ws: &Workspace,
    path: &str,
    packs: &[Pack],
) -> std::sync::Arc<Vec<PackSection>> {
    match ws.file(path).and_then(|f| f.document()) {
        Some(doc) if !doc.front_matter.packs.is_empty() => {
            packs::combined(&checklist_packs(ws, path, packs))
        }
        _ => packs::combined(packs),
    }
}

/// The score of one checklist against `packs` (its front matter may choose others).
/// None when `path` is not a markdown file of the workspace.
pub fn checklist_score(ws: &Workspace, path: &str, packs: &[Pack]) -> Option<ChecklistScore> {
    let file = ws.file(path)?;
    let (text, doc) = (file.text.as_deref()?, file.document()?);
    let sections = checklist_sections(ws, path, packs);
    // The best state any line gives an item: done beats partial beats open.
    let mut states: HashMap<&str, ItemState> = HashMap::new();
    for m in &mapping::map_document(text, doc, &sections).lines {
        let rank = |s: ItemState| match s {
            ItemState::Done => 3,
            ItemState::NotApplicable => 2,
            ItemState::Partial => 1,
            ItemState::Open => 0,
        };
        let e = states.entry(m.item_id).or_insert(m.state);
        if rank(m.state) > rank(*e) {
            *e = m.state;
        }
    }
    Some(score_sections(ws, &sections, |id| match states.get(id) {
        Some(ItemState::Done) => Some(true),
        Some(ItemState::NotApplicable) => None,
        _ => Some(false),
    }))
}

/// Scores sections given each item's state: Some(done) or None (left out).
fn score_sections(
    ws: &Workspace,
    sections: &[PackSection],
    state: impl Fn(&str) -> Option<bool>,
) -> ChecklistScore {
    let mut out = Vec::new();
    let (mut sum, mut weights) = (0.0, 0.0);
    let mut missing = [false; 3];
    for s in sections {
        let (mut got, mut of, mut done, mut total) = (0.0, 0.0, 0, 0);
        for item in &s.items {
            let Some(is_done) = state(&item.id) else {
                continue;
            };
            total += 1;
            of += item_weight(item.level);
            if is_done {
                done += 1;
                got += item_weight(item.level);
            } else {
                missing[item.level as usize] = true;
            }
        }
        let weight = ws.settings.scores.get(&s.id).copied().unwrap_or(s.weight);
        let score = (of > 0.0).then(|| percent(got / of));
        if let Some(sc) = score {
            sum += weight * f64::from(sc);
            weights += weight;
        }
        out.push(SectionScore {
            id: s.id.clone(),
            title: s.title.clone(),
            weight,
            score,
            done,
            total,
        });
    }
    let level = match missing {
        [true, _, _] => None,
        [false, true, _] => Some(Medal::Bronze),
        [false, false, true] => Some(Medal::Silver),
        [false, false, false] => Some(Medal::Gold),
    };
    ChecklistScore {
        score: if weights > 0.0 {
            (sum / weights).round() as u8
        } else {
            0
        },
        level,
        sections: out,
    }
}

fn percent(x: f64) -> u8 {
    (x * 100.0).round().clamp(0.0, 100.0) as u8
}

/// One probed item in an audit.
#[derive(Debug, Clone)]
pub struct AuditItem {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub outcome: Outcome,
    pub probes: Vec<ProbeResult>,
}

#[derive(Debug, Clone)]
pub struct AuditSection {
    pub id: String,
    pub title: String,
    pub weight: f64,
    /// 0-100 over items whose probes apply; None when none apply.
    pub score: Option<u8>,
    pub items: Vec<AuditItem>,
}

/// What the probes alone say about a repository, per pack section.
#[derive(Debug, Clone)]
pub struct Audit {
    pub score: u8,
    pub sections: Vec<AuditSection>,
}

/// Runs every probed item of `packs` in the folder `scope` ("" for the root).
pub fn audit(ws: &Workspace, scope: &str, packs: &[Pack]) -> Audit {
    let sections = packs::combined(packs);
    let prober = Prober::new(ws, scope);
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut out = Vec::new();
    for s in sections.iter() {
        let mut items = Vec::new();
        for item in &s.items {
            let Some(r) = prober.item(item) else {
                continue;
            };
            outcomes.insert(item.id.clone(), r.outcome);
            items.push(AuditItem {
                id: item.id.clone(),
                title: item.title.clone(),
                level: item.level,
                outcome: r.outcome,
                probes: r.probes,
            });
        }
        out.push((s, items));
    }
    let scored = score_sections(ws, &sections, |id| match outcomes.get(id) {
        Some(Outcome::Pass) => Some(true),
        Some(Outcome::Fail) => Some(false),
        _ => None,
    });
    Audit {
        score: scored.score,
        sections: out
            .into_iter()
            .zip(scored.sections)
            .filter(|((_, items), _)| !items.is_empty())
            .map(|((s, items), sc)| AuditSection {
                id: s.id.clone(),
                title: s.title.clone(),
                weight: sc.weight,
                score: sc.score,
                items,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::LoadOptions;

    fn ws(files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let p = dir.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
        let ws = Workspace::load(dir.path(), &LoadOptions::default()).unwrap();
        (dir, ws)
    }

    #[test]
    fn weights_and_levels() {
        let pack = packs::parse(
            r#"name = "t"
title = "T"
description = "d"
[[sections]]
id = "ops"
title = "Ops"
[[sections.items]]
id = "ops.backups"
title = "Backups are automated"
keywords = ["backups", "automated"]
why = "w"
verify = "v"
level = "must"
line = "- [ ] Backups are automated"
[[sections.items]]
id = "ops.restore-drill"
title = "Restore drill rehearsed"
keywords = ["restore", "drill"]
why = "w"
verify = "v"
level = "could"
line = "- [ ] Restore drill rehearsed"
"#,
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let text = "# Ops\n\n- [x] Backups are automated {#ops.backups}\n- [ ] Restore drill rehearsed {#ops.restore-drill}\n";
        let (_d, w) = ws(&[("readiness.md", text)]);
        let s = checklist_score(&w, "readiness.md", &[pack]).unwrap();
        assert_eq!(s.score, 75);
        assert_eq!(s.level, Some(Medal::Silver));
        assert_eq!((s.sections[0].done, s.sections[0].total), (1, 2));
    }
}
