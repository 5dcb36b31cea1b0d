//! Review dates: `**Last Updated**: 2025-11-07`, `Next Review: April 1, 2026`,
//! `Status: Updated 2026-01-11`, `最終更新: 2025年11月13日`...

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{DateKind, DateMention};
use crate::date::Date;

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let month = "(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";
    Regex::new(&format!(
        r"(?i)(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})|(\d{{4}})/(\d{{1,2}})/(\d{{1,2}})|\b{month}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{month}\.?,?\s+(\d{{4}})|(\d{{4}})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日"
    ))
    .expect("date regex")
});

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// The first valid date written in `s`, with its range in `s`.
pub fn find_date(s: &str) -> Option<(Date, Range<usize>)> {
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    for caps in DATE_RE.captures_iter(s) {
        let whole = caps.get(0)?;
        let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let year = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
        let date = if caps.get(1).is_some() {
            Date::new(year(1)?, num(2)?, num(3)?)
        } else if caps.get(4).is_some() {
            Date::new(year(4)?, num(5)?, num(6)?)
        } else if let Some(m) = caps.get(7) {
            Date::new(year(9)?, month_number(m.as_str())?, num(8)?)
        } else if let Some(m) = caps.get(11) {
            Date::new(year(12)?, month_number(m.as_str())?, num(10)?)
        } else {
            Date::new(year(13)?, num(14)?, num(15)?)
        };
        // A digit right after an ISO date (`2025-01-011`) means it was something else.
        let next_is_digit = s[whole.end()..]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit());
        if let Some(date) = date {
            if !next_is_digit {
                return Some((date, whole.range()));
            }
        }
    }
    None
}

const NEXT_LABELS: &[&str] = &[
    "next review",
    "review by",
    "next audit",
    "next reviewed",
    "次回レビュー",
    "次回見直し",
];
const LAST_LABELS: &[&str] = &[
    "last updated",
    "updated",
    "last reviewed",
    "reviewed",
    "last audited",
    "last review",
    "最終更新",
    "更新日",
    "最終レビュー",
];

/// What the text before a date says the date is.
pub fn label_kind(before: &str) -> Option<DateKind> {
    let mut label = String::with_capacity(before.len());
    for c in before.chars() {
        match c {
            '*' | '_' | '#' | '>' | '|' | '`' | '[' | ']' => {}
            _ => label.extend(c.to_lowercase()),
        }
    }
    let mut label = label.trim_start_matches(['-', '+', ' ', '\t']).trim_end();
    label = label.trim_end_matches([':', '：', '-', '—', '–', ' ', '\t', '(']);
    if let Some(stripped) = label.strip_suffix(" on") {
        label = stripped.trim_end_matches([':', '：', ' ']);
    }
    if label.chars().count() > 40 {
        return None;
    }
    let ends_with_label = |labels: &[&str]| {
        labels.iter().any(|l| {
            label.strip_suffix(l).is_some_and(|head| {
                head.chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
            })
        })
    };
    if ends_with_label(NEXT_LABELS) {
        Some(DateKind::NextReview)
    } else if ends_with_label(LAST_LABELS) {
        Some(DateKind::LastReviewed)
    } else {
        None
    }
}

/// Characters [`label_kind`] drops before it reads a label.
const LABEL_IGNORED: &[u8] = b"*_#>|`[]";

/// Words every label in [`NEXT_LABELS`] and [`LAST_LABELS`] contains.
const LABEL_WORDS: &[&str] = &["review", "audit", "updated", "レビュー", "見直し", "更新"];

static LABEL_FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    LABEL_WORDS
        .iter()
        .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
        .collect()
});

/// Whether `line` may hold a label: one of [`LABEL_WORDS`] occurs in it, read the way
/// [`label_kind`] reads a label (ASCII case ignored, [`LABEL_IGNORED`] characters skipped).
/// A cheap necessary condition that keeps the date regex off most lines. `buf` is scratch.
fn may_have_label(line: &str, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    buf.extend(
        line.bytes()
            .filter(|b| !LABEL_IGNORED.contains(b))
            .map(|b| b.to_ascii_lowercase()),
    );
    LABEL_FINDERS.iter().any(|f| f.find(buf).is_some())
}

