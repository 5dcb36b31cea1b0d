//! Rubric packs: the body of knowledge a checklist is verified against.
//!
//! A pack is a TOML file (see `checklists/README.md` and `checklists/pack.schema.json`):
//! ordered sections, each with heading aliases and items, each item with guidance
//! (`why`, `verify`), a level, the markdown task line it inserts, an optional document
//! template and declarative, read-only probes. Built-in packs and document templates
//! are embedded in the binary; user packs are loaded from disk and may `extends` a
//! built-in (or another file) and `disable` items of it.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

mod heading;
pub mod mapping;
pub mod matcher;
mod templates;

pub use heading::{first_section_of, normalize_heading, sections_covered_by};
pub use templates::{
    choose_template, render_template, template, template_file_name, template_names,
};

/// How strongly an item is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Must,
    Should,
    Could,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::Could => "could",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One pack: a named, ordered list of sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Short kebab-case name (`baseline`, `saas`, or a user pack's own name).
    pub name: String,
    pub title: String,
    pub description: String,
    /// Pack this one builds on: a built-in name or a path relative to this file.
    /// After [`load`] the sections already contain the merged result.
    #[serde(default)]
    pub extends: Option<String>,
    /// Item (or section) ids of the extended pack to leave out.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Sections in order.
    #[serde(default)]
    pub sections: Vec<PackSection>,
    /// What its sections say, as a key ([`mapping::sections_key`]): made once when a pack
    /// is loaded (built-in packs, once per process), as packs are resolved for every
    /// checklist. None for a pack built otherwise (its key is then made when asked for);
    /// whoever changes a loaded pack's sections sets it back to None.
    #[serde(skip)]
    pub sections_key: Option<std::sync::Arc<str>>,
}

impl Pack {
    /// The pack with its sections' key made (see [`Pack::sections_key`]).
    fn keyed(mut self) -> Pack {
        self.sections_key = Some(mapping::sections_key(&self.sections).into());
        self
    }
}

/// One section of a pack, e.g. `security`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackSection {
    pub id: String,
    /// May be omitted in a user pack section that merges into an extended section.
    #[serde(default)]
    pub title: String,
    /// Lower-case heading wordings that count as covering this section.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether a checklist without a heading for this section gets a missing-section finding.
    #[serde(default)]
    pub required: bool,
    /// Default weight of the section in scores.
    #[serde(default = "default_weight")]
    pub weight: f64,
    #[serde(default)]
    pub items: Vec<PackItem>,
}

/// One item of a section, e.g. `security.secrets-outside-repo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackItem {
    /// `section-id.kebab-name`, stable across releases.
    pub id: String,
    pub title: String,
    /// Other wordings of the title.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Words and short phrases for fuzzy matching of a user's item text.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Why it matters.
    pub why: String,
    /// How to verify it.
    pub verify: String,
    pub level: Level,
    /// The markdown task line inserted for this item (`- [ ] ...`).
    pub line: String,
    /// Name of a document template (see [`template_names`]).
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub probes: Vec<Probe>,
}

/// A declarative, read-only check of the repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Probe {
    /// Any file matches any of the globs.
    FileExists {
        globs: Vec<String>,
        #[serde(default)]
        description: Option<String>,
    },
    /// Some file matching the globs contains a match of the regex.
    FileContains {
        globs: Vec<String>,
        regex: String,
        #[serde(default)]
        description: Option<String>,
    },
    /// No file matching the globs is tracked (absent or git-ignored).
    FileAbsentOrUntracked {
        globs: Vec<String>,
        #[serde(default)]
        description: Option<String>,
    },
    /// The variable is set (to `value`, if given) in the given config profile.
    EnvSet {
        name: String,
        #[serde(default)]
        value: Option<String>,
        #[serde(default = "default_profile")]
        profile: String,
        #[serde(default)]
        description: Option<String>,
    },
    /// Every detected package ecosystem has its lockfile committed.
    LockfilePerEcosystem {
        #[serde(default)]
        description: Option<String>,
    },
    /// A CI workflow has a step whose command or name matches the regex.
    CiStep {
        regex: String,
        #[serde(default)]
        description: Option<String>,
    },
    /// Automated dependency updates are configured (Dependabot, Renovate).
    DependencyUpdates {
        #[serde(default)]
        description: Option<String>,
    },
    /// Every Dockerfile's final stage runs as a non-root user.
    DockerfileNonRoot {
        #[serde(default)]
        description: Option<String>,
    },
    /// Kubernetes workloads declare liveness/readiness probes and resource requests/limits.
    #[serde(rename = "k8s_probes_and_limits")]
    K8sProbesAndLimits {
        #[serde(default)]
        description: Option<String>,
    },
    /// The test configuration enforces at least `min` percent coverage.
    CoverageThreshold {
        #[serde(default = "default_min_coverage")]
        min: u32,
        #[serde(default)]
        description: Option<String>,
    },
}

