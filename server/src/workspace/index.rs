//! Loading a workspace and keeping its indices in step with file changes.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::discover::{self, name_says_checklist, MAX_FILE_SIZE};
use super::{DefSite, FileKind, LoadOptions, Outline, Parsed, SourceFile, Workspace};
use crate::config::{self, Profile};
use crate::settings::{Settings, SettingsError, FILE_NAME};
use crate::text::LineIndex;

/// Why a workspace could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Settings(#[from] SettingsError),
    #[error("{}: not a folder", .0.display())]
    NotADirectory(std::path::PathBuf),
}

fn kind_of(path: &str) -> FileKind {
    if discover::is_markdown(path) {
        FileKind::Markdown
    } else if let Some(k) = config::classify(path) {
        FileKind::Config(k)
    } else {
        FileKind::Other
    }
}

/// Reads a file as text for analysis; None (with a note) for what cannot be analysed.
pub(super) fn read_text(abs: &Path, rel: &str, notes: &mut Vec<String>) -> Option<Arc<str>> {
    use std::io::Read as _;
    thread_local! {
        /// What a file is read into before its text is copied into its `Arc<str>` (which
        /// a `String` would be copied into as well).
        static READ: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // Read before the size is asked: most files end within it, and need no `stat` (one per
    // file read, seven thousand on a monorepo). A longer one is asked its size before the
    // rest is read, so a file over the cap is not read up to it.
    const FIRST: u64 = 64 * 1024;
    // Kept between files up to this much; a larger file's buffer goes with it.
    const KEPT: usize = 1 << 20;
    enum Read {
        Whole,
        TooLarge(Option<u64>),
    }
    READ.with_borrow_mut(|buf| {
        buf.clear();
        let read = std::fs::File::open(abs).and_then(|mut file| {
            if (&mut file).take(FIRST).read_to_end(buf)? as u64 == FIRST {
                let size = file.metadata()?.len();
                if size > MAX_FILE_SIZE {
                    return Ok(Read::TooLarge(Some(size)));
                }
                // Capped, should the file grow meanwhile.
                (&mut file)
                    .take(MAX_FILE_SIZE + 1 - FIRST)
                    .read_to_end(buf)?;
            }
            Ok(match buf.len() as u64 > MAX_FILE_SIZE {
                true => Read::TooLarge(None),
                false => Read::Whole,
            })
        });
        let text = match read {
            Ok(Read::TooLarge(size)) => {
                let size = size.map_or(String::new(), |s| format!(" ({s} bytes)"));
                notes.push(format!("{rel}: skipped, larger than 4 MiB{size}"));
                None
            }
            // memchr, vectorised: the slice's `contains` was 27 of the 68 million instructions
            // spent reading the bench tree's files.
            Ok(Read::Whole) if memchr::memchr(0, buf).is_some() => {
                notes.push(format!("{rel}: skipped, binary"));
                None
            }
            Ok(Read::Whole) => match std::str::from_utf8(buf) {
                Ok(s) => Some(Arc::from(s)),
                Err(_) => {
                    notes.push(format!("{rel}: skipped, not UTF-8"));
                    None
                }
            },
            Err(e) => {
                notes.push(format!("{rel}: skipped, cannot read ({e})"));
                None
            }
        };
        if buf.capacity() > KEPT {
            *buf = Vec::new();
        }
        text
    })
}

impl Workspace {
    /// Walks `root` and parses every markdown and config file.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Workspace, LoadError> {
        if !root.is_dir() {
            return Err(LoadError::NotADirectory(root.to_path_buf()));
        }
        let settings = match &options.config_file {
            Some(path) => Settings::load(path)?,
            None => {
                let path = root.join(FILE_NAME);
                if path.is_file() {
                    Settings::load(&path)?
                } else {
                    Settings::defaults()
                }
            }
        };
        Ok(Workspace::load_with_settings(root, settings, options))
    }

    /// Walks `root` with the given settings (the language server keeps going with defaults
    /// when readiness.toml is broken).
    pub fn load_with_settings(root: &Path, settings: Settings, options: &LoadOptions) -> Workspace {
        let forced: HashSet<&str> = options
            .forced_checklists
            .iter()
            .map(String::as_str)
            .collect();
        // Asked now, answered while the walk runs: which files git tracks (see below).
        let git = super::git::ask(root);
        // Each file is read and parsed on the walking thread that found it, sharing equal
        // strings with the files parsed before it there (`checklist::shared`).
        let walked = discover::walk(root, |rel| {
            crate::checklist::shared::start();
            load_one(root, rel, &settings, &forced)
        });
        // Were the walk ever to run a visit on this thread, its table goes now.
        crate::checklist::shared::stop();

        let mut ws = Workspace {
            root: root.to_path_buf(),
            settings,
            files: imbl::OrdMap::new(),
            dirs: Arc::new(walked.dirs.into_iter().collect()),
            by_name: Arc::default(),
            env: Arc::default(),
            notes: walked.notes,
            tracked: Arc::default(),
            probes: Arc::default(),
            forced: options.forced_checklists.iter().cloned().collect(),
            scopes: Arc::default(),
            disk_texts: Arc::default(),
            on_disk: Arc::default(),
            revision: super::next_revision(),
            last_edit: None,
        };
        // In the walk's order: the map sorts them (sorting them first was 3.6 ms of the
        // one stretch of a large check where a single thread works).
        let mut file_notes = Vec::new();
        for (rel, (file, notes)) in walked.files {
            if !notes.is_empty() {
                file_notes.push((rel.clone(), notes));
            }
            ws.files.insert(rel, file);
        }
        file_notes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        ws.notes
            .extend(file_notes.into_iter().flat_map(|(_, notes)| notes));
        // Forced files outside the walk (ignored by .gitignore, say) still get analysed.
        for rel in &options.forced_checklists {
            if !ws.files.contains_key(rel) {
                let mut notes = Vec::new();
                let text = read_text(&root.join(rel), rel, &mut notes);
                let file = build_file_from(
                    rel,
                    FileKind::Markdown,
                    text,
                    &ws.settings,
                    true,
                    Reading::Load(root),
                );
                ws.notes.append(&mut notes);
                ws.files.insert(rel.clone(), file);
            }
        }
        let tracked = git.and_then(super::git::collect);
        if let Some(tracked) = &tracked {
            ws.add_tracked_but_ignored(tracked, &forced);
        }
        ws.tracked = Arc::new(std::sync::OnceLock::from(tracked));
        ws.rebuild_indices();
        ws
    }

    /// Files git tracks that a `.gitignore` hides from the walk: git ignores only untracked
    /// files, so a `.env.production` committed before `.env*` was ignored is still in the
    /// repository, secret and all, and is analysed like any other. Folders the walk never
    /// enters (`node_modules`, `vendor`...) and anything that is not a regular file on disk
    /// (deleted, or a link that may point out of the root) stay out.
    fn add_tracked_but_ignored(&mut self, tracked: &HashSet<String>, forced: &HashSet<&str>) {
        let mut missed: Vec<&String> = tracked
            .iter()
            .filter(|rel| !self.files.contains_key(*rel) && !discover::in_skipped_dir(rel))
            .collect();
        if missed.is_empty() {
            return;
        }
        missed.sort_unstable();
        for rel in missed {
            let abs = self.root.join(rel);
            if !std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let (file, mut notes) = load_one(&self.root, rel, &self.settings, forced);
            self.notes.append(&mut notes);
            self.files.insert(rel.clone(), file);
            self.add_parent_dirs(rel);
        }
    }

    /// Records the folders holding `rel`, copying the shared set only when one is new.
    fn add_parent_dirs(&mut self, rel: &str) {
        let mut dir = rel;
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            if !self.dirs.contains(dir) {
                Arc::make_mut(&mut self.dirs).insert(dir.to_string());
            }
        }
    }

    /// Replaces a file's text (an open editor buffer), or re-reads it from disk when `text`
    /// is None; a file gone from disk is removed. Indices are kept in step.
    pub fn set_file(&mut self, rel: &str, text: Option<Arc<str>>) {
        let from = std::mem::replace(&mut self.revision, super::next_revision());
        self.last_edit = None;
        self.on_disk = Arc::default();
        let kind = kind_of(rel);
        let forced = self.forced.contains(rel);
        let abs = self.root.join(rel);
        let edit_of_markdown = kind == FileKind::Markdown && self.files.contains_key(rel);
        let probes_kept = edit_of_markdown && self.probes.survives_markdown_edit();
        if !probes_kept {
            self.probes = Arc::default();
        }
        let text = match text {
            Some(t) => Some(t),
            None if !abs.is_file() => {
                self.probes = Arc::default();
                self.scopes = Arc::default();
                self.unindex(rel);
                self.files.remove(rel);
                if let Some(paths) = Arc::make_mut(&mut self.by_name).get_mut(file_name(rel)) {
                    paths.retain(|p| p != rel);
                }
                return;
            }
            None if kind == FileKind::Other => None,
            None => read_text(&abs, rel, &mut self.notes),
        };
        // A keystroke in a long checklist re-parses only the stretch it touched.
        let previous = self.files.get(rel).and_then(|f| {
            Some(Previous {
                text: f.text.as_deref()?,
                doc: f.document()?,
                lines: f.lines.as_deref()?,
            })
        });
        let mut stretch = None;
        let file = build_file_from(
            rel,
            kind,
            text,
            &self.settings,
            forced,
            Reading::Change(previous, &mut stretch),
        );
        // Kept only when the probes were: a rule reading them must run again otherwise.
        if let (Some(stretch), true) = (stretch, probes_kept) {
            self.last_edit = Some(Arc::new(super::MarkdownEdit {
                from,
                path: rel.to_string(),
                stretch,
            }));
        }
        // Indices change in place: a keystroke must not rebuild them over every file.
        self.unindex(rel);
        let is_new = self.files.insert(rel.to_string(), file).is_none();
        if is_new {
            // A new file may be a project marker: scopes are found again.
            self.scopes = Arc::default();
            self.add_parent_dirs(rel);
            Arc::make_mut(&mut self.by_name)
                .entry(file_name(rel).to_string())
                .or_default()
                .push(rel.to_string());
        }
        self.index_env(rel);
    }

    /// Drops `rel`'s env definitions from the env index.
    fn unindex(&mut self, rel: &str) {
        let Some(cfg) = self.files.get(rel).and_then(|f| f.config()) else {
            return;
        };
        let env = Arc::make_mut(&mut self.env);
        for def in &cfg.defs {
            if let Some(sites) = env.get_mut(&def.name) {
                sites.retain(|s| s.path != rel);
                if sites.is_empty() {
                    env.remove(&def.name);
                }
            }
        }
    }

    /// Adds `rel`'s env definitions, keeping each name's sites in path order (as the full
    /// build leaves them: `env_defs_in` binary-searches them).
    fn index_env(&mut self, rel: &str) {
        let Some(file) = self.files.get(rel) else {
            return;
        };
        let env = Arc::make_mut(&mut self.env);
        for (def, site) in DefSite::all_in(rel, file) {
            let sites = env.entry(def.name.clone()).or_default();
            let index = site.index;
            let at = sites
                .partition_point(|s| s.path.as_str() < rel || (s.path == rel && s.index < index));
            sites.insert(at, site);
        }
    }

    fn rebuild_indices(&mut self) {
        let (by_name, env) = indices(self.files.iter().map(|(p, f)| (p.as_str(), f)));
        self.by_name = Arc::new(by_name);
        self.env = Arc::new(env);
    }

    /// Whether git tracks `rel`; false outside a git work tree.
    pub fn is_tracked(&self, rel: &str) -> bool {
        self.tracked
            .get_or_init(|| super::git::tracked_files(&self.root))
            .as_ref()
            .is_some_and(|t| t.contains(rel))
    }
}

