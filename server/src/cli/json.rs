//! `--format json`: the version 1 shape, documented in the README. Streamed, so that a
//! report of tens of thousands of findings never exists twice in memory, and written by
//! hand, byte for byte as serde_json's pretty printer writes it (the tests compare them).

use std::io::{self, Write};

use serde::Serialize;

use super::report::{ChecklistOut, Counts, Report};

/// A checklist's entry and its parts, as serde writes them: the reference
/// [`write_checklists`] is tested against.
#[cfg(test)]
#[derive(Serialize)]
struct TaskCounts {
    total: usize,
    done: usize,
}

#[cfg(test)]
impl From<&Counts> for TaskCounts {
    fn from(c: &Counts) -> Self {
        TaskCounts {
            total: c.total,
            done: c.done,
        }
    }
}

#[cfg(test)]
#[derive(Serialize)]
struct RowCounts {
    total: usize,
    done: usize,
    partial: usize,
}

#[cfg(test)]
#[derive(Serialize)]
struct Section<'a> {
    title: &'a str,
    line: usize,
    tasks: TaskCounts,
    score: Option<u8>,
}

#[cfg(test)]
#[derive(Serialize)]
struct Checklist<'a> {
    path: &'a str,
    tasks: TaskCounts,
    status_rows: RowCounts,
    sections: Vec<Section<'a>>,
    /// 0-100 against the checklist's packs.
    score: Option<u8>,
    /// null, "bronze", "silver" or "gold".
    level: Option<&'static str>,
}

/// A diagnostic's related place and (below) a diagnostic, as serde writes them: the
/// reference [`render_diagnostic`] is tested against.
#[cfg(test)]
#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    message: &'a str,
}

#[cfg(test)]
#[derive(Serialize)]
struct Diagnostic<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    checklists: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    hints: usize,
}

/// Serializes an iterator as a JSON array without collecting it (once: a second time
/// gives an empty array).
pub(super) struct Seq<I>(std::cell::RefCell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Seq<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.borrow_mut().take() {
            Some(iter) => s.collect_seq(iter),
            None => s.collect_seq(std::iter::empty::<T>()),
        }
    }
}

pub(super) fn seq<I>(iter: I) -> Seq<I> {
    Seq(std::cell::RefCell::new(Some(iter)))
}

#[cfg(test)]
fn checklist(c: &ChecklistOut) -> Checklist<'_> {
    Checklist {
        path: &c.path,
        tasks: (&c.tasks).into(),
        status_rows: RowCounts {
            total: c.status_rows.total,
            done: c.status_rows.done,
            partial: c.status_rows.partial,
        },
        sections: c
            .sections
            .iter()
            .map(|s| Section {
                title: &s.title,
                line: s.line,
                tasks: (&s.tasks).into(),
                score: s.score,
            })
            .collect(),
        score: c.score.as_ref().map(|s| s.score),
        level: c.score.as_ref().and_then(|s| s.level).map(|l| l.as_str()),
    }
}

fn summary(s: &super::report::Summary) -> Summary {
    Summary {
        files: s.files,
        checklists: s.checklists,
        errors: s.errors,
        warnings: s.warnings,
        infos: s.infos,
        hints: s.hints,
    }
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    // The shape of `Output`, written by hand so that the diagnostics, most of the bytes, can
    // be rendered on all cores (see `write_diagnostics`); the bytes are serde_json's
    // `to_writer_pretty`'s (tested below).
    out.write_all(b"{\n  \"version\": 1,\n  \"checklists\": ")?;
    write_checklists(&mut *out, &report.checklists)?;
    out.write_all(b",\n  \"diagnostics\": ")?;
    write_diagnostics(&mut *out, report.diagnostics())?;
    out.write_all(b",\n  \"summary\": ")?;
    summary(&report.summary).serialize(&mut pretty(&mut *out, 1))?;
    out.write_all(b"\n}\n")
}

