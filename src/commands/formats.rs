//! `pyforge formats`: the input formats, their extensions, and whether this
//! build converts them.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::FormatsArgs;
use crate::formats::Format;

#[derive(Serialize)]
struct FormatEntry {
    format: Format,
    name: &'static str,
    extensions: &'static [&'static str],
    output: &'static str,
    supported: bool,
    description: &'static str,
}

pub fn run(args: &FormatsArgs) -> ExitCode {
    let entries: Vec<FormatEntry> = Format::all()
        .map(|f| FormatEntry {
            format: f,
            name: f.name(),
            extensions: f.extensions(),
            output: match (f.default_output_is_text(), f.layout()) {
                (true, _) => "<stem>.txt",
                (false, crate::formats::OutputLayout::File) => "<stem>.parquet",
                (false, crate::formats::OutputLayout::Directory(_)) => "<stem>_parquet/",
            },
            supported: f.is_supported(),
            description: f.description(),
        })
        .collect();
    if args.json {
        super::print_json(&serde_json::json!({ "schema_version": 1, "formats": entries }));
        return ExitCode::SUCCESS;
    }
    let extensions: Vec<String> = entries
        .iter()
        .map(|e| {
            let listed: Vec<String> = e.extensions.iter().map(|x| format!(".{x}")).collect();
            listed.join(" ")
        })
        .collect();
    let width = extensions
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max(10);
    println!(
        "{:<8} {:<width$} {:<17} {:<15} description",
        "format", "extensions", "output", "status"
    );
    for (e, extensions) in entries.iter().zip(&extensions) {
        println!(
            "{:<8} {:<width$} {:<17} {:<15} {}",
            e.name,
            extensions,
            e.output,
            if e.supported {
                "supported"
            } else {
                "not supported yet"
            },
            e.description
        );
    }
    ExitCode::SUCCESS
}
