//! Streaming one table's rows from the helper into bounded Arrow batches,
//! pushed into the table sink.
//!
//! Damage the helper reports part-way through a table stops the read but
//! keeps the rows read so far; the sink decides whether a short table is an
//! error (the default) or kept (`--allow-partial`).

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema, SchemaRef};

use super::types::{self, ColumnBuilder};
use super::AccessError;
use crate::formats::TableSink;
use crate::jvm::helper::{Helper, HelperError};
use crate::jvm::protocol::{ErrorKind, TableSchema, ValueEncoding, ValueType};
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

    let flush =
        |builders: &mut Vec<ColumnBuilder>, sink: &mut dyn TableSink| -> Result<(), RowsFailure> {
            let arrays = builders.iter_mut().map(ColumnBuilder::finish).collect();
            let batch = RecordBatch::try_new(arrow_schema.clone(), arrays)
                .expect("builders match the schema");
            sink.write(batch).map_err(|_| RowsFailure::Stopped)
        };
    let value_failure = |source| {
        RowsFailure::Value(AccessError::Value {
            table: table.clone(),
            source,
        })
    };

    let read = helper
        .read(&table, READ_BATCH_ROWS, encoding, |batch| {
            let count = batch.len();
            for row in batch {
                for ((builder, value), name) in builders.iter_mut().zip(&row).zip(&names) {
                    builder.append(value, name).map_err(value_failure)?;
                }
                // A short row (never sent by a correct helper) still gets
                // nulls so the columns stay aligned.
                for builder in builders.iter_mut().skip(row.len()) {
                    builder
                        .append(&serde_json::Value::Null, "")
                        .map_err(value_failure)?;
                }
            }
            pending += count;
            rows += count as u64;
            progress.advance(count as u64);
            if pending >= SINK_BATCH_ROWS {
                flush(&mut builders, &mut *sink)?;
                pending = 0;
            }
            Ok(())
        })
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
    if pending > 0 {
        if let Err(failure) = flush(&mut builders, sink) {
            return Ok(Err(failure));
        }
    }
    Ok(Ok(TableRead { rows, damage }))
}
