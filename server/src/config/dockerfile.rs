//! Dockerfiles and Containerfiles: `ENV` and `ARG` definitions, and `#` comments.
//!
//! Hand-written line scanner rather than the arborium-dockerfile tree-sitter grammar:
//! that grammar has no rule for the legacy `ENV KEY value with spaces` form, and its
//! error recovery then wraps the whole rest of the file in one ERROR node, losing every
//! later definition. Dockerfile syntax is line-based, so a scanner is simple and exact:
//! logical lines joined by the escape character (`\`, or `` ` `` after an
//! `# escape=` parser directive), comment lines inside continuations skipped, heredoc
//! bodies (`RUN <<EOF`) skipped.
//!
//! Positions: `ENV A=b` / `ARG A=b`: `name_range` covers `A`, `value_range` the word
//! after `=` as written (quotes included; an empty range right after `=` for `A=`);
//! `ARG A`: an empty `value_range` right after the name. Legacy `ENV A b c`: the value is
//! the rest of the instruction. `range` covers the `A=b` word (legacy: name to end).

use std::ops::Range;

use super::{ConfigFile, ConfigKind, EnvDef, Quote};

pub(crate) fn parse(text: &str) -> ConfigFile {
    let mut file = ConfigFile {
        kind: ConfigKind::Dockerfile,
        defs: Vec::new(),
        env_files: Vec::new(),
        comments: Vec::new(),
    };
    let bytes = text.as_bytes();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut escape = b'\\';
    let mut directives_allowed = true;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    while pos < bytes.len() {
        let (start, end, next) = line_at(bytes, pos);
        pos = next;
        if let Some((delimiter, strip_tabs)) = heredocs.first() {
            let line = &text[start..end];
            let line = if *strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if line == delimiter {
                heredocs.remove(0);
            }
            continue;
        }
        let first = skip_ws(bytes, start, end);
        if first >= end {
            directives_allowed = false;
            continue;
        }
        if bytes[first] == b'#' {
            if directives_allowed {
                match directive_escape(&text[first + 1..end]) {
                    Some(Some(e)) => escape = e,
                    Some(None) => {}
                    None => directives_allowed = false,
                }
            }
            push_comment(text, first, end, &mut file);
            continue;
        }
        directives_allowed = false;
        // Join continuation lines into one logical instruction.
        let mut logical_end = end;
        let mut content_end = end;
        while ends_with_escape(bytes, start, content_end, escape) && pos < bytes.len() {
            let (s, e, n) = line_at(bytes, pos);
            pos = n;
            let f = skip_ws(bytes, s, e);
            if f < e && bytes[f] == b'#' {
                push_comment(text, f, e, &mut file);
                continue;
            }
            content_end = e;
            if f < e {
                logical_end = e;
            }
        }
        let instruction = first..logical_end;
        let keyword_end = instruction.start
            + bytes[instruction.clone()]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
        let keyword = &text[instruction.start..keyword_end];
        let words = words(bytes, keyword_end, logical_end, escape);
        if keyword.eq_ignore_ascii_case("env") {
            env_defs(text, &words, logical_end, escape, &mut file.defs);
        } else if keyword.eq_ignore_ascii_case("arg") {
            for w in &words {
                file.defs.extend(pair_def(text, w.clone(), escape, true));
            }
        } else {
            heredocs.extend(heredoc_delimiters(&text[instruction]));
        }
    }
    file
}

