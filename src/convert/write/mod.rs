//! The convert layer's writers: what a format reads becomes Parquet here,
//! for every format alike.
//!
//! [`OutputWriter`] is the [`TableSink`] a format pushes into during
//! `convert`. Each table goes into one Parquet file (`table`), placed by the
//! output's layout: the single-file writer (`file`: the output is that one
//! file) or the table-directory writer (`directory`: a hidden temporary
//! directory beside the target, one safe unique file name per table from
//! `names`). Every footer names its source (file, format and, in a
//! directory, table). A table short of what its file states fails the input
//! unless `--allow-partial` keeps it; a table the format could not read is
//! skipped under `--allow-partial` when its data is damaged. The finished
//! output is handed back uncommitted, under its temporary name, for
//! `convert::commit`. A format's text form (PDF) goes through `text`
//! instead, into one file the same way.

mod directory;
mod file;
mod names;
mod table;
mod text;

use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use serde::Serialize;

use crate::files::{CommitError, TempPath};
use crate::formats::{Format, FormatError, OutputLayout, Stop, TableName, TableSink, TableSlot};
use crate::sink::{SinkError, SinkOptions};
use table::TableFile;

pub use table::{shortfall, SOURCE_FORMAT_KEY, SOURCE_KEY, SOURCE_TABLE_KEY};
pub use text::TextWriter;

/// One table written into a directory output.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    /// The table's name in the input.
    pub table: String,
    /// The Parquet file written for it (inside the output directory).
    pub file: String,
    pub rows: u64,
    pub columns: usize,
    pub bytes: u64,
}

/// A complete output, not yet in place.
pub struct Written {
    /// The file or directory under its temporary name.
    pub pending: TempPath,
    pub rows: u64,
    pub columns: usize,
    pub bytes: u64,
    /// Each table's file (directory outputs; empty for a single file).
    pub tables: Vec<TableReport>,
    /// What `--allow-partial` kept or skipped.
    pub notes: Vec<String>,
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}{source}", table_prefix(.table))]
    Sink { table: String, source: SinkError },
    #[error("cannot create a temporary directory beside {}: {source}", .target.display())]
    TempDir {
        target: PathBuf,
        source: std::io::Error,
    },
    #[error("table `{table}`: {message}, {}", after_rows(*.rows, *.row_count))]
    Damaged {
        table: String,
        rows: u64,
        row_count: Option<u64>,
        message: String,
    },
    #[error("table `{table}`: read {rows} rows but the file states {row_count} (a damaged table or a stale row count)")]
    RowCount {
        table: String,
        rows: u64,
        row_count: u64,
    },
    #[error("{0}")]
    Layout(&'static str),
    #[error("cannot write the text output beside {}: {source}", .target.display())]
    Text {
        target: PathBuf,
        source: std::io::Error,
    },
}

fn table_prefix(table: &str) -> String {
    if table.is_empty() {
        String::new()
    } else {
        format!("table `{table}`: ")
    }
}

fn after_rows(rows: u64, row_count: Option<u64>) -> String {
    match row_count {
        Some(count) => format!("after {rows} of the {count} rows the file states"),
        None => format!("after {rows} rows"),
    }
}

