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

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use super::encoding;
use super::scan::{malformed, Chunk};
use super::sniff::Dialect;
use super::{CsvError, CsvTable};
use crate::formats::typed_text::{ColumnType, TypedBuilder};
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

    fn builders(&self) -> Vec<TypedBuilder> {
        // Builders grow as rows come; a very wide table starts them small,
        // so that memory follows the cells read, not columns × a default.
        let capacity = (BUILDER_CELLS / self.types.len().max(1)).clamp(1, 1024);
        self.types
            .iter()
            .map(|t| TypedBuilder::new(*t, capacity))
            .collect()
    }
}

/// Reads records from `reader` into `builders` until `max_rows` rows or
/// `max_bytes` bytes; returns the rows read and whether the file ended.
fn fill<R: std::io::Read>(
    layout: &Layout,
    builders: &mut [TypedBuilder],
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
            // SAFETY: `fields_are_utf8` checked every field of the record.
            if !builder.append(unsafe { std::str::from_utf8_unchecked(cell) }) {
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

fn finish_batch(layout: &Layout, builders: &mut [TypedBuilder]) -> Result<RecordBatch, CsvError> {
    let columns: Vec<ArrayRef> = builders.iter_mut().map(TypedBuilder::finish).collect();
    RecordBatch::try_new(layout.schema.clone(), columns)
        .map_err(|e| CsvError::Changed(e.to_string()))
}

/// One reader over the decoded stream, from the first data row on.
struct Sequential {
    layout: Layout,
    reader: csv::Reader<Box<dyn std::io::Read + Send>>,
    record: csv::ByteRecord,
    builders: Vec<TypedBuilder>,
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
