//! `--format json`: the version 1 shape, documented in the README. Streamed with serde so
//! a report of tens of thousands of findings never exists twice in memory.

use std::io::{self, Write};

use serde::Serialize;

use super::report::{Counts, Report};

#[derive(Serialize)]
struct TaskCounts {
    total: usize,
    done: usize,
}

impl From<&Counts> for TaskCounts {
    fn from(c: &Counts) -> Self {
        TaskCounts {
            total: c.total,
            done: c.done,
        }
    }
}

#[derive(Serialize)]
struct RowCounts {
    total: usize,
    done: usize,
    partial: usize,
}

#[derive(Serialize)]
struct Section<'a> {
    title: &'a str,
    line: usize,
    tasks: TaskCounts,
    score: Option<u8>,
}

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

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    message: &'a str,
}

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

#[derive(Serialize)]
struct Output<C: Serialize, D: Serialize> {
    version: u32,
    checklists: C,
    diagnostics: D,
    summary: Summary,
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

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let checklists = report.checklists.iter().map(|c| Checklist {
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
    });
    let diagnostics = report.diagnostics().map(|(path, d)| Diagnostic {
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
    });
    let s = &report.summary;
    let output = Output {
        version: 1,
        checklists: seq(checklists),
        diagnostics: seq(diagnostics),
        summary: Summary {
            files: s.files,
            checklists: s.checklists,
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            hints: s.hints,
        },
    };
    let mut buffered = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut buffered, &output)?;
    writeln!(buffered)?;
    buffered.flush()
}
