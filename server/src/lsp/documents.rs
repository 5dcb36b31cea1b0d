//! Open editor buffers, edited incrementally; versions only go up. The text the server reads
//! is one string shared with the workspace; the rope is edited alongside it, and debug
//! builds check after every change that the two agree.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use super::position::Converter;
use crate::text::{Encoding, LineIndex};

#[derive(Debug, Clone)]
pub struct Document {
    pub version: i32,
    rope: Rope,
    /// The rope's text, shared with the workspace overlay.
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChangeError {
    #[error("version {got} is not newer than {have}: ignored")]
    Stale { have: i32, got: i32 },
    #[error("change {index} has a range outside the document (line {line}): rejected")]
    OutOfRange { index: usize, line: u32 },
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let rope = Rope::from_str(&text);
        let lines = Arc::new(LineIndex::new(&text));
        Document {
            version,
            rope,
            text: Arc::from(text),
            lines,
        }
    }

    /// Applies the changes of one `didChange` in order, all or nothing.
    pub fn apply(
        &mut self,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: Encoding,
    ) -> Result<(), ChangeError> {
        if version <= self.version {
            return Err(ChangeError::Stale {
                have: self.version,
                got: version,
            });
        }
        let mut rope = self.rope.clone();
        let mut text = self.text.clone();
        let mut lines = self.lines.clone();
        for (index, change) in changes.iter().enumerate() {
            let (edited, s) = match change.range {
                None => {
                    rope = Rope::from_str(&change.text);
                    (None, Arc::from(change.text.as_str()))
                }
                Some(range) => {
                    let conv = Converter::new(&text, &lines, enc);
                    let Some(bytes) = conv.byte_range(range) else {
                        return Err(ChangeError::OutOfRange {
                            index,
                            line: range.start.line.max(range.end.line),
                        });
                    };
                    let start = rope.byte_to_char(bytes.start);
                    let end = rope.byte_to_char(bytes.end);
                    rope.remove(start..end);
                    rope.insert(start, &change.text);
                    // The new text from the old one's two sides, written once into the
                    // shared string: collecting the rope's chunks into a growing string
                    // was a tenth of a keystroke in a long checklist, and a string copied
                    // into an `Arc` is 400 KB more to copy in one.
                    let s = joined(&[&text[..bytes.start], &change.text, &text[bytes.end..]]);
                    debug_assert!(rope == *s, "the rope and the text disagree");
                    (
                        Some((bytes.start, bytes.end, bytes.start + change.text.len())),
                        s,
                    )
                }
            };
            lines = Arc::new(match edited {
                Some((start, old_end, new_end)) => lines.edited(&s, start, old_end, new_end),
                None => LineIndex::new(&s),
            });
            text = s;
        }
        self.rope = rope;
        self.text = text;
        self.lines = lines;
        self.version = version;
        Ok(())
    }
}

/// `parts` end to end in one shared string, each copied once, straight into it.
fn joined(parts: &[&str]) -> Arc<str> {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut bytes: Arc<[std::mem::MaybeUninit<u8>]> = Arc::new_uninit_slice(len);
    let Some(slots) = Arc::get_mut(&mut bytes) else {
        return Arc::from(parts.concat()); // cannot happen: it was just made
    };
    let mut at = 0;
    for p in parts {
        // SAFETY: `at + p.len() <= len`, the slots are this function's own (the `Arc` is
        // unique) and `p` cannot overlap a new allocation.
        unsafe {
            std::ptr::copy_nonoverlapping(
                p.as_ptr(),
                slots.as_mut_ptr().add(at).cast::<u8>(),
                p.len(),
            );
        }
        at += p.len();
    }
    // SAFETY: every byte was written above (the lengths add up to `len`); strings joined
    // end to end are UTF-8, and `str` has the layout of `[u8]`.
    unsafe {
        let bytes: Arc<[u8]> = bytes.assume_init();
        Arc::from_raw(Arc::into_raw(bytes) as *const str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn joined_strings_are_their_parts_end_to_end() {
        for parts in [
            &["", "", ""][..],
            &["a"],
            &["- [ ] ", "x", " 日本 🚀\r\n"],
            &["", "🚀", ""],
        ] {
            assert_eq!(&*joined(parts), parts.concat());
        }
    }

    #[test]
    fn applies_utf16_edits_after_emoji() {
        let mut doc = Document::new("a😀b\r\nc".into(), 1);
        doc.apply(2, &[change(0, 3, 0, 4, "B")], Encoding::Utf16)
            .unwrap();
        assert_eq!(&*doc.text, "a😀B\r\nc");
        doc.apply(
            3,
            &[change(1, 0, 1, 1, "x"), change(0, 0, 0, 1, "")],
            Encoding::Utf16,
        )
        .unwrap();
        assert_eq!(&*doc.text, "😀B\r\nx");
        assert_eq!(*doc.lines, LineIndex::new(&doc.text));
    }

    /// The line index moved with each edit is the index of the text, edit after edit:
    /// line breaks of every kind typed, joined and split.
    #[test]
    fn the_line_index_follows_every_edit() {
        let mut doc = Document::new("a\r\nb😀\rc\n\nd".into(), 1);
        let pieces = ["", "x", "\n", "\r", "\r\n", "é\n", "\n\r"];
        let mut seed = 7u64;
        let mut next = |n: u32| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % u64::from(n.max(1))) as u32
        };
        for version in 2..400 {
            let line = next(doc.lines.line_count() as u32);
            let len = doc.lines.line_range(&doc.text, line as usize).len() as u32;
            let (c0, c1) = (next(len + 1), next(len + 1));
            let text = pieces[next(pieces.len() as u32) as usize];
            let edit = change(line, c0.min(c1), line, c0.max(c1), text);
            // Columns in bytes may fall inside a character: those edits are clamped.
            doc.apply(version, &[edit], Encoding::Utf8).unwrap();
            assert_eq!(*doc.lines, LineIndex::new(&doc.text), "{:?}", doc.text);
        }
    }

    #[test]
    fn rejects_stale_versions_and_out_of_range_edits() {
        let mut doc = Document::new("ab".into(), 5);
        assert!(matches!(
            doc.apply(5, &[change(0, 0, 0, 0, "x")], Encoding::Utf8),
            Err(ChangeError::Stale { .. })
        ));
        assert!(matches!(
            doc.apply(6, &[change(3, 0, 3, 0, "x")], Encoding::Utf8),
            Err(ChangeError::OutOfRange { .. })
        ));
        assert_eq!(&*doc.text, "ab");
        assert_eq!(doc.version, 5);
    }
}
