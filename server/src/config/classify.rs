//! `classify`: the config kind of a path, from its file and folder names alone.

use super::ConfigKind;

/// Suffixes that mark example/template copies of a config file. The copy is classified
/// by its base name (`.env.example` is a dotenv file, `Dockerfile.sample` a Dockerfile).
pub(crate) const EXAMPLE_SUFFIXES: [&str; 4] = [".example", ".sample", ".template", ".dist"];

/// The file name (last `/`-separated component) of a workspace-relative path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Strips one example suffix (case-insensitive), if any. `None` when nothing is stripped.
pub(crate) fn strip_example_suffix(name: &str) -> Option<&str> {
    EXAMPLE_SUFFIXES.iter().find_map(|suffix| {
        let cut = name.len().checked_sub(suffix.len())?;
        let tail = name.get(cut..)?;
        tail.eq_ignore_ascii_case(suffix).then(|| &name[..cut])
    })
}

fn ends_with_ci(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.is_char_boundary(name.len() - suffix.len())
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn starts_with_ci(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.is_char_boundary(prefix.len())
        && name[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The config kind of a workspace-relative path (`/`-separated), from its name alone.
pub fn classify(path: &str) -> Option<ConfigKind> {
    let full_name = file_name(path);
    let mut name = full_name;
    let mut stripped = false;
    // `values.yaml.template.dist` is unusual, but stripping repeatedly costs nothing.
    while let Some(base) = strip_example_suffix(name) {
        name = base;
        stripped = true;
    }
    if name.is_empty() {
        return None;
    }

    if ends_with_ci(name, ".yml") || ends_with_ci(name, ".yaml") {
        // Lock files are YAML but never configure environment variables; they are also
        // the largest YAML files in most repositories, so skipping them saves real time.
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        if ends_with_ci(stem, "-lock") || ends_with_ci(stem, ".lock") {
            return None;
        }
        if is_workflow_dir(path) {
            return Some(ConfigKind::Workflow);
        }
        if starts_with_ci(name, "docker-compose") || starts_with_ci(name, "compose") {
            return Some(ConfigKind::Compose);
        }
        return Some(ConfigKind::Yaml);
    }

    if name.eq_ignore_ascii_case("dockerfile")
        || name.eq_ignore_ascii_case("containerfile")
        || starts_with_ci(name, "dockerfile.")
        || starts_with_ci(name, "containerfile.")
        || ends_with_ci(name, ".dockerfile")
        || ends_with_ci(name, ".containerfile")
    {
        return Some(ConfigKind::Dockerfile);
    }

    if name.eq_ignore_ascii_case(".env")
        || starts_with_ci(name, ".env.")
        || (ends_with_ci(name, ".env") && name.len() > ".env".len())
        // `env.example` documents a dotenv file under another name.
        || (stripped && name.eq_ignore_ascii_case("env"))
    {
        return Some(ConfigKind::Dotenv);
    }
    None
}

/// Whether the file sits directly in a `.github/workflows` folder.
fn is_workflow_dir(path: &str) -> bool {
    let normalized = path.trim_start_matches("./");
    let Some((dir, _)) = normalized.rsplit_once('/') else {
        return false;
    };
    dir == ".github/workflows" || dir.ends_with("/.github/workflows")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConfigKind::*;

    #[test]
    fn dotenv_names() {
        for p in [
            ".env",
            ".env.production",
            ".env.example",
            "prod.env",
            "app/.env.local",
            "example.env",
            "env.example",
            ".env.sample",
        ] {
            assert_eq!(classify(p), Some(Dotenv), "{p}");
        }
        for p in [
            ".envrc",
            "env",
            "environment.ts",
            ".env.d/x.txt",
            "README.md",
            ".example",
        ] {
            assert_ne!(classify(p), Some(Dotenv), "{p}");
        }
    }

    #[test]
    fn compose_names() {
        for p in [
            "docker-compose.yml",
            "docker-compose.prod.yaml",
            "compose.yaml",
            "compose.override.yml",
            "deploy/docker-compose.yml.dist",
            "Docker-Compose.YML",
        ] {
            assert_eq!(classify(p), Some(Compose), "{p}");
        }
    }

    #[test]
    fn workflow_names() {
        for p in [
            ".github/workflows/ci.yml",
            ".github/workflows/deploy.yaml",
            "./.github/workflows/a.yml",
            "sub/.github/workflows/x.yml",
            ".github/workflows/compose.yml",
        ] {
            assert_eq!(classify(p), Some(Workflow), "{p}");
        }
        assert_eq!(classify(".github/workflows/sub/x.yml"), Some(Yaml));
        assert_eq!(classify(".github/dependabot.yml"), Some(Yaml));
    }

    #[test]
    fn yaml_names() {
        for p in [
            "k8s/deployment.yaml",
            "charts/app/values.yaml",
            "values-prod.yml",
            "values.yaml.template",
            "x.example.yaml",
        ] {
            assert_eq!(classify(p), Some(Yaml), "{p}");
        }
        for p in [
            "pnpm-lock.yaml",
            "a/b/pnpm-lock.yaml",
            "deps.lock.yml",
            "yarn.lock",
            "composer.lock",
        ] {
            assert_eq!(classify(p), None, "{p}");
        }
    }

    #[test]
    fn dockerfile_names() {
        for p in [
            "Dockerfile",
            "app/Dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "web.dockerfile",
            "Dockerfile.sample",
            "dockerfile",
        ] {
            assert_eq!(classify(p), Some(Dockerfile), "{p}");
        }
        for p in [".dockerignore", "Dockerfiles/readme.md", "src/main.rs"] {
            assert_eq!(classify(p), None, "{p}");
        }
    }

    #[test]
    fn never_panics_on_odd_names() {
        for p in [
            "", "/", "é", ".é", "x/é.yml", "ü.env", "a.ÿaml", "\u{feff}", "..", "./",
        ] {
            let _ = classify(p);
        }
    }
}
