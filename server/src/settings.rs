//! `readiness.toml`: the workspace's settings, parsed strictly.
//!
//! Unknown keys and bad values are errors that name the file, line and column:
//! a typo in a setting must not silently change what gets checked.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::model::Severity;
use crate::text::{Encoding, LineIndex};

pub const FILE_NAME: &str = "readiness.toml";

/// The level a rule is set to in `[rules]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Rubric packs by name or path; empty means the default pack.
    pub packs: Vec<String>,
    /// Age after which a last-reviewed date is reported.
    pub max_age_days: u32,
    /// How far "Mark reviewed today" moves the next review ahead.
    pub review_interval_days: u32,
    pub checklist_include: Option<GlobSet>,
    pub checklist_exclude: Option<GlobSet>,
    pub production: Option<GlobSet>,
    pub rules: BTreeMap<String, RuleLevel>,
    /// `[scores]`: section id -> weight, overriding the packs' section weights.
    pub scores: BTreeMap<String, f64>,
    /// The file these came from, if any.
    pub source: Option<PathBuf>,
    /// Raw include globs (for the language server's watchers and `extra globs` merging).
    pub include_globs: Vec<String>,
}

/// A problem in readiness.toml, with the place it sits.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct SettingsError {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in Unicode scalar values.
    pub column: usize,
    pub message: String,
    /// Byte range in the file, for editors.
    pub range: Range<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    packs: Option<Vec<Spanned<String>>>,
    max_age_days: Option<Spanned<i64>>,
    review_interval_days: Option<Spanned<i64>>,
    #[serde(default)]
    checklists: RawChecklists,
    #[serde(default)]
    profiles: RawProfiles,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    scores: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawChecklists {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProfiles {
    #[serde(default)]
    production: Vec<Spanned<String>>,
}

impl Settings {
    pub fn defaults() -> Settings {
        Settings {
            max_age_days: 180,
            review_interval_days: 90,
            ..Settings::default()
        }
    }

    /// Reads `path`; a missing file is an error here (callers decide whether it is optional).
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|e| SettingsError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read the file: {e}"),
            range: 0..0,
        })?;
        Settings::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Settings, SettingsError> {
        let error = |range: Range<usize>, message: String| {
            let index = LineIndex::new(text);
            let pos = index.position(text, range.start, Encoding::Utf32);
            SettingsError {
                path: path.to_path_buf(),
                line: pos.line as usize + 1,
                column: pos.col as usize + 1,
                message,
                range,
            }
        };
        let raw: RawSettings = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            error(e.span().unwrap_or(0..0), message)
        })?;

        let mut settings = Settings::defaults();
        settings.source = Some(path.to_path_buf());
        for pack in raw.packs.iter().flatten() {
            let name = pack.get_ref().trim();
            // A path is read once the workspace loads; a name is known now.
            // Against the names alone: `builtin` would parse every built-in pack here, on
            // the way to the walk (`packs::warm_up` keeps that off it).
            if !crate::packs::is_path_ref(name) && !crate::packs::builtin_names().contains(&name) {
                return Err(error(
                    pack.span(),
                    format!(
                        "unknown pack `{name}` (built-in packs: {}; a path must contain `/` or end in `.toml`)",
                        crate::packs::builtin_names().join(", ")
                    ),
                ));
            }
        }
        settings.packs = raw
            .packs
            .unwrap_or_default()
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        if let Some(days) = raw.max_age_days {
            settings.max_age_days = positive_days(&days).map_err(|m| error(days.span(), m))?;
        }
        if let Some(days) = raw.review_interval_days {
            settings.review_interval_days =
                positive_days(&days).map_err(|m| error(days.span(), m))?;
        }
        settings.include_globs = raw
            .checklists
            .include
            .iter()
            .map(|g| g.get_ref().clone())
            .collect();
        settings.checklist_include =
            glob_set(&raw.checklists.include).map_err(|(r, m)| error(r, m))?;
        settings.checklist_exclude =
            glob_set(&raw.checklists.exclude).map_err(|(r, m)| error(r, m))?;
        settings.production = glob_set(&raw.profiles.production).map_err(|(r, m)| error(r, m))?;
        for (code, level) in &raw.rules {
            if !crate::rules::is_known(code.get_ref()) {
                return Err(error(
                    code.span(),
                    format!(
                        "unknown rule `{}` in [rules]; `readiness rules` lists the codes",
                        code.get_ref()
                    ),
                ));
            }
            let parsed = match level.get_ref().as_str() {
                "off" => RuleLevel::Off,
                other => match Severity::parse(other) {
                    Some(s) => RuleLevel::On(s),
                    None => {
                        return Err(error(
                            level.span(),
                            format!(
                                "`{other}` is not a rule level; use \"off\", \"hint\", \"info\", \"warning\" or \"error\""
                            ),
                        ))
                    }
                },
            };
            settings.rules.insert(code.get_ref().clone(), parsed);
        }
        let known_sections = match raw.scores.is_empty() {
            true => None,
            false => builtin_section_ids(&settings.packs),
        };
        for (section, weight) in &raw.scores {
            let id = section.get_ref();
            let kebab = !id.is_empty()
                && id.starts_with(|c: char| c.is_ascii_lowercase())
                && id.split('-').all(|w| {
                    !w.is_empty()
                        && w.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                });
            if !kebab {
                return Err(error(
                    section.span(),
                    format!(
                        "`{id}` in [scores] is not a section id (kebab-case, such as `security`)"
                    ),
                ));
            }
            if let Some(known) = known_sections.as_ref().filter(|k| !k.contains(id)) {
                return Err(error(
                    section.span(),
                    format!(
                        "`{id}` in [scores] is no section of a built-in pack; their sections: {}",
                        known.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            let value = match weight.get_ref() {
                toml::Value::Integer(i) => Some(*i as f64),
                toml::Value::Float(f) => Some(*f),
                _ => None,
            }
            .filter(|w| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| {
                error(
                    weight.span(),
                    format!("the weight of `{id}` in [scores] must be a number of 0 or more"),
                )
            })?;
            settings.scores.insert(id.clone(), value);
        }
        Ok(settings)
    }

    /// The severity a rule runs at, or None when it is off.
    pub fn severity(&self, code: &str, default: Severity) -> Option<Severity> {
        match self.rules.get(code) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(s)) => Some(*s),
            None => Some(default),
        }
    }

    /// Adds rule levels and checklist globs given by an editor (language server settings).
    pub fn overlay(&mut self, rules: &BTreeMap<String, RuleLevel>, extra_globs: &[String]) {
        for (code, level) in rules {
            self.rules.insert(code.clone(), *level);
        }
        if !extra_globs.is_empty() {
            self.include_globs.extend(extra_globs.iter().cloned());
            let mut builder = GlobSetBuilder::new();
            for g in &self.include_globs {
                if let Ok(glob) = Glob::new(g) {
                    builder.add(glob);
                }
            }
            self.checklist_include = builder.build().ok();
        }
    }
}

