//! Dotenv files: `KEY=value` lines with comments, `export`, quotes and multi-line values.
//!
//! Hand-written byte scanner: every position it slices at is an ASCII byte (or the end of
//! the text), so slicing never splits a UTF-8 character.

use super::{ConfigFile, ConfigKind, EnvDef, Quote};

pub(crate) fn parse(text: &str) -> ConfigFile {
    let mut file = ConfigFile {
        kind: ConfigKind::Dotenv,
        defs: Vec::new(),
        env_files: Vec::new(),
        comments: Vec::new(),
    };
    let bytes = text.as_bytes();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while pos < bytes.len() {
        pos = parse_line(text, pos, &mut file);
    }
    file
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_blanks(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && is_blank(bytes[pos]) {
        pos += 1;
    }
    pos
}

/// End of the line starting at or before `pos`: the index of `\n` (or the text length).
fn line_end(bytes: &[u8], pos: usize) -> usize {
    memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i)
}

/// Content end of a line: excludes a trailing `\r`.
fn content_end(bytes: &[u8], start: usize, end: usize) -> usize {
    if end > start && bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// After `end` (a line's `\n` or the text end): the start of the next line.
fn next_line(bytes: &[u8], end: usize) -> usize {
    (end + 1).min(bytes.len())
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'
}

/// Records a `#` comment running from `hash` to `end` (exclusive, no newline).
fn push_comment(text: &str, hash: usize, end: usize, file: &mut ConfigFile) {
    let body = text[hash + 1..end].trim();
    file.comments.push((body.to_string(), hash..end));
}

/// Parses the line starting at `start`; returns where the next line starts.
fn parse_line(text: &str, start: usize, file: &mut ConfigFile) -> usize {
    let bytes = text.as_bytes();
    let eol = line_end(bytes, start);
    let end = content_end(bytes, start, eol);
    let mut pos = skip_blanks(bytes, start);
    if pos >= end {
        return next_line(bytes, eol);
    }
    if bytes[pos] == b'#' {
        push_comment(text, pos, end, file);
        return next_line(bytes, eol);
    }
    let def_start = pos;
    if bytes[pos..end].starts_with(b"export") && pos + 6 < end && is_blank(bytes[pos + 6]) {
        pos = skip_blanks(bytes, pos + 6);
    }
    if pos >= end || !is_key_start(bytes[pos]) {
        return next_line(bytes, eol);
    }
    let name_start = pos;
    while pos < end && is_key_byte(bytes[pos]) {
        pos += 1;
    }
    let name_range = name_start..pos;
    pos = skip_blanks(bytes, pos);
    if pos >= end || bytes[pos] != b'=' {
        return next_line(bytes, eol);
    }
    let after_eq = pos + 1;
    pos = skip_blanks(bytes, after_eq);

    let (value_range, value, quote, resume) =
        if pos >= end || (bytes[pos] == b'#' && pos > after_eq) {
            // `KEY=` or `KEY= # comment`: empty value right after `=`.
            (after_eq..after_eq, String::new(), Quote::None, after_eq)
        } else if bytes[pos] == b'\'' {
            match memchr::memchr(b'\'', &bytes[pos + 1..end]) {
                Some(i) => {
                    let close = pos + 1 + i;
                    (
                        pos..close + 1,
                        text[pos + 1..close].to_string(),
                        Quote::Single,
                        close + 1,
                    )
                }
                None => unquoted(text, pos, end),
            }
        } else if bytes[pos] == b'"' {
            match find_closing_double(bytes, pos + 1) {
                Some(close) => {
                    let value = unescape_double(&text[pos + 1..close]);
                    (pos..close + 1, value, Quote::Double, close + 1)
                }
                None => unquoted(text, pos, end),
            }
        } else {
            unquoted(text, pos, end)
        };

    // A quoted value may span lines: continue after its closing quote.
    let line_eol = line_end(bytes, resume.min(bytes.len()));
    let line_end_content = content_end(bytes, resume, line_eol);
    let rest = skip_blanks(bytes, resume);
    if rest < line_end_content && bytes[rest] == b'#' && (rest > resume || quote != Quote::None) {
        push_comment(text, rest, line_end_content, file);
    }

    file.defs.push(EnvDef {
        name: text[name_range.clone()].to_string(),
        name_range,
        raw: text[value_range.clone()].to_string(),
        range: def_start..value_range.end.max(after_eq),
        value_range,
        value,
        quote,
        secret: false,
    });
    next_line(bytes, line_eol)
}

/// An unquoted value from `pos` to the end of line or an inline ` #` comment, trailing
/// blanks trimmed. Returns (range, value, quote, resume position for comment scanning).
fn unquoted(text: &str, pos: usize, end: usize) -> (std::ops::Range<usize>, String, Quote, usize) {
    let bytes = text.as_bytes();
    let mut stop = end;
    let mut i = pos + 1;
    while i < end {
        if bytes[i] == b'#' && is_blank(bytes[i - 1]) {
            stop = i;
            break;
        }
        i += 1;
    }
    let mut value_end = stop;
    while value_end > pos && is_blank(bytes[value_end - 1]) {
        value_end -= 1;
    }
    (
        pos..value_end,
        text[pos..value_end].to_string(),
        Quote::None,
        value_end,
    )
}

/// Index of the closing `"` (not escaped by `\`) at or after `from`; may cross lines.
fn find_closing_double(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Resolves `\n`, `\r`, `\t`, `\"`, `\\`, `\$` in a double-quoted dotenv value; other
/// backslashes are kept as written. Real CRLF line breaks become `\n`.
fn unescape_double(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek().copied() {
                Some('n') => {
                    out.push('\n');
                    chars.next();
                }
                Some('r') => {
                    out.push('\r');
                    chars.next();
                }
                Some('t') => {
                    out.push('\t');
                    chars.next();
                }
                Some(e @ ('"' | '\\' | '$' | '\'')) => {
                    out.push(e);
                    chars.next();
                }
                _ => out.push('\\'),
            },
            '\r' if chars.peek() == Some(&'\n') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def<'a>(file: &'a ConfigFile, name: &str) -> &'a EnvDef {
        file.defs
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name} in {:#?}", file.defs))
    }

    #[test]
    fn plain_and_quoted_values() {
        let text = "A=1\nB='two words'\nC=\"x\\ny \\\"q\\\" \\\\ \\$HOME\"\nD=false\n";
        let f = parse(text);
        assert_eq!(f.defs.len(), 4);
        let a = def(&f, "A");
        assert_eq!(a.name_range, 0..1);
        assert_eq!(&text[a.value_range.clone()], "1");
        assert_eq!(a.range, 0..3);
        let b = def(&f, "B");
        assert_eq!(&text[b.value_range.clone()], "'two words'");
        assert_eq!((b.value.as_str(), b.quote), ("two words", Quote::Single));
        let c = def(&f, "C");
        assert_eq!(
            &text[c.value_range.clone()],
            "\"x\\ny \\\"q\\\" \\\\ \\$HOME\""
        );
        assert_eq!(c.value, "x\ny \"q\" \\ $HOME");
        assert_eq!(c.quote, Quote::Double);
        assert_eq!(c.raw, text[c.value_range.clone()]);
        let d = def(&f, "D");
        assert_eq!(
            d.value_range,
            text.find("false").unwrap()..text.find("false").unwrap() + 5
        );
    }

    #[test]
    fn single_quotes_are_literal() {
        let text = "A='a\\nb $X'";
        let a = &parse(text).defs[0];
        assert_eq!(a.value, "a\\nb $X");
        assert_eq!(a.value_range, 2..text.len());
    }

    #[test]
    fn comments_full_line_and_inline() {
        let text = "# top comment \nA=1 # inline\nB=x#notcomment\nC=\"q\" # after quote\n  # readiness-disable-next-line RD001\nD=\n";
        let f = parse(text);
        let bodies: Vec<&str> = f.comments.iter().map(|(b, _)| b.as_str()).collect();
        assert_eq!(
            bodies,
            [
                "top comment",
                "inline",
                "after quote",
                "readiness-disable-next-line RD001"
            ]
        );
        for (body, range) in &f.comments {
            assert!(text[range.clone()].starts_with('#'));
            assert!(text[range.clone()].contains(body.as_str()));
        }
        assert_eq!(f.comments[0].1, 0..14);
        assert_eq!(def(&f, "A").raw, "1");
        assert_eq!(def(&f, "B").raw, "x#notcomment");
        assert_eq!(def(&f, "C").value, "q");
        let d = def(&f, "D");
        let eq = text.find("D=").unwrap() + 2;
        assert_eq!(
            (d.value_range.clone(), d.raw.as_str(), d.value.as_str()),
            (eq..eq, "", "")
        );
    }

    #[test]
    fn export_and_spaces_around_equals() {
        let text = "export A=1\nexport\tB = two \nexported=3\nKEY = value # c\n";
        let f = parse(text);
        let a = def(&f, "A");
        assert_eq!(a.name_range, 7..8);
        assert_eq!(a.range, 0..10);
        let b = def(&f, "B");
        assert_eq!(&text[b.name_range.clone()], "B");
        assert_eq!(&text[b.value_range.clone()], "two");
        assert_eq!(def(&f, "exported").raw, "3");
        let k = def(&f, "KEY");
        assert_eq!(&text[k.value_range.clone()], "value");
    }

    #[test]
    fn empty_value_with_comment() {
        let text = "A= # nothing\n";
        let f = parse(text);
        assert_eq!(f.defs[0].value_range, 2..2);
        assert_eq!(f.comments[0].0, "nothing");
    }

    #[test]
    fn multiline_double_quoted() {
        let text = "KEY=\"line1\r\nline2\"\r\nNEXT=ok\r\n";
        let f = parse(text);
        let k = def(&f, "KEY");
        assert_eq!(&text[k.value_range.clone()], "\"line1\r\nline2\"");
        assert_eq!(k.value, "line1\nline2");
        let n = def(&f, "NEXT");
        assert_eq!(&text[n.value_range.clone()], "ok");
        assert_eq!(f.defs.len(), 2);
    }

    #[test]
    fn crlf_bom_tabs_non_ascii() {
        let text = "\u{feff}A=é\r\n\tB=ü ñ\t\r\nC=\"日本\"\r\n";
        let f = parse(text);
        let a = def(&f, "A");
        assert_eq!(a.name_range, 3..4);
        assert_eq!(&text[a.value_range.clone()], "é");
        assert_eq!(def(&f, "B").raw, "ü ñ");
        assert_eq!(def(&f, "C").value, "日本");
    }

    #[test]
    fn unterminated_quotes_and_junk() {
        let text = "A=\"never closed\nB='also open\nC=fine\n=nokey\n1X=bad\nnot a def\nD\n";
        let f = parse(text);
        // An unterminated double quote falls back to the raw line.
        assert_eq!(def(&f, "A").raw, "\"never closed");
        assert_eq!(def(&f, "B").raw, "'also open");
        assert_eq!(def(&f, "C").raw, "fine");
        assert_eq!(f.defs.len(), 3);
    }

    #[test]
    fn no_trailing_newline() {
        let f = parse("A=1");
        assert_eq!(f.defs[0].value_range, 2..3);
        let f = parse("A=");
        assert_eq!(f.defs[0].value_range, 2..2);
        let f = parse("#");
        assert_eq!(f.comments[0], (String::new(), 0..1));
    }
}
