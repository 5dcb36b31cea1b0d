//! GitHub heading anchors: the slug GitHub gives a heading, and de-duplication
//! (`-1`, `-2`...) the way github-slugger does it.

// foldhash (seeded per process), not SipHash: every heading of every markdown file is
// slugged at load.
use foldhash::HashMap;

/// The GitHub slug of a heading title, without de-duplication: lowercase, letters and
/// digits of any script kept, `-` and `_` kept, spaces turned into `-`, everything else
/// (punctuation, emoji, symbols) dropped.
pub fn github_anchor(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if c == ' ' {
            out.push('-');
        } else if c == '-' || c == '_' {
            out.push(c);
        } else if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Combining marks (accents written as separate code points, Devanagari vowel signs...)
/// are kept by GitHub; cover the common blocks.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

/// Hands out unique anchors in document order, as GitHub does: the first `foo` stays `foo`,
/// later ones become `foo-1`, `foo-2`, skipping any already taken.
#[derive(Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// The unique anchor for a heading with this title.
    pub fn slug(&mut self, title: &str) -> String {
        self.unique(github_anchor(title))
    }

    /// Reserves an explicit `{#id}` anchor as written (GitHub-style duplicates still get a suffix).
    pub fn explicit(&mut self, id: &str) -> String {
        self.unique(id.to_string())
    }

    fn unique(&mut self, base: String) -> String {
        let Some(&count) = self.seen.get(&base) else {
            self.seen.insert(base.clone(), 0);
            return base;
        };
        let mut n = count;
        let candidate = loop {
            n += 1;
            let candidate = format!("{base}-{n}");
            if !self.seen.contains_key(&candidate) {
                break candidate;
            }
        };
        self.seen.insert(base, n);
        self.seen.insert(candidate.clone(), 0);
        candidate
    }
}

/// The anchors HTML defines in `html` (raw HTML of a markdown file): the value of every
/// `id` attribute, and of `name` on `<a>`, as byte ranges into `html`. GitHub keeps both
/// as link targets (`<a name="legacy"></a>`, `<div id="x">`), so `#legacy` is no broken
/// link. HTML comments are skipped. A scan of tags, no HTML parser: nothing here needs the
/// document tree.
pub fn html_ids(html: &str, mut found: impl FnMut(std::ops::Range<usize>)) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &b[i..]).map(|p| i + p) {
        i = lt + 1;
        if b[i..].starts_with(b"!--") {
            match html[i..].find("-->") {
                Some(end) => i += end + 3,
                None => return,
            }
            continue;
        }
        let name_len = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let is_a = b[i..i + name_len].eq_ignore_ascii_case(b"a");
        i += name_len;
        // Attributes up to the tag's end: `name`, `name=value`, `name="value"`.
        loop {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                i += 1;
            }
            let start = i;
            while b.get(i).is_some_and(|c| {
                !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/' | b'<')
            }) {
                i += 1;
            }
            let attr = &b[start..i];
            if attr.is_empty() {
                break; // `>`, `<` or the end
            }
            if b.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            let value = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let Some(len) = memchr::memchr(q, &b[i + 1..]) else {
                        return;
                    };
                    let v = i + 1..i + 1 + len;
                    i = v.end + 1;
                    v
                }
                _ => {
                    let v = i;
                    while b
                        .get(i)
                        .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                    {
                        i += 1;
                    }
                    v..i
                }
            };
            let is_anchor =
                attr.eq_ignore_ascii_case(b"id") || (is_a && attr.eq_ignore_ascii_case(b"name"));
            if is_anchor && !value.is_empty() {
                found(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(html: &str) -> Vec<&str> {
        let mut out = Vec::new();
        html_ids(html, |r| out.push(&html[r]));
        out
    }

    #[test]
    fn html_defines_anchors_with_id_and_a_name() {
        assert_eq!(ids(r#"<a name="legacy"></a>"#), ["legacy"]);
        assert_eq!(ids(r##"<a id='x' href="#y">"##), ["x"]);
        assert_eq!(ids(r#"<div class="c" id=block-id>x</div>"#), ["block-id"]);
        assert_eq!(ids(r#"<A NAME="Up" ID="both"/>"#), ["Up", "both"]);
        assert_eq!(ids(r#"<h2 id="a"></h2><span id="b">"#), ["a", "b"]);
        assert!(ids(r#"<meta name="x"> <div data-id="y" hidden>"#).is_empty());
        assert!(ids(r#"<!-- <a name="gone"></a> --> < a id="x"> 1 < 2"#).is_empty());
        assert!(ids(r#"<a id="unterminated"#).is_empty());
        assert!(ids(r#"<a id="">"#).is_empty());
    }

    #[test]
    fn slugs_like_github() {
        assert_eq!(
            github_anchor("Monitoring & Observability"),
            "monitoring--observability"
        );
        assert_eq!(
            github_anchor("0) Decide your serving mode (DB-only vs artifact/manifest)"),
            "0-decide-your-serving-mode-db-only-vs-artifactmanifest"
        );
        assert_eq!(
            github_anchor("Current Status: What Already Exists ✅"),
            "current-status-what-already-exists-"
        );
        assert_eq!(github_anchor("最終更新 チェック"), "最終更新-チェック");
        assert_eq!(github_anchor("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(
            github_anchor("snake_case and `code`"),
            "snake_case-and-code"
        );
        assert_eq!(github_anchor("🚀 Launch"), "-launch");
    }

    #[test]
    fn duplicates_get_suffixes() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Setup"), "setup");
        assert_eq!(s.slug("Setup"), "setup-1");
        assert_eq!(s.slug("Setup 1"), "setup-1-1");
        assert_eq!(s.slug("Setup"), "setup-2");
        assert_eq!(s.explicit("custom"), "custom");
        assert_eq!(s.slug("Custom"), "custom-1");
    }
}
