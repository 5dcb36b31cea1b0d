//! The config index: every env var definition in dotenv, Compose, Kubernetes/Helm YAML,
//! Dockerfiles and GitHub Actions workflows, with exact byte ranges.

use std::ops::Range;

mod classify;
mod compose;
mod dockerfile;
mod dotenv;
mod kubernetes;
mod parse;
mod profile;
mod workflow;
mod yaml;
mod yaml_fast;

pub use parse::{classify, parse_config, profile_of};

/// What kind of config file a path is (decided from its name alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigKind {
    /// `.env`, `.env.*`, `*.env`
    Dotenv,
    /// `docker-compose*.y*ml`, `compose*.y*ml`
    Compose,
    /// `.github/workflows/*.y*ml`
    Workflow,
    /// Any other YAML: Kubernetes manifests, Helm values.
    Yaml,
    /// `Dockerfile`, `Containerfile`, `*.dockerfile`, `Dockerfile.*`
    Dockerfile,
}

/// Which environment a config file configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// A file or folder name in the path says prod, production or prd.
    Production,
    /// `*.example`, `*.sample`, `*.template`, `*.dist`: documents variables, configures nothing.
    Example,
    /// Everything else (development, staging, shared defaults...).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvDef {
    pub name: String,
    /// Range of the name.
    pub name_range: Range<usize>,
    /// Range of the raw value including any quotes (empty range right after `=` for `KEY=`).
    pub value_range: Range<usize>,
    /// The value as written, quotes included.
    pub raw: String,
    /// The value with quotes removed and escapes resolved.
    pub value: String,
    pub quote: Quote,
    /// Range of the whole definition (line or YAML entry), for suppression and related info.
    pub range: Range<usize>,
}

impl EnvDef {
    /// Whether `value_range` includes the quotes: it does for `KEY="v"` and `KEY: "v"`, not
    /// for a Compose list item `- "KEY=v"`, whose quotes wrap the whole item. (A single-quoted
    /// list item whose value itself starts and ends with an escaped `''` reads as quoted.)
    pub fn quotes_in_range(&self) -> bool {
        let q = match self.quote {
            Quote::None => return false,
            Quote::Single => '\'',
            Quote::Double => '"',
        };
        self.raw.len() >= 2 && self.raw.starts_with(q) && self.raw.ends_with(q)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFileRef {
    /// The path as written in `env_file:`.
    pub path: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    pub kind: ConfigKind,
    pub defs: Vec<EnvDef>,
    /// Compose `env_file:` references.
    pub env_files: Vec<EnvFileRef>,
    /// `#` comments (for `# readiness-disable-next-line CODE`): body after `#`, trimmed, and range.
    pub comments: Vec<(String, Range<usize>)>,
}
