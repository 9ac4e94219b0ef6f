//! Which text encoding a delimited file uses, and a reader that yields UTF-8.
//!
//! Order of evidence: `--encoding`, then a byte-order mark, then UTF-16
//! without a mark (NUL bytes in every other position), then UTF-8 when the
//! valid multi-byte UTF-8 sequences outnumber the invalid bytes (a few bad
//! bytes in a UTF-8 file do not make it Latin-1: they are an error, or
//! U+FFFD under `--encoding-errors replace`), then `chardetng`'s guess for
//! legacy single-byte and CJK encodings. The sample decides first; the whole
//! file decides when a later line is not UTF-8 ([`Utf8Evidence::of_file`]).
//! UTF-8 is passed through untouched (and validated record by record by the
//! scanner) unless invalid bytes are to be replaced; everything else is
//! decoded by `encoding_rs`.

use std::fs::File;
use std::io::{self, Read};

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::formats::charset::{Charset, Utf8Reader};

/// How the encoding was decided, shown by `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    /// `--encoding` on the command line.
    Forced,
    /// A byte-order mark at the start of the file.
    Bom,
    /// Read from the bytes (UTF-8 validity, UTF-16 pattern or chardetng).
    Detected,
}

/// The encoding of one file.
#[derive(Debug, Clone, Copy)]
pub struct TextEncoding {
    pub encoding: Charset,
    /// Bytes of byte-order mark to skip.
    pub bom_len: usize,
    pub source: EncodingSource,
    /// UTF-8 whose invalid bytes are read as U+FFFD (`--encoding-errors
    /// replace`) instead of failing.
    pub replace_invalid: bool,
}

/// How much of some bytes is UTF-8: valid multi-byte sequences (characters
/// beyond ASCII) against invalid byte sequences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Utf8Evidence {
    pub multibyte: u64,
    pub invalid: u64,
}

impl Utf8Evidence {
    /// Text with more valid multi-byte sequences than invalid ones is UTF-8
    /// with a few bad bytes; legacy single-byte text has invalid sequences
    /// and next to no valid ones.
    pub fn says_utf8(&self) -> bool {
        self.multibyte > self.invalid
    }

    /// Counts `bytes`; a sequence cut at the end counts as invalid only when
    /// `last`. Returns the bytes of a cut sequence to carry over.
    fn feed(&mut self, bytes: &[u8], last: bool) -> usize {
        let mut rest = bytes;
        loop {
            match simdutf8::compat::from_utf8(rest) {
                Ok(valid) => {
                    self.multibyte += count_lead_bytes(valid.as_bytes());
                    return 0;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.multibyte += count_lead_bytes(valid);
                    match e.error_len() {
                        Some(n) => {
                            self.invalid += 1;
                            rest = &after[n..];
                        }
                        None if last => {
                            self.invalid += 1;
                            return 0;
                        }
                        None => return after.len(),
                    }
                }
            }
        }
    }

    /// Counts a whole file, streaming.
    pub fn of_file(mut file: File) -> io::Result<Utf8Evidence> {
        let mut evidence = Utf8Evidence::default();
        let mut buffer = vec![0u8; 1 << 20];
        let mut carried = 0;
        loop {
            let n = file.read(&mut buffer[carried..])?;
            if n == 0 {
                evidence.feed(&buffer[..carried], true);
                return Ok(evidence);
            }
            let filled = carried + n;
            let cut = evidence.feed(&buffer[..filled], false);
            buffer.copy_within(filled - cut..filled, 0);
            carried = cut;
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} multi-byte UTF-8 character(s), {} invalid byte sequence(s)",
            self.multibyte, self.invalid
        )
    }
}

fn count_lead_bytes(valid: &[u8]) -> u64 {
    valid.iter().filter(|&&b| b >= 0xC0).count() as u64
}

impl TextEncoding {
    /// UTF-8 read as it is, byte for byte (validated by the scanner).
    pub fn is_utf8(&self) -> bool {
        self.encoding.is_utf8() && !self.replace_invalid
    }

    pub fn name(&self) -> &'static str {
        self.encoding.name()
    }
}

/// Decides the encoding from the first bytes of the file.
/// `sample_is_whole_file` lets a trailing partial character count as invalid.
pub fn detect(sample: &[u8], sample_is_whole_file: bool, forced: Option<Charset>) -> TextEncoding {
    let (bom_encoding, bom_len) = match Encoding::for_bom(sample) {
        Some((encoding, len)) => (Some(encoding), len),
        None => (None, 0),
    };
    if let Some(encoding) = forced {
        // A matching mark is still skipped, never read as text.
        let bom_len = if bom_encoding.is_some() && bom_encoding == encoding.standard() {
            bom_len
        } else {
            0
        };
        return TextEncoding {
            encoding,
            bom_len,
            source: EncodingSource::Forced,
            replace_invalid: false,
        };
    }
    if let Some(encoding) = bom_encoding {
        return TextEncoding {
            encoding: Charset::Standard(encoding),
            bom_len,
            source: EncodingSource::Bom,
            replace_invalid: false,
        };
    }
    let encoding = if let Some(utf16) = utf16_without_bom(sample) {
        utf16
    } else if is_utf8_prefix(sample, sample_is_whole_file) || sample_says_utf8(sample) {
        UTF_8
    } else {
        guess_legacy(sample, sample_is_whole_file, false)
    };
    TextEncoding {
        encoding: Charset::Standard(encoding),
        bom_len: 0,
        source: EncodingSource::Detected,
        replace_invalid: false,
    }
}

