//! The second pass: read the file again and build typed Arrow batches.
//!
//! A batch is closed at [`BATCH_ROWS`] rows or [`BATCH_BYTES`] bytes of cell
//! text, whichever comes first, so wide or long rows cannot blow up memory.

use std::fs::File;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use super::encoding;
use super::scan::malformed;
use super::values::{self, ColumnType, DateOrder};
use super::{CsvError, CsvTable};
use crate::progress::{CountingReader, ProgressRef};

pub const BATCH_ROWS: usize = 64 * 1024;
pub const BATCH_BYTES: usize = 32 * 1024 * 1024;

/// An iterator of record batches over a scanned file.
pub struct CsvBatches {
    reader: csv::Reader<Box<dyn std::io::Read + Send>>,
    record: csv::ByteRecord,
    schema: SchemaRef,
    names: Vec<String>,
    builders: Vec<ColumnBuilder>,
    /// Records still to skip (title lines and the header).
    to_skip: usize,
    expected_rows: u64,
    rows: u64,
    done: bool,
}

impl CsvBatches {
    pub(super) fn new(table: &CsvTable, progress: ProgressRef) -> Result<CsvBatches, CsvError> {
        progress.start("writing", table.bytes);
        let file = File::open(&table.path)?;
        let text = encoding::utf8_reader(CountingReader::new(file, progress), &table.encoding)?;
        let reader = table.dialect.reader_builder().from_reader(text);
        let builders = table
            .columns
            .iter()
            .map(|c| ColumnBuilder::new(c.column_type))
            .collect();
        Ok(CsvBatches {
            reader,
            record: csv::ByteRecord::new(),
            schema: table.schema(),
            names: table.columns.iter().map(|c| c.name.clone()).collect(),
            builders,
            to_skip: table.dialect.skip_rows + usize::from(table.has_header),
            expected_rows: table.rows,
            rows: 0,
            done: false,
        })
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, CsvError> {
        let mut batch_rows = 0;
        let mut batch_bytes = 0;
        while batch_rows < BATCH_ROWS && batch_bytes < BATCH_BYTES {
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| malformed(&e))?;
            if !more {
                self.done = true;
                break;
            }
            if self.to_skip > 0 {
                self.to_skip -= 1;
                continue;
            }
            let line = self.record.position().map_or(0, |p| p.line());
            if self.record.len() > self.builders.len() {
                return Err(CsvError::Changed(format!(
                    "line {line} has more fields than before"
                )));
            }
            for (index, builder) in self.builders.iter_mut().enumerate() {
                let cell = self.record.get(index).unwrap_or_default();
                if !builder.append(cell) {
                    return Err(CsvError::Changed(format!(
                        "line {line}, column `{}`: `{}` is not a {}",
                        self.names[index],
                        String::from_utf8_lossy(cell),
                        builder.column_type().name()
                    )));
                }
            }
            batch_rows += 1;
            batch_bytes += self.record.as_slice().len();
        }
        self.rows += batch_rows as u64;
        if self.done && self.rows != self.expected_rows {
            return Err(CsvError::Changed(format!(
                "{} rows now, {} in the first pass",
                self.rows, self.expected_rows
            )));
        }
        if batch_rows == 0 {
            return Ok(None);
        }
        let columns: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| CsvError::Changed(e.to_string()))?;
        Ok(Some(batch))
    }
}

impl Iterator for CsvBatches {
    type Item = Result<RecordBatch, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_batch() {
            Ok(Some(batch)) => Some(Ok(batch)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// One column's Arrow builder, with the parser its type needs.
enum ColumnBuilder {
    Boolean(BooleanBuilder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Date(Date32Builder, DateOrder),
    Timestamp(TimestampMicrosecondBuilder, DateOrder),
    TimestampUtc(TimestampMicrosecondBuilder),
    Utf8(StringBuilder),
}

impl ColumnBuilder {
    fn new(column_type: ColumnType) -> ColumnBuilder {
        match column_type {
            ColumnType::Boolean => ColumnBuilder::Boolean(BooleanBuilder::new()),
            ColumnType::Int64 => ColumnBuilder::Int64(Int64Builder::new()),
            ColumnType::Float64 => ColumnBuilder::Float64(Float64Builder::new()),
            ColumnType::Date(order) => ColumnBuilder::Date(Date32Builder::new(), order),
            ColumnType::Timestamp(order) => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::new(), order)
            }
            ColumnType::TimestampUtc => {
                ColumnBuilder::TimestampUtc(TimestampMicrosecondBuilder::new().with_timezone("UTC"))
            }
            ColumnType::Utf8 => ColumnBuilder::Utf8(StringBuilder::new()),
        }
    }

    fn column_type(&self) -> ColumnType {
        match self {
            ColumnBuilder::Boolean(_) => ColumnType::Boolean,
            ColumnBuilder::Int64(_) => ColumnType::Int64,
            ColumnBuilder::Float64(_) => ColumnType::Float64,
            ColumnBuilder::Date(_, order) => ColumnType::Date(*order),
            ColumnBuilder::Timestamp(_, order) => ColumnType::Timestamp(*order),
            ColumnBuilder::TimestampUtc(_) => ColumnType::TimestampUtc,
            ColumnBuilder::Utf8(_) => ColumnType::Utf8,
        }
    }

    /// Appends one cell; `false` when it does not parse as the column's type.
    #[inline]
    fn append(&mut self, cell: &[u8]) -> bool {
        if let ColumnBuilder::Utf8(builder) = self {
            if cell.is_empty() {
                builder.append_null();
                return true;
            }
            return match simdutf8::basic::from_utf8(cell) {
                Ok(text) => {
                    builder.append_value(text);
                    true
                }
                Err(_) => false,
            };
        }
        let cell = values::trim(cell);
        let is_null = cell.is_empty() || values::is_null_token(cell);
        macro_rules! put {
            ($builder:expr, $parsed:expr) => {{
                if is_null {
                    $builder.append_null();
                    true
                } else if let Some(value) = $parsed {
                    $builder.append_value(value);
                    true
                } else {
                    false
                }
            }};
        }
        match self {
            ColumnBuilder::Boolean(b) => put!(b, values::parse_bool(cell)),
            ColumnBuilder::Int64(b) => put!(b, values::parse_int(cell)),
            ColumnBuilder::Float64(b) => put!(b, values::parse_float(cell)),
            ColumnBuilder::Date(b, order) => put!(b, values::parse_date(cell, *order)),
            ColumnBuilder::Timestamp(b, order) => put!(b, values::parse_timestamp(cell, *order)),
            ColumnBuilder::TimestampUtc(b) => put!(b, values::parse_timestamp_utc(cell)),
            ColumnBuilder::Utf8(_) => unreachable!("handled above"),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Boolean(b) => Arc::new(b.finish()),
            ColumnBuilder::Int64(b) => Arc::new(b.finish()),
            ColumnBuilder::Float64(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b, _) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp(b, _) => Arc::new(b.finish()),
            ColumnBuilder::TimestampUtc(b) => Arc::new(b.finish()),
            ColumnBuilder::Utf8(b) => Arc::new(b.finish()),
        }
    }
}
