//! Probes: declarative, read-only checks of a repository (see `checklists/README.md`).
//!
//! A [`Prober`] evaluates the probes of pack items against a [`Workspace`], inside one
//! folder (a checklist's scope, or the root). Nothing is executed and nothing leaves the
//! machine: probes look at paths, at the text of markdown and config files the workspace
//! already holds, and at other files read from disk (at most [`MAX_READ`] bytes, binary
//! files skipped). Texts read from disk are kept only as long as the `Prober`.

use std::collections::HashMap;
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;

use crate::config::{ConfigKind, Profile};
use crate::packs::{PackItem, Probe};
use crate::workspace::{FileKind, SourceFile, Workspace};

pub mod cache;
mod coverage;
mod ecosystems;
mod k8s;

/// Files larger than this are not read by probes.
pub const MAX_READ: u64 = 1024 * 1024;

/// Whether a probe found what it looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// Nothing to check here (no Dockerfile for `dockerfile_non_root`, say).
    NotApplicable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NotApplicable => "n/a",
        }
    }
}

/// A place that supports (or contradicts) a probe's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Workspace-relative path.
    pub path: String,
    /// 1-based line, when the evidence is a line rather than a whole file.
    pub line: Option<usize>,
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// The result of one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    pub kind: &'static str,
    pub outcome: Outcome,
    /// What was found: on a pass, the evidence; on a fail, what contradicts (a Dockerfile
    /// running as root, a tracked `.env`), possibly nothing.
    pub evidence: Vec<Evidence>,
    /// What the probe looks for (the pack's description, or a generated one).
    pub looked_for: String,
    /// One clause on the result: "package.json has no lockfile", "found in ci.yml:12".
    pub detail: String,
}

impl ProbeResult {
    fn new(probe: &Probe, outcome: Outcome, evidence: Vec<Evidence>, detail: String) -> Self {
        ProbeResult {
            kind: probe.kind(),
            outcome,
            evidence,
            looked_for: looked_for(probe),
            detail,
        }
    }
}

/// The combined result of an item's probes: all must pass (not-applicable ones are
/// ignored); None when the item has no probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    pub outcome: Outcome,
    pub probes: Vec<ProbeResult>,
}

impl ItemResult {
    /// Evidence of every passing probe.
    pub fn evidence(&self) -> Vec<&Evidence> {
        self.probes
            .iter()
            .filter(|p| p.outcome == Outcome::Pass)
            .flat_map(|p| &p.evidence)
            .collect()
    }

    /// The first failing probe.
    pub fn failure(&self) -> Option<&ProbeResult> {
        self.probes.iter().find(|p| p.outcome == Outcome::Fail)
    }
}

/// What a probe looks for, in words.
pub fn looked_for(probe: &Probe) -> String {
    if let Some(d) = probe.description() {
        return d.to_string();
    }
    match probe {
        Probe::FileExists { globs, .. } => format!("a file matching {}", globs.join(", ")),
        Probe::FileContains { globs, regex, .. } => {
            format!("`{regex}` in a file matching {}", globs.join(", "))
        }
        Probe::FileAbsentOrUntracked { globs, .. } => {
            format!("no tracked file matching {}", globs.join(", "))
        }
        Probe::EnvSet {
            name,
            value,
            profile,
            ..
        } => match value {
            Some(v) => format!("{name}={v} in the {profile} configuration"),
            None => format!("{name} set in the {profile} configuration"),
        },
        Probe::LockfilePerEcosystem { .. } => "a lockfile next to every package manifest".into(),
        Probe::CiStep { regex, .. } => format!("a CI step matching `{regex}`"),
        Probe::DependencyUpdates { .. } => "Dependabot or Renovate configuration".into(),
        Probe::DockerfileNonRoot { .. } => "a non-root USER in every Dockerfile".into(),
        Probe::K8sProbesAndLimits { .. } => {
            "liveness and readiness probes and resource limits on every container".into()
        }
        Probe::CoverageThreshold { min, .. } => format!("a coverage threshold of at least {min}%"),
    }
}

