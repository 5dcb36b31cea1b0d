use super::{ConfigFile, ConfigKind};
pub(crate) fn parse(_text: &str) -> ConfigFile {
    ConfigFile {
        kind: ConfigKind::Dockerfile,
        defs: Vec::new(),
        env_files: Vec::new(),
        comments: Vec::new(),
    }
}
