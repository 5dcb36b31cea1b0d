//! Which files git tracks: only tracked files can leak a secret through the repository.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Workspace-relative paths git tracks under `root`, or None when `root` is not in a git
/// work tree or git is not installed (then nothing counts as tracked).
pub(super) fn tracked_files(root: &Path) -> Option<HashSet<String>> {
    collect(ask(root)?)
}

/// Starts `git ls-files` for `root`, to be [`collect`]ed later: a load starts it before its
/// walk, so the answer comes while the walk runs rather than after it.
pub(super) fn ask(root: &Path) -> Option<Child> {
    // With -C, ls-files prints paths relative to `root`; -z turns off quoting.
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--cached"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// What an [`ask`] answered: None when git failed (no work tree).
pub(super) fn collect(child: Child) -> Option<HashSet<String>> {
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(
        output
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect(),
    )
}
