//! `validate`'s core: an input read exactly as `convert` reads it, through
//! the same format interface, into a table sink that checks each table
//! against what its file states and drops the batches. Unlike `convert`, a
//! bad table does not stop the others from being read.

use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use serde::Serialize;

use crate::convert::staging::Staged;
use crate::convert::write::shortfall;
use crate::formats::{Format, FormatError, ReadError, ReadOptions, Stop, TableName, TableSink};
use crate::progress::{NoProgress, ProgressRef};

/// One table as `validate` found it.
#[derive(Debug, Clone, Serialize)]
pub struct TableCheck {
    pub table: String,
    /// Rows read.
    pub rows: u64,
    /// The row count the file states (`None` when it states none, or when
    /// even the table's description could not be read).
    pub row_count: Option<u64>,
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A whole input as `validate` found it.
#[derive(Debug, Clone, Default)]
pub struct InputCheck {
    pub tables: Vec<TableCheck>,
    /// Columns of every table.
    pub columns: usize,
    /// What the reader noted (tables skipped, rows mended).
    pub notes: Vec<String>,
}

impl InputCheck {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// Reads every table of `input` (copied to local disk first where its
/// reader needs that).
pub fn check(
    input: &Path,
    format: Format,
    options: &ReadOptions,
) -> Result<InputCheck, FormatError> {
    let reader = format.reader();
    let staged = Staged::for_reading(input, format, &options.jvm.temp_dir)
        .map_err(|e| FormatError::new(&e, None))?;
    let mut checker = Checker::default();
    let progress: ProgressRef = std::sync::Arc::new(NoProgress);
    match reader.read(&staged.job.input, options, &mut checker, &progress) {
        Ok(summary) => {
            checker.found.notes = summary.notes;
            Ok(checker.found)
        }
        Err(ReadError::Failed(e)) => Err(e),
        Err(ReadError::Stopped) => unreachable!("the checker never stops a read"),
    }
}

/// The table sink of `validate`.
#[derive(Default)]
struct Checker {
    found: InputCheck,
    /// The table being read.
    current: Option<TableCheck>,
}

impl TableSink for Checker {
    fn restart(&mut self) {
        *self = Checker::default();
    }

    fn begin(
        &mut self,
        table: TableName,
        schema: &SchemaRef,
        stated_rows: Option<u64>,
    ) -> Result<(), Stop> {
        self.found.columns += schema.fields().len();
        self.current = Some(TableCheck {
            table: table.name.to_string(),
            rows: 0,
            row_count: stated_rows,
            valid: true,
            error: None,
        });
        Ok(())
    }

    fn write(&mut self, _batch: RecordBatch) -> Result<(), Stop> {
        Ok(())
    }

    fn end(&mut self, rows: u64, damage: Option<String>) -> Result<(), Stop> {
        if let Some(mut table) = self.current.take() {
            let problem = shortfall(&table.table, rows, table.row_count, damage);
            table.rows = rows;
            table.valid = problem.is_none();
            table.error = problem.map(|e| e.to_string());
            self.found.tables.push(table);
        }
        Ok(())
    }

    fn failed(&mut self, table: &str, error: &FormatError, _damage: bool) -> Result<(), Stop> {
        let row_count = self
            .current
            .take()
            .filter(|current| current.table == table)
            .and_then(|current| current.row_count);
        self.found.tables.push(TableCheck {
            table: table.to_string(),
            rows: 0,
            row_count,
            valid: false,
            error: Some(error.message.clone()),
        });
        Ok(())
    }
}