/// The `checklists` array, as `to_writer_pretty` writes it at its depth in the output.
/// Written directly, as the diagnostics are: serde's formatter took 4 ms for the 1,600
/// checklists of the bench tree, on one thread while the others had nothing to do.
fn write_checklists(out: &mut impl Write, checklists: &[ChecklistOut]) -> io::Result<()> {
    if checklists.is_empty() {
        return out.write_all(b"[]");
    }
    // Written out every 64 KiB or so: the whole array is megabytes on a large tree.
    const PIECE: usize = 1 << 16;
    let mut buf = Vec::with_capacity(PIECE + 4096);
    for (i, c) in checklists.iter().enumerate() {
        if buf.len() >= PIECE {
            out.write_all(&buf)?;
            buf.clear();
        }
        buf.extend_from_slice(if i == 0 { b"[\n    {" } else { b",\n    {" });
        buf.extend_from_slice(b"\n      \"path\": ");
        string(&mut buf, &c.path);
        buf.extend_from_slice(b",\n      \"tasks\": ");
        task_counts(&mut buf, &c.tasks, "      ");
        buf.extend_from_slice(b",\n      \"status_rows\": {\n        \"total\": ");
        number(&mut buf, c.status_rows.total);
        buf.extend_from_slice(b",\n        \"done\": ");
        number(&mut buf, c.status_rows.done);
        buf.extend_from_slice(b",\n        \"partial\": ");
        number(&mut buf, c.status_rows.partial);
        buf.extend_from_slice(b"\n      },\n      \"sections\": [");
        for (j, section) in c.sections.iter().enumerate() {
            buf.extend_from_slice(if j == 0 { b"\n" } else { b",\n" });
            buf.extend_from_slice(b"        {\n          \"title\": ");
            string(&mut buf, &section.title);
            buf.extend_from_slice(b",\n          \"line\": ");
            number(&mut buf, section.line);
            buf.extend_from_slice(b",\n          \"tasks\": ");
            task_counts(&mut buf, &section.tasks, "          ");
            buf.extend_from_slice(b",\n          \"score\": ");
            optional_number(&mut buf, section.score);
            buf.extend_from_slice(b"\n        }");
        }
        if !c.sections.is_empty() {
            buf.extend_from_slice(b"\n      ");
        }
        buf.extend_from_slice(b"],\n      \"score\": ");
        optional_number(&mut buf, c.score.as_ref().map(|s| s.score));
        buf.extend_from_slice(b",\n      \"level\": ");
        match c.score.as_ref().and_then(|s| s.level) {
            Some(level) => string(&mut buf, level.as_str()),
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(b"\n    }");
    }
    buf.extend_from_slice(b"\n  ]");
    out.write_all(&buf)
}

/// `{"total": .., "done": ..}` with its closing brace at `indent`.
fn task_counts(buf: &mut Vec<u8>, counts: &Counts, indent: &str) {
    buf.extend_from_slice(b"{\n");
    buf.extend_from_slice(indent.as_bytes());
    buf.extend_from_slice(b"  \"total\": ");
    number(buf, counts.total);
    buf.extend_from_slice(b",\n");
    buf.extend_from_slice(indent.as_bytes());
    buf.extend_from_slice(b"  \"done\": ");
    number(buf, counts.done);
    buf.push(b'\n');
    buf.extend_from_slice(indent.as_bytes());
    buf.push(b'}');
}

fn optional_number(buf: &mut Vec<u8>, n: Option<u8>) {
    match n {
        Some(n) => number(buf, n.into()),
        None => buf.extend_from_slice(b"null"),
    }
}

/// Diagnostics rendered per chunk, and chunks rendered at once. The report is written at
/// the run's peak of memory: the chunks in flight (rendered, queued and written, about
/// nine) add 2.5 MB to the bench tree's peak with 512 per chunk, 0.2-0.4 MB with 128. But
/// each window of chunks is handed to rayon's threads and back, and each chunk to the
/// writing thread, each a wake-up of a sleeping thread: with 128, writing took 17-35 ms
/// (median 26) and used one core of two; with 512, 13-22 ms (median 16).
const CHUNK: usize = 512;
const CHUNKS_AT_ONCE: usize = 4;

/// The `diagnostics` array, as `to_writer_pretty` writes it at its depth in the output:
/// its elements are rendered in chunks side by side on rayon's threads, and written in order
/// by this thread while the next chunks are rendered. A large check's report is tens of
/// megabytes of JSON: one thread took a tenth of the run to format it, and writing it
/// between renderings left the other cores idle.
fn write_diagnostics<'r>(
    out: &mut impl Write,
    diagnostics: impl Iterator<Item = (&'r str, &'r super::report::Diagnostic)> + Send,
) -> io::Result<()> {
    // One rendered window waits while the next is rendered.
    let (rendered, windows) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(CHUNKS_AT_ONCE);
    std::thread::scope(|s| {
        s.spawn(move || render_windows(diagnostics, &rendered));
        let mut written = false;
        for buf in windows {
            let buf = buf?;
            // Each element is rendered after a comma; the array's first follows its bracket.
            if written {
                out.write_all(&buf)?;
            } else {
                out.write_all(b"[")?;
                out.write_all(buf.strip_prefix(b",").unwrap_or(&buf))?;
                written = true;
            }
        }
        // An error above drops `windows`: the renderer stops at its next send.
        out.write_all(if written { b"\n  ]" } else { b"[]" })
    })
}

