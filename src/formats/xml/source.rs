//! A document's bytes as UTF-8 text, whatever they were stored as.
//!
//! Compression is recognised by its magic bytes (gzip, bzip2), not by the
//! name. The text encoding is, in order: `--encoding`; a byte-order mark
//! (UTF-8, UTF-16 LE/BE); UTF-16 without one (`<?` as two-byte units);
//! the declaration's `encoding="..."`, read through the same label parser
//! CSV and dBase use (so DOS code pages work too); else UTF-8, the XML
//! default. Anything other than UTF-8 is transcoded here, so quick-xml
//! only ever sees UTF-8 (its own `encoding` feature is not used: it would
//! decode the already transcoded text a second time by the declaration).
//!
//! Lines are not counted as the text passes: an error finds its line by
//! reading the text again ([`line_at`]).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::XmlError;
use crate::formats::charset::{self, Charset, Utf8Reader};
use crate::progress::{CountingReader, NoProgress, ProgressRef};

/// Bytes read ahead to find the declaration.
const PREFIX_BYTES: usize = 1024;

/// How the document was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Bzip2,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Bzip2 => "bzip2",
        }
    }
}

/// Where the text encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    Option,
    ByteOrderMark,
    Declaration,
    Default,
}

/// What was learnt opening the document.
#[derive(Debug, Clone, Copy)]
pub struct SourceInfo {
    pub compression: Compression,
    pub charset: Charset,
    pub encoding_source: EncodingSource,
}

/// A document opened as UTF-8 text.
pub struct Text {
    pub reader: Box<dyn Read>,
    pub info: SourceInfo,
}

/// Opens `path` as UTF-8 text; `encoding` overrides what the document says.
pub fn open(
    path: &Path,
    encoding: Option<Charset>,
    progress: ProgressRef,
) -> Result<Text, XmlError> {
    let file = File::open(path).map_err(XmlError::Io)?;
    let mut raw = BufReader::with_capacity(64 * 1024, CountingReader::new(file, progress));
    let compression = match raw.fill_buf().map_err(XmlError::Io)? {
        [0x1f, 0x8b, ..] => Compression::Gzip,
        [b'B', b'Z', b'h', ..] => Compression::Bzip2,
        _ => Compression::None,
    };
    let mut bytes: Box<dyn Read + Send> = match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(Decompressed {
            inner: flate2::bufread::MultiGzDecoder::new(raw),
            kind: "gzip",
        }),
        Compression::Bzip2 => Box::new(Decompressed {
            inner: bzip2::bufread::MultiBzDecoder::new(raw),
            kind: "bzip2",
        }),
    };
    let mut prefix = Vec::with_capacity(PREFIX_BYTES);
    (&mut bytes)
        .take(PREFIX_BYTES as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| read_error(e, compression))?;
    let (charset, bom_len, encoding_source) = match encoding {
        Some(charset) => (
            charset,
            bom_length(&prefix, charset),
            EncodingSource::Option,
        ),
        None => detect(&prefix)?,
    };
    prefix.drain(..bom_len);
    let text = io::Cursor::new(prefix).chain(bytes);
    let utf8: Box<dyn Read> = if charset.is_utf8() {
        Box::new(text)
    } else {
        Utf8Reader::wrap(text, charset)
    };
    Ok(Text {
        reader: utf8,
        info: SourceInfo {
            compression,
            charset,
            encoding_source,
        },
    })
}

/// The line (1-based) of byte `position` of the text of the document at
/// `path`, found by reading it again (0 when it cannot be read).
pub fn line_at(path: &Path, encoding: Option<Charset>, position: u64) -> u64 {
    let Ok(text) = open(path, encoding, std::sync::Arc::new(NoProgress)) else {
        return 0;
    };
    let mut reader = text.reader.take(position);
    let mut buffer = [0u8; 64 * 1024];
    let mut lines = 1;
    while let Ok(n) = reader.read(&mut buffer) {
        if n == 0 {
            break;
        }
        lines += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64;
    }
    lines
}

