//! One table into one Parquet file: the sink on a thread of its own (so a
//! reader that must be drained steadily, like the Java helper's pipe, is),
//! the provenance keys in the footer, and the `--allow-partial` decision
//! when the table ends short of what its file states.

use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use super::OutputError;
use crate::files::TempPath;
use crate::sink::{BackgroundSink, ParquetSink, SinkError, SinkOptions, SinkSummary};

/// Footer key holding the input's file name.
pub const SOURCE_KEY: &str = "pyforge.source";
/// Footer key holding the input's format (`csv`, `access`...).
pub const SOURCE_FORMAT_KEY: &str = "pyforge.source_format";
/// Footer key holding the table's (or sheet's) name as the input has it.
pub const SOURCE_TABLE_KEY: &str = "pyforge.source_table";

/// A table being written.
pub struct TableFile {
    table: String,
    stated_rows: Option<u64>,
    columns: usize,
    /// `None` once the writer stopped; `error` has why.
    writer: Option<BackgroundSink>,
    error: Option<SinkError>,
}

/// A finished table, under its temporary name.
pub struct FinishedTable {
    pub summary: SinkSummary,
    pub columns: usize,
    pub temp: TempPath,
    /// Why the table is short of what its file states, kept by
    /// `--allow-partial`.
    pub note: Option<String>,
}

impl TableFile {
    /// Starts writing `table` to `target` (under a temporary name), with
    /// `footer` (the provenance keys) next to the sink's own keys.
    pub fn start(
        target: &Path,
        table: &str,
        schema: &SchemaRef,
        stated_rows: Option<u64>,
        footer: Vec<(String, String)>,
        options: &SinkOptions,
    ) -> Result<TableFile, SinkError> {
        let sink = ParquetSink::create(target, schema, footer, options)?;
        Ok(TableFile {
            table: table.to_string(),
            stated_rows,
            columns: schema.fields().len(),
            writer: Some(BackgroundSink::start(sink)),
            error: None,
        })
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Queues `batch`. `false` when the writer stopped on an error, which
    /// [`take_error`](Self::take_error) then has.
    pub fn write(&mut self, batch: RecordBatch) -> bool {
        let Some(writer) = &self.writer else {
            return false;
        };
        if writer.write(batch) {
            return true;
        }
        if let Some(Err(e)) = self.writer.take().map(BackgroundSink::finish) {
            self.error = Some(e);
        }
        false
    }

    /// The error that stopped the writer.
    pub fn take_error(&mut self) -> Option<SinkError> {
        self.error.take()
    }

    /// Finishes the file once `rows` were read, `damage` saying why the read
    /// stopped early if it did. A table short of its stated rows is an
    /// error, unless `allow_partial` keeps it with a note.
    pub fn finish(
        mut self,
        rows: u64,
        damage: Option<String>,
        allow_partial: bool,
    ) -> Result<FinishedTable, OutputError> {
        let shortfall = shortfall(&self.table, rows, self.stated_rows, damage);
        let note = match shortfall {
            None => None,
            Some(shortfall) if allow_partial => Some(format!(
                "{shortfall}; kept the {rows} rows read (--allow-partial)"
            )),
            Some(shortfall) => return Err(shortfall),
        };
        let sink_error = |source| OutputError::Sink {
            table: self.table.clone(),
            source,
        };
        let writer = match self.writer.take() {
            Some(writer) => writer,
            None => {
                return Err(sink_error(
                    self.error.take().expect("a stopped writer's error"),
                ))
            }
        };
        let (summary, temp) = writer
            .finish()
            .and_then(ParquetSink::finish)
            .map_err(sink_error)?;
        Ok(FinishedTable {
            summary,
            columns: self.columns,
            temp,
            note,
        })
    }
}

/// Why a table that ended after `rows` is incomplete, or `None`.
pub fn shortfall(
    table: &str,
    rows: u64,
    stated_rows: Option<u64>,
    damage: Option<String>,
) -> Option<OutputError> {
    let table = table.to_string();
    match (damage, stated_rows) {
        (Some(message), row_count) => Some(OutputError::Damaged {
            table,
            rows,
            row_count,
            message,
        }),
        (None, Some(row_count)) if row_count != rows => Some(OutputError::RowCount {
            table,
            rows,
            row_count,
        }),
        _ => None,
    }
}
