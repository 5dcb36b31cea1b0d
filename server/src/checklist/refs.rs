//! What a code span refers to: an env var (`JWT_SECRET`, `PORT`, `API_KEY_ENABLED=true`)
//! or a path (`.env.example`, `docs/operations/`, `migrations/*`, `/healthz`).

mod not_paths;

use super::RefKind;

/// `[A-Z][A-Z0-9]*(_[A-Z0-9]+)+`: clearly an env var name.
pub fn is_strict_env_name(name: &str) -> bool {
    let b = name.as_bytes();
    if b.is_empty() || !b[0].is_ascii_uppercase() {
        return false;
    }
    let mut saw_underscore_group = false;
    let mut prev_underscore = false;
    for &c in &b[1..] {
        match c {
            b'_' if prev_underscore => return false,
            b'_' => prev_underscore = true,
            b'A'..=b'Z' | b'0'..=b'9' => {
                if prev_underscore {
                    saw_underscore_group = true;
                }
                prev_underscore = false;
            }
            _ => return false,
        }
    }
    saw_underscore_group && !prev_underscore
}

/// Any upper-case name (`PORT`, `DEBUG`, `API_KEY`): an env var if some config defines it.
fn is_upper_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

/// Splits `NAME=value` / `export NAME=value` / `$NAME` / `${NAME}` into name and value.
fn split_env(content: &str) -> (&str, Option<&str>) {
    let c = content
        .strip_prefix("export ")
        .map(str::trim_start)
        .unwrap_or(content);
    if let Some((name, value)) = c.split_once('=') {
        return (name, Some(value));
    }
    let c = c.strip_prefix('$').unwrap_or(c);
    let c = c
        .strip_prefix('{')
        .and_then(|c| c.strip_suffix('}'))
        .unwrap_or(c);
    (c, None)
}