impl Probe {
    /// The `kind` tag as written in TOML.
    pub fn kind(&self) -> &'static str {
        match self {
            Probe::FileExists { .. } => "file_exists",
            Probe::FileContains { .. } => "file_contains",
            Probe::FileAbsentOrUntracked { .. } => "file_absent_or_untracked",
            Probe::EnvSet { .. } => "env_set",
            Probe::LockfilePerEcosystem { .. } => "lockfile_per_ecosystem",
            Probe::CiStep { .. } => "ci_step",
            Probe::DependencyUpdates { .. } => "dependency_updates",
            Probe::DockerfileNonRoot { .. } => "dockerfile_non_root",
            Probe::K8sProbesAndLimits { .. } => "k8s_probes_and_limits",
            Probe::CoverageThreshold { .. } => "coverage_threshold",
        }
    }

    /// What the probe looks for, when the pack says so.
    pub fn description(&self) -> Option<&str> {
        match self {
            Probe::FileExists { description, .. }
            | Probe::FileContains { description, .. }
            | Probe::FileAbsentOrUntracked { description, .. }
            | Probe::EnvSet { description, .. }
            | Probe::LockfilePerEcosystem { description }
            | Probe::CiStep { description, .. }
            | Probe::DependencyUpdates { description }
            | Probe::DockerfileNonRoot { description }
            | Probe::K8sProbesAndLimits { description }
            | Probe::CoverageThreshold { description, .. } => description.as_deref(),
        }
    }
}

fn default_weight() -> f64 {
    1.0
}

fn default_profile() -> String {
    "production".to_string()
}

fn default_min_coverage() -> u32 {
    80
}

impl Pack {
    /// Every item in section order.
    pub fn items(&self) -> impl Iterator<Item = (&PackSection, &PackItem)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn section(&self, id: &str) -> Option<&PackSection> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn item(&self, id: &str) -> Option<&PackItem> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter())
            .find(|i| i.id == id)
    }
}

/// Why a pack could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{}: cannot read pack: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: invalid pack TOML: {message}", path.display())]
    Toml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: invalid pack: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("unknown pack `{name}` (built-in packs: {known}; a path must contain `/` or end in `.toml`)")]
    UnknownPack { name: String, known: String },
    #[error("{}: `extends` forms a cycle: {chain}", path.display())]
    ExtendsCycle { path: PathBuf, chain: String },
}

const BUILTIN_NAMES: &[&str] = &["baseline", "saas", "k8s", "llm-app"];

const BUILTIN_SOURCES: &[(&str, &str)] = &[
    (
        "checklists/baseline.toml",
        include_str!("../../../checklists/baseline.toml"),
    ),
    (
        "checklists/saas.toml",
        include_str!("../../../checklists/saas.toml"),
    ),
    (
        "checklists/k8s.toml",
        include_str!("../../../checklists/k8s.toml"),
    ),
    (
        "checklists/llm-app.toml",
        include_str!("../../../checklists/llm-app.toml"),
    ),
];

static BUILTINS: LazyLock<Vec<Pack>> = LazyLock::new(|| {
    BUILTIN_SOURCES
        .iter()
        .map(|(origin, text)| {
            parse(text, Path::new(origin))
                .unwrap_or_else(|e| panic!("built-in pack is invalid: {e}"))
                .keyed()
        })
        .collect()
});

/// Parses the built-in packs and makes the default pack's matcher ahead of their first
/// use, for a front end to call on a spare thread while it walks a workspace: between the
/// walk and the rules a single thread works, and the packs were 6 ms of it on a large tree.
pub fn warm_up() {
    if let Ok(packs) = resolve(&["baseline".to_string()], Path::new("")) {
        mapping::matcher_for(&combined(&packs));
    }
}

