//! Remembers the end of a text stream, for the truncation checks at end of file.
//!
//! A file cut off by a failed copy usually ends inside a quoted field or in
//! the middle of a row. Both can only be seen at the very end, so the scanner
//! reads through a [`TailReader`] that keeps the last bytes it passed on.

use std::io::{self, Read};

/// Bytes of the stream's end kept in memory.
pub const TAIL_CAPACITY: usize = 1 << 20;

pub struct TailReader<R> {
    inner: R,
    tail: Vec<u8>,
    /// Bytes passed on so far.
    total: u64,
}

impl<R: Read> TailReader<R> {
    pub fn new(inner: R) -> Self {
        TailReader {
            inner,
            tail: Vec::with_capacity(TAIL_CAPACITY),
            total: 0,
        }
    }

    /// The stream from byte `start` to its end, if that is still kept.
    pub fn since(&self, start: u64) -> Option<&[u8]> {
        let wanted = self.total.checked_sub(start)? as usize;
        (wanted <= self.tail.len()).then(|| &self.tail[self.tail.len() - wanted..])
    }

    /// Whether the stream ended with a line break.
    pub fn ends_with_newline(&self) -> bool {
        matches!(self.tail.last(), Some(b'\n' | b'\r'))
    }
}

impl<R: Read> Read for TailReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let fresh = &buf[..n];
        if fresh.len() >= TAIL_CAPACITY {
            self.tail.clear();
            self.tail
                .extend_from_slice(&fresh[fresh.len() - TAIL_CAPACITY..]);
        } else {
            let overflow = (self.tail.len() + fresh.len()).saturating_sub(TAIL_CAPACITY);
            if overflow > 0 {
                self.tail.drain(..overflow);
            }
            self.tail.extend_from_slice(fresh);
        }
        self.total += n as u64;
        Ok(n)
    }
}

/// Whether `record` (the text of the last record up to end of file) ends
/// inside a quoted field.
pub fn ends_inside_quotes(record: &[u8], delimiter: u8, escape: Option<u8>) -> bool {
    let mut at_field_start = true;
    let mut in_quotes = false;
    let mut i = 0;
    while i < record.len() {
        let b = record[i];
        if in_quotes {
            if Some(b) == escape {
                i += 1;
            } else if b == b'"' {
                if record.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && at_field_start {
            in_quotes = true;
        }
        at_field_start = !in_quotes && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    in_quotes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_state_at_end() {
        assert!(ends_inside_quotes(b"1,\"hello\nwor", b',', None));
        assert!(!ends_inside_quotes(b"1,\"hello\nworld\"\n", b',', None));
        assert!(!ends_inside_quotes(b"1,\"say \"\"hi\"\"\"", b',', None));
        assert!(!ends_inside_quotes(b"1,5\" screen,2", b',', None));
        assert!(ends_inside_quotes(b"1;\"a \\\" b", b';', Some(b'\\')));
    }

    #[test]
    fn keeps_only_the_tail() {
        let data = vec![b'x'; TAIL_CAPACITY + 10];
        let mut reader = TailReader::new(&data[..]);
        std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        assert_eq!(reader.since(5).map(<[u8]>::len), None);
        assert_eq!(reader.since(20).map(<[u8]>::len), Some(TAIL_CAPACITY - 10));
        assert!(!reader.ends_with_newline());
    }
}
