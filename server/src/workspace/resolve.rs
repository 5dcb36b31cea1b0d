//! Resolving a path written in a checklist to files of the workspace.

use globset::Glob;

use super::Workspace;

/// How a written path was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathResolution {
    /// Found; the workspace-relative path of the file or folder (or the first glob match).
    Found(String),
    /// The path leaves the workspace root: it cannot be checked.
    OutsideRoot,
    Missing,
}

/// Joins `base` (a folder, workspace-relative) and `path`, resolving `.` and `..`.
/// None when the result would leave the root.
pub fn normalize(base: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') || base.is_empty() {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// Files that make their folder a project (see [`Workspace::scope_of`]).
const MARKERS: &[&str] = &[
    "readiness.toml",
    "package.json",
    "Cargo.toml",
    "pyproject.toml",
    "requirements.txt",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "Gemfile",
    "Dockerfile",
    "Containerfile",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "Chart.yaml",
    ".env",
    ".env.example",
    ".env.production",
];

impl Workspace {
    /// Whether `path` (workspace-relative) is a file or folder, in the index or on disk
    /// (the disk covers ignored files the walk left out).
    pub fn exists(&self, path: &str) -> bool {
        if self.files.contains_key(path) || self.is_dir(path) {
            return true;
        }
        // Only paths that stay inside the root reach the disk, once per path and state.
        if path.split('/').any(|s| s == "..") {
            return false;
        }
        let lock = || self.on_disk.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&known) = lock().get(path) {
            return known;
        }
        let found = self.root.join(path).exists();
        lock().insert(path.to_string(), found);
        found
    }

    /// Resolves a path written in `from` (a checklist): relative to its folder, to the root,
    /// or as the unique suffix of a workspace file. A glob resolves when it matches.
    pub fn resolve_evidence(&self, from: &str, written: &str) -> PathResolution {
        let written = written.trim().trim_end_matches('/');
        let written = written.strip_prefix("./").unwrap_or(written);
        if written.is_empty() {
            return PathResolution::Found(String::new());
        }
        if is_glob(written) {
            return self.resolve_glob(from, written);
        }
        let mut outside = false;
        for base in [parent(from), ""] {
            match normalize(base, written) {
                Some(p) if self.exists(&p) => return PathResolution::Found(p),
                Some(_) => {}
                None => outside = true,
            }
        }
        if let Some(found) = self.resolve_suffix(written) {
            return PathResolution::Found(found);
        }
        if outside {
            PathResolution::OutsideRoot
        } else {
            PathResolution::Missing
        }
    }

    /// A link target (no `#fragment`): relative to the linking file, or to the root when it
    /// starts with `/`.
    pub fn resolve_link(&self, from: &str, target: &str) -> PathResolution {
        match normalize(parent(from), target.trim_end_matches('/')) {
            None => PathResolution::OutsideRoot,
            Some(p) if self.exists(&p) => PathResolution::Found(p),
            Some(_) => PathResolution::Missing,
        }
    }

    fn resolve_suffix(&self, written: &str) -> Option<String> {
        let suffix = written.trim_start_matches('/');
        let name = suffix.rsplit('/').next()?;
        let candidates = self.by_name.get(name)?;
        let want = format!("/{suffix}");
        candidates
            .iter()
            .find(|p| p.ends_with(&want) || *p == suffix)
            .cloned()
    }

    fn resolve_glob(&self, from: &str, written: &str) -> PathResolution {
        for base in [parent(from), ""] {
            let Some(pattern) = normalize(base, written) else {
                continue;
            };
            let Ok(glob) = Glob::new(&pattern) else {
                return PathResolution::Missing;
            };
            let matcher = glob.compile_matcher();
            if let Some(p) = self.files.keys().find(|p| matcher.is_match(p.as_str())) {
                return PathResolution::Found(p.clone());
            }
            if let Some(d) = self.dirs.iter().find(|d| matcher.is_match(d.as_str())) {
                return PathResolution::Found(d.clone());
            }
        }
        PathResolution::Missing
    }

    /// The folder whose config a checklist constrains: the nearest folder, from the
    /// checklist's own up to the root, that holds a project marker (readiness.toml, a
    /// package manifest, a Dockerfile, a Compose or dotenv file, a Helm chart). In a
    /// monorepo, `services/api/docs/readiness.md` speaks for `services/api/`, not for
    /// every service. Returns "" for the workspace root.
    pub fn scope_of<'a>(&self, checklist: &'a str) -> &'a str {
        let dir = parent(checklist);
        let known = self.scopes.read().ok().and_then(|m| m.get(dir).copied());
        let len = known.unwrap_or_else(|| {
            let len = self.find_scope(dir).len();
            if let Ok(mut m) = self.scopes.write() {
                m.insert(dir.to_string(), len);
            }
            len
        });
        // A scope is one of the checklist's folders: a prefix of its path.
        checklist.get(..len).unwrap_or("")
    }

    /// The nearest folder from `dir` up holding a project marker or `.git` ("" for none).
    fn find_scope<'d>(&self, mut dir: &'d str) -> &'d str {
        let mut candidate = String::new();
        loop {
            if dir.is_empty() {
                return "";
            }
            candidate.clear();
            candidate.push_str(dir);
            candidate.push('/');
            if MARKERS.iter().any(|m| {
                candidate.truncate(dir.len() + 1);
                candidate.push_str(m);
                self.files.contains_key(&candidate)
            }) || self.root.join(dir).join(".git").exists()
            {
                return dir;
            }
            dir = parent(dir);
        }
    }

    pub fn in_scope(scope: &str, path: &str) -> bool {
        scope.is_empty()
            || (path.starts_with(scope) && path.as_bytes().get(scope.len()) == Some(&b'/'))
    }

    /// The existing file whose path is closest to a missing one (same extension), if close.
    /// Only the missing file's folder and its parent are searched: a typo in a file name is
    /// the likely mistake, and scanning every file per broken link would not scale.
    pub fn closest_file(&self, missing: &str) -> Option<String> {
        let ext = missing.rsplit_once('.').map(|(_, e)| e);
        let name = missing.rsplit('/').next().unwrap_or(missing);
        // The same file name elsewhere is the likeliest intent.
        if let Some(c) = self.by_name.get(name) {
            if c.len() == 1 {
                return Some(c[0].clone());
            }
        }
        let limit = (missing.len() / 4).clamp(1, 4);
        let dir = parent(missing);
        let mut best: Option<(usize, &String)> = None;
        for folder in [dir, parent(dir)] {
            let prefix = if folder.is_empty() {
                String::new()
            } else {
                format!("{folder}/")
            };
            for path in self
                .files
                .range(prefix.clone()..)
                .map(|(p, _)| p)
                .take_while(|p| p.starts_with(&prefix))
            {
                if ext.is_some() && path.rsplit_once('.').map(|(_, e)| e) != ext {
                    continue;
                }
                if path.len().abs_diff(missing.len()) > limit {
                    continue;
                }
                let d = levenshtein(path, missing);
                if d <= limit && best.is_none_or(|(bd, bp)| (d, path) < (bd, bp)) {
                    best = Some((d, path));
                }
            }
            if best.is_some() || folder.is_empty() {
                break;
            }
        }
        best.map(|(_, p)| p.clone())
    }
}