type ByName = std::collections::HashMap<String, Vec<String>, foldhash::fast::RandomState>;
type EnvIndex = std::collections::HashMap<String, Vec<DefSite>, foldhash::fast::RandomState>;

/// The index of files by name and the env var definitions by name, from files in path
/// order. A key is copied only the first time it is seen: most names repeat.
fn indices<'f>(files: impl Iterator<Item = (&'f str, &'f SourceFile)>) -> (ByName, EnvIndex) {
    let mut by_name = ByName::default();
    let mut env = EnvIndex::default();
    for (path, file) in files {
        let name = file_name(path);
        match by_name.get_mut(name) {
            Some(paths) => paths.push(path.to_string()),
            None => {
                by_name.insert(name.to_string(), vec![path.to_string()]);
            }
        }
        for (def, site) in DefSite::all_in(path, file) {
            match env.get_mut(def.name.as_str()) {
                Some(sites) => sites.push(site),
                None => {
                    env.insert(def.name.clone(), vec![site]);
                }
            }
        }
    }
    (by_name, env)
}

/// One file of the walk: read (unless no rule reads it) and parsed.
fn load_one(
    root: &Path,
    rel: &str,
    settings: &Settings,
    forced: &HashSet<&str>,
) -> (SourceFile, Vec<String>) {
    let mut notes = Vec::new();
    // A file named on the command line is a checklist whatever its name (`CHECKLIST.txt`).
    let kind = match forced.contains(rel) {
        true => FileKind::Markdown,
        false => kind_of(rel),
    };
    let text = match kind {
        FileKind::Other => None,
        _ => read_text(&root.join(rel), rel, &mut notes),
    };
    let file = build_file_from(
        rel,
        kind,
        text,
        settings,
        forced.contains(rel),
        Reading::Load(root),
    );
    (file, notes)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_checklist(rel: &str, front_matter: Option<bool>, settings: &Settings) -> bool {
    if settings
        .checklist_exclude
        .as_ref()
        .is_some_and(|g| g.is_match(rel))
    {
        return false;
    }
    match front_matter {
        Some(false) => return false,
        Some(true) => return true,
        None => {}
    }
    name_says_checklist(rel)
        || settings
            .checklist_include
            .as_ref()
            .is_some_and(|g| g.is_match(rel))
}

/// How a markdown file is read.
enum Reading<'p> {
    /// The walk of a whole workspace (from this root): a file that is no checklist is kept
    /// as an [`Outline`] (front matter and headings, when first asked), all any rule asks
    /// of a link target.
    Load(&'p Path),
    /// A change to one file (an edit, a save, a file watched): read whole, so an editor
    /// gets every feature in any markdown file it opens. With the previous text and
    /// document, only the stretch the edit touched is parsed again, and it is told here.
    Change(
        Option<Previous<'p>>,
        &'p mut Option<crate::checklist::Stretch>,
    ),
}

/// A markdown file's text, document and line index before a change.
struct Previous<'p> {
    text: &'p str,
    doc: &'p crate::checklist::Document,
    lines: &'p LineIndex,
}