/// The line at `pos`: (start, content end without `\r\n`, start of the next line).
fn line_at(bytes: &[u8], pos: usize) -> (usize, usize, usize) {
    let nl = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
    let end = if nl > pos && bytes[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    (pos, end, (nl + 1).min(bytes.len()))
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

fn skip_ws(bytes: &[u8], mut pos: usize, end: usize) -> usize {
    while pos < end && is_ws(bytes[pos]) {
        pos += 1;
    }
    pos
}

fn push_comment(text: &str, hash: usize, end: usize, file: &mut ConfigFile) {
    file.comments
        .push((text[hash + 1..end].trim().to_string(), hash..end));
}

/// A parser directive comment body: `Some(Some(c))` for `escape=c`, `Some(None)` for
/// another directive (`syntax=...`), `None` for an ordinary comment.
fn directive_escape(body: &str) -> Option<Option<u8>> {
    let (key, value) = body.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    if key.eq_ignore_ascii_case("escape") {
        return Some(match value.trim() {
            "`" => Some(b'`'),
            "\\" => Some(b'\\'),
            _ => None,
        });
    }
    Some(None)
}

fn ends_with_escape(bytes: &[u8], start: usize, end: usize, escape: u8) -> bool {
    let mut e = end;
    while e > start && is_ws(bytes[e - 1]) {
        e -= 1;
    }
    e > start && bytes[e - 1] == escape
}

/// If a line continuation (escape, blanks, newline) starts at `i`: the position after it
/// and after any comment or empty lines that follow.
fn continuation_end(bytes: &[u8], i: usize, end: usize, escape: u8) -> Option<usize> {
    if bytes.get(i) != Some(&escape) {
        return None;
    }
    let mut j = skip_ws(bytes, i + 1, end);
    if j < end && bytes[j] != b'\n' {
        return None;
    }
    if j >= end && (j >= bytes.len() || bytes[j] != b'\n') {
        return None;
    }
    j += 1;
    // Comment and empty lines inside a continuation are dropped.
    loop {
        let f = skip_ws(bytes, j, end);
        if f < end && bytes[f] == b'#' {
            j = memchr::memchr(b'\n', &bytes[f..end]).map_or(end, |k| f + k + 1);
        } else if f < end && bytes[f] == b'\n' {
            j = f + 1;
        } else {
            return Some(j.min(end.max(i + 1)));
        }
    }
}

/// Whitespace-separated words in `from..to`, honouring quotes, escapes and continuations.
fn words(bytes: &[u8], from: usize, to: usize, escape: u8) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        if let Some(j) = continuation_end(bytes, i, to, escape) {
            i = j;
            continue;
        }
        if is_ws(bytes[i]) || bytes[i] == b'\n' {
            i += 1;
            continue;
        }
        let start = i;
        let mut content_end = i;
        while i < to {
            if let Some(j) = continuation_end(bytes, i, to, escape) {
                i = j;
                continue;
            }
            let b = bytes[i];
            if is_ws(b) || b == b'\n' {
                break;
            }
            i = match b {
                _ if b == escape => (i + 2).min(to),
                b'"' => closing(bytes, i + 1, to, b'"', Some(escape)),
                b'\'' => closing(bytes, i + 1, to, b'\'', None),
                _ => i + 1,
            };
            content_end = i;
        }
        out.push(start..content_end);
    }
    out
}

