//! `secret-in-repo`: a tracked config file holds a secret-looking value.
//!
//! The value itself never reaches any output: messages show at most its first four
//! characters, and every other rule shows env values through [`display_value`].

use super::{ConfigCx, Rule, RuleInfo};
use crate::config::Profile;
use crate::config::Resolved;
use crate::model::{Finding, Severity};
use std::ops::Range;

pub struct SecretInRepo;

static INFO: RuleInfo = RuleInfo {
    code: "secret-in-repo",
    severity: Severity::Error,
    summary: "a git-tracked config file (not an example) holds a secret-looking value",
    explain: include_str!("docs/secret-in-repo.md"),
};

const SECRET_KEY_WORDS: &[&str] = &[
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PRIVATE_KEY",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "CLIENT_SECRET",
];

/// Whether a variable name says it holds a secret: one of [`SECRET_KEY_WORDS`], in any case,
/// anywhere in the name (`DB_PASSWORD`, `GITHUBTOKEN`, `x.client_secret`, `dbPassword`,
/// `PASSWORD1`), unless letters carry it on into a longer word (`TOKENIZER_MODEL`,
/// `SECRETARY`, `PASSWORDLESS`); a plural, a `KEY` or a camelCase word after it is no longer
/// word (`API_TOKENS`, `STRIPE_SECRETKEY`, `passwordHash`).
pub fn secret_name(name: &str) -> bool {
    // Asked of every definition of every config file and of every value a message shows:
    // a `contains` per word set up a substring searcher for each, nine per name (99
    // million instructions on the bench tree; 29 now). Names are short: at each byte that
    // can start a word, the words are compared in place, case aside.
    /// Bytes a word starts with, either case.
    const STARTS: [bool; 256] = {
        let mut starts = [false; 256];
        let mut i = 0;
        while i < SECRET_KEY_WORDS.len() {
            let first = SECRET_KEY_WORDS[i].as_bytes()[0];
            starts[first as usize] = true;
            starts[first.to_ascii_lowercase() as usize] = true;
            i += 1;
        }
        starts
    };
    let b = name.as_bytes();
    // Whether the letters right after a word ending before `end` make it part of a longer
    // one. Digits and separators end a word (`PASSWORD1`, `TOKEN_TTL`).
    let runs_on = |end: usize| {
        let letters = b[end..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let camel = letters > 0 && b[end - 1].is_ascii_lowercase() && b[end].is_ascii_uppercase();
        let run = &b[end..end + letters];
        letters > 0
            && !camel
            && ![&b"S"[..], b"KEY", b"KEYS"]
                .iter()
                .any(|w| run.eq_ignore_ascii_case(w))
    };
    (0..b.len()).any(|i| {
        STARTS[usize::from(b[i])]
            && SECRET_KEY_WORDS.iter().any(|w| {
                let w = w.as_bytes();
                let end = i + w.len();
                b[i..].len() >= w.len() && b[i..end].eq_ignore_ascii_case(w) && !runs_on(end)
            })
    })
}

/// Whether a name is shown masked though it is no reason to report a secret on its own:
/// `SIGNING_KEY`, `ENCRYPTION_KEY` (and `CACHE_KEY`, which costs nothing to mask).
fn key_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 4 && b[b.len() - 4..].eq_ignore_ascii_case(b"_KEY")
}

/// A number or a boolean word says how (`ACCESS_TOKEN_TTL=900`, `API_KEY_ENABLED=yes`), not
/// what: no secret by its name alone.
fn is_number_or_flag(value: &str) -> bool {
    let v = value.trim();
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    let number = digits.bytes().any(|c| c.is_ascii_digit())
        && digits.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && digits.bytes().filter(|&c| c == b'.').count() <= 1;
    number || is_flag(v)
}

/// A boolean word, in any case.
fn is_flag(value: &str) -> bool {
    ["true", "false", "yes", "no", "on", "off"]
        .iter()
        .any(|w| value.trim().eq_ignore_ascii_case(w))
}

/// Whether a value, under a name that says secret, is a literal secret: not a reference, a
/// placeholder, a number or a flag.
fn literal_secret(value: &str) -> bool {
    !is_reference_or_placeholder(value) && !is_number_or_flag(value)
}

