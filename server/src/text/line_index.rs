//! Byte offset <-> (line, column) conversion for every position encoding.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (as LSP defines them). Columns count
//! UTF-8 bytes, UTF-16 code units or Unicode scalar values. Offsets inside a
//! character or past the end are clamped, never a panic.

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    /// Unicode scalar values; also what the CLI's 1-based columns count.
    Utf32,
}

/// A 0-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// An offset as stored in the index (see `line_starts`).
fn narrow(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; always starts with 0. `u32` halves the index of
    /// every file a workspace holds; texts are capped far below 4 GiB (files at 4 MiB, and an
    /// editor buffer that large is not a checklist), and larger ones index their first 4 GiB.
    line_starts: Vec<u32>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        let mut skip_lf = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if skip_lf == Some(i) {
                continue;
            }
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                // `\r\n`: one ending, the line starts after the `\n`.
                skip_lf = Some(i + 1);
                line_starts.push(narrow(i + 2));
            } else {
                line_starts.push(narrow(i + 1));
            }
        }
        line_starts.shrink_to_fit();
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// The index of `text`, made from this one of the text before an edit that left
    /// everything outside `start..old_end` as it was (`start..new_end` in `text`): the
    /// lines before are kept, those after moved, only the edited ones scanned. A keystroke
    /// in a 5,000-line checklist scanned all 400 KB, twice (the buffer and the workspace).
    pub fn edited(&self, text: &str, start: usize, old_end: usize, new_end: usize) -> LineIndex {
        let untouched = start <= old_end
            && start <= new_end
            && new_end <= text.len()
            && old_end <= self.len
            && self.len - old_end == text.len() - new_end;
        if !untouched || text.len() > u32::MAX as usize / 2 || self.len > u32::MAX as usize / 2 {
            return LineIndex::new(text);
        }
        let delta = new_end as isize - old_end as isize;
        // One line back from the edit's: a `\r` just before it may join a `\n` it inserts.
        let keep = self.line_of(start).saturating_sub(1);
        let from = self.line_starts[keep] as usize;
        let mut line_starts = Vec::with_capacity(self.line_starts.len() + 8);
        line_starts.extend_from_slice(&self.line_starts[..=keep]);
        let bytes = text.as_bytes();
        // A line start from here on follows a terminator wholly after the edit: an old one.
        let settled = new_end + 2;
        let mut skip_lf = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[from..]).map(|i| i + from) {
            if skip_lf == Some(i) {
                continue;
            }
            let next = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                skip_lf = Some(i + 1);
                i + 2
            } else {
                i + 1
            };
            line_starts.push(narrow(next));
            if next >= settled {
                let old_next = narrow((next as isize - delta) as usize);
                if let Ok(k) = self.line_starts.binary_search(&old_next) {
                    let moved = |s: &u32| narrow((*s as isize + delta) as usize);
                    line_starts.extend(self.line_starts[k + 1..].iter().map(moved));
                    break;
                }
            }
        }
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// Length of the text it indexes.
    pub fn text_len(&self) -> usize {
        self.len
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = narrow(offset.min(self.len));
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of a line's content, without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let Some(start) = self.line_starts.get(line).map(|&s| s as usize) else {
            return self.len..self.len;
        };
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(self.len, |&s| s as usize);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        start..end
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).map_or(self.len, |&s| s as usize)
    }

    /// `line_of`, looking at line `near` and the next one before searching: offsets that
    /// come in order (a file's sorted findings) mostly fall there, and a binary search
    /// over a 5,000-line index was a quarter of a long checklist's publication.
    pub fn line_of_near(&self, offset: usize, near: usize) -> usize {
        let at = narrow(offset.min(self.len));
        let starts = &self.line_starts;
        if starts.get(near).is_some_and(|&s| s <= at) {
            // Starts are strictly increasing: `near` holds `at` when the next line starts
            // after it.
            for line in [near, near + 1] {
                if starts.get(line + 1).is_none_or(|&next| at < next) {
                    return line;
                }
            }
        }
        self.line_of(offset)
    }

    /// Position of a byte offset. An offset inside a character counts as that character's start.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        self.position_near(text, offset, enc, usize::MAX)
    }

    /// [`LineIndex::position`], looking for the line from line `near` first (see
    /// [`LineIndex::line_of_near`]).
    pub fn position_near(&self, text: &str, offset: usize, enc: Encoding, near: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of_near(offset, near);
        // Never a panic, even on a text the index was not built from.
        let mut start = (self.line_starts[line] as usize).min(offset);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        if start == 0 {
            start = bom_len(text).min(offset);
        }
        let prefix = &text[start..offset];
        let col = match enc {
            // A byte is a code unit of every encoding in ASCII, which most lines are: the
            // check is vectorised, counting UTF-16 units is not (a keystroke converts
            // thousands of positions).
            _ if prefix.is_ascii() => prefix.len(),
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.encode_utf16().count(),
            Encoding::Utf32 => prefix.chars().count(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Byte offset of a position, or None when the line does not exist. A column past
    /// the end of the line clamps to the line's end (as LSP asks); a column inside a
    /// character clamps to that character's start.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> Option<usize> {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return None;
        }
        let mut range = self.line_range(text, line);
        if range.start == 0 {
            range.start = bom_len(text).min(range.end);
        }
        let content = &text[range.clone()];
        let want = pos.col as usize;
        let mut units = 0;
        for (i, ch) in content.char_indices() {
            let width = match enc {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
                Encoding::Utf32 => 1,
            };
            if units + width > want {
                return Some(range.start + i);
            }
            units += width;
        }
        Some(range.end)
    }
}

