//! `ceiling` — the best a pure phrase matcher can do on the benchmark bytes.
//!
//! Builds ONE Aho-Corasick automaton (explicitly `AhoCorasickKind::DFA`,
//! `MatchKind::LeftmostLongest`, ASCII case-insensitive) from a phrases file
//! (one phrase per line) and counts non-overlapping matches over every byte
//! of the inputs. Inputs are files or directories (walked recursively, paths
//! sorted). Work is spread with rayon over files and over newline-aligned
//! chunks (~8 MiB) of large files; phrases never contain a newline, so cutting
//! at newlines never splits a match and the count is the same for any thread
//! count or chunk size.
//!
//! Usage: ceiling [--threads N] [--chunk-mib M] PHRASES INPUT...

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rayon::prelude::*;

const USAGE: &str = "usage: ceiling [--threads N] [--chunk-mib M] PHRASES INPUT...";

/// One piece of work: bytes `start..end` of file `file` (end = None: whole file).
struct Unit {
    file: usize,
    start: u64,
    end: Option<u64>,
}

struct Args {
    threads: Option<usize>,
    chunk: u64,
    phrases: PathBuf,
    inputs: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut threads = None;
    let mut chunk: u64 = 8 << 20;
    let mut pos = Vec::new();
    let mut it = std::env::args_os().skip(1);
    while let Some(a) = it.next() {
        let s = a.to_string_lossy().into_owned();
        let mut value = |name: &str| -> Result<usize, String> {
            let v = it.next().ok_or_else(|| format!("{name} needs a value"))?;
            v.to_string_lossy()
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{name}: expected a positive integer"))
        };
        match s.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--threads" | "-j" => threads = Some(value("--threads")?),
            "--chunk-mib" => chunk = (value("--chunk-mib")? as u64) << 20,
            _ if s.starts_with("--threads=") => {
                threads = Some(
                    s["--threads=".len()..]
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or("--threads: expected a positive integer")?,
                )
            }
            _ if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            _ => pos.push(PathBuf::from(a)),
        }
    }
    if pos.len() < 2 {
        return Err("need a phrases file and at least one input".into());
    }
    let phrases = pos.remove(0);
    Ok(Args { threads, chunk, phrases, inputs: pos })
}

fn load_phrases(path: &Path) -> io::Result<Vec<String>> {
    let text = fs::read_to_string(path)?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Files under `path` (itself if it is a file), sorted by path.
fn walk(path: &Path, out: &mut Vec<(PathBuf, u64)>) -> io::Result<()> {
    let md = fs::metadata(path)?;
    if md.is_file() {
        out.push((path.to_path_buf(), md.len()));
        return Ok(());
    }
    if !md.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for e in entries {
        walk(&e, out)?;
    }
    Ok(())
}

/// First line start at or after `pos`: 0, or one past the first '\n' at or
/// after `pos - 1`; `len` if there is none.
fn line_start_at_or_after(f: &File, pos: u64, len: u64) -> io::Result<u64> {
    if pos == 0 {
        return Ok(0);
    }
    let mut buf = vec![0u8; 64 << 10];
    let mut off = pos - 1;
    while off < len {
        let n = f.read_at(&mut buf, off)?;
        if n == 0 {
            break;
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(off + i as u64 + 1);
        }
        off += n as u64;
    }
    Ok(len)
}

fn plan(files: &[(PathBuf, u64)], chunk: u64) -> io::Result<Vec<Unit>> {
    let mut units = Vec::new();
    for (i, (path, len)) in files.iter().enumerate() {
        if *len <= chunk + chunk / 2 {
            units.push(Unit { file: i, start: 0, end: None });
            continue;
        }
        let f = File::open(path)?;
        let mut start = 0;
        let mut nominal = chunk;
        while start < *len {
            let end = if nominal >= *len { *len } else { line_start_at_or_after(&f, nominal, *len)? };
            if end > start {
                units.push(Unit { file: i, start, end: Some(end) });
            }
            start = end;
            nominal = nominal.max(end) + chunk;
        }
    }
    Ok(units)
}

fn count_unit(ac: &AhoCorasick, files: &[(PathBuf, u64)], u: &Unit, buf: &mut Vec<u8>) -> io::Result<(u64, u64)> {
    let path = &files[u.file].0;
    let mut f = File::open(path)?;
    buf.clear();
    match u.end {
        None => {
            f.read_to_end(buf)?;
        }
        Some(end) => {
            let want = (end - u.start) as usize;
            buf.resize(want, 0);
            f.read_exact_at(buf, u.start)?;
        }
    }
    let n = ac.find_iter(buf.as_slice()).count() as u64;
    Ok((n, buf.len() as u64))
}

fn run() -> Result<(), String> {
    let args = parse_args().map_err(|e| format!("{e}\n{USAGE}"))?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    let t0 = Instant::now();
    let phrases = load_phrases(&args.phrases).map_err(|e| format!("{}: {e}", args.phrases.display()))?;
    let ac = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&phrases)
        .map_err(|e| format!("building automaton: {e}"))?;
    let t_build = t0.elapsed();

    let mut files = Vec::new();
    for p in &args.inputs {
        walk(p, &mut files).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    let units = plan(&files, args.chunk).map_err(|e| format!("planning chunks: {e}"))?;
    let t1 = Instant::now();
    let (matches, bytes) = units
        .par_iter()
        .map_init(Vec::new, |buf, u| {
            count_unit(&ac, &files, u, buf)
                .map_err(|e| format!("{}: {e}", files[u.file].0.display()))
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))?;
    let t_scan = t1.elapsed().as_secs_f64();
    let total = t0.elapsed().as_secs_f64();

    println!("matches {matches}");
    println!("bytes {bytes}");
    eprintln!(
        "ceiling: {} phrases, automaton {:?} ({} KiB heap), build {:.1} ms; {} files, {} units, {} threads; scan {:.3} s = {:.1} MB/s; total {:.3} s",
        phrases.len(),
        ac.kind(),
        ac.memory_usage() >> 10,
        t_build.as_secs_f64() * 1e3,
        files.len(),
        units.len(),
        rayon::current_num_threads(),
        t_scan,
        bytes as f64 / 1e6 / t_scan.max(1e-9),
        total
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ceiling: {e}");
            ExitCode::FAILURE
        }
    }
}
