//! Big exports in record-aligned pieces, so one large CSV or JSON Lines file
//! is read a piece at a time (bounded memory) and by every core.
//!
//! Input: a file path and its format. Output: the header bytes (CSV/TSV) and
//! the byte ranges of whole records, with the line each starts on. It
//! never parses a record: a cut is a newline outside quotes.
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::Format;

/// One piece of a file: whole records only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// Byte offset in the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: usize,
    /// 1-based line of the file where the piece starts.
    pub first_line: u32,
}

/// Whether a format can be read in pieces.
pub fn is_chunkable(format: Format) -> bool {
    matches!(format, Format::Csv | Format::Tsv | Format::Jsonl)
}

/// Cuts a file into pieces of about `target` bytes. For CSV/TSV the header
/// record is returned apart (every piece is parsed under it); a newline
/// inside a quoted field is never a cut.
pub fn plan_chunks(path: &str, format: Format, target: usize) -> io::Result<(Vec<u8>, Vec<Chunk>)> {
    let mut file = File::open(path)?;
    // UTF-16 has NUL bytes around every newline: not cut, read whole.
    let mut bom = [0u8; 2];
    let got = file.read(&mut bom)?;
    if got == 2 && (bom == [0xFF, 0xFE] || bom == [0xFE, 0xFF]) {
        let len = file.metadata()?.len();
        let whole = Chunk {
            offset: 0,
            len: usize::try_from(len).unwrap_or(usize::MAX),
            first_line: 1,
        };
        return Ok((Vec::new(), vec![whole]));
    }
    file.seek(SeekFrom::Start(0))?;
    let csv = matches!(format, Format::Csv | Format::Tsv);
    let mut buf = vec![0u8; 1 << 20];
    let mut header = Vec::new();
    let mut in_header = csv;
    let mut in_quotes = false;
    let mut line: u32 = 1;
    let mut pos: u64 = 0;
    let mut chunk_start: u64 = 0;
    let mut chunk_line: u32 = 1;
    let mut chunks = Vec::new();
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            if csv && b == b'"' {
                in_quotes = !in_quotes;
            }
            if in_header {
                header.push(b);
            }
            if b != b'\n' {
                continue;
            }
            line = line.saturating_add(1);
            if in_quotes {
                continue;
            }
            let end = pos + i as u64 + 1;
            if in_header {
                in_header = false;
                chunk_start = end;
                chunk_line = line;
            } else if end - chunk_start >= target as u64 {
                chunks.push(Chunk {
                    offset: chunk_start,
                    len: usize::try_from(end - chunk_start).unwrap_or(usize::MAX),
                    first_line: chunk_line,
                });
                chunk_start = end;
                chunk_line = line;
            }
        }
        pos += n as u64;
    }
    if in_header {
        // A header with no newline after it: no records.
        chunk_start = pos;
    }
    if pos > chunk_start {
        chunks.push(Chunk {
            offset: chunk_start,
            len: usize::try_from(pos - chunk_start).unwrap_or(usize::MAX),
            first_line: chunk_line,
        });
    }
    Ok((header, chunks))
}

/// The bytes of one piece, with the header in front for CSV/TSV.
pub fn read_chunk(path: &str, header: &[u8], chunk: Chunk) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(chunk.offset))?;
    let mut bytes = Vec::with_capacity(header.len() + chunk.len);
    bytes.extend_from_slice(header);
    let start = bytes.len();
    bytes.resize(start + chunk.len, 0);
    file.read_exact(&mut bytes[start..])?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_between_records_never_inside_quotes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        let text = "client,note\nA,\"one\nstill one\"\nB,two\nC,\"x\"\"y\nz\"\nD,four\n";
        std::fs::write(&path, text).unwrap();
        let p = path.to_str().unwrap();
        let (header, chunks) = plan_chunks(p, Format::Csv, 1).unwrap();
        assert_eq!(header, b"client,note\n");
        let pieces: Vec<String> = chunks
            .iter()
            .map(|c| String::from_utf8(read_chunk(p, b"", *c).unwrap()).unwrap())
            .collect();
        assert_eq!(
            pieces,
            [
                "A,\"one\nstill one\"\n",
                "B,two\n",
                "C,\"x\"\"y\nz\"\n",
                "D,four\n"
            ]
        );
        let lines: Vec<u32> = chunks.iter().map(|c| c.first_line).collect();
        assert_eq!(lines, [2, 4, 5, 7]);
    }

    #[test]
    fn json_lines_cut_at_newlines_and_keep_a_last_line_without_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.jsonl");
        std::fs::write(&path, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}").unwrap();
        let (header, chunks) = plan_chunks(path.to_str().unwrap(), Format::Jsonl, 10).unwrap();
        assert!(header.is_empty());
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1].first_line, 3);
        assert_eq!(chunks[1].len, 7);
    }
}
