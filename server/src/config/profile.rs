//! `profile_of`: which environment a config file configures, from its path.

use super::classify::{file_name, strip_example_suffix};
use super::Profile;

/// Words (after splitting names on `/ . - _`) that mark a production config.
const PRODUCTION_WORDS: [&str; 3] = ["prod", "production", "prd"];

/// The profile of a workspace-relative path from its file and folder names.
///
/// Example wins over Production: `.env.production.example` documents production
/// variables but configures nothing.
pub fn profile_of(path: &str) -> Profile {
    let name = file_name(path);
    let is_example = strip_example_suffix(name).is_some()
        || ["example.env", "env.example", ".env.example"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
    if is_example {
        return Profile::Example;
    }
    let production = path.split(['/', '\\', '.', '-', '_']).any(|word| {
        PRODUCTION_WORDS
            .iter()
            .any(|p| word.eq_ignore_ascii_case(p))
    });
    if production {
        Profile::Production
    } else {
        Profile::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_paths() {
        for p in [
            ".env.production",
            "values-prod.yaml",
            "deploy/prod/app.yaml",
            "docker-compose.prod.yml",
            "k8s/production/deployment.yaml",
            "PROD.env",
            "config/prd_values.yml",
            "Dockerfile.Production",
        ] {
            assert_eq!(profile_of(p), Profile::Production, "{p}");
        }
    }

    #[test]
    fn not_production() {
        for p in [
            "product.yaml",
            "reproduce/x.env",
            ".env",
            "productions/x.yml",
            "k8s/staging/app.yaml",
            "preprod.env",
        ] {
            assert_eq!(profile_of(p), Profile::Other, "{p}");
        }
    }

    #[test]
    fn example_paths_win() {
        for p in [
            ".env.example",
            "example.env",
            "env.example",
            ".env.production.example",
            "values.yaml.template",
            "docker-compose.yml.dist",
            "Dockerfile.sample",
            "prod/.env.SAMPLE",
        ] {
            assert_eq!(profile_of(p), Profile::Example, "{p}");
        }
    }

    #[test]
    fn odd_input() {
        for p in ["", "é", ".example", "/prod/", "ü.sample"] {
            let _ = profile_of(p);
        }
        assert_eq!(profile_of("/prod/"), Profile::Production);
    }
}
