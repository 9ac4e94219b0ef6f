//! `pyforge formats`: the input formats, their extensions and outputs.

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
    /// Always true: every listed format converts (kept in the JSON
    /// document, schema 1, from when some did not yet).
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
            supported: true,
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
        "{:<8} {:<width$} {:<17} description",
        "format", "extensions", "output"
    );
    for (e, extensions) in entries.iter().zip(&extensions) {
        println!(
            "{:<8} {:<width$} {:<17} {}",
            e.name, extensions, e.output, e.description
        );
    }
    ExitCode::SUCCESS
}
