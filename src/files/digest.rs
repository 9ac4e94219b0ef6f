//! SHA-256 as lowercase hex: the content key of output manifests and of the
//! Access metadata cache, and the pin of every JAR. A [`HashingReader`]
//! hashes a stream while it is copied somewhere (a download into its
//! temporary file), so nothing is read twice.

use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::copy::read_some;

/// The SHA-256 of a stream and how many bytes it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sha256Sum {
    /// Lowercase hex.
    pub hex: String,
    pub size: u64,
}

/// A reader that hashes and counts every byte read through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> HashingReader<R> {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    /// The digest of everything read so far.
    pub fn finish(self) -> Sha256Sum {
        Sha256Sum {
            hex: format!("{:x}", self.hasher.finalize()),
            size: self.size,
        }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Reads `reader` to the end and returns its SHA-256 and length.
pub fn sha256_reader(reader: impl Read) -> io::Result<Sha256Sum> {
    let mut hashing = HashingReader::new(reader);
    let mut buffer = vec![0u8; 1 << 20];
    while read_some(&mut hashing, &mut buffer)? != 0 {}
    Ok(hashing.finish())
}

/// Reads `path` to the end and returns its SHA-256 in hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    Ok(sha256_reader(std::fs::File::open(path)?)?.hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn every_way_in_gives_the_known_digest() {
        let sum = sha256_reader(&b"abc"[..]).unwrap();
        assert_eq!((sum.hex.as_str(), sum.size), (ABC, 3));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(sha256_file(&path).unwrap(), ABC);
    }

    #[test]
    fn a_hashing_reader_hashes_what_passes_through() {
        let mut reader = HashingReader::new(&b"abcdef"[..]);
        let mut first = [0u8; 3];
        reader.read_exact(&mut first).unwrap();
        assert_eq!(reader.finish().hex, ABC);
    }
}
