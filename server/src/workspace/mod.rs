//! The workspace: every file under a root, the parsed checklists and config files,
//! and the indices the rules query (paths, env var definitions, heading anchors).

mod discover;
mod git;
mod index;

pub use index::LoadError;
mod resolve;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use discover::{find_root, is_markdown, MAX_FILE_SIZE};
pub use resolve::{levenshtein, normalize, PathResolution};

use crate::checklist::Document;
use crate::config::{ConfigFile, ConfigKind, Profile};
use crate::settings::Settings;
use crate::text::LineIndex;

/// What a file is to the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Markdown,
    Config(ConfigKind),
    /// Any other file: only its existence matters (evidence, link targets).
    Other,
}

/// A file's parsed contents.
#[derive(Debug, Clone)]
pub enum Parsed {
    Markdown(Arc<Document>),
    /// Markdown that is no checklist, as a load leaves it: see [`Outline`].
    Outline(Arc<Outline>),
    Config(Arc<ConfigFile>),
    None,
}

/// A markdown file that is no checklist, read from disk when first asked for: front matter
/// and headings (see [`crate::checklist::parse_outline`]) and its line index.
///
/// Rules ask such a file only for its headings, and only when a link names one of its
/// anchors. On a monorepo these files are a third of the markdown, and most are never
/// asked (an ADR, an onboarding guide): outlining them all was 5-6% of a `check`'s CPU.
/// A load still reads each once, for the front matter that can make it a checklist.
#[derive(Debug)]
pub struct Outline {
    abs: PathBuf,
    read: OnceLock<Option<(Arc<Document>, Arc<LineIndex>)>>,
}

impl Outline {
    pub(crate) fn new(abs: PathBuf) -> Outline {
        Outline {
            abs,
            read: OnceLock::new(),
        }
    }

    /// The outline and line index, read and parsed at the first call (on any thread: the
    /// others wait for it). None when the file can no longer be read as text.
    fn get(&self) -> Option<&(Arc<Document>, Arc<LineIndex>)> {
        self.read
            .get_or_init(|| {
                let text = index::read_text(&self.abs, "", &mut Vec::new())?;
                let doc = crate::checklist::parse_outline(&text);
                Some((Arc::new(doc), Arc::new(LineIndex::new(&text))))
            })
            .as_ref()
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: FileKind,
    /// Text of markdown and config files (others are not read).
    pub text: Option<Arc<str>>,
    pub lines: Option<Arc<LineIndex>>,
    pub parsed: Parsed,
    pub is_checklist: bool,
    pub profile: Profile,
}

impl SourceFile {
    /// The parsed markdown; for a file loaded as an [`Outline`], read from disk now.
    pub fn document(&self) -> Option<&Document> {
        self.document_arc().map(|d| &**d)
    }

    /// [`SourceFile::document`], shared: kept by a caller for the next analysis.
    pub fn document_arc(&self) -> Option<&Arc<Document>> {
        match &self.parsed {
            Parsed::Markdown(d) => Some(d),
            Parsed::Outline(o) => o.get().map(|(d, _)| d),
            _ => None,
        }
    }

    /// Whether the file is markdown loaded as an [`Outline`] (without its text); asking
    /// does not read it.
    pub fn is_outline(&self) -> bool {
        matches!(self.parsed, Parsed::Outline(_))
    }

    /// The line index of a markdown or config file (an outline's is made when first asked).
    pub fn line_index(&self) -> Option<&Arc<LineIndex>> {
        match (&self.lines, &self.parsed) {
            (Some(lines), _) => Some(lines),
            (None, Parsed::Outline(o)) => o.get().map(|(_, lines)| lines),
            _ => None,
        }
    }

