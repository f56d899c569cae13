//! Tables written client by client, never whole in memory: each client's
//! rows are rendered as soon as its tables are built, kept in sorted runs
//! on disk, and the runs merged by client key into the two files. The bytes
//! are those `render_candidates` / `render_flags` give for the whole table.
//!
//! Input: per-client `Tables` in client-key order, one run per partition.
//! Output: `candidates.<ext>` and `flags.<ext>`, written to temporary files
//! and renamed into place only when both are complete.
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::cells::{candidate_cells, flag_cells};
use super::csv::{head, records, CANDIDATE_HEADER, FLAG_HEADER};
use super::{set_readable, OutputFormat, RenderOptions, WriteError};
use crate::model::Tables;

/// One client's rows of both tables, rendered: pieces of the final files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRows {
    /// The client key the rows are ordered by.
    pub key: String,
    /// The client's `candidates` rows.
    pub candidates: Vec<u8>,
    /// The client's `flags` rows.
    pub flags: Vec<u8>,
}

/// A client's sorted tables rendered as row pieces (no header; JSON rows
/// without the array's brackets or the separator between clients).
pub fn render_client(key: String, t: &Tables, o: RenderOptions) -> ClientRows {
    let (candidates, flags) = match o.format {
        OutputFormat::Csv => (
            records(t.candidates.iter().map(candidate_cells), o.formula_guard),
            records(t.flags.iter().map(flag_cells), o.formula_guard),
        ),
        OutputFormat::Json => (json_rows(&t.candidates), json_rows(&t.flags)),
        OutputFormat::Jsonl => (
            super::json::to_jsonl(&t.candidates),
            super::json::to_jsonl(&t.flags),
        ),
    };
    ClientRows {
        key,
        candidates,
        flags,
    }
}

/// The inside of a pretty-printed JSON array of `rows`: what sits between
/// `[\n` and `\n]`, so pieces joined by `,\n` give the whole array.
fn json_rows<T: serde::Serialize>(rows: &[T]) -> Vec<u8> {
    if rows.is_empty() {
        return Vec::new();
    }
    let all = serde_json::to_vec_pretty(rows).expect("rows always serialise");
    all[2..all.len() - 2].to_vec()
}

/// Writes clients' rows, already in key order, as one run file.
pub fn write_run(path: &Path, clients: &[ClientRows]) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(256 << 10, File::create(path)?);
    for c in clients {
        for part in [c.key.as_bytes(), &c.candidates, &c.flags] {
            w.write_all(&(part.len() as u64).to_le_bytes())?;
            w.write_all(part)?;
        }
    }
    w.flush()
}

struct Run {
    reader: BufReader<File>,
    path: PathBuf,
}

impl Run {
    fn next(&mut self) -> io::Result<Option<ClientRows>> {
        let mut len = [0u8; 8];
        match self.reader.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let key = String::from_utf8(self.part(len)?).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidData, "temporary run file damaged")
        })?;
        let candidates = self.read_part()?;
        let flags = self.read_part()?;
        Ok(Some(ClientRows {
            key,
            candidates,
            flags,
        }))
    }

    fn read_part(&mut self) -> io::Result<Vec<u8>> {
        let mut len = [0u8; 8];
        self.reader.read_exact(&mut len)?;
        self.part(len)
    }

    fn part(&mut self, len: [u8; 8]) -> io::Result<Vec<u8>> {
        let len = usize::try_from(u64::from_le_bytes(len)).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidData, "temporary run file damaged")
        })?;
        let mut buf = vec![0u8; len];
        self.reader.read_exact(&mut buf)?;
        Ok(buf)
    }
}

/// One output table being written to its temporary file.
struct TableFile {
    tmp: NamedTempFile,
    out: BufWriter<File>,
    target: PathBuf,
    format: OutputFormat,
    any: bool,
}

impl TableFile {
    fn create(dir: &Path, name: &str, o: RenderOptions, header: &[&str]) -> io::Result<TableFile> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file().try_clone()?);
        if o.format == OutputFormat::Csv {
            out.write_all(&head(header, o.bom))?;
        }
        Ok(TableFile {
            tmp,
            out,
            target: dir.join(name),
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

    fn finish(mut self) -> io::Result<(NamedTempFile, PathBuf)> {
        if self.format == OutputFormat::Json {
            self.out
                .write_all(if self.any { b"\n]\n" } else { b"[]\n" })?;
        }
        self.out.flush()?;
        drop(self.out);
        set_readable(self.tmp.as_file())?;
        self.tmp.as_file().sync_all()?;
        Ok((self.tmp, self.target))
    }
}

/// Merges the runs by client key into `candidates.<ext>` and `flags.<ext>`
/// in `dir`; both are renamed into place only once both are complete.
pub fn merge_runs(
    dir: &Path,
    o: RenderOptions,
    runs: &[PathBuf],
) -> Result<Vec<PathBuf>, WriteError> {
    let err = |path: &Path, source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    let ext = o.format.ext();
    let names = [format!("candidates.{ext}"), format!("flags.{ext}")];
    let mut files = [
        TableFile::create(dir, &names[0], o, &CANDIDATE_HEADER).map_err(|e| err(dir, e))?,
        TableFile::create(dir, &names[1], o, &FLAG_HEADER).map_err(|e| err(dir, e))?,
    ];
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
    while let Some(Reverse((_, i))) = heap.pop() {
        let Some(c) = heads[i].take() else {
            continue;
        };
        for (file, rows) in files.iter_mut().zip([&c.candidates, &c.flags]) {
            file.push(rows).map_err(|e| err(&file.target, e))?;
        }
        let next = open[i].next().map_err(|e| err(&open[i].path, e))?;
        if let Some(n) = &next {
            heap.push(Reverse((n.key.clone(), i)));
        }
        heads[i] = next;
    }
    let [candidates, flags] = files;
    let done = [
        candidates.finish().map_err(|e| err(dir, e))?,
        flags.finish().map_err(|e| err(dir, e))?,
    ];
    let mut written = Vec::new();
    for (tmp, target) in done {
        tmp.persist(&target).map_err(|e| err(&target, e.error))?;
        written.push(target);
    }
    Ok(written)
}
