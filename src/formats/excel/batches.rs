//! The second pass over a sheet: its rows below the header, as bounded
//! Arrow batches of the planned column types, pushed into the table sink.
//! Under `--combine` a `sheet` column comes first and the types are the
//! group's.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, Field, Schema, SchemaRef};
use chrono::{NaiveDate, NaiveDateTime};

use super::columns::ColumnType;
use super::merged::{walk_rows, WalkError};
use super::plan::{SheetCache, SheetPlan};
use super::value::Value;
use super::workbook::{OrderedError, Workbook};
use super::ExcelError;
use crate::formats::{FormatError, ReadError, Stop, TableSink, TableSlot};
use crate::progress::Progress;

/// Cells per batch, about: narrow sheets get more rows per batch.
const BATCH_CELLS: usize = 1 << 20;
const MAX_BATCH_ROWS: usize = 64 * 1024;

/// The name of the column `--combine` adds.
pub const SHEET_COLUMN: &str = "sheet";

/// The Arrow schema of `names` typed `types`, after a `sheet` column when
/// sheets are combined.
pub fn schema(names: &[&str], types: &[ColumnType], sheet_column: bool) -> SchemaRef {
    let mut fields = Vec::with_capacity(names.len() + 1);
    if sheet_column {
        fields.push(Field::new(
            SHEET_COLUMN,
            arrow_schema::DataType::Utf8,
            false,
        ));
    }
    fields.extend(
        names
            .iter()
            .zip(types)
            .map(|(name, t)| Field::new(*name, t.arrow(), true)),
    );
    Arc::new(Schema::new(fields))
}

/// What one sheet's rows are pushed as.
pub struct SheetOutput<'s> {
    pub schema: &'s SchemaRef,
    pub types: &'s [ColumnType],
    /// The sheet's name in a `sheet` column (`--combine`).
    pub sheet_column: Option<&'s str>,
    pub keep_errors: bool,
}

/// Where the second pass reads a sheet's rows.
pub enum SecondPass<'w> {
    /// From the cells the first pass kept.
    Kept(&'w SheetCache),
    /// From the workbook, parsed again.
    Parse(&'w mut Workbook),
}

/// Pushes the data rows of `plan`'s sheet into `tables`, as the table
/// already begun there as `slot`; returns the rows pushed.
pub fn push_sheet(
    source: SecondPass,
    plan: &SheetPlan,
    output: &SheetOutput,
    tables: &mut dyn TableSink,
    slot: TableSlot,
    progress: &dyn Progress,
) -> Result<u64, ReadError> {
    let width = plan.columns.len().max(1);
    let batch_rows = (BATCH_CELLS / width).clamp(64, MAX_BATCH_ROWS);
    let mut batch = BatchBuilder::new(output, batch_rows);
    let mut pushed = 0u64;
    let mut flush = |batch: &mut BatchBuilder| -> Result<(), PushError> {
        pushed += batch.len() as u64;
        progress.advance(batch.len() as u64);
        tables.write(slot, batch.finish()?)?;
        Ok(())
    };
    let cols: Vec<u32> = plan.columns.iter().map(|c| c.col).collect();
    let mut visit = |index: u32, cells: &[(u32, Value)]| {
        if plan.header_row.is_some_and(|h| index <= h) {
            return Ok::<(), PushError>(());
        }
        batch.append(&cols, cells);
        if batch.len() >= batch_rows {
            flush(&mut batch)?;
        }
        Ok(())
    };
    match source {
        SecondPass::Kept(cache) => {
            for (index, cells) in cache.rows() {
                visit(index, cells)?;
            }
        }
        SecondPass::Parse(workbook) => {
            let mut rows = workbook
                .rows(&plan.sheet, plan.read_whole)
                .map_err(|e| failed(&e))?;
            match walk_rows(&mut rows, plan.merged.as_deref(), visit) {
                Ok(()) => {}
                Err(WalkError::Rows(OrderedError::Excel(e))) => return Err(failed(&e).into()),
                Err(WalkError::Rows(OrderedError::OutOfOrder)) => {
                    return Err(failed(&ExcelError::out_of_order(&plan.sheet)).into())
                }
                Err(WalkError::Visit(e)) => return Err(e.into()),
            }
        }
    }
    if batch.len() > 0 {
        flush(&mut batch)?;
    }
    Ok(pushed)
}

fn failed(error: &ExcelError) -> FormatError {
    FormatError::new(error, error.hint())
}

/// Why a batch could not be pushed.
enum PushError {
    Stop,
    Arrow(ArrowError),
}

impl From<PushError> for ReadError {
    fn from(error: PushError) -> Self {
        match error {
            PushError::Stop => ReadError::Stopped,
            PushError::Arrow(e) => ReadError::Failed(FormatError::new(&e, None)),
        }
    }
}

impl From<Stop> for PushError {
    fn from(_: Stop) -> Self {
        PushError::Stop
    }
}

impl From<ArrowError> for PushError {
    fn from(error: ArrowError) -> Self {
        PushError::Arrow(error)
    }
}

/// One column's values being gathered.
enum ColumnBuilder {
    Int64(Int64Builder),
    Float64(Float64Builder),
    Boolean(BooleanBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    String(StringBuilder),
}

impl ColumnBuilder {
    fn new(column_type: ColumnType, rows: usize) -> ColumnBuilder {
        match column_type {
            ColumnType::Int64 => ColumnBuilder::Int64(Int64Builder::with_capacity(rows)),
            ColumnType::Float64 => ColumnBuilder::Float64(Float64Builder::with_capacity(rows)),
            ColumnType::Boolean => ColumnBuilder::Boolean(BooleanBuilder::with_capacity(rows)),
            ColumnType::Date => ColumnBuilder::Date(Date32Builder::with_capacity(rows)),
            ColumnType::Timestamp => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::with_capacity(rows))
            }
            ColumnType::String => {
                ColumnBuilder::String(StringBuilder::with_capacity(rows, rows * 8))
            }
        }
    }

    /// Appends `value` as this column's type holds it; a value the type
    /// cannot hold (an error cell) is null.
    fn append(&mut self, value: Option<&Value>, keep_errors: bool) {
        match self {
            ColumnBuilder::Int64(b) => b.append_option(value.and_then(as_int)),
            ColumnBuilder::Float64(b) => b.append_option(value.and_then(as_float)),
            ColumnBuilder::Boolean(b) => b.append_option(match value {
                Some(Value::Bool(v)) => Some(*v),
                _ => None,
            }),
            ColumnBuilder::Date(b) => b.append_option(value.and_then(as_datetime).map(days)),
            ColumnBuilder::Timestamp(b) => b.append_option(
                value
                    .and_then(as_datetime)
                    .map(|d| d.and_utc().timestamp_micros()),
            ),
            ColumnBuilder::String(b) => b.append_option(value.and_then(|v| v.text(keep_errors))),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Int64(b) => Arc::new(b.finish()),
            ColumnBuilder::Float64(b) => Arc::new(b.finish()),
            ColumnBuilder::Boolean(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp(b) => Arc::new(b.finish()),
            ColumnBuilder::String(b) => Arc::new(b.finish()),
        }
    }
}

fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(i) => Some(*i),
        Value::Float(f) if super::columns::is_integral(*f) => Some(*f as i64),
        _ => None,
    }
}

