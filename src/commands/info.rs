//! `pyforge info`: what a file holds, as text or a versioned JSON document.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use super::{csv_options, EXIT_FAILED};
use crate::cli::{InfoArgs, InfoFormat};
use crate::convert::staging::Staged;
use crate::diagnostics;
use crate::formats::csv::{CsvError, CsvTable, EncodingSource};
use crate::formats::Format;
use crate::progress::NoProgress;

/// `info --json`, version 1.
///
/// ```json
/// { "schema_version": 1, "file": "a.csv", "format": "csv", "bytes": 120,
///   "encoding": "UTF-8", "encoding_source": "detected", "delimiter": ",",
///   "has_header": true, "skipped_lines": 0, "rows": 3,
///   "short_rows": 0, "long_rows": 0,
///   "columns": [ { "name": "id", "type": "int64", "nulls": 0 } ] }
/// ```
/// `type` is one of boolean, int64, float64, date, timestamp, timestamp_utc,
/// string; date and timestamp columns add `date_order` (ymd, mdy, dmy).
#[derive(Serialize)]
pub struct CsvInfo {
    schema_version: u32,
    file: String,
    format: Format,
    bytes: u64,
    encoding: &'static str,
    encoding_source: EncodingSource,
    /// The whole file's UTF-8 evidence, when the first bytes did not decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding_evidence: Option<crate::formats::csv::Utf8Evidence>,
    /// Invalid UTF-8 sequences read as U+FFFD (`--encoding-errors replace`).
    #[serde(skip_serializing_if = "is_zero")]
    replaced_sequences: u64,
    delimiter: String,
    has_header: bool,
    skipped_lines: u64,
    rows: u64,
    short_rows: u64,
    long_rows: u64,
    columns: Vec<ColumnInfo>,
}

#[derive(Serialize)]
struct ColumnInfo {
    name: String,
    #[serde(rename = "type")]
    column_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_order: Option<crate::formats::csv::DateOrder>,
    nulls: u64,
}

impl CsvInfo {
    fn new(path: &Path, table: &CsvTable) -> CsvInfo {
        CsvInfo {
            schema_version: 1,
            file: path.display().to_string(),
            format: Format::Csv,
            bytes: table.bytes,
            encoding: table.encoding.name(),
            encoding_source: table.encoding.source,
            encoding_evidence: table.encoding_evidence,
            replaced_sequences: table.replaced_sequences,
            delimiter: delimiter_name(table.dialect.delimiter),
            has_header: table.has_header,
            skipped_lines: table.dialect.skip_lines,
            rows: table.rows,
            short_rows: table.short_rows,
            long_rows: table.long_rows,
            columns: table
                .columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.name.clone(),
                    column_type: c.column_type.name(),
                    date_order: c.column_type.date_order(),
                    nulls: c.nulls,
                })
                .collect(),
        }
    }

    fn print_text(&self) {
        println!("file:       {}", self.file);
        println!("format:     CSV");
        println!("size:       {} bytes", self.bytes);
        println!(
            "encoding:   {} ({})",
            self.encoding,
            match self.encoding_source {
                EncodingSource::Forced => "from --encoding",
                EncodingSource::Bom => "byte-order mark",
                EncodingSource::Detected => "detected",
            }
        );
        if let Some(evidence) = &self.encoding_evidence {
            println!("evidence:   {}", evidence.describe());
        }
        if self.replaced_sequences > 0 {
            println!(
                "replaced:   {} invalid byte sequence(s) read as U+FFFD",
                self.replaced_sequences
            );
        }
        println!("delimiter:  {}", self.delimiter);
        println!("header:     {}", if self.has_header { "yes" } else { "no" });
        if self.skipped_lines > 0 {
            println!(
                "skipped:    {} line(s) before the header",
                self.skipped_lines
            );
        }
        println!("rows:       {}", self.rows);
        if self.short_rows > 0 {
            println!("short rows: {} (padded with nulls)", self.short_rows);
        }
        if self.long_rows > 0 {
            println!(
                "long rows:  {} (extra cells in extra columns)",
                self.long_rows
            );
        }
        println!("columns:    {}", self.columns.len());
        let width = name_width(self.columns.iter().map(|c| c.name.as_str()));
        println!("  {:>4}  {:<width$}  {:<16} nulls", "#", "name", "type");
        for (i, c) in self.columns.iter().enumerate() {
            let kind = match c.date_order {
                Some(order) => format!(
                    "{} ({})",
                    c.column_type,
                    serde_json::to_value(order).unwrap().as_str().unwrap_or("")
                ),
                None => c.column_type.to_string(),
            };
            println!(
                "  {:>4}  {:<width$}  {:<16} {}",
                i + 1,
                c.name,
                kind,
                c.nulls
            );
        }
    }
}

