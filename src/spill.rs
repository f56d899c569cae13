//! Notes set aside on disk, partitioned by client, so that a scan of any
//! size holds one partition at a time: memory follows the largest
//! partition, never the size of the export.
//!
//! Input: `RawNote`s from any number of threads. Output: the notes again,
//! one partition at a time, each partition holding every note of its
//! clients. Within a partition, notes come back in the order they were
//! added; callers order them by date, path and line, never by arrival.
use std::fs::File;
use std::hash::Hasher;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHasher};

use crate::aggregate::client_key;
use crate::read::date::Date;
use crate::read::RawNote;
use crate::write::previous::{PrevTable, Record};

/// How a spill folder's name starts; the machine's name and the process id
/// follow, so that a folder left by a run killed outright can be told from
/// one in use.
pub const SPILL_PREFIX: &str = ".circlescan-spill.";

/// This machine's name, with no dots (they separate the name's parts).
fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().replace('.', "-"))
        .unwrap_or_default()
}

/// Removes the spill folders in `parent` that runs on this machine left
/// when they were killed outright (SIGKILL, the out-of-memory killer): the
/// process named in the folder's name no longer exists. Folders of other
/// machines, of live processes, and anything else are left alone. Linux
/// only (it asks `/proc`).
pub fn remove_stale(parent: &Path) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let host = host();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(SPILL_PREFIX)) else {
            continue;
        };
        // HOST.PID.RANDOM
        let mut parts = rest.rsplitn(3, '.');
        let (_, pid, their_host) = (parts.next(), parts.next(), parts.next());
        let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if their_host == Some(host.as_str()) && !host.is_empty() && !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Temporary folders of runs in progress, removed by `remove_live` when the
/// process is interrupted (destructors do not run then).
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes the temporary folders of every scan still running: for a
/// Ctrl-C or SIGTERM handler, just before the process exits.
pub fn remove_live() {
    let live = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in live {
        // Workers still running may add a file while it goes: try again.
        for _ in 0..5 {
            if std::fs::remove_dir_all(&dir).is_ok() || !dir.exists() {
                break;
            }
        }
    }
}

/// A folder listed in `LIVE` while this lives.
struct Live(PathBuf);

impl Live {
    fn new(dir: &Path) -> Live {
        LIVE.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(dir.to_path_buf());
        Live(dir.to_path_buf())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        LIVE.lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|d| *d != self.0);
    }
}

/// Partitions being written, in a private temporary folder.
pub struct Spill {
    dir: tempfile::TempDir,
    live: Live,
    parts: Vec<Mutex<Part>>,
}

struct Part {
    file: BufWriter<File>,
    /// Bytes of note text written, for sizing and progress.
    text_bytes: u64,
    notes: usize,
}

/// The partition of a client: a hash of the client key, independent of
/// the `--shard` hash so that one shard still spreads over every partition.
pub fn partition_of(client: &str, n: usize) -> usize {
    let mut h = FxHasher::default();
    h.write(client_key(client).as_bytes());
    (h.finish() % n.max(1) as u64) as usize
}

impl Spill {
    /// `n` empty partitions in a new temporary folder inside `parent`.
    pub fn new(parent: &Path, n: usize) -> io::Result<Spill> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{SPILL_PREFIX}{}.{}.", host(), std::process::id()))
            .tempdir_in(parent)?;
        let live = Live::new(dir.path());
        let parts = (0..n.max(1))
            .map(|i| {
                let file = File::create(part_path(dir.path(), i))?;
                Ok(Mutex::new(Part {
                    file: BufWriter::with_capacity(64 << 10, file),
                    text_bytes: 0,
                    notes: 0,
                }))
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Spill { dir, live, parts })
    }

    /// The folder, for more files of the same scan (removed with it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Appends notes, each to its client's partition. Notes of one call
    /// stay in their order within a partition.
    pub fn add(&self, notes: Vec<RawNote>) -> io::Result<()> {
        let n = self.parts.len();
        let mut bufs: Vec<(Vec<u8>, u64, usize)> = vec![(Vec::new(), 0, 0); n];
        for note in &notes {
            let (buf, bytes, count) = &mut bufs[partition_of(&note.client, n)];
            encode(note, buf);
            *bytes += note.text.len() as u64;
            *count += 1;
        }
        drop(notes);
        for (i, (buf, bytes, count)) in bufs.into_iter().enumerate() {
            if buf.is_empty() {
                continue;
            }
            let mut part = self.parts[i].lock().unwrap_or_else(|e| e.into_inner());
            part.file.write_all(&buf)?;
            part.text_bytes += bytes;
            part.notes += count;
        }
        Ok(())
    }

