//! Unfilled template text: `[Name]`, `<APP_NAME>`, `YYYY-MM-DD`, `TBD`, and blanks made of
//! underscores (`______`, `**\_\_\_**`, `******\_******`).

use std::ops::Range;

use super::Placeholder;

/// Scans `masked` (code, comments and link destinations blanked out). `links` are the
/// sorted ranges of links and images, whose bracketed text is no placeholder.
pub fn scan(masked: &str, links: &[Range<usize>], out: &mut Vec<Placeholder>) {
    let mut starts = Starts::new(masked.as_bytes());
    scan_from(masked, links, |from| starts.next(from), out);
}

/// Looks for a placeholder at each place `next` gives (the first possible start at or
/// after a position), going on after each one found.
fn scan_from(
    masked: &str,
    links: &[Range<usize>],
    mut next: impl FnMut(usize) -> Option<usize>,
    out: &mut Vec<Placeholder>,
) {
    let mut i = 0;
    while let Some(at) = next(i) {
        match placeholder_at(masked.as_bytes(), at, links) {
            Some(r) => {
                i = r.end.max(at + 1);
                if let Some(text) = masked.get(r.clone()) {
                    out.push(Placeholder {
                        text: text.to_string(),
                        range: r,
                    });
                }
            }
            None => i = at + 1,
        }
    }
}

/// The placeholder starting at `i`, if one does.
fn placeholder_at(b: &[u8], i: usize, links: &[Range<usize>]) -> Option<Range<usize>> {
    match b[i] {
        b'[' => bracket(b, i).filter(|r| !inside_any(links, r.start)),
        b'<' => angle(b, i),
        b'_' | b'*' | b'\\' => blank(b, i),
        b'Y' if b[i..].starts_with(b"YYYY-MM-DD") && !word_byte(b, i.wrapping_sub(1)) => {
            Some(i..i + 10)
        }
        b'T' if (b[i..].starts_with(b"TBD") || b[i..].starts_with(b"TBA"))
            && !word_byte(b, i.wrapping_sub(1))
            && !word_byte(b, i + 3) =>
        {
            Some(i..i + 3)
        }
        _ => None,
    }
}

/// The next place a placeholder may start, from four searches that each keep their next
/// hit: `[`, `<` or `\`; `_` or `*`; `TB`; `YYYY-MM-DD`. Each is a vectorised search
/// (memchr), where a loop over a table of start bytes looked at every byte of every
/// checklist and stopped at every `T` (138 million instructions on the bench tree; the
/// searches saved 33 million of them, restarting after each stop).
struct Starts<'b> {
    b: &'b [u8],
    tb: memchr::memmem::Finder<'static>,
    date: memchr::memmem::Finder<'static>,
    /// Each search's next hit (`usize::MAX`: none left).
    next: [usize; 4],
}

impl<'b> Starts<'b> {
    fn new(b: &'b [u8]) -> Self {
        let mut starts = Starts {
            b,
            tb: memchr::memmem::Finder::new(b"TB"),
            date: memchr::memmem::Finder::new(b"YYYY-MM-DD"),
            next: [0; 4],
        };
        for k in 0..starts.next.len() {
            starts.next[k] = starts.search(k, 0);
        }
        starts
    }

    /// Search `k`'s first hit at or after `from`.
    fn search(&self, k: usize, from: usize) -> usize {
        let rest = &self.b[from.min(self.b.len())..];
        let hit = match k {
            0 => memchr::memchr3(b'[', b'<', b'\\', rest),
            1 => memchr::memchr2(b'_', b'*', rest),
            2 => self.tb.find(rest),
            _ => self.date.find(rest),
        };
        hit.map_or(usize::MAX, |h| from + h)
    }

    /// The first possible start at or after `from`.
    fn next(&mut self, from: usize) -> Option<usize> {
        for k in 0..self.next.len() {
            if self.next[k] < from {
                self.next[k] = self.search(k, from);
            }
        }
        self.next.iter().copied().min().filter(|&n| n != usize::MAX)
    }
}

