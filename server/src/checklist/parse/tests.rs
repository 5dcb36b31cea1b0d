use super::*;

fn seed(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds");
    let dir = if dir.exists() {
        dir
    } else {
        std::path::PathBuf::from("/work/shared/seeds")
    };
    std::fs::read_dir(&dir)
        .ok()
        .and_then(|mut it| {
            it.find_map(|e| {
                e.ok()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(name))
            })
        })
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .unwrap_or_default()
}

#[test]
#[ignore]
fn dump() {
    let name = std::env::var("SEED").unwrap_or("004".into());
    let text = seed(&name);
    let d = parse(&text);
    for h in &d.headings {
        println!(
            "H{} {:?} #{} {:?} sec={:?} parent={:?}",
            h.level,
            h.title,
            h.anchor,
            &text[h.range.clone()],
            h.section,
            h.parent
        );
    }
    for t in &d.tasks {
        println!(
            "T{} {:?} {:?} marker={:?} parent={:?} h={:?}",
            t.checked as u8,
            t.text,
            &text[t.range.clone()],
            &text[t.marker_range()],
            t.parent,
            t.heading
        );
    }
    for r in &d.status_rows {
        println!(
            "R {:?} {:?} {:?} | {:?} | {:?} | ev={:?}",
            r.state,
            r.label,
            r.status_text,
            &text[r.range.clone()],
            &text[r.status_range.clone()],
            r.evidence_range.clone().map(|e| &text[e])
        );
    }
    for r in &d.references {
        println!(
            "REF {:?} {:?} task={:?} row={:?} ev={}",
            r.kind,
            &text[r.range.clone()],
            r.task,
            r.row,
            r.in_evidence
        );
    }
    for e in &d.env_requirements {
        println!(
            "ENV {} {:?} {:?} task={:?} row={:?}",
            e.name,
            e.value,
            &text[e.range.clone()],
            e.task,
            e.row
        );
    }
    for x in &d.dates {
        println!(
            "DATE {:?} {} {:?} {:?}",
            x.kind,
            x.date,
            &text[x.range.clone()],
            &text[x.line_range.clone()]
        );
    }
    for p in &d.placeholders {
        println!("PH {:?} {:?}", p.text, &text[p.range.clone()]);
    }
    for l in &d.links {
        println!(
            "LINK {:?} {:?} {:?} {:?} {:?}",
            l.kind,
            l.target,
            l.text,
            &text[l.range.clone()],
            l.target_range.clone().map(|r| &text[r])
        );
    }
    for c in &d.html_comments {
        println!("COMMENT {:?} {:?}", c.body, &text[c.range.clone()]);
    }
}

#[test]
#[ignore]
fn events() {
    let text = std::env::var("MD").unwrap_or_default().replace("\\n", "\n");
    for (e, r) in
        pulldown_cmark::Parser::new_ext(&text, Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES)
            .into_offset_iter()
    {
        println!("{e:?} {r:?}");
    }
}

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

#[test]
fn seeds_parse() {
    let d = parse(&seed("003"));
    assert_eq!(d.tasks.len(), 345);
    assert_eq!(d.dates.len(), 2);
    assert_eq!(d.env_requirements.len(), 10);
    assert!(d.placeholders.iter().any(|p| p.text == "******\\_******"));
    assert!(d.has_anchor("monitoring--observability"));
    let d = parse(&seed("004"));
    assert_eq!(d.status_rows.len(), 20);
    assert_eq!(d.dates.len(), 1);
    let d = parse(&seed("001"));
    assert!(d.has_anchor("0-decide-your-serving-mode-db-only-vs-artifactmanifest"));
    assert!(d
        .references
        .iter()
        .any(|r| matches!(&r.kind, RefKind::Path { path } if &**path == "/healthz")));
}

/// Timing note: the seeds concatenated 100 times (3.6 MB, 45,500 tasks) parse in 0.61 s in
/// an unoptimised test build on the 2-core dev machine (release not measured: no release
/// builds there); run with `--ignored --nocapture` to measure.
#[test]
#[ignore]
fn timing_seeds_times_100() {
    let all: String = ["000", "001", "002", "003", "004"]
        .iter()
        .map(|s| seed(s))
        .collect::<Vec<_>>()
        .join("\n");
    let big = all.repeat(100);
    let t = std::time::Instant::now();
    let d = parse(&big);
    println!(
        "{} bytes, {} tasks in {:?}",
        big.len(),
        d.tasks.len(),
        t.elapsed()
    );
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
