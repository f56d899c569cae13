//! Tables written client by client, never whole in memory: each client's
//! rows are rendered as soon as its tables are built, kept in sorted runs
//! on disk, and the runs merged by client key into the two files. The bytes
//! are those `render_candidates` / `render_flags` give for the whole table.
//!
//! Input: per-client `Tables` in client-key order, one run per partition.
//! Output: the files `OutFile`s name (`candidates.<ext>` and `flags.<ext>`;
//! under `--compare` also `removed.<ext>`), written to temporary files and
//! renamed into place only when all are complete.
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::NamedTempFile;

use super::cells::{candidate_cells, flag_cells};
use super::csv::{head, records, CANDIDATE_HEADER, FLAG_HEADER};
use super::{json, set_readable, OutputFormat, RenderOptions, WriteError};
use crate::model::Tables;

/// One client's rows, rendered: pieces of the final files, one per stream
/// (candidates and flags; under `--compare` also the removed rows of each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRows {
    /// The client key the rows are ordered by.
    pub key: String,
    /// The client's piece of each stream, in stream order.
    pub parts: Vec<Vec<u8>>,
}

/// An output file, and the streams that fill it, one after another.
#[derive(Debug, Clone)]
pub struct OutFile {
    /// File name in the output folder.
    pub name: String,
    /// CSV header.
    pub header: Vec<&'static str>,
    /// Indices into `ClientRows::parts`.
    pub streams: Vec<usize>,
}

/// The files of a plain scan: `candidates.<ext>` and `flags.<ext>`.
pub fn table_files(o: RenderOptions) -> Vec<OutFile> {
    let ext = o.format.ext();
    vec![
        OutFile {
            name: format!("candidates.{ext}"),
            header: CANDIDATE_HEADER.to_vec(),
            streams: vec![0],
        },
        OutFile {
            name: format!("flags.{ext}"),
            header: FLAG_HEADER.to_vec(),
            streams: vec![1],
        },
    ]
}

/// One table's rows as a piece: CSV records (no header), the inside of a
/// pretty JSON array (no brackets), or JSON lines. Pieces of consecutive
/// rows, put together by `Assembly`, are the table the rows make.
pub fn rows<T: Serialize, R: AsRef<[String]>>(
    rows: &[T],
    cells: impl Fn(&T) -> R,
    o: RenderOptions,
) -> Vec<u8> {
    match o.format {
        OutputFormat::Csv => records(rows.iter().map(cells), o.formula_guard),
        OutputFormat::Json => json::array_items(rows),
        OutputFormat::Jsonl => json::to_jsonl(rows),
    }
}

/// A client's sorted tables rendered as row pieces.
pub fn render_client(key: String, t: &Tables, o: RenderOptions) -> ClientRows {
    ClientRows {
        key,
        parts: vec![
            rows(&t.candidates, candidate_cells, o),
            rows(&t.flags, flag_cells, o),
        ],
    }
}

/// A whole table from its header and row pieces, in memory: the bytes
/// `merge_runs` writes for the same pieces.
pub fn assemble(o: RenderOptions, header: &[&str], pieces: &[&[u8]]) -> Vec<u8> {
    let mut a = Assembly::start(Vec::new(), o, header).expect("writing to memory cannot fail");
    for piece in pieces {
        a.push(piece).expect("writing to memory cannot fail");
    }
    a.finish().expect("writing to memory cannot fail")
}

/// A table put together from pieces: the CSV header first, JSON brackets
/// around and commas between the pieces.
struct Assembly<W: Write> {
    out: W,
    format: OutputFormat,
    any: bool,
}

impl<W: Write> Assembly<W> {
    fn start(mut out: W, o: RenderOptions, header: &[&str]) -> io::Result<Assembly<W>> {
        if o.format == OutputFormat::Csv {
            out.write_all(&head(header, o.bom))?;
        }
        Ok(Assembly {
            out,
            format: o.format,
            any: false,
        })
    }

    fn push(&mut self, rows: &[u8]) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if self.format == OutputFormat::Json {
            self.out.write_all(if self.any { b",\n" } else { b"[\n" })?;
        }
        self.any = true;
        self.out.write_all(rows)
    }

    fn finish(mut self) -> io::Result<W> {
        if self.format == OutputFormat::Json {
            self.out
                .write_all(if self.any { b"\n]\n" } else { b"[]\n" })?;
        }
        Ok(self.out)
    }
}

/// Writes clients' rows, already in key order, as one run file.
pub fn write_run(path: &Path, clients: &[ClientRows]) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(256 << 10, File::create(path)?);
    for c in clients {
        write_frame(&mut w, c.key.as_bytes())?;
        write_frame(&mut w, &(c.parts.len() as u64).to_le_bytes())?;
        for part in &c.parts {
            write_frame(&mut w, part)?;
        }
    }
    w.flush()
}

/// A length-prefixed piece of a temporary file.
fn write_frame(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    w.write_all(&(bytes.len() as u64).to_le_bytes())?;
    w.write_all(bytes)
}

/// The next piece `write_frame` wrote, or `None` at the end of the file.
fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 8];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = usize::try_from(u64::from_le_bytes(len)).map_err(|_| damaged())?;
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf)?;
    Ok(Some(buf))
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "temporary run file damaged")
}