fn word_byte(b: &[u8], i: usize) -> bool {
    b.get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80)
}

fn inside_any(ranges: &[Range<usize>], pos: usize) -> bool {
    let idx = ranges.partition_point(|r| r.start <= pos);
    ranges[..idx].iter().rev().take(8).any(|r| r.contains(&pos))
}

/// Bracketed words that label an item rather than leave a blank (`Rate limits [Optional]`),
/// compared ignoring case. Like [`UPPER_HTML`] for angles: the shape alone cannot tell them
/// from `[Name]`.
const BRACKET_LABELS: &[&[u8]] = &[
    b"Optional",
    b"Required",
    b"Recommended",
    b"Deprecated",
    b"WIP",
    b"Beta",
    b"Alpha",
    b"Experimental",
    b"Draft",
    b"Preview",
    b"Stable",
    b"Breaking",
];

/// `[Name]`, `[Your Company]`, `[DATE]`; not `[ ]`, `[x]`, `[-]`, `[]`, `[^1]`, `[1]`,
/// `[!NOTE]`, nor a label ([`BRACKET_LABELS`]: `[Optional]`, `[WIP]`).
fn bracket(b: &[u8], i: usize) -> Option<Range<usize>> {
    if i > 0
        && (matches!(b[i - 1], b'!' | b']' | b'\\' | b'[' | b'_')
            || b[i - 1].is_ascii_alphanumeric())
    {
        return None;
    }
    let rest = &b[i + 1..b.len().min(i + 64)];
    let close = rest
        .iter()
        .position(|&c| c == b']' || c == b'[' || c == b'\n' || c == b'\r')?;
    if rest[close] != b']' {
        return None;
    }
    let inner = &rest[..close];
    let end = i + 1 + close + 1;
    if matches!(b.get(end), Some(b'(' | b'[' | b':')) {
        return None;
    }
    let first = *inner.first()?;
    if !(first.is_ascii_alphabetic() || first >= 0x80) || inner.len() == 1 {
        return None;
    }
    let ok = inner.iter().all(|&c| {
        c.is_ascii_alphanumeric()
            || c >= 0x80
            || matches!(c, b' ' | b'-' | b'_' | b'/' | b'.' | b'\'' | b'&')
    });
    let label = BRACKET_LABELS.iter().any(|l| l.eq_ignore_ascii_case(inner));
    (ok && !label).then_some(i..end)
}

const UPPER_HTML: &[&[u8]] = &[
    b"BR", b"HR", b"TD", b"TR", b"TH", b"UL", b"OL", b"LI", b"EM", b"DIV", b"IMG", b"PRE", b"SUB",
    b"SUP", b"SPAN", b"CODE", b"TABLE", b"DETAILS", b"SUMMARY", b"CENTER", b"FONT", b"BODY",
    b"HTML", b"HEAD",
];

/// `<APP_NAME>`, `<URL>`, `<your-domain>`, `<api_key>`; not `<br>`, `<details>`, `<img ...>`.
fn angle(b: &[u8], i: usize) -> Option<Range<usize>> {
    let rest = &b[i + 1..b.len().min(i + 64)];
    let close = rest
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'))?;
    if rest[close] != b'>' || close < 2 {
        return None;
    }
    let name = &rest[..close];
    let end = i + 1 + close + 1;
    let upper = name[0].is_ascii_uppercase()
        && name
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        && !UPPER_HTML.contains(&name);
    let lower_words = name[0].is_ascii_lowercase()
        && name
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-')
        && name.iter().any(|c| *c == b'_' || *c == b'-')
        && !name.ends_with(b"-")
        && !name.ends_with(b"_");
    (upper || lower_words).then_some(i..end)
}

