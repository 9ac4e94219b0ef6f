//! One table's rows on their way from the helper into the table sink:
//! decoded value by value into Arrow column builders ([`TableRows`]) and
//! pushed as bounded batches. `read_all` runs several of them side by side.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema, SchemaRef};

use serde::Deserializer;

use super::cell;
use super::types::{self, ColumnBuilder, ValueError};
use super::AccessError;
use crate::formats::{TableSink, TableSlot};
use crate::jvm::protocol::{TableSchema, ValueEncoding, ValueType};
use crate::jvm::rows::RowsTarget;
use crate::progress::Progress;

/// Rows per `rows` message asked of the helper.
pub(super) const READ_BATCH_ROWS: u32 = 5000;
/// Rows per Arrow batch pushed into the sink.
const SINK_BATCH_ROWS: usize = 64 * 1024;

/// The Arrow schema `convert` writes for a table.
pub(super) fn arrow_schema(schema: &TableSchema, all_strings: bool) -> SchemaRef {
    let fields: Vec<_> = schema
        .columns
        .iter()
        .map(|c| types::arrow_field(c, all_strings))
        .collect();
    Arc::new(Schema::new(fields))
}

/// Compact values (integers for timestamps, floats and scaled decimals) cost
/// far less to write and parse than text; but a column written as text
/// (`--all-strings`) needs the text form of such values.
pub(super) fn encoding_for(schema: &TableSchema, arrow_schema: &SchemaRef) -> ValueEncoding {
    let texts_a_compact_value =
        schema
            .columns
            .iter()
            .zip(arrow_schema.fields())
            .any(|(column, field)| {
                let compact_type = matches!(
                    column.value_type,
                    ValueType::Timestamp | ValueType::Float32 | ValueType::Float64
                ) || (column.value_type == ValueType::Decimal
                    && column.scale.is_some());
                compact_type && *field.data_type() == DataType::Utf8
            });
    if texts_a_compact_value {
        ValueEncoding::Text
    } else {
        ValueEncoding::Compact
    }
}

/// A failure of this side while rows stream in: the read is abandoned.
pub(super) enum RowsFailure {
    Value(AccessError),
    /// The sink answered `Stop` (it has the reason).
    Stopped,
}

/// The rows of one table on their way into the sink as `slot`: decoded
/// value by value into the column builders, pushed as a batch every
/// [`SINK_BATCH_ROWS`].
pub(super) struct TableRows<'a> {
    table: String,
    slot: TableSlot,
    arrow_schema: SchemaRef,
    builders: Vec<ColumnBuilder>,
    names: Vec<String>,
    /// Why the last row was refused, while the helper's read unwinds.
    refusal: Option<ValueError>,
    /// Rows in the builders, not yet pushed.
    pending: usize,
    /// Rows decoded in all.
    rows: u64,
    progress: &'a dyn Progress,
}

impl<'a> TableRows<'a> {
    /// Rows of `table`, begun in the sink as `slot` with `arrow_schema`,
    /// whose values travel as `encoding`.
    pub(super) fn new(
        table: &str,
        slot: TableSlot,
        arrow_schema: SchemaRef,
        encoding: ValueEncoding,
        progress: &'a dyn Progress,
    ) -> TableRows<'a> {
        TableRows {
            table: table.to_string(),
            slot,
            builders: arrow_schema
                .fields()
                .iter()
                .map(|f| ColumnBuilder::new(f.data_type(), encoding))
                .collect(),
            names: arrow_schema
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
            arrow_schema,
            refusal: None,
            pending: 0,
            rows: 0,
            progress,
        }
    }

    pub(super) fn table(&self) -> &str {
        &self.table
    }

    pub(super) fn slot(&self) -> TableSlot {
        self.slot
    }

    /// Rows decoded so far.
    pub(super) fn rows(&self) -> u64 {
        self.rows
    }

    /// Pushes the rows in the builders once they make a whole batch.
    pub(super) fn push_full_batch(&mut self, sink: &mut dyn TableSink) -> Result<(), RowsFailure> {
        if self.pending >= SINK_BATCH_ROWS {
            self.push(sink)?;
        }
        Ok(())
    }

    /// Pushes whatever rows the builders hold.
    pub(super) fn push(&mut self, sink: &mut dyn TableSink) -> Result<(), RowsFailure> {
        if self.pending == 0 {
            return Ok(());
        }
        let arrays = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.arrow_schema.clone(), arrays)
            .expect("builders match the schema");
        self.pending = 0;
        sink.write(self.slot, batch)
            .map_err(|_| RowsFailure::Stopped)
    }
}

impl RowsTarget for TableRows<'_> {
    type Error = RowsFailure;

    fn decode_row<'de, D: Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error> {
        cell::decode_row(row, &mut self.builders, &self.names, &mut self.refusal)
    }

    fn end_batch(&mut self, rows: usize) -> Result<(), RowsFailure> {
        self.pending += rows;
        self.rows += rows as u64;
        self.progress.advance(rows as u64);
        Ok(())
    }

    fn take_refusal(&mut self) -> Option<RowsFailure> {
        self.refusal.take().map(|source| {
            RowsFailure::Value(AccessError::Value {
                table: self.table.clone(),
                source,
            })
        })
    }
}