/// Strips one pair of matching quotes.
pub fn unquote(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// Classifies a code span's content. None when it is neither an env var nor a path.
pub fn classify(content: &str) -> Option<RefKind> {
    let content = content.trim();
    if content.is_empty() {
        return None;
    }
    let (name, value) = split_env(content);
    if is_upper_name(name) {
        return Some(RefKind::EnvVar {
            name: super::shared::share(name),
            value: value.map(|v| super::shared::share(unquote(v))),
            strict: is_strict_env_name(name),
        });
    }
    // `src/main.rs:42` is evidence that `src/main.rs` exists.
    let path = not_paths::strip_line_suffix(content);
    if is_path(path) {
        return Some(RefKind::Path {
            path: super::shared::share(path),
        });
    }
    None
}

const EXTENSIONS: &[&str] = &[
    "md",
    "mdx",
    "markdown",
    "rst",
    "adoc",
    "yml",
    "yaml",
    "json",
    "jsonc",
    "json5",
    "toml",
    "py",
    "pyi",
    "js",
    "mjs",
    "cjs",
    "jsx",
    "ts",
    "mts",
    "cts",
    "tsx",
    "rs",
    "go",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "bat",
    "sql",
    "env",
    "txt",
    "lock",
    "ini",
    "cfg",
    "conf",
    "config",
    "tf",
    "tfvars",
    "hcl",
    "j2",
    "jinja",
    "tpl",
    "tmpl",
    "html",
    "htm",
    "css",
    "scss",
    "sass",
    "less",
    "vue",
    "svelte",
    "rb",
    "java",
    "kt",
    "kts",
    "gradle",
    "scala",
    "swift",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "php",
    "ex",
    "exs",
    "erl",
    "lua",
    "pl",
    "r",
    "dart",
    "xml",
    "csv",
    "tsv",
    "proto",
    "graphql",
    "gql",
    "prisma",
    "dockerfile",
    "properties",
    "example",
    "sample",
    "template",
    "pem",
    "crt",
    "key",
    "service",
    "nix",
    "mk",
    "cmake",
    "lockb",
    "sum",
    "mod",
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "svg",
    "gif",
    "ipynb",
    "log",
    "zip",
    "gz",
    "wasm",
    "http",
    "rego",
    "cue",
    "bicep",
    "dist",
    "local",
];

const FILE_NAMES: &[&str] = &[
    "Dockerfile",
    "Makefile",
    "Procfile",
    "Jenkinsfile",
    "Gemfile",
    "Rakefile",
    "Vagrantfile",
    "Brewfile",
    "Justfile",
    "justfile",
    "Containerfile",
    "Caddyfile",
    "CODEOWNERS",
    "LICENSE",
    "Pipfile",
    "Taskfile",
];

/// Whether a code span looks like a file, folder, glob or route path.
pub fn is_path(s: &str) -> bool {
    if s.is_empty() || s.len() > 300 {
        return false;
    }
    if s.bytes().any(|b| {
        b.is_ascii_whitespace()
            || matches!(
                b,
                b'(' | b')'
                    | b'='
                    | b','
                    | b';'
                    | b'"'
                    | b'\''
                    | b'|'
                    | b'<'
                    | b'>'
                    | b'$'
                    | b'`'
                    | b'@'
                    | b'!'
                    | b'&'
                    | b'%'
                    | b'#'
                    | b'+'
            )
    }) {
        return false;
    }
    // A URL (`https://…`) or a doubled slash; `://` holds `//`. Code spans are short, where
    // `str::contains` spends more time setting up than searching.
    let b = s.as_bytes();
    if s.starts_with("www.") || memchr::memchr_iter(b'/', b).any(|i| b.get(i + 1) == Some(&b'/')) {
        return false;
    }
    if !s.bytes().any(|b| b.is_ascii_alphanumeric()) || not_paths::is_not_a_path(s) {
        return false;
    }
    let last = s.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if FILE_NAMES.iter().any(|n| {
        last.strip_prefix(n)
            .is_some_and(|r| r.is_empty() || r.starts_with('.'))
    }) {
        return true;
    }
    if has_known_extension(last) {
        return !is_version(s);
    }
    if s.contains('/') {
        return !is_ratio_like(s);
    }
    // Dotfiles: `.env`, `.gitignore`, `.env.example`.
    s.len() > 1 && s.starts_with('.') && s.as_bytes()[1].is_ascii_alphabetic()
}

fn has_known_extension(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if ext.is_empty() {
        return false;
    }
    if stem.is_empty() {
        // `.env`, `.bashrc`: a dotfile, handled by the caller.
        return name.len() > 1;
    }
    ext == "*" || is_known_extension(ext)
}

/// Whether `ext` (any case) is one of [`EXTENSIONS`]: lower-cased on the stack and looked up
/// in the sorted list. Comparing it with each of the hundred, ignoring case, was a fifth
/// of classifying a code span.
fn is_known_extension(ext: &str) -> bool {
    static SORTED: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut v = EXTENSIONS.to_vec();
        v.sort_unstable();
        v
    });
    let mut buf = [0u8; 16];
    let Some(lower) = buf.get_mut(..ext.len()) else {
        return false; // longer than any in the list
    };
    for (l, b) in lower.iter_mut().zip(ext.bytes()) {
        *l = b.to_ascii_lowercase();
    }
    SORTED.binary_search_by(|e| e.as_bytes().cmp(lower)).is_ok()
}

