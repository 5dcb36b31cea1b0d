//! Code spans shaped like paths that name no file of the repository: a `path:LINE`
//! suffix, home-directory paths, MIME types, container images and HTTP header lists.
//!
//! `missing-evidence` reported each of these on a done item as evidence that "does not
//! exist" (`application/json`, `ghcr.io/org/app:1.2`, `X-Request-ID/X-Trace-ID`,
//! `~/.ssh/config`), and `src/main.rs:42` although `src/main.rs` was there.

use super::has_known_extension;

/// `src/main.rs:42`, `src/main.rs:42:7`: the path without its line (and column), which
/// is what exists on disk. The span as written when it has no such suffix.
pub fn strip_line_suffix(s: &str) -> &str {
    let mut rest = s;
    // At most two numbers, line then column.
    for _ in 0..2 {
        let Some((head, number)) = rest.rsplit_once(':') else {
            break;
        };
        if head.is_empty() || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        rest = head;
    }
    rest
}

/// Whether a span that passed the path checks is one of the non-paths above; `s` has
/// had its line suffix stripped.
pub fn is_not_a_path(s: &str) -> bool {
    // A `:` left after the line suffix is gone: an image tag (`app:1.2`, `nginx:alpine`)
    // or a registry port (`localhost:5000/app`), never part of a repository path.
    s.contains(':')
        || s.starts_with('~')
        || is_mime_type(s)
        || is_image_reference(s)
        || is_header_list(s)
}

/// The registered top-level media types (RFC 6838), plus `example`.
const MIME_TOP_LEVEL: &[&str] = &[
    "application",
    "audio",
    "example",
    "font",
    "image",
    "message",
    "model",
    "multipart",
    "text",
    "video",
];

/// `application/json`, `text/plain`, `image/*`, `application/vnd.ms-excel`: a top-level
/// type and one subtype. `image/logo.png` keeps being a path: the subtype has a file
/// extension.
fn is_mime_type(s: &str) -> bool {
    let Some((top, sub)) = s.split_once('/') else {
        return false;
    };
    MIME_TOP_LEVEL.iter().any(|t| t.eq_ignore_ascii_case(top))
        && !sub.is_empty()
        && !sub.contains('/')
        && (sub == "*" || !has_known_extension(sub))
}

/// `ghcr.io/org/app`, `docker.io/library/nginx`, `registry.example.com/team/app`: the
/// first segment is a host name, ending in a top-level domain that is no file extension
/// (so `conf.d/default.conf` and `.github/workflows` stay paths). Ports (`host:5000/app`)
/// and tags were caught by the `:` check; `@sha256:` digests by the `@` one.
fn is_image_reference(s: &str) -> bool {
    let Some((first, rest)) = s.split_once('/') else {
        return false;
    };
    if rest.is_empty() || first.starts_with('.') {
        return false;
    }
    let Some((name, tld)) = first.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_lowercase())
        && !has_known_extension(first)
        && first
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
}

/// `X-Request-ID/X-Trace-ID`, `Content-Type/Content-Length`: every part a header name
/// (an `X-` prefix, or capitalised words joined by hyphens), none with a file extension.
fn is_header_list(s: &str) -> bool {
    let is_header = |part: &str| {
        let words = || part.split('-');
        !part.contains('.')
            && part.contains('-')
            && (part.starts_with("X-")
                || part.starts_with("x-")
                || words().all(|w| {
                    w.starts_with(|c: char| c.is_ascii_uppercase())
                        && w.bytes().all(|b| b.is_ascii_alphanumeric())
                }))
    };
    s.contains('/') && s.split('/').all(is_header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_suffixes_are_stripped() {
        assert_eq!(strip_line_suffix("src/main.rs:42"), "src/main.rs");
        assert_eq!(strip_line_suffix("src/main.rs:42:7"), "src/main.rs");
        assert_eq!(strip_line_suffix("Makefile:3"), "Makefile");
        assert_eq!(strip_line_suffix("src/main.rs"), "src/main.rs");
        assert_eq!(strip_line_suffix("app:1.2"), "app:1.2");
        assert_eq!(strip_line_suffix("a.rs:1:2:3"), "a.rs:1");
        assert_eq!(strip_line_suffix(":42"), ":42");
        assert_eq!(strip_line_suffix("a.rs:"), "a.rs:");
    }

    #[test]
    fn non_paths() {
        for s in [
            "~/.ssh/config",
            "~/x.md",
            "application/json",
            "text/plain",
            "Application/JSON",
            "image/*",
            "application/vnd.ms-excel",
            "ghcr.io/org/app",
            "ghcr.io/org/app:1.2",
            "docker.io/library/nginx",
            "registry.example.com/team/app",
            "localhost:5000/app",
            "nginx:alpine",
            "X-Request-ID/X-Trace-ID",
            "x-request-id/x-trace-id",
            "Content-Type/Content-Length",
        ] {
            assert!(is_not_a_path(s), "{s} should not be a path");
        }
        for s in [
            "src/main.rs",
            "image/logo.png",
            "images/x",
            "text/",
            "conf.d/default.conf",
            ".github/workflows/ci.yml",
            "docs/operations/",
            "X-Request-ID/x.md",
            "Assets/Scripts",
            "migrations/*",
        ] {
            assert!(!is_not_a_path(s), "{s} should stay a path");
        }
    }
}