/// A sample that is not valid UTF-8 but mostly is (see [`Utf8Evidence`]).
fn sample_says_utf8(sample: &[u8]) -> bool {
    let mut evidence = Utf8Evidence::default();
    evidence.feed(sample, false);
    evidence.says_utf8()
}

/// chardetng's guess for text that is not UTF-8 (or, with `allow_utf8`,
/// whether UTF-8 is still the best reading of a mostly valid file).
pub fn guess_legacy(bytes: &[u8], last: bool, allow_utf8: bool) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, last);
    detector.guess(
        None,
        if allow_utf8 {
            chardetng::Utf8Detection::Allow
        } else {
            chardetng::Utf8Detection::Deny
        },
    )
}

/// Feeds a whole file to chardetng, for when the sample looked like UTF-8 but
/// a later record was not.
pub fn guess_whole_file(file: File) -> io::Result<&'static Encoding> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut reader = io::BufReader::with_capacity(1 << 20, file);
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            detector.feed(&[], true);
            break;
        }
        detector.feed(&buffer[..n], false);
    }
    Ok(detector.guess(None, chardetng::Utf8Detection::Allow))
}

fn is_utf8_prefix(sample: &[u8], whole: bool) -> bool {
    match simdutf8::compat::from_utf8(sample) {
        Ok(_) => true,
        // A character cut at the end of the sample is fine; the file goes on.
        Err(e) => !whole && e.error_len().is_none() && sample.len() - e.valid_up_to() < 4,
    }
}

/// UTF-16 without a byte-order mark: most ASCII characters have a zero byte
/// beside them, always on the same side.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let zeros_high = sample
        .chunks_exact(2)
        .filter(|p| p[1] == 0 && p[0] != 0)
        .count();
    let zeros_low = sample
        .chunks_exact(2)
        .filter(|p| p[0] == 0 && p[1] != 0)
        .count();
    if zeros_high * 10 >= pairs * 7 {
        Some(UTF_16LE)
    } else if zeros_low * 10 >= pairs * 7 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Wraps `input` (positioned at the start of the file) so it yields UTF-8.
pub fn utf8_reader<R: Read + Send + 'static>(
    mut input: R,
    encoding: &TextEncoding,
) -> io::Result<Box<dyn Read + Send>> {
    if encoding.bom_len > 0 {
        let mut bom = [0u8; 3];
        input.read_exact(&mut bom[..encoding.bom_len])?;
    }
    if encoding.is_utf8() {
        return Ok(Box::new(input));
    }
    Ok(Utf8Reader::wrap(input, encoding.encoding))
}

/// Decodes a sample for sniffing (lossy: it only guides the dialect).
pub fn decode_sample(sample: &[u8], encoding: &TextEncoding) -> Vec<u8> {
    let body = &sample[encoding.bom_len.min(sample.len())..];
    if encoding.is_utf8() {
        return body.to_vec();
    }
    encoding.encoding.decode(body).0.into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks() {
        let utf8 = detect(b"\xEF\xBB\xBFa,b\n", true, None);
        assert_eq!((utf8.encoding, utf8.bom_len), (Charset::UTF_8, 3));
        let le = detect(b"\xFF\xFEa\0,\0b\0", true, None);
        assert_eq!((le.encoding.standard(), le.bom_len), (Some(UTF_16LE), 2));
        let be = detect(b"\xFE\xFF\0a\0,\0b", true, None);
        assert_eq!(
            (be.encoding.standard(), be.source),
            (Some(UTF_16BE), EncodingSource::Bom)
        );
    }

    #[test]
    fn utf16_without_a_mark() {
        let text: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(detect(&text, true, None).encoding.name(), "UTF-16LE");
    }

    #[test]
    fn legacy_encodings() {
        assert!(detect("a,b\nx,ü\n".as_bytes(), true, None)
            .encoding
            .is_utf8());
        let latin1 = b"name,city\nJos\xe9,S\xe3o Paulo\nFran\xe7ois,Montr\xe9al\n";
        assert_eq!(detect(latin1, true, None).encoding.name(), "windows-1252");
    }

    #[test]
    fn utf8_evidence_counts_characters_and_bad_bytes_across_chunks() {
        let mut text = "café Zürich ".repeat(200_000).into_bytes();
        text.push(0xFF);
        text.extend_from_slice("ü".as_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &text).unwrap();
        let evidence = Utf8Evidence::of_file(File::open(&path).unwrap()).unwrap();
        assert_eq!(
            evidence,
            Utf8Evidence {
                multibyte: 400_001,
                invalid: 1
            }
        );
        assert!(evidence.says_utf8());
        // Legacy text: invalid sequences and no valid multi-byte ones.
        assert!(!sample_says_utf8(b"Jos\xe9,S\xe3o Paulo,\xa9\n"));
        let mixed = [b"Z\xc3\xbcrich caf\xc3\xa9 ".as_slice(), b"\xff"].concat();
        assert!(sample_says_utf8(&mixed));
        assert!(detect(&mixed, true, None).encoding.is_utf8());
    }

    #[test]
    fn forced_encoding_wins() {
        let forced = crate::formats::charset::lookup("cp437").unwrap();
        assert_eq!(detect(b"a,b\n", true, Some(forced)).encoding, forced);
        // A mark the forced encoding does not have is read as text.
        assert_eq!(detect(b"\xEF\xBB\xBFa", true, Some(forced)).bom_len, 0);
    }
}
