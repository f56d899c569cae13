//! The `circlescan` binary: parse arguments, hand each subcommand to
//! `commands`, print a fatal error, choose the exit code. Only the binary
//! prints; a closed standard output (`| head`) ends quietly.
mod commands;
mod lexicons_cmd;
mod progress_bar;
mod settings;
mod summary;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use circlescan::cli::{Cli, Command};
use circlescan::config::Fatal;

use commands::Table;

/// Exit codes (SPEC "Errors").
#[derive(Clone, Copy)]
pub enum Exit {
    /// Everything read.
    Ok = 0,
    /// Output written, but some input could not be read.
    InputProblems = 1,
    /// Usage, lexicon or output folder error: nothing written.
    Fatal = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same in mimalloc 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Ctrl-C or a job scheduler's SIGTERM: a scan's temporary folder (as big
    // as its input) goes with it; the output files stay as they were.
    let _ = ctrlc::set_handler(|| {
        circlescan::spill::remove_live();
        std::process::exit(130);
    });
    // Freed memory is kept for reuse rather than handed back to the system
    // 10 ms later: a scan frees and allocates a partition's worth every few
    // hundred milliseconds, and faulting those pages in again cost 5-20% of
    // the time. The peak is the same either way.
    // SAFETY: setting an allocator option is allowed at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Fatal
            } else {
                Exit::Ok
            }
            .into();
        }
    };
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(fatal) => {
            eprintln!("circlescan: {fatal}");
            Exit::Fatal.into()
        }
    }
}

fn run(cli: Cli) -> Result<Exit, Fatal> {
    match cli.command {
        Command::Scan(args) => commands::scan(args),
        Command::Candidates(args) => commands::print(args, Table::Candidates),
        Command::Flags(args) => commands::print(args, Table::Flags),
        Command::Review(args) => commands::review(args),
        Command::Lexicons(args) => commands::lexicons(args),
        Command::Completions(args) => Ok(commands::completions(&args)),
        Command::Merge(args) => commands::merge(args),
        Command::Man => commands::man(),
    }
}

/// Writes to standard output; a closed pipe (`| head`) ends quietly.
pub fn print_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if out.write_all(bytes).and_then(|()| out.flush()).is_err() {
        // Broken pipe or closed stdout: nothing more to say.
    }
}