/// Where the first run of four digits in a row starting at or after `from` begins: every
/// date format [`find_date`] reads has a four-digit year. Most lines with digits (`2×`, `p99`,
/// `:8080`) have none.
fn next_year(b: &[u8], from: usize) -> Option<usize> {
    let mut run = 0;
    let mut i = from;
    while i < b.len() {
        // Outside a run of digits, 16 bytes without one are skipped at once (a check the
        // compiler makes in a few vector instructions): the whole of every checklist is
        // looked through, and most of it holds few digits.
        if run == 0 {
            if let Some(chunk) = b.get(i..i + 16) {
                if !chunk.iter().fold(false, |any, c| any | c.is_ascii_digit()) {
                    i += 16;
                    continue;
                }
            }
        }
        if b[i].is_ascii_digit() {
            run += 1;
            if run == 4 {
                return Some(i - 3);
            }
        } else {
            run = 0;
        }
        i += 1;
    }
    None
}

/// Scans `masked` (the document with code and comments blanked out) for labelled review
/// dates. Only lines holding a year are read: the text is looked through for one, and its
/// line found around it (going line by line was a fifth of this scan's time, for lines
/// that mostly hold none).
pub fn scan(masked: &str, out: &mut Vec<DateMention>) {
    let b = masked.as_bytes();
    let mut buf = Vec::new();
    let mut from = 0;
    while let Some(year) = next_year(b, from) {
        // Lines end at `\n` or `\r` (see `lines`), neither of which is a digit.
        let start = memchr::memrchr2(b'\n', b'\r', &b[..year]).map_or(0, |i| i + 1);
        let end = memchr::memchr2(b'\n', b'\r', &b[year..]).map_or(b.len(), |i| year + i);
        scan_line(masked, start, &masked[start..end], &mut buf, out);
        from = end;
    }
}

/// The labelled date of one line starting at `start`, if it has one.
fn scan_line(
    masked: &str,
    start: usize,
    line: &str,
    buf: &mut Vec<u8>,
    out: &mut Vec<DateMention>,
) {
    if !may_have_label(line, buf) {
        return;
    }
    let Some((date, range)) = find_date(line) else {
        return;
    };
    let Some(kind) = label_kind(&line[..range.start]) else {
        return;
    };
    let line_range = super::lines::trim(masked, start..start + line.len());
    out.push(DateMention {
        kind,
        date,
        range: start + range.start..start + range.end,
        line_range,
    });
}

#[cfg(test)]
mod tests {
    use super::super::lines::lines;
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn every_date_has_a_year() {
        for s in [
            "2025-11-07",
            "on 2025/6/1.",
            "April 1, 2026",
            "1 April 2026",
            "2025年11月13日",
        ] {
            assert!(
                next_year(s.as_bytes(), 0).is_some() && find_date(s).is_some(),
                "{s}"
            );
        }
        for s in ["2× peak", "p99 < 200ms", "port 808", "1-2-3", "", "12a34"] {
            assert!(next_year(s.as_bytes(), 0).is_none(), "{s}");
        }
    }