/// A run of `_`, `*`, `\_`, `\*` standing for a blank: at least three underscores or an
/// escaped one, and not glued to a word (`snake_case`, `__init__`).
fn blank(b: &[u8], i: usize) -> Option<Range<usize>> {
    if i > 0
        && (b[i - 1] == b'\\'
            || b[i - 1] == b'_'
            || b[i - 1] == b'*'
            || b[i - 1].is_ascii_alphanumeric())
    {
        return None;
    }
    let mut j = i;
    let mut underscores = 0;
    let mut escaped = false;
    while j < b.len() {
        match b[j] {
            b'_' => underscores += 1,
            b'*' => {}
            b'\\' if matches!(b.get(j + 1), Some(b'_' | b'*')) => {
                escaped |= b[j + 1] == b'_';
                underscores += usize::from(b[j + 1] == b'_');
                j += 1;
            }
            _ => break,
        }
        j += 1;
    }
    if j == i || b.get(j).is_some_and(u8::is_ascii_alphanumeric) || (underscores < 3 && !escaped) {
        return None;
    }
    Some(i..j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan(s, &[], &mut out);
        for p in &out {
            assert_eq!(&s[p.range.clone()], p.text);
        }
        out.into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn finds_template_text() {
        assert_eq!(
            texts("- Lead Developer: [Name] - [Email] - [Phone]"),
            ["[Name]", "[Email]", "[Phone]"]
        );
        assert_eq!(
            texts("Deploy <APP_NAME> to <your-domain>"),
            ["<APP_NAME>", "<your-domain>"]
        );
        assert_eq!(texts("Date: YYYY-MM-DD, owner TBD."), ["YYYY-MM-DD", "TBD"]);
        assert_eq!(
            texts("- [ ] **Engineering Lead**: ******\\_****** Date: **\\_\\_\\_**"),
            ["******\\_******", "**\\_\\_\\_**"]
        );
        assert_eq!(texts("Name: ______"), ["______"]);
        assert_eq!(
            texts("| Code Quality | 20% | \\_/100 | \\_ |"),
            ["\\_", "\\_"]
        );
    }

    /// The scan as it was before its searches: every byte looked at. What `scan` must
    /// find, whatever the text.
    fn scan_every_byte(masked: &str, links: &[Range<usize>]) -> Vec<Placeholder> {
        let mut out = Vec::new();
        scan_from(masked, links, |i| (i < masked.len()).then_some(i), &mut out);
        out
    }

    proptest::proptest! {
        #[test]
        fn the_searches_find_what_looking_at_every_byte_finds(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "[", "]", "<", ">", "_", "*", "\\", "YYYY-MM-DD", "YYYY", "TBD", "TBA", "TB",
                "T", "Y", "a", "Name", "APP_NAME", " ", "\n", "(", ":", "-", "é", "x]",
            ]), 0..40),
            link in proptest::option::of((0usize..60, 0usize..20)),
        ) {
            let text: String = parts.concat();
            let links: Vec<Range<usize>> = link.map(|(a, n)| a..a + n).into_iter().collect();
            let mut got = Vec::new();
            scan(&text, &links, &mut got);
            let want = scan_every_byte(&text, &links);
            let ranges = |v: &[Placeholder]| v.iter().map(|p| p.range.clone()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(ranges(&got), ranges(&want), "{:?}", text);
        }
    }

    #[test]
    fn ignores_look_alikes() {
        assert!(texts("**bold** and __strong__ and snake_case_words and __init__.py").is_empty());
        assert!(texts("[ ] [x] [X] [-] [] [^1] [1] [!NOTE] a[i]").is_empty());
        assert!(
            texts("Rate limits [Optional], audit log [REQUIRED], v1 API [Deprecated]").is_empty()
        );
        assert!(texts("[WIP] tracing, [Beta] exports, [draft]").is_empty());
        assert_eq!(
            texts("[Optional feature name]"),
            ["[Optional feature name]"]
        );
        assert!(texts("<br> <details> <img src=x> <a href=\"y\"> <B>").is_empty());
        assert!(texts("TBDs, ATBA, TODO: later").is_empty());
        assert!(texts("see [docs](x.md) or [ref][1]").is_empty());
    }
}