fn build_file_from(
    rel: &str,
    kind: FileKind,
    text: Option<Arc<str>>,
    settings: &Settings,
    forced: bool,
    reading: Reading<'_>,
) -> SourceFile {
    let mut lines = None;
    let mut profile = config::profile_of(rel);
    if profile != Profile::Example
        && settings
            .production
            .as_ref()
            .is_some_and(|g| g.is_match(rel))
    {
        profile = Profile::Production;
    }
    let (parsed, is_checklist) = match (kind, text.as_deref()) {
        (FileKind::Markdown, Some(t)) => {
            let doc = match reading {
                Reading::Change(Some(old), stretch) => {
                    match crate::checklist::reparse_stretch(old.text, old.doc, t) {
                        Some((doc, parsed)) => {
                            // Outside the stretch the text is as it was: so are its lines.
                            let (a, b) = (parsed.old.start, parsed.old.end);
                            let moved = old.lines.edited(t, a, b, parsed.new_range().end);
                            debug_assert_eq!(moved, LineIndex::new(t));
                            lines = Some(Arc::new(moved));
                            *stretch = Some(parsed);
                            doc
                        }
                        None => crate::checklist::parse(t),
                    }
                }
                Reading::Load(root)
                    if !forced
                        && !is_checklist(
                            rel,
                            crate::checklist::front_matter_readiness(t),
                            settings,
                        ) =>
                {
                    // Kept without its text, parsed when first asked (see `Outline`).
                    return SourceFile {
                        kind,
                        text: None,
                        lines: None,
                        parsed: Parsed::Outline(Arc::new(Outline::new(root.join(rel)))),
                        is_checklist: false,
                        profile,
                    };
                }
                _ => crate::checklist::parse(t),
            };
            let is = forced || is_checklist(rel, doc.front_matter.readiness, settings);
            (Parsed::Markdown(Arc::new(doc)), is)
        }
        (FileKind::Config(k), Some(t)) => {
            (Parsed::Config(Arc::new(config::parse_config(k, t))), false)
        }
        _ => (Parsed::None, false),
    };
    let lines = lines.or_else(|| text.as_deref().map(|t| Arc::new(LineIndex::new(t))));
    SourceFile {
        kind,
        text,
        lines,
        parsed,
        is_checklist,
        profile,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn texts_read_one_after_another_are_whole_and_the_oversized_say_their_size() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Larger than the buffer kept between files, then smaller: nothing of the first
        // may show in the second.
        let big = "x".repeat(3 << 20);
        write(root, "big.md", &big);
        // Ending exactly where the first read stops, and one byte after.
        for (name, len) in [("edge.md", 64 * 1024), ("edge1.md", 64 * 1024 + 1)] {
            let text = "y".repeat(len);
            write(root, name, &text);
            let read = read_text(&root.join(name), name, &mut Vec::new());
            assert_eq!(read.as_deref(), Some(text.as_str()), "{name}");
        }
        write(root, "small.md", "# Small\n");
        write(
            root,
            "huge.env",
            &"A=1\n".repeat((MAX_FILE_SIZE / 4 + 1) as usize),
        );
        write(root, "nul.md", "a\0b");
        std::fs::write(root.join("latin1.md"), b"caf\xe9").unwrap();
        let mut notes = Vec::new();
        let read = |rel: &str, notes: &mut Vec<String>| read_text(&root.join(rel), rel, notes);
        assert_eq!(read("big.md", &mut notes).as_deref(), Some(big.as_str()));
        assert_eq!(read("small.md", &mut notes).as_deref(), Some("# Small\n"));
        assert_eq!(read("huge.env", &mut notes), None);
        assert_eq!(read("nul.md", &mut notes), None);
        assert_eq!(read("latin1.md", &mut notes), None);
        assert_eq!(read("gone.md", &mut notes), None);
        assert_eq!(read("small.md", &mut notes).as_deref(), Some("# Small\n"));
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert_eq!(
            notes[0],
            format!(
                "huge.env: skipped, larger than 4 MiB ({} bytes)",
                MAX_FILE_SIZE + 4
            )
        );
        assert_eq!(notes[1], "nul.md: skipped, binary");
        assert_eq!(notes[2], "latin1.md: skipped, not UTF-8");
        assert!(
            notes[3].starts_with("gone.md: skipped, cannot read ("),
            "{}",
            notes[3]
        );
    }

    type Indices = (
        Vec<(String, Vec<(String, usize)>)>,
        Vec<(String, Vec<String>)>,
    );

    /// What the indices say, in a comparable form.
    fn indices(ws: &Workspace) -> Indices {
        let mut env: Vec<_> = ws
            .env
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.iter().map(|s| (s.path.clone(), s.index)).collect(),
                )
            })
            .collect();
        env.sort();
        let mut names: Vec<_> = ws
            .by_name
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| {
                let mut v = v.clone();
                v.sort();
                (k.clone(), v)
            })
            .collect();
        names.sort();
        (env, names)
    }

    #[test]
    fn edits_keep_the_indices_equal_to_a_fresh_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a/.env.production", "LOG_LEVEL=info\nPORT=1\n");
        write(root, "b/.env", "LOG_LEVEL=debug\n");
        write(root, "readiness.md", "- [ ] `LOG_LEVEL=info`\n");
        let mut ws = Workspace::load(root, &LoadOptions::default()).unwrap();

        // Buffer edits, a new file and a deleted one, as the language server sends them.
        ws.set_file(
            "a/.env.production",
            Some(Arc::from("PORT=2\nLOG_LEVEL=warn\nNEW_VAR=x\n")),
        );
        write(root, "c/values-prod.yaml", "env:\n  LOG_LEVEL: error\n");
        ws.set_file("c/values-prod.yaml", None);
        std::fs::remove_file(root.join("b/.env")).unwrap();
        ws.set_file("b/.env", None);
        write(
            root,
            "a/.env.production",
            "PORT=2\nLOG_LEVEL=warn\nNEW_VAR=x\n",
        );

        let fresh = Workspace::load(root, &LoadOptions::default()).unwrap();
        assert_eq!(indices(&ws), indices(&fresh));
        assert_eq!(ws.env_defs_in("LOG_LEVEL", "a").len(), 1);
        // Each site reads the definition the file holds now, with the file's profile.
        let values = |ws: &Workspace| -> Vec<(String, String, Profile)> {
            let sites = ws.env_defs("LOG_LEVEL");
            let def = |s: &DefSite| ws.def(s).map(|d| d.value.clone()).unwrap_or_default();
            sites
                .iter()
                .map(|s| (s.path.clone(), def(s), s.profile))
                .collect()
        };
        let expected: Vec<(String, String, Profile)> = [
            ("a/.env.production", "warn"),
            ("c/values-prod.yaml", "error"),
        ]
        .iter()
        .map(|(p, v)| (p.to_string(), v.to_string(), Profile::Production))
        .collect();
        assert_eq!(values(&ws), expected);
        assert_eq!(values(&fresh), expected);
    }

    #[test]
    fn env_definitions_in_a_folder_are_those_under_it_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // In path order: `-` and `.` sort before `/`, `0` and `b` after it.
        for folder in ["a-b", "a.b", "a", "a/sub", "a0", "ab", "b"] {
            write(root, &format!("{folder}/.env"), "PORT=1\n");
        }
        write(root, ".env", "PORT=1\n");
        let ws = Workspace::load(root, &LoadOptions::default()).unwrap();
        let paths = |scope: &str| -> Vec<String> {
            let sites = ws.env_defs_in("PORT", scope);
            sites.iter().map(|s| s.path.clone()).collect()
        };
        assert_eq!(paths("a"), ["a/.env", "a/sub/.env"]);
        assert_eq!(paths("a/sub"), ["a/sub/.env"]);
        assert_eq!(paths("a-b"), ["a-b/.env"]);
        assert_eq!(paths("ab"), ["ab/.env"]);
        assert!(paths("a/s").is_empty() && paths("c").is_empty());
        assert_eq!(paths("").len(), 8);
    }

    #[test]
    fn markdown_that_is_no_checklist_loads_as_an_outline_and_opens_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let other = "# Runbook\n\n- [ ] step `scripts/x.sh`\n\n## Restore\n";
        write(root, "docs/runbook.md", other);
        write(
            root,
            "notes.md",
            "---\nreadiness: true\n---\n- [ ] `LOG_LEVEL=info`\n",
        );
        write(
            root,
            "readiness.md",
            "- [ ] see [restore](docs/runbook.md#restore)\n",
        );
        let mut ws = Workspace::load(root, &LoadOptions::default()).unwrap();

        // Checklists, by name or by front matter, are read whole.
        for path in ["readiness.md", "notes.md"] {
            let doc = ws.file(path).and_then(|f| f.document()).unwrap();
            assert!(!doc.outline && doc.tasks.len() == 1, "{path}");
        }
        // The link target is kept unread until asked; asking says whether it is an outline
        // without reading it.
        let unread = |ws: &Workspace| match &ws.file("docs/runbook.md").unwrap().parsed {
            Parsed::Outline(o) => o.read.get().is_none(),
            other => panic!("not an outline: {other:?}"),
        };
        assert!(ws.file("docs/runbook.md").unwrap().is_outline() && unread(&ws));
        // Asked, it is headings only: the same anchors a whole parse gives, and its lines.
        let doc = ws
            .file("docs/runbook.md")
            .and_then(|f| f.document())
            .unwrap();
        assert!(doc.outline && doc.tasks.is_empty() && doc.references.is_empty());
        let anchors: Vec<&str> = doc.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, ["runbook", "restore"]);
        assert!(!unread(&ws));
        assert_eq!(
            ws.line_index("docs/runbook.md")
                .unwrap()
                .line_of(other.len()),
            5
        );
        assert_eq!(ws.text_or_disk("docs/runbook.md").as_deref(), Some(other));

        // Opened in an editor (or changed on disk), it is read whole.
        ws.set_file("docs/runbook.md", Some(Arc::from(other)));
        let doc = ws
            .file("docs/runbook.md")
            .and_then(|f| f.document())
            .unwrap();
        assert!(!doc.outline);
        assert_eq!((doc.tasks.len(), doc.references.len()), (1, 1));
    }

    #[test]
    fn a_load_shares_equal_texts_and_an_edit_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let text = "## A\n- [ ] Backups restored `scripts/restore.sh`\n\n\
                    ## B\n- [x] Backups restored `scripts/restore.sh`\n";
        write(root, "readiness.md", text);
        let mut ws = Workspace::load(root, &LoadOptions::default()).unwrap();
        let doc = ws.file("readiness.md").and_then(|f| f.document()).unwrap();
        let (a, b) = (&doc.tasks[0], &doc.tasks[1]);
        assert_eq!(a.text, "Backups restored scripts/restore.sh");
        // One file is parsed on one walking thread: one copy of the text for both tasks.
        assert!(crate::checklist::ItemStr::ptr_eq(&a.text, &b.text));
        let path = |r: &crate::checklist::Reference| match &r.kind {
            crate::checklist::RefKind::Path { path } => path.clone(),
            other => panic!("{other:?}"),
        };
        assert!(crate::checklist::ItemStr::ptr_eq(
            &path(&doc.references[0]),
            &path(&doc.references[1])
        ));

        // An edit is parsed outside the walk: equal texts, each its own copy.
        let edited = "- [ ] Alerts page on-call\n- [x] Alerts page on-call\n";
        ws.set_file("readiness.md", Some(Arc::from(edited)));
        let doc = ws.file("readiness.md").and_then(|f| f.document()).unwrap();
        let (a, b) = (&doc.tasks[0], &doc.tasks[1]);
        assert_eq!(
            (a.text.as_str(), b.text.as_str()),
            ("Alerts page on-call", "Alerts page on-call")
        );
        assert!(!crate::checklist::ItemStr::ptr_eq(&a.text, &b.text));
        assert_eq!((a.checked, b.checked), (false, true));
    }

    #[test]
    fn scopes_follow_project_markers_appearing_and_going() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "services/a/docs/readiness.md", "- [ ] x\n");
        let mut ws = Workspace::load(root, &LoadOptions::default()).unwrap();
        let checklist = "services/a/docs/readiness.md";
        assert_eq!(ws.scope_of(checklist), "");
        assert_eq!(
            ws.scope_of(checklist),
            "",
            "asked twice, answered from the cache"
        );

        // A Dockerfile makes services/a a project of its own.
        write(root, "services/a/Dockerfile", "FROM x\n");
        ws.set_file("services/a/Dockerfile", None);
        assert_eq!(ws.scope_of(checklist), "services/a");
        // An edit of the checklist keeps the scope.
        ws.set_file(checklist, Some(Arc::from("- [x] x\n")));
        assert_eq!(ws.scope_of(checklist), "services/a");

        std::fs::remove_file(root.join("services/a/Dockerfile")).unwrap();
        ws.set_file("services/a/Dockerfile", None);
        assert_eq!(ws.scope_of(checklist), "");
    }
}
