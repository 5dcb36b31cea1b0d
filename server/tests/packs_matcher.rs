//! The matcher against the labelled set: precision and recall stay above their floors.

use readiness::packs::{self, matcher::Matcher};

const TSV: &str = include_str!("../../checklists/matcher-labelled.tsv");

/// (precision, recall, wrong matches) over the labelled rows.
fn measure() -> (f64, f64, Vec<String>) {
    measure_with(
        readiness::packs::matcher::THRESHOLD,
        readiness::packs::matcher::MARGIN,
    )
}

fn measure_with(threshold: f64, margin: f64) -> (f64, f64, Vec<String>) {
    let packs: Vec<_> = packs::builtin_names()
        .iter()
        .map(|n| packs::builtin(n).unwrap().clone())
        .collect();
    let sections = packs::combine(&packs);
    let m = Matcher::new(&sections);
    let (mut predicted, mut correct, mut positives) = (0, 0, 0);
    let mut wrong = Vec::new();
    for line in TSV.lines().skip(1) {
        let (text, expected) = line.split_once('\t').unwrap();
        if expected != "-" {
            positives += 1;
        }
        if let Some(hit) = m.best_with(text, None, threshold, margin) {
            predicted += 1;
            if hit.item_id == expected {
                correct += 1;
            } else {
                wrong.push(format!("{text} => {} (expected {expected})", hit.item_id));
            }
        }
    }
    (
        correct as f64 / predicted.max(1) as f64,
        correct as f64 / positives as f64,
        wrong,
    )
}

#[test]
fn precision_and_recall_floors() {
    let (precision, recall, wrong) = measure();
    eprintln!("precision {precision:.3} recall {recall:.3}");
    for w in &wrong {
        eprintln!("wrong: {w}");
    }
    assert!(precision >= 0.95, "precision {precision:.3}: {wrong:#?}");
    assert!(recall >= 0.70, "recall {recall:.3}");
}

/// `TUNE=1 cargo test --test packs_matcher -- --nocapture` prints a threshold grid.
#[test]
fn tuning_grid() {
    if std::env::var("TUNE").is_err() {
        return;
    }
    for t in [3.0, 4.0, 5.0, 5.5, 6.0, 7.0, 8.0, 9.0] {
        for m in [0.0, 0.1, 0.2, 0.3] {
            let (p, r, _) = measure_with(t, m);
            eprintln!("threshold {t} margin {m}: precision {p:.3} recall {r:.3}");
        }
    }
}