/// The edit distance between two strings, in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    if a.is_ascii() && b.is_ascii() {
        distance(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        distance(&a, &b)
    }
}

/// Wagner-Fischer on what differs: a common prefix and suffix change no distance, and the
/// paths compared (a missing file and its neighbours) share their whole folder.
fn distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{LoadOptions, Workspace};

    /// A file the walk skips (ignored by git) exists all the same; the disk is asked once
    /// per snapshot, and a change to the file is seen.
    #[test]
    fn ignored_files_exist_until_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "local.env\n").unwrap();
        std::fs::write(root.join("local.env"), "A=1\n").unwrap();
        let mut ws = Workspace::load(root, &LoadOptions::default()).unwrap();
        assert!(ws.file("local.env").is_none(), "ignored by the walk");
        assert!(ws.exists("local.env") && ws.exists("local.env"));
        assert!(!ws.exists("other.env") && !ws.exists("../outside.env"));

        std::fs::remove_file(root.join("local.env")).unwrap();
        ws.set_file("local.env", None);
        assert!(!ws.exists("local.env"));
        std::fs::write(root.join("other.env"), "B=1\n").unwrap();
        ws.set_file("other.env", None);
        assert!(ws.exists("other.env"));
    }

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize("docs/ops", "../runbooks/a.md").as_deref(),
            Some("docs/runbooks/a.md")
        );
        assert_eq!(
            normalize("docs", "/scripts/x.sh").as_deref(),
            Some("scripts/x.sh")
        );
        assert_eq!(normalize("docs", "./a/./b").as_deref(), Some("docs/a/b"));
        assert_eq!(normalize("docs", "../../x"), None);
    }

    #[test]
    fn scope_is_a_folder_prefix() {
        assert!(Workspace::in_scope("", "a/b"));
        assert!(Workspace::in_scope(
            "services/api",
            "services/api/.env.production"
        ));
        assert!(!Workspace::in_scope(
            "services/api",
            "services/api-v2/.env.production"
        ));
    }

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("runbook.md", "runbooks.md"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("docs/a/deploy.md", "docs/a/deplyo.md"), 2);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("abcabc", "abc"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
        // In characters, not bytes.
        assert_eq!(levenshtein("café.md", "cafe.md"), 1);
        assert_eq!(levenshtein("ü", ""), 1);
    }

    /// Stripping the common ends changes no distance: against the plain table, on many
    /// pairs of similar strings.
    #[test]
    fn edit_distance_equals_the_whole_table() {
        fn whole(a: &str, b: &str) -> usize {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut prev: Vec<usize> = (0..=b.len()).collect();
            for (i, ca) in a.iter().enumerate() {
                let mut cur = vec![i + 1; b.len() + 1];
                for (j, cb) in b.iter().enumerate() {
                    let cost = usize::from(ca != cb);
                    cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
                }
                prev = cur;
            }
            prev[b.len()]
        }
        let alphabet = ['a', 'b', '/', '.', 'é'];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..3000 {
            let a: String = (0..next(9)).map(|_| alphabet[next(5)]).collect();
            let b: String = (0..next(9)).map(|_| alphabet[next(5)]).collect();
            assert_eq!(levenshtein(&a, &b), whole(&a, &b), "{a:?} {b:?}");
        }
    }
}
