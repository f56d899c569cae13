//! circlescan: from CRM meeting notes to the people in each client's circle
//! of influence and the moments to ask for (or hold off on) an introduction.
//!
//! `scan` is the one place the stages meet:
//! paths -read-> RawNote -notes-> Note -detect-> Findings -rules-> verdict
//! -aggregate-> Tables. Each file is read and analysed in parallel; results
//! are collected in input order, so output never depends on thread timing.
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]
#![warn(missing_docs)]

pub mod aggregate;
pub mod cli;
pub mod config;
pub mod detect;
pub mod diag;
pub mod lexicon;
pub mod merge;
pub mod model;
pub mod notes;
pub mod read;
pub mod redact;
pub mod rules;
pub mod write;

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use aggregate::{Evidence, NoteRecord};
use config::{Config, Fatal};
use detect::Detector;
use diag::Diagnostic;
use model::Tables;
use read::walk::{expand_paths, Input};
use read::{chunk, read_bytes, FileResult};

/// The result of a scan.
#[derive(Debug, Default)]
pub struct Scan {
    /// Both tables, sorted.
    pub tables: Tables,
    /// Problems with the inputs, sorted by path and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Notes read.
    pub notes: usize,
    /// Input files read.
    pub files: usize,
    /// Distinct clients among the notes read.
    pub clients: usize,
}

/// Counters a scan advances as it goes, for a progress display. Read them
/// from another thread; they only ever grow.
#[derive(Debug, Default)]
pub struct Progress {
    /// Input files found (set once the walk is done).
    pub files_total: AtomicU64,
    /// Input bytes found (set once the walk is done).
    pub bytes_total: AtomicU64,
    /// Files finished.
    pub files_done: AtomicU64,
    /// Bytes of finished files.
    pub bytes_done: AtomicU64,
    /// Notes analysed.
    pub notes_done: AtomicU64,
}

/// Scans every input of `cfg` into tables.
pub fn scan(cfg: &Config) -> Result<Scan, Fatal> {
    scan_with_progress(cfg, &Progress::default())
}

/// Scans every input, advancing `progress` as files are finished.
pub fn scan_with_progress(cfg: &Config, progress: &Progress) -> Result<Scan, Fatal> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .map_err(|e| Fatal::Usage(format!("cannot start worker threads: {e}")))?;
    pool.install(|| scan_in_pool(cfg, progress))
}

fn scan_in_pool(cfg: &Config, progress: &Progress) -> Result<Scan, Fatal> {
    let stdin = cfg.paths.iter().any(|p| p.as_os_str() == "-");
    let others: Vec<std::path::PathBuf> = cfg
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let (mut inputs, mut diagnostics) = expand_paths(&others);
    if let Some(out) = cfg
        .exclude
        .as_ref()
        .and_then(|o| std::fs::canonicalize(o).ok())
    {
        inputs.retain(|i| std::fs::canonicalize(&*i.path).map_or(true, |p| !p.starts_with(&out)));
    }
    if let Some(format) = cfg.input_format {
        for i in &mut inputs {
            i.format = format;
        }
    }
    let detector = Detector::new(&cfg.matcher, &cfg.roster);
    let sizes: Vec<u64> = inputs
        .iter()
        .map(|i| std::fs::metadata(&*i.path).map_or(0, |m| m.len()))
        .collect();
    progress
        .files_total
        .store(inputs.len() as u64, Ordering::Relaxed);
    progress
        .bytes_total
        .store(sizes.iter().sum(), Ordering::Relaxed);
    let mut per_file: Vec<(Vec<NoteRecord>, Vec<Diagnostic>)> = inputs
        .par_iter()
        .zip(sizes.par_iter())
        .map(|(input, size)| {
            if chunk::is_chunkable(input.format) && *size > 2 * cfg.chunk_bytes as u64 {
                let analysed = scan_in_chunks(input, cfg, &detector, progress);
                progress.files_done.fetch_add(1, Ordering::Relaxed);
                return analysed;
            }
            let result = read_input(input, cfg);
            let analysed = analyse_file(result, &detector, cfg.shard);
            progress
                .notes_done
                .fetch_add(analysed.0.len() as u64, Ordering::Relaxed);
            progress.files_done.fetch_add(1, Ordering::Relaxed);
            progress.bytes_done.fetch_add(*size, Ordering::Relaxed);
            analysed
        })
        .collect();
    if stdin {
        let mut bytes = Vec::new();
        let path: Arc<str> = Arc::from("-");
        let result = match std::io::stdin().read_to_end(&mut bytes) {
            Ok(_) => read_bytes(
                &path,
                cfg.input_format.unwrap_or(read::Format::Text),
                &bytes,
                &cfg.columns,
            ),
            Err(e) => FileResult {
                notes: Vec::new(),
                diagnostics: vec![Diagnostic::error(
                    "-",
                    0,
                    format!("cannot read standard input: {e}"),
                )],
            },
        };
        per_file.push(analyse_file(result, &detector, cfg.shard));
    }
    let files = per_file.len();
    let mut records = Vec::new();
    for (recs, diags) in per_file {
        records.extend(recs);
        diagnostics.extend(diags);
    }
    diagnostics.sort();
    let notes = records.len();
    let clients = records
        .iter()
        .map(|r| aggregate::client_key(&r.client))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut tables = aggregate::build_tables(records);
    if cfg.redact {
        redact::redact(&mut tables);
    }
    Ok(Scan {
        tables,
        diagnostics,
        notes,
        files,
        clients,
    })
}

