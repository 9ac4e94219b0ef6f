//! CSV behind the format interface: `describe` (pass 1 only) for `info`, and
//! `read` (both passes) pushing one table's batches into the sink, with
//! notes on what the reader had to mend.

use std::path::Path;
use std::sync::Arc;

use super::describe::CsvInfo;
use super::{CsvError, CsvTable};
use crate::formats::{
    Description, FormatError, InputFormat, ReadError, ReadOptions, ReadSummary, TableName,
    TableSink,
};
use crate::progress::{NoProgress, ProgressRef};

/// The CSV reader.
pub struct Csv;

impl InputFormat for Csv {
    fn describe(
        &self,
        input: &Path,
        options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError> {
        let table = CsvTable::open(input, &options.csv, Arc::new(NoProgress)).map_err(failure)?;
        Ok(Box::new(CsvInfo::new(&table)))
    }

    fn read(
        &self,
        input: &Path,
        options: &ReadOptions,
        tables: &mut dyn TableSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        let table = CsvTable::open(input, &options.csv, progress.clone()).map_err(failure)?;
        let slot = tables.begin(TableName::whole(&table_name(input)), &table.schema(), None)?;
        let mut rows = 0;
        table.for_each_batch(progress.clone(), |batch| {
            rows += batch.num_rows() as u64;
            tables.write(slot, batch).map_err(ReadError::from)
        })?;
        tables.end(slot, rows, None)?;
        Ok(ReadSummary {
            notes: notes(&table),
            retries: 0,
        })
    }
}

/// A delimited file holds one table, named after the file.
fn table_name(input: &Path) -> String {
    input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn failure(error: CsvError) -> FormatError {
    FormatError::new(&error, error.hint().map(str::to_string))
}

impl From<CsvError> for ReadError {
    fn from(error: CsvError) -> ReadError {
        ReadError::Failed(failure(error))
    }
}

/// What the reader mended or chose that the user should know.
fn notes(table: &CsvTable) -> Vec<String> {
    let mut notes = Vec::new();
    if table.short_rows > 0 {
        notes.push(format!(
            "{} row(s) had fewer fields than the header and were padded with nulls",
            table.short_rows
        ));
    }
    if table.long_rows > 0 {
        notes.push(format!(
            "{} row(s) had more fields than the header; the extra cells are in columns named column_<n>",
            table.long_rows
        ));
    }
    if table.replaced_sequences > 0 {
        notes.push(format!(
            "{} invalid UTF-8 byte sequence(s) read as U+FFFD (--encoding-errors replace)",
            table.replaced_sequences
        ));
    } else if let Some(evidence) = table.encoding_evidence {
        notes.push(format!(
            "read as {}: the file is not UTF-8 ({})",
            table.encoding.name(),
            evidence.describe()
        ));
    }
    if table.dialect.skip_lines > 0 {
        notes.push(format!(
            "skipped {} line(s) before the header",
            table.dialect.skip_lines
        ));
    }
    notes
}
