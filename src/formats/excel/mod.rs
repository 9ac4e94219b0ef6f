//! Excel and OpenDocument workbooks (`.xlsx` `.xlsm` `.xlsb` `.xls` `.ods`):
//! one table of output per sheet, or per group of sheets with the same
//! columns under `--combine`.
//!
//! `workbook` opens a file by what its bytes are (not its extension) through
//! calamine, every call guarded against panics, and walks a sheet's rows:
//! streamed cell by cell for `.xlsx`/`.xlsb`, from calamine's whole-sheet
//! range for `.xls`/`.ods`. `value` turns cells into typed values and text as
//! Excel's General format shows them; `merged` copies merged areas' values
//! (`--fill-merged`). `plan` is the first pass over a sheet: the header row
//! (`header`: the title-block rule, `--header-row`, `--no-header`) and every
//! column's type from all its values (`columns`). `batches` is the second
//! pass, pushing bounded Arrow batches. `format` selects sheets, groups those
//! that share columns and puts it all behind the format interface;
//! `describe` is what `info` shows.

mod batches;
mod cfb_check;
mod columns;
mod describe;
mod format;
mod header;
mod merged;
mod plan;
mod value;
mod workbook;

use crate::formats::{FormatEntry, OutputLayout, TableFiles};

pub use format::read_all;

/// The registry entry.
pub const FORMAT: FormatEntry = FormatEntry {
    id: "excel",
    name: "Excel",
    extensions: &["xlsx", "xlsm", "xlsb", "xls", "ods"],
    description: "Excel and OpenDocument workbooks, one Parquet file per sheet",
    layout: OutputLayout::Directory(TableFiles::StemAndTable),
    text_by_default: false,
    needs_local_copy: false,
    reader: &format::Excel,
};

/// How to read a workbook.
#[derive(Debug, Clone, Default)]
pub struct ExcelOptions {
    /// Only these sheets (`--sheets`); empty: every sheet.
    pub sheets: Vec<String>,
    /// Leave hidden and very hidden sheets out (`--skip-hidden`).
    pub skip_hidden: bool,
    /// Write each group of sheets with the same columns as one table with a
    /// `sheet` column (`--combine`).
    pub combine: bool,
    pub header: HeaderChoice,
    /// Error cells keep their text (`#DIV/0!`) in a string column instead of
    /// being null (`--keep-errors`).
    pub keep_errors: bool,
    /// Every cell of a merged area gets the area's value (`--fill-merged`).
    pub fill_merged: bool,
}

/// Where a sheet's column names come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HeaderChoice {
    /// The first non-empty row, below a title block when there is one.
    #[default]
    Detect,
    /// This row, 1-based (`--header-row N`).
    Row(u32),
    /// No header: every row is data, columns are `column_<n>` (`--no-header`).
    None,
}

/// Why a workbook could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ExcelError {
    #[error("cannot open the file")]
    Io(#[source] std::io::Error),
    #[error(
        "the workbook is encrypted (password-protected); pyforge cannot read encrypted workbooks"
    )]
    Encrypted,
    #[error("{0}")]
    Unsupported(String),
    #[error("not a readable {kind} workbook (damaged or truncated?)")]
    Damaged {
        kind: &'static str,
        #[source]
        source: calamine::Error,
    },
    #[error("not a readable xls workbook: its OLE container is damaged ({0})")]
    BrokenContainer(String),
    #[error("sheet '{sheet}' cannot be read")]
    Sheet {
        sheet: String,
        #[source]
        source: calamine::Error,
    },
    #[error("the workbook reader failed on this file (it panicked: {0})")]
    Panicked(String),
    #[error("no sheet named {}; the sheets are: {}", quoted(.unknown), quoted(.available))]
    UnknownSheets {
        unknown: Vec<String>,
        available: Vec<String>,
    },
    #[error("no sheet holds data ({0})")]
    NothingToConvert(String),
    #[error("a --header-row of {row} is below the last row of sheet '{sheet}' ({last})")]
    HeaderBelowData { sheet: String, row: u32, last: u32 },
}

impl ExcelError {
    /// A sheet read whole that still gave a cell out of order (calamine's
    /// ranges are in order, so this would be a bug).
    pub fn out_of_order(sheet: &str) -> ExcelError {
        ExcelError::Unsupported(format!("sheet '{sheet}' stores its cells out of order"))
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ExcelError::Encrypted => Some(
                "open it in Excel and save a copy without a password, then convert that".into(),
            ),
            ExcelError::Unsupported(_) => {
                Some("open it in Excel or LibreOffice and save it as .xlsx".into())
            }
            ExcelError::UnknownSheets { .. } => Some("pyforge info FILE lists the sheets".into()),
            _ => None,
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
