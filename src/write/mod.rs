//! Writing both tables: rendered in memory, written to temporary files in
//! the output folder, and renamed into place only when both are complete
//! (SPEC "Outputs": whole or not at all). `scan_files` picks what a scan
//! writes: two tables, a workbook, and `removed.<ext>` under `--compare`.
//! `stream` writes the same bytes client by client, for scans too large to
//! hold.
pub mod cells;
pub mod compare;
pub mod csv;
pub mod json;
pub mod previous;
pub mod review;
pub mod stream;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::Tables;

/// Output formats of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A JSON array per table.
    Json,
    /// JSON Lines.
    Jsonl,
}

impl OutputFormat {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
        }
    }
}

/// How cells are rendered.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Table format.
    pub format: OutputFormat,
    /// Prefix formula-like CSV cells with `'`.
    pub formula_guard: bool,
    /// Start CSV files with a UTF-8 BOM.
    pub bom: bool,
}

/// The bytes of `candidates.<ext>`.
pub fn render_candidates(t: &Tables, o: RenderOptions) -> Vec<u8> {
    let rows = stream::rows(&t.candidates, cells::candidate_cells, o);
    stream::assemble(o, &csv::CANDIDATE_HEADER, &[&rows])
}

/// The bytes of `flags.<ext>`.
pub fn render_flags(t: &Tables, o: RenderOptions) -> Vec<u8> {
    let rows = stream::rows(&t.flags, cells::flag_cells, o);
    stream::assemble(o, &csv::FLAG_HEADER, &[&rows])
}

/// A failure to write the output folder.
#[derive(Debug)]
pub struct WriteError {
    /// The path that failed.
    pub path: PathBuf,
    /// The reason.
    pub source: std::io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: cannot write: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {}

/// Writes files into `dir` all or nothing: every file goes to a temporary
/// beside its target, and only when all are written are they renamed.
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, WriteError> {
    let err = |path: &Path, source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    let mut temps = Vec::new();
    for (name, bytes) in files {
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| err(dir, e))?;
        tmp.write_all(bytes)
            .and_then(|()| set_readable(tmp.as_file()))
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| err(&dir.join(name), e))?;
        temps.push((tmp, dir.join(name)));
    }
    // Both complete: now rename into place. Temps not yet persisted are
    // removed when dropped on failure.
    let mut written = Vec::new();
    for (tmp, target) in temps {
        tmp.persist(&target).map_err(|e| err(&target, e.error))?;
        written.push(target);
    }
    Ok(written)
}

/// Temporary files are created private (0600); the tables are ordinary
/// files, readable as the user's umask allows.
#[cfg(unix)]
pub(crate) fn set_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // The process umask cannot be read without changing it; 0644 is what
    // a plain file gets under the usual umask 022.
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
pub(crate) fn set_readable(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Writes both tables into `dir` in the chosen format.
pub fn write_tables(
    dir: &Path,
    tables: &Tables,
    o: RenderOptions,
) -> Result<Vec<PathBuf>, WriteError> {
    let ext = o.format.ext();
    write_files(
        dir,
        &[
            (format!("candidates.{ext}"), render_candidates(tables, o)),
            (format!("flags.{ext}"), render_flags(tables, o)),
        ],
    )
}

/// What `scan` writes into its folder.
#[derive(Debug, Clone, Copy)]
pub enum ScanOutput {
    /// `candidates.<ext>` and `flags.<ext>`.
    Tables(RenderOptions),
    /// `circlescan.xlsx`.
    Workbook,
}

/// The files of a scan, by name, ready for `write_files`: the two tables
/// (with a `change` column and `removed.<ext>` when `changes` is given),
/// or the workbook.
pub fn scan_files(
    tables: &Tables,
    output: ScanOutput,
    changes: Option<&compare::Changes>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    match output {
        ScanOutput::Workbook => {
            let bytes = xlsx::workbook(tables, changes)
                .map_err(|e| format!("cannot build circlescan.xlsx: {e}"))?;
            Ok(vec![("circlescan.xlsx".to_string(), bytes)])
        }
        ScanOutput::Tables(o) => {
            let ext = o.format.ext();
            Ok(match changes {
                None => vec![
                    (format!("candidates.{ext}"), render_candidates(tables, o)),
                    (format!("flags.{ext}"), render_flags(tables, o)),
                ],
                Some(c) => vec![
                    (
                        format!("candidates.{ext}"),
                        compare::render_candidates(tables, c, o),
                    ),
                    (format!("flags.{ext}"), compare::render_flags(tables, c, o)),
                    (format!("removed.{ext}"), compare::render_removed(c, o)),
                ],
            })
        }
    }
}
