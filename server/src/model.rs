//! What the analysis produces: findings with byte ranges, and the edits that fix them.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

/// How loud a finding is. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// A place in another file (or the same one) that explains a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Workspace-relative path with `/` separators.
    pub path: String,
    pub range: Range<usize>,
    /// Most are fixed words ("required here"): borrowed, not one copy per finding.
    pub message: Cow<'static, str>,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// Workspace-relative path with `/` separators; the findings of one file share it.
    pub path: Arc<str>,
    /// Byte range in the file's text.
    pub range: Range<usize>,
    /// Shared, as are the related places: the language server keeps an open checklist's
    /// findings from one keystroke to the next and copies them for each check; copying
    /// each message and list of places was a third of a keystroke's rules. Set once, with
    /// its digest: see [`Finding::message`].
    message: Arc<str>,
    /// A hash of `message`, made with it: the language server tells a diagnostic it has
    /// already serialised by what it is made of, and reading 3,500 messages again from
    /// memory on every keystroke was a fifth of that. 32 bits, in what was padding.
    message_digest: u32,
    /// One line naming what to do about it; fixed words are borrowed, not copied into each
    /// of a monorepo's tens of thousands of findings.
    pub help: Option<Cow<'static, str>>,
    /// None when there are none (most findings): no allocation. See [`Finding::related`].
    related: Option<Arc<[Related]>>,
    /// Ready-made fixes: front ends turn these into edits without re-deriving anything.
    pub fixes: Vec<Fix>,
    /// The analysis was asked for no fixes (`analysis::Options::fixes`): `fixes` is empty
    /// whether or not the rule has some, and a front end that wants them analyses again.
    pub fixes_deferred: bool,
}

thread_local! {
    /// The paths of the last findings made on this thread (a few: `env-mismatch`
    /// alternates between a checklist and a config file).
    static LAST_PATHS: std::cell::RefCell<(usize, [Option<Arc<str>>; 4])> =
        const { std::cell::RefCell::new((0, [None, None, None, None])) };
}

/// `path` as an `Arc`, shared with a recent finding's when it is the same: a rule makes
/// its findings file after file, and a 5,000-task checklist's thousands of findings would
/// otherwise each allocate their own copy.
fn shared_path(path: &str) -> Arc<str> {
    LAST_PATHS.with(|last| {
        let (next, paths) = &mut *last.borrow_mut();
        if let Some(p) = paths.iter().flatten().find(|p| ***p == *path) {
            return p.clone();
        }
        let p: Arc<str> = Arc::from(path);
        paths[*next] = Some(p.clone());
        *next = (*next + 1) % paths.len();
        p
    })
}

thread_local! {
    /// Where [`format_exact`] writes before copying out.
    static FORMATTED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// What `args` formats to, in a string of exactly its length, written once into a buffer
/// kept on the thread and copied out. `format!` guesses a size and grows its string as it
/// writes: a large check formats a few hundred thousand messages and help lines, and
/// growing them was 2% of its instructions on the bench tree.
pub(crate) fn format_exact(args: std::fmt::Arguments) -> String {
    with_formatted(args, str::to_owned)
}

/// `format!` through [`format_exact`]: `formatted!("{} defined here", name)`.
macro_rules! formatted {
    ($($arg:tt)*) => {
        $crate::model::format_exact(format_args!($($arg)*))
    };
}
pub(crate) use formatted;

/// `f` of what `args` formats to.
fn with_formatted<T>(args: std::fmt::Arguments, f: impl FnOnce(&str) -> T) -> T {
    use std::fmt::Write;
    if let Some(s) = args.as_str() {
        return f(s);
    }
    FORMATTED.with(|buf| match buf.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            // Writing into a String fails only if a Display impl does.
            let _ = buf.write_fmt(args);
            let out = f(&buf);
            if buf.capacity() > 1 << 16 {
                *buf = String::new();
            }
            out
        }
        // Formatting inside a formatting (a Display impl that formats a message).
        Err(_) => f(&std::fmt::format(args)),
    })
}

/// See [`Finding::message_digest`].
fn digest(message: &str) -> u32 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one(message) as u32
}

/// Its clone increments the counts of its message and related places, elsewhere in memory.
impl crate::prefetch::Prefetch for Finding {
    fn prefetch(&self) {
        crate::prefetch::counts(&self.message);
        if let Some(related) = &self.related {
            crate::prefetch::counts(related);
        }
    }
}

impl Finding {
    /// What it says.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// [`Finding::message`], shared rather than copied.
    pub fn message_shared(&self) -> Arc<str> {
        self.message.clone()
    }

    /// A hash of [`Finding::message`], kept with it (two findings with equal messages have
    /// equal digests).
    pub fn message_digest(&self) -> u32 {
        self.message_digest
    }

    pub fn new(code: &'static str, path: &str, range: Range<usize>, message: String) -> Self {
        Finding::with_message(code, path, range, &message)
    }

