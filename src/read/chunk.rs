//! Big exports in record-aligned pieces, so one large CSV or JSON Lines file
//! is read a piece at a time (bounded memory) and by every core.
//!
//! Input: a reader (a file, standard input) and its format. Output: pieces
//! of whole records, each with the header (CSV/TSV) in front and the line
//! it starts on. It never parses a record: a cut is a newline outside quotes.
use std::io::{self, Read};

use super::Format;

/// Whether a format can be read in pieces.
pub fn is_chunkable(format: Format) -> bool {
    matches!(format, Format::Csv | Format::Tsv | Format::Jsonl)
}

/// Where records end in a stream of bytes fed a block at a time: a newline
/// (outside quotes, for CSV/TSV) after the header record.
#[derive(Debug)]
struct Cutter {
    csv: bool,
    in_header: bool,
    in_quotes: bool,
    /// The header record's bytes, once read (CSV/TSV), and its lines.
    header: Vec<u8>,
    header_lines: u32,
    /// 1-based line of the next byte.
    line: u32,
}

/// A place a piece may end: the offset just past a newline, and the line
/// that starts there.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// The header record ends here.
    Header(usize, u32),
    /// A record ends here.
    Record(usize, u32),
}

impl Cutter {
    fn new(format: Format) -> Cutter {
        let csv = matches!(format, Format::Csv | Format::Tsv);
        Cutter {
            csv,
            in_header: csv,
            in_quotes: false,
            header: Vec::new(),
            header_lines: 0,
            line: 1,
        }
    }

    /// Reads `bytes`, the next block of the stream; `cut` is told each
    /// place a piece may end, as an offset into `bytes`.
    fn feed(&mut self, bytes: &[u8], mut cut: impl FnMut(Cut)) {
        let mut header_from = 0;
        let stops: Box<dyn Iterator<Item = usize>> = if self.csv {
            Box::new(memchr::memchr2_iter(b'"', b'\n', bytes))
        } else {
            Box::new(memchr::memchr_iter(b'\n', bytes))
        };
        for i in stops {
            if bytes[i] == b'"' {
                self.in_quotes = !self.in_quotes;
                continue;
            }
            self.line = self.line.saturating_add(1);
            if self.in_quotes {
                continue;
            }
            if self.in_header {
                self.in_header = false;
                self.header.extend_from_slice(&bytes[header_from..=i]);
                self.header_lines = self.line - 1;
                header_from = i + 1;
                cut(Cut::Header(i + 1, self.line));
            } else {
                cut(Cut::Record(i + 1, self.line));
            }
        }
        if self.in_header {
            self.header.extend_from_slice(&bytes[header_from..]);
        }
    }
}

/// Whether a stream starting with these bytes is UTF-16: NUL bytes sit
/// around every newline, so it is never cut, only read whole.
fn is_utf16(start: &[u8]) -> bool {
    matches!(start, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..])
}

/// An export (a file or standard input) cut into pieces of about `target`
/// bytes as it is read: whole records only, each piece with
/// the header in front, so memory holds a piece or two, never the stream.
pub struct Pieces<R> {
    reader: R,
    cutter: Cutter,
    target: usize,
    /// Bytes read and not yet given out (the header first, until it ends).
    buf: Vec<u8>,
    /// Where the records of the next piece start in `buf`, and their line.
    start: usize,
    start_line: u32,
    /// The last place in `buf` a piece may end, and the line after it.
    last_cut: Option<(usize, u32)>,
    /// UTF-16: read whole, as one piece.
    whole: bool,
    done: bool,
}

/// One piece of a stream: the header and whole records, and the line of
/// the stream its first record starts on.
#[derive(Debug, PartialEq, Eq)]
pub struct Piece {
    /// The header (CSV/TSV) followed by the records.
    pub bytes: Vec<u8>,
    /// Line of the stream where the first record starts.
    pub first_line: u32,
}

impl<R: Read> Pieces<R> {
    /// Pieces of `reader`, an export in `format`, of about `target` bytes.
    pub fn new(reader: R, format: Format, target: usize) -> Pieces<R> {
        Pieces {
            reader,
            cutter: Cutter::new(format),
            target: target.max(1),
            buf: Vec::new(),
            start: 0,
            start_line: 1,
            last_cut: None,
            whole: false,
            done: false,
        }
    }

    /// The header record's bytes (empty for JSON Lines, or until read).
    pub fn header(&self) -> &[u8] {
        &self.cutter.header
    }

    /// How many lines the header record spans (0 for JSON Lines, or until
    /// read): every piece starts with them.
    pub fn header_lines(&self) -> u32 {
        self.cutter.header_lines
    }

