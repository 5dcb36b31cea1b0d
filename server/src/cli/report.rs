//! One report model, built from the core's findings, that every output format renders.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::{CheckArgs, Format};
use crate::analysis::{analyze_converting, Options, Scope};
use crate::checklist::{Document, ItemState};
use crate::date::Date;
use crate::model::{Finding, Severity};
use crate::text::{Encoding, LineIndex};
use crate::workspace::{find_root, LoadOptions, Workspace};

#[derive(Debug, Clone)]
pub struct Position {
    /// 1-based.
    pub line: usize,
    /// 1-based, in Unicode scalar values.
    pub column: usize,
}

#[derive(Debug, Clone)]
pub struct RelatedOut {
    pub path: Arc<str>,
    pub line: usize,
    /// Most are fixed words, borrowed (see [`crate::model::Related`]).
    pub message: std::borrow::Cow<'static, str>,
}

/// One finding as the report prints it. Its file's path is kept once for all of them (see
/// [`FileDiagnostics`]), and what only some formats print is boxed apart ([`Extra`]):
/// a large check keeps tens of thousands of these until the report is written.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub start: Position,
    pub end: Position,
    pub severity: Severity,
    pub code: &'static str,
    /// The finding's own, shared: not a copy per diagnostic.
    pub message: Arc<str>,
    pub related: Box<[RelatedOut]>,
    /// None when the format prints none of it (JSON).
    pub extra: Option<Box<Extra>>,
}

/// The parts of a diagnostic that only some formats print.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// All formats but JSON.
    pub help: Option<Box<str>>,
    /// Human: the source lines the range covers (for snippets), from the start line.
    pub source: Box<[String]>,
    /// SARIF: stable across runs (code, path and the trimmed source line, plus an
    /// occurrence count).
    pub fingerprint: Option<Box<str>>,
}

impl Diagnostic {
    pub fn help(&self) -> Option<&str> {
        self.extra.as_ref()?.help.as_deref()
    }

    pub fn source(&self) -> &[String] {
        self.extra.as_ref().map_or(&[], |e| &e.source)
    }

    pub fn fingerprint(&self) -> &str {
        self.extra
            .as_ref()
            .and_then(|e| e.fingerprint.as_deref())
            .unwrap_or_default()
    }
}

/// One file's diagnostics, in position order.
#[derive(Debug, Clone)]
pub struct FileDiagnostics {
    /// Relative to the first PATH argument, with `/`.
    pub path: Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub total: usize,
    pub done: usize,
    pub partial: usize,
}

#[derive(Debug, Clone)]
pub struct SectionOut {
    pub title: String,
    pub line: usize,
    pub level: u8,
    pub tasks: Counts,
    /// Score (0-100) of the pack section this heading covers, if any.
    pub score: Option<u8>,
}

#[derive(Debug, Clone)]
pub struct ChecklistOut {
    pub path: String,
    pub tasks: Counts,
    pub status_rows: Counts,
    pub sections: Vec<SectionOut>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    /// Score against the checklist's packs.
    pub score: Option<crate::score::ChecklistScore>,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files: usize,
    pub checklists: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub checklists: Vec<ChecklistOut>,
    /// Each file's diagnostics, in path order (see [`Report::diagnostics`]): built one file
    /// at a time, never copied into one list.
    pub files: Vec<FileDiagnostics>,
    pub summary: Summary,
    pub notes: Vec<String>,
}

/// One workspace to analyse and what to analyse in it.
struct Job {
    root: PathBuf,
    scope: Scope,
    /// Files named on the command line: analysed as checklists whatever their names.
    named: Vec<String>,
}

