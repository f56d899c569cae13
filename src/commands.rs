//! What each subcommand does, between parsing and the exit code: settings
//! laid under the flags, the scan with its progress bar, the diagnostics,
//! the files written, the summary. Rendering lives in `circlescan::write`,
//! the settings file in `settings`, the bar in `progress_bar`.
use std::io::{IsTerminal, Write};
use std::time::Instant;

use clap::CommandFactory;

use circlescan::cli::{
    Cli, ColorArg, CompletionsArgs, InputArgs, LexiconsArgs, MergeArgs, PrintArgs, ReviewArgs,
    ScanArgs, ScanFormatArg,
};
use circlescan::config::{output_format, Config, Fatal};
use circlescan::diag::Severity;
use circlescan::write::compare::{self, Changes};
use circlescan::write::previous;
use circlescan::write::review::{render_review_styled, ReviewStyle};
use circlescan::write::{self, OutputFormat, RenderOptions, ScanOutput};
use circlescan::Scan;

use crate::progress_bar::{scan_with_bar, with_bar, Show};
use crate::settings::Settings;
use crate::{lexicons_cmd, print_stdout, summary, Exit};

/// `scan`: both tables (or the workbook) into the output folder.
pub fn scan(args: ScanArgs) -> Result<Exit, Fatal> {
    let started = Instant::now();
    let (settings, input) = with_settings(&args.input)?;
    let choices = settings.scan_choices(
        args.out.as_deref(),
        args.format,
        args.bom,
        args.no_formula_guard,
    );
    let out = choices.out.ok_or_else(|| {
        Fatal::Usage("scan needs --out DIR (or `out = \"DIR\"` in circlescan.toml)".into())
    })?;
    let output = match choices.format {
        ScanFormatArg::Xlsx => ScanOutput::Workbook,
        f => ScanOutput::Tables(RenderOptions {
            format: match f {
                ScanFormatArg::Json => OutputFormat::Json,
                ScanFormatArg::Jsonl => OutputFormat::Jsonl,
                _ => OutputFormat::Csv,
            },
            formula_guard: choices.formula_guard,
            bom: choices.bom,
        }),
    };
    let prefer = match output {
        ScanOutput::Tables(o) => o.format.ext(),
        ScanOutput::Workbook => "xlsx",
    };
    // Found before the scan: a missing folder is told at once.
    let found = args
        .compare
        .as_deref()
        .map(|dir| previous::find_tables(dir, prefer))
        .transpose()
        .map_err(Fatal::Usage)?;
    let mut cfg = Config::from_args(&input)?;
    cfg.exclude = Some(out.clone());
    let (result, exit, changes, written) = match output {
        // Tables written client by client as the scan goes, so memory does
        // not grow with the export; the previous run's rows, if any, are
        // read and partitioned the same way.
        ScanOutput::Tables(o) if !cfg.redact && !args.in_memory => {
            let streamed = with_bar(show(&input), |progress| {
                circlescan::scan_to_dir(&cfg, progress, &out, o, found.as_ref())
            })?;
            let exit = report(&streamed.scan, &input);
            (streamed.scan, exit, streamed.changes, streamed.written)
        }
        // Pseudonyms and the workbook need the whole tables.
        _ => {
            // Read the previous run first: it may be the folder about to be
            // written.
            let previous = match &found {
                Some(found) => Some(previous::read_previous(found).map_err(Fatal::Usage)?),
                None => None,
            };
            let (result, exit) = scan_and_report(&cfg, &input)?;
            let changes: Option<Changes> = previous.map(|p| compare::compare(&result.tables, &p));
            let files = write::scan_files(&result.tables, output, changes.as_ref())
                .map_err(Fatal::Output)?;
            let written =
                write::write_files(&out, &files).map_err(|e| Fatal::Output(e.to_string()))?;
            (result, exit, changes.map(|c| c.counts()), written)
        }
    };
    if !input.quiet && (args.summary || std::io::stderr().is_terminal()) {
        let text = summary::render(&result, changes, &written, started.elapsed());
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
    Ok(exit)
}

/// Which table `print` writes.
#[derive(Clone, Copy)]
pub enum Table {
    /// `candidates`.
    Candidates,
    /// `flags`.
    Flags,
}

/// `candidates` / `flags`: one table to standard output.
pub fn print(args: PrintArgs, table: Table) -> Result<Exit, Fatal> {
    let (settings, input) = with_settings(&args.input)?;
    let cfg = Config::from_args(&input)?;
    let (result, exit) = scan_and_report(&cfg, &input)?;
    let options = RenderOptions {
        format: output_format(settings.print_format(args.format)),
        formula_guard: !args.no_formula_guard && settings.formula_guard(),
        bom: false,
    };
    print_stdout(&match table {
        Table::Candidates => write::render_candidates(&result.tables, options),
        Table::Flags => write::render_flags(&result.tables, options),
    });
    Ok(exit)
}

/// `review`: one client's file for a person at a terminal.
pub fn review(args: ReviewArgs) -> Result<Exit, Fatal> {
    let (_, input) = with_settings(&args.input)?;
    let cfg = Config::from_args(&input)?;
    let (result, exit) = scan_and_report(&cfg, &input)?;
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        // https://no-color.org: set and not empty means no colour.
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let style = ReviewStyle {
        color,
        matcher: Some(&cfg.matcher),
    };
    print_stdout(render_review_styled(&result.tables, &style).as_bytes());
    Ok(exit)
}

/// `lexicons ...`.
pub fn lexicons(args: LexiconsArgs) -> Result<Exit, Fatal> {
    let report = lexicons_cmd::run(&args.action)?;
    let _ = std::io::stderr().lock().write_all(report.err.as_bytes());
    print_stdout(report.out.as_bytes());
    Ok(if report.failed { Exit::Fatal } else { Exit::Ok })
}

/// `completions SHELL`.
pub fn completions(args: &CompletionsArgs) -> Exit {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "circlescan", &mut buf);
    print_stdout(&buf);
    Exit::Ok
}

