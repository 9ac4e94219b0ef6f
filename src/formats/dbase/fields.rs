//! Each field's column: its decoder and Arrow type, decided from the header
//! alone (monthly exports of one table must get one schema, whatever their
//! values), and the `_deleted` column of `--include-deleted`.

use std::sync::Arc;

use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef, TimeUnit};

use super::header::{Family, Field, TableHeader};
use crate::formats::charset::Charset;

/// The largest decimal precision Parquet readers (Spark) take.
pub const MAX_PRECISION: u8 = 38;

/// How a field's bytes are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// `C`: text, trailing blanks trimmed unless `--keep-padding`.
    Text,
    /// `C` flagged binary (Visual FoxPro's NOCPTRANS): the bytes as they are.
    BinaryText,
    /// `V` (Visual FoxPro varchar): text whose length may be in its last
    /// byte (`_NullFlags` says).
    VarText,
    /// `Q` (Visual FoxPro varbinary).
    VarBinary,
    /// `N` / `F` of scale 0 and width up to 18: digits as text.
    Integer,
    /// `N` / `F` otherwise: an exact decimal.
    Decimal { precision: u8, scale: i8 },
    /// `D`: `YYYYMMDD`.
    Date,
    /// `T` (Visual FoxPro): Julian day and milliseconds, little-endian.
    FoxDateTime,
    /// `@` (dBase 7): a transformed big-endian double of milliseconds.
    Dbase7Timestamp,
    /// `L`.
    Logical,
    /// `I` (Visual FoxPro): int32 little-endian.
    Int32,
    /// `I` and `+` (dBase 7): int32 big-endian, sign bit flipped.
    Dbase7Int32,
    /// `Y`: int64 little-endian, ten-thousandths.
    Currency,
    /// `B` (Visual FoxPro): float64 little-endian.
    Double,
    /// `O` (dBase 7): float64 big-endian, transformed to sort as bytes.
    Dbase7Double,
    /// `M`: text in the memo file.
    MemoText,
    /// `G`, `P`, `W`, and dBase's `B`: bytes in the memo file (or an `M`
    /// flagged binary).
    MemoBinary,
    /// A type letter this reader does not know: its bytes as text.
    Unknown,
}

/// A column of output: the field it comes from and how.
#[derive(Debug, Clone)]
pub struct Column {
    /// The column name (the field's name in the table's code page).
    pub name: String,
    /// Index into the header's fields.
    pub field: usize,
    pub decoder: Decoder,
    /// The bit of `_NullFlags` that says the value is null, if any.
    pub null_bit: Option<usize>,
    /// The bit of `_NullFlags` that says a `V`/`Q` value is shorter than
    /// the field (its length in the last byte), if any.
    pub length_bit: Option<usize>,
}

impl Column {
    /// The Arrow type of its values (`all_strings`: text for every column).
    pub fn data_type(&self, all_strings: bool) -> DataType {
        if all_strings {
            return match self.decoder {
                Decoder::BinaryText | Decoder::VarBinary | Decoder::MemoBinary => DataType::Binary,
                _ => DataType::Utf8,
            };
        }
        match self.decoder {
            Decoder::Text | Decoder::VarText | Decoder::MemoText | Decoder::Unknown => {
                DataType::Utf8
            }
            Decoder::BinaryText | Decoder::VarBinary | Decoder::MemoBinary => DataType::Binary,
            Decoder::Integer => DataType::Int64,
            Decoder::Decimal { precision, scale } => DataType::Decimal128(precision, scale),
            Decoder::Date => DataType::Date32,
            Decoder::FoxDateTime | Decoder::Dbase7Timestamp => {
                DataType::Timestamp(TimeUnit::Microsecond, None)
            }
            Decoder::Logical => DataType::Boolean,
            Decoder::Int32 | Decoder::Dbase7Int32 => DataType::Int32,
            Decoder::Currency => DataType::Decimal128(19, 4),
            Decoder::Double | Decoder::Dbase7Double => DataType::Float64,
        }
    }
}

/// The decoder of `field` in a table of `family`.
pub fn decoder(field: &Field, family: Family) -> Decoder {
    let vfp = family == Family::VisualFoxPro;
    let dbase7 = family == Family::Dbase7;
    match field.kind {
        b'C' if vfp && field.is_binary() => Decoder::BinaryText,
        b'C' => Decoder::Text,
        b'V' if vfp && field.is_binary() => Decoder::VarBinary,
        b'V' if vfp => Decoder::VarText,
        b'Q' if vfp => Decoder::VarBinary,
        b'N' | b'F' => numeric(field),
        b'D' => Decoder::Date,
        b'T' if vfp => Decoder::FoxDateTime,
        b'@' if dbase7 => Decoder::Dbase7Timestamp,
        b'L' => Decoder::Logical,
        b'I' | b'+' if dbase7 => Decoder::Dbase7Int32,
        b'I' if field.length == 4 => Decoder::Int32,
        b'Y' if field.length == 8 => Decoder::Currency,
        b'B' if vfp && field.length == 8 => Decoder::Double,
        b'O' if field.length == 8 => Decoder::Dbase7Double,
        b'M' if field.is_binary() => Decoder::MemoBinary,
        b'M' => Decoder::MemoText,
        b'G' | b'P' | b'W' | b'B' => Decoder::MemoBinary,
        _ => Decoder::Unknown,
    }
}