/// `v1.2`, `1.2.3`, `v2.0.1-rc1`: versions, not files.
fn is_version(s: &str) -> bool {
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// `p50/p95/p99`, `n/a`, `and/or`, `1/2`, `read/write`: slashes between short words, not paths.
fn is_ratio_like(s: &str) -> bool {
    if s.starts_with(['/', '.', '~']) || s.ends_with(['/', '*']) || s.contains('*') {
        return false;
    }
    let parts: Vec<&str> = s.split('/').collect();
    let short_metric = |p: &str| {
        let letters = p.bytes().take_while(u8::is_ascii_alphabetic).count();
        letters <= 2
            && p.len() > letters
            && p.bytes()
                .skip(letters)
                .all(|b| b.is_ascii_digit() || b == b'.')
    };
    parts.iter().all(|p| short_metric(p))
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "n/a" | "and/or" | "yes/no" | "true/false" | "on/off"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extensions_in_any_case_and_nothing_else() {
        let linear = |ext: &str| EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext));
        for e in EXTENSIONS {
            for ext in [
                e.to_string(),
                e.to_uppercase(),
                format!("{}{}", &e[..1].to_uppercase(), &e[1..]),
            ] {
                assert!(is_known_extension(&ext), "{ext}");
            }
        }
        for ext in [
            "",
            "m",
            "mdd",
            "yamll",
            "jso",
            "verylongextension",
            "é",
            "MD\u{301}",
            "tar.gz",
        ] {
            assert_eq!(is_known_extension(ext), linear(ext), "{ext:?}");
        }
    }

    fn env(s: &str) -> Option<(String, Option<String>, bool)> {
        match classify(s)? {
            RefKind::EnvVar {
                name,
                value,
                strict,
            } => Some((name.to_string(), value.map(|v| v.to_string()), strict)),
            RefKind::Path { .. } => None,
        }
    }

    fn path(s: &str) -> bool {
        matches!(classify(s), Some(RefKind::Path { .. }))
    }

    #[test]
    fn env_names() {
        assert!(is_strict_env_name("JWT_JWKS_URL"));
        assert!(is_strict_env_name("A1_B"));
        assert!(!is_strict_env_name("PORT"));
        assert!(!is_strict_env_name("JWT__X"));
        assert!(!is_strict_env_name("JWT_"));
        assert!(!is_strict_env_name("_JWT"));
        assert_eq!(env("JWT_SECRET"), Some(("JWT_SECRET".into(), None, true)));
        assert_eq!(env("PORT"), Some(("PORT".into(), None, false)));
        assert_eq!(
            env("DEV_AUTH_ENABLED=false"),
            Some(("DEV_AUTH_ENABLED".into(), Some("false".into()), true))
        );
        assert_eq!(
            env("LOG_LEVEL=\"info\""),
            Some(("LOG_LEVEL".into(), Some("info".into()), true))
        );
        assert_eq!(
            env("${SENTRY_DSN}"),
            Some(("SENTRY_DSN".into(), None, true))
        );
        assert_eq!(env("X"), None);
        assert_eq!(env("Port"), None);
    }

    #[test]
    fn paths() {
        for p in [
            ".env.example",
            "pnpm-lock.yaml",
            "docs/operations/",
            "migrations/*",
            "core/rate_limit.py",
            ".github/workflows/ci.yml",
            "/healthz",
            "/health/detailed",
            "Dockerfile",
            "12_DEPLOYMENT_ARCHITECTURE.md",
            "apps/api/tests/",
            ".env",
            "*.md",
            "main.py",
            "docs/README.MD",
            "values-prod.YAML",
        ] {
            assert!(path(p), "{p} should be a path");
        }
        for p in [
            "check_db_connection()",
            "pnpm test",
            "https://x.io/a.md",
            "www.example.com",
            "v1.2",
            "1.2.3",
            "meta.config_version",
            "p50/p95",
            "P50/P95/P99",
            "n/a",
            "recsys-service",
            "maintenance_work_mem",
            "GET /health",
            "*",
            "...",
            "@scope/pkg",
            "s3://bucket/x.json",
            "docs//x.md",
            "file:///x.md",
            "notes.xyz",
            "~/.ssh/config",
            "application/json",
            "text/plain",
            "ghcr.io/org/app:1.2",
            "nginx:1.25",
            "X-Request-ID/X-Trace-ID",
        ] {
            assert!(!path(p), "{p} should not be a path");
        }
    }

    #[test]
    fn a_line_suffix_leaves_the_path() {
        let path_of = |s: &str| match classify(s) {
            Some(RefKind::Path { path }) => Some(path.to_string()),
            _ => None,
        };
        assert_eq!(path_of("src/main.rs:42").as_deref(), Some("src/main.rs"));
        assert_eq!(path_of("src/main.rs:42:7").as_deref(), Some("src/main.rs"));
        assert_eq!(path_of("Dockerfile:3").as_deref(), Some("Dockerfile"));
        assert_eq!(path_of(".env.example:2").as_deref(), Some(".env.example"));
        assert_eq!(path_of("localhost:5000"), None);
        assert_eq!(path_of("127.0.0.1:8080"), None);
        assert_eq!(path_of("ghcr.io/org/app:1.2"), None);
    }
}