    /// Finishes writing; the partitions can then be read back.
    pub fn finish(self) -> io::Result<Partitions> {
        let mut sizes = Vec::with_capacity(self.parts.len());
        for part in self.parts {
            let mut part = part.into_inner().unwrap_or_else(|e| e.into_inner());
            part.file.flush()?;
            sizes.push((part.text_bytes, part.notes));
        }
        Ok(Partitions {
            dir: self.dir,
            _live: self.live,
            sizes,
        })
    }
}

/// Written partitions, read back one at a time. The folder goes when this
/// is dropped.
pub struct Partitions {
    dir: tempfile::TempDir,
    _live: Live,
    sizes: Vec<(u64, usize)>,
}

impl Partitions {
    /// Number of partitions.
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// Bytes of note text in partition `i`.
    pub fn text_bytes(&self, i: usize) -> u64 {
        self.sizes[i].0
    }

    /// The notes of partition `i`, in the order they were added.
    pub fn read(&self, i: usize) -> io::Result<Vec<RawNote>> {
        let mut bytes = Vec::new();
        BufReader::new(File::open(part_path(self.dir.path(), i))?).read_to_end(&mut bytes)?;
        let mut notes = Vec::with_capacity(self.sizes[i].1);
        let mut paths: FxHashMap<String, Arc<str>> = FxHashMap::default();
        let mut r = Cursor {
            bytes: &bytes,
            at: 0,
        };
        while r.at < bytes.len() {
            notes.push(decode(&mut r, &mut paths)?);
        }
        Ok(notes)
    }

    /// Partition `i`'s notes, its file removed once read: the folder
    /// shrinks as the scan goes and its removal at the end is quick.
    pub fn take(&self, i: usize) -> io::Result<Vec<RawNote>> {
        let notes = self.read(i)?;
        std::fs::remove_file(part_path(self.dir.path(), i))?;
        Ok(notes)
    }

    /// The folder, for more files of the same scan (removed with it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

fn part_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("notes-{i:04}.bin"))
}

fn put_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
    buf.extend_from_slice(s.as_bytes());
}

fn encode(note: &RawNote, buf: &mut Vec<u8>) {
    put_str(buf, &note.path);
    buf.extend_from_slice(&note.line.to_le_bytes());
    put_str(buf, &note.client);
    match note.date {
        Some(d) => {
            buf.push(1);
            buf.extend_from_slice(&d.year.to_le_bytes());
            buf.push(d.month);
            buf.push(d.day);
        }
        None => buf.push(0),
    }
    match &note.author {
        Some(a) => {
            buf.push(1);
            put_str(buf, a);
        }
        None => buf.push(0),
    }
    put_str(buf, &note.text);
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| corrupt("record cut short"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn str(&mut self) -> io::Result<&str> {
        let len = usize::try_from(u64::from_le_bytes(self.array()?))
            .map_err(|_| corrupt("length out of range"))?;
        std::str::from_utf8(self.take(len)?).map_err(|_| corrupt("text is not UTF-8"))
    }
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("temporary note file damaged: {what}"),
    )
}

fn decode(r: &mut Cursor<'_>, paths: &mut FxHashMap<String, Arc<str>>) -> io::Result<RawNote> {
    let path = r.str()?;
    let path = match paths.get(path) {
        Some(p) => p.clone(),
        None => {
            let p: Arc<str> = Arc::from(path);
            paths.insert(path.to_string(), p.clone());
            p
        }
    };
    let line = u32::from_le_bytes(r.array()?);
    let client = r.str()?.to_string();
    let date = match r.u8()? {
        0 => None,
        _ => Some(Date {
            year: u16::from_le_bytes(r.array()?),
            month: r.u8()?,
            day: r.u8()?,
        }),
    };
    let author = match r.u8()? {
        0 => None,
        _ => Some(r.str()?.to_string()),
    };
    let text = r.str()?.to_string();
    Ok(RawNote {
        path,
        line,
        client,
        date,
        author,
        text,
    })
}