    /// The next piece, or `None` at the end of the stream.
    pub fn next_piece(&mut self) -> io::Result<Option<Piece>> {
        const BLOCK: usize = 1 << 20;
        while !self.done {
            let old = self.buf.len();
            self.buf.resize(old + BLOCK, 0);
            let n = loop {
                match self.reader.read(&mut self.buf[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.buf.truncate(old);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(old + n);
            if n == 0 {
                self.done = true;
                break;
            }
            // UTF-16 shows in the first two bytes (a first read may bring one).
            if old < 2 && is_utf16(&self.buf) {
                self.whole = true;
            }
            if self.whole {
                continue;
            }
            let (start, last_cut) = (&mut self.start, &mut self.last_cut);
            let mut start_line = self.start_line;
            self.cutter.feed(&self.buf[old..], |c| match c {
                Cut::Header(at, line) => {
                    *start = old + at;
                    start_line = line;
                }
                Cut::Record(at, line) => *last_cut = Some((old + at, line)),
            });
            self.start_line = start_line;
            if let Some((end, line)) = self.last_cut {
                if end - self.start >= self.target {
                    let piece = self.take(end);
                    self.start_line = line;
                    return Ok(Some(piece));
                }
            }
        }
        if self.whole {
            let bytes = std::mem::take(&mut self.buf);
            self.whole = false;
            return Ok((!bytes.is_empty()).then_some(Piece {
                bytes,
                first_line: 1,
            }));
        }
        if self.cutter.in_header || self.buf.len() <= self.start {
            return Ok(None);
        }
        let end = self.buf.len();
        Ok(Some(self.take(end)))
    }

    /// The header and `buf[start..end]` as a piece; the bytes after `end`
    /// stay for the next one.
    fn take(&mut self, end: usize) -> Piece {
        let header = &self.cutter.header;
        let mut bytes = Vec::with_capacity(header.len() + end - self.start);
        bytes.extend_from_slice(header);
        bytes.extend_from_slice(&self.buf[self.start..end]);
        let piece = Piece {
            bytes,
            first_line: self.start_line,
        };
        self.buf.drain(..end);
        self.start = 0;
        self.last_cut = None;
        piece
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives a few bytes per read, as a pipe may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn all_pieces(
        text: &[u8],
        format: Format,
        target: usize,
        step: usize,
    ) -> (Vec<u8>, Vec<Piece>) {
        let mut pieces = Pieces::new(Trickle(text, step), format, target);
        let mut out = Vec::new();
        while let Some(p) = pieces.next_piece().unwrap() {
            out.push(p);
        }
        (pieces.header().to_vec(), out)
    }

    #[test]
    fn a_stream_is_cut_between_records_with_the_header_in_every_piece() {
        let text = b"client,note\nA,\"one\nstill one\"\nB,two\nC,\"x\"\"y\nz\"\nD,four";
        for step in [1, 2, 5, 1 << 20] {
            let (header, pieces) = all_pieces(text, Format::Csv, 1, step);
            assert_eq!(header, b"client,note\n");
            let records: Vec<String> = pieces
                .iter()
                .map(|p| {
                    assert!(p.bytes.starts_with(&header));
                    String::from_utf8(p.bytes[header.len()..].to_vec()).unwrap()
                })
                .collect();
            // Whole records only, in order, none lost; with one byte per
            // read each record is a piece of its own.
            assert_eq!(
                records.concat(),
                "A,\"one\nstill one\"\nB,two\nC,\"x\"\"y\nz\"\nD,four"
            );
            assert!(records.iter().all(|r| r.matches('"').count() % 2 == 0));
            if step == 1 {
                assert_eq!(records.len(), 4);
                let lines: Vec<u32> = pieces.iter().map(|p| p.first_line).collect();
                assert_eq!(lines, [2, 4, 5, 7]);
            }
        }
    }

    #[test]
    fn a_stream_in_utf16_or_without_records_is_not_cut() {
        let utf16 = [0xFF, 0xFE, b'a', 0, b'\n', 0, b'b', 0, b'\n', 0];
        let (_, pieces) = all_pieces(&utf16, Format::Csv, 1, 1);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].bytes, utf16);
        let (header, pieces) = all_pieces(b"client,note", Format::Csv, 1, 3);
        assert_eq!(header, b"client,note");
        assert!(pieces.is_empty());
        let (_, pieces) = all_pieces(b"{\"a\":1}\n{\"a\":2}", Format::Jsonl, 1, 4);
        let lines: Vec<u32> = pieces.iter().map(|p| p.first_line).collect();
        assert_eq!(lines, [1, 2]);
    }
}
