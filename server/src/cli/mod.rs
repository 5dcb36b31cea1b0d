//! The command-line front end: argument parsing, and reports in four formats.
//! It converts and calls the core; it decides nothing about what is wrong.

mod audit;
mod github;
mod human;
mod init;
mod json;
mod new;
mod report;
mod sarif;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::date::Date;

pub use report::Report;

#[derive(Parser, Debug)]
#[command(
    name = "readiness",
    version,
    about = "Production-readiness checklists, verified against the repository"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check checklists against the workspace and report where they disagree.
    Check(CheckArgs),
    /// List every rule with its default severity.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule code, such as `env-mismatch`.
        code: String,
    },
    /// Write a checklist for this repository from the packs, ticking what probes confirm.
    Init(init::InitArgs),
    /// Run the packs' probes alone and print a scorecard per section.
    Audit(audit::AuditArgs),
    /// Write a document template (runbook, slo, security...); --list lists them.
    New(new::NewArgs),
    /// Run the language server (LSP over stdio).
    Lsp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Workspace folders or checklist files (default: the current folder).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check as if today were this date (YYYY-MM-DD); also READINESS_TODAY.
    #[arg(long)]
    pub today: Option<String>,
    /// Settings file to use instead of <root>/readiness.toml.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Also report hints (open tasks).
    #[arg(long)]
    pub include_hints: bool,
    /// Human format: findings only, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Say which files were skipped and why.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Runs the CLI; the exit code is 0 (no errors), 1 (errors found) or 2 (could not run).
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Init(args) => print_or_fail(init::run(&args).map(|m| m + "\n")),
        Command::Audit(args) => print_or_fail(audit::run(&args)),
        Command::New(args) => {
            let today = match resolve_today(None) {
                Ok(d) => d.to_string(),
                Err(e) => return print_or_fail(Err(e)),
            };
            print_or_fail(new::run(&args, &today).map(
                |m| {
                    if m.ends_with('\n') {
                        m
                    } else {
                        m + "\n"
                    }
                },
            ))
        }
        Command::Lsp => crate::lsp::run(),
        Command::Check(args) => match check(&args) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        },
        Command::Rules => {
            let mut out = std::io::stdout().lock();
            for info in crate::rules::all() {
                let _ = writeln!(
                    out,
                    "{:<18} {:<8} {}",
                    info.code,
                    info.severity.as_str(),
                    info.summary
                );
            }
            ExitCode::SUCCESS
        }
        Command::Explain { code } => match crate::rules::info(&code) {
            Some(info) => {
                print!("{}", info.explain);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: unknown rule `{code}`; `readiness rules` lists them");
                ExitCode::from(2)
            }
        },
    }
}

/// Prints a command's output, or its error with exit status 2.
fn print_or_fail(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The date rules run on: `--today`, else READINESS_TODAY, else the system clock (UTC).
pub fn resolve_today(flag: Option<&str>) -> Result<Date, String> {
    let (value, source) = match flag {
        Some(v) => (Some(v.to_string()), "--today"),
        None => (
            std::env::var("READINESS_TODAY")
                .ok()
                .filter(|v| !v.is_empty()),
            "READINESS_TODAY",
        ),
    };
    match value {
        None => Ok(Date::today_utc()),
        Some(v) => Date::parse_iso(v.trim())
            .ok_or_else(|| format!("{source}: `{v}` is not a date; use YYYY-MM-DD")),
    }
}

fn check(args: &CheckArgs) -> Result<ExitCode, String> {
    let today = resolve_today(args.today.as_deref())?;
    let report = Report::build(args, today)?;
    // Locked stdout flushes at every newline: one write(2) per line of a report that can
    // run to a million lines. 32 KiB: the JSON's chunks of diagnostics are larger (about
    // 55 KB), and a write larger than the buffer goes straight through, not copied into it.
    let mut out = std::io::BufWriter::with_capacity(1 << 15, std::io::stdout().lock());
    let written = match args.format {
        Format::Human => human::write(&mut out, &report, args.quiet, human::use_color()),
        Format::Json => json::write(&mut out, &report),
        Format::Sarif => sarif::write(&mut out, &report),
        Format::Github => github::write(&mut out, &report),
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the report: {e}"))?;
    drop(out);
    if args.format == Format::Github {
        if let Ok(summary_path) = std::env::var("GITHUB_STEP_SUMMARY") {
            if !summary_path.is_empty() {
                github::append_step_summary(&summary_path, &report)
                    .map_err(|e| format!("{summary_path}: cannot append the step summary: {e}"))?;
            }
        }
    }
    if args.verbose {
        for note in &report.notes {
            eprintln!("note: {note}");
        }
    }
    let code = if report.summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: freeing tens of thousands of diagnostics one by one would
    // only cost time, as for the workspace (see `Report::build`).
    std::mem::forget(report);
    Ok(code)
}
