//! dBase behind the format interface: open a table (header, memo file, code
//! page, the records' span), push its records into the sink as batches
//! decoded on several threads, and report in notes what the reader counted
//! and mended.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use arrow_schema::SchemaRef;

use super::batches::{ChunkCounts, ChunkDecoder};
use super::code_page::{self, CodePage};
use super::describe::TableInfo;
use super::fields::{self, Column, Decoder};
use super::header::TableHeader;
use super::memo::MemoFile;
use super::records::{RecordChunks, RecordSpan};
use super::values::{self, Parsed};
use super::{DbaseError, DbaseOptions};
use crate::formats::{
    Description, FormatError, InputFormat, ReadError, ReadOptions, ReadSummary, TableName,
    TableSink,
};
use crate::progress::ProgressRef;

/// The dBase reader.
pub struct Dbase;

impl InputFormat for Dbase {
    fn describe(
        &self,
        input: &Path,
        options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError> {
        describe(input, &options.dbase, options.all_strings)
    }

    fn read(
        &self,
        input: &Path,
        options: &ReadOptions,
        tables: &mut dyn TableSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        read_table(input, &options.dbase, options.all_strings, tables, progress)
    }
}

/// What `info` shows of the table at `input`.
pub fn describe(
    input: &Path,
    options: &DbaseOptions,
    all_strings: bool,
) -> Result<Box<dyn Description>, FormatError> {
    let table = DbaseTable::open(input, options).map_err(|e| failure(&e))?;
    let info = TableInfo::new(&table, all_strings).map_err(|e| failure(&e))?;
    Ok(Box::new(info))
}

/// Bytes of records decoded as one batch (and at most this many records):
/// a few chunks are in flight at once, raw and decoded.
const CHUNK_BYTES: usize = 2 << 20;
const CHUNK_RECORDS: usize = 16 * 1024;
/// Tables of fewer bytes of records are decoded on one thread.
const PARALLEL_FROM_BYTES: u64 = 16 << 20;
/// Bytes of records read to choose the code page, and of their memo texts.
const SAMPLE_BYTES: usize = 4 << 20;
const SAMPLE_MEMO_BYTES: usize = 1 << 20;

/// A table opened for reading: everything decided before the records are.
pub struct DbaseTable {
    pub path: PathBuf,
    pub header: TableHeader,
    pub span: RecordSpan,
    pub code_page: CodePage,
    pub columns: Vec<Column>,
    /// The memo file, when the table has memo fields and it was found.
    pub memo: Option<MemoFile>,
    /// Memo fields, when the table has some.
    pub memo_fields: usize,
    pub options: DbaseOptions,
}

impl DbaseTable {
    pub fn open(path: &Path, options: &DbaseOptions) -> Result<DbaseTable, DbaseError> {
        let file = File::open(path).map_err(DbaseError::Io)?;
        let file_length = file.metadata().map_err(DbaseError::Io)?.len();
        let mut input = BufReader::new(file);
        let header = TableHeader::read(&mut input, file_length)?;
        let last_byte = last_byte(input.get_mut(), file_length)?;
        let span = RecordSpan::of(&header, file_length, last_byte);
        let memo_fields = header
            .fields
            .iter()
            .filter(|f| fields::stored_in_memo(f, header.version.family))
            .count();
        let memo = match memo_fields {
            0 => None,
            count => match MemoFile::find(path, &header) {
                Some(memo_path) => Some(MemoFile::open(&memo_path, &header)?),
                None if options.ignore_missing_memo => None,
                None => {
                    return Err(DbaseError::MissingMemo {
                        expected: expected_memo_path(path, &header),
                        count,
                    })
                }
            },
        };
        let sample = text_sample(input.get_mut(), &header, &span, memo.as_ref())?;
        let code_page = code_page::choose(path, &header, options.encoding, &sample);
        let columns = fields::columns(&header, code_page.charset);
        Ok(DbaseTable {
            path: path.to_path_buf(),
            header,
            span,
            code_page,
            columns,
            memo,
            memo_fields,
            options: options.clone(),
        })
    }

