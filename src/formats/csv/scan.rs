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
use super::{CsvColumn, CsvError, CsvOptions};
use crate::formats::typed_text::{ColumnType, TypeTally};
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
    tally: TypeTally,
    /// Empty cells, including cells missing from short rows.
    empty: u64,
}

impl ColumnState {
    fn new(all_strings: bool, empty: u64) -> Self {
        ColumnState {
            tally: TypeTally::new(all_strings),
            empty,
        }
    }

    #[inline]
    fn observe(&mut self, cell: &[u8]) {
        if cell.is_empty() {
            self.empty += 1;
        } else {
            self.tally.observe(cell);
        }
    }

    /// Adds what another stretch of the file saw in the same column.
    fn absorb(&mut self, other: &ColumnState) {
        self.tally.absorb(&other.tally);
        self.empty += other.empty;
    }

    fn finish(&self, name: String) -> CsvColumn {
        let column_type = self.tally.column_type();
        let nulls = match column_type {
            ColumnType::Utf8 => self.empty,
            _ => self.empty + self.tally.tokens,
        };
        CsvColumn {
            name,
            column_type,
            nulls,
        }
    }
}

/// Files smaller than this are scanned by one thread.
const PARALLEL_MIN_BYTES: u64 = 8 * 1024 * 1024;

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

    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    if text_encoding.is_utf8() && threads > 1 && bytes >= PARALLEL_MIN_BYTES {
        let start = text_encoding.bom_len as u64 + dialect.skip_bytes;
        let bounds = segment_bounds(path, start, bytes, threads)?;
        if bounds.len() > 2 {
            progress.start("scanning", bytes);
            let segments = std::thread::scope(|scope| {
                let workers: Vec<_> = bounds
                    .windows(2)
                    .enumerate()
                    .map(|(index, range)| {
                        let progress = progress.clone();
                        let job = SegmentJob {
                            path,
                            file_range: (range[0], range[1]),
                            decoded_start: range[0] - text_encoding.bom_len as u64,
                            expect_header: index == 0 && !options.no_header,
                        };
                        scope.spawn(move || job.run(&dialect, options, progress))
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("scan worker"))
                    .collect::<Vec<_>>()
            });
            match merge(segments, dialect.skip_lines, options.all_strings)? {
                Some(merged) => return finish(dialect, merged),
                // A boundary fell inside a quoted field: read it in one go.
                None => {
                    tracing::debug!("parallel scan boundary inside quotes; scanning sequentially")
                }
            }
        }
    }

    progress.start("scanning", bytes);
    let file = File::open(path)?;
    let mut text = encoding::utf8_reader(CountingReader::new(file, progress), &text_encoding)?;
    // Title lines are dropped before the parser sees the stream.
    std::io::copy(
        &mut (&mut text).take(dialect.skip_bytes),
        &mut std::io::sink(),
    )?;
    let segment = scan_segment(
        text,
        Origin {
            byte: dialect.skip_bytes,
            line: dialect.skip_lines,
        },
        &dialect,
        options,
        !options.no_header,
        text_encoding.is_utf8(),
    )?;
    finish(dialect, segment)
}

/// File offsets splitting `[start, end)` into about `parts` stretches, each
/// after a `\n` (a guess that the line break ends a record; `merge` checks).
fn segment_bounds(path: &Path, start: u64, end: u64, parts: usize) -> std::io::Result<Vec<u64>> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path)?;
    let mut bounds = vec![start];
    let mut buffer = vec![0u8; 64 * 1024];
    for part in 1..parts as u64 {
        let nominal = start + (end - start) * part / parts as u64;
        file.seek(SeekFrom::Start(nominal))?;
        let n = file.read(&mut buffer)?;
        if let Some(at) = buffer[..n].iter().position(|&b| b == b'\n') {
            let bound = nominal + at as u64 + 1;
            if bound > *bounds.last().expect("start") && bound < end {
                bounds.push(bound);
            }
        }
    }
    bounds.push(end);
    Ok(bounds)
}

/// One stretch of a UTF-8 file scanned by its own thread.
struct SegmentJob<'a> {
    path: &'a Path,
    file_range: (u64, u64),
    /// Where the stretch starts in the text after the byte-order mark.
    decoded_start: u64,
    expect_header: bool,
}

impl SegmentJob<'_> {
    fn run(
        &self,
        dialect: &Dialect,
        options: &CsvOptions,
        progress: ProgressRef,
    ) -> Result<Segment, ScanError> {
        use std::io::{Seek, SeekFrom};
        let (from, to) = self.file_range;
        let mut file = File::open(self.path)?;
        file.seek(SeekFrom::Start(from))?;
        let text = CountingReader::new(file.take(to - from), progress);
        // Lines are counted from 0 here; `merge` adds the lines before.
        let origin = Origin {
            byte: self.decoded_start,
            line: 0,
        };
        scan_segment(text, origin, dialect, options, self.expect_header, true)
    }
}

/// The last record of a stretch, for the end-of-file checks.
#[derive(Debug, Clone, Copy)]
struct LastRecord {
    line: u64,
    fields: usize,
    /// Whether the stretch ends inside this record's quoted field (`None`
    /// when the record is too long to tell).
    inside_quotes: Option<bool>,
    is_header: bool,
}

/// What pass 1 learned from one stretch of the file.
struct Segment {
    header: Option<Vec<String>>,
    columns: Vec<ColumnState>,
    /// Rows by field count: ragged rows are counted against the header.
    widths: std::collections::BTreeMap<usize, u64>,
    rows: u64,
    chunks: Vec<Chunk>,
    last: Option<LastRecord>,
    ends_with_newline: bool,
    /// Lines the stretch holds (line breaks seen by the parser).
    lines: u64,
}