/// A built-in pack by name (`baseline`, `saas`, `k8s`, `llm-app`).
pub fn builtin(name: &str) -> Option<&'static Pack> {
    let packs: &'static Vec<Pack> = &BUILTINS;
    packs.iter().find(|p| p.name == name)
}

/// Names of the built-in packs, baseline first.
pub fn builtin_names() -> &'static [&'static str] {
    BUILTIN_NAMES
}

/// Parses and validates one pack without resolving `extends`.
/// `origin` is only used in error messages.
pub fn parse(text: &str, origin: &Path) -> Result<Pack, PackError> {
    let pack: Pack = parse_toml(text, origin)?;
    validate(&pack, origin)?;
    Ok(pack)
}

/// Loads a user pack from disk, resolving `extends` (built-in names, or paths relative to
/// the file) and applying `disable`.
pub fn load(path: &Path) -> Result<Pack, PackError> {
    let mut stack = Vec::new();
    load_inner(path, &mut stack).map(Pack::keyed)
}

/// Resolves pack references: a name is a built-in pack; anything containing `/` (or `\`)
/// or ending in `.toml` is a path, relative to `base_dir` unless absolute.
pub fn resolve(names_or_paths: &[String], base_dir: &Path) -> Result<Vec<Pack>, PackError> {
    names_or_paths
        .iter()
        .map(|entry| {
            let entry = entry.trim();
            if is_path_ref(entry) {
                load(&base_dir.join(entry))
            } else {
                builtin(entry)
                    .cloned()
                    .ok_or_else(|| PackError::UnknownPack {
                        name: entry.to_string(),
                        known: BUILTIN_NAMES.join(", "),
                    })
            }
        })
        .collect()
}

/// Sections of several packs merged into one list, for checking a checklist against
/// `baseline` + `saas` at once: sections in order of first appearance, a later pack's
/// section with a known id adds its aliases and items (an item with a known id replaces
/// the earlier one), `required` if any pack requires it, the first pack's weight.
pub fn combine(packs: &[Pack]) -> Vec<PackSection> {
    let mut out: Vec<PackSection> = Vec::new();
    for pack in packs {
        for section in &pack.sections {
            merge_section(&mut out, section.clone(), Merge::Combine);
        }
    }
    out
}

type Combined = std::collections::HashMap<String, std::sync::Arc<Vec<PackSection>>>;

/// [`combined`]'s sections, by the packs' names and keys.
static COMBINED: LazyLock<std::sync::Mutex<Combined>> = LazyLock::new(Default::default);

/// The key of sections that [`combined`] made and still holds (the packs' names and
/// keys it found them by): the rules of every checklist ask for their sections' key, and
/// hashing everything the sections say each time was a fifth of a large check.
pub(crate) fn combined_key(sections: &[PackSection]) -> Option<String> {
    let cache = COMBINED.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .iter()
        .find(|(_, v)| std::ptr::eq(v.as_slice(), sections))
        .map(|(k, _)| k.clone())
}

/// [`combine`], built once per distinct set of packs and shared: every rubric rule, the
/// score and the hovers of every checklist ask for the same merged sections.
pub fn combined(packs: &[Pack]) -> std::sync::Arc<Vec<PackSection>> {
    let mut key = String::new();
    for pack in packs {
        key.push_str(&pack.name);
        key.push('\u{0}');
        match &pack.sections_key {
            Some(k) => key.push_str(k),
            None => key.push_str(&mapping::sections_key(&pack.sections)),
        }
    }
    let mut cache = COMBINED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(hit) = cache.get(&key) {
        return hit.clone();
    }
    if cache.len() >= 64 {
        cache.clear(); // user packs edited in a long editor session: bounded
    }
    let sections = std::sync::Arc::new(combine(packs));
    cache.insert(key, sections.clone());
    sections
}

pub(crate) fn is_path_ref(entry: &str) -> bool {
    entry.contains('/') || entry.contains('\\') || entry.ends_with(".toml")
}

