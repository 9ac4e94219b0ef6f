//! `pyforge pdf-worker` (hidden): the process pyforge starts to read one PDF
//! (see `formats::pdf::worker`). Its stdout is the protocol; what goes
//! wrong outside a PDF's own errors is printed on stderr, which the pyforge
//! that started it reads.

use std::process::ExitCode;

pub fn run() -> ExitCode {
    match crate::formats::pdf::worker::serve() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pdf-worker: {e}");
            ExitCode::FAILURE
        }
    }
}
