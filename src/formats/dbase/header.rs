//! The table header: version, record count and length, language driver and
//! field descriptors, for every layout dBase tables come in: dBase II (the
//! 8-byte header and 16-byte fields), dBase III / IV / FoxPro / Visual
//! FoxPro (32-byte header and fields; Visual FoxPro's 263-byte backlink
//! after them) and dBase 7 (the language driver's name and 48-byte fields).

use std::io::{self, Read};

use super::DbaseError;

/// Which program family wrote the table: it decides the header layout and
/// how some field types are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// dBase II (version byte 0x02).
    DbaseII,
    /// dBase III and IV, FoxBASE, Clipper, FoxPro 2 (0x03, 0x83, 0x8B, 0x8E,
    /// 0xF5, ...): 32-byte fields, numbers and memo pointers as text.
    Dbase,
    /// Visual FoxPro (0x30, 0x31, 0x32): binary I/Y/T/B, 4-byte memo
    /// pointers, `_NullFlags`.
    VisualFoxPro,
    /// dBase 7 (0x04, 0x8C): 48-byte fields, binary I/O/@/+.
    Dbase7,
}

/// What the version byte says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub byte: u8,
    pub family: Family,
}

impl Version {
    /// The version byte's meaning, or `None` for a byte no dBase program
    /// writes (the file is not a dBase table).
    pub fn of(byte: u8) -> Option<Version> {
        let family = match byte {
            0x02 => Family::DbaseII,
            0x03 | 0x83 | 0x8B | 0x8E | 0x7B | 0xCB | 0xE5 | 0xF5 | 0xFB | 0x43 | 0x63 | 0xB3 => {
                Family::Dbase
            }
            0x30..=0x32 => Family::VisualFoxPro,
            0x04 | 0x8C => Family::Dbase7,
            _ => return None,
        };
        Some(Version { byte, family })
    }

    /// Its name for a person.
    pub fn describe(&self) -> &'static str {
        match self.byte {
            0x02 => "dBase II",
            0x03 => "dBase III / FoxBASE+ (no memo)",
            0x83 => "dBase III with memo (.dbt)",
            0x8B => "dBase IV with memo (.dbt)",
            0x8E => "dBase IV with SQL table",
            0x43 | 0x63 | 0xCB => "dBase IV SQL system table",
            0x7B => "dBase IV with memo",
            0xB3 => "Clipper / FoxBASE with memo",
            0xE5 => "HiPer-Six / Clipper SMT memo",
            0xF5 => "FoxPro 2 with memo (.fpt)",
            0xFB => "FoxBASE",
            0x30 => "Visual FoxPro",
            0x31 => "Visual FoxPro with autoincrement",
            0x32 => "Visual FoxPro with varchar / varbinary",
            0x04 => "dBase 7",
            0x8C => "dBase 7 with memo (.dbt)",
            _ => "dBase",
        }
    }
}

/// One field descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name's bytes up to the first NUL (decoded by the caller, in the
    /// table's code page).
    pub name: Vec<u8>,
    /// The type letter (`C`, `N`, `D`...; `0` for `_NullFlags`).
    pub kind: u8,
    /// Where the field starts in a record (after the deletion flag byte).
    pub offset: usize,
    pub length: usize,
    pub decimals: u8,
    /// Visual FoxPro's field flags (0x01 system, 0x02 nullable, 0x04
    /// binary, 0x0C autoincrement); 0 elsewhere.
    pub flags: u8,
}

impl Field {
    /// A hidden system field (Visual FoxPro's `_NullFlags`).
    pub fn is_system(&self) -> bool {
        self.kind == b'0' || self.flags & 0x01 != 0
    }

    pub fn is_nullable(&self) -> bool {
        self.flags & 0x02 != 0
    }

    pub fn is_binary(&self) -> bool {
        self.flags & 0x04 != 0
    }
}

/// A table's header.
#[derive(Debug, Clone)]
pub struct TableHeader {
    pub version: Version,
    /// The date of the last update as written (year, month, day).
    pub last_update: Option<(u16, u8, u8)>,
    /// Records the header states (live and deleted).
    pub record_count: u64,
    /// Where the first record starts.
    pub header_length: u64,
    /// The record length the header states.
    pub stated_record_length: usize,
    /// The record length the fields add up to (with the deletion flag): what
    /// records are read with when the two disagree.
    pub record_length: usize,
    /// Byte 29 (0 when the header has none: dBase II).
    pub language_driver: u8,
    /// dBase 7's language driver name (`DB437US0`...), when there is one.
    pub language_driver_name: Option<String>,
    /// Every field, the system ones (`_NullFlags`) included.
    pub fields: Vec<Field>,
}