/// Renders the diagnostics (each after a comma), [`CHUNKS_AT_ONCE`] chunks at a time, and
/// sends each chunk in order; stops when the receiver is gone.
fn render_windows<'r>(
    mut diagnostics: impl Iterator<Item = (&'r str, &'r super::report::Diagnostic)>,
    send: &std::sync::mpsc::SyncSender<io::Result<Vec<u8>>>,
) {
    use rayon::prelude::*;
    let mut window = Vec::with_capacity(CHUNK * CHUNKS_AT_ONCE);
    loop {
        window.clear();
        window.extend(diagnostics.by_ref().take(CHUNK * CHUNKS_AT_ONCE));
        if window.is_empty() {
            return;
        }
        let chunks: Vec<io::Result<Vec<u8>>> = window
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 640);
                // A file's diagnostics come together: its path is escaped once for them.
                let mut path: (&str, Vec<u8>) = ("", Vec::new());
                for (p, d) in chunk {
                    if !std::ptr::eq(*p, path.0) {
                        path.1.clear();
                        string(&mut path.1, p);
                        path.0 = p;
                    }
                    render_diagnostic(&mut buf, &path.1, d);
                }
                Ok(buf)
            })
            .collect();
        for chunk in chunks {
            if send.send(chunk).is_err() {
                return;
            }
        }
    }
}

/// Writes one element of the `diagnostics` array after a comma, byte for byte as
/// `to_writer_pretty` writes it at its depth (tested against it). Written directly: the
/// formatter's calls for every token and its indentation two spaces at a time were half the
/// cost of rendering a large report, itself 7% of a check of the bench tree.
fn render_diagnostic(buf: &mut Vec<u8>, path: &[u8], d: &super::report::Diagnostic) {
    buf.extend_from_slice(b",\n    {\n      \"path\": ");
    // Escaped and quoted by the caller.
    buf.extend_from_slice(path);
    buf.extend_from_slice(b",\n      \"line\": ");
    number(buf, d.start.line);
    buf.extend_from_slice(b",\n      \"column\": ");
    number(buf, d.start.column);
    buf.extend_from_slice(b",\n      \"end_line\": ");
    number(buf, d.end.line);
    buf.extend_from_slice(b",\n      \"end_column\": ");
    number(buf, d.end.column);
    buf.extend_from_slice(b",\n      \"severity\": ");
    string(buf, d.severity.as_str());
    buf.extend_from_slice(b",\n      \"code\": ");
    string(buf, d.code);
    buf.extend_from_slice(b",\n      \"message\": ");
    string(buf, &d.message);
    buf.extend_from_slice(b",\n      \"related\": [");
    for (i, r) in d.related.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        buf.extend_from_slice(b"        {\n          \"path\": ");
        string(buf, &r.path);
        buf.extend_from_slice(b",\n          \"line\": ");
        number(buf, r.line);
        buf.extend_from_slice(b",\n          \"message\": ");
        string(buf, &r.message);
        buf.extend_from_slice(b"\n        }");
    }
    if !d.related.is_empty() {
        buf.extend_from_slice(b"\n      ");
    }
    buf.extend_from_slice(b"]\n    }");
}

/// A JSON string, escaped as serde_json escapes it: `"`, `\\` and control characters only,
/// short forms where JSON has them, else `\u00xx`.
fn string(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    // Bytes before `start` are written; `i` is the next byte to look at.
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        // Most of a string needs no escape: it is looked through eight bytes at a time,
        // and byte by byte only in a word that may hold one (a message quoting a task
        // has two quotes, and then goes on for a hundred bytes).
        while let Some(word) = bytes.get(i..i + 8) {
            if may_need_escape(u64::from_le_bytes(word.try_into().unwrap_or_default())) {
                break;
            }
            i += 8;
        }
        let word_end = (i + 8).min(bytes.len());
        while i < word_end {
            let b = bytes[i];
            i += 1;
            let short = match b {
                b'"' => b'"',
                b'\\' => b'\\',
                b'\n' => b'n',
                b'\r' => b'r',
                b'\t' => b't',
                0x08 => b'b',
                0x0c => b'f',
                0..=0x1f => 0,
                _ => continue,
            };
            buf.extend_from_slice(&bytes[start..i - 1]);
            start = i;
            if short != 0 {
                buf.extend_from_slice(&[b'\\', short]);
            } else {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let u = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ];
                buf.extend_from_slice(&u);
            }
        }
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