/// The width of a column-name column in a text table.
fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40)
}

/// The delimiter as a person reads it.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        other => (other as char).to_string(),
    }
}

pub fn run(args: &InfoArgs) -> ExitCode {
    let options = match csv_options(&args.csv, false) {
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
    match Format::of_named_file(path) {
        Some(Format::Csv) => {}
        Some(Format::Access) => return access_info(args, path),
        Some(other) => {
            return super::not_supported_yet(&format!("info for {} files", other.name()))
        }
        None => {
            diagnostics::error(
                Some(path),
                "unknown file type",
                Some("run `pyforge formats` for the extensions pyforge reads"),
            );
            return ExitCode::from(EXIT_FAILED);
        }
    }
    match CsvTable::open(path, &options, Arc::new(NoProgress)) {
        Ok(table) => {
            let info = CsvInfo::new(path, &table);
            if args.json || args.format == InfoFormat::Json {
                super::print_json(&info);
            } else {
                info.print_text();
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_csv_error(path, &e);
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The error line (and hint) for a CSV failure.
pub fn report_csv_error(path: &Path, error: &CsvError) {
    diagnostics::error(Some(path), &error.to_string(), error.hint());
}

/// `info --json` for an Access database, version 1.
///
/// ```json
/// { "schema_version": 1, "file": "nwind.mdb", "format": "access", "bytes": 3002368,
///   "file_format": "V2000", "password_protected": false,
///   "tables": [ { "name": "Orders", "kind": "table", "rows": 830,
///                 "columns": [ { "name": "OrderID", "access_type": "LONG",
///                                "parquet_type": "Int32" } ] } ] }
/// ```
/// `rows` is the count the file states; null for a link to a missing database.
#[derive(Serialize)]
struct AccessInfo {
    schema_version: u32,
    file: String,
    format: Format,
    bytes: u64,
    #[serde(flatten)]
    database: crate::formats::access::DatabaseInfo,
}

fn access_info(args: &InfoArgs, path: &Path) -> ExitCode {
    let settings = match super::jvm_settings(&args.jvm) {
        Ok(settings) => settings,
        Err(usage) => return usage.exit(),
    };
    let described = Staged::for_reading(path, Format::Access, &settings.temp_dir)
        .map_err(|e| (e.to_string(), None))
        .and_then(|staged| {
            crate::formats::access::describe(&staged.job.input, &settings, &args.access.selection())
                .map_err(|e| (e.to_string(), e.hint()))
        });
    let database = match described {
        Ok(database) => database,
        Err((error, hint)) => {
            diagnostics::error(Some(path), &error, hint.as_deref());
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let info = AccessInfo {
        schema_version: 1,
        file: path.display().to_string(),
        format: Format::Access,
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        database,
    };
    if args.json || args.format == InfoFormat::Json {
        super::print_json(&info);
        return ExitCode::SUCCESS;
    }
    let db = &info.database;
    println!("file:       {}", info.file);
    println!(
        "format:     Access ({}){}",
        db.file_format.as_deref().unwrap_or("unknown version"),
        if db.password_protected {
            ", password protected"
        } else {
            ""
        }
    );
    println!("size:       {} bytes", info.bytes);
    println!("tables:     {}", db.tables.len());
    for table in &db.tables {
        match table.rows {
            Some(rows) => println!(
                "\n  {} ({rows} rows, {} columns)",
                table.name,
                table.columns.len()
            ),
            None => println!("\n  {} (linked; its database is missing)", table.name),
        }
        let width = name_width(table.columns.iter().map(|c| c.name.as_str()));
        for column in &table.columns {
            println!(
                "    {:<width$}  {:<16} {}{}",
                column.name,
                column.access_type,
                column.parquet_type,
                if column.calculated {
                    "  (calculated)"
                } else {
                    ""
                }
            );
        }
    }
    ExitCode::SUCCESS
}