/// The largest header a dBase program writes: 255 fields of 48 bytes, the
/// terminator, dBase 7's prefix and Visual FoxPro's backlink, with room.
const MAX_HEADER: u64 = 68 + 1024 * 48 + 1 + 263;

impl TableHeader {
    /// Reads the header from the start of `input`, which is `file_length`
    /// bytes long.
    pub fn read(input: &mut impl Read, file_length: u64) -> Result<TableHeader, DbaseError> {
        let mut start = [0u8; 32];
        read_prefix(input, &mut start, file_length)?;
        let mut version = Version::of(start[0]).ok_or(DbaseError::NotDbase {
            reason: format!("its first byte, 0x{:02X}, is no dBase version", start[0]),
        })?;
        // FoxBASE also wrote 0x02, with the dBase III layout: dBase II has
        // its first field's name where dBase III has the header length.
        if version.family == Family::DbaseII && !start[8].is_ascii_alphabetic() {
            version.family = Family::Dbase;
        }
        let header = match version.family {
            Family::DbaseII => Self::read_dbase2(version, &start, input)?,
            _ => Self::read_dbase(version, &start, input, file_length)?,
        };
        header.check(file_length)?;
        Ok(header)
    }

    /// dBase III and later: the 32-byte prefix in `start`, then the fields.
    fn read_dbase(
        version: Version,
        start: &[u8; 32],
        input: &mut impl Read,
        file_length: u64,
    ) -> Result<TableHeader, DbaseError> {
        let record_count = u64::from(u32::from_le_bytes([start[4], start[5], start[6], start[7]]));
        let header_length = u64::from(u16::from_le_bytes([start[8], start[9]]));
        let stated_record_length = usize::from(u16::from_le_bytes([start[10], start[11]]));
        if header_length < 33 || header_length > MAX_HEADER.min(file_length) {
            return Err(DbaseError::Header(format!(
                "it states a header of {header_length} bytes in a file of {file_length}"
            )));
        }
        let mut rest = vec![0u8; header_length as usize - 32];
        input
            .read_exact(&mut rest)
            .map_err(|e| truncated_header(e, header_length))?;
        let is_dbase7 = version.family == Family::Dbase7;
        let (descriptor_length, fields_start) = if is_dbase7 { (48, 68 - 32) } else { (32, 0) };
        let language_driver_name = is_dbase7.then(|| {
            let name = &rest[..32.min(rest.len())];
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            String::from_utf8_lossy(&name[..end]).trim().to_string()
        });
        let mut fields = Vec::new();
        let mut offset = 1;
        let mut position = fields_start;
        while position < rest.len() && rest[position] != 0x0D {
            let Some(descriptor) = rest.get(position..position + descriptor_length) else {
                return Err(DbaseError::Header(
                    "its field descriptors run past the header (no 0x0D terminator)".into(),
                ));
            };
            let field = if is_dbase7 {
                parse_dbase7_field(descriptor, offset)
            } else {
                parse_field(descriptor, offset, version.family)
            };
            offset += field.length;
            fields.push(field);
            position += descriptor_length;
        }
        if position >= rest.len() && fields.is_empty() {
            return Err(DbaseError::Header("it has no field terminator".into()));
        }
        Ok(TableHeader {
            version,
            last_update: Some((update_year(start[1]), start[2], start[3])),
            record_count,
            header_length,
            stated_record_length,
            record_length: offset,
            language_driver: start[29],
            language_driver_name,
            fields,
        })
    }

