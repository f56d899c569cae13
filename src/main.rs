//! The `circlescan` binary: parse arguments, call the library, print
//! diagnostics, choose the exit code. The only place that prints.
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use circlescan::cli::{Cli, Command, InputArgs};
use circlescan::config::{output_format, Config, Fatal};
use circlescan::diag::Severity;
use circlescan::write::{self, RenderOptions};
use circlescan::{scan, Scan};

/// Exit codes (SPEC "Errors").
#[derive(Clone, Copy)]
enum Exit {
    /// Everything read.
    Ok = 0,
    /// Output written, but some input could not be read.
    InputProblems = 1,
    /// Usage, lexicon or output folder error: nothing written.
    Fatal = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Fatal
            } else {
                Exit::Ok
            }
            .into();
        }
    };
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(fatal) => {
            eprintln!("circlescan: {fatal}");
            Exit::Fatal.into()
        }
    }
}

fn run(cli: Cli) -> Result<Exit, Fatal> {
    match cli.command {
        Command::Scan(args) => {
            let (result, exit) = scan_and_report(&args.input)?;
            let options = RenderOptions {
                format: output_format(args.format),
                formula_guard: !args.no_formula_guard,
                bom: args.bom,
            };
            write::write_tables(&args.out, &result.tables, options)
                .map_err(|e| Fatal::Output(e.to_string()))?;
            Ok(exit)
        }
        Command::Candidates(args) => {
            let (result, exit) = scan_and_report(&args.input)?;
            let options = RenderOptions {
                format: output_format(args.format),
                formula_guard: !args.no_formula_guard,
                bom: false,
            };
            print_stdout(&write::render_candidates(&result.tables, options));
            Ok(exit)
        }
        Command::Flags(args) => {
            let (result, exit) = scan_and_report(&args.input)?;
            let options = RenderOptions {
                format: output_format(args.format),
                formula_guard: !args.no_formula_guard,
                bom: false,
            };
            print_stdout(&write::render_flags(&result.tables, options));
            Ok(exit)
        }
        Command::Review(args) => {
            let (result, exit) = scan_and_report(&args.input)?;
            print_stdout(write::review::render_review(&result.tables).as_bytes());
            Ok(exit)
        }
    }
}

/// Scans, prints the diagnostics (sorted), and picks the exit code.
fn scan_and_report(args: &InputArgs) -> Result<(Scan, Exit), Fatal> {
    let cfg = Config::from_args(args)?;
    let result = scan(&cfg)?;
    let mut stderr = std::io::stderr().lock();
    for d in &result.diagnostics {
        if args.quiet && d.severity == Severity::Warning {
            continue;
        }
        let _ = writeln!(stderr, "{d}");
    }
    let failed = result
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    Ok((
        result,
        if failed {
            Exit::InputProblems
        } else {
            Exit::Ok
        },
    ))
}

/// Writes to standard output; a closed pipe (`| head`) ends quietly.
fn print_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if out.write_all(bytes).and_then(|()| out.flush()).is_err() {
        // Broken pipe or closed stdout: nothing more to say.
    }
}
