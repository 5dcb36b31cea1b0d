use super::*;

#[test]
fn tasks_have_own_ranges_and_parents() {
    let text = "\u{feff}# Top\r\n\r\n- [ ] **Parent** `JWT_SECRET`\r\n\r\n  - [x] child `docs/a.md`\r\n\r\n  ```bash\r\n  API_KEY=sk-...\r\n  DEBUG=false\r\n  ```\r\n\r\n- [X] second\r\n";
    let d = parse(text);
    assert_eq!(d.tasks.len(), 3);
    assert_eq!(
        &text[d.tasks[0].range.clone()],
        "- [ ] **Parent** `JWT_SECRET`"
    );
    assert_eq!(&*d.tasks[0].text, "Parent JWT_SECRET");
    assert_eq!(&text[d.tasks[0].marker_range()], "[ ]");
    assert_eq!(d.tasks[1].parent, Some(0));
    assert!(d.tasks[1].checked);
    assert_eq!(&text[d.tasks[1].range.clone()], "- [x] child `docs/a.md`");
    assert_eq!(d.tasks[2].parent, None);
    assert_eq!(d.tasks[0].heading, Some(0));
    assert_eq!(d.headings[0].range, 3..8);
    assert_eq!(d.references.len(), 2);
    assert_eq!(&text[d.references[0].range.clone()], "JWT_SECRET");
    assert_eq!(d.references[1].task, Some(1));
    assert_eq!(d.env_requirements.len(), 2);
    assert_eq!(d.env_requirements[0].value, None);
    assert_eq!(&text[d.env_requirements[1].range.clone()], "DEBUG=false");
    assert_eq!(d.env_requirements[1].task, Some(0));
}

#[test]
fn status_table_cells_and_escaped_pipes() {
    let text = "## Status\n\n| Item | Status ✓ | Evidence |\n|---|---|---|\n| A \\| B | ⚠️ 要改善 | `core/x.py` - bucket |\n| C | n/a | |\n| D | later | `FOO_BAR=1` |\n";
    let d = parse(text);
    assert_eq!(d.status_rows.len(), 2);
    let r = &d.status_rows[0];
    assert_eq!(r.state, crate::checklist::ItemState::Partial);
    assert_eq!(&*r.label, "A | B");
    assert_eq!(&text[r.status_range.clone()], "⚠️ 要改善");
    assert_eq!(
        &text[r.evidence_range.clone().unwrap()],
        "`core/x.py` - bucket"
    );
    assert_eq!(
        &text[r.range.clone()],
        "| A \\| B | ⚠️ 要改善 | `core/x.py` - bucket |"
    );
    assert_eq!(
        d.status_rows[1].state,
        crate::checklist::ItemState::NotApplicable
    );
    assert_eq!(d.references.len(), 1);
    assert!(d.references[0].in_evidence);
    assert_eq!(d.references[0].row, Some(0));
    assert_eq!(d.env_requirements.len(), 1);
    assert_eq!(d.env_requirements[0].row, None);
}

#[test]
fn comments_links_dates_placeholders() {
    let text = "<!-- readiness-disable-next-line R001 -->\n# A {#custom}\n\nText <!-- inline --> [x](a.md \"t\") ![i](<b c.png>) [r][d] <https://e.io> see https://f.io.\n\n[d]: ./ref.md\n\n```\nLast updated: 2020-01-01 [Name]\n```\n\nReview by: 1 April 2026\n\nOwner: [Name], due TBD, `[Email]`\n";
    let d = parse(text);
    assert_eq!(d.html_comments.len(), 2);
    assert_eq!(d.html_comments[0].body, "readiness-disable-next-line R001");
    assert_eq!(d.headings[0].anchor, "custom");
    assert_eq!(d.headings[0].title, "A");
    let kinds: Vec<_> = d.links.iter().map(|l| (l.kind, &*l.target)).collect();
    assert_eq!(
        kinds,
        [
            (LinkKind::Inline, "a.md"),
            (LinkKind::Image, "b c.png"),
            (LinkKind::Reference, "./ref.md"),
            (LinkKind::Inline, "https://e.io"),
            (LinkKind::Inline, "https://f.io"),
            (LinkKind::Definition, "./ref.md"),
        ]
    );
    for l in &d.links {
        if let Some(r) = &l.target_range {
            assert_eq!(&text[r.clone()], &*l.target);
        }
    }
    assert_eq!(&text[d.links[5].range.clone()], "[d]: ./ref.md");
    assert_eq!(d.dates.len(), 1);
    assert_eq!(d.dates[0].kind, crate::checklist::DateKind::NextReview);
    let ph: Vec<_> = d.placeholders.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(ph, ["[Name]", "TBD"]);
}

