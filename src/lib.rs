//! pyforge: parse the command line, run the subcommand, map the result to an
//! exit code (documented in `--help` and README.md). `main.rs` calls [`run`];
//! the modules stay private to this crate, and [`fuzzing`] is the one other
//! way in, for the `cargo fuzz` targets in `fuzz/`.

mod check;
mod cleanup;
mod cli;
mod commands;
mod convert;
mod databricks;
mod diagnostics;
mod env_vars;
mod files;
mod formats;
pub mod fuzzing;
mod home;
mod jvm;
mod panics;
mod parallel;
mod progress;
mod settings;
mod sink;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// The whole program: what `main` runs.
pub fn run() -> ExitCode {
    quiet_exit_on_closed_pipe();
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    install_interrupt_handler();
    dispatch(&cli)
}

/// Runs the subcommand `cli` names.
fn dispatch(cli: &Cli) -> ExitCode {
    match &cli.command {
        Command::Convert(args) => commands::convert::run(args, cli.quiet),
        Command::Info(args) => commands::info::run(args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Formats(args) => commands::formats::run(args),
        Command::EnvInfo(args) => commands::env_info::run(args),
        Command::Jars(args) => commands::jars::run(args, cli.quiet),
        Command::Completions(args) => commands::shell::completions(args),
        Command::Man => commands::shell::man(),
        Command::PdfWorker => commands::pdf_worker::run(),
    }
}

/// `pyforge info x | head` closes stdout early: end quietly, as Unix tools
/// do, instead of panicking on the failed write (Rust ignores SIGPIPE).
fn quiet_exit_on_closed_pipe() {
    // SAFETY: restoring the default disposition of a signal at start-up,
    // before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Logs go to stderr. `PYFORGE_LOG` wins; otherwise `-v` / `-vv` raise the level.
fn init_logging(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = std::env::var(env_vars::PYFORGE_LOG)
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time()
        .init();
}

/// ctrl-c and SIGTERM remove temporary outputs, then exit with 130.
fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        cleanup::remove_all();
        cleanup::say_last_words();
        std::process::exit(130);
    });
}
