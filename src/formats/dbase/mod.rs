//! dBase and FoxPro tables (`.dbf`, with `.dbt` / `.fpt` memo files): one
//! table of output per file, `<stem>_parquet/<stem>.parquet` as pyforge-cli
//! 1.0.9 writes it.
//!
//! `header` reads the header of every layout (dBase II, III/IV/FoxPro,
//! Visual FoxPro, dBase 7); `fields` decides each column's type from the
//! header alone, never from the data, so monthly exports of one table get
//! one schema; `code_page` picks the text encoding (the language driver
//! byte, checked against the text, or `--encoding`); `memo` reads the memo
//! file found beside the table; `values` decodes one field of one record;
//! `records` streams the records in chunks (deleted ones, the end marker,
//! a truncated file); `batches` decodes chunks into Arrow batches, several
//! at once for large files; `format` puts it behind the format interface
//! and `describe` is what `info` shows.

mod batches;
mod code_page;
mod describe;
mod fields;
mod format;
mod header;
mod memo;
mod records;
mod values;

use std::path::{Path, PathBuf};

use crate::formats::charset::Charset;
use crate::formats::{FormatEntry, OutputLayout, TableFiles};

pub use format::read_table;

/// What `info` shows of the table at `path`.
pub fn describe_table(
    path: &Path,
    options: &DbaseOptions,
) -> Result<Box<dyn crate::formats::Description>, crate::formats::FormatError> {
    format::describe(path, options, false)
}

/// The registry entry.
pub const FORMAT: FormatEntry = FormatEntry {
    id: "dbf",
    name: "dBase",
    extensions: &["dbf"],
    description: "dBase / FoxPro tables (with .dbt / .fpt memo files)",
    layout: OutputLayout::Directory(TableFiles::TableName),
    text_by_default: false,
    needs_local_copy: false,
    reader: &format::Dbase,
};

/// How to read a table.
#[derive(Debug, Clone, Default)]
pub struct DbaseOptions {
    /// The text encoding (`--encoding`); `None`: the language driver byte,
    /// checked against the text.
    pub encoding: Option<Charset>,
    /// Memo fields become null when the memo file is missing, with a
    /// warning, instead of failing (`--ignore-missing-memo`).
    pub ignore_missing_memo: bool,
    /// Character fields keep their trailing blanks (`--keep-padding`).
    pub keep_padding: bool,
    /// Deleted records are read too, with a `_deleted` column
    /// (`--include-deleted`).
    pub include_deleted: bool,
    /// Threads that decode records of large tables (0: one per CPU).
    pub threads: usize,
}

/// Why a table could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DbaseError {
    #[error("cannot read the file")]
    Io(#[source] std::io::Error),
    #[error("not a dBase table: {reason}")]
    NotDbase { reason: String },
    #[error("the dBase header is damaged: {0}")]
    Header(String),
    #[error("its memo file ({}) is missing; {count} memo field(s) need it", file_name(.expected))]
    MissingMemo { expected: PathBuf, count: usize },
    #[error("cannot read the memo file {}", .path.display())]
    MemoIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The file beside `table` with its stem and `extension`, both compared
/// ignoring case (`people.dbf` finds `PEOPLE.FPT`).
fn sibling(table: &Path, extension: &str) -> Option<PathBuf> {
    let stem = table.file_stem()?.to_str()?;
    let directory = match table.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let is = |part: Option<&std::ffi::OsStr>, text: &str| {
        part.and_then(|p| p.to_str())
            .is_some_and(|p| p.eq_ignore_ascii_case(text))
    };
    std::fs::read_dir(directory)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| is(path.file_stem(), stem) && is(path.extension(), extension))
}

/// A path's last part, for messages that already name the table's folder.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl DbaseError {
    pub fn hint(&self) -> Option<String> {
        match self {
            DbaseError::MissingMemo { .. } => Some(
                "put the memo file beside the table, or pass --ignore-missing-memo to read the memo fields as nulls"
                    .into(),
            ),
            _ => None,
        }
    }
}