    /// [`Finding::new`] with the message `format_args!` makes, copied once into place (see
    /// [`format_exact`]).
    pub fn formatted(
        code: &'static str,
        path: &str,
        range: Range<usize>,
        message: std::fmt::Arguments,
    ) -> Self {
        with_formatted(message, |m| Finding::with_message(code, path, range, m))
    }

    fn with_message(code: &'static str, path: &str, range: Range<usize>, message: &str) -> Self {
        Finding {
            code,
            severity: crate::rules::default_severity(code),
            path: shared_path(path),
            range,
            message_digest: digest(message),
            message: Arc::from(message),
            help: None,
            related: None,
            fixes: Vec::new(),
            fixes_deferred: false,
        }
    }

    pub fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_related(mut self, related: Related) -> Self {
        let mut list = Vec::with_capacity(self.related().len() + 1);
        list.extend_from_slice(self.related());
        list.push(related);
        self.related = Some(Arc::from(list));
        self
    }

    /// Places in this file or others that explain the finding.
    pub fn related(&self) -> &[Related] {
        self.related.as_deref().unwrap_or_default()
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        push_first_exact(&mut self.fixes, fix);
        self
    }

    /// Moves every range in the file at `path` that starts after the edited `stretch` as
    /// the edit moved the text: its own range, related places and fix edits there (see
    /// `analysis::rerun`).
    pub fn shift(&mut self, path: &str, stretch: &crate::checklist::Stretch) {
        let moved = |r: &mut Range<usize>| {
            if stretch.after(r.start) {
                *r = stretch.moved(r);
            }
        };
        if *self.path == *path {
            moved(&mut self.range);
        }
        if self
            .related()
            .iter()
            .any(|r| r.path == path && stretch.after(r.range.start))
        {
            let mut list = self.related().to_vec();
            for r in list.iter_mut().filter(|r| r.path == path) {
                moved(&mut r.range);
            }
            self.related = Some(Arc::from(list));
        }
        for edit in self.fixes.iter_mut().flat_map(|f| &mut f.edits) {
            if let FileEdit::Replace { path: p, range, .. } = edit {
                if p == path {
                    moved(range);
                }
            }
        }
    }

    /// Adds each of `fixes`: none for a `None`, when the caller wants no fixes.
    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        for fix in fixes {
            push_first_exact(&mut self.fixes, fix);
        }
        self
    }
}

/// Pushes onto `list`, making room for exactly one item when it is empty: most findings
/// have one related place or fix, and a first push would make room for four.
fn push_first_exact<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// A named fix: a list of edits applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Whether an editor may offer it as the preferred quick fix.
    pub preferred: bool,
    pub edits: Vec<FileEdit>,
}

impl Fix {
    /// A fix made of one replacement in one file (an empty range inserts).
    pub fn replace(title: String, path: &str, range: Range<usize>, text: String) -> Fix {
        Fix {
            title,
            preferred: false,
            edits: vec![FileEdit::Replace {
                path: path.to_string(),
                range,
                text,
            }],
        }
    }

    /// Marks the fix as the one an editor may apply on its own.
    pub fn preferred(mut self) -> Fix {
        self.preferred = true;
        self
    }
}

/// One change to one file. Ranges are byte offsets in the file's current text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEdit {
    /// Create a new file; never overwrites an existing one.
    Create { path: String, contents: String },
    /// Replace a byte range of an existing file (an empty range inserts).
    Replace {
        path: String,
        range: Range<usize>,
        text: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats with [`format_exact`] inside its own formatting.
    struct Nested(&'static str);

    impl std::fmt::Display for Nested {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&formatted!("<{}>", self.0))
        }
    }

    #[test]
    fn formatted_is_format_at_its_exact_length() {
        let long = "x".repeat(100_000);
        let cases = [
            (formatted!("plain"), "plain".to_string()),
            (
                formatted!("{} has no item for: {:>4} (`{}`)", "Security", 7, "a.b"),
                format!("{} has no item for: {:>4} (`{}`)", "Security", 7, "a.b"),
            ),
            (formatted!("{}{}", long, "é"), format!("{long}é")),
            // After a long one, whose buffer was given back: a short one.
            (formatted!("{}", 1), "1".to_string()),
            (
                formatted!("a {} b {}", Nested("in"), Nested("two")),
                "a <in> b <two>".to_string(),
            ),
        ];
        for (made, want) in cases {
            assert_eq!(made, want);
            assert_eq!(made.capacity(), made.len(), "{want:.20}");
        }
        let f = Finding::formatted(
            "placeholder",
            "a.md",
            0..1,
            format_args!("{} {}", 1, Nested("x")),
        );
        assert_eq!(f.message(), "1 <x>");
        assert_eq!(
            f.message_digest(),
            Finding::new("placeholder", "a.md", 0..1, "1 <x>".into()).message_digest()
        );
    }
}