    /// The table has memo fields and no memo file (`--ignore-missing-memo`).
    pub fn memo_missing(&self) -> bool {
        self.memo_fields > 0 && self.memo.is_none()
    }

    /// The name the table goes by: the file's stem.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn schema(&self, all_strings: bool) -> SchemaRef {
        fields::schema(&self.columns, all_strings, self.options.include_deleted)
    }
}

/// Reads the table at `input` into `tables`, as one whole-input table.
pub fn read_table(
    input: &Path,
    options: &DbaseOptions,
    all_strings: bool,
    tables: &mut dyn TableSink,
    progress: &ProgressRef,
) -> Result<ReadSummary, ReadError> {
    let table = DbaseTable::open(input, options)?;
    let schema = table.schema(all_strings);
    let name = table.name();
    let slot = tables.begin(TableName::whole(&name), &schema, None)?;
    let decoder = ChunkDecoder {
        header: &table.header,
        columns: &table.columns,
        schema,
        charset: table.code_page.charset,
        memo: table.memo.as_ref(),
        stride: table.span.stride,
        all_strings,
        keep_padding: options.keep_padding,
        include_deleted: options.include_deleted,
    };
    let file = File::open(input).map_err(DbaseError::Io)?;
    let chunk_bytes = CHUNK_BYTES.min(CHUNK_RECORDS * table.span.stride);
    let mut chunks = RecordChunks::new(file, table.header.header_length, &table.span, chunk_bytes)
        .map_err(DbaseError::Io)?;
    progress.start("reading", table.span.bytes());
    let threads = threads(options.threads, table.span.bytes());
    let mut counts = ChunkCounts::default();
    let mut rows = 0u64;
    let inputs = std::iter::from_fn(|| chunks.next_chunk().map_err(DbaseError::Io).transpose())
        .map(|chunk| chunk.map_err(ReadError::from));
    crate::parallel::map_in_order(
        threads,
        inputs,
        |chunk| {
            let decoded = decoder.decode(&chunk).map_err(ReadError::from);
            progress.advance(chunk.len() as u64);
            decoded
        },
        |(batch, chunk_counts)| {
            counts.add(&chunk_counts);
            rows += batch.num_rows() as u64;
            if batch.num_rows() > 0 {
                tables.write(slot, batch)?;
            }
            Ok(())
        },
    )?;
    let damage = table.span.is_truncated().then(|| {
        format!(
            "the file ends after record {} of the {} its header states (truncated)",
            table.span.present, table.span.stated
        )
    });
    tables.end(slot, rows, damage)?;
    Ok(ReadSummary {
        notes: notes(&table, &counts),
        retries: 0,
    })
}