fn load_inner(path: &Path, stack: &mut Vec<PathBuf>) -> Result<Pack, PackError> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if stack.contains(&key) {
        let mut chain: Vec<String> = stack.iter().map(|p| p.display().to_string()).collect();
        chain.push(key.display().to_string());
        return Err(PackError::ExtendsCycle {
            path: path.to_path_buf(),
            chain: chain.join(" -> "),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| PackError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let child: Pack = parse_toml(&text, path)?;
    let Some(extends) = child.extends.clone() else {
        validate(&child, path)?;
        return Ok(child);
    };
    let base = if is_path_ref(&extends) {
        let dir = path.parent().unwrap_or(Path::new("."));
        stack.push(key);
        let base = load_inner(&dir.join(&extends), stack);
        stack.pop();
        base?
    } else {
        builtin(&extends)
            .cloned()
            .ok_or_else(|| PackError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "`extends = \"{extends}\"` names no built-in pack (built-in packs: {})",
                    BUILTIN_NAMES.join(", ")
                ),
            })?
    };
    // Which optional section keys the user wrote, so that defaults do not override the base.
    let table: toml::Table = text.parse().map_err(|e| toml_error(&text, path, e))?;
    let merged = apply_extends(base, child, &table, path)?;
    validate(&merged, path)?;
    Ok(merged)
}

fn apply_extends(
    base: Pack,
    child: Pack,
    table: &toml::Table,
    path: &Path,
) -> Result<Pack, PackError> {
    let user_sections = table.get("sections").and_then(|v| v.as_array());
    let has_key = |index: usize, key: &str| {
        user_sections
            .and_then(|a| a.get(index))
            .and_then(|s| s.as_table())
            .is_some_and(|t| t.contains_key(key))
    };
    let mut sections = base.sections;
    for (index, section) in child.sections.into_iter().enumerate() {
        let mode = Merge::Extends {
            has_required: has_key(index, "required"),
            has_weight: has_key(index, "weight"),
        };
        merge_section(&mut sections, section, mode);
    }
    let mut unknown = Vec::new();
    for id in &child.disable {
        let before: usize = sections.iter().map(|s| s.items.len() + 1).sum();
        sections.retain(|s| &s.id != id);
        for s in &mut sections {
            s.items.retain(|i| &i.id != id);
        }
        let after: usize = sections.iter().map(|s| s.items.len() + 1).sum();
        if before == after {
            unknown.push(id.as_str());
        }
    }
    if !unknown.is_empty() {
        return Err(PackError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "`disable` names ids that are in no section or item of the extended pack: {}",
                unknown.join(", ")
            ),
        });
    }
    Ok(Pack {
        name: child.name,
        title: child.title,
        description: child.description,
        extends: child.extends,
        disable: child.disable,
        sections,
        sections_key: None,
    })
}

/// How [`merge_section`] treats a section id that is already present.
#[derive(Clone, Copy)]
enum Merge {
    /// A user pack over the pack it extends: what the user wrote wins.
    Extends {
        has_required: bool,
        has_weight: bool,
    },
    /// Packs used side by side: required if any requires it, first weight and title kept.
    Combine,
}

