//! The walk survives what real repositories hold: symlink loops, links out of the root,
//! binary, non-UTF-8 and huge files, unreadable files. Nothing panics; skips are noted.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn hostile_trees_are_walked_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "readiness.toml",
        b"[rules]\nmissing-section = \"off\"\n",
    );
    write(
        root,
        "docs/readiness.md",
        b"# R\n- [x] Evidence `docs/linked.md`\n- [x] Evidence `huge.env`\n",
    );
    write(root, "docs/real.md", b"# Real\n");
    write(root, "binary.env", b"KEY=\x00\x01\x02");
    write(root, "latin1-checklist.md", b"# Caf\xe9\n- [ ] x\n");
    write(root, "huge.env", &vec![b'#'; 5 * 1024 * 1024]);
    write(
        outside.path(),
        "secret.env",
        b"API_KEY=outside-value-1234\n",
    );
    write(
        root,
        "node_modules/pkg/readiness.md",
        b"- [x] `missing.sh`\n",
    );
    write(root, ".gitignore", b"ignored/\n");
    write(root, "ignored/launch-checklist.md", b"- [x] `missing.sh`\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(root, root.join("loop")).unwrap();
        symlink(outside.path(), root.join("outside")).unwrap();
        symlink(root.join("docs/real.md"), root.join("docs/linked.md")).unwrap();
        symlink(root.join("docs/gone.md"), root.join("docs/dangling.md")).unwrap();
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9-checklist.md");
        std::fs::write(root.join(name), b"- [x] `missing.sh`\n").unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_readiness"))
        .args([
            "check",
            "--format",
            "json",
            "--verbose",
            "--today",
            "2026-06-01",
        ])
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{v:#}");
    let paths: Vec<&str> = v["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["docs/readiness.md"],
        "no checklist from node_modules, ignored/, non-UTF-8 or through links"
    );
    assert!(
        stderr.contains("huge.env: skipped, larger than 4 MiB"),
        "{stderr}"
    );
    assert!(stderr.contains("binary.env: skipped, binary"), "{stderr}");
    assert!(
        stderr.contains("latin1-checklist.md: skipped, not UTF-8"),
        "{stderr}"
    );
    #[cfg(unix)]
    assert!(
        stderr.contains("caf\u{fffd}-checklist.md: skipped, its name is not UTF-8"),
        "{stderr}"
    );
    assert!(!format!("{v}").contains("outside-value"));
}