/// `man`.
pub fn man() -> Result<Exit, Fatal> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Fatal::Output(format!("cannot render the manual page: {e}")))?;
    print_stdout(&buf);
    Ok(Exit::Ok)
}

/// `merge`: shard tables joined into the whole run's tables.
pub fn merge(args: MergeArgs) -> Result<Exit, Fatal> {
    let format = output_format(args.format);
    let (tables, bom) = circlescan::merge::merge_dirs(&args.dirs, format)
        .map_err(|e| Fatal::Usage(e.to_string()))?;
    let options = RenderOptions {
        format,
        formula_guard: true,
        bom,
    };
    let ext = format.ext();
    let files = [
        (
            format!("candidates.{ext}"),
            write::render_candidates(&tables, options),
        ),
        (
            format!("flags.{ext}"),
            write::render_flags(&tables, options),
        ),
    ];
    write::write_files(&args.out, &files).map_err(|e| Fatal::Output(e.to_string()))?;
    Ok(Exit::Ok)
}

/// The settings file, and the arguments with its values filled in.
fn with_settings(args: &InputArgs) -> Result<(Settings, InputArgs), Fatal> {
    let settings = Settings::load(args.config.as_deref())?;
    let mut input = args.clone();
    settings.apply(&mut input);
    Ok((settings, input))
}

/// Scans with the progress bar, prints the diagnostics (sorted), and picks
/// the exit code.
fn scan_and_report(cfg: &Config, args: &InputArgs) -> Result<(Scan, Exit), Fatal> {
    let result = scan_with_bar(cfg, show(args))?;
    let exit = report(&result, args);
    Ok((result, exit))
}

/// When the progress bar is drawn.
fn show(args: &InputArgs) -> Show {
    if args.quiet {
        Show::Never
    } else if args.progress {
        Show::Always
    } else {
        Show::IfTerminal
    }
}

/// Prints the diagnostics (sorted) and picks the exit code.
fn report(result: &Scan, args: &InputArgs) -> Exit {
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
    if failed {
        Exit::InputProblems
    } else {
        Exit::Ok
    }
}
