//! Suppression comments and waivers.
//!
//! Markdown: `<!-- readiness-disable-next-line CODE[, CODE] -->`,
//! `<!-- readiness-disable CODE -->` ... `<!-- readiness-enable CODE -->`,
//! `<!-- readiness-disable-file CODE -->`, and
//! `<!-- readiness-waive CODE until=YYYY-MM-DD reason="..." -->` (next line, until a date).
//! Dotenv and YAML: `# readiness-disable-next-line CODE`. No code means every code.

use std::ops::Range;

use crate::date::Date;
use crate::model::Finding;
use crate::text::LineIndex;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Directive {
    NextLine,
    Disable,
    Enable,
    File,
    Waive { until: Option<Date>, reason: String },
}

#[derive(Debug, Clone)]
struct Entry {
    directive: Directive,
    /// Empty: every code.
    codes: Vec<String>,
    range: Range<usize>,
}

/// The suppressions of one file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    entries: Vec<Entry>,
}

fn parse_directive(body: &str) -> Option<(Directive, Vec<String>)> {
    let body = body.trim();
    let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let directive = match word {
        "readiness-disable-next-line" => Directive::NextLine,
        "readiness-disable" => Directive::Disable,
        "readiness-enable" => Directive::Enable,
        "readiness-disable-file" => Directive::File,
        "readiness-waive" => {
            let until = rest
                .split_whitespace()
                .find_map(|w| w.strip_prefix("until="))
                .and_then(|d| Date::parse_iso(d.trim_matches('"')));
            let reason = rest
                .find("reason=")
                .map(|i| rest[i + 7..].trim().trim_matches('"').to_string())
                .unwrap_or_default();
            Directive::Waive { until, reason }
        }
        _ => return None,
    };
    let codes_part = match directive {
        // The codes of a waiver come before its key=value options.
        Directive::Waive { .. } => rest
            .split(|c: char| c.is_whitespace())
            .take_while(|w| !w.contains('='))
            .collect::<Vec<_>>()
            .join(" "),
        _ => rest.to_string(),
    };
    let codes = codes_part
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    Some((directive, codes))
}

impl Suppressions {
    /// Collects directives from comment bodies and their ranges.
    pub fn from_comments<'a>(
        comments: impl IntoIterator<Item = (&'a str, Range<usize>)>,
    ) -> Suppressions {
        let entries = comments
            .into_iter()
            .filter_map(|(body, range)| {
                let (directive, codes) = parse_directive(body)?;
                Some(Entry {
                    directive,
                    codes,
                    range,
                })
            })
            .collect();
        Suppressions { entries }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops suppressed findings of this file and adds `expired-waiver` findings.
    pub fn apply(&self, path: &str, lines: &LineIndex, today: Date, findings: &mut Vec<Finding>) {
        if self.entries.is_empty() {
            return;
        }
        let covers =
            |e: &Entry, code: &str| e.codes.is_empty() || e.codes.iter().any(|c| c == code);
        findings.retain(|f| {
            let line = lines.line_of(f.range.start);
            !self.entries.iter().any(|e| {
                if !covers(e, f.code) {
                    return false;
                }
                let next_line = lines.line_of(e.range.end) + 1;
                match &e.directive {
                    Directive::File => true,
                    Directive::NextLine => line == next_line,
                    Directive::Waive { until, .. } => {
                        line == next_line && until.is_some_and(|u| today <= u)
                    }
                    Directive::Disable => {
                        let end = self
                            .entries
                            .iter()
                            .filter(|o| {
                                o.directive == Directive::Enable
                                    && o.range.start > e.range.end
                                    && covers(o, f.code)
                            })
                            .map(|o| o.range.start)
                            .min()
                            .unwrap_or(usize::MAX);
                        f.range.start > e.range.end && f.range.start < end
                    }
                    Directive::Enable => false,
                }
            })
        });
        for e in &self.entries {
            if let Directive::Waive { until, reason } = &e.directive {
                let message = match until {
                    Some(u) if today > *u => format!(
                        "waiver for {} expired on {u}{}",
                        if e.codes.is_empty() {
                            "all rules".to_string()
                        } else {
                            e.codes.join(", ")
                        },
                        if reason.is_empty() {
                            String::new()
                        } else {
                            format!(" (reason: {reason})")
                        }
                    ),
                    Some(_) => continue,
                    None => "waiver has no valid `until=YYYY-MM-DD` date, so it waives nothing"
                        .to_string(),
                };
                findings.push(
                    Finding::new("expired-waiver", path, e.range.clone(), message).with_help(
                        "fix the finding it waived, or renew the waiver with a new date and reason",
                    ),
                );
            }
        }
    }

    /// A `bad-suppression` finding for each comment that names codes no rule has (see
    /// the rule of that name, which asks for them whether or not the file has findings).
    pub fn unknown_codes<'a>(&'a self, path: &'a str) -> impl Iterator<Item = Finding> + 'a {
        self.entries
            .iter()
            .filter_map(move |e| unknown_codes(path, e))
    }
}

/// A `bad-suppression` finding when `e` names codes no rule has: a misspelt code
/// (`placeholders`) suppresses nothing, and without this the comment looks as if it works.
fn unknown_codes(path: &str, e: &Entry) -> Option<Finding> {
    let unknown: Vec<&str> = e
        .codes
        .iter()
        .map(String::as_str)
        .filter(|c| !crate::rules::is_known(c))
        .collect();
    let first = *unknown.first()?;
    let names = unknown
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = format!("no rule has the code {names}: this comment suppresses nothing for it");
    let closest = crate::rules::all()
        .map(|i| (crate::workspace::levenshtein(first, i.code), i.code))
        .min()
        .filter(|(d, _)| *d <= 3);
    let help = match closest {
        Some((_, k)) => format!("did you mean `{k}`? `readiness rules` lists the codes"),
        None => "correct the code (`readiness rules` lists them), or remove the comment".into(),
    };
    Some(Finding::new("bad-suppression", path, e.range.clone(), message).with_help(help))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &'static str, text: &str, needle: &str) -> Finding {
        let start = text.find(needle).unwrap();
        Finding::new(code, "c.md", start..start + needle.len(), String::new())
    }

