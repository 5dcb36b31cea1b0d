//! Fast path for the YAML most config files are written in: block mappings and
//! sequences, one-line plain and quoted scalars, simple one-line flow collections,
//! `|`/`>` block scalars, comments, and `---`-separated documents.
//!
//! It builds exactly the tree that [`super::yaml`]'s tree-sitter conversion builds, ranges
//! included, so callers cannot tell the two apart. Anything outside that subset, or that
//! it is not sure of, makes it decline (`None`) and tree-sitter, the reference, parses the
//! file instead; differential tests (`yaml_fast/tests.rs`) keep the two equal.
//!
//! Ranges follow tree-sitter-yaml's scanner:
//! - a block mapping or sequence ends at the end of the last token before the line that
//!   closes it (a comment counts as a token, even one less indented than the node); when
//!   it is still open at the end of the file, it ends at the end of the file;
//! - a document starts at its `---`, or at its content, and ends with its content;
//! - a block scalar ends after its last non-blank content character (end of file if only
//!   blank lines follow it).
//!
//! One known difference, kept on purpose: past line 32,767 tree-sitter-yaml's row counter
//! (an `int16_t`) wraps and its tree degrades into error recovery; the fast path's tree of
//! such a file is the right one.

use std::ops::Range;

use super::yaml::{Kind, Node, Pair, Scalar};
use super::Quote;

/// Deeper nesting declines (the recursion below is bounded by it).
const MAX_DEPTH: usize = 64;
/// YAML caps implicit keys at 1024 characters; longer ones are left to tree-sitter (which
/// has no such cap: declining them is only conservative).
const MAX_KEY_LEN: usize = 1024;

/// Parses `text` from `base` (after a BOM), or returns `None` when the text is outside
/// the subset. On `None`, `comments` is untouched.
pub(crate) fn parse(
    text: &str,
    base: usize,
    comments: &mut Vec<(String, Range<usize>)>,
) -> Option<Vec<Node>> {
    if !simple_chars(text.get(base..)?) {
        return None;
    }
    let mut p = Fast {
        text,
        b: text.as_bytes(),
        pos: base,
        last_end: base,
        comments: Vec::new(),
        depth: 0,
    };
    let roots = p.stream()?;
    comments.append(&mut p.comments);
    Some(roots)
}

/// No tabs, CRs or other control characters, no Unicode spaces, line breaks, BOMs or
/// non-characters: the scanner treats those specially, so they are left to it.
fn simple_chars(s: &str) -> bool {
    let bytes_ok = s.bytes().all(|b| b == b'\n' || (b >= 0x20 && b != 0x7f));
    if !bytes_ok {
        return false;
    }
    s.is_ascii()
        || s.chars().all(|c| {
            c.is_ascii()
                || !(c.is_whitespace()
                    || c.is_control()
                    || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
        })
}

struct Fast<'t> {
    text: &'t str,
    b: &'t [u8],
    /// Always at the start of a line (or the end of the text) between entries.
    pos: usize,
    /// End of the last token read, comments included.
    last_end: usize,
    comments: Vec<(String, Range<usize>)>,
    depth: usize,
}

/// What a line at column 0 starting with `---` or `...` is.
enum Marker {
    None,
    Start,
    End,
}