/// Threads for `bytes` of records: one for small tables.
fn threads(configured: usize, bytes: u64) -> usize {
    if bytes < PARALLEL_FROM_BYTES {
        return 1;
    }
    match configured {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

fn failure(error: &DbaseError) -> FormatError {
    FormatError::new(error, error.hint())
}

impl From<DbaseError> for ReadError {
    fn from(error: DbaseError) -> ReadError {
        ReadError::Failed(failure(&error))
    }
}

/// The file's last byte (the end marker, usually).
fn last_byte(file: &mut File, length: u64) -> Result<Option<u8>, DbaseError> {
    if length == 0 {
        return Ok(None);
    }
    let mut byte = [0u8; 1];
    file.seek(SeekFrom::Start(length - 1))
        .map_err(DbaseError::Io)?;
    file.read_exact(&mut byte).map_err(DbaseError::Io)?;
    Ok(Some(byte[0]))
}

/// The bytes of the text fields (and field names) of the first records,
/// and of their first memo texts, to choose the code page from.
fn text_sample(
    file: &mut File,
    header: &TableHeader,
    span: &RecordSpan,
    memo: Option<&MemoFile>,
) -> Result<Vec<u8>, DbaseError> {
    let mut sample: Vec<u8> = header.fields.iter().flat_map(|f| f.name.clone()).collect();
    let of_kind = |wanted: &[Decoder]| -> Vec<&super::header::Field> {
        header
            .fields
            .iter()
            .filter(|f| wanted.contains(&fields::decoder(f, header.version.family)))
            .collect()
    };
    let text_fields = of_kind(&[Decoder::Text, Decoder::VarText]);
    let memo_fields = match memo {
        Some(_) => of_kind(&[Decoder::MemoText]),
        None => Vec::new(),
    };
    if (text_fields.is_empty() && memo_fields.is_empty()) || span.present == 0 {
        return Ok(sample);
    }
    let records = (SAMPLE_BYTES / span.stride)
        .max(1)
        .min(span.present as usize);
    let mut bytes = vec![0u8; records * span.stride];
    file.seek(SeekFrom::Start(header.header_length))
        .map_err(DbaseError::Io)?;
    file.read_exact(&mut bytes).map_err(DbaseError::Io)?;
    for record in bytes.chunks_exact(span.stride) {
        for field in &text_fields {
            sample.extend_from_slice(&record[field.offset..field.offset + field.length]);
        }
    }
    if let Some(memo) = memo {
        let mut memo_bytes = 0;
        'records: for record in bytes.chunks_exact(span.stride) {
            for field in &memo_fields {
                let pointer = &record[field.offset..field.offset + field.length];
                if let Parsed::Value(block) = values::memo_block(pointer) {
                    if let Some(text) = memo.read(block)? {
                        memo_bytes += text.len();
                        sample.extend_from_slice(&text);
                    }
                }
                if memo_bytes > SAMPLE_MEMO_BYTES {
                    break 'records;
                }
            }
        }
    }
    Ok(sample)
}

/// Where the memo file was expected: the table's stem with the extension
/// its version uses.
fn expected_memo_path(table: &Path, header: &TableHeader) -> PathBuf {
    let foxpro = matches!(header.version.byte, 0x30..=0x32 | 0xF5 | 0xFB);
    table.with_extension(if foxpro { "fpt" } else { "dbt" })
}

/// What the reader counted, chose or mended that the user should know.
fn notes(table: &DbaseTable, counts: &ChunkCounts) -> Vec<String> {
    let mut notes = Vec::new();
    let code_page = &table.code_page;
    if code_page.source == code_page::CodePageSource::Detected && !code_page.ascii_sample {
        let why = code_page
            .detail
            .clone()
            .unwrap_or_else(|| "the header names no code page".into());
        notes.push(format!("text read as {} ({why})", code_page.charset.name()));
    }
    if counts.unmapped_characters > 0 {
        notes.push(format!(
            "{} character(s) have no mapping in {} and were read as U+FFFD (or a control character)",
            counts.unmapped_characters,
            code_page.charset.name()
        ));
    }
    let header = &table.header;
    if header.stated_record_length < header.record_length {
        notes.push(format!(
            "the header states records of {} bytes but the fields add up to {}: read with the fields' length",
            header.stated_record_length, header.record_length
        ));
    }
    if !table.span.clean_end && !table.span.is_truncated() {
        notes.push(format!(
            "ignored {} byte(s) after the last record",
            table.span.trailing
        ));
    }
    if counts.deleted > 0 {
        notes.push(if table.options.include_deleted {
            format!(
                "{} deleted record(s) included, marked in the _deleted column (--include-deleted)",
                counts.deleted
            )
        } else {
            format!(
                "{} deleted record(s) skipped (--include-deleted keeps them)",
                counts.deleted
            )
        });
    }
    if counts.unusual_flags > 0 {
        notes.push(format!(
            "{} record(s) have a flag byte that is neither blank nor '*': read as live records",
            counts.unusual_flags
        ));
    }
    for (column, &count) in table.columns.iter().zip(&counts.invalid) {
        if count > 0 {
            let field = &header.fields[column.field];
            notes.push(format!(
                "column '{}': {count} value(s) do not fit its declared type {} and were read as null",
                column.name,
                fields::declared(field)
            ));
        }
    }
    if table.memo_missing() {
        notes.push(format!(
            "the memo file is missing: {} memo value(s) read as null (--ignore-missing-memo)",
            counts.memo_missing
        ));
    }
    notes
}
