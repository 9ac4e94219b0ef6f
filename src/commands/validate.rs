//! `pyforge validate`: read every input completely, exactly as `convert`
//! would, without writing anything. Exit 0 only if every input reads (for
//! Access: every table, each to the row count its file states).

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{read_options, EXIT_FAILED};
use crate::check::{check, InputCheck, TableCheck};
use crate::cli::ValidateArgs;
use crate::diagnostics;
use crate::formats::{Format, OutputLayout};

/// `validate --json`, version 1.
///
/// ```json
/// { "schema_version": 1, "ok": false,
///   "files": [ { "file": "a.csv", "format": "csv", "valid": true, "rows": 3, "columns": 2 },
///              { "file": "b.csv", "format": "csv", "valid": false,
///                "error": "the file is empty" },
///              { "file": "c.accdb", "format": "access", "valid": false, "rows": 7,
///                "error": "1 of 2 tables did not read completely",
///                "tables": [ { "table": "T1", "rows": 4, "row_count": 4, "valid": true },
///                            { "table": "T2", "rows": 3, "row_count": 4, "valid": false,
///                              "error": "table `T2`: read 3 rows but the file states 4 ..." } ] } ] }
/// ```
#[derive(Serialize)]
struct Report {
    schema_version: u32,
    ok: bool,
    files: Vec<FileReport>,
}

#[derive(Serialize)]
struct FileReport {
    file: PathBuf,
    format: Option<Format>,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    columns: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    /// Inputs of many tables: each table's result.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tables: Vec<TableCheck>,
    /// What the reader noted: tables skipped, rows mended.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

impl FileReport {
    /// The report of an input that read through; as `convert` lays the
    /// input out, one table (rows and columns) or many (each table).
    fn read(&mut self, layout: OutputLayout, found: InputCheck) {
        let failed: Vec<&TableCheck> = found.tables.iter().filter(|t| !t.valid).collect();
        self.valid = failed.is_empty();
        self.rows = Some(found.rows());
        match layout {
            OutputLayout::Directory(_) if !failed.is_empty() => {
                self.error = Some(format!(
                    "{} of {} tables did not read completely",
                    failed.len(),
                    found.tables.len()
                ));
            }
            OutputLayout::Directory(_) => {}
            OutputLayout::File => {
                self.columns = Some(found.columns);
                self.error = failed.first().and_then(|t| t.error.clone());
            }
        }
        if layout.is_directory() {
            self.tables = found.tables;
        }
        self.notes = found.notes;
    }
}

pub fn run(args: &ValidateArgs) -> ExitCode {
    let options = match read_options(&args.reader, false) {
        Ok(options) => options,
        Err(usage) => return usage.exit(),
    };
    let inputs = match super::local_paths(&args.inputs) {
        Ok(inputs) => inputs,
        Err(code) => return code,
    };
    let mut files = Vec::new();
    for path in &inputs {
        let format = Format::of_named_file(path);
        let mut report = FileReport {
            file: path.clone(),
            format,
            valid: false,
            rows: None,
            columns: None,
            error: None,
            hint: None,
            tables: Vec::new(),
            notes: Vec::new(),
        };
        match format {
            _ if crate::files::input_file_problem(path).is_some() => {
                report.error = crate::files::input_file_problem(path).map(str::to_string);
            }
            None => {
                report.error = Some("unknown file type".into());
                report.hint = Some("run `pyforge formats` for the extensions pyforge reads".into());
            }
            Some(format) => match check(path, format, &options) {
                Ok(found) => report.read(format.layout(), found),
                Err(e) => {
                    report.error = Some(e.message);
                    report.hint = e.hint;
                }
            },
        }
        files.push(report);
    }

    let ok = files.iter().all(|f| f.valid);
    for f in &files {
        for table in f.tables.iter().filter(|t| !t.valid) {
            let error = table.error.as_deref().unwrap_or("not readable");
            diagnostics::error(Some(&f.file), error, None);
        }
        match (&f.error, args.json) {
            (Some(error), _) => diagnostics::error(Some(&f.file), error, f.hint.as_deref()),
            (None, false)
                if f.format
                    .map(|f| f.layout())
                    .is_some_and(|l| l.is_directory()) =>
            {
                println!(
                    "valid: {} ({} tables, {} rows)",
                    f.file.display(),
                    f.tables.len(),
                    f.rows.unwrap_or(0)
                )
            }
            (None, false) => println!(
                "valid: {} ({} rows, {} columns)",
                f.file.display(),
                f.rows.unwrap_or(0),
                f.columns.unwrap_or(0)
            ),
            (None, true) => {}
        }
        if !args.json {
            for note in &f.notes {
                diagnostics::warning(&f.file, note);
            }
        }
    }
    if args.json {
        super::print_json(&Report {
            schema_version: 1,
            ok,
            files,
        });
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}
