//! Builds small workspaces in temporary folders and runs one rule over them.

use std::path::Path;
use std::process::Command;

use crate::analysis::{analyze, Scope};
use crate::date::Date;
use crate::workspace::{LoadOptions, Workspace};

/// Every test runs on this day.
pub const TODAY: &str = "2026-06-01";

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn run(root: &Path, code: &str, with_severity: bool) -> Vec<String> {
    let ws = Workspace::load(root, &LoadOptions::default()).unwrap();
    let findings = analyze(&ws, Date::parse_iso(TODAY).unwrap(), &Scope::All).unwrap();
    findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            let line = ws
                .line_index(&f.path)
                .map_or(0, |l| l.line_of(f.range.start) + 1);
            if with_severity {
                format!("{}:{line} {}: {}", f.path, f.severity.as_str(), f.message())
            } else {
                format!("{}:{line}: {}", f.path, f.message())
            }
        })
        .collect()
}

/// `path:line: message` of each finding of `code`.
pub fn check(code: &str, files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    run(dir.path(), code, false)
}

/// `path:line severity: message` of each finding of `code`.
pub fn check_full(code: &str, files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    run(dir.path(), code, true)
}

/// Like [`check`], in a git repository where `files` are committed and `untracked` are
/// written but listed in .gitignore.
pub fn check_in_git(
    code: &str,
    files: &[(&str, &str)],
    ignored: &[&str],
    untracked: &[(&str, &str)],
) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    std::fs::write(dir.path().join(".gitignore"), ignored.join("\n")).unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    write(dir.path(), untracked);
    run(dir.path(), code, false)
}
