//! Delimited text (CSV, TSV, PSV) to Arrow record batches.
//!
//! Two passes over the file, both streaming with bounded memory:
//! 1. [`CsvTable::open`] sniffs the encoding and dialect from a sample, then
//!    reads the whole file once to infer every column's type from all of its
//!    cells (a late value that does not fit widens the type, it is never lost)
//!    and to count rows, ragged rows and nulls. It also catches files that end
//!    inside a quoted field or mid-row: the marks of a truncated copy.
//! 2. [`CsvTable::batches`] reads the file again and yields typed batches.
//!
//! Module map: `encoding` (which encoding, UTF-8 reader), `sniff` (dialect),
//! `values` (cell → typed value, shared by both passes), `scan` (pass 1),
//! `batches` (pass 2), `tail` (end-of-file checks); `format` puts it behind
//! the format interface, `describe` is what `info` shows.

mod batches;
mod describe;
mod encoding;
mod format;
mod scan;
mod sniff;
mod tail;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_schema::{Field, Schema, SchemaRef};

pub use crate::formats::typed_text::{ColumnType, DateOrder};
pub use encoding::{EncodingSource, TextEncoding, Utf8Evidence};
pub use sniff::Dialect;

use crate::formats::{FormatEntry, OutputLayout};

/// The registry entry.
pub const FORMAT: FormatEntry = FormatEntry {
    id: "csv",
    name: "CSV",
    extensions: &["csv", "tsv", "psv", "tab"],
    description: "delimited text (comma, semicolon, tab, pipe, colon)",
    layout: OutputLayout::File,
    text_by_default: false,
    needs_local_copy: false,
    reader: &format::Csv,
};

use crate::progress::ProgressRef;

/// Bytes read from the start of the file to sniff encoding and dialect.
const SAMPLE_BYTES: usize = 256 * 1024;

/// What the user told us about the file (everything else is detected).
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    pub delimiter: Option<u8>,
    pub encoding: Option<crate::formats::charset::Charset>,
    /// `false` with `--no-header`: names become `column_1`, `column_2`, ...
    pub no_header: bool,
    /// `--skip-rows`: lines before the header, instead of detecting title lines.
    pub skip_lines: Option<u64>,
    /// Every column as text (pyforge-cli 1.0.9's behaviour).
    pub all_strings: bool,
    /// Threads that build batches in pass 2 (0: one per CPU).
    pub threads: usize,
    /// `--encoding-errors replace`: invalid bytes of a UTF-8 file become
    /// U+FFFD instead of failing the file.
    pub replace_invalid: bool,
}

/// Why a delimited file cannot be read. Messages name the cause; the caller
/// puts the file name in front.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("--skip-rows {skip} skips every line: the file has {lines} line(s)")]
    SkippedEverything { skip: u64, lines: u64 },
    #[error("not a text file: {0}")]
    Binary(String),
    #[error("invalid UTF-8 on line {line}")]
    InvalidUtf8 { line: u64 },
    #[error("invalid UTF-8 on line {line} of a UTF-8 file ({})", .evidence.describe())]
    InvalidBytesInUtf8 { line: u64, evidence: Utf8Evidence },
    #[error("malformed CSV on line {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("the file ends inside a quoted field that starts on line {line}: it looks truncated")]
    UnterminatedQuote { line: u64 },
    #[error(
        "the last row (line {line}) has {fields} of {expected} fields and no line break after it: \
         the file looks truncated"
    )]
    TruncatedRow {
        line: u64,
        fields: usize,
        expected: usize,
    },
    #[error("the file changed while it was being read ({0})")]
    Changed(String),
}

impl CsvError {
    /// What the user can do about it, where there is something.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            CsvError::InvalidUtf8 { .. } => Some(
                "pass --encoding with the file's encoding (for example --encoding windows-1252)",
            ),
            CsvError::InvalidBytesInUtf8 { .. } => Some(
                "--encoding-errors replace reads the bad bytes as U+FFFD (counted in the summary); \
                 --encoding reads the whole file in another encoding",
            ),
            CsvError::TruncatedRow { .. } | CsvError::UnterminatedQuote { .. } => {
                Some("check that the file was copied completely")
            }
            CsvError::Binary(_) => Some("run `pyforge formats` for the formats pyforge reads"),
            _ => None,
        }
    }
}

/// One column as inferred from the whole file.
#[derive(Debug, Clone)]
pub struct CsvColumn {
    pub name: String,
    pub column_type: ColumnType,
    /// Cells written as null: empty, or a null token in a typed column.
    pub nulls: u64,
}

/// A delimited file after the first pass: its dialect, columns and counts.
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub path: PathBuf,
    pub encoding: TextEncoding,
    pub dialect: Dialect,
    pub has_header: bool,
    pub columns: Vec<CsvColumn>,
    /// Data rows (the header and skipped title lines excluded).
    pub rows: u64,
    /// Rows with fewer fields than the table: padded with nulls.
    pub short_rows: u64,
    /// Rows with more fields than the header: the extra cells get columns of their own.
    pub long_rows: u64,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Why the encoding was chosen, when the sample alone did not decide:
    /// the whole file's UTF-8 evidence.
    pub encoding_evidence: Option<Utf8Evidence>,
    /// Invalid byte sequences read as U+FFFD (`--encoding-errors replace`).
    pub replaced_sequences: u64,
    /// Where pass 2 may start reading in parallel (UTF-8 files only).
    chunks: Vec<scan::Chunk>,
    /// Threads for pass 2.
    threads: usize,
}

