//! Command-line arguments (clap derive). Nothing here reads files or
//! validates beyond what clap does; `config` turns these into a `Config`,
//! after the binary has laid a `circlescan.toml` under them.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Finds, for every client in your CRM notes, the people you could be
/// introduced to and whether to ask now or back off.
#[derive(Debug, Parser)]
#[command(
    name = "circlescan",
    version,
    about,
    long_about = None,
    after_help = "Examples:
  circlescan scan exports/ --team \"Dana Whitaker\" --out out
  circlescan scan exports/ --out today --compare yesterday
  circlescan review clients/linda-park.md
  circlescan candidates export.csv --format jsonl | head

Settings a nightly job repeats can live in ./circlescan.toml (or --config FILE)."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan notes and write candidates.<ext> and flags.<ext> into --out.
    #[command(after_help = "Examples:
  circlescan scan exports/ clients/ --team \"Dana Whitaker\" --out out
  circlescan scan exports/ --out out/$(date +%F) --compare out/$(date -d yesterday +%F)
  circlescan scan exports/ --format xlsx --out out      # out/circlescan.xlsx
  circlescan scan exports/ --config nightly.toml --quiet")]
    Scan(ScanArgs),
    /// Scan notes and print the candidates table to standard output.
    #[command(after_help = "Examples:
  circlescan candidates clients/linda-park.md
  circlescan candidates export.csv --format jsonl | head")]
    Candidates(PrintArgs),
    /// Scan notes and print the flags table to standard output.
    #[command(after_help = "Examples:
  circlescan flags export.csv --format jsonl
  cat export.csv | circlescan flags - --input-format csv")]
    Flags(PrintArgs),
    /// Show one client's file for a person at a terminal: the current
    /// flag and why, each candidate with the evidence, then each flag.
    #[command(after_help = "Examples:
  circlescan review clients/linda-park.md
  circlescan review clients/linda-park.md --team \"Dana Whitaker\" | less -R")]
    Review(ReviewArgs),
    /// List, show, check or export the phrase lists (lexicons).
    #[command(after_help = "Examples:
  circlescan lexicons list
  circlescan lexicons show objections/privacy
  circlescan lexicons export my-lexicons && circlescan lexicons check my-lexicons")]
    Lexicons(LexiconsArgs),
    /// Print a shell completion script to standard output.
    #[command(after_help = "Examples:
  circlescan completions bash > ~/.local/share/bash-completion/completions/circlescan
  circlescan completions zsh > ~/.zfunc/_circlescan
  circlescan completions fish > ~/.config/fish/completions/circlescan.fish")]
    Completions(CompletionsArgs),
    /// Join the tables of `scan --shard K/N` runs into the tables one
    /// whole run would have written, byte for byte.
    #[command(after_help = "Examples:
  circlescan merge shards/0 shards/1 shards/2 shards/3 --out out
  circlescan merge shards/* --out out --format jsonl")]
    Merge(MergeArgs),
    /// Print the manual page (roff) to standard output.
    #[command(after_help = "Examples:
  circlescan man > circlescan.1 && man ./circlescan.1")]
    Man,
}

/// `merge`: shard tables into one.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of `scan --shard K/N` runs.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output folder for the merged tables.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Table format of the shards (and of the merged tables).
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FormatArg,
}

/// `K/N` with 0 <= K < N.
fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not K/N (for example 0/4)"))?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| format!("{k:?} is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a number"))?;
    if n == 0 || k >= n {
        return Err(format!("shard {k}/{n}: K must be from 0 to N-1"));
    }
    Ok((k, n))
}

/// Table formats for standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array per table.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Formats `scan` can write into its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormatArg {
    /// candidates.csv and flags.csv, with a header row.
    Csv,
    /// candidates.json and flags.json, a JSON array each.
    Json,
    /// candidates.jsonl and flags.jsonl, one JSON object per line.
    Jsonl,
    /// One workbook, circlescan.xlsx, with the sheets Candidates and Flags.
    Xlsx,
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

/// When to colour the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// When standard output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always (for `less -R`).
    Always,
    /// Never.
    Never,
}

/// What every scanning command shares.
#[derive(Debug, Clone, Args)]
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
    /// Replace every client's and person's name, in every column and
    /// evidence sentence, with a stable pseudonym (Client 1, Person 1...),
    /// for sharing the tables outside the practice.
    #[arg(long)]
    pub redact: bool,
    /// Piece size in bytes for reading big exports (for tests).
    #[arg(long, value_name = "BYTES", hide = true)]
    pub chunk_bytes: Option<usize>,
    /// Note bytes per on-disk partition when `scan` writes its tables
    /// (for tests).
    #[arg(long, value_name = "BYTES", hide = true)]
    pub partition_bytes: Option<usize>,
    /// Scan only shard K of N (K from 0 to N-1): the clients whose stable
    /// hash falls there. Run N of these (a job array) and `merge` them.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
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
    /// Settings file (default: ./circlescan.toml when present). Flags override it.
    #[arg(long, value_name = "FILE", help_heading = "Display and settings")]
    pub config: Option<PathBuf>,
    /// No warnings, progress bar or summary; errors only.
    #[arg(long, short, help_heading = "Display and settings")]
    pub quiet: bool,
    /// Draw the progress bar on standard error even when it is not a terminal.
    #[arg(long, help_heading = "Display and settings")]
    pub progress: bool,
}

/// `scan`: both tables into a folder.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Inputs and shared options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder, created if missing (or `out` in the settings file).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Table format [default: csv].
    #[arg(long, value_enum)]
    pub format: Option<ScanFormatArg>,
    /// A previous run's output folder: add a `change` column (new, changed,
    /// same) and write removed.<ext> with the rows that disappeared.
    #[arg(long, value_name = "PREV_DIR")]
    pub compare: Option<PathBuf>,
    /// Write CSV cells exactly as found (no `'` before = + - @).
    #[arg(long)]
    pub no_formula_guard: bool,
    /// Start CSV files with a UTF-8 byte-order mark (Excel on Windows).
    #[arg(long)]
    pub bom: bool,
    /// Print the summary on standard error even when it is not a terminal.
    #[arg(long, help_heading = "Display and settings")]
    pub summary: bool,
    /// Build the whole tables in memory before writing (for tests).
    #[arg(long, hide = true)]
    pub in_memory: bool,
}

/// `candidates` / `flags`: one table to standard output.
#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Inputs and shared options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Table format [default: csv].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
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
    /// Colour and bold for the matched words.
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        help_heading = "Display and settings"
    )]
    pub color: ColorArg,
}

/// `lexicons`: the phrase lists as a user sees them.
#[derive(Debug, Args)]
pub struct LexiconsArgs {
    /// What to do with them.
    #[command(subcommand)]
    pub action: LexiconsAction,
}

/// `lexicons` subcommands.
#[derive(Debug, Subcommand)]
pub enum LexiconsAction {
    /// Every category with its number of entries.
    List(LexiconSource),
    /// Print one category's file (`objections/privacy`, or just `privacy`).
    Show {
        /// The category: a path under lexicons/ without `.txt`.
        category: String,
        /// Where the lists come from.
        #[command(flatten)]
        source: LexiconSource,
    },
    /// Check a folder of your own lexicon files; problems as `path:line`.
    Check {
        /// The folder to check.
        dir: PathBuf,
    },
    /// Write the built-in files into DIR, as a starting point to edit.
    Export {
        /// The folder to write (created if missing).
        dir: PathBuf,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
    },
}

/// Which lexicons `list` and `show` look at.
#[derive(Debug, Args)]
pub struct LexiconSource {
    /// A folder laid over the built-in lists, as `scan --lexicons` does.
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
}

/// `completions`: a shell's completion script.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
