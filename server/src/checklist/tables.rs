//! Status tables: which column holds the status (by header or by glyphs), which holds the
//! evidence, and what a status cell says (`✅ Done`, `⚠️ 要改善`, `Partial`, `N/A`...).

use super::ItemState;

/// Glyphs and shortcodes, longest first where one is a prefix of another.
const GLYPHS: &[(&str, ItemState)] = &[
    ("✔️", ItemState::Done),
    ("☑️", ItemState::Done),
    ("✅", ItemState::Done),
    ("✔", ItemState::Done),
    ("☑", ItemState::Done),
    ("✓", ItemState::Done),
    ("🟢", ItemState::Done),
    (":white_check_mark:", ItemState::Done),
    (":heavy_check_mark:", ItemState::Done),
    ("[x]", ItemState::Done),
    ("[X]", ItemState::Done),
    ("⚠️", ItemState::Partial),
    ("⚠", ItemState::Partial),
    ("◐", ItemState::Partial),
    ("🟡", ItemState::Partial),
    ("🟠", ItemState::Partial),
    ("🚧", ItemState::Partial),
    (":warning:", ItemState::Partial),
    ("❌", ItemState::Open),
    ("✗", ItemState::Open),
    ("✘", ItemState::Open),
    ("☐", ItemState::Open),
    ("⬜", ItemState::Open),
    ("🔴", ItemState::Open),
    ("⭕", ItemState::Open),
    (":x:", ItemState::Open),
    ("[ ]", ItemState::Open),
    ("➖", ItemState::NotApplicable),
    ("—", ItemState::NotApplicable),
];

/// Leading words, lower-case, longest first where one is a prefix of another.
const WORDS: &[(&str, ItemState)] = &[
    ("done", ItemState::Done),
    ("yes", ItemState::Done),
    ("passed", ItemState::Done),
    ("pass", ItemState::Done),
    ("completed", ItemState::Done),
    ("complete", ItemState::Done),
    ("ok", ItemState::Done),
    ("implemented", ItemState::Done),
    ("partially", ItemState::Partial),
    ("partial", ItemState::Partial),
    ("in progress", ItemState::Partial),
    ("in-progress", ItemState::Partial),
    ("wip", ItemState::Partial),
    ("no", ItemState::Open),
    ("not started", ItemState::Open),
    ("not done", ItemState::Open),
    ("todo", ItemState::Open),
    ("to do", ItemState::Open),
    ("to-do", ItemState::Open),
    ("pending", ItemState::Open),
    ("failed", ItemState::Open),
    ("fail", ItemState::Open),
    ("missing", ItemState::Open),
    ("open", ItemState::Open),
    ("n/a", ItemState::NotApplicable),
    ("na", ItemState::NotApplicable),
    ("not applicable", ItemState::NotApplicable),
];

/// What a status cell says, by its leading glyph or else its leading word(s).
pub fn classify_status(cell: &str) -> Option<ItemState> {
    let t = cell.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
    if t.is_empty() {
        return None;
    }
    for (glyph, state) in GLYPHS {
        if t.starts_with(glyph) {
            // An em dash counts only alone.
            if *glyph == "—" && t.trim() != "—" {
                continue;
            }
            return Some(*state);
        }
    }
    // Only text cells from here: the first word(s) decide.
    let lower: String = t.chars().take(20).flat_map(char::to_lowercase).collect();
    for (word, state) in WORDS {
        if let Some(rest) = lower.strip_prefix(word) {
            if rest.chars().next().is_none_or(|c| !c.is_alphanumeric()) {
                return Some(*state);
            }
        }
    }
    None
}

/// Whether the cell starts with a status glyph (for tables without a status header).
fn starts_with_glyph(cell: &str) -> bool {
    let t = cell.trim_start();
    GLYPHS.iter().any(|(g, _)| *g != "—" && t.starts_with(g))
}

fn header_words(h: &str) -> String {
    h.chars().flat_map(char::to_lowercase).collect()
}

fn has_word(h: &str, words: &[&str]) -> bool {
    h.split(|c: char| !c.is_alphanumeric())
        .any(|w| words.contains(&w))
}

pub fn is_status_header(h: &str) -> bool {
    has_word(
        &header_words(h),
        &[
            "status",
            "state",
            "done",
            "pass",
            "fail",
            "result",
            "signature",
            "passed",
            "complete",
        ],
    )
}

pub fn is_evidence_header(h: &str) -> bool {
    has_word(
        &header_words(h),
        &[
            "evidence", "proof", "link", "links", "file", "files", "where", "location", "source",
        ],
    )
}

/// The status column and the evidence column of a table, from its header row and body rows
/// (plain text of each cell). None when the table is no status table.
pub fn pick_columns(header: &[String], body: &[Vec<String>]) -> Option<(usize, Option<usize>)> {
    let evidence = header.iter().position(|h| is_evidence_header(h));
    let by_header = header
        .iter()
        .enumerate()
        .position(|(i, h)| Some(i) != evidence && is_status_header(h));
    let status = by_header.or_else(|| {
        // A column whose cells are mostly status glyphs.
        (0..header.len()).find(|&col| {
            let cells: Vec<&String> = body
                .iter()
                .filter_map(|r| r.get(col))
                .filter(|c| !c.trim().is_empty())
                .collect();
            let glyphs = cells.iter().filter(|c| starts_with_glyph(c)).count();
            !cells.is_empty() && glyphs * 2 > cells.len()
        })
    })?;
    Some((status, evidence.filter(|&e| e != status)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemState::*;

    #[test]
    fn classifies_cells() {
        let cases = [
            ("✅ Done", Some(Done)),
            ("✅ 523+ tests", Some(Done)),
            ("✔️", Some(Done)),
            (":white_check_mark: yes", Some(Done)),
            ("[x]", Some(Done)),
            ("**Done**", Some(Done)),
            ("Completed 2025-01-01", Some(Done)),
            ("⚠️ 要改善", Some(Partial)),
            ("⚠️ Unknown", Some(Partial)),
            ("In progress", Some(Partial)),
            ("WIP", Some(Partial)),
            ("❌ Missing", Some(Open)),
            ("☐", Some(Open)),
            ("To do", Some(Open)),
            ("Pending review", Some(Open)),
            ("Failed", Some(Open)),
            ("No", Some(Open)),
            ("➖", Some(NotApplicable)),
            ("N/A", Some(NotApplicable)),
            ("None", None),
            ("Nothing yet", None),
            ("Donezo", None),
            ("20%", None),
            ("", None),
        ];
        for (cell, want) in cases {
            assert_eq!(classify_status(cell), want, "{cell}");
        }
    }

    #[test]
    fn picks_columns() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            pick_columns(&h(&["Item", "Status", "Evidence"]), &[]),
            Some((1, Some(2)))
        );
        assert_eq!(
            pick_columns(&h(&["Check", "Status ✓", "Where"]), &[]),
            Some((1, Some(2)))
        );
        assert_eq!(
            pick_columns(&h(&["Category", "Weight", "Score", "Weighted Score"]), &[]),
            None
        );
        let body = vec![h(&["a", "✅ ok"]), h(&["b", "❌"]), h(&["c", "later"])];
        assert_eq!(pick_columns(&h(&["Area", "Now"]), &body), Some((1, None)));
        let body = vec![h(&["a", "x"]), h(&["b", "❌"]), h(&["c", "later"])];
        assert_eq!(pick_columns(&h(&["Area", "Now"]), &body), None);
    }
}
