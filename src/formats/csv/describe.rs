//! What `info` shows of a delimited file: encoding and why, dialect, counts,
//! and every column's inferred type, as JSON fields and as text.

use std::fmt::Write as _;

use serde::Serialize;

use super::{CsvTable, DateOrder, EncodingSource, Utf8Evidence};
use crate::formats::{json_document, name_width, Description, Header};

/// `info --json` for a delimited file, version 1 (after `schema_version`,
/// `file`, `format` and `bytes`).
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
    encoding: &'static str,
    encoding_source: EncodingSource,
    /// The whole file's UTF-8 evidence, when the first bytes did not decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding_evidence: Option<Utf8Evidence>,
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
    date_order: Option<DateOrder>,
    nulls: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl CsvInfo {
    pub fn new(table: &CsvTable) -> CsvInfo {
        CsvInfo {
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
}

impl Description for CsvInfo {
    fn json(&self, header: &Header) -> String {
        json_document(header, self)
    }

    fn text(&self, header: &Header) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "file:       {}", header.file);
        let _ = writeln!(out, "format:     CSV");
        let _ = writeln!(out, "size:       {} bytes", header.bytes);
        let _ = writeln!(
            out,
            "encoding:   {} ({})",
            self.encoding,
            match self.encoding_source {
                EncodingSource::Forced => "from --encoding",
                EncodingSource::Bom => "byte-order mark",
                EncodingSource::Detected => "detected",
            }
        );
        if let Some(evidence) = &self.encoding_evidence {
            let _ = writeln!(out, "evidence:   {}", evidence.describe());
        }
        if self.replaced_sequences > 0 {
            let _ = writeln!(
                out,
                "replaced:   {} invalid byte sequence(s) read as U+FFFD",
                self.replaced_sequences
            );
        }
        let _ = writeln!(out, "delimiter:  {}", self.delimiter);
        let _ = writeln!(
            out,
            "header:     {}",
            if self.has_header { "yes" } else { "no" }
        );
        if self.skipped_lines > 0 {
            let _ = writeln!(
                out,
                "skipped:    {} line(s) before the header",
                self.skipped_lines
            );
        }
        let _ = writeln!(out, "rows:       {}", self.rows);
        if self.short_rows > 0 {
            let _ = writeln!(out, "short rows: {} (padded with nulls)", self.short_rows);
        }
        if self.long_rows > 0 {
            let _ = writeln!(
                out,
                "long rows:  {} (extra cells in extra columns)",
                self.long_rows
            );
        }
        let _ = writeln!(out, "columns:    {}", self.columns.len());
        let width = name_width(self.columns.iter().map(|c| c.name.as_str()));
        let _ = writeln!(
            out,
            "  {:>4}  {:<width$}  {:<16} nulls",
            "#", "name", "type"
        );
        for (i, c) in self.columns.iter().enumerate() {
            let kind = match c.date_order {
                Some(order) => format!("{} ({})", c.column_type, order.name()),
                None => c.column_type.to_string(),
            };
            let _ = writeln!(
                out,
                "  {:>4}  {:<width$}  {:<16} {}",
                i + 1,
                c.name,
                kind,
                c.nulls
            );
        }
        out
    }
}

/// The delimiter as a person reads it.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        other => (other as char).to_string(),
    }
}
