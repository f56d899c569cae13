//! circlescan: from CRM meeting notes to the people in each client's circle
//! of influence and the moments to ask for (or hold off on) an introduction.
//!
//! `scan` is the one place the stages meet:
//! paths -read-> RawNote -notes-> Note -detect-> Findings -rules-> verdict
//! -aggregate-> Tables. Each file is read and analysed in parallel; results
//! are collected in input order, so output never depends on thread timing.
//!
//! `scan_to_dir` runs the same stages for `scan --out`, but sets the notes
//! aside on disk partitioned by client (`spill`) and builds, renders and
//! merges one partition at a time (`write::stream`), so memory follows the
//! largest partition rather than the export.
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
pub mod spill;
pub mod write;

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use aggregate::{ClientRecords, Evidence, NoteRecord};
use config::{Config, Fatal};
use detect::people::Acquaintances;
use detect::Detector;
use diag::Diagnostic;
use model::{TableCounts, Tables};
use read::walk::{expand_paths, Input};
use read::{chunk, read_bytes, FileResult};
use spill::{RowSpill, Spill};
use write::compare::ChangeCounts;
use write::stream::{self, ClientRows};
use write::RenderOptions;

/// The result of a scan.
#[derive(Debug, Default)]
pub struct Scan {
    /// Both tables, sorted (empty when `scan_to_dir` wrote them instead).
    pub tables: Tables,
    /// Rows of the tables, by readiness and flag kind.
    pub counts: TableCounts,
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
    in_pool(cfg, || scan_in_pool(cfg, progress))?
}

/// What `scan_to_dir` wrote and counted.
#[derive(Debug, Default)]
pub struct Streamed {
    /// Counts and diagnostics (no tables: they went to the files).
    pub scan: Scan,
    /// The files written.
    pub written: Vec<std::path::PathBuf>,
    /// Under `--compare`: candidates' and flags' changes.
    pub changes: Option<(ChangeCounts, ChangeCounts)>,
}

/// Scans every input and writes the tables into `out` (all files or none),
/// holding one partition of clients at a time rather than every note:
/// memory follows the largest partition, not the export. With `compare`
/// (a previous run's tables, as `find_tables` found them), the tables get
/// their `change` column and `removed.<ext>` is written, the previous rows
/// partitioned the same way. The bytes are those the whole tables give
/// (`write::scan_files`).
pub fn scan_to_dir(
    cfg: &Config,
    progress: &Progress,
    out: &std::path::Path,
    o: RenderOptions,
    compare: Option<&write::previous::Found>,
) -> Result<Streamed, Fatal> {
    in_pool(cfg, || stream_in_pool(cfg, progress, out, o, compare))?
}

fn in_pool<T: Send>(cfg: &Config, job: impl FnOnce() -> T + Send) -> Result<T, Fatal> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .map_err(|e| Fatal::Usage(format!("cannot start worker threads: {e}")))?;
    Ok(pool.install(job))
}

fn scan_in_pool(cfg: &Config, progress: &Progress) -> Result<Scan, Fatal> {
    let detector = Detector::new(&cfg.matcher, &cfg.roster);
    let plan = plan_inputs(cfg, progress);
    // A client's notes may come from several files or pieces: all are read
    // before any is analysed, so each is read knowing the ones before it.
    let read = read_inputs(cfg, plan, progress, 100, &|notes| notes);
    let raws: Vec<read::RawNote> = read.parts.into_iter().flatten().collect();
    let by_client = analyse_notes(raws, &detector, progress);
    let notes = by_client.iter().map(|(_, r)| r.len()).sum();
    let clients = by_client.len();
    let mut tables = aggregate::build_tables(by_client);
    if cfg.redact {
        redact::redact(&mut tables);
    }
    let mut counts = TableCounts::default();
    counts.add(&tables);
    Ok(Scan {
        tables,
        counts,
        diagnostics: read.diagnostics,
        notes,
        files: read.files,
        clients,
    })
}

/// Share of the progress bytes the reading pass stands for when notes are
/// set aside and analysed afterwards.
const SPILL_READ_SHARE: u64 = 10;

