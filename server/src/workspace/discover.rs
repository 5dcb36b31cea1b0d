//! Walking a root: gitignore semantics, hidden files included, symlinks kept inside the root.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// Files larger than this are listed (they exist, for evidence) but never read.
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Folders never walked: version control internals and dependency or build output.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", "vendor"];

/// Whether a folder of `rel` (a `/` path) is one the walk never enters.
pub(super) fn in_skipped_dir(rel: &str) -> bool {
    let mut folders = rel.split('/');
    folders.next_back();
    folders.any(|f| SKIPPED_DIRS.contains(&f))
}

pub fn is_markdown(path: &str) -> bool {
    // Asked of every file the walk finds: no lower-cased copy of the path.
    let b = path.as_bytes();
    [&b".md"[..], b".mdx", b".markdown"]
        .iter()
        .any(|ext| b.len() >= ext.len() && b[b.len() - ext.len()..].eq_ignore_ascii_case(ext))
}

/// The workspace root for a file: its nearest ancestor holding `readiness.toml` or `.git`,
/// else its own folder.
pub fn find_root(file: &Path) -> PathBuf {
    let start = file.parent().unwrap_or(Path::new("."));
    for dir in start.ancestors() {
        if dir.join(crate::settings::FILE_NAME).is_file() || dir.join(".git").exists() {
            return dir.to_path_buf();
        }
    }
    start.to_path_buf()
}

pub(super) struct Walked<T> {
    /// Workspace-relative paths of files to keep, each with what the visitor made of it.
    pub files: Vec<(String, T)>,
    pub dirs: Vec<String>,
    pub notes: Vec<String>,
}

/// Threads that walk, read and parse: twice the cores (4 to 8). When the files are not in
/// the page cache, a thread waits on the disk for most of each read, and with one thread
/// per core the cores sat idle: on 2 cores, `check` of the 20,000-file bench tree took
/// 1.5-1.6 s from a cold cache with 2 threads, 1.2 s with 4 (1.1 s with 8, but 2 MB more at
/// the peak). From the cache it took as long with 2, 4 or 8 (0.69-0.74 s).
fn walking_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 2).clamp(4, 8)
}

/// Walks `root` on all cores (with more threads than cores: [`walking_threads`]), calling
/// `visit` with each kept file's relative path on the walking threads, so reading and
/// parsing overlap the walk. Nothing here asks a file's size: two thirds of a monorepo is
/// source the analysis never opens, and the files it reads are sized as they are read.
/// Files and folders come back in no particular order (a caller that keeps them sorted
/// sorts them as it keeps them). Unreadable entries, loops and vanished files become notes.
pub(super) fn walk<T: Send>(root: &Path, visit: impl Fn(&str) -> T + Sync) -> Walked<T> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let visit = &visit;
    let out = Mutex::new(Walked {
        files: Vec::new(),
        dirs: Vec::new(),
        notes: Vec::new(),
    });
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
        })
        .threads(walking_threads())
        .build_parallel();
    walker.run(|| {
        let out = &out;
        let canonical_root = &canonical_root;
        let mut local = Walked {
            files: Vec::new(),
            dirs: Vec::new(),
            notes: Vec::new(),
        };
        // Flush the thread's batch when the visitor is dropped at the end of the walk.
        struct Flush<'a, T> {
            local: Walked<T>,
            out: &'a Mutex<Walked<T>>,
        }
        impl<T> Drop for Flush<'_, T> {
            fn drop(&mut self) {
                if let Ok(mut out) = self.out.lock() {
                    out.files.append(&mut self.local.files);
                    out.dirs.append(&mut self.local.dirs);
                    out.notes.append(&mut self.local.notes);
                }
            }
        }
        let _ = &mut local;
        let mut flush = Flush { local, out };
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    flush.local.notes.push(format!("skipped: {e}"));
                    return WalkState::Continue;
                }
            };
            let Some(rel) = relative(root, entry.path()) else {
                // Paths are text everywhere else (positions, JSON, LSP URIs): a name that is
                // not UTF-8 was read as a lossy copy that does not exist, and reported as
                // "cannot read (No such file or directory)".
                if entry.path().to_str().is_none() {
                    let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
                    flush.local.notes.push(format!(
                        "{}: skipped, its name is not UTF-8",
                        shown.display()
                    ));
                    // A folder's files would each be noted again.
                    return WalkState::Skip;
                }
                return WalkState::Continue;
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if ft.is_dir() {
                flush.local.dirs.push(rel);
            } else if ft.is_file() {
                let made = visit(&rel);
                flush.local.files.push((rel, made));
            } else if ft.is_symlink() {
                // Kept only when it points at a file inside the root; folders behind links
                // are not walked (no loops, nothing outside the root).
                match entry.path().canonicalize() {
                    Ok(target) if target.starts_with(canonical_root) && target.is_file() => {
                        let made = visit(&rel);
                        flush.local.files.push((rel, made));
                    }
                    Ok(target) if target.starts_with(canonical_root) && target.is_dir() => {
                        flush.local.dirs.push(rel);
                    }
                    Ok(_) => flush
                        .local
                        .notes
                        .push(format!("{rel}: symlink out of the root, not followed")),
                    Err(e) => flush
                        .local
                        .notes
                        .push(format!("{rel}: broken symlink ({e})")),
                }
            }
            WalkState::Continue
        })
    });
    out.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    // The walk joins names onto the root: on Unix the path's bytes after the root's are
    // the answer, unless they hold an empty or `.` component (then the slow way below,
    // which normalises them). Comparing and rebuilding by components was 1.4% of a check.
    #[cfg(unix)]
    if let Some(rest) = {
        let root = root.as_os_str().as_encoded_bytes();
        let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root);
        // After the root's last component, not inside it (`/a/b` is no prefix of `/a/bc`).
        rest.and_then(|r| match root.ends_with(b"/") {
            true => Some(r),
            false => r.strip_prefix(b"/"),
        })
    } {
        if let Ok(rest) = std::str::from_utf8(rest) {
            // No empty or `.` component: looked for at each `/` (memchr), not by splitting
            // (20 million instructions for the 27,000 entries of the bench tree).
            let b = rest.as_bytes();
            let dot_at =
                |i: usize| b.get(i) == Some(&b'.') && matches!(b.get(i + 1), None | Some(b'/'));
            let clean = !b.is_empty()
                && b[0] != b'/'
                && b[b.len() - 1] != b'/'
                && !dot_at(0)
                && memchr::memchr_iter(b'/', b).all(|i| b[i + 1] != b'/' && !dot_at(i + 1));
            if clean {
                return Some(rest.to_string());
            }
        }
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut s = String::new();
    for c in rel.components() {
        if !s.is_empty() {
            s.push('/');
        }
        // A lossy name would be a path that does not exist (see `walk`).
        s.push_str(c.as_os_str().to_str()?);
    }
    Some(s)
}