/// Merges `section` into `sections` by id; aliases are unioned and an item with a known
/// id replaces the earlier item in place.
fn merge_section(sections: &mut Vec<PackSection>, section: PackSection, mode: Merge) {
    let Some(existing) = sections.iter_mut().find(|s| s.id == section.id) else {
        sections.push(section);
        return;
    };
    match mode {
        Merge::Extends {
            has_required,
            has_weight,
        } => {
            if has_required {
                existing.required = section.required;
            }
            if has_weight {
                existing.weight = section.weight;
            }
            if !section.title.trim().is_empty() {
                existing.title = section.title;
            }
        }
        Merge::Combine => existing.required |= section.required,
    }
    for alias in section.aliases {
        if !existing.aliases.contains(&alias) {
            existing.aliases.push(alias);
        }
    }
    for item in section.items {
        match existing.items.iter_mut().find(|i| i.id == item.id) {
            Some(slot) => *slot = item,
            None => existing.items.push(item),
        }
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, origin: &Path) -> Result<T, PackError> {
    toml::from_str(text).map_err(|e| toml_error(text, origin, e))
}

fn toml_error(text: &str, origin: &Path, e: toml::de::Error) -> PackError {
    let (line, column) = match e.span() {
        Some(span) => line_column(text, span.start),
        None => (1, 1),
    };
    PackError::Toml {
        path: origin.to_path_buf(),
        line,
        column,
        message: e.message().trim().to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

static SECTION_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$").expect("valid regex"));
static ITEM_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*$").expect("valid regex"));

/// Checks ids, required text, task lines, template names, regexes and globs.
pub fn validate(pack: &Pack, origin: &Path) -> Result<(), PackError> {
    let mut problems: Vec<String> = Vec::new();
    if !SECTION_ID.is_match(&pack.name) {
        problems.push(format!("pack name `{}` is not kebab-case", pack.name));
    }
    if pack.title.trim().is_empty() {
        problems.push("pack `title` is empty".into());
    }
    let mut section_ids = HashSet::new();
    let mut item_ids = HashSet::new();
    for section in &pack.sections {
        let sid = &section.id;
        if !SECTION_ID.is_match(sid) {
            problems.push(format!("section id `{sid}` is not kebab-case"));
        }
        if !section_ids.insert(sid.as_str()) {
            problems.push(format!("section id `{sid}` appears twice"));
        }
        if section.title.trim().is_empty() {
            problems.push(format!("section `{sid}` has no title"));
        }
        if !(section.weight.is_finite() && section.weight >= 0.0) {
            problems.push(format!(
                "section `{sid}` has a negative or non-finite weight"
            ));
        }
        for item in &section.items {
            let id = &item.id;
            match id.split_once('.') {
                Some((prefix, name)) if prefix == sid && ITEM_NAME.is_match(name) => {}
                _ => problems.push(format!(
                    "item id `{id}` is not `{sid}.<kebab-name>` (section id, a dot, a kebab-case name)"
                )),
            }
            if !item_ids.insert(id.as_str()) {
                problems.push(format!("item id `{id}` appears twice"));
            }
            for (field, value) in [
                ("title", &item.title),
                ("why", &item.why),
                ("verify", &item.verify),
                ("line", &item.line),
            ] {
                if value.trim().is_empty() {
                    problems.push(format!("item `{id}` has an empty `{field}`"));
                }
            }
            if !item.line.starts_with("- [ ] ") || item.line.contains('\n') {
                problems.push(format!(
                    "item `{id}`: `line` must be one markdown task line starting with `- [ ] `"
                ));
            }
            if let Some(name) = &item.template {
                if template(name).is_none() {
                    problems.push(format!(
                        "item `{id}` names unknown template `{name}` (known: {})",
                        template_names().join(", ")
                    ));
                }
            }
            for probe in &item.probes {
                check_probe(probe, id, &mut problems);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(PackError::Invalid {
            path: origin.to_path_buf(),
            message: problems.join("; "),
        })
    }
}

fn check_probe(probe: &Probe, id: &str, problems: &mut Vec<String>) {
    let kind = probe.kind();
    let check_globs = |globs: &[String], problems: &mut Vec<String>| {
        if globs.is_empty() {
            problems.push(format!("item `{id}`: `{kind}` probe has no globs"));
        }
        for g in globs {
            if let Err(e) = globset::Glob::new(g) {
                problems.push(format!("item `{id}`: bad glob `{g}`: {e}"));
            }
        }
    };
    let check_regex = |re: &str, problems: &mut Vec<String>| {
        if let Err(e) = Regex::new(re) {
            problems.push(format!("item `{id}`: bad regex `{re}`: {e}"));
        }
    };
    match probe {
        Probe::FileExists { globs, .. } | Probe::FileAbsentOrUntracked { globs, .. } => {
            check_globs(globs, problems)
        }
        Probe::FileContains { globs, regex, .. } => {
            check_globs(globs, problems);
            check_regex(regex, problems);
        }
        Probe::CiStep { regex, .. } => check_regex(regex, problems),
        Probe::EnvSet { name, .. } => {
            if name.trim().is_empty() {
                problems.push(format!("item `{id}`: `env_set` probe has no name"));
            }
        }
        Probe::CoverageThreshold { min, .. } => {
            if *min > 100 {
                problems.push(format!("item `{id}`: coverage `min` {min} is above 100"));
            }
        }
        Probe::LockfilePerEcosystem { .. }
        | Probe::DependencyUpdates { .. }
        | Probe::DockerfileNonRoot { .. }
        | Probe::K8sProbesAndLimits { .. } => {}
    }
}