/// Position after the closing `quote` at or after `from` (or `to` when unterminated).
fn closing(bytes: &[u8], from: usize, to: usize, quote: u8, escape: Option<u8>) -> usize {
    let mut i = from;
    while i < to {
        match bytes[i] {
            b if Some(b) == escape => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    to
}

/// Removes quotes and escapes and drops continuations. Returns the value and the quote
/// style: Double/Single only when the whole word is one quoted string.
fn decode(bytes: &[u8], text: &str, range: Range<usize>, escape: u8) -> (String, Quote) {
    #[derive(PartialEq)]
    enum State {
        Plain,
        Double,
        Single,
    }
    let mut out = String::with_capacity(range.len());
    let mut state = State::Plain;
    let mut first_close = None;
    let mut i = range.start;
    let end = range.end;
    while i < end {
        if state != State::Single {
            if let Some(j) = continuation_end(bytes, i, end, escape) {
                i = j;
                continue;
            }
        }
        let Some(c) = text[i..end].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        match state {
            State::Single if c == '\'' => {
                state = State::Plain;
                first_close.get_or_insert(i);
            }
            State::Double if c == '"' => {
                state = State::Plain;
                first_close.get_or_insert(i);
            }
            State::Plain if c == '"' => state = State::Double,
            State::Plain if c == '\'' => state = State::Single,
            State::Plain | State::Double if c as u32 == u32::from(escape) => {
                if let Some(next) = text[i + 1..end].chars().next() {
                    if state == State::Double && !matches!(next, '"' | '$' | '\\' | '`' | '\n') {
                        out.push(c);
                    }
                    out.push(next);
                    i += 1 + next.len_utf8();
                    continue;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += len;
    }
    let quote = match (bytes.get(range.start), first_close) {
        (Some(b'"'), Some(close)) if close + 1 == end => Quote::Double,
        (Some(b'\''), Some(close)) if close + 1 == end => Quote::Single,
        _ => Quote::None,
    };
    (out, quote)
}

/// `NAME=value` (or, when `allow_bare`, `NAME`) as a definition.
fn pair_def(text: &str, word: Range<usize>, escape: u8, allow_bare: bool) -> Option<EnvDef> {
    let bytes = text.as_bytes();
    let w = &bytes[word.clone()];
    let eq = w.iter().position(|&b| b == b'=');
    let name_end = word.start + eq.unwrap_or(w.len());
    let name_range = word.start..name_end;
    let name = &text[name_range.clone()];
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
    {
        return None;
    }
    let value_range = match eq {
        Some(_) => name_end + 1..word.end,
        None if allow_bare => name_end..name_end,
        None => return None,
    };
    let (value, quote) = decode(bytes, text, value_range.clone(), escape);
    Some(EnvDef {
        name: name.to_string(),
        name_range,
        raw: text[value_range.clone()].to_string(),
        value_range,
        value,
        quote,
        range: word,
        secret: false,
    })
}

fn env_defs(
    text: &str,
    words: &[Range<usize>],
    logical_end: usize,
    escape: u8,
    defs: &mut Vec<EnvDef>,
) {
    let bytes = text.as_bytes();
    let Some(first) = words.first() else { return };
    if bytes[first.clone()].contains(&b'=') {
        for w in words {
            defs.extend(pair_def(text, w.clone(), escape, false));
        }
        return;
    }
    // Legacy `ENV NAME value with spaces`: the value is the rest of the instruction.
    let (Some(second), Some(last)) = (words.get(1), words.last()) else {
        return;
    };
    let name = &text[first.clone()];
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
    {
        return;
    }
    let value_range = second.start..last.end.min(logical_end);
    let (value, quote) = decode(bytes, text, value_range.clone(), escape);
    defs.push(EnvDef {
        name: name.to_string(),
        name_range: first.clone(),
        raw: text[value_range.clone()].to_string(),
        range: first.start..value_range.end,
        value_range,
        value,
        quote,
        secret: false,
    });
}

/// Heredoc delimiters opened by an instruction (`<<EOF`, `<<-EOF`, `<<"EOF"`), in order.
fn heredoc_delimiters(instruction: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = instruction;
    while let Some(i) = rest.find("<<") {
        rest = &rest[i + 2..];
        let strip_tabs = rest.starts_with('-');
        let r = rest.strip_prefix('-').unwrap_or(rest);
        let r = r.trim_start_matches(['"', '\'']);
        let word: String = r
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() {
            out.push((word, strip_tabs));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def<'a>(f: &'a ConfigFile, name: &str) -> &'a EnvDef {
        f.defs
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name} in {:#?}", f.defs))
    }

    fn at(t: &str, needle: &str) -> usize {
        t.find(needle)
            .unwrap_or_else(|| panic!("{needle} not in text"))
    }

    #[test]
    fn env_pairs() {
        let t = "FROM node:20\nENV A=b C=\"d e\" E='f g' F=\"x\\\"y\"\nENV EMPTY=\n";
        let f = parse(t);
        assert_eq!(f.defs.len(), 5);
        let a = def(&f, "A");
        assert_eq!(
            (a.name_range.clone(), a.value_range.clone()),
            (17..18, 19..20)
        );
        assert_eq!(&t[a.range.clone()], "A=b");
        let c = def(&f, "C");
        assert_eq!(&t[c.value_range.clone()], "\"d e\"");
        assert_eq!((c.value.as_str(), c.quote), ("d e", Quote::Double));
        let e = def(&f, "E");
        assert_eq!(
            (e.raw.as_str(), e.value.as_str(), e.quote),
            ("'f g'", "f g", Quote::Single)
        );
        let fq = def(&f, "F");
        assert_eq!((fq.raw.as_str(), fq.value.as_str()), ("\"x\\\"y\"", "x\"y"));
        let empty = def(&f, "EMPTY");
        let eq = at(t, "EMPTY=") + 6;
        assert_eq!(
            (empty.value_range.clone(), empty.value.as_str()),
            (eq..eq, "")
        );
    }

    #[test]
    fn legacy_env_form() {
        let t = "ENV LEGACY value with  spaces\nENV NEXT=1\n";
        let f = parse(t);
        let l = def(&f, "LEGACY");
        assert_eq!(&t[l.name_range.clone()], "LEGACY");
        assert_eq!(&t[l.value_range.clone()], "value with  spaces");
        assert_eq!(
            (l.value.as_str(), l.quote),
            ("value with  spaces", Quote::None)
        );
        assert_eq!(&t[l.range.clone()], "LEGACY value with  spaces");
        assert_eq!(def(&f, "NEXT").value, "1");
        let t = "ENV Q \"quoted value\"\n";
        let q = &parse(t).defs[0];
        assert_eq!(
            (q.value.as_str(), q.quote, q.raw.as_str()),
            ("quoted value", Quote::Double, "\"quoted value\"")
        );
    }

    #[test]
    fn arg_with_and_without_default() {
        let t = "ARG VERSION=1.2\nARG NO_DEFAULT\narg lower=\"x\"\n";
        let f = parse(t);
        let v = def(&f, "VERSION");
        assert_eq!(
            (v.name_range.clone(), &t[v.value_range.clone()]),
            (4..11, "1.2")
        );
        let n = def(&f, "NO_DEFAULT");
        let end = at(t, "NO_DEFAULT") + "NO_DEFAULT".len();
        assert_eq!(
            (n.value_range.clone(), n.raw.as_str(), n.value.as_str()),
            (end..end, "", "")
        );
        assert_eq!(def(&f, "lower").value, "x");
    }

    #[test]
    fn line_continuations() {
        let t = "ENV A=1 \\\n    B=\"two\" \\\n    # comment inside\n    C=$HOME/x\\ y\nRUN echo \\\n  ENV=not-a-def\n";
        let f = parse(t);
        assert_eq!(f.defs.len(), 3, "{:#?}", f.defs);
        let b = def(&f, "B");
        assert_eq!(b.name_range, at(t, "B=")..at(t, "B=") + 1);
        assert_eq!(&t[b.value_range.clone()], "\"two\"");
        let c = def(&f, "C");
        assert_eq!(&t[c.value_range.clone()], "$HOME/x\\ y");
        assert_eq!(c.value, "$HOME/x y");
        assert_eq!(f.comments.len(), 1);
        assert_eq!(f.comments[0].0, "comment inside");
        let t = "ENV LONG=abc\\\ndef\n";
        let l = &parse(t).defs[0];
        assert_eq!((l.raw.as_str(), l.value.as_str()), ("abc\\\ndef", "abcdef"));
    }

    #[test]
    fn comments_directives_and_escape() {
        let t = "# escape=`\n# readiness-disable-next-line RD002\nENV A=1 `\n    B=2\n";
        let f = parse(t);
        assert_eq!(
            f.comments[1],
            ("readiness-disable-next-line RD002".to_string(), 11..46)
        );
        assert_eq!(def(&f, "B").raw, "2");
        assert_eq!(def(&f, "A").raw, "1");
    }

    #[test]
    fn heredoc_bodies_are_skipped() {
        let t = "RUN <<EOF\nENV INSIDE=1\nEOF\nENV AFTER=2\nRUN <<-'END' cat\n\tARG NOPE\n\tEND\nARG LAST\n";
        let f = parse(t);
        let names: Vec<&str> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["AFTER", "LAST"]);
    }

    #[test]
    fn crlf_bom_non_ascii_and_junk() {
        let t = "\u{feff}FROM x\r\nENV Ü=1 A=\"é ü\" \\\r\n  B=日本\r\nENV\r\nENV =x\r\nARG\r\nENV C=\"unterminated\r\nENV D=4\r\n";
        let f = parse(t);
        let a = def(&f, "A");
        assert_eq!(&t[a.value_range.clone()], "\"é ü\"");
        assert_eq!(a.value, "é ü");
        assert_eq!(&t[def(&f, "B").value_range.clone()], "日本");
        assert_eq!(def(&f, "C").raw, "\"unterminated");
        assert_eq!(def(&f, "D").raw, "4");
        assert!(f.defs.iter().all(|d| d.name != "Ü"));
    }
}