fn stream_in_pool(
    cfg: &Config,
    progress: &Progress,
    out: &std::path::Path,
    o: RenderOptions,
    compare: Option<&write::previous::Found>,
) -> Result<Streamed, Fatal> {
    let detector = Detector::new(&cfg.matcher, &cfg.roster);
    let plan = plan_inputs(cfg, progress);
    let total: u64 = plan.inputs.iter().map(|i| i.size).sum();
    // Standard input has no size to go by: assume it may be large.
    let n = usize::try_from(total / cfg.partition_bytes as u64)
        .unwrap_or(usize::MAX)
        .max(if plan.stdin { 16 } else { 1 })
        .clamp(1, 256);
    let temp_err = |e: std::io::Error| {
        Fatal::Output(format!(
            "{}: cannot write temporary files: {e}",
            out.display()
        ))
    };
    std::fs::create_dir_all(out)
        .map_err(|e| Fatal::Output(format!("{}: cannot create: {e}", out.display())))?;
    // 1. Every note set aside by client partition; beside it, the previous
    //    run's rows, partitioned the same way.
    spill::remove_stale(out);
    let spill = Spill::new(out, n).map_err(temp_err)?;
    let (read, previous) = rayon::join(
        || {
            read_inputs(cfg, plan, progress, SPILL_READ_SHARE, &|notes| {
                let count = notes.len();
                spill.add(notes).map(|()| count)
            })
        },
        || {
            compare.map(|found| -> Result<(), String> {
                let mut rows = RowSpill::new(spill.dir(), n).map_err(|e| e.to_string())?;
                write::previous::each_previous_row(found, &mut |table, row| {
                    rows.add(table, &row).map_err(|e| e.to_string())
                })?;
                rows.finish().map_err(|e| e.to_string())
            })
        },
    );
    if let Some(result) = previous {
        result.map_err(Fatal::Usage)?;
    }
    let mut notes = 0;
    for part in read.parts {
        notes += part.map_err(temp_err)?;
    }
    let parts = spill.finish().map_err(temp_err)?;
    // 2. One partition at a time (each on every core): notes analysed,
    //    clients' tables built and rendered, kept as a sorted run.
    let left = progress
        .bytes_total
        .load(Ordering::Relaxed)
        .saturating_sub(progress.bytes_done.load(Ordering::Relaxed));
    let text_total: u64 = (0..parts.len()).map(|i| parts.text_bytes(i)).sum();
    let mut counts = TableCounts::default();
    let mut changes = compare.map(|_| (ChangeCounts::default(), ChangeCounts::default()));
    let mut clients = 0;
    let mut runs = Vec::with_capacity(parts.len());
    // Three steps at once: partition i analysed, partition i + 1 read, and
    // partition i - 1's tables built, rendered and written. Reading and
    // writing are serial, and building starts with a serial grouping: side
    // by side with the analysis, no core waits on them.
    let mut next = Some(parts.take(0));
    let mut analysed: Option<(usize, Vec<ClientRecords>)> = None;
    for i in 0..=parts.len() {
        let raw = match next.take() {
            Some(r) => Some(r.map_err(temp_err)?),
            None => None,
        };
        let ((records, following), finished) = rayon::join(
            || {
                rayon::join(
                    || raw.map(|r| analyse_notes(r, &detector, progress)),
                    || (i + 1 < parts.len()).then(|| parts.take(i + 1)),
                )
            },
            || {
                analysed.take().map(|(j, records)| {
                    let run = parts.dir().join(format!("run-{j:04}.bin"));
                    let previous = compare
                        .map(|_| spill::read_rows(parts.dir(), j))
                        .transpose()?;
                    partition_run(records, previous, o, &run).map(|part| (j, part, run))
                })
            },
        );
        next = following;
        analysed = records.map(|r| (i, r));
        let Some(finished) = finished else {
            continue;
        };
        let (j, part, run) = finished.map_err(temp_err)?;
        counts.add_counts(&part.counts);
        if let Some((c, f)) = &mut changes {
            c.add(part.changes.0);
            f.add(part.changes.1);
        }
        clients += part.clients;
        runs.push(run);
        if text_total > 0 {
            let share = u128::from(left) * u128::from(parts.text_bytes(j)) / u128::from(text_total);
            progress
                .bytes_done
                .fetch_add(u64::try_from(share).unwrap_or(0), Ordering::Relaxed);
        }
    }
    // 3. The runs merged by client key into the files.
    let files = match compare {
        None => stream::table_files(o),
        Some(_) => write::compare::change_files(o),
    };
    let written = stream::merge_runs(out, parts.dir(), o, &runs, &files)
        .map_err(|e| Fatal::Output(e.to_string()))?;
    Ok(Streamed {
        scan: Scan {
            tables: Tables::default(),
            counts,
            diagnostics: read.diagnostics,
            notes,
            files: read.files,
            clients,
        },
        written,
        changes,
    })
}

