//! The one place LSP positions meet byte offsets. Everything goes through
//! [`crate::text::LineIndex`] with the encoding negotiated at `initialize`.

use tower_lsp_server::ls_types::{
    ClientCapabilities, Position, PositionEncodingKind, Range as LspRange,
};

use crate::text::{Encoding, LineCol, LineIndex};

/// UTF-8 when the client offers it (no conversion at all), then UTF-32, else UTF-16
/// (which every client must support).
pub fn negotiate(caps: &ClientCapabilities) -> Encoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref())
        .unwrap_or(&[]);
    if offered.contains(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else if offered.contains(&PositionEncodingKind::UTF32) {
        Encoding::Utf32
    } else {
        Encoding::Utf16
    }
}

pub fn kind(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// A text with its line index, converting in one encoding.
#[derive(Clone, Copy)]
pub struct Converter<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub enc: Encoding,
}

impl<'a> Converter<'a> {
    pub fn new(text: &'a str, lines: &'a LineIndex, enc: Encoding) -> Self {
        Converter { text, lines, enc }
    }

    pub fn position(&self, offset: usize) -> Position {
        let lc = self.lines.position(self.text, offset, self.enc);
        Position::new(lc.line, lc.col)
    }

    pub fn range(&self, range: &std::ops::Range<usize>) -> LspRange {
        LspRange::new(self.position(range.start), self.position(range.end))
    }

    /// Byte offset of a position; None when its line does not exist.
    pub fn offset(&self, pos: Position) -> Option<usize> {
        self.lines.offset(
            self.text,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.enc,
        )
    }

    /// Byte range of an LSP range; None when either end is out of the text, or reversed.
    pub fn byte_range(&self, range: LspRange) -> Option<std::ops::Range<usize>> {
        let start = self.offset(range.start)?;
        let end = self.offset(range.end)?;
        (start <= end).then_some(start..end)
    }
}

/// A converter for offsets that mostly come in order, as a file's sorted findings do:
/// each position's line is looked for from the last one's first.
#[derive(Clone, Copy)]
pub struct InOrder<'a> {
    conv: Converter<'a>,
    line: usize,
}

impl<'a> InOrder<'a> {
    pub fn new(conv: Converter<'a>) -> Self {
        InOrder {
            conv,
            line: usize::MAX,
        }
    }

    pub fn position(&mut self, offset: usize) -> Position {
        let c = self.conv;
        let lc = c.lines.position_near(c.text, offset, c.enc, self.line);
        self.line = lc.line as usize;
        Position::new(lc.line, lc.col)
    }

    pub fn range(&mut self, range: &std::ops::Range<usize>) -> LspRange {
        let start = self.position(range.start);
        LspRange::new(start, self.position(range.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(text: &str, enc: Encoding, offset: usize) -> (Position, Option<usize>) {
        let lines = LineIndex::new(text);
        let c = Converter::new(text, &lines, enc);
        let p = c.position(offset);
        (p, c.offset(p))
    }

    #[test]
    fn emoji_zwj_and_cjk_columns_per_encoding() {
        let text = "- [ ] 👩‍👩‍👧 要 `DEV_AUTH_ENABLED=false`\n";
        let at = text.find('`').unwrap();
        let family = "👩‍👩‍👧";
        let utf16 = 6 + family.encode_utf16().count() + 1 + 1 + 1;
        let utf32 = 6 + family.chars().count() + 3;
        for (enc, col) in [
            (Encoding::Utf8, at),
            (Encoding::Utf16, utf16),
            (Encoding::Utf32, utf32),
        ] {
            let (p, back) = conv(text, enc, at);
            assert_eq!((p.line, p.character as usize), (0, col), "{enc:?}");
            assert_eq!(back, Some(at));
        }
    }

    #[test]
    fn crlf_lone_cr_and_bom() {
        let text = "\u{feff}# T\r\na\rb`X`\n";
        let x = text.find('X').unwrap();
        let (p, back) = conv(text, Encoding::Utf16, x);
        assert_eq!((p.line, p.character), (2, 2));
        assert_eq!(back, Some(x));
        // The BOM takes no column: editors keep it out of their buffers, so a file read
        // from disk must not place its first line's findings one column to the right.
        let (p, _) = conv(text, Encoding::Utf16, text.find('#').unwrap());
        assert_eq!((p.line, p.character), (0, 0));
        let (p, _) = conv(text, Encoding::Utf8, text.find('#').unwrap());
        assert_eq!((p.line, p.character), (0, 0));
    }

    #[test]
    fn out_of_range_positions_are_none_or_clamped() {
        let text = "ab\n";
        let lines = LineIndex::new(text);
        let c = Converter::new(text, &lines, Encoding::Utf16);
        assert_eq!(c.offset(Position::new(0, 99)), Some(2));
        assert_eq!(c.offset(Position::new(9, 0)), None);
        assert_eq!(
            c.byte_range(LspRange::new(Position::new(0, 2), Position::new(0, 1))),
            None
        );
    }
}
