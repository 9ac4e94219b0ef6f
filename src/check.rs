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
use crate::formats::{
    Format, FormatError, ReadError, ReadOptions, Stop, TableName, TableSink, TableSlot,
};
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
            let mut found = checker.finish();
            found.notes = summary.notes;
            Ok(found)
        }
        Err(ReadError::Failed(e)) => Err(e),
        Err(ReadError::Stopped) => unreachable!("the checker never stops a read"),
    }
}

/// The table sink of `validate`. Tables are reported in the order the
/// reader came to them (begun, or failed before they could be), whatever
/// order they end in.
#[derive(Default)]
struct Checker {
    found: InputCheck,
    /// The tables begun, by slot, with their place in the order, while open.
    open: Vec<Option<(usize, TableCheck)>>,
    /// Tables the reader came to so far.
    came_to: usize,
    /// Finished tables, with their place in the order.
    checked: Vec<(usize, TableCheck)>,
}

impl Checker {
    fn finish(mut self) -> InputCheck {
        self.checked.sort_by_key(|(order, _)| *order);
        self.found.tables = self.checked.into_iter().map(|(_, t)| t).collect();
        self.found
    }

    fn next_order(&mut self) -> usize {
        self.came_to += 1;
        self.came_to - 1
    }
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
    ) -> Result<TableSlot, Stop> {
        self.found.columns += schema.fields().len();
        let order = self.next_order();
        let check = TableCheck {
            table: table.name.to_string(),
            rows: 0,
            row_count: stated_rows,
            valid: true,
            error: None,
        };
        self.open.push(Some((order, check)));
        Ok(TableSlot::new(self.open.len() - 1))
    }

    fn write(&mut self, _slot: TableSlot, _batch: RecordBatch) -> Result<(), Stop> {
        Ok(())
    }

    fn end(&mut self, slot: TableSlot, rows: u64, damage: Option<String>) -> Result<(), Stop> {
        if let Some((order, mut table)) = self.open.get_mut(slot.index()).and_then(Option::take) {
            let problem = shortfall(&table.table, rows, table.row_count, damage);
            table.rows = rows;
            table.valid = problem.is_none();
            table.error = problem.map(|e| e.to_string());
            self.checked.push((order, table));
        }
        Ok(())
    }

    fn failed(
        &mut self,
        table: &str,
        slot: Option<TableSlot>,
        error: &FormatError,
        _damage: bool,
    ) -> Result<(), Stop> {
        let begun = slot.and_then(|slot| self.open.get_mut(slot.index()).and_then(Option::take));
        let (order, row_count) = match begun {
            Some((order, check)) => (order, check.row_count),
            None => (self.next_order(), None),
        };
        self.checked.push((
            order,
            TableCheck {
                table: table.to_string(),
                rows: 0,
                row_count,
                valid: false,
                error: Some(error.message.clone()),
            },
        ));
        Ok(())
    }
}
