//! Hover: on an env var code span, a link, a heading, or a task / status row.

use std::fmt::Write;
use std::ops::Range;

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::position::Converter;
use super::state::Snapshot;
use crate::checklist::{Document, ItemState, RefKind};
use crate::config::Profile;
use crate::model::{Finding, Severity};
use crate::workspace::{PathResolution, Workspace};

pub fn hover(snap: &Snapshot, pos: Position) -> Option<Hover> {
    let conv = Converter::new(&snap.text, &snap.lines, snap.enc);
    let offset = conv.offset(pos)?;
    let doc = snap.ws.file(&snap.rel)?.document()?;
    let (markdown, range) = env_hover(snap, doc, offset)
        .or_else(|| link_hover(snap, doc, offset))
        .or_else(|| heading_hover(snap, doc, offset))
        .or_else(|| item_hover(snap, doc, offset))?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(conv.range(&range)),
    })
}

fn contains(range: &Range<usize>, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

/// Where a variable is defined and what the checklists require of it.
pub fn env_var_summary(ws: &Workspace, name: &str) -> String {
    let mut out = format!("**`{name}`**\n\n");
    let defs = ws.env_defs(name);
    if defs.is_empty() {
        out.push_str("Not defined in any config file.\n");
    } else {
        out.push_str("Defined in:\n");
    }
    for site in defs {
        let (Some(def), Some(file), Some(lines)) =
            (ws.def(site), ws.file(&site.path), ws.line_index(&site.path))
        else {
            continue;
        };
        let profile = match file.profile {
            Profile::Production => "production",
            Profile::Example => "example",
            Profile::Other => "other",
        };
        let _ = writeln!(
            out,
            "- `{}:{}` ({profile}): `{}`",
            site.path,
            lines.line_of(def.range.start) + 1,
            crate::rules::secret_in_repo::display_def_value(def, &def.value)
        );
    }
    let mut required = String::new();
    for path in ws.checklists() {
        let (Some(doc), Some(lines)) = (
            ws.file(path).and_then(|f| f.document()),
            ws.line_index(path),
        ) else {
            continue;
        };
        for req in doc.env_requirements.iter().filter(|r| &*r.name == name) {
            let value = req.value.as_deref().map_or("set".to_string(), |v| {
                format!("`{}`", crate::rules::display_value(name, v))
            });
            let _ = writeln!(
                required,
                "- `{path}:{}` requires {value}",
                lines.line_of(req.range.start) + 1
            );
        }
    }
    if !required.is_empty() {
        out.push_str("\nChecklists:\n");
        out.push_str(&required);
    }
    out
}

fn env_hover(snap: &Snapshot, doc: &Document, offset: usize) -> Option<(String, Range<usize>)> {
    let r = doc
        .references
        .iter()
        .find(|r| contains(&r.range, offset) && matches!(r.kind, RefKind::EnvVar { .. }))?;
    let RefKind::EnvVar { name, .. } = &r.kind else {
        return None;
    };
    Some((env_var_summary(&snap.ws, name), r.range.clone()))
}

fn link_hover(snap: &Snapshot, doc: &Document, offset: usize) -> Option<(String, Range<usize>)> {
    let link = doc.links.iter().find(|l| contains(&l.range, offset))?;
    if link.target.contains("://") || link.target.starts_with("mailto:") {
        return None;
    }
    let (path, fragment) = match link.target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (&*link.target, None),
    };
    let mut out = format!("**Link** `{}`\n\n", link.target);
    let target = if path.is_empty() {
        Some(snap.rel.clone())
    } else {
        match snap.ws.resolve_link(&snap.rel, path) {
            PathResolution::Found(p) => Some(p),
            PathResolution::OutsideRoot => {
                out.push_str("Target is outside the workspace: not checked.\n");
                None
            }
            PathResolution::Missing => {
                out.push_str("Target **missing**.\n");
                None
            }
        }
    };
    if let Some(t) = &target {
        let target_doc = snap.ws.file(t).and_then(|f| f.document());
        let _ = writeln!(out, "Target exists: `{t}`");
        if let Some(title) = target_doc.and_then(|d| d.headings.first()) {
            let _ = writeln!(out, "\nTitle: {}", title.title);
        }
        if let Some(frag) = fragment {
            let found = target_doc.is_some_and(|d| d.has_anchor(frag));
            let _ = writeln!(
                out,
                "\nHeading `#{frag}`: {}",
                if found { "found" } else { "**missing**" }
            );
        }
    }
    Some((out, link.range.clone()))
}

/// Tasks done / total and findings by severity inside a byte range.
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub errors: usize,
    pub warnings: usize,
}

pub fn progress(doc: &Document, findings: &[Finding], range: &Range<usize>) -> Progress {
    let tasks = doc.tasks.iter().filter(|t| range.contains(&t.range.start));
    let rows = doc
        .status_rows
        .iter()
        .filter(|r| range.contains(&r.range.start));
    let states: Vec<ItemState> = tasks
        .map(|t| t.state())
        .chain(rows.map(|r| r.state))
        .filter(|s| *s != ItemState::NotApplicable)
        .collect();
    let inside = findings.iter().filter(|f| range.contains(&f.range.start));
    let (mut errors, mut warnings) = (0, 0);
    for f in inside {
        match f.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            _ => {}
        }
    }
    Progress {
        done: states.iter().filter(|s| **s == ItemState::Done).count(),
        total: states.len(),
        errors,
        warnings,
    }
}

