//! Env requirements declared by fenced blocks of `NAME=value` lines, and the placeholder
//! values (`sk-...`, `<secret>`, `changeme`) that declare a variable without requiring a value.

use std::ops::Range;

use super::lines::lines;

/// Info strings whose blocks may be env declarations (untagged blocks too).
pub fn is_env_language(info: &str) -> bool {
    let lang = info
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("");
    let lang = lang.trim_start_matches('.');
    lang.is_empty()
        || [
            "bash",
            "sh",
            "shell",
            "zsh",
            "env",
            "dotenv",
            "properties",
            "ini",
            "console",
        ]
        .iter()
        .any(|l| lang.eq_ignore_ascii_case(l))
}

/// A value that only stands for "some value": empty, `...`, `<...>`, `${...}`, `changeme`,
/// `xxx`, `your-...`, `todo`.
pub fn is_placeholder_value(value: &str) -> bool {
    // Asked of every `NAME=value` a checklist holds: no lower-cased copy, and short values
    // looked through byte by byte rather than with a substring searcher's set-up.
    const WORDS: &[&str] = &[
        "changeme",
        "change-me",
        "change_me",
        "todo",
        "tbd",
        "placeholder",
        "secret",
        "replace-me",
        "replace_me",
    ];
    let v = value.trim();
    let b = v.as_bytes();
    let ellipsis_or_template = b.windows(3).any(|w| w == b"..." || w == "…".as_bytes())
        || b.windows(2).any(|w| w == b"${");
    if v.is_empty() || ellipsis_or_template {
        return true;
    }
    if v.starts_with('<') && v.ends_with('>') {
        return true;
    }
    if WORDS.iter().any(|w| v.eq_ignore_ascii_case(w)) {
        return true;
    }
    if b.len() >= 3 && b.iter().all(|c| c.eq_ignore_ascii_case(&b'x')) {
        return true;
    }
    ["your-", "your_", "<your"].iter().any(|p| {
        b.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p.as_bytes()))
    })
}

/// One `NAME=value` line: name, value as written (quotes stripped), and the range of
/// `NAME=value` within the line (comments and `export ` excluded).
pub struct Assignment<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub range: Range<usize>,
}

fn is_env_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// Parses `NAME=value` or `export NAME=value` (leading whitespace allowed).
pub fn parse_assignment(line: &str) -> Option<Assignment<'_>> {
    let indent = line.len() - line.trim_start().len();
    let mut start = indent;
    let rest = &line[indent..];
    if let Some(after) = rest.strip_prefix("export ") {
        start += "export ".len() + (after.len() - after.trim_start().len());
    }
    let body = &line[start..];
    let eq = body.find('=')?;
    let name = &body[..eq];
    if !is_env_name(name) {
        return None;
    }
    let value_start = start + eq + 1;
    let raw = &line[value_start..];
    let (value, value_len) = if let Some(q @ ('"' | '\'')) = raw.chars().next() {
        let close = raw[1..].find(q)?;
        (&raw[1..1 + close], close + 2)
    } else {
        // Unquoted: up to a ` #` comment or the end.
        let end = raw
            .char_indices()
            .find(|&(i, c)| c == '#' && i > 0 && raw[..i].ends_with([' ', '\t']))
            .map(|(i, _)| i)
            .unwrap_or(raw.len());
        let v = raw[..end].trim_end();
        if v.contains(char::is_whitespace) {
            return None;
        }
        (v, v.len())
    };
    Some(Assignment {
        name,
        value,
        range: start..value_start + value_len,
    })
}

/// The assignments of a code block's content, when every non-blank, non-comment line is one.
/// Ranges are relative to `content`.
pub fn parse_block(content: &str) -> Option<Vec<Assignment<'_>>> {
    let mut out = Vec::new();
    for (off, line) in lines(content) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let a = parse_assignment(line)?;
        out.push(Assignment {
            range: off + a.range.start..off + a.range.end,
            ..a
        });
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for v in [
            "",
            "...",
            "mongodb://...",
            "sk-...",
            "<strong-random-secret>",
            "${X}",
            "changeme",
            "XXXX",
            "your-key",
            "your_token",
            "TODO",
            "Your-Key",
            "<YOUR_KEY",
            "ChangeMe",
            "a…",
            "…",
            " ${A}b ",
            "xXx",
        ] {
            assert!(is_placeholder_value(v), "{v}");
        }
        for v in [
            "production",
            "3000",
            "gpt-4",
            "false",
            "redis://localhost:6379",
            "xx",
            "you-key",
            "a.b.c",
            "$X",
            "{x}",
            "<a",
            "é",
            "changemenow",
        ] {
            assert!(!is_placeholder_value(v), "{v}");
        }
    }

    #[test]
    fn parses_blocks() {
        let content = "# Required\nNODE_ENV=production\n  export PORT=3000  # web\n\nKEY=\"a b\"\n";
        let a = parse_block(content).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!((a[0].name, a[0].value), ("NODE_ENV", "production"));
        assert_eq!(&content[a[1].range.clone()], "PORT=3000");
        assert_eq!(&content[a[2].range.clone()], "KEY=\"a b\"");
        assert_eq!(a[2].value, "a b");
        assert!(parse_block("pnpm build\nX=1\n").is_none());
        assert!(parse_block("# only comments\n").is_none());
        assert!(parse_block("echo $?  # Should be 0").is_none());
    }

    #[test]
    fn languages() {
        assert!(is_env_language(""));
        assert!(is_env_language("bash"));
        assert!(is_env_language("dotenv title=x"));
        assert!(!is_env_language("javascript"));
        assert!(!is_env_language("yaml"));
    }
}
