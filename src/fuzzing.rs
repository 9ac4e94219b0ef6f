//! Entry points for the `cargo fuzz` targets in `fuzz/`: each native reader
//! reads arbitrary bytes exactly as `convert` would, writing nothing. A
//! reader may refuse the bytes with an error; it must never panic, hang or
//! grow without bound.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use crate::formats::csv::{CsvError, CsvOptions, CsvTable};
use crate::formats::excel::ExcelOptions;
use crate::formats::{FormatError, Stop, TableName, TableSink, TableSlot};
use crate::progress::NoProgress;

/// A file of this process for the bytes under test, with `extension` (the
/// readers read a path, some of them twice).
fn scratch_file(bytes: &[u8], extension: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("pyforge-fuzz-{}.{extension}", std::process::id()));
    std::fs::write(&path, bytes).expect("the fuzz scratch file can be written");
    path
}

/// Reads `bytes` as a delimited file: both passes, every batch built.
pub fn csv(bytes: &[u8]) {
    let path = scratch_file(bytes, "csv");
    let options = CsvOptions {
        threads: 1,
        ..CsvOptions::default()
    };
    let Ok(table) = CsvTable::open(&path, &options, Arc::new(NoProgress)) else {
        return;
    };
    let _ = table.schema();
    let _ = table.for_each_batch(Arc::new(NoProgress), |_| Ok::<(), CsvError>(()));
}

/// Reads `bytes` as a workbook: every sheet, both passes, every batch built
/// (merged areas filled, so that path runs too). The scratch file is named
/// `.xls`, so that the bytes alone decide the kind.
pub fn excel(bytes: &[u8]) {
    let path = scratch_file(bytes, "xls");
    let options = ExcelOptions {
        fill_merged: true,
        ..ExcelOptions::default()
    };
    let progress: crate::progress::ProgressRef = Arc::new(NoProgress);
    let _ = crate::formats::excel::read_all(&path, &options, false, &mut Discard, &progress);
}

/// Reads `bytes` as a dBase table and its memo file: the first two bytes
/// say how many of the rest are the table (the others are the memo file,
/// `.fpt` or `.dbt` as the third byte's low bit says). Both `info`'s
/// description and every batch, deleted records included.
pub fn dbase(bytes: &[u8]) {
    let Some((&[low, high, kind], rest)) = bytes.split_first_chunk::<3>() else {
        return;
    };
    let table_length = usize::from(u16::from_le_bytes([low, high])).min(rest.len());
    let (table, memo) = rest.split_at(table_length);
    let path = scratch_file(table, "dbf");
    let memo_extension = if kind & 1 == 0 { "fpt" } else { "dbt" };
    let other = if kind & 1 == 0 { "dbt" } else { "fpt" };
    let _ = std::fs::remove_file(path.with_extension(other));
    std::fs::write(path.with_extension(memo_extension), memo)
        .expect("the fuzz scratch memo file can be written");
    let options = crate::formats::dbase::DbaseOptions {
        include_deleted: true,
        threads: 1,
        ..Default::default()
    };
    let _ = crate::formats::dbase::describe_table(&path, &options);
    let progress: crate::progress::ProgressRef = Arc::new(NoProgress);
    let _ =
        crate::formats::dbase::read_table(&path, &options, kind & 2 != 0, &mut Discard, &progress);
}

/// Reads `bytes` as an XML document: the first byte chooses the options
/// (bits 0-1 the flatten strategy, 2-3 the array handling, 4-5 the
/// namespace handling, 6 `--all-strings`), the rest is the document; both
/// passes, every batch built, and the preview. Limits are small, so that
/// a fuzzed entity or text cannot take the fuzzer's time.
pub fn xml(bytes: &[u8]) {
    use crate::formats::xml::{ArrayHandling, Flatten, Limits, Namespaces, XmlOptions};
    let Some((&choice, document)) = bytes.split_first() else {
        return;
    };
    let path = scratch_file(document, "xml");
    let options = XmlOptions {
        flatten: [
            Flatten::Conservative,
            Flatten::Moderate,
            Flatten::Aggressive,
        ][usize::from(choice & 3) % 3],
        arrays: match (choice >> 2) & 3 {
            0 => ArrayHandling::Expand,
            1 => ArrayHandling::Concatenate("; ".into()),
            _ => ArrayHandling::JsonString,
        },
        namespaces: [Namespaces::Preserve, Namespaces::Strip, Namespaces::Prefix]
            [usize::from((choice >> 4) & 3) % 3],
        limits: Limits {
            entity_expansion: 1 << 20,
            text_bytes: 1 << 20,
            paths: 2_000,
            ..Limits::DEFAULT
        },
        ..XmlOptions::default()
    };
    let all_strings = choice & 64 != 0;
    let _ = crate::formats::xml::preview_schema(&path, &options, all_strings);
    let progress: crate::progress::ProgressRef = Arc::new(NoProgress);
    let _ =
        crate::formats::xml::read_document(&path, &options, all_strings, &mut Discard, &progress);
}

/// Reads `bytes` as a PDF the way the PDF worker does, in this process:
/// open (with a password, so encrypted files take that path too), the
/// facts, then the text and images of the first 16 pages. A panic here is
/// what the worker contains; the fuzzer (built with panic=abort) stops on
/// it, so each one becomes a regression test.
pub fn pdf(bytes: &[u8]) {
    use crate::formats::pdf::document::PdfFile;
    let Ok(file) = PdfFile::from_bytes(bytes.to_vec(), Some("fuzz")) else {
        return;
    };
    for page in 1..=file.facts().pages.min(16) {
        let _ = file.page(page);
    }
}

/// A table sink that keeps nothing.
struct Discard;

impl TableSink for Discard {
    fn restart(&mut self) {}

    fn begin(&mut self, _: TableName, _: &SchemaRef, _: Option<u64>) -> Result<TableSlot, Stop> {
        Ok(TableSlot::new(0))
    }

    fn write(&mut self, _: TableSlot, _: RecordBatch) -> Result<(), Stop> {
        Ok(())
    }

    fn end(&mut self, _: TableSlot, _: u64, _: Option<String>) -> Result<(), Stop> {
        Ok(())
    }

    fn failed(
        &mut self,
        _: &str,
        _: Option<TableSlot>,
        _: &FormatError,
        _: bool,
    ) -> Result<(), Stop> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// Inputs fuzzing found, and the classic hard cases: each must be read
    /// or refused, never panic.
    #[test]
    fn hard_inputs_are_read_or_refused() {
        let cases: &[&[u8]] = &[
            b"",
            b"\n\n\n",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\"",
            b"a,b\n\"1,2\n",
            b"a\n\x00\x00\x00\x00",
            b"a,a,A,a_2\n1,2,3,4\n",
            b",,,\n,,,\n",
            b"a;b\r1;2\r\r3",
            b"x\n1\n2.5\n1e400\n-\n",
            b"d\n2024-02-30\n0000-01-01\n9999-12-31T23:59:59.9999999Z\n",
            b"\xc3\n\xa9\xff,\xfe\n",
        ];
        for case in cases {
            super::csv(case);
        }
    }

    /// Workbooks fuzzing found (tests/data/excel/fuzz/): each is read or
    /// refused, never panics, loops or grows without bound.
    #[test]
    fn hard_workbooks_are_read_or_refused() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/excel/fuzz");
        for entry in std::fs::read_dir(dir).expect("the fuzz finds") {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            super::excel(&bytes);
        }
        for case in [&b""[..], b"PK\x03\x04", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"] {
            super::excel(case);
        }
    }
}
