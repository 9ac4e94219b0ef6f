//! Streaming one table's rows from the helper into bounded Arrow batches,
//! pushed into the table sink.
//!
//! Damage the helper reports part-way through a table stops the read but
//! keeps the rows read so far; the sink decides whether a short table is an
//! error (the default) or kept (`--allow-partial`).

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema, SchemaRef};

use serde::Deserializer;

use super::cell;
use super::types::{self, ColumnBuilder, ValueError};
use super::AccessError;
use crate::formats::TableSink;
use crate::jvm::helper::{Helper, HelperError};
use crate::jvm::protocol::{ErrorKind, TableSchema, ValueEncoding, ValueType};
use crate::jvm::rows::RowsTarget;
use crate::progress::Progress;

/// Rows per `rows` message asked of the helper.
const READ_BATCH_ROWS: u32 = 5000;
/// Rows per Arrow batch pushed into the sink.
const SINK_BATCH_ROWS: usize = 64 * 1024;

/// How reading one table ended.
pub(super) struct TableRead {
    /// Rows read and pushed into the sink.
    pub rows: u64,
    /// The helper's message when damage stopped the read early.
    pub damage: Option<String>,
}

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
fn encoding_for(schema: &TableSchema, arrow_schema: &SchemaRef) -> ValueEncoding {
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

/// Reads every row of `schema.table` into batches of `arrow_schema`, pushed
/// into `sink` (the table already begun there). Process failures are `Err`
/// (the caller may retry); value failures and a stopped sink are `Ok(Err)`.
pub(super) async fn read_table(
    helper: &mut Helper,
    schema: &TableSchema,
    arrow_schema: &SchemaRef,
    sink: &mut dyn TableSink,
    progress: &dyn Progress,
) -> Result<Result<TableRead, RowsFailure>, HelperError> {
    let encoding = encoding_for(schema, arrow_schema);
    progress.start_rows(&schema.table, schema.row_count);
    let mut batches = Batches {
        table: &schema.table,
        arrow_schema,
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
        refusal: None,
        pending: 0,
        rows: 0,
        sink,
        progress,
    };
    let read = helper
        .read(&schema.table, READ_BATCH_ROWS, encoding, &mut batches)
        .await;
    let damage = match read {
        Ok(Ok(_end)) => None,
        Ok(Err(failure)) => return Ok(Err(failure)),
        Err(HelperError::Reported {
            kind: ErrorKind::Corrupt,
            message,
        }) => Some(message),
        Err(other) => return Err(other),
    };
    if batches.pending > 0 {
        if let Err(failure) = batches.flush() {
            return Ok(Err(failure));
        }
    }
    Ok(Ok(TableRead {
        rows: batches.rows,
        damage,
    }))
}

/// The rows of one table on their way into the sink: decoded value by value
/// into the column builders, pushed as a batch every [`SINK_BATCH_ROWS`].
struct Batches<'a> {
    table: &'a str,
    arrow_schema: &'a SchemaRef,
    builders: Vec<ColumnBuilder>,
    names: Vec<String>,
    /// Why the last row was refused, while the helper's read unwinds.
    refusal: Option<ValueError>,
    /// Rows in the builders, not yet pushed.
    pending: usize,
    /// Rows decoded in all.
    rows: u64,
    sink: &'a mut dyn TableSink,
    progress: &'a dyn Progress,
}

impl Batches<'_> {
    fn flush(&mut self) -> Result<(), RowsFailure> {
        let arrays = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.arrow_schema.clone(), arrays)
            .expect("builders match the schema");
        self.pending = 0;
        self.sink.write(batch).map_err(|_| RowsFailure::Stopped)
    }
}

impl RowsTarget for Batches<'_> {
    type Error = RowsFailure;

    fn decode_row<'de, D: Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error> {
        cell::decode_row(row, &mut self.builders, &self.names, &mut self.refusal)
    }

    fn end_batch(&mut self, rows: usize) -> Result<(), RowsFailure> {
        self.pending += rows;
        self.rows += rows as u64;
        self.progress.advance(rows as u64);
        if self.pending >= SINK_BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn take_refusal(&mut self) -> Option<RowsFailure> {
        self.refusal.take().map(|source| {
            RowsFailure::Value(AccessError::Value {
                table: self.table.to_string(),
                source,
            })
        })
    }
}