/// A big CSV/TSV/JSONL export read in record-aligned pieces, in parallel,
/// results put back in file order.
fn scan_in_chunks(
    input: &Input,
    cfg: &Config,
    detector: &Detector<'_>,
    progress: &Progress,
) -> (Vec<NoteRecord>, Vec<Diagnostic>) {
    // Pieces large enough that per-piece work is small, small enough that
    // a few in flight stay well inside memory (8 MiB unless told).
    let (header, chunks) = match chunk::plan_chunks(&input.path, input.format, cfg.chunk_bytes) {
        Ok(plan) => plan,
        Err(e) => {
            let d = Diagnostic::error(&input.path, 0, format!("cannot read: {e}"));
            return (Vec::new(), vec![d]);
        }
    };
    let header_lines = u32::try_from(memchr::memchr_iter(b'\n', &header).count()).unwrap_or(0);
    let pieces: Vec<(Vec<NoteRecord>, Vec<Diagnostic>)> = chunks
        .par_iter()
        .enumerate()
        .map(|(i, piece)| {
            let bytes = match chunk::read_chunk(&input.path, &header, *piece) {
                Ok(b) => b,
                Err(e) => {
                    let d = Diagnostic::error(
                        &input.path,
                        piece.first_line,
                        format!("cannot read: {e}"),
                    );
                    return (Vec::new(), vec![d]);
                }
            };
            let mut result = read_bytes(&input.path, input.format, &bytes, &cfg.columns);
            drop(bytes);
            // Lines of the piece (after the header) -> lines of the file.
            let shift = |line: u32| {
                if line <= header_lines {
                    line
                } else {
                    line - header_lines + piece.first_line - 1
                }
            };
            for note in &mut result.notes {
                note.line = shift(note.line);
            }
            // The header's own problems are told once, by the first piece.
            result
                .diagnostics
                .retain(|d| i == 0 || d.line > header_lines);
            for d in &mut result.diagnostics {
                if d.line > 0 {
                    d.line = shift(d.line);
                }
            }
            let analysed = analyse_file(result, detector, cfg.shard);
            progress
                .notes_done
                .fetch_add(analysed.0.len() as u64, Ordering::Relaxed);
            progress
                .bytes_done
                .fetch_add(piece.len as u64, Ordering::Relaxed);
            analysed
        })
        .collect();
    let mut records = Vec::new();
    let mut diagnostics = Vec::new();
    for (r, d) in pieces {
        records.extend(r);
        diagnostics.extend(d);
    }
    (records, diagnostics)
}

fn read_input(input: &Input, cfg: &Config) -> FileResult {
    match std::fs::read(&*input.path) {
        Ok(bytes) => read_bytes(&input.path, input.format, &bytes, &cfg.columns),
        Err(e) => FileResult {
            notes: Vec::new(),
            diagnostics: vec![Diagnostic::error(
                &input.path,
                0,
                format!("cannot read: {e}"),
            )],
        },
    }
}

/// Runs the note stages over one file's notes.
fn analyse_file(
    mut result: FileResult,
    detector: &Detector<'_>,
    shard: Option<(u32, u32)>,
) -> (Vec<NoteRecord>, Vec<Diagnostic>) {
    // --shard K/N: the other shards' clients are not analysed at all.
    if let Some((k, n)) = shard {
        result
            .notes
            .retain(|note| aggregate::shard_of(&note.client, n) == k);
    }
    let records = result
        .notes
        .into_par_iter()
        .map(|raw| analyse_note(raw, detector))
        .collect();
    (records, result.diagnostics)
}

/// One note through notes -> detect -> rules, kept as a compact record.
pub fn analyse_note(raw: read::RawNote, detector: &Detector<'_>) -> NoteRecord {
    let note = notes::split_note(raw, detector.roster);
    let findings = detector.detect(&note);
    let verdict = rules::flag_note(&findings);
    // Each sentence copied out of the note once, however many facts cite it.
    let mut texts: Vec<Option<Arc<str>>> = vec![None; note.sentences.len()];
    let mut evidence = |s: usize| Evidence {
        text: texts[s]
            .get_or_insert_with(|| Arc::from(note.sentence_text(s)))
            .clone(),
        line: note.sentences[s].line,
    };
    let flag_evidence = verdict
        .flags
        .iter()
        .map(|f| f.sentences.iter().map(|&s| evidence(s)).collect())
        .collect();
    NoteRecord {
        client: note.raw.client.clone(),
        date: note.raw.date,
        path: note.raw.path.clone(),
        line: note.raw.line,
        mentions: findings
            .mentions
            .iter()
            .map(|m| (m.clone(), evidence(m.sentence)))
            .collect(),
        attributes: findings
            .attributes
            .iter()
            .map(|a| (a.kind, a.mention, evidence(a.sentence)))
            .collect(),
        intro_forms: findings
            .intro_forms
            .iter()
            .map(|f| (f.mention, f.step))
            .collect(),
        verdict,
        flag_evidence,
    }
}