/// The encoding the first bytes show, the length of its byte-order mark,
/// and where it came from.
fn detect(prefix: &[u8]) -> Result<(Charset, usize, EncodingSource), XmlError> {
    let standard = |encoding| Charset::Standard(encoding);
    match prefix {
        [0xEF, 0xBB, 0xBF, ..] => {
            return Ok((
                standard(encoding_rs::UTF_8),
                3,
                EncodingSource::ByteOrderMark,
            ))
        }
        [0xFF, 0xFE, ..] => {
            return Ok((
                standard(encoding_rs::UTF_16LE),
                2,
                EncodingSource::ByteOrderMark,
            ))
        }
        [0xFE, 0xFF, ..] => {
            return Ok((
                standard(encoding_rs::UTF_16BE),
                2,
                EncodingSource::ByteOrderMark,
            ))
        }
        [b'<', 0, b'?', 0, ..] => {
            return Ok((
                standard(encoding_rs::UTF_16LE),
                0,
                EncodingSource::Declaration,
            ))
        }
        [0, b'<', 0, b'?', ..] => {
            return Ok((
                standard(encoding_rs::UTF_16BE),
                0,
                EncodingSource::Declaration,
            ))
        }
        _ => {}
    }
    match declared_encoding(prefix) {
        Some(label) => {
            let charset = charset::lookup(&label).ok_or(XmlError::UnknownEncoding(label))?;
            // A declaration in single-byte text cannot truly say UTF-16.
            let charset = match charset.standard() {
                Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => {
                    standard(encoding_rs::UTF_8)
                }
                _ => charset,
            };
            Ok((charset, 0, EncodingSource::Declaration))
        }
        None => Ok((standard(encoding_rs::UTF_8), 0, EncodingSource::Default)),
    }
}

/// The byte-order mark `charset` would start with, when the text has it.
fn bom_length(prefix: &[u8], charset: Charset) -> usize {
    let bom: &[u8] = match charset.standard() {
        Some(e) if e == encoding_rs::UTF_8 => &[0xEF, 0xBB, 0xBF],
        Some(e) if e == encoding_rs::UTF_16LE => &[0xFF, 0xFE],
        Some(e) if e == encoding_rs::UTF_16BE => &[0xFE, 0xFF],
        _ => &[],
    };
    if !bom.is_empty() && prefix.starts_with(bom) {
        bom.len()
    } else {
        0
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of
/// `prefix` (an ASCII-compatible encoding being the only kind that can
/// declare itself this way).
pub fn declared_encoding(prefix: &[u8]) -> Option<String> {
    let rest = prefix.strip_prefix(b"<?xml")?;
    let end = rest.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&rest[..end]).ok()?;
    let at = declaration.find("encoding")?;
    let after = declaration[at + "encoding".len()..].trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let close = value.find(quote)?;
    Some(value[..close].trim().to_string())
}

fn read_error(error: io::Error, compression: Compression) -> XmlError {
    match compression {
        Compression::None => XmlError::Io(error),
        _ if error.kind() != io::ErrorKind::InvalidData
            && error.kind() != io::ErrorKind::UnexpectedEof =>
        {
            XmlError::Io(error)
        }
        Compression::Gzip => XmlError::Decompress {
            kind: "gzip",
            source: error,
        },
        Compression::Bzip2 => XmlError::Decompress {
            kind: "bzip2",
            source: error,
        },
    }
}

/// A decompressor whose errors say what was being decompressed.
struct Decompressed<R> {
    inner: R,
    kind: &'static str,
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let damaged = DecompressError {
                kind: self.kind,
                message: format!("the stream is damaged or truncated: {e}"),
            };
            io::Error::new(io::ErrorKind::InvalidData, damaged)
        })
    }
}

/// A damaged compressed stream, told apart from the text's own errors.
#[derive(Debug)]
pub struct DecompressError {
    pub kind: &'static str,
    pub message: String,
}

impl std::fmt::Display for DecompressError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecompressError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_name_their_encoding() {
        assert_eq!(
            declared_encoding(b"<?xml version=\"1.1\" encoding=\"windows-1251\"?>\n<a/>"),
            Some("windows-1251".into())
        );
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding = 'Shift_JIS' ?><a/>"),
            Some("Shift_JIS".into())
        );
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\"?><a/>"), None);
        assert_eq!(declared_encoding(b"<a encoding=\"x\"/>"), None);
    }

    #[test]
    fn byte_order_marks_and_utf16_are_detected() {
        let (charset, bom, source) = detect(b"\xFF\xFE<\0?\0").unwrap();
        assert_eq!(charset.name(), "UTF-16LE");
        assert_eq!((bom, source), (2, EncodingSource::ByteOrderMark));
        let (charset, bom, _) = detect(b"\0<\0?\0x").unwrap();
        assert_eq!((charset.name(), bom), ("UTF-16BE", 0));
        let (charset, _, source) = detect(b"<root/>").unwrap();
        assert_eq!((charset.name(), source), ("UTF-8", EncodingSource::Default));
        assert!(matches!(
            detect(b"<?xml version=\"1.0\" encoding=\"no-such\"?>"),
            Err(XmlError::UnknownEncoding(_))
        ));
    }
}