fn absolute(p: &Path) -> Result<PathBuf, String> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot read the current folder: {e}"))?
            .join(p)
    };
    // Lexical clean-up of `.` and `..` so relative paths print nicely.
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// `path` relative to `base`, with `/` and `..` where needed.
fn relative_to(path: &Path, base: &Path) -> String {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

fn jobs(paths: &[PathBuf]) -> Result<(PathBuf, Vec<Job>), String> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut jobs: Vec<Job> = Vec::new();
    let mut files = Vec::new();
    let mut base = None;
    for p in &paths {
        let abs = absolute(p)?;
        let meta = std::fs::metadata(&abs).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            base.get_or_insert(abs.clone());
            // `check . .` (or a folder given twice by a script) would report all twice.
            if jobs.iter().any(|j| j.root == abs) {
                continue;
            }
            jobs.push(Job {
                root: abs,
                scope: Scope::All,
                named: Vec::new(),
            });
        } else {
            base.get_or_insert_with(|| abs.parent().map(Path::to_path_buf).unwrap_or_default());
            files.push(abs);
        }
    }
    let mut files_by_root: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for abs in files {
        // `check . docs/plan.md`: a file inside a folder also given is checked in that
        // folder's workspace, once (as a checklist whatever its name), not again in a
        // workspace of its own.
        let folder = jobs
            .iter_mut()
            .filter(|j| abs.starts_with(&j.root))
            .max_by_key(|j| j.root.components().count());
        match folder {
            Some(job) => job.named.push(relative_to(&abs, &job.root)),
            None => {
                let root = find_root(&abs);
                let rel = relative_to(&abs, &root);
                files_by_root.entry(root).or_default().push(rel);
            }
        }
    }
    for job in &mut jobs {
        job.named.sort_unstable();
        job.named.dedup();
    }
    for (root, mut files) in files_by_root {
        files.sort_unstable();
        files.dedup();
        jobs.push(Job {
            root,
            scope: Scope::Checklists(files.clone()),
            named: files,
        });
    }
    Ok((base.unwrap_or_default(), jobs))
}

/// What GitHub annotations and SARIF paths are relative to: GitHub attaches an annotation,
/// and code scanning a SARIF result, to a path from the repository's root, whatever PATH
/// was checked (`check services/api` reports `services/api/.env.production`). That root is
/// `$GITHUB_WORKSPACE` in a workflow (a step may run in a subfolder), else the current
/// folder.
fn repository_base() -> Result<PathBuf, String> {
    match std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from) {
        Some(workspace) if workspace.is_absolute() => absolute(&workspace),
        _ => absolute(Path::new(".")),
    }
}

/// How `root` is written from the repository's root (see [`repository_base`]), ending in
/// `/`, or "" when it is that root: what SARIF paths relative to `root` are prefixed with.
pub(super) fn repository_prefix(root: &Path) -> Result<String, String> {
    let from = relative_to(&absolute(root)?, &repository_base()?);
    Ok(if from == "." {
        String::new()
    } else {
        from + "/"
    })
}

/// A file named on the command line is analysed whatever it is called; one that cannot be
/// (binary, not UTF-8, over 4 MiB, unreadable) is an error naming it, not a checklist
/// silently left out of a run that then passes.
fn unreadable_checklist(
    ws: &Workspace,
    files: &[String],
    root: &Path,
    base: &Path,
) -> Result<(), String> {
    for rel in files {
        if ws.file(rel).and_then(|f| f.document()).is_some() {
            continue;
        }
        let prefix = format!("{rel}: ");
        let why = ws
            .notes
            .iter()
            .find_map(|n| n.strip_prefix(&prefix))
            .map_or("it could not be read", |n| {
                n.strip_prefix("skipped, ").unwrap_or(n)
            });
        return Err(format!(
            "{}: cannot be analysed as a checklist: {why}",
            relative_to(&root.join(rel), base)
        ));
    }
    Ok(())
}

fn position(index: &LineIndex, text: &str, offset: usize) -> Position {
    let p = index.position(text, offset, Encoding::Utf32);
    Position {
        line: p.line as usize + 1,
        column: p.col as usize + 1,
    }
}

/// FNV-1a over the parts, separated by NUL: stable across runs and platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.bytes().chain(std::iter::once(0)))
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
}

/// What the chosen format prints beyond position, code and message: the rest is not kept.
#[derive(Debug, Clone, Copy)]
struct Wanted {
    /// Source lines for snippets (human).
    source: bool,
    /// Help lines (all formats but JSON).
    help: bool,
    /// Fingerprints (SARIF).
    fingerprint: bool,
}