/// Paths of CI configuration, relative to the repository root.
const CI_GLOBS: &[&str] = &[
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    ".gitlab-ci/**/*.yml",
    ".gitlab/ci/**/*.yml",
    "**/Jenkinsfile",
    "Jenkinsfile*",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    ".drone.yml",
    ".travis.yml",
    ".buildkite/**/*.yml",
    ".woodpecker.yml",
    ".woodpecker/*.yml",
];

const DEPENDENCY_UPDATE_FILES: &[&str] = &[
    ".github/dependabot.yml",
    ".github/dependabot.yaml",
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
];

/// Evaluates probes against a workspace, inside one folder.
pub struct Prober<'a> {
    ws: &'a Workspace,
    /// Folder probes look in ("" is the root), without a trailing `/`.
    scope: String,
    /// Results and file texts of this scope, shared by every prober of the same workspace
    /// snapshot (see [`cache::ProbeCache`]).
    shared: Arc<cache::ScopeResults>,
    /// The files inside the scope, in path order, listed at the first probe that asks: each
    /// probe looks through them, and walking the file map's range for each was 1.5% of a
    /// large check.
    files: std::cell::OnceCell<Vec<(&'a str, &'a SourceFile)>>,
}

impl<'a> Prober<'a> {
    /// A prober for the folder `scope` ("" for the whole workspace).
    pub fn new(ws: &'a Workspace, scope: &str) -> Self {
        let scope = scope.trim_end_matches('/').to_string();
        let shared = ws.probe_cache().scope(&scope);
        Prober {
            ws,
            scope,
            shared,
            files: std::cell::OnceCell::new(),
        }
    }

    /// A prober for the scope of a checklist (see [`Workspace::scope_of`]).
    pub fn for_checklist(ws: &'a Workspace, checklist: &str) -> Self {
        Prober::new(ws, ws.scope_of(checklist))
    }