    pub fn config(&self) -> Option<&ConfigFile> {
        match &self.parsed {
            Parsed::Config(c) => Some(c),
            _ => None,
        }
    }
}

/// Where one env var is defined: a file and the index of the definition in it.
///
/// It holds the file's parsed config and profile too: rules read a definition for every
/// requirement of every checklist, and looking its path up in the file map (a binary
/// search comparing long paths with a common prefix) was 1.4% of a large check.
#[derive(Debug, Clone)]
pub struct DefSite {
    pub path: String,
    pub index: usize,
    /// The profile of the file at `path`.
    pub profile: Profile,
    /// The parsed config of the file at `path`: the indices are updated with every change
    /// of a file, so this is always the file's current config.
    config: Arc<ConfigFile>,
}

impl DefSite {
    /// Every definition in a config file, with its site.
    pub(crate) fn all_in<'f>(
        path: &'f str,
        file: &'f SourceFile,
    ) -> impl Iterator<Item = (&'f crate::config::EnvDef, DefSite)> + 'f {
        let config = match &file.parsed {
            Parsed::Config(c) => Some(c),
            _ => None,
        };
        config.into_iter().flat_map(move |c| {
            c.defs.iter().enumerate().map(move |(index, def)| {
                let site = DefSite {
                    path: path.to_string(),
                    index,
                    profile: file.profile,
                    config: c.clone(),
                };
                (def, site)
            })
        })
    }

    /// The definition.
    pub fn def(&self) -> Option<&crate::config::EnvDef> {
        self.config.defs.get(self.index)
    }
}

/// The same site: the same definition of the same file.
impl PartialEq for DefSite {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.index == other.index
    }
}

impl Eq for DefSite {}

/// Cloned copy-on-write by the language server while an analysis holds a snapshot.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub settings: Settings,
    /// Every file kept by the walk, by workspace-relative `/` path.
    /// A persistent map: the language server clones the workspace for every change while an
    /// analysis holds the previous snapshot, and cloning this is O(1), not O(files).
    files: imbl::OrdMap<String, SourceFile>,
    /// Every folder holding a kept file, and every folder walked. foldhash here and in
    /// `by_name`: both are filled in the one stretch of a load where a single thread works.
    dirs: Arc<foldhash::HashSet<String>>,
    /// File name -> paths, to resolve a path by its unique suffix.
    by_name: Arc<HashMap<String, Vec<String>, foldhash::fast::RandomState>>,
    /// Env var name -> definitions in config files. foldhash: rules look names up for every
    /// requirement of a checklist, on every keystroke (SipHash was most of a lookup).
    env: Arc<HashMap<String, Vec<DefSite>, foldhash::fast::RandomState>>,
    /// Files that were skipped, with why (shown by `--verbose`).
    pub notes: Vec<String>,
    tracked: Arc<OnceLock<Option<HashSet<String>>>>,
    /// Probe results of this snapshot, shared by all checklists of a scope.
    probes: Arc<crate::probes::cache::ProbeCache>,
    /// Files analysed as checklists because they were named explicitly.
    forced: HashSet<String>,
    /// Folder -> length of its scope (see `scope_of`): a scope is found by looking for
    /// project markers and `.git` up the tree, a file-system call per level, and every
    /// change asks it for every checklist. Only files appearing or disappearing change it.
    scopes: Arc<std::sync::RwLock<HashMap<String, usize>>>,
    /// Texts of outline markdown read from disk by `text_or_disk`: a file's related places
    /// are converted on every publication. Such a file keeps its text once it changes, so
    /// an entry is never consulted for a changed file.
    disk_texts: Arc<std::sync::Mutex<HashMap<String, Arc<str>>>>,
    /// Whether a path missing from the walk is on disk all the same (ignored by git, say),
    /// asked once per state of the workspace (see `Workspace::exists`): the checklists of
    /// one folder name the same missing evidence, and asking the disk each time was 16,000
    /// `statx` calls on the bench tree. Every change starts it afresh, so it is never
    /// staler than the analysis that asks.
    on_disk: Arc<std::sync::Mutex<HashMap<String, bool, foldhash::fast::FixedState>>>,
    /// Unique to this state of the workspace: a new one on load and on every change.
    revision: u64,
    /// The change that made this state, when it was an edit of one markdown file that was
    /// re-parsed in part and left the probes' results true (see [`Workspace::last_edit`]).
    last_edit: Option<Arc<MarkdownEdit>>,
}

/// An edit of one markdown file, and nothing else, between two states of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownEdit {
    /// The revision the edit was made on.
    pub from: u64,
    pub path: String,
    /// What was parsed again; the rest of the document moved by its `delta`.
    pub stretch: crate::checklist::Stretch,
}

/// Revisions are unique in the process, so two workspaces never share one.
pub(crate) fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// How to load a workspace.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--config FILE`: settings from this file instead of `<root>/readiness.toml`.
    pub config_file: Option<PathBuf>,
    /// Files analysed as checklists whatever their names (given explicitly on the command line).
    pub forced_checklists: Vec<String>,
}

