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
    /// From a store of secrets (a Kubernetes `Secret`'s `stringData`): its value is shown
    /// masked whatever its name says.
    pub secret: bool,
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

    /// The value as Compose would read it; see [`interpolated`].
    pub fn resolved(&self) -> Resolved<'_> {
        interpolated(&self.value)
    }
}

/// What a value stands for once `$` interpolation is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'a> {
    /// No interpolation: the value itself.
    Literal(&'a str),
    /// `${NAME:-default}` or `${NAME-default}`: the default, what the variable is unless the
    /// environment running the file sets it.
    Default(&'a str),
    /// `${NAME}`, `$NAME`, `${NAME:?err}` or a mix: only known where the file runs.
    Unknown,
}

/// Reads Compose-style interpolation in a value, so every rule compares the same thing.
/// Only a value that is one `${NAME:-default}` / `${NAME-default}` as a whole has a known
/// default; anything else with a `$` reference is unknown. `$$` is a literal `$`.
pub fn interpolated(value: &str) -> Resolved<'_> {
    if let Some(default) = whole_default(value) {
        return Resolved::Default(default);
    }
    let b = value.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'$', b'$') => i += 2,
            (b'$', c) if c == b'{' || c == b'_' || c.is_ascii_alphabetic() => {
                return Resolved::Unknown
            }
            _ => i += 1,
        }
    }
    Resolved::Literal(value)
}

/// The default of a value that is exactly `${NAME:-default}` or `${NAME-default}`, with no
/// `$` or `}` inside the default.
fn whole_default(value: &str) -> Option<&str> {
    let inner = value.strip_prefix("${")?.strip_suffix('}')?;
    let name_len = inner
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    let rest = &inner[name_len..];
    let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'))?;
    let named = inner.bytes().next().is_some_and(|c| !c.is_ascii_digit()) && name_len > 0;
    (named && !default.contains(['$', '}'])).then_some(default)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_with_a_default_resolves_to_the_default() {
        assert_eq!(interpolated("${FEATURE_X:-off}"), Resolved::Default("off"));
        assert_eq!(interpolated("${FEATURE_X-off}"), Resolved::Default("off"));
        assert_eq!(interpolated("${FEATURE_X:-}"), Resolved::Default(""));
    }

    #[test]
    fn other_interpolation_is_unknown() {
        for v in [
            "${FEATURE_X}",
            "$FEATURE_X",
            "${X:?set X}",
            "${X:+on}",
            "${A:-a}-${B:-b}",
            "pre${X:-a}",
            "${X:-${Y}}",
            "${{ secrets.X }}",
        ] {
            assert_eq!(interpolated(v), Resolved::Unknown, "{v}");
        }
    }

    #[test]
    fn values_without_references_are_literal() {
        for v in ["off", "", "pa$$word", "cost: 5$", "$1"] {
            assert_eq!(interpolated(v), Resolved::Literal(v), "{v}");
        }
    }
}
