//! `stale-review`: a next-review date has passed, or the last review is old.

use super::{ChecklistCx, Rule, RuleInfo};
use crate::checklist::DateKind;
use crate::model::{FileEdit, Finding, Fix, Severity};

pub struct StaleReview;

static INFO: RuleInfo = RuleInfo {
    code: "stale-review",
    severity: Severity::Warning,
    summary: "a next-review date is past (or the last review is older than max_age_days)",
    explain: include_str!("docs/stale-review.md"),
};

impl Rule for StaleReview {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        let today = cx.today;
        let max_age = i64::from(cx.ws.settings.max_age_days);
        let fix = if cx.fixes {
            mark_reviewed_fix(cx)
        } else {
            None
        };
        for mention in &cx.doc.dates {
            let age = today.days_since_epoch() - mention.date.days_since_epoch();
            let finding = match mention.kind {
                DateKind::NextReview if age > 0 => Finding::new(
                    INFO.code,
                    cx.path,
                    mention.range.clone(),
                    format!("next review was due on {} ({age} days ago)", mention.date),
                ),
                DateKind::LastReviewed if age > max_age => Finding::new(
                    INFO.code,
                    cx.path,
                    mention.range.clone(),
                    format!(
                        "last reviewed on {}, {age} days ago (older than {max_age} days)",
                        mention.date
                    ),
                )
                .with_severity(Severity::Info),
                _ => continue,
            };
            let mut finding = finding
                .with_help("review the checklist against the repository, then update the dates");
            if let Some(fix) = &fix {
                finding = finding.with_fix(fix.clone());
            }
            out.push(finding);
        }
    }
}

/// Sets every last-reviewed date to today and every next-review date to today plus the
/// configured interval, in one fix.
fn mark_reviewed_fix(cx: &ChecklistCx) -> Option<Fix> {
    if cx.doc.dates.is_empty() {
        return None;
    }
    let next = cx
        .today
        .add_days(i64::from(cx.ws.settings.review_interval_days));
    let edits = cx
        .doc
        .dates
        .iter()
        .map(|m| {
            let date = if m.kind == DateKind::NextReview {
                next
            } else {
                cx.today
            };
            let original = &cx.text[m.range.clone()];
            FileEdit::Replace {
                path: cx.path.to_string(),
                range: m.range.clone(),
                text: format_like(original, date),
            }
        })
        .collect();
    Some(Fix {
        title: "Mark reviewed today".to_string(),
        preferred: true,
        edits,
    })
}

/// Writes `date` in the style of `original` (ISO, `April 1, 2026` or `2026年4月1日`).
fn format_like(original: &str, date: crate::date::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    if original.contains('年') {
        format!("{}年{}月{}日", date.year, date.month, date.day)
    } else if original.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!(
            "{} {}, {}",
            MONTHS[date.month as usize - 1],
            date.day,
            date.year
        )
    } else if original.starts_with(|c: char| c.is_ascii_digit())
        && original.chars().nth(4) == Some('/')
    {
        date.to_string().replace('-', "/")
    } else if original.starts_with(|c: char| c.is_ascii_digit())
        && original.contains(|c: char| c.is_ascii_alphabetic())
    {
        format!(
            "{} {} {}",
            date.day,
            MONTHS[date.month as usize - 1],
            date.year
        )
    } else {
        date.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::check_full;

    #[test]
    fn past_next_review_warns_and_old_update_informs() {
        let out = check_full(
            "stale-review",
            &[(
                "readiness.md",
                "# R\n\n**Last Updated**: 2025-11-07\n**Next Review**: 2025-12-07\n",
            )],
        );
        // test_support fixes today at 2026-06-01.
        assert_eq!(
            out,
            [
                "readiness.md:3 info: last reviewed on 2025-11-07, 206 days ago (older than 180 days)",
                "readiness.md:4 warning: next review was due on 2025-12-07 (176 days ago)",
            ]
        );
    }

    #[test]
    fn future_dates_are_fine() {
        let out = check_full(
            "stale-review",
            &[(
                "readiness.md",
                "Next Review: 2026-12-07\nLast reviewed: 2026-05-01\n",
            )],
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn rewrites_dates_in_their_own_style() {
        let d = crate::date::Date::parse_iso("2026-04-01").unwrap();
        assert_eq!(format_like("2025-11-07", d), "2026-04-01");
        assert_eq!(format_like("May 3, 2025", d), "April 1, 2026");
        assert_eq!(format_like("2025年11月13日", d), "2026年4月1日");
    }
}