/// A value that points elsewhere or says "fill me in" is not a secret.
fn is_reference_or_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || v.contains("${")
        || v.starts_with('$')
        || v.contains("{{")
        || v.contains("...")
        || (v.starts_with('<') && v.ends_with('>'))
        || [
            "changeme",
            "change-me",
            "change_me",
            "xxx",
            "todo",
            "tbd",
            "none",
            "null",
            "placeholder",
            "secret",
            "password",
            "example",
            "dummy",
            "test",
        ]
        .contains(&lower.as_str())
        || lower.starts_with("your-")
        || lower.starts_with("your_")
        || lower.chars().all(|c| c == 'x' || c == '*')
}

/// The credential format a value has, if any (`AKIA…`, `ghp_…`, `sk-…`, PEM private keys).
pub fn credential_format(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let alnum_tail = |prefix: &str, min: usize| {
        v.strip_prefix(prefix).is_some_and(|t| {
            t.len() >= min
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
    };
    if v.contains("PRIVATE KEY-----") && v.contains("-----BEGIN") {
        Some("a PEM private key")
    } else if v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        Some("an AWS access key id")
    } else if alnum_tail("github_pat_", 20) {
        Some("a GitHub fine-grained token")
    } else if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| alnum_tail(p, 20))
    {
        Some("a GitHub token")
    } else if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]
        .iter()
        .any(|p| alnum_tail(p, 10))
    {
        Some("a Slack token")
    } else if alnum_tail("sk-", 20) {
        Some("an API secret key (sk-…)")
    } else {
        None
    }
}

/// Whether a definition's value should be treated as a secret wherever it is shown. Wider
/// than what the rule reports: names ending in `_KEY` too, and the default of a
/// `${NAME:-default}` (a default is as committed as any literal).
pub fn looks_secret(name: &str, value: &str) -> bool {
    let value = match crate::config::interpolated(value) {
        Resolved::Default(default) => default,
        _ => value,
    };
    // Numbers too: they are no reason to report a secret, but a numeric password is still
    // a password, and masking a TTL costs little. A flag (`API_KEY_ENABLED=true`) is no
    // password, and masked it would leave a mismatch unreadable.
    credential_format(value).is_some()
        || ((secret_name(name) || key_name(name))
            && !is_reference_or_placeholder(value)
            && !is_flag(value))
}

/// The byte range of the password in a URL's userinfo (`scheme://user:PASSWORD@host`), if
/// it has one. `text` may be a raw value, quotes and all: only what lies between `://` and
/// the `@` of the authority counts.
fn url_password(text: &str) -> Option<Range<usize>> {
    let authority_start = text.find("://")? + 3;
    // Up to the path: a password written without percent-encoding may hold `#` or `?`
    // (`postgres://u:p#ss@db`), and would be cut at them, then shown whole.
    let authority_len = text[authority_start..]
        .find('/')
        .unwrap_or(text.len() - authority_start);
    let authority = &text[authority_start..authority_start + authority_len];
    let userinfo = &authority[..authority.rfind('@')?];
    let colon = userinfo.find(':')?;
    let start = authority_start + colon + 1;
    let end = authority_start + userinfo.len();
    (start < end).then_some(start..end)
}

/// A value as it may appear in any output: secret-looking values masked to at most their
/// first four characters, and the password of a URL (`redis://:****@redis:6379`) always
/// masked, the rest of the URL kept so a difference still shows.
pub fn display_value(name: &str, value: &str) -> String {
    if looks_secret(name, value) {
        return masked(value);
    }
    match url_password(value) {
        Some(password) => format!("{}****{}", &value[..password.start], &value[password.end..]),
        None => value.to_string(),
    }
}

/// At most the first four characters of a secret value (none of a short one).
fn masked(value: &str) -> String {
    if value.chars().count() <= 8 {
        "****".to_string()
    } else {
        format!("{}…", value.chars().take(4).collect::<String>())
    }
}

