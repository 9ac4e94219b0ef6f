//! The first pass: sniff the dialect, read every record once, infer types.
//!
//! Memory stays flat: per column only a type mask and counters are kept.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::batches::{BATCH_BYTES, BATCH_ROWS};
use super::encoding::{self, TextEncoding};
use super::sniff::{self, Dialect};
use super::tail::{ends_inside_quotes, TailReader};
use super::values::{self, ColumnType};
use super::{CsvColumn, CsvError, CsvOptions};
use crate::progress::{CountingReader, ProgressRef};

pub(super) struct Scan {
    pub dialect: Dialect,
    pub chunks: Vec<Chunk>,
    pub columns: Vec<CsvColumn>,
    pub rows: u64,
    pub short_rows: u64,
    pub long_rows: u64,
}

pub(super) enum ScanError {
    /// A record is not valid UTF-8 although the sample was: the caller may
    /// retry with another encoding.
    NotUtf8 {
        line: u64,
    },
    Csv(CsvError),
}

impl ScanError {
    pub fn into_csv_error(self) -> CsvError {
        match self {
            ScanError::NotUtf8 { line } => CsvError::InvalidUtf8 { line },
            ScanError::Csv(e) => e,
        }
    }
}

impl<E: Into<CsvError>> From<E> for ScanError {
    fn from(e: E) -> Self {
        ScanError::Csv(e.into())
    }
}

/// A run of consecutive data rows that pass 2 can read on its own: where
/// its first record starts and how many rows it holds. Chunks close at
/// [`BATCH_ROWS`] rows or [`BATCH_BYTES`] bytes, like batches.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub start: csv::Position,
    pub rows: u64,
}

/// What pass 1 knows about one column.
#[derive(Debug, Clone)]
struct ColumnState {
    /// Types every non-null cell so far satisfies (see `values`).
    mask: u16,
    /// Cells that matched a type (not empty, not a null token).
    typed: u64,
    /// Empty cells, including cells missing from short rows.
    empty: u64,
    /// Blank or null-token cells: null if the column gets a type, text otherwise.
    tokens: u64,
}

impl ColumnState {
    fn new(all_strings: bool, empty: u64) -> Self {
        ColumnState {
            mask: if all_strings { 0 } else { values::ALL },
            typed: 0,
            empty,
            tokens: 0,
        }
    }

    #[inline]
    fn observe(&mut self, cell: &[u8]) {
        if cell.is_empty() {
            self.empty += 1;
            return;
        }
        if self.mask == 0 {
            return;
        }
        let cell = values::trim(cell);
        if cell.is_empty() || values::is_null_token(cell) {
            self.tokens += 1;
            return;
        }
        self.mask = values::satisfied(cell, self.mask);
        self.typed += 1;
    }

    fn finish(&self, name: String) -> CsvColumn {
        let column_type = if self.mask == 0 {
            ColumnType::Utf8
        } else {
            ColumnType::from_mask(self.mask, self.typed)
        };
        let nulls = match column_type {
            ColumnType::Utf8 => self.empty,
            _ => self.empty + self.tokens,
        };
        CsvColumn {
            name,
            column_type,
            nulls,
        }
    }
}

