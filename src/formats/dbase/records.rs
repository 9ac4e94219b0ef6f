//! The records after the header, in chunks of whole records: how many the
//! file really holds against what the header states (a truncated file, a
//! stale count), the bytes after the last one (the 0x1A end marker, or
//! junk), and the deletion flags.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use super::header::TableHeader;

/// The records a file holds, worked out from its length before reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSpan {
    /// Records the header states.
    pub stated: u64,
    /// Whole records present (at most `stated`).
    pub present: u64,
    /// The length of one record, the deletion flag included.
    pub stride: usize,
    /// Bytes after the stated records (or after the last whole record of a
    /// truncated file): the end marker and anything beyond it.
    pub trailing: u64,
    /// The bytes after the records are exactly one 0x1A end marker (or
    /// none): nothing worth a note.
    pub clean_end: bool,
}

impl RecordSpan {
    /// Works out the span of `header`'s records in a file of `file_length`
    /// bytes; `last_byte` is the file's last byte.
    pub fn of(header: &TableHeader, file_length: u64, last_byte: Option<u8>) -> RecordSpan {
        let stride = header.record_stride();
        let data = file_length.saturating_sub(header.header_length);
        let whole = data / stride as u64;
        let present = whole.min(header.record_count);
        let trailing = data - present * stride as u64;
        let clean_end = trailing == 0 || (trailing == 1 && last_byte == Some(0x1A));
        RecordSpan {
            stated: header.record_count,
            present,
            stride,
            trailing,
            clean_end,
        }
    }

    /// The bytes of the records present.
    pub fn bytes(&self) -> u64 {
        self.present * self.stride as u64
    }

    /// The file ends before the records its header states.
    pub fn is_truncated(&self) -> bool {
        self.present < self.stated
    }
}

/// What a record's first byte says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFlag {
    /// A blank: a live record.
    Live,
    /// `*`: deleted.
    Deleted,
    /// Any other byte (0x00 in some files): read as live, counted.
    Unusual,
}

impl RecordFlag {
    pub fn of(byte: u8) -> RecordFlag {
        match byte {
            b' ' => RecordFlag::Live,
            b'*' => RecordFlag::Deleted,
            _ => RecordFlag::Unusual,
        }
    }
}

/// Whole records, read in chunks.
pub struct RecordChunks {
    input: BufReader<File>,
    stride: usize,
    left: u64,
    per_chunk: usize,
}

impl RecordChunks {
    /// The records of `span`, starting at `header_length` in `file`, in
    /// chunks of about `chunk_bytes` bytes.
    pub fn new(
        mut file: File,
        header_length: u64,
        span: &RecordSpan,
        chunk_bytes: usize,
    ) -> io::Result<RecordChunks> {
        file.seek(SeekFrom::Start(header_length))?;
        Ok(RecordChunks {
            input: BufReader::with_capacity(1 << 16, file),
            stride: span.stride,
            left: span.present,
            per_chunk: (chunk_bytes / span.stride).max(1),
        })
    }

    /// The next chunk's bytes (whole records), or `None` after the last.
    pub fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.left == 0 {
            return Ok(None);
        }
        let records = (self.per_chunk as u64).min(self.left) as usize;
        let mut chunk = vec![0u8; records * self.stride];
        self.input.read_exact(&mut chunk)?;
        self.left -= records as u64;
        Ok(Some(chunk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::dbase::header::{Family, Field, Version};

    fn header(count: u64, stated_length: usize) -> TableHeader {
        TableHeader {
            version: Version {
                byte: 3,
                family: Family::Dbase,
            },
            last_update: None,
            record_count: count,
            header_length: 65,
            stated_record_length: stated_length,
            record_length: 11,
            language_driver: 0,
            language_driver_name: None,
            fields: vec![Field {
                name: b"A".to_vec(),
                kind: b'C',
                offset: 1,
                length: 10,
                decimals: 0,
                flags: 0,
            }],
        }
    }

    #[test]
    fn spans() {
        let h = header(3, 11);
        let clean = RecordSpan::of(&h, 65 + 33 + 1, Some(0x1A));
        assert_eq!(
            (clean.present, clean.trailing, clean.clean_end),
            (3, 1, true)
        );
        let junk = RecordSpan::of(&h, 65 + 33 + 5, Some(b'x'));
        assert_eq!((junk.present, junk.trailing, junk.clean_end), (3, 5, false));
        let truncated = RecordSpan::of(&h, 65 + 25, Some(b'x'));
        assert!(truncated.is_truncated());
        assert_eq!((truncated.present, truncated.trailing), (2, 3));
        // A header record length shorter than the fields: the fields win.
        assert_eq!(RecordSpan::of(&header(3, 10), 200, None).stride, 11);
    }
}