/// Whether one of eight bytes may be `"`, `\\` or a control character (below 0x20): the
/// bit tricks "determine if a word has a byte less than n" and "has a zero byte" of Sean
/// Anderson's Bit Twiddling Hacks. Each subtraction sets a byte's high bit when the byte
/// is one of those, and never misses one. Bytes of non-ASCII text set it too; they have
/// their own high bit set, which the last mask leaves out. A borrow out of a byte that
/// is one of those can set the next byte's bit as well: the word is then read byte by
/// byte, which is only slower.
fn may_need_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20);
    let quote = (word ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (word ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (below_space | quote | backslash) & !word & HIGH != 0
}

/// A JSON number, written by serde_json's own formatter.
fn number(buf: &mut Vec<u8>, n: usize) {
    use serde_json::ser::Formatter;
    // Writing to a Vec cannot fail.
    let _ = serde_json::ser::CompactFormatter.write_u64(buf, n as u64);
}

/// A serializer writing as `to_writer_pretty` does for a value nested `depth` levels deep.
fn pretty<W: Write>(out: W, depth: usize) -> serde_json::Serializer<W, Nested> {
    serde_json::Serializer::with_formatter(
        out,
        Nested {
            depth,
            has_value: false,
        },
    )
}

/// serde_json's `PrettyFormatter` (two-space indent), starting at a given depth: its
/// own cannot be started anywhere but at the top.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cli::report::{
        ChecklistOut, Counts, Diagnostic as Diag, FileDiagnostics, Position, RelatedOut, SectionOut,
    };
    use crate::model::Severity;

    /// The document as serde_json writes it in one piece, pretty: what `write` must equal.
    #[derive(Serialize)]
    struct Output<C: Serialize, D: Serialize> {
        version: u32,
        checklists: C,
        diagnostics: D,
        summary: Summary,
    }

    fn diagnostic<'a>(path: &'a str, d: &'a Diag) -> Diagnostic<'a> {
        Diagnostic {
            path,
            line: d.start.line,
            column: d.start.column,
            end_line: d.end.line,
            end_column: d.end.column,
            severity: d.severity.as_str(),
            code: d.code,
            message: &d.message,
            related: d
                .related
                .iter()
                .map(|r| Related {
                    path: &r.path,
                    line: r.line,
                    message: &r.message,
                })
                .collect(),
        }
    }

    fn in_one_piece(report: &Report) -> String {
        let output = Output {
            version: 1,
            checklists: report.checklists.iter().map(checklist).collect::<Vec<_>>(),
            diagnostics: report
                .diagnostics()
                .map(|(p, d)| diagnostic(p, d))
                .collect::<Vec<_>>(),
            summary: summary(&report.summary),
        };
        serde_json::to_string_pretty(&output).unwrap() + "\n"
    }

    fn written(report: &Report) -> String {
        let mut out = Vec::new();
        write(&mut out, report).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn diag(i: usize, related: usize) -> Diag {
        Diag {
            start: Position {
                line: i + 1,
                column: 3,
            },
            end: Position {
                line: i + 1,
                column: 9,
            },
            severity: [Severity::Error, Severity::Warning, Severity::Info][i % 3],
            code: "broken-link",
            message: match i % 4 {
                0 => format!("link {i}: \"quoted\", tab\t, ✅ and a \\ backslash").into(),
                1 => format!(
                    "{i}: line\nbreak\r, \u{1} \u{8} \u{c} \u{1f} \u{7f} / <tag> \u{2028}\""
                )
                .into(),
                2 => "".into(),
                _ => format!("{i}").into(),
            },
            related: (0..related)
                .map(|r| RelatedOut {
                    path: Arc::from(".env.production"),
                    line: r + 1,
                    message: format!("defined here ({r})").into(),
                })
                .collect(),
            extra: None,
        }
    }

    fn report(files: usize, per_file: usize) -> Report {
        let mut report = Report::default();
        report.checklists.push(ChecklistOut {
            path: "docs/readiness.md".into(),
            tasks: Default::default(),
            status_rows: Default::default(),
            sections: vec![SectionOut {
                title: "Security & \"secrets\"".into(),
                line: 3,
                level: 2,
                tasks: Default::default(),
                score: None,
            }],
            errors: 1,
            warnings: 0,
            infos: 0,
            hints: 0,
            score: None,
        });
        // Scored, with a level, and with no sections; and names that need escapes (after
        // eight clean bytes, and in the first eight).
        report.checklists.push(ChecklistOut {
            path: "services/api/docs/go-live \"v2\".md".into(),
            tasks: Counts {
                total: 100,
                done: 58,
                partial: 0,
            },
            status_rows: Counts {
                total: 7,
                done: 6,
                partial: 1,
            },
            sections: Vec::new(),
            errors: 0,
            warnings: 0,
            infos: 0,
            hints: 0,
            score: Some(crate::score::ChecklistScore {
                score: 87,
                level: Some(crate::score::Medal::Silver),
                sections: Vec::new(),
            }),
        });
        report.checklists.push(ChecklistOut {
            path: "a\\b/readiness.md".into(),
            tasks: Default::default(),
            status_rows: Default::default(),
            sections: vec![
                SectionOut {
                    title: "Launch Checklist — svc ✅ \u{7}".into(),
                    line: 1,
                    level: 1,
                    tasks: Counts {
                        total: 3,
                        done: 1,
                        partial: 0,
                    },
                    score: Some(0),
                },
                SectionOut {
                    title: "Release & Rollback".into(),
                    line: 12,
                    level: 2,
                    tasks: Default::default(),
                    score: Some(100),
                },
            ],
            errors: 0,
            warnings: 0,
            infos: 0,
            hints: 0,
            score: Some(crate::score::ChecklistScore {
                score: 0,
                level: None,
                sections: Vec::new(),
            }),
        });
        for f in 0..files {
            report.files.push(FileDiagnostics {
                path: Arc::from(match f {
                    1 => format!("svc \"{f}\"\\/ready ✅.md"),
                    _ => format!("svc-{f}/readiness.md"),
                }),
                diagnostics: (0..per_file).map(|i| diag(i, i % 3)).collect(),
            });
        }
        report.summary.files = 7;
        report
    }

    #[test]
    fn writes_the_bytes_serde_json_writes_in_one_piece() {
        for (files, per_file) in [(0, 0), (1, 1), (1, 2), (3, 5)] {
            let r = report(files, per_file);
            assert_eq!(written(&r), in_one_piece(&r), "{files} x {per_file}");
        }
        let empty = Report::default();
        assert_eq!(written(&empty), in_one_piece(&empty));
    }

    #[test]
    fn checklists_written_out_in_pieces_come_out_whole_and_in_order() {
        let mut r = report(1, 1);
        let first = r.checklists.clone();
        for i in 0..400 {
            let mut more = first.clone();
            more[0].path = format!("svc-{i}/readiness.md");
            r.checklists.extend(more);
        }
        let out = written(&r);
        assert!(
            out.len() > 3 << 16,
            "{} bytes: fewer than three pieces",
            out.len()
        );
        assert_eq!(out, in_one_piece(&r));
    }

    /// Strings escaped eight bytes at a time must come out as serde_json writes them,
    /// whatever byte needs an escape and wherever it sits.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them_at_every_offset() {
        let specials = [
            '"', '\\', '\n', '\u{0}', '\u{1f}', '\u{7f}', 'é', '✅', ' ', '~',
        ];
        for len in 0..20 {
            for at in 0..len {
                for c in specials {
                    let mut text: String = "abcdefghijklmnopqrst"[..len].to_string();
                    // A second one further on, in the same word or a later one.
                    let second = (at * 3 + 5) % len;
                    if second > at {
                        text.replace_range(second..second + 1, "\"");
                    }
                    text.replace_range(at..at + 1, &c.to_string());
                    let mut buf = Vec::new();
                    string(&mut buf, &text);
                    assert_eq!(
                        String::from_utf8(buf).unwrap(),
                        serde_json::to_string(&text).unwrap(),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn diagnostics_across_many_chunks_come_out_whole_and_in_order() {
        // More than one window of chunks, and a last chunk that is not full.
        let n = CHUNK * CHUNKS_AT_ONCE + CHUNK + 7;
        let r = report(3, n / 3 + 1);
        let out = written(&r);
        assert_eq!(out, in_one_piece(&r));
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            parsed["diagnostics"].as_array().unwrap().len(),
            3 * (n / 3 + 1)
        );
    }
}
