//! Which files git tracks: only tracked files can leak a secret through the repository.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};

/// Workspace-relative paths git tracks under `root`, or None when `root` is not in a git
/// work tree or git is not installed (then nothing counts as tracked).
pub(super) fn tracked_files(root: &Path) -> Option<HashSet<String>> {
    // With -C, ls-files prints paths relative to `root`; -z turns off quoting.
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--cached"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
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