/// Whether a markdown file's name makes it a checklist.
pub(super) fn name_says_checklist(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    [
        "readiness",
        "checklist",
        "go-live",
        "golive",
        "launch",
        "prr",
    ]
    .iter()
    .any(|w| name.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_by_extension_in_any_case() {
        for yes in ["a.md", "docs/B.MD", "x.Mdx", "LAUNCH.markdown", ".md"] {
            assert!(is_markdown(yes), "{yes}");
        }
        for no in ["md", "a.mdown", "a.md.txt", "readme", "a.m", "é.mdé"] {
            assert!(!is_markdown(no), "{no}");
        }
    }

    #[test]
    fn paths_relative_to_the_root() {
        let rel = |root: &str, path: &str| relative(Path::new(root), Path::new(path));
        assert_eq!(rel("/a/b", "/a/b/c/d.md").as_deref(), Some("c/d.md"));
        assert_eq!(rel("/a/b/", "/a/b/c").as_deref(), Some("c"));
        assert_eq!(rel("/a/b", "/a/bc/d"), None);
        assert_eq!(rel("/a/b", "/a/b").as_deref(), Some(""));
        assert_eq!(rel(".", "./x/y").as_deref(), Some("x/y"));
        assert_eq!(rel("a", "a/./x//y").as_deref(), Some("x/y"));
        assert_eq!(
            rel("/r", "/r/.env.production").as_deref(),
            Some(".env.production")
        );
        // Dots that are components and dots that start names, at every place.
        for (path, want) in [
            ("/r/./x", "x"),
            ("/r/x/.", "x"),
            ("/r/x/./y", "x/y"),
            ("/r/.x/.y", ".x/.y"),
            ("/r/x/..y", "x/..y"),
            ("/r/x.", "x."),
            ("/r/x//y/", "x/y"),
            ("/r/.", ""),
        ] {
            assert_eq!(rel("/r", path).as_deref(), Some(want), "{path}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let bad = Path::new(std::ffi::OsStr::from_bytes(b"/r/caf\xe9.md"));
            assert_eq!(relative(Path::new("/r"), bad), None);
            let bad = Path::new(std::ffi::OsStr::from_bytes(b"/r/./caf\xe9.md"));
            assert_eq!(relative(Path::new("/r"), bad), None);
        }
    }

    #[test]
    fn skipped_folders_anywhere_in_a_path() {
        assert!(in_skipped_dir("node_modules/x/readme.md"));
        assert!(in_skipped_dir("apps/web/vendor/.env"));
        assert!(!in_skipped_dir("vendor"), "a file named so is no folder");
        assert!(!in_skipped_dir("docs/vendors/launch.md"));
        assert!(!in_skipped_dir(".env.production"));
    }

    #[test]
    fn checklist_names() {
        for yes in [
            "docs/PRODUCTION_READINESS.md",
            "go-live.md",
            "LaunchPlan.mdx",
            "prr.md",
            "a/checklist-v2.markdown",
        ] {
            assert!(name_says_checklist(yes), "{yes}");
        }
        for no in ["README.md", "docs/checklist/notes.md", "approval.md"] {
            assert!(!name_says_checklist(no), "{no}");
        }
    }
}
