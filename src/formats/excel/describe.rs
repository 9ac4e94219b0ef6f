//! What `info` shows of a workbook: its kind, and each sheet with its kind,
//! visibility, used range, the header chosen, rows, and every column's type
//! (or why the sheet is skipped), as JSON fields and as text.

use std::fmt::Write as _;

use serde::Serialize;

use super::format::{Survey, SurveyedSheet};
use super::workbook::{SheetKind, Visibility, WorkbookKind};
use super::ExcelOptions;
use crate::formats::{json_document, name_width, Description, Header};

/// `info --json` for a workbook, version 1 (after `schema_version`, `file`,
/// `format` and `bytes`).
///
/// ```json
/// { "schema_version": 1, "file": "a.xlsx", "format": "excel", "bytes": 9120,
///   "workbook": "xlsx",
///   "sheets": [ { "name": "Sales", "kind": "worksheet", "visibility": "visible",
///       "used_range": "A1:D120", "header_row": 3, "rows_above_header": 2,
///       "rows": 117, "blank_rows": 0, "skipped": null,
///       "columns": [ { "name": "id", "type": "int64", "errors": 0 } ] } ] }
/// ```
/// `header_row` is 1-based, `null` without a header; `skipped` says why a
/// sheet is not converted. Column types: int64, float64, boolean, date,
/// timestamp, string.
#[derive(Serialize)]
pub struct WorkbookInfo {
    workbook: WorkbookKind,
    sheets: Vec<SheetInfo>,
}

#[derive(Serialize)]
struct SheetInfo {
    name: String,
    kind: SheetKind,
    visibility: Visibility,
    used_range: Option<String>,
    header_row: Option<u32>,
    rows_above_header: u64,
    rows: u64,
    blank_rows: u64,
    skipped: Option<&'static str>,
    columns: Vec<ColumnInfo>,
}

#[derive(Serialize)]
struct ColumnInfo {
    name: String,
    #[serde(rename = "type")]
    column_type: &'static str,
    errors: u64,
}

impl WorkbookInfo {
    pub fn new(
        kind: WorkbookKind,
        survey: &Survey,
        options: &ExcelOptions,
        all_strings: bool,
    ) -> WorkbookInfo {
        WorkbookInfo {
            workbook: kind,
            sheets: survey
                .sheets
                .iter()
                .map(|s| sheet_info(s, options, all_strings))
                .collect(),
        }
    }
}

fn sheet_info(sheet: &SurveyedSheet, options: &ExcelOptions, all_strings: bool) -> SheetInfo {
    let plan = sheet.plan();
    let skipped = sheet.skip_reason();
    let columns = match (plan, skipped) {
        (Some(plan), None) => plan
            .columns
            .iter()
            .zip(plan.types(options, all_strings))
            .map(|(c, t)| ColumnInfo {
                name: c.name.clone(),
                column_type: t.name(),
                errors: c.stats.errors,
            })
            .collect(),
        _ => Vec::new(),
    };
    SheetInfo {
        name: sheet.entry.name.clone(),
        kind: sheet.entry.kind,
        visibility: sheet.entry.visibility,
        used_range: plan.and_then(|p| p.used).map(|d| {
            format!(
                "{}:{}",
                cell_name(d.start.0, d.start.1),
                cell_name(d.end.0, d.end.1)
            )
        }),
        header_row: plan.and_then(|p| p.header_row).map(|r| r + 1),
        rows_above_header: plan.map_or(0, |p| p.rows_above),
        rows: plan.map_or(0, |p| p.rows),
        blank_rows: plan.map_or(0, |p| p.blank_rows),
        skipped,
        columns,
    }
}

/// `A1` notation of a 0-based row and column.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8(letters).expect("ASCII letters"),
        row + 1
    )
}

impl Description for WorkbookInfo {
    fn json(&self, header: &Header) -> String {
        json_document(header, self)
    }

    fn text(&self, header: &Header) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "file:       {}", header.file);
        let _ = writeln!(out, "format:     Excel (.{})", self.workbook.name());
        let _ = writeln!(out, "size:       {} bytes", header.bytes);
        let _ = writeln!(out, "sheets:     {}", self.sheets.len());
        for sheet in &self.sheets {
            let mut flags = Vec::new();
            if sheet.kind != SheetKind::Worksheet {
                flags.push(format!("{:?}", sheet.kind).to_lowercase());
            }
            match sheet.visibility {
                Visibility::Visible => {}
                Visibility::Hidden => flags.push("hidden".into()),
                Visibility::VeryHidden => flags.push("very hidden".into()),
            }
            if let Some(range) = &sheet.used_range {
                flags.push(range.clone());
            }
            let _ = writeln!(out);
            if flags.is_empty() {
                let _ = writeln!(out, "sheet '{}'", sheet.name);
            } else {
                let _ = writeln!(out, "sheet '{}' ({})", sheet.name, flags.join(", "));
            }
            if let Some(reason) = sheet.skipped {
                let _ = writeln!(out, "  skipped: {reason}");
                continue;
            }
            match sheet.header_row {
                Some(row) if sheet.rows_above_header > 0 => {
                    let _ = writeln!(
                        out,
                        "  header:  row {row} ({} row(s) above it not converted)",
                        sheet.rows_above_header
                    );
                }
                Some(row) => {
                    let _ = writeln!(out, "  header:  row {row}");
                }
                None => {
                    let _ = writeln!(out, "  header:  none (--no-header)");
                }
            }
            let _ = writeln!(out, "  rows:    {}", sheet.rows);
            if sheet.blank_rows > 0 {
                let _ = writeln!(out, "  empty rows left out: {}", sheet.blank_rows);
            }
            let width = name_width(sheet.columns.iter().map(|c| c.name.as_str()));
            let _ = writeln!(
                out,
                "  {:>4}  {:<width$}  {:<10} errors",
                "#", "name", "type"
            );
            for (i, c) in sheet.columns.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "  {:>4}  {:<width$}  {:<10} {}",
                    i + 1,
                    c.name,
                    c.column_type,
                    c.errors
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::cell_name;

    #[test]
    fn a1_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
    }
}
