//! `pyforge info`: what a file holds, as text or a versioned JSON document;
//! the format describes itself (see each format's description for its
//! fields after `schema_version`, `file`, `format` and `bytes`).

use std::process::ExitCode;

use super::{read_options, EXIT_FAILED};
use crate::cli::{InfoArgs, InfoFormat};
use crate::convert::staging::Staged;
use crate::diagnostics;
use crate::formats::{Format, FormatError, Header};

pub fn run(args: &InfoArgs) -> ExitCode {
    let options = match read_options(&args.reader, false) {
        Ok(options) => options,
        Err(usage) => return usage.exit(),
    };
    let path = match super::local_paths(std::slice::from_ref(&args.input)) {
        Ok(mut paths) => paths.remove(0),
        Err(code) => return code,
    };
    let path = &path;
    if let Some(problem) = crate::files::input_file_problem(path) {
        diagnostics::error(Some(path), problem, None);
        return ExitCode::from(EXIT_FAILED);
    }
    let format = match Format::of_named_file(path) {
        Some(format) => format,
        None => {
            diagnostics::error(
                Some(path),
                "unknown file type",
                Some("run `pyforge formats` for the extensions pyforge reads"),
            );
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let reader = format.reader();
    let described = Staged::for_reading(path, format, &options.jvm.temp_dir)
        .map_err(|e| FormatError::new(&e, None))
        .and_then(|staged| reader.describe(&staged.job.input, &options));
    // The input as the user named it, not a local copy.
    let header = Header {
        schema_version: 1,
        file: path.display().to_string(),
        format: format.id(),
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
    };
    match described {
        Ok(description) if args.json || args.format == InfoFormat::Json => {
            println!("{}", description.json(&header));
            ExitCode::SUCCESS
        }
        Ok(description) => {
            print!("{}", description.text(&header));
            ExitCode::SUCCESS
        }
        Err(e) => {
            diagnostics::error(Some(path), &e.message, e.hint.as_deref());
            ExitCode::from(EXIT_FAILED)
        }
    }
}