/// [`display_value`] of `value` (the definition's value, or its `${…}` default), masked
/// whatever its name when the definition comes from a store of secrets.
pub fn display_def_value(def: &crate::config::EnvDef, value: &str) -> String {
    if def.secret {
        masked(value)
    } else {
        display_value(&def.name, value)
    }
}

/// `line` (the text at `line_range` of a config file) with every secret-looking value masked:
/// the first four characters kept (none for short values), the rest as `*`, so the length
/// and columns stay the same for snippets.
pub fn mask_line(
    config: &crate::config::ConfigFile,
    line: &str,
    line_range: std::ops::Range<usize>,
) -> String {
    let mut out = line.to_string();
    // Right to left: a masked multi-byte character becomes one `*`, which would move the
    // values after it on the line (two in a Compose flow map) from their offsets.
    for def in config.defs.iter().rev() {
        let start = def.value_range.start.max(line_range.start);
        let end = def.value_range.end.min(line_range.end);
        if start >= end {
            continue;
        }
        let (s, e) = (start - line_range.start, end - line_range.start);
        if !out.is_char_boundary(s) || !out.is_char_boundary(e) {
            continue;
        }
        // The characters of this line's part of the value to mask.
        let masked = if def.secret || looks_secret(&def.name, &def.value) {
            let keep = if def.value.chars().count() <= 8 { 0 } else { 4 };
            // Quotes are kept too when the range holds them: they are not the value.
            let quoted = usize::from(def.quotes_in_range());
            let skip = if start == def.value_range.start {
                keep + quoted
            } else {
                0
            };
            let to = if end == def.value_range.end {
                e - quoted
            } else {
                e
            };
            let from = out[s..to]
                .char_indices()
                .nth(skip)
                .map_or(to, |(i, _)| s + i);
            from..to
        } else if let Some(password) = url_password(&out[s..e]) {
            s + password.start..s + password.end
        } else {
            continue;
        };
        let stars = "*".repeat(out[masked.clone()].chars().count());
        out.replace_range(masked, &stars);
    }
    out
}

impl Rule for SecretInRepo {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn builds_fixes(&self) -> bool {
        false
    }

