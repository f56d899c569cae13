//! The settings file: `circlescan.toml` in the working folder, or the file
//! named by `--config`. It holds what a nightly job would otherwise repeat
//! (team, lexicon folder, column names, format, output folder, threads).
//!
//! Input: the raw arguments. Output: the same arguments with every value
//! the command line left unset taken from the file; flags always win.
//! Relative paths in the file are relative to the file's folder. A file
//! that cannot be read or parsed is a usage error naming `file:line`.
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Deserialize;

use circlescan::cli::{FormatArg, InputArgs, ScanFormatArg};
use circlescan::config::Fatal;

/// The file looked for in the working folder when `--config` is not given.
pub const DEFAULT_FILE: &str = "circlescan.toml";

/// Every setting the file may hold; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Team names (like `--team`).
    team: Option<Vec<String>>,
    /// A file of team names (like `--team-file`).
    team_file: Option<PathBuf>,
    /// A lexicon folder (like `--lexicons`).
    lexicons: Option<PathBuf>,
    /// Worker threads (like `--threads`).
    threads: Option<usize>,
    /// `csv`, `json`, `jsonl` or `xlsx` (like `--format`).
    format: Option<String>,
    /// Output folder of `scan` (like `--out`).
    out: Option<PathBuf>,
    /// Start CSV files with a byte-order mark (like `--bom`).
    bom: Option<bool>,
    /// `false` is like `--no-formula-guard`.
    formula_guard: Option<bool>,
    /// Export column names (like `--client-column` ...).
    #[serde(default)]
    columns: Columns,
    /// Where the file was, for resolving its relative paths.
    #[serde(skip)]
    dir: PathBuf,
}

/// The `[columns]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Columns {
    client: Option<String>,
    date: Option<String>,
    text: Option<String>,
    author: Option<String>,
    id: Option<String>,
}

/// What `scan` takes from the settings, after flags have had their say.
pub struct ScanChoices {
    /// The output folder, if either gave one.
    pub out: Option<PathBuf>,
    /// The format (csv when neither gave one).
    pub format: ScanFormatArg,
    /// Write a byte-order mark.
    pub bom: bool,
    /// Guard formula-like cells.
    pub formula_guard: bool,
}

impl Settings {
    /// Loads `--config FILE`, or `./circlescan.toml` when present, or
    /// nothing.
    pub fn load(explicit: Option<&Path>) -> Result<Settings, Fatal> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
            None => return Ok(Settings::default()),
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Fatal::Usage(format!("{}: cannot read settings: {e}", path.display())))?;
        let mut settings = parse(&path, &text)?;
        settings.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(f) = &settings.format {
            ScanFormatArg::from_str(f, true).map_err(|_| {
                Fatal::Usage(format!(
                    "{}:{}: format must be csv, json, jsonl or xlsx, not {f:?}",
                    path.display(),
                    line_of(&text, "format")
                ))
            })?;
        }
        Ok(settings)
    }

    fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    /// Fills what the command line left unset.
    pub fn apply(&self, args: &mut InputArgs) {
        if args.team.is_empty() {
            args.team = self.team.clone().unwrap_or_default();
        }
        if args.team_file.is_none() {
            args.team_file = self.team_file.as_deref().map(|p| self.resolve(p));
        }
        if args.lexicons.is_none() {
            args.lexicons = self.lexicons.as_deref().map(|p| self.resolve(p));
        }
        args.threads = args.threads.or(self.threads);
        let c = &self.columns;
        let fill = |arg: &mut Option<String>, setting: &Option<String>| {
            if arg.is_none() {
                arg.clone_from(setting);
            }
        };
        fill(&mut args.client_column, &c.client);
        fill(&mut args.date_column, &c.date);
        fill(&mut args.text_column, &c.text);
        fill(&mut args.author_column, &c.author);
        fill(&mut args.id_column, &c.id);
    }

    /// The `scan` choices: flags first, then the file, then the defaults.
    pub fn scan_choices(
        &self,
        out: Option<&Path>,
        format: Option<ScanFormatArg>,
        bom: bool,
        no_formula_guard: bool,
    ) -> ScanChoices {
        ScanChoices {
            out: out
                .map(Path::to_path_buf)
                .or_else(|| self.out.as_deref().map(|p| self.resolve(p))),
            format: format
                .or_else(|| self.scan_format())
                .unwrap_or(ScanFormatArg::Csv),
            bom: bom || self.bom.unwrap_or(false),
            formula_guard: !no_formula_guard && self.formula_guard.unwrap_or(true),
        }
    }

    /// The format for `candidates`/`flags` on standard output: the flag,
    /// else the file's unless it names the workbook, else csv.
    pub fn print_format(&self, format: Option<FormatArg>) -> FormatArg {
        format
            .or_else(|| match self.scan_format()? {
                ScanFormatArg::Csv => Some(FormatArg::Csv),
                ScanFormatArg::Json => Some(FormatArg::Json),
                ScanFormatArg::Jsonl => Some(FormatArg::Jsonl),
                ScanFormatArg::Xlsx => None,
            })
            .unwrap_or(FormatArg::Csv)
    }

    /// Whether `formula_guard = false` is set.
    pub fn formula_guard(&self) -> bool {
        self.formula_guard.unwrap_or(true)
    }

    fn scan_format(&self) -> Option<ScanFormatArg> {
        ScanFormatArg::from_str(self.format.as_deref()?, true).ok()
    }
}

fn parse(path: &Path, text: &str) -> Result<Settings, Fatal> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        let message = e.message().trim().replace('\n', " ");
        Fatal::Usage(if line == 0 {
            format!("{}: {message}", path.display())
        } else {
            format!("{}:{line}: {message}", path.display())
        })
    })
}

/// The 1-based line where `key` is set, for messages about its value.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |i| i + 1)
}
