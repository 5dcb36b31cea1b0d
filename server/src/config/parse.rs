//! Entry points of the config index: classify a path, find its profile, parse its text.

use super::{dockerfile, dotenv, yaml, ConfigFile, ConfigKind};

pub use super::classify::classify;
pub use super::profile::profile_of;

/// Parses a config file of a known kind. Never panics; keeps going past syntax errors.
pub fn parse_config(kind: ConfigKind, text: &str) -> ConfigFile {
    match kind {
        ConfigKind::Dotenv => dotenv::parse(text),
        ConfigKind::Compose | ConfigKind::Workflow | ConfigKind::Yaml => yaml::parse(kind, text),
        ConfigKind::Dockerfile => dockerfile::parse(text),
    }
}
