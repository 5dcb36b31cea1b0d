//! YAML front matter (`---` ... `---` at the very start), read line by line: top-level
//! `key: value` entries and `key:` followed by `- item` lists. No YAML crate needed.

use std::ops::Range;

use super::dates::find_date;
use super::lines::lines;
use super::{DateKind, DateMention, FrontMatter};

/// What the front matter holds, and where the markdown body starts.
pub struct Parsed {
    pub front_matter: FrontMatter,
    pub dates: Vec<DateMention>,
    /// Offset of the first byte after the front matter (after a BOM when there is none).
    pub body_start: usize,
}

const BOM: &str = "\u{feff}";

pub fn parse(text: &str) -> Parsed {
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut parsed = Parsed {
        front_matter: FrontMatter::default(),
        dates: Vec::new(),
        body_start: start,
    };
    let mut iter = lines(&text[start..]);
    match iter.next() {
        Some((_, first)) if first.trim_end() == "---" => {}
        _ => return parsed,
    }
    // Find the closing fence.
    let mut entries: Vec<(usize, &str)> = Vec::new();
    let mut end = None;
    for (off, line) in iter.by_ref() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            end = Some(start + off + line.len());
            break;
        }
        entries.push((start + off, line));
    }
    let Some(mut end) = end else { return parsed };
    // Include the closing fence's line ending.
    let rest = &text.as_bytes()[end..];
    if rest.starts_with(b"\r\n") {
        end += 2;
    } else if rest.starts_with(b"\n") || rest.starts_with(b"\r") {
        end += 1;
    }
    parsed.body_start = end;
    parsed.front_matter.range = start..end;

    let mut current_list: Option<&str> = None;
    for &(off, line) in &entries {
        if line.starts_with([' ', '\t', '-']) {
            let item = line.trim_start();
            if let (Some(key), Some(value)) = (current_list, item.strip_prefix('-')) {
                if key == "packs" {
                    push_pack(&mut parsed.front_matter.packs, value);
                }
            }
            continue;
        }
        current_list = None;
        let Some(colon) = line.find(':') else {
            continue;
        };
        let key = line[..colon].trim();
        let value_start =
            colon + 1 + (line.len() - colon - 1 - line[colon + 1..].trim_start().len());
        let value = strip_comment(line[value_start..].trim_end());
        let key_lower = key.to_ascii_lowercase();
        match key_lower.as_str() {
            "readiness" => {
                parsed.front_matter.readiness = match unquote(value).to_ascii_lowercase().as_str() {
                    "true" | "yes" | "on" => Some(true),
                    "false" | "no" | "off" => Some(false),
                    _ => None,
                }
            }
            "packs" => {
                if value.is_empty() {
                    current_list = Some("packs");
                } else if let Some(inner) =
                    value.strip_prefix('[').and_then(|v| v.strip_suffix(']'))
                {
                    for item in inner.split(',') {
                        push_pack(&mut parsed.front_matter.packs, item);
                    }
                } else {
                    push_pack(&mut parsed.front_matter.packs, value);
                }
            }
            _ => {
                let kind = match key_lower.as_str() {
                    "last_reviewed" | "last_updated" | "updated" | "reviewed" | "last_audited"
                    | "last-reviewed" | "last-updated" => DateKind::LastReviewed,
                    "next_review" | "review_by" | "next-review" | "review-by" => {
                        DateKind::NextReview
                    }
                    _ => continue,
                };
                if let Some((date, r)) = find_date(value) {
                    let base = off + value_start;
                    parsed.dates.push(DateMention {
                        kind,
                        date,
                        range: base + r.start..base + r.end,
                        line_range: line_range(off, line),
                    });
                }
            }
        }
    }
    parsed
}

fn line_range(off: usize, line: &str) -> Range<usize> {
    off..off + line.trim_end().len()
}

fn strip_comment(value: &str) -> &str {
    match value.find(" #") {
        Some(i) if !value.starts_with(['"', '\'']) => value[..i].trim_end(),
        _ => value,
    }
}

fn unquote(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

fn push_pack(packs: &mut Vec<String>, item: &str) {
    let item = unquote(strip_comment(item.trim()));
    if !item.is_empty() {
        packs.push(item.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_lists_and_dates() {
        let text = "\u{feff}---\r\nreadiness: true\r\npacks: [web, \"api\"]\r\nlast_reviewed: 2025-06-01 # ok\r\nnext_review: '2026-01-13'\r\n---\r\n# Body\r\n";
        let p = parse(text);
        assert_eq!(p.front_matter.readiness, Some(true));
        assert_eq!(p.front_matter.packs, vec!["web", "api"]);
        assert_eq!(p.front_matter.range, 3..text.find("# Body").unwrap());
        assert_eq!(p.body_start, text.find("# Body").unwrap());
        assert_eq!(p.dates.len(), 2);
        assert_eq!(&text[p.dates[0].range.clone()], "2025-06-01");
        assert_eq!(
            &text[p.dates[0].line_range.clone()],
            "last_reviewed: 2025-06-01 # ok"
        );
        assert_eq!(p.dates[1].kind, DateKind::NextReview);
        assert_eq!(&text[p.dates[1].range.clone()], "2026-01-13");
    }

    #[test]
    fn reads_yaml_lists() {
        let p = parse("---\ntags:\n  - ops\npacks:\n  - web\n  - 'db'\nreadiness: no\n---\n");
        assert_eq!(p.front_matter.packs, vec!["web", "db"]);
        assert_eq!(p.front_matter.readiness, Some(false));
    }

    #[test]
    fn needs_both_fences_at_the_start() {
        assert_eq!(parse("# x\n---\na: b\n---\n").body_start, 0);
        assert_eq!(parse("---\na: b\n").front_matter.range, 0..0);
        assert_eq!(parse("\u{feff}# x").body_start, 3);
    }
}