    pub fn workspace(&self) -> &'a Workspace {
        self.ws
    }

    /// The combined result of an item's probes; None when it has none.
    pub fn item(&self, item: &PackItem) -> Option<ItemResult> {
        if item.probes.is_empty() {
            return None;
        }
        let probes: Vec<ProbeResult> = item.probes.iter().map(|p| self.probe(p)).collect();
        let outcome = if probes.iter().any(|p| p.outcome == Outcome::Fail) {
            Outcome::Fail
        } else if probes.iter().any(|p| p.outcome == Outcome::Pass) {
            Outcome::Pass
        } else {
            Outcome::NotApplicable
        };
        Some(ItemResult { outcome, probes })
    }

    /// Evaluates one probe (results are remembered for the workspace snapshot and scope).
    pub fn probe(&self, probe: &Probe) -> ProbeResult {
        if let Some(r) = self.shared.result(probe) {
            return r;
        }
        // Not under the lock: two threads may race to the same probe and both compute
        // the same answer, which is cheaper than serialising every probe of a scope.
        let result = self.evaluate(probe);
        self.shared.remember(probe, &result);
        result
    }

    fn evaluate(&self, probe: &Probe) -> ProbeResult {
        match probe {
            Probe::FileExists { globs, .. } => {
                let set = glob_set(globs);
                match self.paths(&set, false).first() {
                    Some(p) => ProbeResult::new(
                        probe,
                        Outcome::Pass,
                        vec![file_evidence(p)],
                        format!("found {p}"),
                    ),
                    None => {
                        let detail = match probe.description() {
                            Some(d) => format!("found no {}", strip_article(d)),
                            None => format!("no file matches {}", globs.join(", ")),
                        };
                        ProbeResult::new(probe, Outcome::Fail, Vec::new(), detail)
                    }
                }
            }
            Probe::FileContains { globs, regex, .. } => {
                let set = glob_set(globs);
                let Some(re) = probe_regex(regex) else {
                    return ProbeResult::new(
                        probe,
                        Outcome::NotApplicable,
                        vec![],
                        "bad regex".into(),
                    );
                };
                for path in self.paths(&set, false) {
                    if let Some(text) = self.text(path) {
                        if let Some(m) = re.find(&text) {
                            let ev = line_evidence(path, &text, m.start());
                            let detail = format!("found in {ev}");
                            return ProbeResult::new(probe, Outcome::Pass, vec![ev], detail);
                        }
                    }
                }
                let detail = match probe.description() {
                    Some(d) => format!("found no {}", strip_article(d)),
                    None => format!("no file matching {} contains it", globs.join(", ")),
                };
                ProbeResult::new(probe, Outcome::Fail, Vec::new(), detail)
            }
            Probe::FileAbsentOrUntracked { globs, .. } => {
                let set = glob_set(globs);
                let tracked: Vec<Evidence> = self
                    .paths(&set, false)
                    .into_iter()
                    .filter(|p| self.ws.is_tracked(p))
                    .map(file_evidence)
                    .collect();
                if tracked.is_empty() {
                    ProbeResult::new(
                        probe,
                        Outcome::Pass,
                        Vec::new(),
                        format!("no tracked file matches {}", globs.join(", ")),
                    )
                } else {
                    let detail = format!("{} is tracked by git", tracked[0].path);
                    ProbeResult::new(probe, Outcome::Fail, tracked, detail)
                }
            }
            Probe::EnvSet {
                name,
                value,
                profile,
                ..
            } => self.env_set(probe, name, value.as_deref(), profile),
            Probe::LockfilePerEcosystem { .. } => ecosystems::lockfiles(self, probe),
            Probe::CiStep { regex, .. } => self.ci_step(probe, regex),
            Probe::DependencyUpdates { .. } => {
                let found = DEPENDENCY_UPDATE_FILES
                    .iter()
                    .map(|f| self.repo_path(f))
                    .find(|p| self.ws.file(p).is_some());
                match found {
                    Some(p) => {
                        let detail = format!("found {p}");
                        ProbeResult::new(probe, Outcome::Pass, vec![file_evidence(&p)], detail)
                    }
                    None => ProbeResult::new(
                        probe,
                        Outcome::Fail,
                        Vec::new(),
                        "no Dependabot or Renovate configuration".into(),
                    ),
                }
            }
            Probe::DockerfileNonRoot { .. } => self.dockerfile_non_root(probe),
            Probe::K8sProbesAndLimits { .. } => k8s::probes_and_limits(self, probe),
            Probe::CoverageThreshold { min, .. } => coverage::threshold(self, probe, *min),
        }
    }

    /// Workspace paths inside the scope, sorted. `repo_level` also accepts files at the
    /// repository root (CI and bot configuration live there in a monorepo).
    pub(crate) fn paths(&self, set: &GlobSet, repo_level: bool) -> Vec<&'a str> {
        let ws: &'a Workspace = self.ws;
        // Repository-level files (CI workflows at the root) need the whole tree; everything
        // else only the scope's own files.
        if repo_level && !self.scope.is_empty() {
            return ws
                .files()
                .filter_map(|(p, _)| {
                    let hit = self.relative(p).is_some_and(|r| set.is_match(r))
                        || set.is_match(p.as_str());
                    hit.then_some(p.as_str())
                })
                .collect();
        }
        self.scope_files()
            .iter()
            .filter_map(|&(p, _)| {
                self.relative(p)
                    .is_some_and(|r| set.is_match(r))
                    .then_some(p)
            })
            .collect()
    }

    /// The files inside the scope, in path order.
    fn scope_files(&self) -> &[(&'a str, &'a SourceFile)] {
        let ws: &'a Workspace = self.ws;
        self.files.get_or_init(|| {
            ws.files_under(&self.scope)
                .map(|(p, f)| (p.as_str(), f))
                .collect()
        })
    }

    /// Workspace paths inside the scope whose file name is `name`.
    pub(crate) fn named(&self, names: &[&str]) -> Vec<&'a str> {
        self.scope_files()
            .iter()
            .map(|&(p, _)| p)
            .filter(|p| names.contains(&file_name(p)))
            .collect()
    }

    /// A path relative to the scope, when inside it.
    fn relative<'p>(&self, path: &'p str) -> Option<&'p str> {
        if self.scope.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(self.scope.as_str())?.strip_prefix('/')
        }
    }

    /// A scope-relative path as a workspace path, preferring the scope, else the root.
    fn repo_path(&self, rel: &str) -> String {
        if !self.scope.is_empty() {
            let p = format!("{}/{rel}", self.scope);
            if self.ws.file(&p).is_some() {
                return p;
            }
        }
        rel.to_string()
    }

    /// The text of a workspace file: the workspace's copy, else the disk (size-capped,
    /// binary and non-UTF-8 files skipped).
    pub(crate) fn text(&self, path: &str) -> Option<Arc<str>> {
        let file = self.ws.file(path)?;
        if let Some(t) = &file.text {
            if file.kind == FileKind::Markdown {
                // Editing markdown must now drop cached results (see ProbeCache).
                self.ws.probe_cache().note_markdown_read();
            }
            return Some(t.clone());
        }
        if file.is_outline() {
            // Kept without its text; once opened or changed it is read whole, and cached
            // results must go then too.
            self.ws.probe_cache().note_markdown_read();
            return self.ws.text_or_disk(path);
        }
        // Other files without text were unreadable or too large.
        if file.kind != FileKind::Other {
            return None;
        }
        if let Some(cached) = self.shared.text(path) {
            return cached;
        }
        let read = read_small(&self.ws.abs(path));
        self.shared.remember_text(path, read.clone());
        read
    }

    /// Files the workspace classifies as config of `kind`, inside the scope.
    fn configs(&self, kind: ConfigKind) -> Vec<&'a str> {
        self.scope_files()
            .iter()
            .filter(|(_, f)| f.kind == FileKind::Config(kind))
            .map(|&(p, _)| p)
            .collect()
    }

    fn env_set(
        &self,
        probe: &Probe,
        name: &str,
        value: Option<&str>,
        profile: &str,
    ) -> ProbeResult {
        let wanted = match profile.to_ascii_lowercase().as_str() {
            "production" | "prod" | "prd" => Profile::Production,
            "example" => Profile::Example,
            _ => Profile::Other,
        };
        let mut seen_other_value = None;
        for site in self.ws.env_defs_in(name, &self.scope) {
            let Some(file) = self.ws.file(&site.path) else {
                continue;
            };
            if file.profile != wanted {
                continue;
            }
            let Some(def) = self.ws.def(site) else {
                continue;
            };
            let line = file
                .lines
                .as_deref()
                .map(|l| l.line_of(def.range.start) + 1);
            let ev = Evidence {
                path: site.path.clone(),
                line,
            };
            // Compared and shown as env-mismatch does: booleans by meaning, a
            // `${NAME:-default}` by its default, secret-looking values masked.
            let actual = crate::rules::compared_value(def).map(|(a, _)| a);
            match value {
                Some(v) if !actual.is_some_and(|a| crate::rules::values_agree(v, a)) => {
                    let shown = crate::rules::secret_in_repo::display_def_value(def, &def.value);
                    seen_other_value.get_or_insert((ev, shown));
                }
                _ => {
                    let detail = format!("{name} is set in {ev}");
                    return ProbeResult::new(probe, Outcome::Pass, vec![ev], detail);
                }
            }
        }
        match seen_other_value {
            Some((ev, other)) => {
                let detail = format!(
                    "{name} is `{other}` in {ev}, not `{}`",
                    value.unwrap_or_default()
                );
                ProbeResult::new(probe, Outcome::Fail, vec![ev], detail)
            }
            None => ProbeResult::new(
                probe,
                Outcome::Fail,
                Vec::new(),
                format!("{name} is not set in any {profile} configuration"),
            ),
        }
    }

    fn ci_files(&self) -> Vec<&'a str> {
        let set = glob_set(CI_GLOBS);
        self.paths(&set, true)
    }

    fn ci_step(&self, probe: &Probe, regex: &str) -> ProbeResult {
        let Some(re) = probe_regex(regex) else {
            return ProbeResult::new(probe, Outcome::NotApplicable, vec![], "bad regex".into());
        };
        let files = self.ci_files();
        if files.is_empty() {
            return ProbeResult::new(
                probe,
                Outcome::Fail,
                Vec::new(),
                "no CI configuration (GitHub Actions, GitLab CI, Jenkins...) found".into(),
            );
        }
        for path in &files {
            let Some(text) = self.text(path) else {
                continue;
            };
            let github = path.contains(".github/workflows/");
            for (offset, line) in ci_step_lines(&text, github) {
                if re.is_match(line) {
                    let ev = line_evidence(path, &text, offset);
                    let detail = format!("found in {ev}");
                    return ProbeResult::new(probe, Outcome::Pass, vec![ev], detail);
                }
            }
        }
        let detail = match probe.description() {
            Some(d) => format!("found no {} in {}", strip_article(d), files.join(", ")),
            None => format!("no step in {} matches", files.join(", ")),
        };
        ProbeResult::new(probe, Outcome::Fail, Vec::new(), detail)
    }

    fn dockerfile_non_root(&self, probe: &Probe) -> ProbeResult {
        let files = self.configs(ConfigKind::Dockerfile);
        if files.is_empty() {
            return ProbeResult::new(
                probe,
                Outcome::NotApplicable,
                Vec::new(),
                "no Dockerfile".into(),
            );
        }
        let mut good = Vec::new();
        for path in files {
            let Some(text) = self.text(path) else {
                continue;
            };
            match final_stage_user(&text) {
                Some((offset, user)) if !is_root_user(&user) => {
                    good.push(line_evidence(path, &text, offset))
                }
                Some((offset, _)) => {
                    let ev = line_evidence(path, &text, offset);
                    let detail = format!("{path} runs as root ({ev})");
                    return ProbeResult::new(probe, Outcome::Fail, vec![ev], detail);
                }
                None => {
                    let detail = format!("{path}: the final stage sets no USER (runs as root)");
                    return ProbeResult::new(
                        probe,
                        Outcome::Fail,
                        vec![file_evidence(path)],
                        detail,
                    );
                }
            }
        }
        let detail = format!(
            "non-root USER in {}",
            good.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        ProbeResult::new(probe, Outcome::Pass, good, detail)
    }
}

