//! Links: finding a destination's source range, reference definitions, and bare URLs
//! (GitHub links `https://...` and `www....` in text; pulldown-cmark does not).

use std::ops::Range;

use pulldown_cmark::LinkType;

use super::lines::trim_end;
use super::{shared, Link, LinkKind};

/// A finished inline link, image, autolink or reference link.
pub fn finish(
    text: &str,
    kind: LinkKind,
    link_type: LinkType,
    dest: &str,
    label: &str,
    range: Range<usize>,
) -> Link {
    let source = text.get(range.clone()).unwrap_or("");
    let target_range = match link_type {
        LinkType::Autolink | LinkType::Email
            if source.starts_with('<') && source.ends_with('>') && source.len() >= 2 =>
        {
            Some(range.start + 1..range.end - 1)
        }
        _ if kind == LinkKind::Reference => None,
        _ => find_inline_dest(source, dest).map(|r| range.start + r.start..range.start + r.end),
    };
    let target = match &target_range {
        Some(r) => text.get(r.clone()).unwrap_or(dest).trim_end(),
        None => dest.trim_end(),
    };
    Link {
        kind,
        target: shared::share(target),
        text: shared::share(label),
        range,
        target_range,
    }
}

/// Where the last `](` of `s[..end]` starts. `str::rfind` with a two-byte pattern sets up
/// a substring searcher for each link: that was half the cost of finishing a link.
fn rfind_bracket_paren(s: &[u8], mut end: usize) -> Option<usize> {
    while let Some(i) = memchr::memrchr(b'(', s.get(..end)?) {
        if i > 0 && s[i - 1] == b']' {
            return Some(i - 1);
        }
        end = i;
    }
    None
}

/// The destination inside `[text](dest "title")`: after the last `](` whose destination
/// starts with `dest` (or, for an escaped one, the raw destination up to a space or `)`).
fn find_inline_dest(source: &str, dest: &str) -> Option<Range<usize>> {
    let mut search_end = source.len();
    let mut fallback = None;
    while let Some(p) = rfind_bracket_paren(source.as_bytes(), search_end) {
        let after = p + 2;
        let rest = &source[after..];
        let ws = rest.len() - rest.trim_start().len();
        let start = after + ws;
        let rest = &source[start..];
        if let Some(inner) = rest.strip_prefix('<') {
            if inner.starts_with(dest) && !dest.is_empty() {
                return Some(start + 1..start + 1 + dest.len());
            }
            if let Some(close) = inner.find('>') {
                fallback.get_or_insert(start + 1..start + 1 + close);
            }
        } else {
            if !dest.is_empty() && rest.starts_with(dest) {
                return Some(start..start + dest.len());
            }
            let len = rest
                .find(|c: char| c.is_whitespace() || c == ')')
                .unwrap_or(rest.len());
            if len > 0 {
                fallback.get_or_insert(start..start + len);
            }
        }
        search_end = p;
    }
    if dest.is_empty() {
        return None;
    }
    fallback
}

