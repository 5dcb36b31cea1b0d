//! Rubric packs (stub until the data layer lands): sections with title aliases.

use std::path::Path;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Must,
    Should,
    Could,
}

#[derive(Debug, Clone)]
pub struct PackItem {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub line: String,
}

#[derive(Debug, Clone)]
pub struct PackSection {
    pub id: String,
    pub title: String,
    pub aliases: Vec<String>,
    pub required: bool,
    pub items: Vec<PackItem>,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub sections: Vec<PackSection>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PackError(String);

static BASELINE: LazyLock<Pack> = LazyLock::new(|| {
    let s = |id: &str, title: &str, aliases: &[&str]| PackSection {
        id: id.into(),
        title: title.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        required: true,
        items: Vec::new(),
    };
    Pack {
        name: "baseline".into(),
        sections: vec![
            s("security", "Security", &["security", "auth"]),
            s(
                "secrets",
                "Secrets & Configuration",
                &["secrets", "configuration", "environment"],
            ),
            s(
                "observability",
                "Observability",
                &["observability", "monitoring", "logging", "alerting"],
            ),
            s(
                "data",
                "Data & Backups",
                &["data", "backup", "backups", "database", "migrations"],
            ),
            s(
                "performance",
                "Performance & Capacity",
                &["performance", "capacity", "load"],
            ),
            s("testing", "Testing & CI", &["testing", "tests", "ci"]),
            s(
                "release",
                "Release & Rollback",
                &["release", "rollback", "rollout", "deployment"],
            ),
            s(
                "incident",
                "Incident Response",
                &["incident", "on-call", "runbooks"],
            ),
        ],
    }
});

pub fn builtin(name: &str) -> Option<&'static Pack> {
    (name == "baseline").then(|| &*BASELINE)
}

pub fn resolve(names: &[String], _base_dir: &Path) -> Result<Vec<Pack>, PackError> {
    names
        .iter()
        .map(|n| {
            builtin(n)
                .cloned()
                .ok_or_else(|| PackError(format!("unknown pack `{n}`")))
        })
        .collect()
}

pub fn choose_template(_link_text: &str, _file_name: &str) -> Option<&'static str> {
    None
}

pub fn render_template(_name: &str, _title: &str, _date: &str) -> Option<String> {
    None
}

impl PackSection {
    pub fn matches_heading(&self, heading_title: &str) -> bool {
        let h = heading_title.to_lowercase();
        self.aliases.iter().any(|a| {
            h.split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|w| w == a)
        })
    }
}