/// Reads every record of `text` (already past any skipped title lines).
fn scan_segment<R: Read>(
    text: R,
    origin: Origin,
    dialect: &Dialect,
    options: &CsvOptions,
    expect_header: bool,
    check_utf8: bool,
) -> Result<Segment, ScanError> {
    let mut reader = dialect.reader_builder().from_reader(TailReader::new(text));
    let mut record = csv::ByteRecord::new();
    let mut segment = Segment {
        header: None,
        columns: Vec::new(),
        widths: Default::default(),
        rows: 0,
        chunks: Vec::new(),
        last: None,
        ends_with_newline: false,
        lines: 0,
    };
    let mut chunk_bytes = 0usize;
    let mut last_start = 0u64;

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
        last_start = relative.byte();
        let is_header = expect_header && segment.header.is_none();
        segment.last = Some(LastRecord {
            line: position.line(),
            fields: record.len(),
            inside_quotes: None,
            is_header,
        });
        if is_header {
            let names: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            segment.columns = vec![ColumnState::new(options.all_strings, 0); names.len()];
            segment.header = Some(names);
            continue;
        }

        let fields = record.len();
        *segment.widths.entry(fields).or_default() += 1;
        let width = segment.columns.len();
        if fields < width {
            for column in &mut segment.columns[fields..] {
                column.empty += 1;
            }
        } else if fields > width {
            let rows = segment.rows;
            segment
                .columns
                .extend((width..fields).map(|_| ColumnState::new(options.all_strings, rows)));
        }
        for (column, cell) in segment.columns.iter_mut().zip(record.iter()) {
            column.observe(cell);
        }
        segment.rows += 1;
        match segment.chunks.last_mut() {
            Some(chunk) if chunk.rows < BATCH_ROWS as u64 && chunk_bytes < BATCH_BYTES => {
                chunk.rows += 1;
                chunk_bytes += record.as_slice().len();
            }
            _ => {
                segment.chunks.push(Chunk {
                    start: position,
                    rows: 1,
                });
                chunk_bytes = record.as_slice().len();
            }
        }
    }
    segment.lines = reader.position().line().saturating_sub(1);
    let tail = reader.get_ref();
    segment.ends_with_newline = tail.ends_with_newline();
    if let Some(last) = &mut segment.last {
        last.inside_quotes = tail
            .since(last_start)
            .map(|text| ends_inside_quotes(text, dialect.delimiter, dialect.escape));
    }
    Ok(segment)
}

/// Joins the stretches of a parallel scan, in file order. `None` when a
/// boundary turned out to lie inside a quoted field (or a record too long
/// to check), so the guess that split the file was wrong.
fn merge(
    parts: Vec<Result<Segment, ScanError>>,
    skip_lines: u64,
    all_strings: bool,
) -> Result<Option<Segment>, ScanError> {
    let count = parts.len();
    let mut merged: Option<Segment> = None;
    let mut line_offset = skip_lines;
    for (index, part) in parts.into_iter().enumerate() {
        let mut part = match part {
            Ok(part) => part,
            Err(ScanError::NotUtf8 { line }) => {
                return Err(ScanError::NotUtf8 {
                    line: line + line_offset,
                })
            }
            Err(other) => return Err(other),
        };
        if index + 1 < count {
            if let Some(last) = &part.last {
                if last.inside_quotes != Some(false) {
                    return Ok(None);
                }
            }
        }
        for chunk in &mut part.chunks {
            let line = chunk.start.line() + line_offset;
            chunk.start.set_line(line);
        }
        if let Some(last) = &mut part.last {
            last.line += line_offset;
        }
        line_offset += part.lines;
        merged = Some(match merged {
            None => part,
            Some(mut whole) => {
                let width = whole.columns.len().max(part.columns.len());
                let (whole_rows, part_rows) = (whole.rows, part.rows);
                whole
                    .columns
                    .resize_with(width, || ColumnState::new(all_strings, whole_rows));
                part.columns
                    .resize_with(width, || ColumnState::new(all_strings, part_rows));
                for (into, from) in whole.columns.iter_mut().zip(&part.columns) {
                    into.absorb(from);
                }
                for (fields, n) in part.widths {
                    *whole.widths.entry(fields).or_default() += n;
                }
                whole.rows += part.rows;
                whole.chunks.append(&mut part.chunks);
                if part.last.is_some() {
                    whole.last = part.last;
                }
                whole.ends_with_newline = part.ends_with_newline;
                whole.lines += part.lines;
                whole
            }
        });
    }
    Ok(merged)
}

/// Counts, names and end-of-file checks of the whole file.
fn finish(dialect: Dialect, segment: Segment) -> Result<Scan, ScanError> {
    let Segment {
        header,
        columns,
        widths,
        rows,
        chunks,
        last,
        ends_with_newline,
        ..
    } = segment;
    if header.is_none() && rows == 0 {
        return Err(CsvError::Empty.into());
    }
    // Rows are short or long against the header; without one, against the
    // widest row.
    let width = header.as_ref().map_or(columns.len(), Vec::len);
    let short_rows: u64 = widths.range(..width).map(|(_, n)| n).sum();
    let long_rows: u64 = widths.range(width + 1..).map(|(_, n)| n).sum();

    if let Some(last) = last {
        if last.inside_quotes == Some(true) {
            return Err(CsvError::UnterminatedQuote { line: last.line }.into());
        }
        // A short last row is a cut-off copy when every other row is whole
        // and no line break follows it.
        if !last.is_header && last.fields < width && short_rows == 1 && !ends_with_newline {
            return Err(CsvError::TruncatedRow {
                line: last.line,
                fields: last.fields,
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
