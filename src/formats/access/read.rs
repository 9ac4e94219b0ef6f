//! Streaming one table's rows from the helper into bounded Arrow batches,
//! handed to a Parquet sink (`convert`) or dropped (`validate`).
//!
//! Damage the helper reports part-way through a table stops the read but
//! keeps the rows read so far; the caller decides whether a short table is
//! an error (the default) or kept (`--allow-partial`).

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema, SchemaRef};

use super::types::{self, ColumnBuilder};
use super::AccessError;
use crate::jvm::helper::{Helper, HelperError};
use crate::jvm::protocol::{ErrorKind, TableSchema, ValueEncoding, ValueType};
use crate::progress::Progress;
use crate::sink::{BackgroundSink, ParquetSink};

/// Rows per `rows` message asked of the helper.
const READ_BATCH_ROWS: u32 = 5000;
/// Rows per Arrow batch handed to the sink.
const SINK_BATCH_ROWS: usize = 64 * 1024;

/// How reading one table ended.
pub(super) struct TableRead {
    pub table: String,
    /// Rows read (and handed to the sink, if there was one).
    pub rows: u64,
    /// The row count the file states.
    pub row_count: u64,
    /// The helper's message when damage stopped the read early.
    pub damage: Option<String>,
    /// The sink, every batch written, ready to be finished.
    pub sink: Option<ParquetSink>,
}

impl TableRead {
    /// Why the table is incomplete, or `None` when it is complete.
    pub fn shortfall(&self) -> Option<AccessError> {
        let table = self.table.clone();
        match &self.damage {
            Some(message) => Some(AccessError::Damaged {
                table,
                rows: self.rows,
                row_count: self.row_count,
                message: message.clone(),
            }),
            None if self.rows != self.row_count => Some(AccessError::RowCount {
                table,
                rows_sent: self.rows,
                row_count: self.row_count,
            }),
            None => None,
        }
    }
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
enum RowsFailure {
    Value(types::ValueError),
    /// The Parquet writer stopped on an error (`BackgroundSink::finish` has it).
    SinkStopped,
}

/// Reads every row of `schema.table` into batches of `arrow_schema`, writing
/// them to `sink` when there is one. Process failures are `Err` (the caller
/// may retry); value and sink failures are `Ok(Err)`.
pub(super) async fn read_table(
    helper: &mut Helper,
    schema: &TableSchema,
    arrow_schema: &SchemaRef,
    sink: Option<ParquetSink>,
    progress: &dyn Progress,
) -> Result<Result<TableRead, AccessError>, HelperError> {
    let table = schema.table.clone();
    let encoding = encoding_for(schema, arrow_schema);
    let mut builders: Vec<ColumnBuilder> = arrow_schema
        .fields()
        .iter()
        .map(|f| ColumnBuilder::new(f.data_type(), encoding))
        .collect();
    let names: Vec<&str> = arrow_schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    let mut pending = 0usize;
    let mut rows = 0u64;
    progress.start_rows(&table, schema.row_count);

    // Parquet is encoded on a thread of its own, so the helper's pipe is
    // drained while a batch is written.
    let writer = sink.map(BackgroundSink::start);
    let flush = |builders: &mut Vec<ColumnBuilder>| -> Result<(), RowsFailure> {
        let arrays = builders.iter_mut().map(ColumnBuilder::finish).collect();
        let batch =
            RecordBatch::try_new(arrow_schema.clone(), arrays).expect("builders match the schema");
        match writer.as_ref() {
            Some(writer) if !writer.write(batch) => Err(RowsFailure::SinkStopped),
            _ => Ok(()),
        }
    };

    let read = helper
        .read(&table, READ_BATCH_ROWS, encoding, |batch| {
            let count = batch.len();
            for row in batch {
                for ((builder, value), name) in builders.iter_mut().zip(&row).zip(&names) {
                    builder.append(value, name).map_err(RowsFailure::Value)?;
                }
                // A short row (never sent by a correct helper) still gets
                // nulls so the columns stay aligned.
                for builder in builders.iter_mut().skip(row.len()) {
                    builder
                        .append(&serde_json::Value::Null, "")
                        .map_err(RowsFailure::Value)?;
                }
            }
            pending += count;
            rows += count as u64;
            progress.advance(count as u64);
            if pending >= SINK_BATCH_ROWS {
                flush(&mut builders)?;
                pending = 0;
            }
            Ok(())
        })
        .await;
    let damage = match read {
        Ok(Ok(_end)) => None,
        Ok(Err(RowsFailure::Value(source))) => {
            return Ok(Err(AccessError::Value { table, source }))
        }
        Ok(Err(RowsFailure::SinkStopped)) => None,
        Err(HelperError::Reported {
            kind: ErrorKind::Corrupt,
            message,
        }) => Some(message),
        Err(other) => return Err(other),
    };
    if pending > 0 {
        // A stopped writer reports its error from `finish` below.
        let _ = flush(&mut builders);
    }
    let sink = match writer.map(BackgroundSink::finish).transpose() {
        Ok(sink) => sink,
        Err(source) => return Ok(Err(AccessError::Sink { table, source })),
    };
    Ok(Ok(TableRead {
        table,
        rows,
        row_count: schema.row_count,
        damage,
        sink,
    }))
}