/// The shapes the real checklists this tool was built for use, in one document of our own:
/// a title, an emoji heading, a status table, a review line, a sign-off blank.
#[test]
fn shapes_of_real_checklists_parse() {
    let text = "# Production Readiness\n\n**Last Updated**: 2025-11-07\n**Next Review**: 2025-12-07\n\n\
        ## 📊 Monitoring & Observability\n\n- [x] Health check at `/healthz`\n- [ ] Alerts `ALERTS_ENABLED=true`\n\n\
        | Check | Status | Evidence |\n|---|---|---|\n| Backups | ✅ Done | `scripts/backup.sh` |\n| Restore | ⚠️ 要改善 | |\n\n\
        ## 0. Decide your serving mode (DB-only vs artifact+manifest)\n\n- [ ] Pick one\n\n\
        Approved by: ******\\_****** Date: ______\n";
    let d = parse(text);
    assert_eq!(d.tasks.len(), 3);
    assert_eq!(d.status_rows.len(), 2);
    assert_eq!(d.dates.len(), 2);
    assert_eq!(d.env_requirements.len(), 1);
    assert!(d.has_anchor("-monitoring--observability"));
    assert!(d.has_anchor("0-decide-your-serving-mode-db-only-vs-artifactmanifest"));
    assert!(d.placeholders.iter().any(|p| p.text == "******\\_******"));
    assert!(d
        .references
        .iter()
        .any(|r| matches!(&r.kind, RefKind::Path { path } if &**path == "/healthz")));
}

#[test]
fn collapse_whitespace_matches_split_join() {
    for s in [
        "",
        " ",
        "a",
        "a b",
        "a  b",
        " a",
        "a ",
        "a\tb",
        "a\nb",
        "a\u{a0}b",
        "a b c",
        "  ",
        "é ü",
        "x\u{3000}y",
        "a\u{b}b",
        "a\u{c}b",
        "a\rb",
        "a\r\nb",
        "a \u{b}",
        "\u{b}",
        "a b ",
        "ab  cd e",
        "\u{85}a",
        "é  ü",
    ] {
        let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(collapse_whitespace(s).as_str(), want, "{s:?}");
    }
}

/// pulldown-cmark's task-marker event can start at the tabs before the box; the marker
/// (which fixes replace to tick or untick) is the three bytes of the box itself.
#[test]
fn the_marker_is_the_box_even_after_tabs() {
    for text in [
        "- \t[ ] tabbed\n",
        "10. \t[x] tabbed\n",
        "-\t\t[ ] two tabs\n",
        "- [ ] plain\n",
    ] {
        let d = parse(text);
        assert_eq!(d.tasks.len(), 1, "{text:?}");
        let marker = &text[d.tasks[0].marker_range()];
        assert!(marker == "[ ]" || marker == "[x]", "{text:?}: {marker:?}");
    }
}

proptest::proptest! {
    /// The ASCII fast path and the general one agree with `split_whitespace` on any mix of
    /// words, ASCII whitespace (vertical tab included) and Unicode spaces.
    #[test]
    fn collapse_whitespace_agrees_on_any_mix(parts in proptest::collection::vec(
        proptest::sample::select(vec!["a", "bc", " ", "  ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{a0}", "é"]),
        0..12,
    )) {
        let s: String = parts.concat();
        let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let got = collapse_whitespace(&s);
        proptest::prop_assert_eq!(got.as_str(), want.as_str());
        // And the text is said to be collapsed exactly when it is its own collapsed form:
        // a wrong "no" would only be slower, so the output above cannot tell.
        proptest::prop_assert_eq!(super::is_collapsed(&s), s == want, "{:?}", s);
    }
}

/// Each thread keeps the lists of its last parse for the next (see `Room`): nothing of one
/// document may show in the next, and what a document keeps is exactly its own.
#[test]
fn a_parse_after_another_on_the_same_thread_sees_nothing_of_it() {
    let big = format!(
        "---\nlast_reviewed: 2025-01-02\n---\n# Big\n\n{}\n| Item | Status |\n|---|---|\n| Backups | ✅ |\n\n\
         See [runbook](docs/runbook.md) and `DEV_AUTH_ENABLED=false`, owner [Name].\n\
         <!-- readiness-disable placeholder -->\n**Next Review**: 2026-01-01\n",
        "- [x] Alerts page on-call `scripts/alert.sh`\n".repeat(300)
    );
    // Its date and placeholder sit where the first document's front matter and code were.
    let small = "Last Updated: 2025-11-07 by [Name]\n# Small\n\n- [ ] One `LOG_LEVEL=info`\n";
    let fresh = std::thread::spawn(move || format!("{:?}", parse(small)))
        .join()
        .unwrap();
    let (after_big, exact) = std::thread::spawn(move || {
        let b = parse(&big);
        assert_eq!(b.tasks.len(), 300);
        let s = parse(small);
        let exact = s.tasks.capacity() == s.tasks.len()
            && s.references.capacity() == s.references.len()
            && s.dates.capacity() == s.dates.len()
            && b.tasks.capacity() == b.tasks.len();
        (format!("{s:?}"), exact)
    })
    .join()
    .unwrap();
    assert_eq!(after_big, fresh);
    assert!(exact, "documents keep no growth slack");
}