impl Fast<'_> {
    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.b[from..]).map_or(self.b.len(), |i| from + i)
    }

    fn next_line(&self, from: usize) -> usize {
        let le = self.line_end(from);
        (le + 1).min(self.b.len())
    }

    fn byte(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    fn spaces_from(&self, mut i: usize) -> usize {
        while self.b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    }

    fn comment(&mut self, at: usize, le: usize) {
        let body = self.text.get(at..le).unwrap_or("");
        let body = body.strip_prefix('#').unwrap_or(body).trim();
        self.comments.push((body.to_string(), at..le));
        self.last_end = le;
    }

    /// Skips blank and comment lines, recording the comments.
    fn skip_trivia(&mut self) {
        while self.pos < self.b.len() {
            let first = self.spaces_from(self.pos);
            match self.byte(first) {
                b'\n' => self.pos = self.next_line(first),
                b'#' => {
                    let le = self.line_end(first);
                    self.comment(first, le);
                    self.pos = self.next_line(le);
                }
                _ => return,
            }
        }
    }

    /// The line at `pos` as a document marker; `None` for a line starting with `---` or
    /// `...` that is not a bare marker (left to tree-sitter).
    fn marker(&self) -> Option<Marker> {
        let rest = &self.b[self.pos..];
        if !(rest.starts_with(b"---") || rest.starts_with(b"...")) {
            return Some(Marker::None);
        }
        if !matches!(self.byte(self.pos + 3), b' ' | b'\n') {
            return None;
        }
        Some(if rest[0] == b'-' {
            Marker::Start
        } else {
            Marker::End
        })
    }

    fn stream(&mut self) -> Option<Vec<Node>> {
        let mut roots = Vec::new();
        self.skip_trivia();
        while self.pos < self.b.len() {
            let mut start = None;
            match self.marker()? {
                Marker::End => return None,
                Marker::Start => {
                    start = Some(self.pos);
                    let after = self.pos + 3;
                    self.last_end = after;
                    self.rest_of_line(after)?;
                    self.skip_trivia();
                }
                Marker::None => {}
            }
            if self.pos >= self.b.len()
                || !matches!(self.marker()?, Marker::None)
                || self.byte(self.pos) == b' '
            {
                // An empty document, or content not in column 0.
                return None;
            }
            let root = self.block_node(self.pos, 0)?;
            if self.pos < self.b.len() && !matches!(self.marker()?, Marker::Start) {
                return None;
            }
            let range = start.unwrap_or(root.range.start)..root.range.end;
            roots.push(Node {
                range,
                kind: Kind::Other(vec![root]),
            });
        }
        Some(roots)
    }

    /// After a token ending at `at`: spaces, then the end of the line or a comment.
    /// Moves to the next line.
    fn rest_of_line(&mut self, at: usize) -> Option<()> {
        let i = self.spaces_from(at);
        let le = self.line_end(i);
        if i < le {
            if self.b[i] != b'#' || i == at {
                return None;
            }
            self.comment(i, le);
        }
        self.pos = self.next_line(le);
        Some(())
    }

    fn is_dash(&self, at: usize) -> bool {
        self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\n')
    }

    /// A block mapping or sequence whose first entry starts at `at`, in column `col`.
    fn block_node(&mut self, at: usize, col: usize) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let node = if self.is_dash(at) {
            self.block_seq(at, col)
        } else {
            self.block_map(at, col)
        };
        self.depth -= 1;
        node
    }

    /// After an entry: skips trivia and tells whether the next line continues the node
    /// at `col` (`Some(Some(at))`), ends it (`Some(None)`), or is out of the subset.
    fn next_entry(&mut self, col: usize) -> Option<Option<usize>> {
        self.skip_trivia();
        if self.pos >= self.b.len() || !matches!(self.marker()?, Marker::None) {
            return Some(None);
        }
        let first = self.spaces_from(self.pos);
        let indent = first - self.pos;
        match indent.cmp(&col) {
            std::cmp::Ordering::Less => Some(None),
            std::cmp::Ordering::Equal => Some(Some(first)),
            std::cmp::Ordering::Greater => None,
        }
    }

    /// Where a block node that stopped here ends: the end of the file if nothing but
    /// trivia is left, else the end of its last token.
    fn block_end(&self) -> usize {
        if self.pos >= self.b.len() {
            self.b.len()
        } else {
            self.last_end
        }
    }

    fn block_map(&mut self, mut at: usize, col: usize) -> Option<Node> {
        let start = at;
        let mut pairs = Vec::new();
        loop {
            let (key, colon_end) = match self.key_or_scalar(at)? {
                (node, Some(colon_end)) => (node, colon_end),
                (_, None) => return None,
            };
            self.last_end = colon_end;
            let value_slot = if self.byte(colon_end) == b' ' {
                colon_end + 1
            } else {
                colon_end
            };
            let value = self.value(colon_end, col, true)?;
            let end = value.as_ref().map_or(colon_end, |v| v.range.end);
            pairs.push(Pair {
                range: key.range.start..end,
                key: Some(key),
                value,
                value_slot,
            });
            match self.next_entry(col)? {
                Some(next) if !self.is_dash(next) => at = next,
                Some(_) => return None,
                None => break,
            }
        }
        Some(Node {
            range: start..self.block_end(),
            kind: Kind::Map(pairs),
        })
    }

    fn block_seq(&mut self, mut at: usize, col: usize) -> Option<Node> {
        let start = at;
        let mut items = Vec::new();
        loop {
            let dash_end = at + 1;
            self.last_end = dash_end;
            let content = self.spaces_from(dash_end);
            let le = self.line_end(content);
            let item = if content == le || self.b[content] == b'#' {
                self.value(dash_end, col, false)?.unwrap_or(Node {
                    range: dash_end..dash_end,
                    kind: Kind::Null,
                })
            } else if self.is_dash(content) {
                // The dash is at column `col`; what follows it on its line is ASCII. (Not
                // from the line's start: after a BOM, the first line's columns count from
                // `base`.)
                self.block_node(content, col + (content - at))?
            } else if matches!(self.b[content], b'|' | b'>' | b'[' | b'{') {
                self.value(dash_end, col, false)??
            } else {
                match self.key_or_scalar(content)? {
                    (_, Some(_)) => self.block_node(content, col + (content - at))?,
                    (scalar, None) => self.end_of_value(scalar)?,
                }
            };
            items.push(item);
            match self.next_entry(col)? {
                Some(next) if self.is_dash(next) => at = next,
                // tree-sitter-yaml's scanner ends a sequence only at a line that does not
                // start with `-` at all: `-y: 1` after `- x` is an error to it.
                Some(next) if self.byte(next) == b'-' => return None,
                // A key in the same column: this was a compact sequence, value of the
                // mapping that continues here.
                Some(_) | None => break,
            }
        }
        Some(Node {
            range: start..self.block_end(),
            kind: Kind::Seq(items),
        })
    }

    /// The value after a `:` or `-` ending at `after`, in a node at column `col`:
    /// `Some(None)` when there is none. `compact` allows a sequence in column `col` itself.
    fn value(&mut self, after: usize, col: usize, compact: bool) -> Option<Option<Node>> {
        let i = self.spaces_from(after);
        let le = self.line_end(i);
        if i == le || self.b[i] == b'#' {
            if i < le {
                self.comment(i, le);
            }
            self.pos = self.next_line(le);
            self.skip_trivia();
            if self.pos >= self.b.len() || !matches!(self.marker()?, Marker::None) {
                return Some(None);
            }
            let first = self.spaces_from(self.pos);
            let indent = first - self.pos;
            if indent > col || (compact && indent == col && self.is_dash(first)) {
                return self.block_node(first, indent).map(Some);
            }
            return Some(None);
        }
        if i == after {
            // `key:value` is not a pair; `-x` not an item.
            return None;
        }
        let node = match self.b[i] {
            b'|' | b'>' => return self.block_scalar(i, col).map(Some),
            b'[' | b'{' => self.flow(i)?,
            _ => match self.key_or_scalar(i)? {
                (_, Some(_)) => return None,
                (scalar, None) => scalar,
            },
        };
        self.end_of_value(node).map(Some)
    }

    /// After a one-line value: only a comment may follow on its line.
    fn end_of_value(&mut self, node: Node) -> Option<Node> {
        self.last_end = node.range.end;
        self.rest_of_line(node.range.end)?;
        Some(node)
    }

    /// A one-line scalar at `at`, and the end of the `:` after it if it is a key.
    fn key_or_scalar(&self, at: usize) -> Option<(Node, Option<usize>)> {
        let le = self.line_end(at);
        let node = match self.b[at] {
            b'"' | b'\'' => self.quoted(at, le)?,
            _ => self.plain(at, le)?,
        };
        let i = self.spaces_from(node.range.end);
        if self.byte(i) == b':' && matches!(self.byte(i + 1), b' ' | b'\n') {
            if node.range.len() > MAX_KEY_LEN {
                return None;
            }
            return Some((node, Some(i + 1)));
        }
        Some((node, None))
    }

    /// A plain scalar on one line: up to `: `, ` #` or the end of the line.
    fn plain(&self, at: usize, le: usize) -> Option<Node> {
        let first = self.b[at];
        if b"[]{},&*!|>%@`#\"' ".contains(&first) {
            return None;
        }
        if matches!(first, b'-' | b'?' | b':') && matches!(self.byte(at + 1), b' ' | b'\n') {
            return None;
        }
        let mut end = le;
        let mut i = at + 1;
        while i < le {
            match self.b[i] {
                b':' if matches!(self.byte(i + 1), b' ' | b'\n') => {
                    end = i;
                    break;
                }
                b'#' if self.b[i - 1] == b' ' => {
                    end = i;
                    break;
                }
                _ => i += 1,
            }
        }
        while end > at && self.b[end - 1] == b' ' {
            end -= 1;
        }
        Some(scalar(at..end, Quote::None, at..end))
    }

    /// A single- or double-quoted scalar closed on its line.
    fn quoted(&self, at: usize, le: usize) -> Option<Node> {
        let q = self.b[at];
        let mut i = at + 1;
        while i < le {
            match self.b[i] {
                b'\\' if q == b'"' => i += escape_len(&self.b[i + 1..le])? + 1,
                b'\'' if q == b'\'' && self.byte(i + 1) == b'\'' => i += 2,
                c if c == q => {
                    let quote = if q == b'"' {
                        Quote::Double
                    } else {
                        Quote::Single
                    };
                    return Some(scalar(at..i + 1, quote, at + 1..i));
                }
                _ => i += 1,
            }
        }
        None
    }

    /// `[a, "b"]`, `{k: v}`, `[]`, `{}` on one line, with scalar entries only.
    fn flow(&self, at: usize) -> Option<Node> {
        let (close, is_map) = if self.b[at] == b'[' {
            (b']', false)
        } else {
            (b'}', true)
        };
        let le = self.line_end(at);
        let mut items = Vec::new();
        let mut pairs = Vec::new();
        let mut i = self.spaces_from(at + 1);
        if self.byte(i) != close {
            loop {
                let entry = self.flow_scalar(i, le)?;
                i = self.spaces_from(entry.range.end);
                if is_map {
                    if self.byte(i) != b':' || self.byte(i + 1) != b' ' {
                        return None;
                    }
                    let colon_end = i + 1;
                    let value = self.flow_scalar(self.spaces_from(colon_end), le)?;
                    i = self.spaces_from(value.range.end);
                    pairs.push(Pair {
                        range: entry.range.start..value.range.end,
                        key: Some(entry),
                        value: Some(value),
                        value_slot: colon_end + 1,
                    });
                } else {
                    items.push(entry);
                }
                match self.byte(i) {
                    b',' => {
                        i = self.spaces_from(i + 1);
                        if self.byte(i) == close {
                            return None;
                        }
                    }
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        let kind = if is_map {
            Kind::Map(pairs)
        } else {
            Kind::Seq(items)
        };
        Some(Node {
            range: at..i + 1,
            kind,
        })
    }

    /// A quoted scalar, or a plain word of unremarkable characters, inside `[]`/`{}`.
    fn flow_scalar(&self, at: usize, le: usize) -> Option<Node> {
        match self.byte(at) {
            b'"' | b'\'' => self.quoted(at, le),
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'/' || c == b'.' => {
                let mut end = at + 1;
                while end < le
                    && (self.b[end].is_ascii_alphanumeric()
                        || matches!(self.b[end], b'_' | b'-' | b'.' | b'/' | b'@' | b'~' | b'+'))
                {
                    end += 1;
                }
                Some(scalar(at..end, Quote::None, at..end))
            }
            _ => None,
        }
    }

    /// A `|` or `>` block scalar whose header is at `at`, in a node at column `col`.
    fn block_scalar(&mut self, at: usize, col: usize) -> Option<Node> {
        let mut i = at + 1;
        if matches!(self.byte(i), b'-' | b'+') {
            i += 1;
        }
        let header_end = i;
        self.last_end = header_end;
        self.rest_of_line(header_end)?;
        // Leading blank lines: deeper than the content they would set the indentation.
        let mut line = self.pos;
        let mut leading_max = 0;
        let indent = loop {
            if line >= self.b.len() {
                return None;
            }
            let first = self.spaces_from(line);
            if self.byte(first) != b'\n' {
                break first - line;
            }
            leading_max = leading_max.max(first - line);
            line = self.next_line(first);
        };
        if indent <= col || leading_max > indent {
            return None;
        }
        let mut end = at;
        loop {
            if line >= self.b.len() {
                end = self.b.len();
                break;
            }
            let first = self.spaces_from(line);
            let le = self.line_end(first);
            if first == le {
                line = self.next_line(le);
                continue;
            }
            if first - line < indent {
                if first - line > col {
                    return None;
                }
                break;
            }
            end = le;
            while self.b[end - 1] == b' ' {
                end -= 1;
            }
            line = self.next_line(le);
        }
        self.pos = line;
        self.last_end = end;
        Some(Node {
            range: at..end,
            kind: Kind::Scalar(Scalar {
                quote: Quote::None,
                block: true,
                inner: at..end,
            }),
        })
    }
}

/// The length of a valid double-quoted escape after its `\\` (tree-sitter flags the
/// others as errors).
fn escape_len(rest: &[u8]) -> Option<usize> {
    let hex = match rest.first()? {
        b'0' | b'a' | b'b' | b't' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"' | b'/'
        | b'\\' | b'N' | b'_' | b'L' | b'P' => return Some(1),
        b'x' => 2,
        b'u' => 4,
        b'U' => 8,
        _ => return None,
    };
    let digits = rest.get(1..=hex)?;
    digits.iter().all(u8::is_ascii_hexdigit).then_some(hex + 1)
}

fn scalar(range: Range<usize>, quote: Quote, inner: Range<usize>) -> Node {
    Node {
        range,
        kind: Kind::Scalar(Scalar {
            quote,
            block: false,
            inner,
        }),
    }
}

#[cfg(test)]
mod tests;