impl Report {
    /// Every diagnostic with its file's path, in file and position order.
    pub fn diagnostics(&self) -> impl Iterator<Item = (&str, &Diagnostic)> {
        self.files
            .iter()
            .flat_map(|f| f.diagnostics.iter().map(|d| (&*f.path, d)))
    }

    /// Builds the report, with what `args.format` prints.
    pub fn build(args: &CheckArgs, today: Date) -> Result<Report, String> {
        let wanted = Wanted {
            source: args.format == Format::Human,
            help: args.format != Format::Json,
            fingerprint: args.format == Format::Sarif,
        };
        let (base, jobs) = jobs(&args.paths)?;
        let base = match args.format {
            Format::Github | Format::Sarif => repository_base()?,
            Format::Human | Format::Json => base,
        };
        let mut report = Report::default();
        let mut fingerprints: BTreeMap<u64, usize> = BTreeMap::new();
        let job_count = jobs.len();
        // On a spare thread while the walk runs (its own threads, not rayon's).
        rayon::spawn(crate::packs::warm_up);
        for (job_index, job) in jobs.into_iter().enumerate() {
            let forced = job.named.clone();
            let options = LoadOptions {
                config_file: args.config.clone(),
                forced_checklists: forced,
            };
            let started = std::time::Instant::now();
            let ws = Workspace::load(&job.root, &options).map_err(|e| e.to_string())?;
            let loaded = started.elapsed();
            unreadable_checklist(&ws, &job.named, &job.root, &base)?;
            // Paths are printed relative to the first PATH argument: mostly the root itself,
            // where a workspace path (`/`-separated, no `.` or `..`) is already the answer.
            // Splitting both into components for each finding was 1% of a large check.
            let from_root = base == ws.root;
            let out_path = |rel: &str| {
                if from_root && !rel.is_empty() {
                    rel.to_string()
                } else {
                    relative_to(&ws.root.join(rel), &base)
                }
            };
            report.summary.files += ws.file_count();
            let packs = crate::analysis::workspace_packs(&ws).unwrap_or_default();
            let checklists: Vec<String> = match &job.scope {
                Scope::All => ws.checklists().cloned().collect(),
                Scope::Checklists(f) => f.clone(),
            };
            report.summary.checklists += checklists.len();
            // Without --include-hints, rules whose findings all end up hints need not run.
            let hidden: Vec<&str> = if args.include_hints {
                Vec::new()
            } else {
                crate::rules::hint_only(&ws.settings)
            };
            // No format prints fixes: the findings go without. Each file's findings become
            // its diagnostics as soon as they are settled, on the thread that has them. Each
            // checklist's entry is made right after its rules, on the same thread: scoring maps
            // its lines to the packs as the rules did, and that mapping is kept for the last
            // document of a thread.
            let options = Options {
                skip: &hidden,
                fixes: false,
            };
            let (entries, files) = analyze_converting(
                &ws,
                today,
                &job.scope,
                &options,
                |path| {
                    let doc = ws.file(path).and_then(|f| f.document())?;
                    let lines = ws.line_index(path)?;
                    let mut entry = checklist_entry(&out_path(path), doc, lines);
                    add_score(&mut entry, &ws, path, &packs);
                    Some(entry)
                },
                |mut run| {
                    if !args.include_hints {
                        run.retain(|f| f.severity != Severity::Hint);
                    }
                    convert_run(&ws, &out_path, run, wanted)
                },
            )
            .map_err(|e| e.to_string())?;
            report.notes.push(format!(
                "{}: {} files walked and parsed in {:.1?}, analysed and scored in {:.1?}",
                job.root.display(),
                ws.file_count(),
                loaded,
                started.elapsed() - loaded
            ));
            report.notes.extend(ws.notes.iter().cloned());
            let per_file: std::collections::HashMap<&str, [usize; 4]> =
                files.iter().map(|f| (f.path.as_str(), f.counts)).collect();
            for (path, entry) in checklists.iter().zip(entries) {
                let Some(mut entry) = entry else {
                    continue;
                };
                if let Some(counts) = per_file.get(path.as_str()) {
                    [entry.errors, entry.warnings, entry.infos, entry.hints] = *counts;
                }
                report.checklists.push(entry);
            }
            drop(per_file);
            // Count and number fingerprints in order.
            report.files.reserve(files.len());
            for file in files {
                let Some(mut out) = file.out else {
                    continue;
                };
                for d in &out.diagnostics {
                    match d.severity {
                        Severity::Error => report.summary.errors += 1,
                        Severity::Warning => report.summary.warnings += 1,
                        Severity::Info => report.summary.infos += 1,
                        Severity::Hint => report.summary.hints += 1,
                    }
                }
                for (d, key) in out.diagnostics.iter_mut().zip(file.keys) {
                    let n = fingerprints.entry(key).or_insert(0);
                    *n += 1;
                    d.extra.get_or_insert_default().fingerprint =
                        Some(format!("{key:016x}:{n}").into());
                }
                if !out.diagnostics.is_empty() {
                    report.files.push(out);
                }
            }
            if job_index + 1 == job_count {
                // The process ends after the report is written: freeing every parsed file
                // one by one would only cost time (~4% of a large check).
                std::mem::forget(ws);
            }
        }
        Ok(report)
    }
}