impl Workspace {
    /// Unique to this state: a workspace with the same revision holds the same files.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The edit that made this state from the state of revision `from`, when that is all
    /// that changed: one markdown file edited inside one stretch, its outline (headings,
    /// front matter, link definitions) and the probes' results unchanged.
    pub fn last_edit(&self) -> Option<&MarkdownEdit> {
        self.last_edit.as_deref()
    }

    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        self.files.get(path)
    }

    /// Every folder the walk entered or that holds a file, relative, without the root ("").
    pub fn dirs(&self) -> impl Iterator<Item = &String> {
        self.dirs.iter()
    }

    /// Probe results computed on this snapshot.
    pub fn probe_cache(&self) -> &crate::probes::cache::ProbeCache {
        &self.probes
    }

    pub fn files(&self) -> impl Iterator<Item = (&String, &SourceFile)> {
        self.files.iter()
    }

    /// Files inside the folder `scope` ("" is the root), in path order, without scanning the
    /// others.
    pub fn files_under<'s>(
        &'s self,
        scope: &str,
    ) -> impl Iterator<Item = (&'s String, &'s SourceFile)> + 's {
        let prefix = if scope.is_empty() {
            String::new()
        } else {
            format!("{}/", scope.trim_end_matches('/'))
        };
        let start = prefix.clone();
        self.files
            .range(start..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Paths of the checklists, sorted.
    pub fn checklists(&self) -> impl Iterator<Item = &String> {
        self.files
            .iter()
            .filter(|(_, f)| f.is_checklist)
            .map(|(p, _)| p)
    }

    /// The text of a file as the workspace holds it, else, for markdown loaded as an
    /// outline (whose text a load does not keep: rules ask only its headings, and on a
    /// monorepo such files are a third of all it reads), as the disk holds it now.
    pub fn text_or_disk(&self, path: &str) -> Option<Arc<str>> {
        let file = self.files.get(path)?;
        if let Some(t) = &file.text {
            return Some(t.clone());
        }
        if !file.is_outline() {
            return None;
        }
        let cached = self.disk_texts.lock().ok()?.get(path).cloned();
        let text = match cached {
            Some(t) => t,
            None => {
                let t: Arc<str> = Arc::from(std::fs::read_to_string(self.abs(path)).ok()?);
                if let Ok(mut m) = self.disk_texts.lock() {
                    m.insert(path.to_string(), t.clone());
                }
                t
            }
        };
        // Changed on disk and not yet reported: the kept line index no longer fits it.
        let lines = file.line_index()?;
        (lines.text_len() == text.len()).then_some(text)
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.get(path)?.text.as_deref()
    }

    pub fn line_index(&self, path: &str) -> Option<&LineIndex> {
        self.files.get(path)?.line_index().map(|l| &**l)
    }

    /// Definitions of an env var across all config files.
    pub fn env_defs(&self, name: &str) -> &[DefSite] {
        self.env.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Definitions of an env var inside the folder `scope` ("" is the root). Sites are kept
    /// in path order, so this is two binary searches, not a scan of the monorepo.
    pub fn env_defs_in(&self, name: &str, scope: &str) -> &[DefSite] {
        let all = self.env_defs(name);
        if scope.is_empty() {
            return all;
        }
        // `path < "{scope}/"` and `path.starts_with("{scope}/")`, without building the prefix
        // (a byte iterator over it compared one byte at a time: 1.5% of a large check).
        let below = |path: &str| {
            let (p, s) = (path.as_bytes(), scope.as_bytes());
            let n = p.len().min(s.len());
            match p[..n].cmp(&s[..n]) {
                std::cmp::Ordering::Equal => p.len() <= s.len() || p[s.len()] < b'/',
                unequal => unequal.is_lt(),
            }
        };
        let start = all.partition_point(|s| below(&s.path));
        let len = all[start..].partition_point(|s| {
            s.path.len() > scope.len()
                && s.path.starts_with(scope)
                && s.path.as_bytes()[scope.len()] == b'/'
        });
        &all[start..start + len]
    }

    /// Every env var name defined somewhere, sorted.
    pub fn env_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.env.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The definition at a site (which holds its file's config: see [`DefSite::def`]).
    pub fn def<'s>(&self, site: &'s DefSite) -> Option<&'s crate::config::EnvDef> {
        site.def()
    }

    pub fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    /// The absolute path of a workspace-relative one.
    pub fn abs(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    /// The workspace-relative `/` path of an absolute one inside the root.
    pub fn rel(&self, abs: &Path) -> Option<String> {
        let rel = abs.strip_prefix(&self.root).ok()?;
        let s: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(s.join("/"))
    }
}
