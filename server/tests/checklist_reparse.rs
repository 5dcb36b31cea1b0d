//! Re-parsing only the edited stretch must give exactly what parsing the whole new text
//! gives: random documents, random edits, the two documents compared field by field.
//! The outline pass (headings only, for markdown that is no checklist) is held to the same
//! documents: its headings and front matter must equal a whole parse's.

use proptest::prelude::*;
use readiness::checklist::{parse, parse_outline, reparse};

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("- [ ] Rotate `API_KEY` and set `DEBUG=false`".to_string()),
        3 => Just("- [x] Backups in [runbook](docs/backup.md#restore)\n  - [ ] Nested `scripts/restore.sh`".to_string()),
        3 => Just("## Security".to_string()),
        2 => Just("### Sub section {#custom}".to_string()),
        2 => Just("## Security".to_string()),
        1 => Just("# Title".to_string()),
        1 => Just("```bash\n# not a heading\nAPP_ENV=production\n```".to_string()),
        1 => Just("<!--\n# commented heading\n- [ ] commented\n-->".to_string()),
        1 => Just("<!-- readiness-disable-next-line unchecked -->".to_string()),
        1 => Just("| Item | Status | Evidence |\n| --- | --- | --- |\n| Backups | ✅ | `scripts/backup.sh` |".to_string()),
        1 => Just("**Next Review**: 2025-12-07".to_string()),
        1 => Just("Owner: [Name] - [Email], TBD".to_string()),
        1 => Just("Setext heading\n---".to_string()),
        1 => Just("> # quoted heading\n> - [ ] quoted task".to_string()),
        1 => Just("Paragraph with [a link](other.md) and <https://example.com>.".to_string()),
        1 => Just("<a name=\"legacy\"></a>\nText with <a id=\"inline\">an anchor</a> and a note.[^1]".to_string()),
        1 => Just(String::new()),
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(block(), 1..30),
        prop::sample::select(vec!["\n", "\n\n", "\r\n"]),
        any::<bool>(),
    )
        .prop_map(|(blocks, nl, fm)| {
            let body = blocks.join(nl);
            if fm {
                format!("---\nreadiness: true\nlast_reviewed: 2025-01-01\n---\n{body}\n")
            } else {
                body
            }
        })
}

fn edit() -> impl Strategy<Value = (f64, usize, &'static str)> {
    (
        0.0..1.0f64,
        0usize..4,
        prop::sample::select(vec![
            "x",
            " ",
            "\n",
            "\n\n",
            "```",
            "\n```\n",
            "<!--",
            "-->",
            "- [ ] new task `NEW_VAR=1`",
            "\n# New heading\n",
            "#",
            "[ref]: target.md",
            "\n[ref]: target.md\n",
            "[ref]",
            "[^1]: note",
            "\n[^1]: note\n",
            "[^1]",
            "<div id=\"x\">",
            "`docs/x.md`",
            "✅",
            "|",
            "[x]",
            "",
        ]),
    )
}

/// `doc` with `removed` characters at `at` (a fraction of the length) replaced by `insert`.
fn apply(doc: &str, at: f64, removed: usize, insert: &str) -> String {
    let chars: Vec<(usize, char)> = doc.char_indices().collect();
    let i = ((chars.len() as f64) * at) as usize;
    let start = chars.get(i).map_or(doc.len(), |c| c.0);
    let end = chars.get(i + removed).map_or(doc.len(), |c| c.0);
    format!("{}{}{}", &doc[..start], insert, &doc[end..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn reparse_equals_a_whole_parse(doc in document(), (at, removed, insert) in edit()) {
        let old = parse(&doc);
        let new_text = apply(&doc, at, removed, insert);
        if let Some(fast) = reparse(&doc, &old, &new_text) {
            let whole = parse(&new_text);
            prop_assert_eq!(format!("{fast:#?}"), format!("{whole:#?}"), "old:\n{:?}\nnew:\n{:?}", doc, new_text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// A caller holding a document of some other text gets an answer, never a panic.
    #[test]
    fn mismatched_inputs_never_panic(a in document(), b in document(), c in document()) {
        let _ = reparse(&a, &parse(&b), &c);
    }
}

#[test]
fn a_ticked_box_in_a_long_checklist_reparses_one_section() {
    let mut doc = String::from("# Launch checklist\n\nIntro.\n\n");
    for s in 0..50 {
        doc.push_str(&format!("## Section {s}\n\n"));
        for t in 0..20 {
            doc.push_str(&format!("- [ ] Task {s}.{t} sets `FLAG_{t}=true`\n"));
        }
        doc.push('\n');
    }
    let old = parse(&doc);
    let at = doc.find("- [ ] Task 30.7").unwrap() + 3;
    let mut new_text = doc.clone();
    new_text.replace_range(at..at + 1, "x");
    let fast = reparse(&doc, &old, &new_text).expect("an edit inside one section reparses");
    let whole = parse(&new_text);
    assert_eq!(format!("{fast:?}"), format!("{whole:?}"));
    assert_eq!(fast.tasks.iter().filter(|t| t.checked).count(), 1);

    // A fence left open swallows the headings after it: not spliced.
    let at = doc.find("- [ ] Task 30.7").unwrap();
    let mut open_fence = doc.clone();
    open_fence.insert_str(at, "```\n");
    assert!(reparse(&doc, &old, &open_fence).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Links into a file that is no checklist are checked against its outline: the
    /// anchors, titles and sections must be the whole parse's, edits and all.
    #[test]
    fn outline_headings_equal_a_whole_parse(doc in document(), (at, removed, insert) in edit()) {
        let text = apply(&doc, at, removed, insert);
        let whole = parse(&text);
        let outline = parse_outline(&text);
        prop_assert_eq!(&outline.headings, &whole.headings);
        prop_assert_eq!(outline.front_matter.readiness, whole.front_matter.readiness);
        prop_assert_eq!(&outline.front_matter.range, &whole.front_matter.range);
        prop_assert_eq!(&outline.front_matter.packs, &whole.front_matter.packs);
        prop_assert!(outline.outline && !whole.outline);
        // Asked to re-parse from an outline, `reparse` declines: the caller wants it whole.
        let typed = format!("{}x", text);
        prop_assert!(reparse(&text, &outline, &typed).is_none());
    }
}
