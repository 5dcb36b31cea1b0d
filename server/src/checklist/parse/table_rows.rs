//! Turning a finished table into status rows, with the references and env requirements
//! found in their cells.

use std::ops::Range;

use super::super::lines::trim;
use super::super::{refs, tables, Reference, StatusRow};
use super::{Builder, TableBuf};

impl Builder<'_> {
    pub(super) fn end_table(&mut self, t: TableBuf) {
        let header: Vec<String> = t.header.iter().map(|c| c.text.trim().to_string()).collect();
        let body: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|(_, cells)| cells.iter().map(|c| c.text.trim().to_string()).collect())
            .collect();
        let columns = tables::pick_columns(&header, &body);
        let heading = self.doc.headings.len().checked_sub(1).map(|h| h as u32);
        for (row_range, cells) in &t.rows {
            let mut row_index = None;
            if let Some((status_col, evidence_col)) = columns {
                if let Some(state) = cells
                    .get(status_col)
                    .and_then(|c| tables::classify_status(&c.text))
                {
                    let label_col = if status_col == 0 && cells.len() > 1 {
                        1
                    } else {
                        0
                    };
                    row_index = Some(self.doc.status_rows.len());
                    self.doc.status_rows.push(StatusRow {
                        state,
                        label: cells
                            .get(label_col)
                            .map(|c| c.text.trim().into())
                            .unwrap_or_default(),
                        status_text: cells[status_col].text.trim().into(),
                        range: trim(self.text, row_range.clone()),
                        status_range: cell_content_range(
                            self.text,
                            cells[status_col].range.clone(),
                        ),
                        evidence_range: evidence_col
                            .and_then(|e| cells.get(e))
                            .map(|c| cell_content_range(self.text, c.range.clone())),
                        heading,
                    });
                    for (col, cell) in cells.iter().enumerate() {
                        for (content, inner) in &cell.spans {
                            if let Some(kind) = refs::classify(content) {
                                self.doc.references.push(Reference {
                                    kind,
                                    range: inner.clone(),
                                    task: None,
                                    row: row_index.map(|r| r as u32),
                                    in_evidence: Some(col) == evidence_col,
                                });
                            }
                        }
                    }
                }
            }
            for cell in cells {
                for (content, inner) in &cell.spans {
                    if let Some(kind) = refs::classify(content) {
                        self.push_env_requirement(&kind, inner.clone(), t.task, row_index);
                    }
                }
            }
        }
    }
}

/// A table cell's content: whitespace and the surrounding pipes excluded.
fn cell_content_range(text: &str, range: Range<usize>) -> Range<usize> {
    let mut r = trim(text, range);
    let b = text.as_bytes();
    if r.start < r.end && b[r.start] == b'|' {
        r.start += 1;
    }
    if r.start < r.end && b[r.end - 1] == b'|' && (r.end < 2 || b[r.end - 2] != b'\\') {
        r.end -= 1;
    }
    trim(text, r)
}