/// Lines of a CI file that are steps: for GitHub workflows, `run:`, `name:` and `uses:`
/// lines and the lines of multi-line `run:` blocks; elsewhere, every non-comment line.
fn ci_step_lines(text: &str, github: bool) -> Vec<(usize, &str)> {
    static KEY: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^(\s*)(?:-\s+)?(run|name|uses|script)\s*:\s*(.*)$").expect("valid regex")
    });
    static STRUCTURE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^\s*(?:-\s+)?(?:stages?|needs|dependencies|when|only|except|rules)\s*:")
            .expect("valid regex")
    });
    let mut out = Vec::new();
    let mut block_indent: Option<usize> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        if !github {
            // Pipeline structure (`stages: [test, deploy]`, `stage: deploy`) is not a step.
            if !STRUCTURE.is_match(line) {
                out.push((start, line));
            }
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(b) = block_indent {
            if indent > b {
                out.push((start, line));
                continue;
            }
            block_indent = None;
        }
        if let Some(c) = KEY.captures(line) {
            out.push((start, line));
            let rest = c.get(3).map_or("", |m| m.as_str()).trim();
            if (&c[2] == "run" || &c[2] == "script")
                && (rest.is_empty() || rest.starts_with('|') || rest.starts_with('>'))
            {
                block_indent = Some(c.get(1).map_or(0, |m| m.len()));
            }
        }
    }
    out
}