/// A reference definition `[label]: target "title"`, with the range of its whole line(s).
pub fn definition(text: &str, label: &str, dest: &str, span: Range<usize>) -> Option<Link> {
    let source = text.get(span.clone())?;
    let line_start = text[..span.start]
        .rfind(['\n', '\r'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let line_end = text[span.end..]
        .find(['\n', '\r'])
        .map(|i| span.end + i)
        .unwrap_or(text.len());
    let line_end = if line_end < span.end {
        span.end
    } else {
        line_end
    };
    let target_range = source.find("]:").and_then(|colon| {
        let after = colon + 2;
        let rest = &source[after..];
        let start = after + (rest.len() - rest.trim_start().len());
        let rest = &source[start..];
        let (start, rest) = match rest.strip_prefix('<') {
            Some(inner) => (start + 1, inner),
            None => (start, rest),
        };
        let len = if rest.starts_with(dest) && !dest.is_empty() {
            dest.len()
        } else {
            rest.find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(rest.len())
        };
        (len > 0).then(|| span.start + start..span.start + start + len)
    });
    let target = match &target_range {
        Some(r) => text.get(r.clone()).unwrap_or(dest),
        None => dest,
    };
    Some(Link {
        kind: LinkKind::Definition,
        target: shared::share(target),
        text: shared::share(label),
        range: trim_end(text, line_start..line_end),
        target_range,
    })
}

/// Whether `b` holds `http` or `www.`: every text event is asked, and most are short, where
/// `str::contains` spends more time setting up its search than searching.
fn may_hold_url(b: &[u8]) -> bool {
    memchr::memchr2_iter(b'h', b'w', b).any(|i| {
        let rest = &b[i..];
        rest.starts_with(b"http") || rest.starts_with(b"www.")
    })
}

/// Bare `http://`, `https://` and `www.` URLs in a text event that maps byte for byte
/// onto the source.
pub fn bare_urls(text: &str, s: &str, range: Range<usize>, out: &mut Vec<Link>) {
    if !may_hold_url(s.as_bytes()) || text.get(range.clone()) != Some(s) {
        return;
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &s[i..];
        let starts = (rest.starts_with("https://")
            || rest.starts_with("http://")
            || rest.starts_with("www."))
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if !starts {
            i += 1;
            while i < b.len() && !s.is_char_boundary(i) {
                i += 1;
            }
            continue;
        }
        let mut end = i + rest
            .find(|c: char| c.is_whitespace() || c == '<')
            .unwrap_or(rest.len());
        // Trailing punctuation is not part of the URL; nor is an unbalanced `)`.
        loop {
            let url = &s[i..end];
            match url.chars().next_back() {
                Some('.' | ',' | ':' | ';' | '!' | '?' | '"' | '\'' | '*' | '_' | '~') => end -= 1,
                Some(')') if url.matches('(').count() < url.matches(')').count() => end -= 1,
                _ => break,
            }
        }
        let url = &s[i..end];
        if url.len() > "www.".len() && url.contains('.') {
            let r = range.start + i..range.start + end;
            let url = shared::share(url);
            out.push(Link {
                kind: LinkKind::Inline,
                target: url.clone(),
                text: url,
                range: r.clone(),
                target_range: Some(r),
            });
        }
        i = end.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The last `](` before `end`, as `str::rfind` finds it.
        #[test]
        fn finds_the_last_bracket_paren_as_rfind_does(
            s in "[\\]\\[()a ]{0,40}",
            cut in 0usize..41,
        ) {
            let end = cut.min(s.len());
            proptest::prop_assert_eq!(rfind_bracket_paren(s.as_bytes(), end), s[..end].rfind("]("));
        }
    }

    #[test]
    fn url_prefilter_agrees_with_contains() {
        for s in [
            "",
            "h",
            "http",
            "htt",
            "xhttp",
            "www",
            "www.",
            "wwww.x",
            "hhttp",
            "see https://a.b",
            "ww.w",
            "whatever",
            "héhttp",
            "w",
            "www.é",
            "HTTP",
        ] {
            let want = s.contains("http") || s.contains("www.");
            assert_eq!(may_hold_url(s.as_bytes()), want, "{s:?}");
        }
    }

    #[test]
    fn finds_inline_destinations() {
        assert_eq!(find_inline_dest("[a](x.md)", "x.md"), Some(4..8));
        assert_eq!(
            find_inline_dest("[a](<my file.md> \"t\")", "my file.md"),
            Some(5..15)
        );
        assert_eq!(
            find_inline_dest("[![i](img.png)](page.md)", "page.md"),
            Some(16..23)
        );
        assert_eq!(find_inline_dest("[a](x.md \"x.md\")", "x.md"), Some(4..8));
        assert_eq!(find_inline_dest("[a](a%20b.md)", "a%20b.md"), Some(4..12));
        assert_eq!(find_inline_dest("[a]()", ""), None);
    }

    #[test]
    fn reads_definitions() {
        let text = "x\n[Docs]: ./docs/a.md \"Title\"\n";
        let span = 2..text.len() - 1;
        let l = definition(text, "Docs", "./docs/a.md", span).unwrap();
        assert_eq!(&*l.target, "./docs/a.md");
        assert_eq!(&text[l.range.clone()], "[Docs]: ./docs/a.md \"Title\"");
        assert_eq!(&text[l.target_range.unwrap()], "./docs/a.md");
    }

    #[test]
    fn finds_bare_urls() {
        let text = "See https://example.com/a_(b). and www.x.io, not xhttp://y";
        let mut out = Vec::new();
        bare_urls(text, text, 0..text.len(), &mut out);
        let got: Vec<&str> = out.iter().map(|l| &*l.target).collect();
        assert_eq!(got, ["https://example.com/a_(b)", "www.x.io"]);
    }
}
