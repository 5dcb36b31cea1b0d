use super::*;

fn seed(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds");
    let dir = if dir.exists() { dir } else { std::path::PathBuf::from("/work/shared/seeds") };
    std::fs::read_dir(&dir)
        .ok()
        .and_then(|mut it| it.find_map(|e| e.ok().filter(|e| e.file_name().to_string_lossy().starts_with(name))))
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
        println!("H{} {:?} #{} {:?} sec={:?} parent={:?}", h.level, h.title, h.anchor, &text[h.range.clone()], h.section, h.parent);
    }
    for t in &d.tasks {
        println!("T{} {:?} {:?} marker={:?} parent={:?} h={:?}", t.checked as u8, t.text, &text[t.range.clone()], &text[t.marker_range.clone()], t.parent, t.heading);
    }
    for r in &d.status_rows {
        println!("R {:?} {:?} {:?} | {:?} | {:?} | ev={:?}", r.state, r.label, r.status_text, &text[r.range.clone()], &text[r.status_range.clone()], r.evidence_range.clone().map(|e| &text[e]));
    }
    for r in &d.references {
        println!("REF {:?} {:?} task={:?} row={:?} ev={}", r.kind, &text[r.range.clone()], r.task, r.row, r.in_evidence);
    }
    for e in &d.env_requirements {
        println!("ENV {} {:?} {:?} task={:?} row={:?}", e.name, e.value, &text[e.range.clone()], e.task, e.row);
    }
    for x in &d.dates {
        println!("DATE {:?} {} {:?} {:?}", x.kind, x.date, &text[x.range.clone()], &text[x.line_range.clone()]);
    }
    for p in &d.placeholders {
        println!("PH {:?} {:?}", p.text, &text[p.range.clone()]);
    }
    for l in &d.links {
        println!("LINK {:?} {:?} {:?} {:?} {:?}", l.kind, l.target, l.text, &text[l.range.clone()], l.target_range.clone().map(|r| &text[r]));
    }
    for c in &d.html_comments {
        println!("COMMENT {:?} {:?}", c.body, &text[c.range.clone()]);
    }
}

#[test]
#[ignore]
fn events() {
    let text = std::env::var("MD").unwrap_or_default().replace("\\n", "\n");
    for (e, r) in pulldown_cmark::Parser::new_ext(&text, Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES).into_offset_iter() {
        println!("{e:?} {r:?}");
    }
}
