//! `broken-link`: a relative link points at a missing file, folder or heading.

use std::borrow::Cow;
// foldhash: these per-checklist maps are looked up for every link.
use foldhash::{HashMap, HashMapExt};

use super::{ChecklistCx, Rule, RuleInfo};
use crate::checklist::LinkKind;
use crate::model::{FileEdit, Finding, Fix, Related, Severity};
use crate::workspace::PathResolution;

pub struct BrokenLink;

static INFO: RuleInfo = RuleInfo {
    code: "broken-link",
    severity: Severity::Warning,
    summary: "a relative link points to a missing file, folder or heading",
    explain: include_str!("docs/broken-link.md"),
};

/// `https:`, `mailto:`, `tel:`...: left alone, nothing is fetched.
fn has_scheme(target: &str) -> bool {
    let Some(colon) = target.find(':') else {
        return false;
    };
    let scheme = &target[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    // Most targets have no escape at all: borrowed, not copied.
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && s.is_char_boundary(i + 1)
            && s.is_char_boundary(i + 3)
        {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| s.to_string()))
}

/// Anchors of a markdown file of the workspace (its headings', and those its HTML
/// defines), by its path; None when not markdown.
fn anchors_of<'a>(cx: &'a ChecklistCx, path: &str) -> Option<Vec<&'a str>> {
    let doc = if path == cx.path {
        Some(cx.doc)
    } else {
        cx.ws.file(path)?.document()
    }?;
    Some(doc.anchors().collect())
}

