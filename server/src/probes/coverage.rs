//! `coverage_threshold`: the test or CI configuration fails the build below a coverage
//! percentage of at least `min`.

use std::sync::LazyLock;

use regex::Regex;

use super::{glob_set, line_evidence, Evidence, Outcome, ProbeResult, Prober, CI_GLOBS};
use crate::packs::Probe;

/// Where thresholds are written: files, an optional anchor the number must follow
/// (within a few hundred bytes) and the regex capturing the number.
struct Source {
    globs: &'static [&'static str],
    anchor: Option<&'static str>,
    number: &'static str,
    /// CI and bot configuration: also looked for at the repository root.
    repo_level: bool,
}

const JEST_VITEST_NUMBER: &str = r#"["']?(?:lines|statements)["']?\s*:\s*(\d+(?:\.\d+)?)"#;

const SOURCES: &[Source] = &[
    // Jest: coverageThreshold.global.lines in jest.config.* or package.json "jest".
    Source {
        globs: &["**/jest.config.{js,ts,mjs,cjs,json}", "**/package.json"],
        anchor: Some("coverageThreshold"),
        number: JEST_VITEST_NUMBER,
        repo_level: false,
    },
    // Vitest: test.coverage.thresholds.lines.
    Source {
        globs: &[
            "**/vitest.config.{js,ts,mjs,cjs,mts}",
            "**/vite.config.{js,ts,mjs,cjs,mts}",
        ],
        anchor: Some("thresholds"),
        number: JEST_VITEST_NUMBER,
        repo_level: false,
    },
    // pytest-cov, cargo-llvm-cov, tarpaulin, go-test-coverage flags anywhere in test config,
    // task runners or CI.
    Source {
        globs: &[
            "**/pytest.ini",
            "**/setup.cfg",
            "**/tox.ini",
            "**/pyproject.toml",
            "**/noxfile.py",
            "**/Makefile",
            "**/justfile",
            "**/package.json",
            "**/*.sh",
        ],
        anchor: None,
        number: r"--(?:cov-fail-under|fail-under-lines|fail-under)[= ](\d+(?:\.\d+)?)",
        repo_level: false,
    },
    Source {
        globs: CI_GLOBS,
        anchor: None,
        number: r"--(?:cov-fail-under|fail-under-lines|fail-under)[= ](\d+(?:\.\d+)?)",
        repo_level: true,
    },
    // coverage.py: fail_under in .coveragerc, setup.cfg, tox.ini or pyproject.toml.
    Source {
        globs: &[
            "**/.coveragerc",
            "**/setup.cfg",
            "**/tox.ini",
            "**/pyproject.toml",
        ],
        anchor: None,
        number: r"(?m)^\s*fail_under\s*=\s*(\d+(?:\.\d+)?)",
        repo_level: false,
    },
    // tarpaulin.toml: fail-under = 80.
    Source {
        globs: &["**/tarpaulin.toml", "**/.tarpaulin.toml"],
        anchor: None,
        number: r"(?m)^\s*fail-under\s*=\s*(\d+(?:\.\d+)?)",
        repo_level: false,
    },
    // Codecov: coverage.status.project.default.target: 80%.
    Source {
        globs: &[
            "codecov.yml",
            ".codecov.yml",
            ".github/codecov.yml",
            "codecov.yaml",
        ],
        anchor: None,
        number: r"(?m)^\s*target:\s*(\d+(?:\.\d+)?)%?",
        repo_level: true,
    },
];

static REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|s| Regex::new(s.number).expect("valid regex"))
        .collect()
});

/// Thresholds found: evidence and the percentage.
pub(crate) fn thresholds(p: &Prober) -> Vec<(Evidence, f64)> {
    let mut out = Vec::new();
    for (source, re) in SOURCES.iter().zip(REGEXES.iter()) {
        let set = glob_set(source.globs);
        for path in p.paths(&set, source.repo_level) {
            let Some(text) = p.text(path) else {
                continue;
            };
            let windows: Vec<(usize, &str)> = match source.anchor {
                None => vec![(0, &text[..])],
                Some(anchor) => text
                    .match_indices(anchor)
                    .map(|(i, _)| {
                        let mut end = (i + 600).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        (i, &text[i..end])
                    })
                    .collect(),
            };
            for (base, window) in windows {
                for c in re.captures_iter(window) {
                    let m = c.get(1).expect("group 1");
                    if let Ok(n) = m.as_str().parse::<f64>() {
                        out.push((line_evidence(path, &text, base + m.start()), n));
                    }
                }
            }
        }
    }
    out
}

pub(super) fn threshold(p: &Prober, probe: &Probe, min: u32) -> ProbeResult {
    let found = thresholds(p);
    if let Some((ev, n)) = found.iter().find(|(_, n)| *n >= f64::from(min)) {
        let detail = format!("{n}% threshold in {ev}");
        return ProbeResult::new(probe, Outcome::Pass, vec![ev.clone()], detail);
    }
    match found.into_iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
        Some((ev, n)) => {
            let detail = format!("the threshold in {ev} is {n}%, below {min}%");
            ProbeResult::new(probe, Outcome::Fail, vec![ev], detail)
        }
        None => ProbeResult::new(
            probe,
            Outcome::Fail,
            Vec::new(),
            "no coverage threshold in jest, vitest, pytest-cov, coverage.py, cargo-llvm-cov, tarpaulin or codecov configuration".into(),
        ),
    }
}