/// A previous run's rows set aside by client partition (`--compare`),
/// written by one thread in file order.
pub struct RowSpill {
    files: Vec<BufWriter<File>>,
}

impl RowSpill {
    /// `n` empty partitions in `dir` (a `Spill`'s folder).
    pub fn new(dir: &Path, n: usize) -> io::Result<RowSpill> {
        let files = (0..n.max(1))
            .map(|i| Ok(BufWriter::new(File::create(row_path(dir, i))?)))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(RowSpill { files })
    }

    /// Appends a row to its client's partition.
    pub fn add(&mut self, table: PrevTable, row: &Record) -> io::Result<()> {
        let client = row.get("client").map_or("", String::as_str);
        let n = self.files.len();
        let w = &mut self.files[partition_of(client, n)];
        w.write_all(match table {
            PrevTable::Candidates => b"c",
            PrevTable::Flags => b"f",
        })?;
        serde_json::to_writer(&mut *w, row)?;
        w.write_all(b"\n")
    }

    /// Finishes writing.
    pub fn finish(self) -> io::Result<()> {
        for mut w in self.files {
            w.flush()?;
        }
        Ok(())
    }
}

/// The previous rows of partition `i` of the `RowSpill` in `dir`, in the
/// order they were added.
pub fn read_rows(dir: &Path, i: usize) -> io::Result<Vec<(PrevTable, Record)>> {
    let mut rows = Vec::new();
    let mut reader = BufReader::new(File::open(row_path(dir, i))?);
    let mut line = Vec::new();
    loop {
        line.clear();
        if io::BufRead::read_until(&mut reader, b'\n', &mut line)? == 0 {
            return Ok(rows);
        }
        let table = match line.first() {
            Some(b'c') => PrevTable::Candidates,
            Some(b'f') => PrevTable::Flags,
            _ => return Err(corrupt("unknown table")),
        };
        let row: Record = serde_json::from_slice(&line[1..]).map_err(|_| corrupt("bad row"))?;
        rows.push((table, row));
    }
}

fn row_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("previous-{i:04}.jsonl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(client: &str, line: u32, text: &str) -> RawNote {
        RawNote {
            path: Arc::from("notes/é.csv"),
            line,
            client: client.to_string(),
            date: (line % 2 == 0).then_some(Date {
                year: 2024,
                month: 2,
                day: 29,
            }),
            author: (line % 3 == 0).then(|| "Ann".to_string()),
            text: text.to_string(),
        }
    }

    #[test]
    fn notes_come_back_whole_in_their_client_partition() {
        let tmp = tempfile::tempdir().unwrap();
        let spill = Spill::new(tmp.path(), 4).unwrap();
        let notes: Vec<RawNote> = (1..=40)
            .map(|i| {
                note(
                    &format!("Client {}", i % 7),
                    i,
                    &format!("note {i}: Zoë, “quoted”"),
                )
            })
            .collect();
        spill.add(notes[..25].to_vec()).unwrap();
        spill.add(notes[25..].to_vec()).unwrap();
        let parts = spill.finish().unwrap();
        let mut back = Vec::new();
        for i in 0..parts.len() {
            for n in parts.read(i).unwrap() {
                assert_eq!(partition_of(&n.client, 4), i);
                back.push(n);
            }
        }
        assert_eq!(back.len(), 40);
        for n in &notes {
            let b = back.iter().find(|b| b.line == n.line).unwrap();
            assert_eq!(
                (&*b.path, &b.client, b.date, &b.author, &b.text),
                (&*n.path, &n.client, n.date, &n.author, &n.text)
            );
        }
        // One client's notes keep the order they were added in.
        let lines: Vec<u32> = back
            .iter()
            .filter(|n| n.client == "Client 3")
            .map(|n| n.line)
            .collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
        // Taken, a partition gives the same notes and its file is gone.
        let expected = parts.read(3).unwrap().len();
        assert_eq!(parts.take(3).unwrap().len(), expected);
        assert!(parts.read(3).is_err());
    }

    #[test]
    fn a_client_spelled_differently_lands_in_one_partition() {
        assert_eq!(partition_of("Ana  Lima", 64), partition_of("ana lima", 64));
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        let mut r = Cursor {
            bytes: &[9, 0, 0, 0, 0, 0, 0, 0, b'x'],
            at: 0,
        };
        assert!(decode(&mut r, &mut FxHashMap::default()).is_err());
    }
}