    /// dBase II: an 8-byte prefix, 16-byte fields, records from byte 521.
    fn read_dbase2(
        version: Version,
        start: &[u8; 32],
        input: &mut impl Read,
    ) -> Result<TableHeader, DbaseError> {
        const HEADER_LENGTH: u64 = 521;
        let mut header = vec![0u8; HEADER_LENGTH as usize];
        header[..32].copy_from_slice(start);
        input
            .read_exact(&mut header[32..])
            .map_err(|e| truncated_header(e, HEADER_LENGTH))?;
        let record_count = u64::from(u16::from_le_bytes([header[1], header[2]]));
        let (month, day, year) = (header[3], header[4], header[5]);
        let stated_record_length = usize::from(u16::from_le_bytes([header[6], header[7]]));
        let mut fields = Vec::new();
        let mut offset = 1;
        for descriptor in header[8..8 + 32 * 16].chunks_exact(16) {
            if descriptor[0] == 0x0D {
                break;
            }
            let end = descriptor[..11].iter().position(|&b| b == 0).unwrap_or(11);
            let field = Field {
                name: descriptor[..end].to_vec(),
                kind: descriptor[11],
                offset,
                length: usize::from(descriptor[12]),
                decimals: descriptor[15],
                flags: 0,
            };
            offset += field.length;
            fields.push(field);
        }
        Ok(TableHeader {
            version,
            last_update: Some((update_year(year), month, day)),
            record_count,
            header_length: HEADER_LENGTH,
            stated_record_length,
            record_length: offset,
            language_driver: 0,
            language_driver_name: None,
            fields,
        })
    }

    /// What no reading can make sense of.
    fn check(&self, file_length: u64) -> Result<(), DbaseError> {
        if self.fields.iter().all(Field::is_system) {
            return Err(DbaseError::Header("it declares no fields".into()));
        }
        if let Some(field) = self.fields.iter().find(|f| f.length == 0) {
            return Err(DbaseError::Header(format!(
                "field '{}' has a length of 0",
                String::from_utf8_lossy(&field.name)
            )));
        }
        if self.header_length > file_length {
            return Err(DbaseError::Header(format!(
                "its header ({} bytes) is longer than the file ({file_length})",
                self.header_length
            )));
        }
        Ok(())
    }

    /// The header's record length when it covers every field (some writers
    /// pad records), else the fields' own sum.
    pub fn record_stride(&self) -> usize {
        if self.stated_record_length >= self.record_length {
            self.stated_record_length
        } else {
            self.record_length
        }
    }
}

/// The year of the last update from its byte: years since 1900, except
/// that many writers store the year modulo 100, and no dBase table was
/// written before 1980.
fn update_year(byte: u8) -> u16 {
    match u16::from(byte) {
        years if years < 80 => 2000 + years,
        years => 1900 + years,
    }
}

/// dBase III / IV / FoxPro / Visual FoxPro: name (11), type, displacement
/// (4), length, decimals, flags, ...
fn parse_field(descriptor: &[u8], offset: usize, family: Family) -> Field {
    let end = descriptor[..11].iter().position(|&b| b == 0).unwrap_or(11);
    let kind = descriptor[11];
    let mut length = usize::from(descriptor[16]);
    let mut decimals = descriptor[17];
    // Clipper and FoxBASE store character fields longer than 255 with the
    // high byte of the length in the decimal count.
    if kind == b'C' && family == Family::Dbase && decimals > 0 {
        length += usize::from(decimals) << 8;
        decimals = 0;
    }
    Field {
        name: descriptor[..end].to_vec(),
        kind,
        offset,
        length,
        decimals,
        flags: if family == Family::VisualFoxPro {
            descriptor[18]
        } else {
            0
        },
    }
}

/// dBase 7: name (32), type, length, decimals, ...
fn parse_dbase7_field(descriptor: &[u8], offset: usize) -> Field {
    let end = descriptor[..32].iter().position(|&b| b == 0).unwrap_or(32);
    Field {
        name: descriptor[..end].to_vec(),
        kind: descriptor[32],
        offset,
        length: usize::from(descriptor[33]),
        decimals: descriptor[34],
        flags: 0,
    }
}

fn read_prefix(
    input: &mut impl Read,
    start: &mut [u8; 32],
    file_length: u64,
) -> Result<(), DbaseError> {
    if file_length < 32 {
        return Err(DbaseError::NotDbase {
            reason: format!("it is {file_length} bytes long, shorter than a dBase header"),
        });
    }
    input.read_exact(start).map_err(DbaseError::Io)
}

fn truncated_header(error: io::Error, header_length: u64) -> DbaseError {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        DbaseError::Header(format!(
            "the file ends inside its {header_length}-byte header (truncated)"
        ))
    } else {
        DbaseError::Io(error)
    }
}