/// Notes through the note stages, client by client on every core (each
/// client's notes in order, see `analyse_client`), counted as they go; the
/// records come back grouped by client key, in key order. Every note of a
/// client must be among `notes`.
fn analyse_notes(
    notes: Vec<read::RawNote>,
    detector: &Detector<'_>,
    progress: &Progress,
) -> Vec<ClientRecords> {
    let count = notes.len() as u64;
    let by_client: Vec<ClientRecords> = aggregate::group_by_client(notes, |n| n.client.as_str())
        .into_par_iter()
        .map(|(key, raws)| (key, analyse_client(raws, detector)))
        .collect();
    progress.notes_done.fetch_add(count, Ordering::Relaxed);
    by_client
}

/// One partition's analysed notes: its clients' tables built and rendered
/// (with their changes when the previous run's rows of the partition are
/// given), and written as a run sorted by client key.
fn partition_run(
    clients: Vec<ClientRecords>,
    previous: Option<Vec<(write::previous::PrevTable, write::previous::Record)>>,
    o: RenderOptions,
    run: &std::path::Path,
) -> std::io::Result<PartTotals> {
    let by_client = aggregate::tables_by_client(clients);
    let mut part = PartTotals {
        clients: by_client.len(),
        ..PartTotals::default()
    };
    for (_, t) in &by_client {
        part.counts.add(t);
    }
    let rows: Vec<ClientRows> = match previous {
        None => by_client
            .into_par_iter()
            .map(|(key, t)| stream::render_client(key, &t, o))
            .collect(),
        Some(previous) => {
            let rendered: Vec<(ClientRows, (ChangeCounts, ChangeCounts))> =
                with_previous(by_client, previous)
                    .into_par_iter()
                    .map(|(key, t, prev)| {
                        let c = write::compare::compare(&t, &prev);
                        let parts = write::compare::render_pieces(&t, &c, o).into();
                        (ClientRows { key, parts }, c.counts())
                    })
                    .collect();
            let mut rows = Vec::with_capacity(rendered.len());
            for (r, (c, f)) in rendered {
                part.changes.0.add(c);
                part.changes.1.add(f);
                rows.push(r);
            }
            rows
        }
    };
    stream::write_run(run, &rows)?;
    Ok(part)
}

/// What one partition added up to.
#[derive(Default)]
struct PartTotals {
    counts: TableCounts,
    changes: (ChangeCounts, ChangeCounts),
    clients: usize,
}

/// Each client key of the partition, this run's or the previous one's,
/// in key order, with this run's tables and the previous run's rows (either
/// may be empty).
fn with_previous(
    current: Vec<(String, Tables)>,
    previous: Vec<(write::previous::PrevTable, write::previous::Record)>,
) -> Vec<(String, Tables, write::previous::Previous)> {
    use write::previous::PrevTable;
    let mut prev: std::collections::BTreeMap<String, write::previous::Previous> =
        std::collections::BTreeMap::new();
    for (table, row) in previous {
        let key = aggregate::client_key(row.get("client").map_or("", String::as_str));
        let entry = prev.entry(key).or_default();
        match table {
            PrevTable::Candidates => entry.candidates.push(row),
            PrevTable::Flags => entry.flags.push(row),
        }
    }
    let mut out = Vec::with_capacity(current.len() + prev.len());
    for (key, tables) in current {
        // Previous-only clients that sort before this one: all removed.
        while let Some(entry) = prev.first_entry() {
            if entry.key().as_str() >= key.as_str() {
                break;
            }
            let (k, p) = entry.remove_entry();
            out.push((k, Tables::default(), p));
        }
        let p = prev.remove(&key).unwrap_or_default();
        out.push((key, tables, p));
    }
    out.extend(prev.into_iter().map(|(k, p)| (k, Tables::default(), p)));
    out
}

/// The inputs found (with their sizes), and the problems met finding them.
struct Plan {
    inputs: Vec<Input>,
    diagnostics: Vec<Diagnostic>,
    stdin: bool,
}

fn plan_inputs(cfg: &Config, progress: &Progress) -> Plan {
    let stdin = cfg.paths.iter().any(|p| p.as_os_str() == "-");
    let others: Vec<std::path::PathBuf> = cfg
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let (mut inputs, diagnostics) = expand_paths(&others, cfg.exclude.as_deref());
    if let Some(format) = cfg.input_format {
        for i in &mut inputs {
            i.format = format;
        }
    }
    progress
        .files_total
        .store(inputs.len() as u64, Ordering::Relaxed);
    progress
        .bytes_total
        .store(inputs.iter().map(|i| i.size).sum(), Ordering::Relaxed);
    Plan {
        inputs,
        diagnostics,
        stdin,
    }
}

