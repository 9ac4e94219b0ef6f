//! The second pass: read the file again and build typed Arrow batches.
//!
//! A batch holds at most [`BATCH_ROWS`] rows or [`BATCH_BYTES`] bytes of cell
//! text, so wide or long rows cannot blow up memory. UTF-8 files are read in
//! parallel (`crate::parallel`): pass 1 noted where every chunk of rows
//! starts, so each worker seeks to its chunk and builds that batch on its
//! own, while the caller writes finished batches in order. Other encodings
//! are decoded as a stream and read sequentially.

use std::fs::File;
use std::io::Read;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use super::encoding;
use super::scan::{malformed, Chunk};
use super::sniff::Dialect;
use super::values::{self, ColumnType, DateOrder};
use super::{CsvError, CsvTable};
use crate::progress::{CountingReader, ProgressRef};

pub const BATCH_ROWS: usize = 64 * 1024;
pub const BATCH_BYTES: usize = 32 * 1024 * 1024;
/// Cells the column builders of a batch reserve room for at the start.
const BUILDER_CELLS: usize = 1 << 20;

/// Runs the second pass over `table`: every batch, in file order, into
/// `consume`. Stops at the first error, of the file or of `consume`.
pub(super) fn for_each_batch<E>(
    table: &CsvTable,
    progress: ProgressRef,
    mut consume: impl FnMut(RecordBatch) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<CsvError> + Send,
{
    progress.start("writing", table.bytes);
    let threads = match table.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let layout = Layout::of(table);
    if table.encoding.is_utf8() && threads > 1 && table.chunks.len() > 1 {
        let bom_len = table.encoding.bom_len as u64;
        return crate::parallel::map_in_order(
            threads.min(table.chunks.len()),
            table.chunks.iter().map(Ok),
            |chunk| read_chunk(&layout, chunk, bom_len, progress.clone()).map_err(E::from),
            consume,
        );
    }
    let mut sequential = Sequential::open(table, layout, progress)?;
    while let Some(batch) = sequential.next() {
        consume(batch?)?;
    }
    Ok(())
}

/// What every batch of one table shares.
struct Layout {
    path: std::path::PathBuf,
    dialect: Dialect,
    schema: SchemaRef,
    names: Vec<String>,
    types: Vec<ColumnType>,
}

impl Layout {
    fn of(table: &CsvTable) -> Layout {
        Layout {
            path: table.path.clone(),
            dialect: table.dialect,
            schema: table.schema(),
            names: table.columns.iter().map(|c| c.name.clone()).collect(),
            types: table.columns.iter().map(|c| c.column_type).collect(),
        }
    }

    fn builders(&self) -> Vec<ColumnBuilder> {
        // Builders grow as rows come; a very wide table starts them small,
        // so that memory follows the cells read, not columns × a default.
        let capacity = (BUILDER_CELLS / self.types.len().max(1)).clamp(1, 1024);
        self.types
            .iter()
            .map(|t| ColumnBuilder::new(*t, capacity))
            .collect()
    }
}

/// Reads records from `reader` into `builders` until `max_rows` rows or
/// `max_bytes` bytes; returns the rows read and whether the file ended.
fn fill<R: std::io::Read>(
    layout: &Layout,
    builders: &mut [ColumnBuilder],
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    max_rows: usize,
    max_bytes: usize,
    line_offset: u64,
) -> Result<(usize, bool), CsvError> {
    let mut rows = 0;
    let mut bytes = 0;
    while rows < max_rows && bytes < max_bytes {
        if !reader.read_byte_record(record).map_err(|e| malformed(&e))? {
            return Ok((rows, true));
        }
        let line = record.position().map_or(0, |p| p.line()) + line_offset;
        if !fields_are_utf8(record) {
            return Err(CsvError::Changed(format!(
                "line {line} is no longer valid UTF-8"
            )));
        }
        if record.len() > builders.len() {
            return Err(CsvError::Changed(format!(
                "line {line} has more fields than before"
            )));
        }
        for (index, builder) in builders.iter_mut().enumerate() {
            let cell = record.get(index).unwrap_or_default();
            if !builder.append(cell) {
                return Err(CsvError::Changed(format!(
                    "line {line}, column `{}`: `{}` is not a {}",
                    layout.names[index],
                    String::from_utf8_lossy(cell),
                    builder.column_type().name()
                )));
            }
        }
        rows += 1;
        bytes += record.as_slice().len();
    }
    Ok((rows, false))
}

fn finish_batch(layout: &Layout, builders: &mut [ColumnBuilder]) -> Result<RecordBatch, CsvError> {
    let columns: Vec<ArrayRef> = builders.iter_mut().map(ColumnBuilder::finish).collect();
    RecordBatch::try_new(layout.schema.clone(), columns)
        .map_err(|e| CsvError::Changed(e.to_string()))
}

/// One reader over the decoded stream, from the first data row on.
struct Sequential {
    layout: Layout,
    reader: csv::Reader<Box<dyn std::io::Read + Send>>,
    record: csv::ByteRecord,
    builders: Vec<ColumnBuilder>,
    /// The line the data starts on, minus one: the reader counts from there.
    line_offset: u64,
    expected_rows: u64,
    rows: u64,
    done: bool,
}

impl Sequential {
    fn open(
        table: &CsvTable,
        layout: Layout,
        progress: ProgressRef,
    ) -> Result<Sequential, CsvError> {
        let file = File::open(&table.path)?;
        let mut text = encoding::utf8_reader(CountingReader::new(file, progress), &table.encoding)?;
        // Title lines and the header end where pass 1 saw the first data row.
        let start = table.chunks.first().map(|c| c.start.clone());
        let (skip, line_offset) = start.map_or((u64::MAX, 0), |s| (s.byte(), s.line() - 1));
        std::io::copy(&mut (&mut text).take(skip), &mut std::io::sink())?;
        Ok(Sequential {
            reader: table.dialect.reader_builder().from_reader(text),
            record: csv::ByteRecord::new(),
            builders: layout.builders(),
            layout,
            line_offset,
            expected_rows: table.rows,
            rows: 0,
            done: false,
        })
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, CsvError> {
        let (rows, at_end) = fill(
            &self.layout,
            &mut self.builders,
            &mut self.reader,
            &mut self.record,
            BATCH_ROWS,
            BATCH_BYTES,
            self.line_offset,
        )?;
        self.rows += rows as u64;
        if at_end {
            self.done = true;
            if self.rows != self.expected_rows {
                return Err(CsvError::Changed(format!(
                    "{} rows now, {} in the first pass",
                    self.rows, self.expected_rows
                )));
            }
        }
        if rows == 0 {
            return Ok(None);
        }
        finish_batch(&self.layout, &mut self.builders).map(Some)
    }

    fn next(&mut self) -> Option<Result<RecordBatch, CsvError>> {
        if self.done {
            return None;
        }
        let result = self.next_batch();
        if result.is_err() {
            self.done = true;
        }
        result.transpose()
    }
}

/// Builds the batch of one chunk from its own file handle.
fn read_chunk(
    layout: &Layout,
    chunk: &Chunk,
    bom_len: u64,
    progress: ProgressRef,
) -> Result<RecordBatch, CsvError> {
    let file = File::open(&layout.path)?;
    let mut reader = layout
        .dialect
        .reader_builder()
        .from_reader(CountingReader::new(file, progress));
    // `Reader::seek` resets the parser and its line count; it needs absolute
    // file offsets, so the byte-order mark is added back.
    let mut start = chunk.start.clone();
    start.set_byte(bom_len + chunk.start.byte());
    reader.seek(start).map_err(|e| malformed(&e))?;
    let mut builders = layout.builders();
    let mut record = csv::ByteRecord::new();
    let wanted = chunk.rows as usize;
    let (rows, _) = fill(
        layout,
        &mut builders,
        &mut reader,
        &mut record,
        wanted,
        usize::MAX,
        0,
    )?;
    if rows != wanted {
        return Err(CsvError::Changed(format!(
            "the rows from line {} are no longer where the first pass found them",
            chunk.start.line()
        )));
    }
    finish_batch(layout, &mut builders)
}

/// Whether every field of `record` is valid UTF-8, with one validation of
/// the whole record: the record's bytes are valid UTF-8 and every field starts
/// on a character boundary (not on a continuation byte), so each field is too.
fn fields_are_utf8(record: &csv::ByteRecord) -> bool {
    let bytes = record.as_slice();
    simdutf8::basic::from_utf8(bytes).is_ok()
        && (0..record.len()).all(|i| {
            record
                .range(i)
                .and_then(|range| bytes.get(range.start))
                .is_none_or(|&b| (b as i8) >= -0x40)
        })
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
    fn new(column_type: ColumnType, rows: usize) -> ColumnBuilder {
        match column_type {
            ColumnType::Boolean => ColumnBuilder::Boolean(BooleanBuilder::with_capacity(rows)),
            ColumnType::Int64 => ColumnBuilder::Int64(Int64Builder::with_capacity(rows)),
            ColumnType::Float64 => ColumnBuilder::Float64(Float64Builder::with_capacity(rows)),
            ColumnType::Date(order) => {
                ColumnBuilder::Date(Date32Builder::with_capacity(rows), order)
            }
            ColumnType::Timestamp(order) => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::with_capacity(rows), order)
            }
            ColumnType::TimestampUtc => ColumnBuilder::TimestampUtc(
                TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC"),
            ),
            ColumnType::Utf8 => ColumnBuilder::Utf8(StringBuilder::with_capacity(rows, rows * 8)),
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

    /// Appends one cell of a record that passed [`fields_are_utf8`]; `false`
    /// when it does not parse as the column's type.
    #[inline]
    fn append(&mut self, cell: &[u8]) -> bool {
        if let ColumnBuilder::Utf8(builder) = self {
            if cell.is_empty() {
                builder.append_null();
                return true;
            }
            // SAFETY: the caller checked with `fields_are_utf8` that every
            // field of the record, this cell included, is valid UTF-8.
            builder.append_value(unsafe { std::str::from_utf8_unchecked(cell) });
            return true;
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
