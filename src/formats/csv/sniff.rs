//! Guessing the dialect of a delimited file from a decoded sample.
//!
//! Delimiter: each candidate (`,` `;` tab `|` `:`) splits the sample with the
//! real CSV parser (so quoted delimiters do not count); the winner gives the
//! most records the same field count, with more than one field. Title lines
//! before the header (fewer fields than the table) are counted so the scanner
//! can skip them, as exports from Excel and statistics offices often have.
//! Backslash-escaped quotes (`\"`) are recognised when the sample has them and
//! no doubled quotes inside text.

use crate::formats::title_block::{most_common, title_rows};

/// Delimiters tried, in order of preference on a tie.
pub const CANDIDATES: [u8; 5] = [b',', b';', b'\t', b'|', b':'];

/// Records looked at in the sample.
const SAMPLE_RECORDS: usize = 2000;

/// How to split the file into records and fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub escape: Option<u8>,
    /// Bytes of decoded text before the header (title lines), skipped
    /// before the CSV parser sees the stream.
    pub skip_bytes: u64,
    /// How many lines those bytes hold.
    pub skip_lines: u64,
}

impl Dialect {
    /// A `csv` reader builder for this dialect (headers handled by the caller).
    pub fn reader_builder(&self) -> csv::ReaderBuilder {
        let mut builder = csv::ReaderBuilder::new();
        builder
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .escape(self.escape)
            .buffer_capacity(256 * 1024);
        builder
    }
}

/// What the sniffer may decide by itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct SniffOptions {
    pub delimiter: Option<u8>,
    /// `--skip-rows`: lines to skip, instead of detecting title lines.
    pub skip_lines: Option<u64>,
    /// Title lines are only detected above a header.
    pub has_header: bool,
    /// The sample is the whole file (its last record is complete).
    pub whole_file: bool,
}

/// Guesses the dialect from a decoded sample.
pub fn sniff(sample: &[u8], options: SniffOptions) -> Dialect {
    let escape = detect_backslash_escape(sample);
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| best_delimiter(sample, escape, options.whole_file));
    let skip_bytes = match options.skip_lines {
        Some(lines) => offset_after_lines(sample, lines),
        None if options.has_header => {
            title_bytes(&records(sample, delimiter, escape, options.whole_file))
        }
        None => 0,
    };
    Dialect {
        delimiter,
        escape,
        skip_bytes,
        skip_lines: options
            .skip_lines
            .unwrap_or_else(|| count_lines(&sample[..skip_bytes as usize])),
    }
}

/// Where line `lines + 1` starts (`\n`, `\r\n` and `\r` end lines); the end of
/// the sample if it holds fewer lines.
fn offset_after_lines(sample: &[u8], lines: u64) -> u64 {
    let mut seen = 0;
    let mut i = 0;
    while seen < lines && i < sample.len() {
        match sample[i] {
            b'\n' => seen += 1,
            b'\r' if sample.get(i + 1) != Some(&b'\n') => seen += 1,
            _ => {}
        }
        i += 1;
    }
    i as u64
}

fn count_lines(text: &[u8]) -> u64 {
    let mut lines = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
            lines += 1;
        }
    }
    lines
}

/// A record of the sample: where the parser started it (the end of the
/// previous record) and its field count.
#[derive(Debug, Clone, Copy)]
struct SampleRecord {
    byte: u64,
    fields: usize,
}

fn records(sample: &[u8], delimiter: u8, escape: Option<u8>, whole: bool) -> Vec<SampleRecord> {
    let dialect = Dialect {
        delimiter,
        escape,
        skip_bytes: 0,
        skip_lines: 0,
    };
    let mut reader = dialect.reader_builder().from_reader(sample);
    let mut record = csv::ByteRecord::new();
    let mut records = Vec::new();
    while records.len() < SAMPLE_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => records.push(SampleRecord {
                byte: record.position().map_or(0, |p| p.byte()),
                fields: record.len(),
            }),
            _ => break,
        }
    }
    // A sample cut from a longer file may end inside its last record.
    if !whole && records.len() > 1 && records.len() < SAMPLE_RECORDS {
        records.pop();
    }
    records
}