/// What reading gave: per file (or piece of a big export), in input order,
/// what the sink made of its notes; and every problem, sorted.
struct ReadAll<T> {
    parts: Vec<T>,
    diagnostics: Vec<Diagnostic>,
    files: usize,
}

/// Reads every input, files (and pieces of big exports) on any core; each
/// one's notes, once other shards' clients are dropped, go to `sink`.
/// Progress advances by `share` percent of each file's bytes.
fn read_inputs<T: Send>(
    cfg: &Config,
    plan: Plan,
    progress: &Progress,
    share: u64,
    sink: &(dyn Fn(Vec<read::RawNote>) -> T + Sync),
) -> ReadAll<T> {
    let Plan {
        inputs,
        mut diagnostics,
        stdin,
    } = plan;
    let take = |mut result: FileResult| -> (T, Vec<Diagnostic>) {
        // --shard K/N: the other shards' clients are not analysed at all.
        if let Some((k, n)) = cfg.shard {
            result
                .notes
                .retain(|note| aggregate::shard_of(&note.client, n) == k);
        }
        (sink(result.notes), result.diagnostics)
    };
    let mut per_file: Vec<(Vec<T>, Vec<Diagnostic>)> = inputs
        .par_iter()
        .map(|input| {
            let size = input.size;
            let out = if chunk::is_chunkable(input.format) && size > 2 * cfg.chunk_bytes as u64 {
                read_in_chunks(input, cfg, progress, share, &take)
            } else {
                let (part, diags) = take(read_input(input, cfg));
                progress
                    .bytes_done
                    .fetch_add(size * share / 100, Ordering::Relaxed);
                (vec![part], diags)
            };
            progress.files_done.fetch_add(1, Ordering::Relaxed);
            out
        })
        .collect();
    if stdin {
        per_file.push(read_stdin(cfg, progress, &take));
    }
    let files = per_file.len();
    let mut parts = Vec::new();
    for (p, d) in per_file {
        parts.extend(p);
        diagnostics.extend(d);
    }
    diagnostics.sort();
    ReadAll {
        parts,
        diagnostics,
        files,
    }
}

/// A big CSV/TSV/JSONL export read in record-aligned pieces on every core.
fn read_in_chunks<T: Send>(
    input: &Input,
    cfg: &Config,
    progress: &Progress,
    share: u64,
    take: &(dyn Fn(FileResult) -> (T, Vec<Diagnostic>) + Sync),
) -> (Vec<T>, Vec<Diagnostic>) {
    let (parts, mut diagnostics, failure) = match std::fs::File::open(&*input.path) {
        Ok(file) => read_pieces(&input.path, input.format, file, cfg, progress, share, take),
        Err(e) => (vec![take(FileResult::default()).0], Vec::new(), Some(e)),
    };
    if let Some(e) = failure {
        diagnostics.push(Diagnostic::error(
            &input.path,
            0,
            format!("cannot read: {e}"),
        ));
    }
    (parts, diagnostics)
}

/// An export streamed from `reader` in record-aligned pieces (8 MiB unless
/// told): whichever core is free cuts the next piece off the stream and
/// reads it, so cutting is never a step of its own and only a piece per
/// core is in memory. Results come back in stream order, with the error
/// that ended the stream early, if one did.
fn read_pieces<T: Send, R: std::io::Read + Send>(
    path: &Arc<str>,
    format: read::Format,
    reader: R,
    cfg: &Config,
    progress: &Progress,
    share: u64,
    take: &(dyn Fn(FileResult) -> (T, Vec<Diagnostic>) + Sync),
) -> (Vec<T>, Vec<Diagnostic>, Option<std::io::Error>) {
    let mut pieces = chunk::Pieces::new(reader, format, cfg.chunk_bytes);
    let failure: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);
    let stream = std::iter::from_fn(|| match pieces.next_piece() {
        Ok(Some(piece)) => Some((piece, pieces.header_lines())),
        Ok(None) => None,
        Err(e) => {
            if let Ok(mut f) = failure.lock() {
                *f = Some(e);
            }
            None
        }
    });
    let mut done: Vec<(usize, T, Vec<Diagnostic>)> = stream
        .enumerate()
        .par_bridge()
        .map(|(i, (piece, header_lines))| {
            let len = piece.bytes.len() as u64;
            let (part, diags) = read_piece(
                path,
                format,
                cfg,
                piece.bytes,
                header_lines,
                piece.first_line,
                i == 0,
                take,
            );
            progress
                .bytes_done
                .fetch_add(len * share / 100, Ordering::Relaxed);
            (i, part, diags)
        })
        .collect();
    done.sort_unstable_by_key(|(i, _, _)| *i);
    let mut parts = Vec::with_capacity(done.len().max(1));
    let mut diagnostics = Vec::new();
    for (_, p, d) in done {
        parts.push(p);
        diagnostics.extend(d);
    }
    if parts.is_empty() {
        parts.push(take(FileResult::default()).0);
    }
    (parts, diagnostics, failure.into_inner().ok().flatten())
}

