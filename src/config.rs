//! Raw arguments -> a validated `Config`, built once: lexicons loaded and
//! compiled, team names read, formats chosen. After this nothing reads the
//! command line or the environment.
use std::path::PathBuf;

use crate::cli::{FormatArg, InputArgs, InputFormatArg};
use crate::lexicon::{load_lexicons, LexiconError, Matcher};
use crate::notes::Roster;
use crate::read::{Columns, Format};
use crate::write::OutputFormat;

/// Errors that stop the run before any output (exit 2).
#[derive(Debug)]
pub enum Fatal {
    /// A lexicon line is bad.
    Lexicon(LexiconError),
    /// A usage problem: a file that must exist does not, a bad value.
    Usage(String),
    /// The output folder cannot be written.
    Output(String),
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fatal::Lexicon(e) => write!(f, "{e}"),
            Fatal::Usage(m) | Fatal::Output(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Fatal {}

/// Everything a scan needs, validated.
pub struct Config {
    /// Paths as given (`-` for standard input).
    pub paths: Vec<PathBuf>,
    /// Forced input format.
    pub input_format: Option<Format>,
    /// Column overrides.
    pub columns: Columns,
    /// Team names.
    pub roster: Roster,
    /// Compiled lexicons.
    pub matcher: Matcher,
    /// Worker threads; `None` for all cores.
    pub threads: Option<usize>,
    /// Only the clients of shard K of N.
    pub shard: Option<(u32, u32)>,
    /// Exports bigger than twice this are read in pieces of this size.
    pub chunk_bytes: usize,
    /// `scan` sets notes aside on disk in partitions of about this many
    /// input bytes, and holds one partition at a time.
    pub partition_bytes: usize,
    /// Pseudonyms for every name in the tables.
    pub redact: bool,
    /// The output folder: never read as input (a nightly job may write
    /// its tables inside the folder it scans).
    pub exclude: Option<PathBuf>,
}

impl Config {
    /// Validates the shared input arguments.
    pub fn from_args(args: &InputArgs) -> Result<Config, Fatal> {
        let set = load_lexicons(args.lexicons.as_deref()).map_err(Fatal::Lexicon)?;
        // A few small files (one client's review): the automaton that builds
        // fastest; anything bigger: the one that searches fastest.
        let small = args
            .paths
            .iter()
            .all(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() < 4 << 20))
            && args.paths.len() <= 8;
        let kind = if small {
            aho_corasick::AhoCorasickKind::ContiguousNFA
        } else {
            aho_corasick::AhoCorasickKind::DFA
        };
        let matcher = Matcher::with_kind(&set, kind).map_err(Fatal::Lexicon)?;
        let mut team: Vec<String> = args.team.iter().map(|t| t.trim().to_string()).collect();
        if let Some(file) = &args.team_file {
            let text = std::fs::read_to_string(file).map_err(|e| {
                Fatal::Usage(format!("{}: cannot read team file: {e}", file.display()))
            })?;
            team.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string),
            );
        }
        if args.threads == Some(0) {
            return Err(Fatal::Usage("--threads must be at least 1".into()));
        }
        if args.paths.iter().any(|p| p.as_os_str() == "-") && args.input_format.is_none() {
            return Err(Fatal::Usage(
                "reading standard input (-) needs --input-format".into(),
            ));
        }
        Ok(Config {
            paths: args.paths.clone(),
            input_format: args.input_format.map(input_format),
            columns: Columns {
                client: args.client_column.clone(),
                date: args.date_column.clone(),
                text: args.text_column.clone(),
                author: args.author_column.clone(),
                id: args.id_column.clone(),
            },
            roster: Roster::new(&team),
            matcher,
            threads: args.threads,
            shard: args.shard,
            chunk_bytes: args.chunk_bytes.unwrap_or(8 << 20).max(1),
            partition_bytes: args.partition_bytes.unwrap_or(32 << 20).max(1),
            redact: args.redact,
            exclude: None,
        })
    }
}

fn input_format(f: InputFormatArg) -> Format {
    match f {
        InputFormatArg::Text => Format::Text,
        InputFormatArg::Csv => Format::Csv,
        InputFormatArg::Tsv => Format::Tsv,
        InputFormatArg::Jsonl => Format::Jsonl,
        InputFormatArg::Json => Format::Json,
    }
}

/// The table format a `--format` value names.
pub fn output_format(f: FormatArg) -> OutputFormat {
    match f {
        FormatArg::Csv => OutputFormat::Csv,
        FormatArg::Json => OutputFormat::Json,
        FormatArg::Jsonl => OutputFormat::Jsonl,
    }
}