/// The `USER` of a Dockerfile's final stage, with its offset; None when it sets none.
pub(crate) fn final_stage_user(text: &str) -> Option<(usize, String)> {
    let mut user = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim();
        let mut words = line.split_whitespace();
        let Some(instr) = words.next() else {
            continue;
        };
        if instr.eq_ignore_ascii_case("FROM") {
            user = None;
        } else if instr.eq_ignore_ascii_case("USER") {
            user = words.next().map(|u| (start, u.to_string()));
        }
    }
    user
}

fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

/// "a SECURITY.md policy file" -> "SECURITY.md policy file", for "found no ...".
fn strip_article(s: &str) -> &str {
    s.strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .unwrap_or(s)
}

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub(crate) fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

pub(crate) fn file_evidence(path: &str) -> Evidence {
    Evidence {
        path: path.to_string(),
        line: None,
    }
}

pub(crate) fn line_evidence(path: &str, text: &str, offset: usize) -> Evidence {
    let offset = offset.min(text.len());
    Evidence {
        path: path.to_string(),
        line: Some(
            text.as_bytes()[..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1,
        ),
    }
}

/// Globs matched against `/` paths; `*` does not cross folders, `**` does.
/// A compiled glob set, built once per process for each list of globs: packs name the same
/// few lists, and compiling them per checklist cost more than matching.
/// Shared, never cloned: a clone of a `GlobSet` gets its regexes' lazy DFAs afresh, and
/// each probe evaluation rebuilding them was most of the probes' time on a large check.
pub(crate) fn glob_set<S: AsRef<str>>(globs: &[S]) -> Arc<GlobSet> {
    static CACHE: std::sync::LazyLock<Compiled<Vec<String>, Arc<GlobSet>>> =
        std::sync::LazyLock::new(Default::default);
    let key = globs.iter().map(|g| g.as_ref().to_string()).collect();
    compiled(&CACHE, key, || Arc::new(build_glob_set(globs)))
}

/// A probe's regex, compiled once per process for each pattern (as [`glob_set`] is for
/// globs): a workspace of 200 services evaluated each `file_contains` probe once per
/// service, compiling its regex and building its lazy DFA afresh each time. `None` for a
/// pattern that does not compile (packs are checked when loaded).
fn probe_regex(pattern: &str) -> Option<Arc<Regex>> {
    static CACHE: std::sync::LazyLock<Compiled<String, Option<Arc<Regex>>>> =
        std::sync::LazyLock::new(Default::default);
    compiled(&CACHE, pattern.to_string(), || {
        Regex::new(pattern).ok().map(Arc::new)
    })
}

/// What probes compile from pack data (glob sets, regexes), by what it is compiled from.
type Compiled<K, V> = std::sync::Mutex<HashMap<K, V>>;

/// `cache`'s value for `key`, built and kept (up to 10,000 of them) when it has none. Built
/// outside the lock: two threads may both build one, which costs less than making every
/// other lookup wait for a build.
fn compiled<K: std::hash::Hash + Eq, V: Clone>(
    cache: &Compiled<K, V>,
    key: K,
    build: impl FnOnce() -> V,
) -> V {
    let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(v) = lock().get(&key) {
        return v.clone();
    }
    let v = build();
    let mut cache = lock();
    if cache.len() < 10_000 {
        cache.insert(key, v.clone());
    }
    v
}

/// Case-insensitive: a probe asks whether a kind of file exists, and `BACKUP_RESTORE.md`,
/// `Backup-Restore.md` and `backup-restore.md` are the same runbook to a reader.
fn build_glob_set<S: AsRef<str>>(globs: &[S]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if let Ok(glob) = GlobBuilder::new(g.as_ref())
            .literal_separator(true)
            .case_insensitive(true)
            .build()
        {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

fn read_small(abs: &std::path::Path) -> Option<Arc<str>> {
    let meta = std::fs::metadata(abs).ok()?;
    if meta.len() > MAX_READ {
        return None;
    }
    let bytes = std::fs::read(abs).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok().map(Arc::from)
}
