//! `pyforge completions SHELL` and `pyforge man`: a completion script and the
//! man page, both generated from the clap definitions in `crate::cli`, on
//! stdout.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::{EXIT_FAILED, EXIT_OK};
use crate::cli::{Cli, CompletionsArgs};

pub fn completions(args: &CompletionsArgs) -> ExitCode {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "pyforge", &mut out);
    write_stdout(&out)
}

pub fn man() -> ExitCode {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => write_stdout(&out),
        Err(e) => {
            crate::diagnostics::error(None, &format!("cannot render the man page: {e}"), None);
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            crate::diagnostics::error(None, &format!("cannot write to stdout: {e}"), None);
            ExitCode::from(EXIT_FAILED)
        }
    }
}