/// One record-aligned piece of an export (the header in front) read, its
/// lines made the file's: `header_lines` lines of header, then the records
/// from line `first_line` on. The header's own problems are told by the
/// first piece only.
#[allow(clippy::too_many_arguments)]
fn read_piece<T>(
    path: &Arc<str>,
    format: read::Format,
    cfg: &Config,
    bytes: Vec<u8>,
    header_lines: u32,
    first_line: u32,
    first: bool,
    take: &(dyn Fn(FileResult) -> (T, Vec<Diagnostic>) + Sync),
) -> (T, Vec<Diagnostic>) {
    let mut result = read_bytes(path, format, &bytes, &cfg.columns);
    drop(bytes);
    let shift = |line: u32| {
        if line <= header_lines {
            line
        } else {
            line - header_lines + first_line - 1
        }
    };
    for note in &mut result.notes {
        note.line = shift(note.line);
    }
    result
        .diagnostics
        .retain(|d| first || d.line > header_lines);
    for d in &mut result.diagnostics {
        if d.line > 0 {
            d.line = shift(d.line);
        }
    }
    take(result)
}

/// Standard input: a small one read whole; a CSV/TSV/JSONL export larger
/// than two pieces read a piece at a time, each piece's notes handed on
/// while the next is read, so memory holds a few pieces, never the stream.
fn read_stdin<T: Send>(
    cfg: &Config,
    progress: &Progress,
    take: &(dyn Fn(FileResult) -> (T, Vec<Diagnostic>) + Sync),
) -> (Vec<T>, Vec<Diagnostic>) {
    let path: Arc<str> = Arc::from("-");
    let format = cfg.input_format.unwrap_or(read::Format::Text);
    let failed =
        |e: std::io::Error| Diagnostic::error("-", 0, format!("cannot read standard input: {e}"));
    let limit = if chunk::is_chunkable(format) {
        2 * cfg.chunk_bytes as u64 + 1
    } else {
        u64::MAX
    };
    let mut start = Vec::new();
    if let Err(e) = std::io::stdin().lock().take(limit).read_to_end(&mut start) {
        return (vec![take(FileResult::default()).0], vec![failed(e)]);
    }
    if (start.len() as u64) < limit {
        let (part, diags) = take(read_bytes(&path, format, &start, &cfg.columns));
        return (vec![part], diags);
    }
    let stream = std::io::Cursor::new(start).chain(std::io::stdin());
    let (parts, mut diagnostics, failure) =
        read_pieces(&path, format, stream, cfg, progress, 0, take);
    if let Some(e) = failure {
        diagnostics.push(failed(e));
    }
    (parts, diagnostics)
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

/// Every note of one client, oldest first (undated first, then by date,
/// source and line: the order of its tables), each read knowing the people
/// the notes before it named.
pub fn analyse_client(mut raws: Vec<read::RawNote>, detector: &Detector<'_>) -> Vec<NoteRecord> {
    aggregate::oldest_first(&mut raws, |n| (n.date, &n.path, n.line));
    let mut met = Acquaintances::default();
    let mut records: Vec<NoteRecord> = raws
        .into_iter()
        .map(|raw| analyse_note(raw, detector, &mut met))
        .collect();
    // A nickname used before the notes gave the full name it stands for.
    for (m, _) in records.iter_mut().flat_map(|r| r.mentions.iter_mut()) {
        if let Some(full) = m.key.as_deref().and_then(|k| met.full_key(k)) {
            m.key = Some(full.to_string());
        }
    }
    records
}

/// One note through notes -> detect -> rules, kept as a compact record; the
/// client's earlier notes named the people in `met`.
fn analyse_note(
    raw: read::RawNote,
    detector: &Detector<'_>,
    met: &mut Acquaintances,
) -> NoteRecord {
    let note = notes::split_note(raw, detector.roster);
    let findings = detector.detect(&note, met);
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