/// One file's findings, converted.
struct FileOut {
    /// Workspace-relative path.
    path: String,
    /// Errors, warnings, infos and hints.
    counts: [usize; 4],
    /// None when the file cannot be read any more.
    out: Option<FileDiagnostics>,
    /// Fingerprint keys, one per diagnostic when wanted, else none.
    keys: Vec<u64>,
}

/// Diagnostics of one file's findings (all in one file).
fn convert_run(
    ws: &Workspace,
    out_path: &(impl Fn(&str) -> String + Sync),
    run: Vec<Finding>,
    wanted: Wanted,
) -> FileOut {
    let mut file = FileOut {
        path: run.first().map(|f| f.path.to_string()).unwrap_or_default(),
        counts: [0; 4],
        out: None,
        keys: Vec::new(),
    };
    // Counted even if the file cannot be shown any more (then it has no diagnostics).
    for f in &run {
        file.counts[f.severity as usize] += 1;
    }
    let (Some(text), Some(index)) = (ws.text(&file.path), ws.line_index(&file.path)) else {
        return file;
    };
    // One copy of the path for all the file's diagnostics (and its related places).
    let path: Arc<str> = Arc::from(out_path(&file.path));
    // Snippets of config files go out with secret values masked.
    let config = ws.file(&file.path).and_then(|f| f.config());
    let line_text = |l: usize| {
        let range = index.line_range(text, l - 1);
        match config {
            Some(cfg) => crate::rules::mask_line(cfg, &text[range.clone()], range),
            None => text[range].to_string(),
        }
    };
    let mut diagnostics = Vec::with_capacity(run.len());
    // The places related diagnostics point at, each converted once per file: a config
    // file's findings point at the same few checklists again and again.
    let mut places: Vec<(String, Arc<str>, Option<&LineIndex>)> = Vec::new();
    for f in run {
        let start = position(index, text, f.range.start);
        let end_offset = if f.range.end > f.range.start {
            f.range.end
        } else {
            f.range.start
        };
        let end = position(index, text, end_offset);
        if wanted.fingerprint {
            // The masked line, so not even a hash of a secret goes out.
            file.keys
                .push(fnv1a(&[f.code, &f.path, line_text(start.line).trim()]));
        }
        let extra = (wanted.help || wanted.source || wanted.fingerprint).then(|| {
            Box::new(Extra {
                help: f.help.as_deref().filter(|_| wanted.help).map(Box::from),
                source: if wanted.source {
                    (start.line..=end.line).map(line_text).collect()
                } else {
                    Box::default()
                },
                fingerprint: None,
            })
        });
        let related = f
            .related()
            .iter()
            .map(|r| {
                let (path, lines) = match places.iter().find(|(p, ..)| *p == r.path) {
                    Some((_, path, lines)) => (path.clone(), *lines),
                    None => {
                        let out = if *r.path == *f.path {
                            path.clone()
                        } else {
                            Arc::from(out_path(&r.path))
                        };
                        // The line index alone: a related file may be markdown kept
                        // without its text.
                        let lines = ws.line_index(&r.path);
                        places.push((r.path.clone(), out.clone(), lines));
                        (out, lines)
                    }
                };
                RelatedOut {
                    path,
                    line: lines.map_or(1, |i| i.line_of(r.range.start) + 1),
                    message: r.message.clone(),
                }
            })
            .collect();
        diagnostics.push(Diagnostic {
            start,
            end,
            severity: f.severity,
            code: f.code,
            message: f.message_shared(),
            related,
            extra,
        });
    }
    file.out = Some(FileDiagnostics { path, diagnostics });
    file
}

