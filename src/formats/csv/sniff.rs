//! Guessing the dialect of a delimited file from a decoded sample.
//!
//! Delimiter: each candidate (`,` `;` tab `|` `:`) splits the sample with the
//! real CSV parser (so quoted delimiters do not count); the winner gives the
//! most records the same field count, with more than one field. Title lines
//! before the header (fewer fields than the table) are counted so the scanner
//! can skip them, as exports from Excel and statistics offices often have.
//! Backslash-escaped quotes (`\"`) are recognised when the sample has them and
//! no doubled quotes inside text.

/// Delimiters tried, in order of preference on a tie.
pub const CANDIDATES: [u8; 5] = [b',', b';', b'\t', b'|', b':'];

/// Records looked at in the sample.
const SAMPLE_RECORDS: usize = 2000;
/// At most this many title lines are skipped before the header.
const MAX_PREAMBLE: usize = 20;

/// How to split the file into records and fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub escape: Option<u8>,
    /// Records (title lines) skipped before the header.
    pub skip_rows: usize,
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

/// Guesses the dialect. `forced_delimiter` and `forced_skip` come from flags.
pub fn sniff(sample: &[u8], forced_delimiter: Option<u8>, forced_skip: Option<usize>) -> Dialect {
    let escape = detect_backslash_escape(sample);
    let delimiter = forced_delimiter.unwrap_or_else(|| best_delimiter(sample, escape));
    let counts = field_counts(sample, delimiter, escape);
    let skip_rows = forced_skip.unwrap_or_else(|| preamble_len(&counts));
    Dialect {
        delimiter,
        escape,
        skip_rows,
    }
}

fn field_counts(sample: &[u8], delimiter: u8, escape: Option<u8>) -> Vec<usize> {
    let dialect = Dialect {
        delimiter,
        escape,
        skip_rows: 0,
    };
    let mut reader = dialect.reader_builder().from_reader(sample);
    let mut record = csv::ByteRecord::new();
    let mut counts = Vec::new();
    while counts.len() < SAMPLE_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => counts.push(record.len()),
            _ => break,
        }
    }
    // The sample may end inside the last record.
    if counts.len() > 1 {
        counts.pop();
    }
    counts
}

/// The most frequent field count (the larger on a tie) and how often it occurs.
fn mode(counts: &[usize]) -> (usize, usize) {
    let mut tally: std::collections::HashMap<usize, usize> = Default::default();
    for &c in counts {
        *tally.entry(c).or_default() += 1;
    }
    tally
        .into_iter()
        .max_by_key(|&(count, freq)| (freq, count))
        .unwrap_or((1, 0))
}

fn best_delimiter(sample: &[u8], escape: Option<u8>) -> u8 {
    let mut best = (b',', 0.0f64);
    for &candidate in &CANDIDATES {
        if !sample.contains(&candidate) {
            continue;
        }
        let counts = field_counts(sample, candidate, escape);
        if counts.is_empty() {
            continue;
        }
        let (fields, freq) = mode(&counts);
        if fields < 2 {
            continue;
        }
        // Consistency first; more columns breaks near-ties (a `:` inside
        // timestamps splits every row the same way, but into fewer fields
        // than the real delimiter).
        let consistency = freq as f64 / counts.len() as f64;
        let score = consistency + (fields as f64).ln() * 1e-3;
        if score > best.1 + 1e-9 {
            best = (candidate, score);
        }
    }
    best.0
}

/// Leading records with fewer fields than the table, followed by the table.
fn preamble_len(counts: &[usize]) -> usize {
    let (fields, freq) = mode(counts);
    if fields < 2 || freq < 2 {
        return 0;
    }
    let lead = counts
        .iter()
        .take(MAX_PREAMBLE + 1)
        .take_while(|&&c| c < fields)
        .count();
    if lead > MAX_PREAMBLE {
        return 0;
    }
    // Only a real table after the title: the next rows have the table's width.
    let after = &counts[lead..];
    let consistent = after.iter().take(5).filter(|&&c| c == fields).count();
    if lead > 0 && consistent >= after.len().clamp(1, 5) {
        lead
    } else {
        0
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

    #[test]
    fn picks_the_consistent_delimiter() {
        assert_eq!(
            sniff(b"a;b;c\n1;2,5;3\n4;5;6\n7;8;9\n", None, None).delimiter,
            b';'
        );
        assert_eq!(
            sniff(b"a\tb\n\"x,y\"\t2\n3\t4\n5\t6\n", None, None).delimiter,
            b'\t'
        );
        assert_eq!(sniff(b"a|b\n1|2\n3|4\n", None, None).delimiter, b'|');
        assert_eq!(
            sniff(
                b"id,at\n1,2024-01-01 10:00:00\n2,2024-01-01 11:00:00\n3,x\n",
                None,
                None
            )
            .delimiter,
            b','
        );
        assert_eq!(sniff(b"single\nx\ny\n", None, None).delimiter, b',');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let sample = b"a,b\n\"1;2;3\",x\n\"4;5;6\",y\n\"7;8;9\",z\n";
        assert_eq!(sniff(sample, None, None).delimiter, b',');
    }

    #[test]
    fn title_lines_before_the_table_are_skipped() {
        let sample = b"# comment\nf1,f2,f3\n1,2,3\n4,5,6\n7,8,9\n";
        assert_eq!(sniff(sample, None, None).skip_rows, 1);
        assert_eq!(sniff(b"a,b\n1,2\n3,4\n5,6\n", None, None).skip_rows, 0);
        assert_eq!(sniff(sample, None, Some(0)).skip_rows, 0);
    }

    #[test]
    fn backslash_escapes() {
        assert_eq!(
            sniff(
                b"\"\\\"Hacksaw\\\" Jim\";1987\n\"Bret \\\"Hit\\\" Hart\";1984\n",
                None,
                None
            )
            .escape,
            Some(b'\\')
        );
        assert_eq!(
            sniff(b"a,b\n1,\"say \"\"hi\"\"\"\n", None, None).escape,
            None
        );
    }
}
