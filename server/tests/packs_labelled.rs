//! The labelled matcher set is well-formed and only names real item ids.

use std::collections::{HashMap, HashSet};

use readiness::packs;

const TSV: &str = include_str!("../../checklists/matcher-labelled.tsv");

#[test]
fn labelled_rows_are_well_formed_and_name_real_items() {
    let mut lines = TSV.lines();
    assert_eq!(lines.next(), Some("text\texpected_id"));
    let ids: HashSet<String> = packs::builtin_names()
        .iter()
        .flat_map(|n| {
            packs::builtin(n)
                .unwrap()
                .items()
                .map(|(_, i)| i.id.clone())
        })
        .collect();
    let mut rows = 0;
    let mut none = 0;
    let mut per_section: HashMap<&str, usize> = HashMap::new();
    let mut texts = HashSet::new();
    let mut non_ascii = 0;
    for (n, line) in lines.enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 2, "row {}: {line:?}", n + 2);
        let (text, id) = (cols[0], cols[1]);
        assert!(!text.trim().is_empty());
        assert!(texts.insert(text), "duplicate row {text:?}");
        if !text.is_ascii() {
            non_ascii += 1;
        }
        rows += 1;
        if id == "-" {
            none += 1;
        } else {
            assert!(ids.contains(id), "row {}: unknown id {id}", n + 2);
            *per_section
                .entry(id.split('.').next().unwrap())
                .or_default() += 1;
        }
    }
    assert!(rows >= 150, "{rows} rows");
    assert!(none >= 25, "{none} rows labelled `-`");
    assert!(non_ascii >= 15, "few non-English rows");
    let baseline = packs::builtin("baseline").unwrap();
    for s in &baseline.sections {
        assert!(
            per_section.get(s.id.as_str()).copied().unwrap_or(0) >= 5,
            "section {} thin",
            s.id
        );
    }
}
