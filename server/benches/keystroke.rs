//! `cargo bench --bench keystroke`: the analysis core's share of one keystroke, in process,
//! on the 5,000-task checklist of the LSP latency benchmark's tree: set the buffer text
//! (parse), run the rules on the checklist as the server does (again, from the last check's
//! runs: see `analysis::check_checklist_again`), settle suppressions, then write the
//! publication's JSON as the server keeps it (positions converted). Each step's median over
//! 50 edits that toggle a task box, so the figures add up to what `lsp_latency` sees minus
//! applying the edit to the buffer and JSON-RPC. A whole check of every rule is timed
//! beside it (`KEYSTROKE_NO_WHOLE=1` leaves it out, for a profiler). `KEYSTROKE_PAUSE_MS=120`
//! pauses between edits as a typist does: caches go cold and idle threads sleep, and the
//! steps cost what they cost in the server (rules ~2.1-2.4 ms then, against ~1.5 without).
//! Prints figures; never fails.

#[path = "support/monorepo.rs"]
mod monorepo;

use std::sync::Arc;
use std::time::{Duration, Instant};

use readiness::analysis;
use readiness::date::Date;
use readiness::workspace::{LoadOptions, Workspace};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let root = monorepo::big_checklist_tree();
    let rel = monorepo::BIG_CHECKLIST_PATH;
    let text = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
    let started = Instant::now();
    let mut ws = Workspace::load(&root, &LoadOptions::default()).expect("load");
    println!("load: {} files in {:?}", ws.file_count(), started.elapsed());
    let today = Date::parse_iso("2026-06-01").unwrap();
    let packs = analysis::workspace_packs(&ws).unwrap_or_default();
    // Warm the caches a running server has: the first analysis of the checklist.
    // As the server checks an open checklist: fixes are built when a code action asks.
    let options = analysis::Options {
        skip: &[],
        fixes: false,
    };
    let (_, mut runs) = analysis::check_checklist_again(&ws, rel, today, &packs, &options, None);

    let markers: Vec<usize> = text.match_indices("- [").map(|(i, _)| i + 3).collect();
    let (mut set, mut rules, mut settle, mut total) = (vec![], vec![], vec![], vec![]);
    // The JSON of the publication, as the server keeps it between keystrokes.
    let mut json_cache = readiness::lsp::diagnostic_json::DiagnosticJson::default();
    let mut json = vec![];
    let mut whole = vec![];
    let mut current = text.clone();
    // KEYSTROKE_EDITS=500 makes the edits outweigh the load, for a profiler.
    let edits: usize = std::env::var("KEYSTROKE_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let pause = std::env::var("KEYSTROKE_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis);
    for n in 0..edits {
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
        let at = markers[(n * 97) % markers.len()];
        let now = if &current[at..at + 1] == "x" {
            " "
        } else {
            "x"
        };
        current.replace_range(at..at + 1, now);
        let t0 = Instant::now();
        let snapshot = ws.clone(); // what the server does while an analysis holds the old one
        ws.set_file(rel, Some(Arc::from(current.as_str())));
        let t1 = Instant::now();
        let (findings, kept) =
            analysis::check_checklist_again(&ws, rel, today, &packs, &options, runs.take());
        runs = kept;
        let t2 = Instant::now();
        // The server settles and publishes the checklist's own file at once.
        let mut findings = findings;
        findings.retain(|f| *f.path == *rel);
        let findings = analysis::finish(&ws, today, findings);
        let t3 = Instant::now();
        drop(snapshot);
        if let (Some(text), Some(lines)) = (ws.text(rel), ws.line_index(rel)) {
            let enc = readiness::text::Encoding::Utf16;
            let t = Instant::now();
            let mut out = Vec::new();
            json_cache.array(&ws, text, lines, enc, &findings, n as u64, &mut out);
            std::hint::black_box(out);
            json.push(t.elapsed());
        }
        std::hint::black_box(findings);
        let t = Instant::now();
        if std::env::var_os("KEYSTROKE_NO_WHOLE").is_none() {
            std::hint::black_box(analysis::check_checklist(&ws, rel, today, &packs));
        }
        whole.push(t.elapsed());
        set.push(t1 - t0);
        rules.push(t2 - t1);
        settle.push(t3 - t2);
        total.push(t3 - t0);
    }
    println!(
        "keystroke core, 5,000-task checklist (median of {edits}): set_file {:?}, rules {:?}, finish {:?}, total {:?}",
        median(set),
        median(rules),
        median(settle),
        median(total)
    );
    println!(
        "  then the publication's JSON (UTF-16, kept between keystrokes): {:?}",
        median(json)
    );
    println!(
        "  every rule over the whole checklist instead: {:?}",
        median(whole)
    );
    // Per rule over the whole checklist, to see which one costs.
    for code in readiness::rules::all().map(|i| i.code) {
        let skip: Vec<&str> = readiness::rules::all()
            .map(|i| i.code)
            .filter(|c| *c != code)
            .collect();
        let mut times = vec![];
        for _ in 0..10 {
            let t = Instant::now();
            std::hint::black_box(analysis::check_checklist_skipping(
                &ws, rel, today, &packs, &skip,
            ));
            times.push(t.elapsed());
        }
        println!("  {code:<16} {:?}", median(times));
    }
}