/// `N` / `F`: int64 for scale 0 and up to 18 digits, else an exact decimal
/// of the field's width (at most 38 digits: wider values that do not fit
/// are counted as invalid).
fn numeric(field: &Field) -> Decoder {
    let scale = field.decimals;
    if scale == 0 && field.length <= 18 {
        return Decoder::Integer;
    }
    let width = u8::try_from(field.length).unwrap_or(u8::MAX);
    let precision = width.max(scale.saturating_add(1)).min(MAX_PRECISION);
    Decoder::Decimal {
        precision,
        scale: scale.min(precision) as i8,
    }
}

/// Whether `field`'s value lives in the memo file.
pub fn stored_in_memo(field: &Field, family: Family) -> bool {
    matches!(
        decoder(field, family),
        Decoder::MemoText | Decoder::MemoBinary
    )
}

/// The output columns of `header`: every field but the system ones, with
/// their `_NullFlags` bits (Visual FoxPro: one bit per nullable field and
/// one per varying-length field, in field order, the length bit first).
pub fn columns(header: &TableHeader, charset: Charset) -> Vec<Column> {
    let family = header.version.family;
    let has_null_flags = header.fields.iter().any(|f| f.kind == b'0');
    let mut next_bit = 0;
    let mut columns = Vec::new();
    for (index, field) in header.fields.iter().enumerate() {
        let varying = family == Family::VisualFoxPro && matches!(field.kind, b'V' | b'Q');
        let length_bit = (has_null_flags && varying).then(|| {
            next_bit += 1;
            next_bit - 1
        });
        let null_bit = (has_null_flags && field.is_nullable()).then(|| {
            next_bit += 1;
            next_bit - 1
        });
        if field.is_system() {
            continue;
        }
        let (name, _) = charset.decode(&field.name);
        columns.push(Column {
            name: name.trim().to_string(),
            field: index,
            decoder: decoder(field, family),
            null_bit,
            length_bit,
        });
    }
    columns
}

/// The name of `--include-deleted`'s column.
pub const DELETED_COLUMN: &str = "_deleted";

/// The Arrow schema of `columns` (and `_deleted` last when asked).
pub fn schema(columns: &[Column], all_strings: bool, include_deleted: bool) -> SchemaRef {
    let mut fields: Vec<ArrowField> = columns
        .iter()
        .map(|c| ArrowField::new(&c.name, c.data_type(all_strings), true))
        .collect();
    if include_deleted {
        fields.push(ArrowField::new(DELETED_COLUMN, DataType::Boolean, false));
    }
    Arc::new(Schema::new(fields))
}

/// A short description of a field's declared type: `C(50)`, `N(12,2)`.
pub fn declared(field: &Field) -> String {
    let kind = char::from(field.kind);
    match field.kind {
        b'N' | b'F' if field.decimals > 0 => format!("{kind}({},{})", field.length, field.decimals),
        _ => format!("{kind}({})", field.length),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: u8, length: usize, decimals: u8) -> Field {
        Field {
            name: b"F".to_vec(),
            kind,
            offset: 1,
            length,
            decimals,
            flags: 0,
        }
    }

    #[test]
    fn numbers_are_typed_from_width_and_scale() {
        let d = |l, s| decoder(&field(b'N', l, s), Family::Dbase);
        assert_eq!(d(10, 0), Decoder::Integer);
        assert_eq!(d(18, 0), Decoder::Integer);
        assert_eq!(
            d(19, 0),
            Decoder::Decimal {
                precision: 19,
                scale: 0
            }
        );
        assert_eq!(
            d(12, 2),
            Decoder::Decimal {
                precision: 12,
                scale: 2
            }
        );
        assert_eq!(
            d(50, 0),
            Decoder::Decimal {
                precision: 38,
                scale: 0
            }
        );
        assert_eq!(
            d(20, 18),
            Decoder::Decimal {
                precision: 20,
                scale: 18
            }
        );
        assert_eq!(
            d(3, 5),
            Decoder::Decimal {
                precision: 6,
                scale: 5
            }
        );
    }

    #[test]
    fn binary_types_depend_on_the_family() {
        let b = field(b'B', 8, 0);
        assert_eq!(decoder(&b, Family::VisualFoxPro), Decoder::Double);
        assert_eq!(
            decoder(&field(b'B', 10, 0), Family::Dbase),
            Decoder::MemoBinary
        );
        assert_eq!(
            decoder(&field(b'I', 4, 0), Family::Dbase7),
            Decoder::Dbase7Int32
        );
        assert_eq!(
            decoder(&field(b'I', 4, 0), Family::VisualFoxPro),
            Decoder::Int32
        );
        assert_eq!(
            decoder(&field(b'T', 8, 0), Family::VisualFoxPro),
            Decoder::FoxDateTime
        );
        assert_eq!(
            decoder(&field(b'@', 8, 0), Family::Dbase7),
            Decoder::Dbase7Timestamp
        );
    }
}
