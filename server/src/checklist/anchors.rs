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

#[cfg(test)]
mod tests {
    use super::*;

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
