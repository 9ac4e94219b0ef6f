//! `pyforge validate`: read every input completely, exactly as `convert`
//! would, without writing anything. Exit 0 only if every input reads (for
//! Access: every table, each to the row count its file states).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use super::{csv_options, EXIT_FAILED};
use crate::cli::ValidateArgs;
use crate::convert::staging::Staged;
use crate::diagnostics;
use crate::formats::access::{self, TableCheck};
use crate::formats::csv::{CsvError, CsvTable};
use crate::formats::Format;
use crate::progress::NoProgress;

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
    /// Access: each table's result.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tables: Vec<TableCheck>,
    /// Access: tables skipped, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

pub fn run(args: &ValidateArgs) -> ExitCode {
    let options = match csv_options(&args.csv, false) {
        Ok(options) => options,
        Err(usage) => return usage.exit(),
    };
    let jvm = match super::jvm_settings(&args.jvm) {
        Ok(jvm) => jvm,
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
            Some(Format::Csv) => match read_csv(path, &options) {
                Ok((rows, columns)) => {
                    report.valid = true;
                    report.rows = Some(rows);
                    report.columns = Some(columns);
                }
                Err(e) => {
                    report.error = Some(e.to_string());
                    report.hint = e.hint().map(str::to_string);
                }
            },
            Some(Format::Access) => check_access(path, &jvm, args, &mut report),
            Some(other) => {
                report.error = Some(format!(
                    "not supported yet: validating {} files",
                    other.name()
                ));
            }
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
            (None, false) if f.format == Some(Format::Access) => println!(
                "valid: {} ({} tables, {} rows)",
                f.file.display(),
                f.tables.len(),
                f.rows.unwrap_or(0)
            ),
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

/// Every table read by the Java helper, batches built and dropped.
fn check_access(
    path: &std::path::Path,
    jvm: &crate::jvm::setup::JvmSettings,
    args: &ValidateArgs,
    report: &mut FileReport,
) {
    let checked = Staged::for_reading(path, Format::Access, &jvm.temp_dir)
        .map_err(|e| (e.to_string(), None))
        .and_then(|staged| {
            access::validate(&staged.job.input, jvm, &args.access.selection())
                .map_err(|e| (e.to_string(), e.hint()))
        });
    match checked {
        Ok(check) => {
            let failed = check.tables.iter().filter(|t| !t.valid).count();
            report.valid = failed == 0;
            report.rows = Some(check.tables.iter().map(|t| t.rows).sum());
            if failed > 0 {
                report.error = Some(format!(
                    "{failed} of {} tables did not read completely",
                    check.tables.len()
                ));
            }
            report.tables = check.tables;
            report.notes = check.notes;
        }
        Err((error, hint)) => {
            report.error = Some(error);
            report.hint = hint;
        }
    }
}

/// Both passes, batches built and dropped.
fn read_csv(
    path: &std::path::Path,
    options: &crate::formats::csv::CsvOptions,
) -> Result<(u64, usize), CsvError> {
    let table = CsvTable::open(path, options, Arc::new(NoProgress))?;
    for batch in table.batches(Arc::new(NoProgress))? {
        batch?;
    }
    Ok((table.rows, table.columns.len()))
}