/// Bytes of a byte order mark opening `text`: no column counts it, as no editor shows it
/// (VS Code and Neovim keep it out of the buffer; read from disk, it is in the text).
fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let text = "\u{feff}# Title\nx\n";
        let idx = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let at = |offset| idx.position(text, offset, enc);
            assert_eq!(at(0), LineCol { line: 0, col: 0 });
            assert_eq!(at(3), LineCol { line: 0, col: 0 }, "`#` is column 0");
            assert_eq!(at(5), LineCol { line: 0, col: 2 });
            assert_eq!(idx.offset(text, LineCol { line: 0, col: 0 }, enc), Some(3));
            assert_eq!(idx.offset(text, LineCol { line: 0, col: 2 }, enc), Some(5));
            assert_eq!(idx.offset(text, LineCol { line: 1, col: 0 }, enc), Some(11));
        }
        let only = "\u{feff}";
        assert_eq!(
            LineIndex::new(only).offset(only, LineCol { line: 0, col: 5 }, Encoding::Utf16),
            Some(3)
        );
    }

    fn round_trip(text: &str, enc: Encoding) {
        let idx = LineIndex::new(text);
        for (offset, ch) in text.char_indices() {
            if ch == '\n' && text[..offset].ends_with('\r') {
                continue; // inside a CRLF terminator: clamps to the line end
            }
            if ch == '\u{feff}' && offset == 0 {
                continue; // a byte order mark takes no column: its position is the text's
            }
            let pos = idx.position(text, offset, enc);
            assert_eq!(
                idx.offset(text, pos, enc),
                Some(offset),
                "{enc:?} offset {offset} in {text:?}"
            );
        }
    }

    proptest::proptest! {
        /// After any edit, the index moved from the old one is the index of the new text;
        /// line breaks of every kind are typed, deleted and split (`\r` from its `\n`).
        #[test]
        fn an_edited_index_is_the_index_of_the_edited_text(
            old in "[a\\r\\né😀]{0,40}",
            at in 0usize..50,
            removed in 0usize..10,
            inserted in "[b\\r\\n]{0,6}",
        ) {
            let mut start = at.min(old.len());
            while !old.is_char_boundary(start) { start -= 1; }
            let mut end = (start + removed).min(old.len());
            while !old.is_char_boundary(end) { end -= 1; }
            let mut text = old.clone();
            text.replace_range(start..end, &inserted);
            let before = LineIndex::new(&old);
            proptest::prop_assert_eq!(
                before.edited(&text, start, end, start + inserted.len()),
                LineIndex::new(&text)
            );
            // A wider stretch around the edit does as well.
            let (a, b) = (start.saturating_sub(3), (end + 2).min(old.len()));
            if old.is_char_boundary(a) && old.is_char_boundary(b) {
                let new_end = b + inserted.len() + start - end;
                proptest::prop_assert_eq!(before.edited(&text, a, b, new_end), LineIndex::new(&text));
            }
        }
    }

    #[test]
    fn a_line_looked_for_near_another_is_the_same_line() {
        let text = "one\r\ntwo\rthree\n\nfive 😀\n";
        let idx = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            for near in (0..idx.line_count() + 2).chain([usize::MAX]) {
                assert_eq!(
                    idx.line_of_near(offset, near),
                    idx.line_of(offset),
                    "offset {offset} near {near}"
                );
                for enc in [Encoding::Utf8, Encoding::Utf16] {
                    assert_eq!(
                        idx.position_near(text, offset, enc, near),
                        idx.position(text, offset, enc)
                    );
                }
            }
        }
    }

    #[test]
    fn round_trips_emoji_cjk_and_line_endings() {
        let samples = [
            "plain\nlines\n",
            "- [x] 👩‍👩‍👧 family `A_B=1`\n",
            "⚠️ 要改善 | ✅\r\nnext\rlone cr\n",
            "\u{feff}# BOM heading\n- [ ] item",
            "",
        ];
        for text in samples {
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                round_trip(text, enc);
            }
        }
    }

    #[test]
    fn counts_columns_per_encoding() {
        let text = "a😀b\n";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(idx.position(text, b, Encoding::Utf8).col, 5);
        assert_eq!(idx.position(text, b, Encoding::Utf16).col, 3);
        assert_eq!(idx.position(text, b, Encoding::Utf32).col, 2);
    }

    #[test]
    fn line_starts_match_a_byte_by_byte_scan() {
        fn reference(bytes: &[u8]) -> Vec<u32> {
            let mut starts = vec![0];
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'\n' => starts.push(i as u32 + 1),
                    b'\r' => {
                        if bytes.get(i + 1) == Some(&b'\n') {
                            i += 1;
                        }
                        starts.push(i as u32 + 1);
                    }
                    _ => {}
                }
                i += 1;
            }
            starts
        }
        for text in [
            "",
            "\n",
            "\r",
            "\r\n",
            "\r\r\n\n",
            "a\r\nb\rc\nd",
            "\n\r",
            "x\r",
            "é\r\n\r\n",
        ] {
            assert_eq!(
                LineIndex::new(text).line_starts,
                reference(text.as_bytes()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn treats_cr_lf_and_lone_cr_as_line_ends() {
        let text = "a\r\nb\rc\nd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(
            idx.position(text, text.find('c').unwrap(), Encoding::Utf8),
            LineCol { line: 2, col: 0 }
        );
        assert_eq!(&text[idx.line_range(text, 0)], "a");
    }

    #[test]
    fn clamps_out_of_range_positions() {
        let text = "ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            Some(2)
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 7, col: 0 }, Encoding::Utf16),
            None
        );
        assert_eq!(
            idx.position(text, 999, Encoding::Utf8),
            LineCol { line: 1, col: 2 }
        );
    }
}