impl Rule for BrokenLink {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn locality(&self) -> super::Locality {
        super::Locality::Item
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        // Long checklists link the same few files again and again: resolve each target,
        // suggest for each missing path and list each file's anchors once per checklist.
        let mut resolutions: HashMap<String, PathResolution> = HashMap::new();
        let mut suggestions: HashMap<String, Option<String>> = HashMap::new();
        let mut anchor_lists: HashMap<String, Option<Vec<&str>>> = HashMap::new();
        let mut created: HashMap<(String, String), Option<Fix>> = HashMap::new();
        for link in &cx.doc.links {
            // A `[text][label]` use is checked at its definition.
            if link.kind == LinkKind::Reference || !cx.in_view(link.range.start) {
                continue;
            }
            // `[^1]: Some note` is a footnote on GitHub. Without the footnote extension
            // (its events would change how items are read) pulldown-cmark takes it for a
            // definition whose target is the note's first word. It stays one in the
            // document: a definition applies to the whole text, which keeps re-parsing an
            // edited stretch alone from being tried (see `checklist::incremental`).
            if link.kind == LinkKind::Definition && link.text.starts_with('^') {
                continue;
            }
            let target = link.target.trim();
            if target.is_empty() || has_scheme(target) || target.starts_with("//") {
                continue;
            }
            let range = link.target_range.clone().unwrap_or(link.range.clone());
            let (path_part, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target, None),
            };
            let path_part = path_part.split('?').next().unwrap_or("");
            let decoded = percent_decode(path_part);
            let resolved = if decoded.is_empty() {
                PathResolution::Found(cx.path.to_string())
            } else if let Some(known) = resolutions.get(decoded.as_ref()) {
                known.clone()
            } else {
                let r = cx.ws.resolve_link(cx.path, &decoded);
                resolutions.insert(decoded.to_string(), r.clone());
                r
            };
            match resolved {
                PathResolution::OutsideRoot => {}
                PathResolution::Missing => {
                    let missing = crate::workspace::normalize(parent(cx.path), &decoded)
                        .unwrap_or_else(|| decoded.to_string());
                    let what = if link.kind == LinkKind::Image {
                        "image"
                    } else {
                        "link target"
                    };
                    let mut finding = Finding::new(
                        INFO.code,
                        cx.path,
                        range.clone(),
                        format!("{what} `{decoded}` does not exist ({missing} is missing)"),
                    );
                    if cx.fixes {
                        let fix = created
                            .entry((missing.clone(), link.text.to_string()))
                            .or_insert_with(|| create_fix(cx, &missing, &link.text))
                            .clone();
                        finding = finding.with_fixes(fix);
                    }
                    let close = suggestions
                        .entry(missing.clone())
                        .or_insert_with(|| cx.ws.closest_file(&missing))
                        .clone();
                    if let Some(close) = close {
                        finding.help = Some(format!("did you mean `{close}`?").into());
                        if let (Some(r), true) = (link.target_range.clone(), cx.fixes) {
                            let new_target = relative_from(parent(cx.path), &close);
                            let new_target = match fragment {
                                Some(f) => format!("{new_target}#{f}"),
                                None => new_target,
                            };
                            finding = finding.with_fix(Fix::replace(
                                format!("Point link to {close}"),
                                cx.path,
                                r,
                                new_target,
                            ));
                        }
                    }
                    if finding.help.is_none() {
                        finding.help = Some(format!("create {missing}, or fix the link").into());
                    }
                    out.push(finding);
                }
                PathResolution::Found(found) => {
                    let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                        continue;
                    };
                    let fragment = percent_decode(fragment);
                    let Some(anchors) = anchor_lists
                        .entry(found.clone())
                        .or_insert_with(|| anchors_of(cx, &found))
                    else {
                        continue;
                    };
                    if anchors.iter().any(|a| a.eq_ignore_ascii_case(&fragment)) {
                        continue;
                    }
                    // A typo, or a longer or shorter form of an existing anchor
                    // (`#restore-drill` for `#restore`).
                    let closest = anchors
                        .iter()
                        .map(|a| {
                            let prefix = fragment.starts_with(&format!("{a}-"))
                                || a.starts_with(&format!("{fragment}-"));
                            let d = crate::workspace::levenshtein(a, &fragment);
                            (if prefix { d.min(1) } else { d }, *a)
                        })
                        .filter(|(d, _)| *d <= 3.max(fragment.len() / 4))
                        .min();
                    let in_file = if found == cx.path {
                        "this file".to_string()
                    } else {
                        found.clone()
                    };
                    let mut finding = Finding::new(
                        INFO.code,
                        cx.path,
                        range,
                        format!("heading `#{fragment}` does not exist in {in_file}"),
                    );
                    if let Some(heading) = cx
                        .ws
                        .file(&found)
                        .and_then(|f| f.document())
                        .and_then(|d| d.headings.first())
                        .filter(|_| found != cx.path)
                    {
                        let listed: Vec<String> =
                            anchors.iter().take(6).map(|a| format!("#{a}")).collect();
                        finding = finding.with_related(Related {
                            path: found.clone(),
                            range: heading.range.clone(),
                            message: format!(
                                "its headings: {}{}",
                                listed.join(", "),
                                if anchors.len() > 6 { ", …" } else { "" }
                            )
                            .into(),
                        });
                    }
                    match (closest, &link.target_range) {
                        (Some((_, anchor)), Some(r)) => {
                            finding.help = Some(format!("did you mean `#{anchor}`?").into());
                            if cx.fixes {
                                finding = finding.with_fix(
                                    Fix::replace(
                                        format!("Point link to #{anchor}"),
                                        cx.path,
                                        r.clone(),
                                        format!("{path_part}#{anchor}"),
                                    )
                                    .preferred(),
                                );
                            }
                        }
                        _ => {
                            finding.help =
                                Some("link to an existing heading, or add the heading".into())
                        }
                    }
                    out.push(finding);
                }
            }
        }
    }
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// `to` written relative to the folder `from_dir` (both workspace-relative).
pub(crate) fn relative_from(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

/// Offers to scaffold a missing markdown document from the template its name suggests.
/// "Create <missing>" from the template its name or link text asks for (documents only).
fn create_fix(cx: &ChecklistCx, missing: &str, link_text: &str) -> Option<Fix> {
    let is_doc = crate::workspace::is_markdown(missing);
    if !is_doc || missing.ends_with('/') {
        return None;
    }
    let file_name = missing.rsplit('/').next().unwrap_or(missing);
    let title = if link_text.trim().is_empty() {
        title_from_file_name(file_name)
    } else {
        link_text.trim().to_string()
    };
    let date = cx.today.to_string();
    let (label, contents) = match crate::packs::choose_template(link_text, file_name)
        .and_then(|t| crate::packs::render_template(t, &title, &date).map(|c| (t, c)))
    {
        Some((template, contents)) => (format!("Create {missing} from the {template} template"), contents),
        None => (format!("Create {missing}"), format!("# {title}\n\n<!-- What this document covers, who owns it, when it was last exercised. -->\n")),
    };
    Some(Fix {
        title: label,
        preferred: true,
        edits: vec![FileEdit::Create {
            path: missing.to_string(),
            contents,
        }],
    })
}

fn title_from_file_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let words: Vec<String> = stem
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::check;

    #[test]
    fn missing_file_and_heading_fire() {
        let out = check(
            "broken-link",
            &[
                ("docs/readiness.md", "# R\n\n## Ops\n\n- [ ] [Runbook](runbooks/db.md)\n- [ ] [Ops](#ops)\n- [ ] [Nope](#nope)\n- [ ] [Guide](guide.md#install)\n"),
                ("docs/guide.md", "# Guide\n\n## Setup\n"),
            ],
        );
        assert_eq!(
            out,
            [
                "docs/readiness.md:5: link target `runbooks/db.md` does not exist (docs/runbooks/db.md is missing)",
                "docs/readiness.md:7: heading `#nope` does not exist in this file",
                "docs/readiness.md:8: heading `#install` does not exist in docs/guide.md",
            ]
        );
    }

    #[test]
    fn urls_existing_targets_and_outside_root_are_quiet() {
        let out = check(
            "broken-link",
            &[
                ("readiness.md", "# R\n[a](https://example.com/x) [b](mailto:a@b.c) [c](docs/) [d](../../elsewhere.md) [e](docs/a%20b.md) [f](docs/a%20b.md#top)\n"),
                ("docs/a b.md", "# Top\n"),
            ],
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn footnotes_are_no_link_definitions() {
        let out = check(
            "broken-link",
            &[(
                "readiness.md",
                "# R\n\nBackups are tested.[^1] Restores too.[^note]\n\n[^1]: Some footnote text\n\n[^note]: Footnote\n\n[^2]: \"quoted\"\n\n[real]: missing.md\n",
            )],
        );
        assert_eq!(
            out,
            ["readiness.md:11: link target `missing.md` does not exist (missing.md is missing)"]
        );
    }

    #[test]
    fn anchors_defined_by_html_are_link_targets() {
        let out = check(
            "broken-link",
            &[
                (
                    "docs/readiness.md",
                    "# R\n\n<a name=\"top\"></a>\n\n- [ ] [a](other.md#legacy) [b](other.md#inline-anchor) [c](other.md#block-id) [d](#top)\n- [ ] [e](other.md#nope) [f](other.md#commented)\n",
                ),
                (
                    "docs/other.md",
                    "# Other\n\n<a name=\"legacy\"></a>\nSome text <a id=\"inline-anchor\">here</a>.\n\n<div id=\"block-id\">x</div>\n\n<!-- <a name=\"commented\"></a> -->\n\n`<a id=\"nope\">`\n",
                ),
            ],
        );
        assert_eq!(
            out,
            [
                "docs/readiness.md:6: heading `#nope` does not exist in docs/other.md",
                "docs/readiness.md:6: heading `#commented` does not exist in docs/other.md",
            ]
        );
    }

    #[test]
    fn relative_paths_between_folders() {
        assert_eq!(
            relative_from("docs/ops", "docs/runbooks/a.md"),
            "../runbooks/a.md"
        );
        assert_eq!(relative_from("", "a.md"), "a.md");
        assert_eq!(
            title_from_file_name("service-not-ready.md"),
            "Service Not Ready"
        );
    }
}