pub(super) fn scan(
    path: &Path,
    sample: &[u8],
    sample_is_whole_file: bool,
    text_encoding: TextEncoding,
    options: &CsvOptions,
    progress: ProgressRef,
    bytes: u64,
) -> Result<Scan, ScanError> {
    let mut decoded = encoding::decode_sample(sample, &text_encoding);
    if !sample_is_whole_file {
        // Sniff whole lines only.
        if let Some(end) = decoded.iter().rposition(|&b| b == b'\n' || b == b'\r') {
            decoded.truncate(end + 1);
        }
    }
    let dialect = sniff::sniff(
        &decoded,
        sniff::SniffOptions {
            delimiter: options.delimiter,
            skip_lines: options.skip_lines,
            has_header: !options.no_header,
            whole_file: sample_is_whole_file,
        },
    );
    tracing::debug!(
        ?dialect,
        encoding = text_encoding.name(),
        "sniffed {}",
        path.display()
    );

    progress.start("scanning", bytes);
    let file = File::open(path)?;
    let mut text = encoding::utf8_reader(CountingReader::new(file, progress), &text_encoding)?;
    // Title lines are dropped before the parser sees the stream; the
    // parser's positions are made absolute again with `origin`.
    std::io::copy(
        &mut (&mut text).take(dialect.skip_bytes),
        &mut std::io::sink(),
    )?;
    let origin = Origin {
        byte: dialect.skip_bytes,
        line: dialect.skip_lines,
    };
    let mut reader = dialect.reader_builder().from_reader(TailReader::new(text));
    let check_utf8 = text_encoding.is_utf8();

    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut columns: Vec<ColumnState> = Vec::new();
    // Rows by field count: ragged rows are counted against the final width.
    let mut widths: std::collections::BTreeMap<usize, u64> = Default::default();
    let mut rows = 0u64;
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut chunk_bytes = 0usize;
    let mut last: Option<(u64, u64, usize)> = None; // (byte, line, fields) of the last record

    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| origin.error(&e))?;
        if !more {
            break;
        }
        let relative = record
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        let position = origin.absolute(&relative);
        if check_utf8 && simdutf8::basic::from_utf8(record.as_slice()).is_err() {
            return Err(ScanError::NotUtf8 {
                line: position.line(),
            });
        }
        last = Some((relative.byte(), position.line(), record.len()));
        if !options.no_header && header.is_none() {
            let names: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            columns = vec![ColumnState::new(options.all_strings, 0); names.len()];
            header = Some(names);
            continue;
        }

        let fields = record.len();
        *widths.entry(fields).or_default() += 1;
        let width = columns.len();
        if fields < width {
            for column in &mut columns[fields..] {
                column.empty += 1;
            }
        } else if fields > width {
            columns.extend((width..fields).map(|_| ColumnState::new(options.all_strings, rows)));
        }
        for (column, cell) in columns.iter_mut().zip(record.iter()) {
            column.observe(cell);
        }
        rows += 1;
        match chunks.last_mut() {
            Some(chunk) if chunk.rows < BATCH_ROWS as u64 && chunk_bytes < BATCH_BYTES => {
                chunk.rows += 1;
                chunk_bytes += record.as_slice().len();
            }
            _ => {
                chunks.push(Chunk {
                    start: position,
                    rows: 1,
                });
                chunk_bytes = record.as_slice().len();
            }
        }
    }
    // Rows are short or long against the header; without one, against the
    // widest row.
    let width = header.as_ref().map_or(columns.len(), Vec::len);
    let short_rows: u64 = widths.range(..width).map(|(_, n)| n).sum();
    let long_rows: u64 = widths.range(width + 1..).map(|(_, n)| n).sum();

    if header.is_none() && rows == 0 {
        return Err(CsvError::Empty.into());
    }

    // Truncation checks on the last record.
    if let Some((byte, line, fields)) = last {
        let tail = reader.get_ref();
        if let Some(text) = tail.since(byte) {
            if ends_inside_quotes(text, dialect.delimiter, dialect.escape) {
                return Err(CsvError::UnterminatedQuote { line }.into());
            }
        }
        // A short last row is a cut-off copy when every other row is whole
        // and no line break follows it.
        if rows > 0 && fields < width && short_rows == 1 && !tail.ends_with_newline() {
            return Err(CsvError::TruncatedRow {
                line,
                fields,
                expected: width,
            }
            .into());
        }
    }

    let names = header.unwrap_or_default();
    let columns = columns
        .iter()
        .enumerate()
        .map(|(i, state)| {
            let name = names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("column_{}", i + 1));
            state.finish(name)
        })
        .collect();
    Ok(Scan {
        dialect,
        chunks,
        columns,
        rows,
        short_rows,
        long_rows,
    })
}

/// Where the parser's stream starts in the decoded text: after the title
/// lines that were skipped.
struct Origin {
    byte: u64,
    line: u64,
}

impl Origin {
    fn absolute(&self, relative: &csv::Position) -> csv::Position {
        let mut position = relative.clone();
        position
            .set_byte(relative.byte() + self.byte)
            .set_line(relative.line() + self.line);
        position
    }

    fn error(&self, error: &csv::Error) -> CsvError {
        match malformed(error) {
            CsvError::Malformed { line, message } => CsvError::Malformed {
                line: line + self.line,
                message,
            },
            other => other,
        }
    }
}

/// A csv error in the words of `CsvError`.
pub(super) fn malformed(error: &csv::Error) -> CsvError {
    let line = error.position().map(|p| p.line()).unwrap_or(0);
    match error.kind() {
        csv::ErrorKind::Io(e) => CsvError::Io(std::io::Error::new(e.kind(), e.to_string())),
        _ => CsvError::Malformed {
            line,
            message: error.to_string(),
        },
    }
}