fn checklist_entry(path: &str, doc: &Document, lines: &LineIndex) -> ChecklistOut {
    let tasks = Counts {
        total: doc.tasks.len(),
        done: doc.tasks.iter().filter(|t| t.checked).count(),
        partial: 0,
    };
    let rows = &doc.status_rows;
    let status_rows = Counts {
        total: rows
            .iter()
            .filter(|r| r.state != ItemState::NotApplicable)
            .count(),
        done: rows.iter().filter(|r| r.state == ItemState::Done).count(),
        partial: rows
            .iter()
            .filter(|r| r.state == ItemState::Partial)
            .count(),
    };
    let mut sections: Vec<SectionOut> = doc
        .headings
        .iter()
        .filter_map(|h| {
            let inside: Vec<_> = doc
                .tasks
                .iter()
                .filter(|t| h.section.contains(&t.range.start))
                .collect();
            if inside.is_empty() {
                return None;
            }
            Some(SectionOut {
                title: h.title.to_string(),
                line: lines.line_of(h.range.start) + 1,
                level: h.level,
                tasks: Counts {
                    total: inside.len(),
                    done: inside.iter().filter(|t| t.checked).count(),
                    partial: 0,
                },
                score: None,
            })
        })
        .collect();
    // Kept until the report is written, for every checklist.
    sections.shrink_to_fit();
    ChecklistOut {
        path: path.to_string(),
        tasks,
        status_rows,
        sections,
        errors: 0,
        warnings: 0,
        infos: 0,
        hints: 0,
        score: None,
    }
}

/// Fills in the checklist's score and the score of each heading covering a pack section.
fn add_score(entry: &mut ChecklistOut, ws: &Workspace, path: &str, packs: &[crate::packs::Pack]) {
    let Some(score) = crate::score::checklist_score(ws, path, packs) else {
        return;
    };
    let sections = crate::score::checklist_sections(ws, path, packs);
    if let Some(doc) = ws.file(path).and_then(|f| f.document()) {
        // The heading that covers each pack section (the deepest one, not a document title).
        let lines = ws.line_index(path);
        for (si, hi) in crate::packs::mapping::covered_sections(doc, &sections) {
            let line = lines.map_or(0, |l| l.line_of(doc.headings[hi].range.start) + 1);
            if let Some(out) = entry.sections.iter_mut().find(|o| o.line == line) {
                out.score = score
                    .sections
                    .iter()
                    .find(|x| x.id == sections[si].id)
                    .and_then(|x| x.score);
            }
        }
    }
    // No format prints the pack sections' scores but through the headings above: the
    // report keeps 1,600 checklists' worth of them otherwise.
    entry.score = Some(crate::score::ChecklistScore {
        sections: Vec::new(),
        ..score
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_when_needed() {
        assert_eq!(
            relative_to(Path::new("/a/b/c.md"), Path::new("/a")),
            "b/c.md"
        );
        assert_eq!(
            relative_to(Path::new("/a/x.env"), Path::new("/a/docs")),
            "../x.env"
        );
        assert_eq!(relative_to(Path::new("/a"), Path::new("/a")), ".");
    }
}