fn positive_days(days: &Spanned<i64>) -> Result<u32, String> {
    u32::try_from(*days.get_ref())
        .ok()
        .filter(|d| *d > 0)
        .ok_or_else(|| {
            format!(
                "expected a whole number of days above 0, found {}",
                days.get_ref()
            )
        })
}

fn glob_set(globs: &[Spanned<String>]) -> Result<Option<GlobSet>, (Range<usize>, String)> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g.get_ref()).map_err(|e| (g.span(), format!("bad glob: {e}")))?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| (0..0, e.to_string()))
}

/// Section ids of every built-in pack, when `packs` (the default pack when empty) are all
/// built in: a misspelt id in `[scores]` would otherwise weigh nothing, silently. Every
/// built-in pack's, not only the selected ones': `audit --pack saas` selects packs the file
/// does not name, and its `[scores]` may weigh their sections. A user pack is read from
/// disk only once the workspace loads; with one selected, ids are not checked here.
fn builtin_section_ids(packs: &[String]) -> Option<std::collections::BTreeSet<String>> {
    if packs.iter().any(|p| crate::packs::is_path_ref(p.trim())) {
        return None;
    }
    let mut ids = std::collections::BTreeSet::new();
    for name in crate::packs::builtin_names() {
        let pack = crate::packs::builtin(name)?;
        ids.extend(pack.sections.iter().map(|s| s.id.clone()));
    }
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, SettingsError> {
        Settings::parse(text, Path::new("readiness.toml"))
    }

    #[test]
    fn reads_every_section() {
        let s = parse(
            "packs = [\"baseline\"]\nmax_age_days = 90\n[checklists]\ninclude = [\"docs/*.md\"]\nexclude = [\"docs/old.md\"]\n[profiles]\nproduction = [\"deploy/live/**\"]\n[rules]\nplaceholder = \"off\"\nstale-review = \"error\"\n",
        )
        .unwrap();
        assert_eq!(s.max_age_days, 90);
        assert_eq!(s.severity("placeholder", Severity::Warning), None);
        assert_eq!(
            s.severity("stale-review", Severity::Warning),
            Some(Severity::Error)
        );
        assert!(s.checklist_include.unwrap().is_match("docs/ops.md"));
        assert!(s.production.unwrap().is_match("deploy/live/values.yaml"));
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = parse("max_age_days = 3\n[checklists]\nincludes = []\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.contains("includes"), "{}", err.message);
    }

    #[test]
    fn scores_are_section_weights() {
        let s = parse("[scores]\nsecurity = 3\ndata = 1.5\n").unwrap();
        assert_eq!(s.scores.get("security"), Some(&3.0));
        assert_eq!(s.scores.get("data"), Some(&1.5));
        let err = parse("[scores]\nsecurity = \"high\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 12));
        let err = parse("[scores]\nSecurity = 1\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(parse("[scores]\nsecurity = -1\n").is_err());
        let err = parse("packs = [\"baseline\", \"nope\"]\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 22));
        assert!(err
            .message
            .starts_with("unknown pack `nope` (built-in packs: baseline,"));
        // A misspelt section would weigh nothing, silently.
        let err = parse("[scores]\nsecurty = 3\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(
            err.message
                .starts_with("`securty` in [scores] is no section of a built-in pack; their sections: data, docs,"),
            "{}",
            err.message
        );
        // Sections of every built-in pack count (`audit --pack saas` may select one the
        // file does not name); a user pack's are not known yet.
        assert!(parse("packs = [\"baseline\", \"saas\"]\n[scores]\ntenancy = 2\n").is_ok());
        assert!(parse("[scores]\ntenancy = 2\n").is_ok());
        assert!(parse("packs = [\"./team.toml\"]\n[scores]\nanything = 2\n").is_ok());
    }

    #[test]
    fn unknown_rule_and_bad_level_are_errors() {
        let err = parse("[rules]\nno-such-rule = \"off\"\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("no-such-rule"));
        let err = parse("[rules]\nplaceholder = \"loud\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 15));
        let err = parse("max_age_days = -4\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 16));
    }
}
