//! Memo files: found beside the table whatever the case of their name, and
//! read block by block. dBase III `.dbt` (512-byte blocks, text up to a
//! 0x1A), dBase IV / 7 `.dbt` (block size at byte 20; a block starts
//! `FF FF 08 00` and its length, which counts those 8 bytes; a block without
//! that start is read the dBase III way) and FoxPro `.fpt` (big-endian block
//! size at byte 6; a block starts with its type and length, big-endian).
//! Reads are positioned (`read_at`), so the threads that decode chunks
//! share one open file.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::header::{Family, TableHeader};
use super::DbaseError;

/// How the memo file stores its blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoKind {
    /// dBase III `.dbt`.
    DbaseIII,
    /// dBase IV and 7 `.dbt`.
    DbaseIV,
    /// FoxPro and Visual FoxPro `.fpt`.
    #[serde(rename = "foxpro")]
    FoxPro,
}

/// An open memo file.
#[derive(Debug)]
pub struct MemoFile {
    pub path: PathBuf,
    pub kind: MemoKind,
    pub block_size: u64,
    file: File,
    length: u64,
}

/// The longest memo value read (a length beyond it is damage).
const MAX_MEMO: u64 = 1 << 30;
/// The longest dBase III memo looked for its 0x1A end (dBase III's own
/// limit is 64 KiB): a block without one within it is damage, and a damaged
/// file cannot make every record scan to its end.
const MAX_TERMINATED_MEMO: usize = 16 << 20;

impl MemoFile {
    /// The memo file of `table`, found beside it: same stem, extension
    /// `.fpt` or `.dbt` in any case (the FoxPro kind first for FoxPro
    /// tables). `None` when there is none.
    pub fn find(table: &Path, header: &TableHeader) -> Option<PathBuf> {
        let foxpro = matches!(header.version.family, Family::VisualFoxPro)
            || matches!(header.version.byte, 0xF5 | 0xFB);
        let wanted: [&str; 2] = if foxpro {
            ["fpt", "dbt"]
        } else {
            ["dbt", "fpt"]
        };
        wanted
            .iter()
            .find_map(|extension| super::sibling(table, extension))
    }

    /// Opens the memo file at `path` for `header`'s table.
    pub fn open(path: &Path, header: &TableHeader) -> Result<MemoFile, DbaseError> {
        let io_error = |source| DbaseError::MemoIo {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(io_error)?;
        let length = file.metadata().map_err(io_error)?.len();
        let fpt = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("fpt"));
        let mut prefix = [0u8; 22];
        let read = read_up_to(&file, 0, &mut prefix).map_err(io_error)?;
        let (kind, block_size) = if fpt {
            let size = if read >= 8 {
                u64::from(u16::from_be_bytes([prefix[6], prefix[7]]))
            } else {
                0
            };
            (MemoKind::FoxPro, if size == 0 { 64 } else { size })
        } else if header.version.byte == 0x83 || header.version.family == Family::DbaseII {
            (MemoKind::DbaseIII, 512)
        } else {
            let size = if read >= 22 {
                u64::from(u16::from_le_bytes([prefix[20], prefix[21]]))
            } else {
                0
            };
            (MemoKind::DbaseIV, if size == 0 { 512 } else { size })
        };
        Ok(MemoFile {
            path: path.to_path_buf(),
            kind,
            block_size,
            file,
            length,
        })
    }

    /// The value in `block`, or `None` when the block is not in the file
    /// or its length runs past the end (counted as invalid by the caller).
    pub fn read(&self, block: u64) -> Result<Option<Vec<u8>>, DbaseError> {
        let Some(start) = block
            .checked_mul(self.block_size)
            .filter(|&s| s < self.length)
        else {
            return Ok(None);
        };
        let result = match self.kind {
            MemoKind::FoxPro => self.read_foxpro(start),
            MemoKind::DbaseIV => self.read_dbase4(start),
            MemoKind::DbaseIII => self.read_until_marker(start),
        };
        result.map_err(|source| DbaseError::MemoIo {
            path: self.path.clone(),
            source,
        })
    }

    fn read_foxpro(&self, start: u64) -> io::Result<Option<Vec<u8>>> {
        let mut head = [0u8; 8];
        if read_up_to(&self.file, start, &mut head)? < 8 {
            return Ok(None);
        }
        let length = u64::from(u32::from_be_bytes([head[4], head[5], head[6], head[7]]));
        self.read_exactly(start + 8, length)
    }

    fn read_dbase4(&self, start: u64) -> io::Result<Option<Vec<u8>>> {
        let mut head = [0u8; 8];
        if read_up_to(&self.file, start, &mut head)? < 8 {
            return Ok(None);
        }
        if head[..4] != [0xFF, 0xFF, 0x08, 0x00] {
            return self.read_until_marker(start);
        }
        let length = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        if length < 8 {
            return Ok(None);
        }
        self.read_exactly(start + 8, length - 8)
    }

    /// `length` bytes from `at`, or `None` if the file ends first.
    fn read_exactly(&self, at: u64, length: u64) -> io::Result<Option<Vec<u8>>> {
        if length > MAX_MEMO || at.saturating_add(length) > self.length {
            return Ok(None);
        }
        let mut value = vec![0u8; length as usize];
        self.file.read_exact_at(&mut value, at)?;
        Ok(Some(value))
    }

    /// dBase III: the bytes from `start` up to the first 0x1A (or the end of
    /// the file); `None` when there is none within [`MAX_TERMINATED_MEMO`].
    fn read_until_marker(&self, start: u64) -> io::Result<Option<Vec<u8>>> {
        let mut value = Vec::new();
        let mut block = vec![0u8; 512];
        let mut at = start;
        loop {
            let n = read_up_to(&self.file, at, &mut block)?;
            if let Some(end) = block[..n].iter().position(|&b| b == 0x1A) {
                value.extend_from_slice(&block[..end]);
                return Ok(Some(value));
            }
            value.extend_from_slice(&block[..n]);
            if n < block.len() {
                return Ok(Some(value));
            }
            if value.len() > MAX_TERMINATED_MEMO {
                return Ok(None);
            }
            at += n as u64;
        }
    }
}

/// Reads into `buffer` from `at` until it is full or the file ends.
fn read_up_to(file: &File, at: u64, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read_at(&mut buffer[filled..], at + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