    proptest::proptest! {
        /// Where a run of four digits begins, as looking at every byte finds it, wherever
        /// the digits fall against the 16-byte steps.
        #[test]
        fn a_year_is_four_digits_in_a_row(line in "([a-z:é -]{0,24}[0-9]{0,5}){0,8}", from in 0usize..40) {
            let b = line.as_bytes();
            let from = from.min(b.len());
            let naive = (from..b.len().saturating_sub(3))
                .find(|&i| b[i..i + 4].iter().all(u8::is_ascii_digit));
            proptest::prop_assert_eq!(next_year(b, from), naive);
        }

        /// The same dates as reading every line, on documents of dated and undated lines
        /// with every line ending.
        #[test]
        fn finds_what_reading_every_line_finds(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("**Last Updated**: 2025-11-07"),
                    proptest::strategy::Just("Next Review: April 1, 2026"),
                    proptest::strategy::Just("Shipped 2025-01-01 and 2026-02-02"),
                    proptest::strategy::Just("reviewed 1999"),
                    proptest::strategy::Just("- [ ] port 8080, p99 < 200ms"),
                    proptest::strategy::Just("Status: Updated 2026-01-11"),
                    proptest::strategy::Just(""),
                    proptest::strategy::Just("\n"),
                    proptest::strategy::Just("\r\n"),
                    proptest::strategy::Just("\r"),
                    proptest::strategy::Just(" 2025年11月13日 更新"),
                ],
                0..24,
            )
        ) {
            let text: String = parts.concat();
            let mut fast = Vec::new();
            scan(&text, &mut fast);
            let mut slow = Vec::new();
            let mut buf = Vec::new();
            for (start, line) in lines(&text) {
                scan_line(&text, start, line, &mut buf, &mut slow);
            }
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn finds_each_format() {
        assert_eq!(find_date("2025-11-07").unwrap().0, d(2025, 11, 7));
        assert_eq!(find_date("on 2025/6/1.").unwrap(), (d(2025, 6, 1), 3..11));
        assert_eq!(find_date("April 1, 2026").unwrap().0, d(2026, 4, 1));
        assert_eq!(find_date("Sept. 3rd 2026").unwrap().0, d(2026, 9, 3));
        assert_eq!(find_date("1 April 2026").unwrap().0, d(2026, 4, 1));
        assert_eq!(find_date("2025年11月13日").unwrap().0, d(2025, 11, 13));
        assert!(find_date("YYYY-MM-DD").is_none());
        assert!(find_date("[DATE]").is_none());
        assert!(find_date("2025-02-30").is_none());
    }

    #[test]
    fn recognises_labels() {
        assert_eq!(
            label_kind("**Last Updated**: "),
            Some(DateKind::LastReviewed)
        );
        assert_eq!(label_kind("**Next Review**: "), Some(DateKind::NextReview));
        assert_eq!(
            label_kind("**Status:** Updated "),
            Some(DateKind::LastReviewed)
        );
        assert_eq!(label_kind("Review by: "), Some(DateKind::NextReview));
        assert_eq!(label_kind("最終更新: "), Some(DateKind::LastReviewed));
        assert_eq!(label_kind("次回レビュー: "), Some(DateKind::NextReview));
        assert_eq!(
            label_kind("- Last reviewed on "),
            Some(DateKind::LastReviewed)
        );
        assert_eq!(label_kind("Released: "), None);
        assert_eq!(label_kind("Outdated: "), None);
    }

    #[test]
    fn label_prefilter_accepts_what_labels_accept() {
        for line in [
            "**Last Updated**: 2025-11-07",
            "Next REVIEW: April 1, 2026",
            "- Last a_u_d_i_t_e_d on 2025-01-01",
            "最終*更新: 2025年11月13日",
            "次回見直し 2026-01-01",
        ] {
            assert!(may_have_label(line, &mut Vec::new()), "{line}");
        }
        for line in [
            "Shipped 2025-01-01",
            "| Item | Status |",
            "rev iew 2025-01-01",
        ] {
            assert!(!may_have_label(line, &mut Vec::new()), "{line}");
        }
    }

    #[test]
    fn scans_lines() {
        let text = "# T\r\n**Last Updated**: 2025-11-07\r\nNext Review: April 1, 2026\nShipped 2025-01-01\n";
        let mut out = Vec::new();
        scan(text, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].kind, DateKind::LastReviewed);
        assert_eq!(&text[out[0].range.clone()], "2025-11-07");
        assert_eq!(
            &text[out[0].line_range.clone()],
            "**Last Updated**: 2025-11-07"
        );
        assert_eq!(out[1].kind, DateKind::NextReview);
        assert_eq!(out[1].date, d(2026, 4, 1));
    }
}
