//! `--format human`: rustc-style snippets, then a summary per checklist.

use std::io::{self, IsTerminal, Write};

use super::report::{ChecklistOut, Diagnostic, Report};
use crate::model::Severity;

/// Colour only on a terminal, and never when NO_COLOR is set.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "1;32",
        };
        self.wrap(code, s)
    }
    fn blue(&self, s: &str) -> String {
        self.wrap("1;34", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn write_diagnostic(out: &mut impl Write, path: &str, d: &Diagnostic, p: &Paint) -> io::Result<()> {
    let label = format!("{}[{}]", d.severity.as_str(), d.code);
    writeln!(
        out,
        "{}{}",
        p.severity(d.severity, &label),
        p.bold(&format!(": {}", d.message))
    )?;
    let width = d.end.line.to_string().len();
    let pad = " ".repeat(width);
    writeln!(
        out,
        "{pad}{} {}:{}:{}",
        p.blue("-->"),
        path,
        d.start.line,
        d.start.column
    )?;
    writeln!(out, "{pad} {}", p.blue("|"))?;
    let last = d.source().len().saturating_sub(1);
    for (i, line) in d.source().iter().enumerate().take(4) {
        let number = d.start.line + i;
        let shown = line.replace('\t', "    ");
        writeln!(
            out,
            "{} {} {}",
            p.blue(&format!("{number:>width$}")),
            p.blue("|"),
            shown
        )?;
        // Carets under the part of this line the range covers.
        let chars = line.chars().count();
        let from = if i == 0 {
            d.start.column - 1
        } else {
            line.chars().take_while(|c| c.is_whitespace()).count()
        };
        let to = if i == last { d.end.column - 1 } else { chars };
        let from = from.min(chars);
        let to = to.max(from + 1);
        let tabs_before = line.chars().take(from).filter(|c| *c == '\t').count() * 3;
        let carets = p.severity(d.severity, &"^".repeat(to - from));
        writeln!(
            out,
            "{pad} {} {}{}",
            p.blue("|"),
            " ".repeat(from + tabs_before),
            carets
        )?;
    }
    for r in &d.related {
        writeln!(
            out,
            "{pad} {} {}:{}: {}",
            p.blue("= note:"),
            r.path,
            r.line,
            r.message
        )?;
    }
    if let Some(help) = d.help() {
        writeln!(out, "{pad} {} {help}", p.blue("= help:"))?;
    }
    writeln!(out)
}

fn bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 20;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
    format!("{}{}", "█".repeat(filled), "░".repeat(WIDTH - filled))
}

fn write_checklist(out: &mut impl Write, c: &ChecklistOut, p: &Paint) -> io::Result<()> {
    writeln!(out, "{}", p.bold(&c.path))?;
    let percent = (c.tasks.done * 100).checked_div(c.tasks.total).unwrap_or(0);
    writeln!(
        out,
        "  tasks        {:>4}/{:<4} {} {percent:>3}%",
        c.tasks.done,
        c.tasks.total,
        bar(c.tasks.done, c.tasks.total)
    )?;
    if c.status_rows.total > 0 {
        writeln!(
            out,
            "  status rows  {:>4}/{:<4} done, {} partial",
            c.status_rows.done, c.status_rows.total, c.status_rows.partial
        )?;
    }
    if let Some(score) = &c.score {
        let level = score
            .level
            .map_or("no level yet".to_string(), |l| l.as_str().to_string());
        writeln!(out, "  score        {:>4}/100   {level}", score.score)?;
    }
    let mut parts = Vec::new();
    for (n, word, sev) in [
        (c.errors, "error", Severity::Error),
        (c.warnings, "warning", Severity::Warning),
        (c.infos, "info", Severity::Info),
        (c.hints, "hint", Severity::Hint),
    ] {
        if n > 0 {
            parts.push(p.severity(sev, &plural(n, word)));
        }
    }
    let findings = if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    };
    writeln!(out, "  findings     {findings}")
}

pub fn write(out: &mut impl Write, report: &Report, quiet: bool, color: bool) -> io::Result<()> {
    let p = Paint(color);
    for (path, d) in report.diagnostics() {
        write_diagnostic(out, path, d, &p)?;
    }
    if quiet {
        return Ok(());
    }
    for c in &report.checklists {
        write_checklist(out, c, &p)?;
    }
    let s = &report.summary;
    if report.checklists.is_empty() {
        writeln!(out, "no checklists found (a markdown file is a checklist when its name says readiness, checklist, go-live, launch or prr, or readiness.toml includes it)")?;
    }
    writeln!(
        out,
        "\n{}: {}, {}, {} in {} across {}",
        p.bold("readiness"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        plural(s.checklists, "checklist"),
        plural(s.files, "file")
    )
}
