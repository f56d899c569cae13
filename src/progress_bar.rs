//! The progress bar on standard error: a thread that reads the scan's
//! `Progress` counters while the scan runs and draws files, notes, MB/s and
//! the time left (`indicatif`). On a terminal it appears only once a run has
//! taken a moment and is cleared at the end; `--progress` draws it anywhere
//! (a log, a test) and leaves the last state. It never touches stdout.
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use circlescan::config::{Config, Fatal};
use circlescan::{scan_with_progress, Progress, Scan};

/// When to draw the bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// `--quiet`.
    Never,
    /// When standard error is a terminal.
    IfTerminal,
    /// `--progress`: always, leaving the final state drawn.
    Always,
}

/// How long a run on a terminal goes before the bar appears.
const DELAY: Duration = Duration::from_millis(300);
/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Scans `cfg`, drawing the bar on standard error as `show` says.
pub fn scan_with_bar(cfg: &Config, show: Show) -> Result<Scan, Fatal> {
    with_bar(show, |progress| scan_with_progress(cfg, progress))
}

/// Runs `job` (a scan advancing the counters it is given), drawing the bar
/// on standard error as `show` says.
pub fn with_bar<T>(
    show: Show,
    job: impl FnOnce(&Progress) -> Result<T, Fatal>,
) -> Result<T, Fatal> {
    let progress = Progress::default();
    let show = match show {
        Show::IfTerminal if !std::io::stderr().is_terminal() => Show::Never,
        other => other,
    };
    if show == Show::Never {
        return job(&progress);
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let drawer = s.spawn(|| draw(&progress, &done, show == Show::Always));
        let result = job(&progress);
        done.store(true, Ordering::Release);
        drawer.thread().unpark();
        // A panic in drawing must not lose the scan.
        let _ = drawer.join();
        result
    })
}

fn draw(progress: &Progress, done: &AtomicBool, forced: bool) {
    let start = Instant::now();
    let delay = if forced { Duration::ZERO } else { DELAY };
    while !done.load(Ordering::Acquire) && start.elapsed() < delay {
        std::thread::park_timeout(TICK.min(delay));
    }
    if done.load(Ordering::Acquire) && !forced {
        return; // a quick run needs no bar
    }
    let target = if forced {
        ProgressDrawTarget::term_like_with_hz(Box::new(PlainStderr), 10)
    } else {
        ProgressDrawTarget::stderr_with_hz(10)
    };
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed:>3} [{bar:30}] {msg}, {decimal_bytes_per_sec}, ETA {eta}",
        )
        .expect("the template is valid")
        .progress_chars("=> "),
    );
    update(&bar, progress);
    bar.set_draw_target(target);
    loop {
        let finished = done.load(Ordering::Acquire);
        update(&bar, progress);
        if finished {
            break;
        }
        std::thread::park_timeout(TICK);
    }
    if forced {
        bar.finish();
        let _ = writeln!(std::io::stderr());
    } else {
        bar.finish_and_clear();
    }
}

fn update(bar: &ProgressBar, p: &Progress) {
    let get = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    bar.set_length(get(&p.bytes_total).max(1));
    bar.set_position(get(&p.bytes_done));
    bar.set_message(format!(
        "{}/{} files, {} notes",
        get(&p.files_done),
        get(&p.files_total),
        get(&p.notes_done)
    ));
}

/// Standard error as a terminal-like target even when it is a file or a
/// pipe, for `--progress`.
#[derive(Debug)]
struct PlainStderr;

impl TermLike for PlainStderr {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            write!(std::io::stderr(), "\x1b[{n}A")?;
        }
        Ok(())
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            write!(std::io::stderr(), "\x1b[{n}B")?;
        }
        Ok(())
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            write!(std::io::stderr(), "\x1b[{n}C")?;
        }
        Ok(())
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            write!(std::io::stderr(), "\x1b[{n}D")?;
        }
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        writeln!(std::io::stderr(), "{s}")
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        write!(std::io::stderr(), "{s}")
    }
    fn clear_line(&self) -> std::io::Result<()> {
        write!(std::io::stderr(), "\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