fn as_float(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn as_datetime(value: &Value) -> Option<NaiveDateTime> {
    match value {
        Value::DateTime(d) => Some(*d),
        Value::Date(d) => Some(d.and_time(chrono::NaiveTime::MIN)),
        _ => None,
    }
}

fn days(datetime: NaiveDateTime) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("the Unix epoch");
    (datetime.date() - epoch).num_days() as i32
}

/// One batch's columns being gathered.
struct BatchBuilder<'s> {
    output: &'s SheetOutput<'s>,
    sheet: Option<StringBuilder>,
    columns: Vec<ColumnBuilder>,
    rows: usize,
}

impl<'s> BatchBuilder<'s> {
    fn new(output: &'s SheetOutput<'s>, capacity: usize) -> BatchBuilder<'s> {
        BatchBuilder {
            output,
            sheet: output
                .sheet_column
                .map(|_| StringBuilder::with_capacity(capacity, capacity * 8)),
            columns: output
                .types
                .iter()
                .map(|t| ColumnBuilder::new(*t, capacity))
                .collect(),
            rows: 0,
        }
    }

    fn len(&self) -> usize {
        self.rows
    }

    /// Appends one row: `cells` sorted by column, `cols` the sheet column
    /// of each output column (ascending).
    fn append(&mut self, cols: &[u32], cells: &[(u32, Value)]) {
        if let (Some(builder), Some(name)) = (self.sheet.as_mut(), self.output.sheet_column) {
            builder.append_value(name);
        }
        let mut next = 0;
        for (builder, &col) in self.columns.iter_mut().zip(cols) {
            while next < cells.len() && cells[next].0 < col {
                next += 1;
            }
            let value = cells.get(next).filter(|(c, _)| *c == col).map(|(_, v)| v);
            builder.append(value, self.output.keep_errors);
        }
        self.rows += 1;
    }

    fn finish(&mut self) -> Result<RecordBatch, PushError> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len() + 1);
        if let Some(builder) = self.sheet.as_mut() {
            arrays.push(Arc::new(builder.finish()));
        }
        arrays.extend(self.columns.iter_mut().map(ColumnBuilder::finish));
        self.rows = 0;
        Ok(RecordBatch::try_new(self.output.schema.clone(), arrays)?)
    }
}
