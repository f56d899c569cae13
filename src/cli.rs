//! Command-line arguments (clap derive). Nothing here reads files or
//! validates beyond what clap does; `config` turns these into a `Config`.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Finds, for every client in your CRM notes, the people you could be
/// introduced to and whether to ask now or back off.
#[derive(Debug, Parser)]
#[command(name = "circlescan", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan notes and write candidates.<ext> and flags.<ext> into --out.
    ///
    /// Example: circlescan scan exports/ clients/ --team "Dana Whitaker" --out out
    Scan(ScanArgs),
    /// Scan notes and print the candidates table to standard output.
    ///
    /// Example: circlescan candidates clients/linda-park.md
    Candidates(PrintArgs),
    /// Scan notes and print the flags table to standard output.
    ///
    /// Example: circlescan flags export.csv --format jsonl
    Flags(PrintArgs),
    /// Show one client's file for a person at a terminal: flag, candidates,
    /// evidence with `path:line`.
    ///
    /// Example: circlescan review clients/linda-park.md
    Review(ReviewArgs),
}

/// Table formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array per table.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Input formats, for standard input or files with other extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// A client file of dated meeting notes (.txt, .md).
    Text,
    /// A CSV export.
    Csv,
    /// A TSV export.
    Tsv,
    /// JSON Lines.
    Jsonl,
    /// A JSON array.
    Json,
}

/// What every scanning command shares.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files and folders of notes (folders are walked); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Format of standard input (`-`), or of every file regardless of extension.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// Your name or a team member's (repeatable, or comma-separated): never a candidate.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub team: Vec<String>,
    /// A file of team names, one a line.
    #[arg(long, value_name = "FILE")]
    pub team_file: Option<PathBuf>,
    /// A folder of lexicon files that add to or replace the built-in ones by path.
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Export column holding the client.
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub client_column: Option<String>,
    /// Export column holding the date.
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub date_column: Option<String>,
    /// Export column holding the note text.
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub text_column: Option<String>,
    /// Export column holding the author.
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub author_column: Option<String>,
    /// Export column holding the note id.
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub id_column: Option<String>,
    /// Print no warnings, only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `scan`: both tables into a folder.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Inputs and shared options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Table format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FormatArg,
    /// Write CSV cells exactly as found (no `'` before = + - @).
    #[arg(long)]
    pub no_formula_guard: bool,
    /// Start CSV files with a UTF-8 byte-order mark (Excel on Windows).
    #[arg(long)]
    pub bom: bool,
}

/// `candidates` / `flags`: one table to standard output.
#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Inputs and shared options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Table format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FormatArg,
    /// Write CSV cells exactly as found (no `'` before = + - @).
    #[arg(long)]
    pub no_formula_guard: bool,
}

/// `review`: one client for a person.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Inputs and shared options.
    #[command(flatten)]
    pub input: InputArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
