//! A structural check of an OLE2 compound file (`.xls`) before calamine
//! reads it. calamine follows the file's sector chains as they are written:
//! a damaged file whose chain loops makes it read forever and grow without
//! bound (found by fuzzing). Every chain calamine will follow (the DIFAT,
//! the directory, the mini FAT, the mini stream and each stream) is walked
//! here first, and must end inside the file without visiting a sector twice.

use std::io::{Read, Seek, SeekFrom};

/// Sector ids from here up are markers, not sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const HEADER_DIFAT_ENTRIES: usize = 109;
const DIRECTORY_ENTRY: usize = 128;

/// Why a compound file cannot be read safely.
pub type Damage = String;

/// Checks the compound file `file` of `len` bytes.
pub fn check(file: &mut (impl Read + Seek), len: u64) -> Result<(), Damage> {
    let mut header = [0u8; 512];
    read_at(file, 0, &mut header)?;
    let shift = u16_at(&header, 0x1E);
    if shift != 9 && shift != 12 {
        return Err(format!("its sector size (2^{shift}) is not 512 or 4096"));
    }
    let sector_size = 1usize << shift;
    let sectors = (len / sector_size as u64).saturating_sub(1);
    let compound = Compound {
        sector_size,
        sectors,
    };
    let fat = compound.fat(file, &header)?;
    let directory = compound.chain(&fat, u32_at(&header, 0x30), "the directory")?;
    let mini_cutoff = u64::from(u32_at(&header, 0x38));
    let mini_fat_sectors = u32_at(&header, 0x40);
    let mini_fat = if mini_fat_sectors > 0 {
        let chain = compound.chain(&fat, u32_at(&header, 0x3C), "the mini FAT")?;
        let mut entries = Vec::new();
        for sector in chain {
            entries.extend(compound.sector_u32s(file, sector)?);
        }
        entries
    } else {
        Vec::new()
    };
    let version = u16_at(&header, 0x1A);
    for sector in directory {
        let mut bytes = vec![0u8; sector_size];
        compound.read_sector(file, sector, &mut bytes)?;
        for entry in bytes.chunks_exact(DIRECTORY_ENTRY) {
            let kind = entry[0x42];
            let start = u32_at(entry, 0x74);
            let size = if version == 3 {
                u64::from(u32_at(entry, 0x78))
            } else {
                u64_at(entry, 0x78)
            };
            match kind {
                // The root entry: the mini stream, in the FAT.
                5 => {
                    compound.chain(&fat, start, "the mini stream")?;
                }
                // A stream: small ones in the mini FAT.
                2 if size < mini_cutoff => walk(&mini_fat, start, "a small stream")?,
                2 => {
                    compound.chain(&fat, start, "a stream")?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

struct Compound {
    sector_size: usize,
    /// Sectors the file holds after its header.
    sectors: u64,
}

impl Compound {
    /// The FAT: every FAT sector the DIFAT lists (in the header and in its
    /// own chain of sectors), read in order.
    fn fat(&self, file: &mut (impl Read + Seek), header: &[u8]) -> Result<Vec<u32>, Damage> {
        let mut fat_sectors: Vec<u32> = (0..HEADER_DIFAT_ENTRIES)
            .map(|i| u32_at(header, 0x4C + 4 * i))
            .collect();
        let mut next = u32_at(header, 0x44);
        let mut seen = 0u64;
        while next < MAX_REGULAR_SECTOR {
            seen += 1;
            if seen > self.sectors {
                return Err("the DIFAT chain loops".into());
            }
            let mut entries = self.sector_u32s(file, next)?;
            next = entries.pop().unwrap_or(u32::MAX);
            fat_sectors.extend(entries);
        }
        let mut fat = Vec::new();
        for sector in fat_sectors.into_iter().filter(|s| *s < MAX_REGULAR_SECTOR) {
            fat.extend(self.sector_u32s(file, sector)?);
        }
        Ok(fat)
    }

    /// The sectors of the chain from `start` in `fat`, each inside the file.
    fn chain(&self, fat: &[u32], start: u32, what: &str) -> Result<Vec<u32>, Damage> {
        let mut sectors = Vec::new();
        let mut visited = vec![false; fat.len()];
        let mut id = start;
        while id < MAX_REGULAR_SECTOR {
            let index = id as usize;
            if index >= fat.len() || u64::from(id) >= self.sectors {
                return Err(format!("{what} runs past the end of the file"));
            }
            if std::mem::replace(&mut visited[index], true) {
                return Err(format!("{what} loops back on itself"));
            }
            sectors.push(id);
            id = fat[index];
        }
        Ok(sectors)
    }

    fn read_sector(
        &self,
        file: &mut (impl Read + Seek),
        sector: u32,
        buffer: &mut [u8],
    ) -> Result<(), Damage> {
        if u64::from(sector) >= self.sectors {
            return Err("a sector lies past the end of the file".into());
        }
        let offset = (u64::from(sector) + 1) * self.sector_size as u64;
        read_at(file, offset, buffer)
    }

    fn sector_u32s(&self, file: &mut (impl Read + Seek), sector: u32) -> Result<Vec<u32>, Damage> {
        let mut bytes = vec![0u8; self.sector_size];
        self.read_sector(file, sector, &mut bytes)?;
        Ok(bytes.chunks_exact(4).map(|c| u32_at(c, 0)).collect())
    }
}

/// Walks a chain of the mini FAT (no sectors of the file to check).
fn walk(table: &[u32], start: u32, what: &str) -> Result<(), Damage> {
    let mut visited = vec![false; table.len()];
    let mut id = start;
    while id < MAX_REGULAR_SECTOR {
        let index = id as usize;
        if index >= table.len() {
            return Err(format!("{what} runs past the end of the mini FAT"));
        }
        if std::mem::replace(&mut visited[index], true) {
            return Err(format!("{what} loops back on itself"));
        }
        id = table[index];
    }
    Ok(())
}

fn read_at(file: &mut (impl Read + Seek), offset: u64, buffer: &mut [u8]) -> Result<(), Damage> {
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(buffer))
        .map_err(|_| "it ends inside a sector".to_string())
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn sample() -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/excel/base.xls");
        std::fs::read(path).expect("the sample workbook")
    }

    fn checked(bytes: &[u8]) -> Result<(), Damage> {
        check(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn a_sound_file_passes() {
        assert_eq!(checked(&sample()), Ok(()));
    }

    #[test]
    fn a_looping_directory_chain_is_refused() {
        let mut bytes = sample();
        let shift = u16_at(&bytes, 0x1E);
        let sector_size = 1usize << shift;
        let directory = u32_at(&bytes, 0x30);
        // The FAT entry of the directory's first sector points back at it.
        let first_fat_sector = u32_at(&bytes, 0x4C) as usize;
        let at = (first_fat_sector + 1) * sector_size + 4 * directory as usize;
        bytes[at..at + 4].copy_from_slice(&directory.to_le_bytes());
        assert_eq!(
            checked(&bytes),
            Err("the directory loops back on itself".to_string())
        );
    }

    #[test]
    fn truncated_and_odd_headers_are_refused() {
        let bytes = sample();
        assert!(checked(&bytes[..300]).is_err());
        let mut odd = bytes.clone();
        odd[0x1E] = 7;
        assert!(checked(&odd).unwrap_err().contains("sector size"));
        let mut far = bytes;
        far[0x30..0x34].copy_from_slice(&5_000_000u32.to_le_bytes());
        assert!(checked(&far).unwrap_err().contains("past the end"));
    }
}
