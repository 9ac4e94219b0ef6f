//! A reader that yields UTF-8 from text in any [`Charset`]: `encoding_rs`'s
//! streaming decoder for the WHATWG encodings (UTF-8 included: invalid
//! sequences become U+FFFD), a table lookup per byte for the DOS pages.

use std::io::{self, Read};

use super::{Charset, DosCodePage};

/// Text in some charset, read as UTF-8.
pub struct Utf8Reader;

impl Utf8Reader {
    /// Wraps `input` so it yields UTF-8. A byte-order mark is not handled
    /// here: the caller skips it first.
    pub fn wrap<R: Read + Send + 'static>(input: R, charset: Charset) -> Box<dyn Read + Send> {
        match charset {
            Charset::Standard(encoding) => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding))
                    .bom_override(false)
                    .strip_bom(false)
                    .build(input),
            ),
            Charset::Dos(page) => Box::new(DosReader::new(input, page)),
        }
    }
}

/// A DOS page decoded byte by byte into a buffer of UTF-8.
struct DosReader<R> {
    input: R,
    page: &'static DosCodePage,
    raw: Vec<u8>,
    decoded: Vec<u8>,
    position: usize,
}

impl<R: Read> DosReader<R> {
    fn new(input: R, page: &'static DosCodePage) -> Self {
        DosReader {
            input,
            page,
            raw: vec![0; 64 * 1024],
            decoded: Vec::with_capacity(3 * 64 * 1024),
            position: 0,
        }
    }
}

impl<R: Read> Read for DosReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.position == self.decoded.len() {
            let n = self.input.read(&mut self.raw)?;
            if n == 0 {
                return Ok(0);
            }
            self.decoded.clear();
            self.position = 0;
            self.page.decode_into(&self.raw[..n], &mut self.decoded);
        }
        let n = out.len().min(self.decoded.len() - self.position);
        out[..n].copy_from_slice(&self.decoded[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::charset::lookup;

    fn read_all(bytes: &'static [u8], label: &str) -> String {
        let mut text = String::new();
        Utf8Reader::wrap(bytes, lookup(label).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn every_kind_of_charset_reads_as_utf8() {
        assert_eq!(read_all(b"Z\xfcrich", "windows-1252"), "Zürich");
        assert_eq!(read_all(b"Z\x81rich \xb0", "cp437"), "Zürich ░");
        assert_eq!(read_all(b"Z\xc3\xbcrich \xff", "utf-8"), "Zürich \u{FFFD}");
    }
}