impl OutputError {
    pub fn hint(&self) -> Option<String> {
        match self {
            OutputError::Damaged { .. } | OutputError::RowCount { .. } => Some(
                "--allow-partial keeps the rows that could be read; `pyforge validate` checks every table"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// Where finished tables go: one file, or a directory of them.
trait Destination {
    /// Where `table`'s file is written.
    fn place(&mut self, table: TableName) -> Result<PathBuf, OutputError>;
    /// Whether footers name the table (they do in a directory of tables).
    fn names_tables(&self) -> bool;
    /// Keeps a finished table, written where [`place`](Self::place) put
    /// it; returns its file name.
    fn keep(&mut self, temp: TempPath, placed: &Path) -> Result<String, CommitError>;
    /// Forgets every table kept.
    fn restart(&mut self);
    /// The whole output under its temporary name.
    fn finish(self: Box<Self>) -> Result<TempPath, OutputError>;
}

/// What the writers are told.
#[derive(Debug, Clone)]
pub struct WriteSettings {
    pub sink: SinkOptions,
    /// Keep tables short of their stated rows, skip damaged ones.
    pub allow_partial: bool,
}

/// The table sink of one `convert` job.
pub struct OutputWriter {
    destination: Box<dyn Destination>,
    /// Footer keys of every file: the source file and format.
    provenance: Vec<(String, String)>,
    settings: WriteSettings,
    /// The tables begun, by slot: each one's file while it is open.
    open: Vec<Option<OpenTable>>,
    /// Finished tables' reports with their slots (sorted by slot at the end).
    tables: Vec<(TableSlot, TableReport)>,
    rows: u64,
    columns: usize,
    bytes: u64,
    notes: Vec<String>,
    error: Option<OutputError>,
}

impl OutputWriter {
    /// A writer for `output`, read from `input` of `format`, laid out as
    /// the format's outputs are.
    pub fn new(
        input: &Path,
        format: Format,
        output: &Path,
        settings: &WriteSettings,
    ) -> Result<OutputWriter, OutputError> {
        let destination: Box<dyn Destination> = match format.layout() {
            OutputLayout::File => Box::new(file::FileDestination::new(output)),
            OutputLayout::Directory(files) => Box::new(directory::DirectoryDestination::new(
                output,
                files,
                &format.stem(input),
            )?),
        };
        let source = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(OutputWriter {
            destination,
            provenance: vec![
                (SOURCE_KEY.to_string(), source),
                (SOURCE_FORMAT_KEY.to_string(), format.id().to_string()),
            ],
            settings: settings.clone(),
            open: Vec::new(),
            tables: Vec::new(),
            rows: 0,
            columns: 0,
            bytes: 0,
            notes: Vec::new(),
            error: None,
        })
    }

    /// Why the writer answered [`Stop`].
    pub fn take_error(&mut self) -> Option<OutputError> {
        self.error.take()
    }

    /// The complete output, once the format read everything.
    pub fn finish(mut self) -> Result<Written, OutputError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if self.open.iter().any(Option::is_some) {
            return Err(OutputError::Layout("a table was begun and never ended"));
        }
        self.tables.sort_by_key(|(slot, _)| *slot);
        Ok(Written {
            pending: self.destination.finish()?,
            rows: self.rows,
            columns: self.columns,
            bytes: self.bytes,
            tables: self.tables.into_iter().map(|(_, report)| report).collect(),
            notes: self.notes,
        })
    }

    fn stop<T>(&mut self, error: OutputError) -> Result<T, Stop> {
        self.open.clear();
        self.error = Some(error);
        Err(Stop)
    }

    fn sink_error(&self, table: &str, source: SinkError) -> OutputError {
        OutputError::Sink {
            table: self.label(table),
            source,
        }
    }

    /// How errors name a table: by name in a directory, not at all in a file.
    fn label(&self, table: &str) -> String {
        if self.destination.names_tables() {
            table.to_string()
        } else {
            String::new()
        }
    }
}

/// A table begun and not yet ended: its file, and where it will be kept.
struct OpenTable {
    file: TableFile,
    placed: PathBuf,
}

impl TableSink for OutputWriter {
    fn restart(&mut self) {
        self.open.clear();
        self.destination.restart();
        self.tables.clear();
        self.notes.clear();
        (self.rows, self.columns, self.bytes) = (0, 0, 0);
    }

    fn begin(
        &mut self,
        name: TableName,
        schema: &SchemaRef,
        stated_rows: Option<u64>,
    ) -> Result<TableSlot, Stop> {
        let table = name.name;
        let placed = match self.destination.place(name) {
            Ok(placed) => placed,
            Err(e) => return self.stop(e),
        };
        let mut footer = self.provenance.clone();
        if self.destination.names_tables() {
            footer.push((SOURCE_TABLE_KEY.to_string(), table.to_string()));
        }
        match TableFile::start(
            &placed,
            table,
            schema,
            stated_rows,
            footer,
            &self.settings.sink,
        ) {
            Ok(file) => {
                self.open.push(Some(OpenTable { file, placed }));
                Ok(TableSlot::new(self.open.len() - 1))
            }
            Err(e) => {
                let error = self.sink_error(table, e);
                self.stop(error)
            }
        }
    }

    fn write(&mut self, slot: TableSlot, batch: RecordBatch) -> Result<(), Stop> {
        let Some(Some(open)) = self.open.get_mut(slot.index()) else {
            return self.stop(OutputError::Layout("a batch came for a table not open"));
        };
        if open.file.write(batch) {
            return Ok(());
        }
        let table = open.file.table().to_string();
        let source = open.file.take_error().expect("a stopped writer's error");
        let error = self.sink_error(&table, source);
        self.stop(error)
    }

    fn end(&mut self, slot: TableSlot, rows: u64, damage: Option<String>) -> Result<(), Stop> {
        let Some(OpenTable { file, placed }) =
            self.open.get_mut(slot.index()).and_then(Option::take)
        else {
            return self.stop(OutputError::Layout("a table ended that was not open"));
        };
        let table = file.table().to_string();
        let finished = match file.finish(rows, damage, self.settings.allow_partial) {
            Ok(finished) => finished,
            Err(OutputError::Sink { source, .. }) => {
                let error = self.sink_error(&table, source);
                return self.stop(error);
            }
            Err(e) => return self.stop(e),
        };
        let file = match self.destination.keep(finished.temp, &placed) {
            Ok(file) => file,
            Err(e) => {
                let error = self.sink_error(&table, e.into());
                return self.stop(error);
            }
        };
        self.notes.extend(finished.note);
        self.rows += finished.summary.rows;
        self.columns += finished.columns;
        self.bytes += finished.summary.bytes;
        if self.destination.names_tables() {
            let report = TableReport {
                table,
                file,
                rows: finished.summary.rows,
                columns: finished.columns,
                bytes: finished.summary.bytes,
            };
            self.tables.push((slot, report));
        }
        Ok(())
    }

    fn failed(
        &mut self,
        _table: &str,
        slot: Option<TableSlot>,
        error: &FormatError,
        damage: bool,
    ) -> Result<(), Stop> {
        if let Some(open) = slot.and_then(|slot| self.open.get_mut(slot.index())) {
            *open = None;
        }
        if damage && self.settings.allow_partial {
            self.notes.push(format!(
                "{}; the table was skipped (--allow-partial)",
                error.message
            ));
            return Ok(());
        }
        // The read ends: the tables still open are dropped with their files.
        self.open.clear();
        Err(Stop)
    }
}