/// The most frequent field count (the larger on a tie) and how often it occurs.
fn best_delimiter(sample: &[u8], escape: Option<u8>, whole: bool) -> u8 {
    let mut best = (b',', 0.0f64);
    for &candidate in &CANDIDATES {
        if !sample.contains(&candidate) {
            continue;
        }
        let records = records(sample, candidate, escape, whole);
        let Some(first) = records.first() else {
            continue;
        };
        // Colons appear in times and titles: a colon-delimited file must
        // split its very first line too.
        if candidate == b':' && first.fields < 2 {
            continue;
        }
        let widths: Vec<usize> = records.iter().map(|r| r.fields).collect();
        let (fields, freq) = most_common(&widths);
        if fields < 2 {
            continue;
        }
        // Consistency first; more columns breaks near-ties (a `:` inside
        // timestamps splits every row the same way, but into fewer fields
        // than the real delimiter).
        let consistency = freq as f64 / records.len() as f64;
        let score = consistency + (fields as f64).ln() * 1e-3;
        if score > best.1 + 1e-9 {
            best = (candidate, score);
        }
    }
    best.0
}

/// Bytes before the header: the title block of the shared rule (leading
/// one-field records, a title or a `#` comment, above rows of the table's
/// width).
fn title_bytes(records: &[SampleRecord]) -> u64 {
    let widths: Vec<usize> = records.iter().map(|r| r.fields).collect();
    match title_rows(&widths) {
        0 => 0,
        lead => records[lead].byte,
    }
}

/// `\"` inside quoted text, and no `""` inside text, means backslash escapes.
fn detect_backslash_escape(sample: &[u8]) -> Option<u8> {
    let mut backslash = 0;
    let mut doubled = 0;
    for window in sample.windows(3) {
        match window {
            [b'\\', b'"', next] if !matches!(next, b',' | b';' | b'\t' | b'|' | b'\n' | b'\r') => {
                backslash += 1
            }
            [prev, b'"', b'"'] if prev.is_ascii_alphanumeric() || *prev == b' ' => doubled += 1,
            _ => {}
        }
    }
    (backslash > 0 && doubled == 0).then_some(b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(sample: &[u8]) -> Dialect {
        sniff(
            sample,
            SniffOptions {
                has_header: true,
                whole_file: true,
                ..Default::default()
            },
        )
    }

    #[test]
    fn picks_the_consistent_delimiter() {
        assert_eq!(sniffed(b"a;b;c\n1;2,5;3\n4;5;6\n7;8;9\n").delimiter, b';');
        assert_eq!(sniffed(b"a\tb\n\"x,y\"\t2\n3\t4\n5\t6\n").delimiter, b'\t');
        assert_eq!(sniffed(b"a|b\n1|2\n3|4\n").delimiter, b'|');
        assert_eq!(
            sniffed(b"id,at\n1,2024-01-01 10:00:00\n2,2024-01-01 11:00:00\n3,x\n").delimiter,
            b','
        );
        assert_eq!(sniffed(b"single\nx\ny\n").delimiter, b',');
    }

    #[test]
    fn a_column_of_times_is_not_colon_delimited() {
        let dialect = sniffed(b"t\n10:00\n11:30\n12:45\n");
        assert_eq!((dialect.delimiter, dialect.skip_bytes), (b',', 0));
        assert_eq!(sniffed(b"a:b\n1:2\n3:4\n").delimiter, b':');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let sample = b"a,b\n\"1;2;3\",x\n\"4;5;6\",y\n\"7;8;9\",z\n";
        assert_eq!(sniffed(sample).delimiter, b',');
    }

    #[test]
    fn title_lines_before_the_table_are_skipped() {
        let sample = b"# comment\n\nf1,f2,f3\n1,2,3\n4,5,6\n7,8,9\n";
        let dialect = sniffed(sample);
        assert_eq!((dialect.skip_bytes, dialect.skip_lines), (10, 1));
        assert_eq!(sniffed(b"a,b\n1,2\n3,4\n5,6\n").skip_lines, 0);
        let forced = SniffOptions {
            skip_lines: Some(0),
            has_header: true,
            whole_file: true,
            ..Default::default()
        };
        assert_eq!(sniff(sample, forced).skip_bytes, 0);
        let three = SniffOptions {
            skip_lines: Some(3),
            ..forced
        };
        assert_eq!(sniff(b"\n\r\n\ra,b\n1,2\n", three).skip_bytes, 4);
    }

    #[test]
    fn a_short_header_is_not_a_title() {
        assert_eq!(sniffed(b"id,name\n1,a,\n2,b,\n3,c,\n").skip_bytes, 0);
    }

    #[test]
    fn backslash_escapes() {
        assert_eq!(
            sniffed(b"\"\\\"Hacksaw\\\" Jim\";1987\n\"Bret \\\"Hit\\\" Hart\";1984\n").escape,
            Some(b'\\')
        );
        assert_eq!(sniffed(b"a,b\n1,\"say \"\"hi\"\"\"\n").escape, None);
    }
}