    fn run(text: &str, comments: &[(&str, &str)], findings: Vec<Finding>) -> Vec<String> {
        let comments: Vec<(&str, Range<usize>)> = comments
            .iter()
            .map(|(body, whole)| {
                let s = text.find(whole).unwrap();
                (*body, s..s + whole.len())
            })
            .collect();
        let sup = Suppressions::from_comments(comments);
        let mut findings = findings;
        sup.apply(
            "c.md",
            &LineIndex::new(text),
            Date::parse_iso("2026-06-01").unwrap(),
            &mut findings,
        );
        findings
            .iter()
            .map(|f| format!("{}@{}", f.code, &text[f.range.clone()]))
            .collect()
    }

    #[test]
    fn a_code_no_rule_has_is_reported_with_the_closest() {
        let text = "<!-- x -->\n- [ ] a\n<!-- y -->\n";
        let out = run(
            text,
            &[
                (
                    "readiness-disable-next-line placeholders, unchecked",
                    "<!-- x -->",
                ),
                ("readiness-disable-file duplicate-item", "<!-- y -->"),
            ],
            vec![finding("unchecked", text, "- [ ] a")],
        );
        assert_eq!(out, Vec::<String>::new(), "apply leaves them to the rule");
        let comments = [
            ("readiness-disable-next-line placeholders, nope", 0..10),
            ("readiness-disable-file duplicate-item", 20..30),
        ];
        let sup = Suppressions::from_comments(comments);
        let findings: Vec<Finding> = sup.unknown_codes("c.md").collect();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].range, 0..10);
        assert_eq!(
            findings[0].message(),
            "no rule has the code `placeholders`, `nope`: this comment suppresses nothing for it"
        );
        assert_eq!(
            findings[0].help.as_deref(),
            Some("did you mean `placeholder`? `readiness rules` lists the codes")
        );
    }

    #[test]
    fn next_line_suppresses_only_that_line_and_code() {
        let text = "<!-- x -->\n- [ ] a\n- [ ] b\n";
        let out = run(
            text,
            &[(
                "readiness-disable-next-line unchecked, placeholder",
                "<!-- x -->",
            )],
            vec![
                finding("unchecked", text, "- [ ] a"),
                finding("unchecked", text, "- [ ] b"),
                finding("broken-link", text, "a"),
            ],
        );
        assert_eq!(out, ["unchecked@- [ ] b", "broken-link@a"]);
    }

    #[test]
    fn disable_enable_block_and_file() {
        let text = "<!-- d -->\none\n<!-- e -->\ntwo\n";
        let out = run(
            text,
            &[
                ("readiness-disable placeholder", "<!-- d -->"),
                ("readiness-enable placeholder", "<!-- e -->"),
            ],
            vec![
                finding("placeholder", text, "one"),
                finding("placeholder", text, "two"),
            ],
        );
        assert_eq!(out, ["placeholder@two"]);
        let out = run(
            text,
            &[("readiness-disable-file", "<!-- d -->")],
            vec![finding("placeholder", text, "two")],
        );
        assert!(out.is_empty());
    }

    #[test]
    fn waiver_holds_until_its_date_then_expires() {
        let text = "<!-- w -->\n- [ ] a\n";
        let live = run(
            text,
            &[(
                "readiness-waive unchecked until=2026-12-31 reason=\"vendor\"",
                "<!-- w -->",
            )],
            vec![finding("unchecked", text, "- [ ] a")],
        );
        assert!(live.is_empty());
        let expired = run(
            text,
            &[(
                "readiness-waive unchecked until=2026-01-31 reason=\"vendor\"",
                "<!-- w -->",
            )],
            vec![finding("unchecked", text, "- [ ] a")],
        );
        assert_eq!(expired, ["unchecked@- [ ] a", "expired-waiver@<!-- w -->"]);
    }
}