impl CsvTable {
    /// Runs the first pass: detection, type inference and checks.
    pub fn open(
        path: &Path,
        options: &CsvOptions,
        progress: ProgressRef,
    ) -> Result<CsvTable, CsvError> {
        let mut file = File::open(path)?;
        let bytes = file.metadata()?.len();
        let mut sample = Vec::with_capacity(SAMPLE_BYTES.min(bytes as usize));
        (&mut file)
            .take(SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)?;
        let whole = sample.len() as u64 >= bytes;

        let mut text_encoding = encoding::detect(&sample, whole, options.encoding);
        let is_utf16 = matches!(text_encoding.encoding.name(), "UTF-16LE" | "UTF-16BE");
        if text_encoding.source == EncodingSource::Detected && !is_utf16 {
            reject_binary(&sample)?;
        }
        if sample[text_encoding.bom_len..]
            .iter()
            .all(u8::is_ascii_whitespace)
            && whole
        {
            return Err(CsvError::Empty);
        }

        let mut attempt = scan::scan(
            path,
            &sample,
            whole,
            text_encoding,
            options,
            progress.clone(),
            bytes,
        );
        let mut encoding_evidence = None;
        let mut replaced_sequences = 0;
        if let Err(scan::ScanError::NotUtf8 { line }) = attempt {
            // The sample decided UTF-8 but a later line is not: the whole
            // file decides between a UTF-8 file with bad bytes and a legacy
            // encoding.
            let evidence = encoding::Utf8Evidence::of_file(File::open(path)?)?;
            encoding_evidence = Some(evidence);
            let forced = text_encoding.source == EncodingSource::Forced;
            if evidence.says_utf8() || forced {
                if !options.replace_invalid {
                    return Err(if forced {
                        CsvError::InvalidUtf8 { line }
                    } else {
                        CsvError::InvalidBytesInUtf8 { line, evidence }
                    });
                }
                replaced_sequences = evidence.invalid;
                text_encoding.replace_invalid = true;
            } else {
                let guess = encoding::guess_whole_file(File::open(path)?)?;
                if guess == encoding_rs::UTF_8 {
                    return Err(CsvError::InvalidUtf8 { line });
                }
                tracing::info!(
                    "{}: line {line} is not UTF-8 and the file holds {}; reading it as {}",
                    path.display(),
                    evidence.describe(),
                    guess.name()
                );
                text_encoding = TextEncoding {
                    encoding: crate::formats::charset::Charset::Standard(guess),
                    bom_len: 0,
                    source: EncodingSource::Detected,
                    replace_invalid: false,
                };
            }
            attempt = scan::scan(
                path,
                &sample,
                whole,
                text_encoding,
                options,
                progress,
                bytes,
            );
        }
        let scan = match attempt.map_err(scan::ScanError::into_csv_error) {
            Err(CsvError::Empty) if options.skip_lines.is_some_and(|n| n > 0) => {
                return Err(CsvError::SkippedEverything {
                    skip: options.skip_lines.unwrap_or_default(),
                    lines: count_lines(File::open(path)?)?,
                })
            }
            other => other?,
        };
        Ok(CsvTable {
            path: path.to_path_buf(),
            encoding: text_encoding,
            dialect: scan.dialect,
            has_header: !options.no_header,
            columns: scan.columns,
            rows: scan.rows,
            short_rows: scan.short_rows,
            long_rows: scan.long_rows,
            bytes,
            encoding_evidence,
            replaced_sequences,
            chunks: scan.chunks,
            threads: options.threads,
        })
    }

    /// The Arrow schema of the batches (names as in the file; the sink makes
    /// them unique).
    pub fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| Field::new(&c.name, c.column_type.arrow_type(), true))
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// Runs the second pass: every batch, in file order, into `consume`,
    /// until the file or `consume` fails.
    pub fn for_each_batch<E: From<CsvError> + Send>(
        &self,
        progress: ProgressRef,
        consume: impl FnMut(arrow_array::RecordBatch) -> Result<(), E>,
    ) -> Result<(), E> {
        batches::for_each_batch(self, progress, consume)
    }
}

/// Lines in a file (a last line without a line break counts).
fn count_lines(file: File) -> std::io::Result<u64> {
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let buffer = std::io::BufRead::fill_buf(&mut reader)?;
        let Some(&end) = buffer.last() else { break };
        lines += buffer.iter().filter(|&&b| b == b'\n').count() as u64;
        last = end;
        let n = buffer.len();
        std::io::BufRead::consume(&mut reader, n);
    }
    Ok(lines + u64::from(last != b'\n'))
}

/// Refuses files that are clearly not text: known binary formats by their
/// magic number, and anything with many control bytes.
fn reject_binary(sample: &[u8]) -> Result<(), CsvError> {
    const MAGIC: [(&[u8], &str); 7] = [
        (
            b"PK\x03\x04",
            "it is a ZIP archive (an .xlsx or .docx file?)",
        ),
        (
            b"\xD0\xCF\x11\xE0",
            "it is an OLE2 document (an .xls or .doc file?)",
        ),
        (b"%PDF", "it is a PDF document"),
        (b"PAR1", "it is already a Parquet file"),
        (
            b"\x00\x01\x00\x00Standard",
            "it is a Microsoft Access database",
        ),
        (b"\x1F\x8B", "it is gzip-compressed (decompress it first)"),
        (b"\x89PNG", "it is a PNG image"),
    ];
    for (magic, what) in MAGIC {
        if sample.starts_with(magic) {
            return Err(CsvError::Binary(what.to_string()));
        }
    }
    let head = &sample[..sample.len().min(8192)];
    if head.len() >= 64 {
        let control = head
            .iter()
            .filter(|&&b| matches!(b, 0..=8 | 14..=26 | 28..=31 | 127))
            .count();
        if control * 20 > head.len() {
            return Err(CsvError::Binary(format!(
                "{control} of its first {} bytes are control characters",
                head.len()
            )));
        }
    }
    Ok(())
}
