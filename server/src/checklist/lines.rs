//! Line iteration with byte offsets, for `\n`, `\r\n` and lone `\r` endings alike.

/// Lines of `text` as (start offset, line without its ending). A final line without an
/// ending is yielded; an empty text yields nothing.
pub fn lines(text: &str) -> Lines<'_> {
    Lines { text, pos: 0 }
}

pub struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let start = self.pos;
        let rest = self.text.get(start..)?;
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        match memchr::memchr2(b'\n', b'\r', bytes) {
            Some(i) => {
                let after = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                self.pos = start + after;
                Some((start, &rest[..i]))
            }
            None => {
                self.pos = self.text.len();
                Some((start, rest))
            }
        }
    }
}

/// `range` with trailing ASCII whitespace (spaces, tabs, line endings) removed.
pub fn trim_end(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let bytes = text.as_bytes();
    let start = range.start.min(bytes.len());
    let mut end = range.end.min(bytes.len()).max(start);
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    start..end
}

/// `range` with leading and trailing ASCII whitespace removed.
pub fn trim(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let r = trim_end(text, range);
    let bytes = text.as_bytes();
    let mut start = r.start;
    while start < r.end && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    start..r.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_ending() {
        let got: Vec<_> = lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(got, vec![(0, "a"), (3, "b"), (5, "c"), (7, ""), (8, "d")]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(lines("x\n").collect::<Vec<_>>(), vec![(0, "x")]);
    }

    #[test]
    fn trims_ranges() {
        assert_eq!(trim_end("ab \r\n", 0..5), 0..2);
        assert_eq!(trim(" ab ", 0..4), 1..3);
        assert_eq!(trim("   ", 0..3), 0..0);
    }
}