impl Progress {
    pub fn label(&self) -> String {
        let mut s = format!("{}/{} done", self.done, self.total);
        if self.errors > 0 {
            let _ = write!(s, " · {} error{}", self.errors, plural(self.errors));
        }
        if self.warnings > 0 {
            let _ = write!(s, " · {} warning{}", self.warnings, plural(self.warnings));
        }
        s
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn heading_hover(snap: &Snapshot, doc: &Document, offset: usize) -> Option<(String, Range<usize>)> {
    let h = doc.headings.iter().find(|h| contains(&h.range, offset))?;
    let p = progress(doc, &snap.findings, &h.section);
    let findings = snap
        .findings
        .iter()
        .filter(|f| h.section.contains(&f.range.start))
        .count();
    let mut out = format!(
        "**{}**\n\n{} of {} items done, {findings} finding{}",
        h.title,
        p.done,
        p.total,
        plural(findings)
    );
    // The rubric score: the whole checklist's on its title, a pack section's on its heading.
    let packs = crate::analysis::workspace_packs(&snap.ws).unwrap_or_default();
    if let Some(score) = crate::score::checklist_score(&snap.ws, &snap.rel, &packs) {
        let is_title = doc.headings.first().is_some_and(|f| std::ptr::eq(f, h)) && h.level == 1;
        if is_title {
            let level = score.level.map_or("no level yet", |l| l.as_str());
            out.push_str(&format!(
                "\n\nReadiness score: **{}/100** ({level})",
                score.score
            ));
        } else {
            let sections = crate::score::checklist_sections(&snap.ws, &snap.rel, &packs);
            let refs: Vec<&crate::packs::PackSection> = sections.iter().collect();
            let section = crate::packs::first_section_of(&refs, [h.title.as_str()])[0]
                .map(|si| &sections[si]);
            if let Some(sc) = section.and_then(|s| score.sections.iter().find(|x| x.id == s.id)) {
                if let Some(n) = sc.score {
                    out.push_str(&format!(
                        "\n\n{} score: **{n}/100** ({} of {} rubric items done)",
                        sc.title, sc.done, sc.total
                    ));
                }
            }
        }
    }
    Some((out, h.range.clone()))
}

fn state_name(s: ItemState) -> &'static str {
    match s {
        ItemState::Done => "done",
        ItemState::Partial => "partial",
        ItemState::Open => "open",
        ItemState::NotApplicable => "not applicable",
    }
}

/// What the rubric pack says about the item this line maps to: why it matters and how to
/// verify it.
fn pack_doc(snap: &Snapshot, item_text: &str) -> Option<String> {
    let packs = crate::analysis::workspace_packs(&snap.ws).ok()?;
    let sections = crate::score::checklist_sections(&snap.ws, &snap.rel, &packs);
    let found = crate::packs::mapping::matcher_for(&sections).best(item_text)?;
    let item = sections
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.id == found.item_id)?;
    Some(format!(
        "**{}** (`{}`, {})\n\n**Why it matters.** {}\n\n**How to verify.** {}",
        item.title,
        item.id,
        item.level.as_str(),
        item.why.trim(),
        item.verify.trim()
    ))
}

fn item_hover(snap: &Snapshot, doc: &Document, offset: usize) -> Option<(String, Range<usize>)> {
    let task = doc
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| contains(&t.range, offset))
        .max_by_key(|(_, t)| t.range.start);
    let row = doc
        .status_rows
        .iter()
        .enumerate()
        .find(|(_, r)| contains(&r.range, offset));
    let (state, label, range, refs): (ItemState, &str, Range<usize>, Vec<&str>) = match (task, row)
    {
        (Some((i, t)), _) => (
            t.state(),
            &t.text,
            t.range.clone(),
            evidence(doc, |r| r.task == Some(i as u32)),
        ),
        (None, Some((i, r))) => (
            r.state,
            &r.label,
            r.range.clone(),
            evidence(doc, |x| x.row == Some(i as u32)),
        ),
        (None, None) => return None,
    };
    let mut out = format!(
        "**{}** — {}\n",
        crate::rules::snippet(label, 80),
        state_name(state)
    );
    if !refs.is_empty() {
        out.push_str("\nEvidence:\n");
        for path in refs {
            let status = match snap.ws.resolve_evidence(&snap.rel, path) {
                PathResolution::Found(p) => format!("found at `{p}`"),
                PathResolution::Missing => "**missing**".to_string(),
                PathResolution::OutsideRoot => "outside the workspace".to_string(),
            };
            let _ = writeln!(out, "- `{path}`: {status}");
        }
    }
    for f in snap.findings.iter().filter(|f| {
        f.range.start < range.end.max(range.start + 1)
            && range.start < f.range.end.max(f.range.start + 1)
    }) {
        let _ = write!(
            out,
            "\n---\n**{}** ({}): {}\n",
            f.code,
            f.severity.as_str(),
            f.message()
        );
        if let Some(info) = crate::rules::info(f.code) {
            // The doc's own `# code (severity)` title repeats the line above: drop it.
            let body = info.explain.trim();
            let body = match body.strip_prefix('#') {
                Some(rest) => rest.split_once('\n').map_or("", |(_, b)| b).trim(),
                None => body,
            };
            let _ = write!(out, "\n{body}\n");
        }
    }
    if let Some(more) = pack_doc(snap, label) {
        let _ = write!(out, "\n---\n{more}\n");
    }
    Some((out, range))
}

fn evidence(doc: &Document, pick: impl Fn(&crate::checklist::Reference) -> bool) -> Vec<&str> {
    doc.references
        .iter()
        .filter(|r| pick(r))
        .filter_map(|r| match &r.kind {
            RefKind::Path { path } => Some(&**path),
            _ => None,
        })
        .collect()
}