    fn check_config(&self, cx: &ConfigCx, out: &mut Vec<Finding>) {
        if cx.profile == Profile::Example {
            return;
        }
        let mut tracked = None;
        for def in &cx.config.defs {
            let why = match credential_format(&def.value) {
                Some(format) => format!("holds what looks like {format}"),
                None if secret_name(&def.name) && literal_secret(&def.value) => {
                    "names a secret and has a literal value".to_string()
                }
                None => continue,
            };
            // Only ask git once a candidate exists: most files have none.
            if !*tracked.get_or_insert_with(|| cx.ws.is_tracked(cx.path)) {
                return;
            }
            out.push(
                Finding::new(
                    INFO.code,
                    cx.path,
                    def.value_range.clone(),
                    format!("`{}` {why} (`{}`) in a file git tracks", def.name, display_value(&def.name, &def.value)),
                )
                .with_help("move the value to a secret manager or an untracked file, rotate it, and reference it instead"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::check_in_git;

    #[test]
    fn secret_names_in_any_case() {
        for yes in [
            "DB_PASSWORD",
            "db_password",
            "Stripe_Api_Key",
            "GITHUB_TOKEN",
            "x_secret",
        ] {
            assert!(secret_name(yes), "{yes}");
        }
        for yes in [
            "passwd_hint",
            "apiKey",
            "dbPassword",
            "ACCESS_TOKEN_TTL",
            "GITHUBTOKEN",
            "APITOKEN",
            "DB_PASSWORD2",
            "PASSWORD1",
            "GITHUBTOKEN_PROD",
            "STRIPE_SECRETKEY",
            "API_TOKENS",
            "passwordHash",
        ] {
            assert!(
                secret_name(yes),
                "{yes}: anywhere, unless letters carry it on into a longer word"
            );
        }
        for yes in [
            "SECRET",
            "token",
            "my-PaSsWd",
            "x.client_secret.y",
            "AAPIKEY",
            "ééTOKEN",
        ] {
            assert!(
                secret_name(yes),
                "{yes}: at either end, in the middle, any case"
            );
        }
        for no in [
            "LOG_LEVEL",
            "log_level",
            "Port",
            "API_URL",
            "",
            "SECRE",
            "TOKE",
            "API-KEY",
        ] {
            assert!(!secret_name(no), "{no}");
        }
        for no in [
            "TOKENIZER_MODEL",
            "SECRETARY_EMAIL",
            "PASSWORDLESS_LOGIN",
            "tokenizer",
        ] {
            assert!(!secret_name(no), "{no}: a word inside a longer one");
        }
    }

    #[test]
    fn numbers_and_flags_are_no_secret_by_name_alone() {
        for (name, value) in [
            ("ACCESS_TOKEN_TTL", "900"),
            ("PASSWORD_MIN_LENGTH", "12"),
            ("SECRET_ROTATION_DAYS", "30"),
            ("TOKEN_RATIO", "-0.5"),
            ("API_KEY_ENABLED", "1"),
            ("API_KEY_ENABLED", "YES"),
            ("API_KEY_ENABLED", "Off"),
            ("API_KEY_ENABLED", "true"),
        ] {
            assert!(
                secret_name(name) && !literal_secret(value),
                "{name}={value}: not reported"
            );
            // Shown masked all the same, but for flags: a numeric password is a password.
            assert_eq!(looks_secret(name, value), !is_flag(value), "{name}={value}");
        }
        assert!(literal_secret("12345678x") && looks_secret("DB_PASSWORD", "12345678x"));
        assert!(
            looks_secret("DB_PASSWORD", "1.2.3"),
            "a version-like string is no number"
        );
        assert!(
            looks_secret("RETRIES", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "a credential format counts whatever the name"
        );
    }

    #[test]
    fn recognises_credential_formats() {
        assert!(credential_format("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(credential_format("ghp_abcdefghijklmnopqrstuvwxyz0123456789").is_some());
        assert!(credential_format("sk-proj0123456789abcdefghij").is_some());
        assert!(credential_format("xoxb-1234567890-abc").is_some());
        assert!(credential_format("-----BEGIN RSA PRIVATE KEY-----\nMII").is_some());
        assert!(credential_format("sk-...").is_none());
        assert!(credential_format("production").is_none());
    }

    #[test]
    fn never_shows_more_than_four_characters() {
        assert_eq!(display_value("JWT_SECRET", "s3cr3t-value-123"), "s3cr…");
        assert_eq!(display_value("JWT_SECRET", "short"), "****");
        assert_eq!(display_value("LOG_LEVEL", "info"), "info");
        assert_eq!(
            display_value("JWT_SECRET", "${{ secrets.JWT }}"),
            "${{ secrets.JWT }}"
        );
    }

    #[test]
    fn key_names_and_interpolation_defaults_are_shown_masked() {
        for (name, value, shown) in [
            (
                "SIGNING_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "wJal…",
            ),
            ("encryption_key", "abc", "****"),
            ("API_KEY_ENABLED", "true", "true"),
            ("DB_PASSWORD", "123456789", "1234…"),
            ("ACCESS_TOKEN_TTL", "900", "****"),
            ("KEY", "plain", "plain"),
            ("JWT_SECRET", "${JWT_SECRET:-s3cr3t-value-123}", "${JW…"),
            ("JWT_SECRET", "${JWT_SECRET}", "${JWT_SECRET}"),
        ] {
            assert_eq!(display_value(name, value), shown, "{name}={value}");
        }
    }

    #[test]
    fn two_values_with_wide_characters_on_one_line_are_both_masked() {
        let text = "services:\n  a:\n    environment: {DB_PASSWORD: \"pässwörd-ünïcode\", API_TOKEN: \"tökén-välüe-long\"}\n";
        let config = crate::config::parse_config(crate::config::ConfigKind::Compose, text);
        assert_eq!(config.defs.len(), 2);
        let start = text.find("    environment").unwrap();
        let end = text.len() - 1;
        let masked = mask_line(&config, &text[start..end], start..end);
        assert_eq!(
            masked,
            "    environment: {DB_PASSWORD: \"päss************\", API_TOKEN: \"töké************\"}"
        );
    }

    #[test]
    fn a_url_password_with_unencoded_marks_is_masked_whole() {
        assert_eq!(
            display_value("DATABASE_URL", "postgres://u:p#ss?w@db:5432/app"),
            "postgres://u:****@db:5432/app"
        );
    }

    #[test]
    fn a_url_password_is_masked_whatever_the_name() {
        assert_eq!(
            display_value("REDIS_URL", "redis://:Sup3rS3cretEXAMPLE@redis:6379"),
            "redis://:****@redis:6379"
        );
        assert_eq!(
            display_value("DATABASE_URL", "postgres://app:pw@db/app?sslmode=require"),
            "postgres://app:****@db/app?sslmode=require"
        );
        for plain in [
            "redis://redis:6379",
            "postgres://app@db/app",
            "https://example.com/a:b@c",
            "postgres://app:@db/app",
        ] {
            assert_eq!(display_value("DATABASE_URL", plain), plain);
        }
    }

    /// The last line of `text`, masked as snippets show it.
    fn masked_last_line(kind: crate::config::ConfigKind, text: &str) -> String {
        let config = crate::config::parse_config(kind, text);
        let start = text.trim_end().rfind('\n').map_or(0, |i| i + 1);
        let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
        mask_line(&config, &text[start..end], start..end)
    }

    #[test]
    fn masked_lines_keep_four_characters_whatever_the_quoting() {
        use crate::config::ConfigKind::{Compose, Dotenv};
        let env = "services:\n  app:\n    environment:\n";
        for (kind, text, masked) in [
            (
                Compose,
                format!("{env}      - \"REDIS_PASSWORD=listQUOTEDSECRET\"\n"),
                "      - \"REDIS_PASSWORD=list************\"",
            ),
            (
                Compose,
                format!("{env}      - REDIS_TOKEN=plainLISTSECRET\n"),
                "      - REDIS_TOKEN=plai***********",
            ),
            (
                Compose,
                format!("{env}      REDIS_PASSWORD: \"mapQUOTEDSECRET\"\n"),
                "      REDIS_PASSWORD: \"mapQ***********\"",
            ),
            (
                Dotenv,
                "JWT_SECRET='dotQUOTEDSECRET'\n".to_string(),
                "JWT_SECRET='dotQ***********'",
            ),
            (
                Dotenv,
                "REDIS_URL=\"redis://:Sup3rS3cretEXAMPLE@redis:6379\"\n".to_string(),
                "REDIS_URL=\"redis://:******************@redis:6379\"",
            ),
        ] {
            assert_eq!(masked_last_line(kind, &text), masked);
        }
    }

    #[test]
    fn tracked_secrets_fire_and_examples_or_untracked_do_not() {
        let out = check_in_git(
            "secret-in-repo",
            &[
                (".env.production", "JWT_SECRET=s3cr3t-value-123\nLOG_LEVEL=info\nDB_PASSWORD=\nAPI_KEY=${API_KEY}\n\
                    ACCESS_TOKEN_TTL=900\nPASSWORD_MIN_LENGTH=12\nSECRET_ROTATION_DAYS=30\nAPI_KEY_ENABLED=yes\n\
                    TOKENIZER_MODEL=bert-base-uncased\nGITHUBTOKEN=literal-value-1\nSIGNING_KEY=literal-value-2\n"),
                (".env.example", "JWT_SECRET=s3cr3t-value-123\n"),
                ("deploy/app.yaml", "env:\n  - name: AWS_KEY_ID\n    value: AKIAIOSFODNN7EXAMPLE\n"),
            ],
            &[".env.local"],
            &[(".env.local", "JWT_SECRET=s3cr3t-value-123\n")],
        );
        assert_eq!(
            out,
            [
                ".env.production:1: `JWT_SECRET` names a secret and has a literal value (`s3cr…`) in a file git tracks",
                ".env.production:10: `GITHUBTOKEN` names a secret and has a literal value (`lite…`) in a file git tracks",
                "deploy/app.yaml:3: `AWS_KEY_ID` holds what looks like an AWS access key id (`AKIA…`) in a file git tracks",
            ]
        );
        assert!(out.iter().all(|l| !l.contains("s3cr3t-value")));
    }
}