struct Run {
    reader: BufReader<File>,
    path: PathBuf,
}

impl Run {
    fn next(&mut self) -> io::Result<Option<ClientRows>> {
        let Some(key) = read_frame(&mut self.reader)? else {
            return Ok(None);
        };
        let key = String::from_utf8(key).map_err(|_| damaged())?;
        let count = read_frame(&mut self.reader)?
            .and_then(|n| <[u8; 8]>::try_from(n).ok())
            .ok_or_else(damaged)?;
        let parts = (0..u64::from_le_bytes(count))
            .map(|_| read_frame(&mut self.reader)?.ok_or_else(damaged))
            .collect::<io::Result<_>>()?;
        Ok(Some(ClientRows { key, parts }))
    }
}

/// One output table being written to its temporary file.
struct TableFile {
    tmp: NamedTempFile,
    body: Assembly<BufWriter<File>>,
    target: PathBuf,
}

impl TableFile {
    fn create(
        tmp_dir: &Path,
        dir: &Path,
        name: &str,
        o: RenderOptions,
        header: &[&str],
    ) -> io::Result<TableFile> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(tmp_dir)?;
        let out = BufWriter::with_capacity(1 << 20, tmp.as_file().try_clone()?);
        Ok(TableFile {
            body: Assembly::start(out, o, header)?,
            tmp,
            target: dir.join(name),
        })
    }

    fn push(&mut self, rows: &[u8]) -> io::Result<()> {
        self.body.push(rows)
    }

    fn finish(self) -> io::Result<(NamedTempFile, PathBuf)> {
        self.body.finish()?.flush()?;
        set_readable(self.tmp.as_file())?;
        self.tmp.as_file().sync_all()?;
        Ok((self.tmp, self.target))
    }
}

/// Merges the runs by client key into `files` in `dir`; all are written in
/// `tmp_dir` (a folder on the same file system) and renamed into place only
/// once all are complete.
pub fn merge_runs(
    dir: &Path,
    tmp_dir: &Path,
    o: RenderOptions,
    runs: &[PathBuf],
    files: &[OutFile],
) -> Result<Vec<PathBuf>, WriteError> {
    let err = |path: &Path, source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        out.push(TableFile::create(tmp_dir, dir, &f.name, o, &f.header).map_err(|e| err(dir, e))?);
    }
    // A file's later streams (the removed flags after the removed
    // candidates) wait in a side file until its first stream is done.
    let mut later: Vec<(usize, usize, BufWriter<File>, NamedTempFile)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for &stream in f.streams.iter().skip(1) {
            let tmp = tempfile::Builder::new()
                .prefix(".circlescan-later.")
                .tempfile_in(tmp_dir)
                .map_err(|e| err(dir, e))?;
            let w = BufWriter::new(tmp.as_file().try_clone().map_err(|e| err(dir, e))?);
            later.push((fi, stream, w, tmp));
        }
    }
    let mut open = Vec::with_capacity(runs.len());
    for path in runs {
        let file = File::open(path).map_err(|e| err(path, e))?;
        open.push(Run {
            reader: BufReader::with_capacity(64 << 10, file),
            path: path.clone(),
        });
    }
    // Each client is in exactly one run, so keys never tie across runs.
    let mut heads: Vec<Option<ClientRows>> = Vec::with_capacity(open.len());
    let mut heap = BinaryHeap::new();
    for (i, run) in open.iter_mut().enumerate() {
        let first = run.next().map_err(|e| err(&run.path, e))?;
        if let Some(c) = &first {
            heap.push(Reverse((c.key.clone(), i)));
        }
        heads.push(first);
    }
    let empty = Vec::new();
    while let Some(Reverse((_, i))) = heap.pop() {
        let Some(c) = heads[i].take() else {
            continue;
        };
        for (f, file) in files.iter().zip(out.iter_mut()) {
            let rows = c.parts.get(f.streams[0]).unwrap_or(&empty);
            file.push(rows).map_err(|e| err(&file.target, e))?;
        }
        for (_, stream, w, _) in &mut later {
            let rows = c.parts.get(*stream).unwrap_or(&empty);
            if !rows.is_empty() {
                write_frame(w, rows).map_err(|e| err(dir, e))?;
            }
        }
        let next = open[i].next().map_err(|e| err(&open[i].path, e))?;
        if let Some(n) = &next {
            heap.push(Reverse((n.key.clone(), i)));
        }
        heads[i] = next;
    }
    for (fi, _, w, tmp) in later {
        w.into_inner().map_err(|e| err(dir, e.into_error()))?;
        let file = File::open(tmp.path()).map_err(|e| err(dir, e))?;
        let mut side = BufReader::with_capacity(64 << 10, file);
        while let Some(rows) = read_frame(&mut side).map_err(|e| err(dir, e))? {
            out[fi].push(&rows).map_err(|e| err(dir, e))?;
        }
    }
    let mut done = Vec::with_capacity(out.len());
    for file in out {
        done.push(file.finish().map_err(|e| err(dir, e))?);
    }
    let mut written = Vec::new();
    for (tmp, target) in done {
        tmp.persist(&target).map_err(|e| err(&target, e.error))?;
        written.push(target);
    }
    Ok(written)
}
