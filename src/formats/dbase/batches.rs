//! A chunk of records → one Arrow batch: each column's values decoded as its
//! field's type says (`values`), memo fields looked up in the memo file,
//! Visual FoxPro's `_NullFlags` applied, deleted records left out (or kept
//! with `_deleted` true), and what did not fit its type counted per column.
//! A [`ChunkDecoder`] is shared by the threads that decode chunks at once.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder,
    Int32Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use super::fields::{Column, Decoder};
use super::header::TableHeader;
use super::memo::MemoFile;
use super::records::RecordFlag;
use super::values::{self, Parsed};
use super::DbaseError;
use crate::formats::charset::Charset;

/// Counts from decoding some records, added up over the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChunkCounts {
    /// Values that did not fit their declared type, per column.
    pub invalid: Vec<u64>,
    /// Memo values read as null because the memo file is missing.
    pub memo_missing: u64,
    /// Characters the code page has no mapping for.
    pub unmapped_characters: u64,
    pub deleted: u64,
    /// Records whose flag byte is neither blank nor `*` (read as live).
    pub unusual_flags: u64,
}

impl ChunkCounts {
    pub fn add(&mut self, other: &ChunkCounts) {
        add_each(&mut self.invalid, &other.invalid);
        self.memo_missing += other.memo_missing;
        self.unmapped_characters += other.unmapped_characters;
        self.deleted += other.deleted;
        self.unusual_flags += other.unusual_flags;
    }
}

fn add_each(total: &mut Vec<u64>, part: &[u64]) {
    total.resize(total.len().max(part.len()), 0);
    for (t, p) in total.iter_mut().zip(part) {
        *t += p;
    }
}

/// How a table's records become batches.
pub struct ChunkDecoder<'a> {
    pub header: &'a TableHeader,
    pub columns: &'a [Column],
    pub schema: SchemaRef,
    pub charset: Charset,
    /// `None` with memo fields: the memo file is missing (and
    /// `--ignore-missing-memo` was given).
    pub memo: Option<&'a MemoFile>,
    pub stride: usize,
    pub all_strings: bool,
    pub keep_padding: bool,
    pub include_deleted: bool,
}

impl ChunkDecoder<'_> {
    /// `chunk`'s whole records as a batch, and what was counted.
    pub fn decode(&self, chunk: &[u8]) -> Result<(RecordBatch, ChunkCounts), DbaseError> {
        let records = chunk.len() / self.stride;
        let mut counts = ChunkCounts {
            invalid: vec![0; self.columns.len()],
            ..ChunkCounts::default()
        };
        let mut builders: Vec<ColumnBuilder> = self
            .schema
            .fields()
            .iter()
            .take(self.columns.len())
            .map(|f| ColumnBuilder::new(f.data_type(), records))
            .collect();
        let mut deleted_flags = BooleanBuilder::with_capacity(records);
        let null_flags = self.null_flags_field();
        for record in chunk.chunks_exact(self.stride) {
            match RecordFlag::of(record[0]) {
                RecordFlag::Deleted => {
                    counts.deleted += 1;
                    if !self.include_deleted {
                        continue;
                    }
                }
                RecordFlag::Unusual => counts.unusual_flags += 1,
                RecordFlag::Live => {}
            }
            if self.include_deleted {
                deleted_flags.append_value(record[0] == b'*');
            }
            let null_flags = null_flags.map(|(at, length)| &record[at..at + length]);
            for (index, (column, builder)) in self.columns.iter().zip(&mut builders).enumerate() {
                let field = &self.header.fields[column.field];
                let mut bytes = &record[field.offset..field.offset + field.length];
                if let Some(flags) = null_flags {
                    if column.null_bit.is_some_and(|bit| bit_set(flags, bit)) {
                        builder.append_null();
                        continue;
                    }
                    if column.length_bit.is_some_and(|bit| bit_set(flags, bit)) {
                        let length = usize::from(*bytes.last().unwrap_or(&0));
                        bytes = &bytes[..length.min(bytes.len().saturating_sub(1))];
                    }
                }
                let outcome = self.append(column, bytes, builder, &mut counts)?;
                match outcome {
                    Outcome::Appended => {}
                    Outcome::Invalid => counts.invalid[index] += 1,
                    Outcome::MemoMissing => counts.memo_missing += 1,
                }
            }
        }
        let mut arrays: Vec<ArrayRef> = builders.iter_mut().map(ColumnBuilder::finish).collect();
        if self.include_deleted {
            arrays.push(Arc::new(deleted_flags.finish()));
        }
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .expect("the builders follow the schema");
        Ok((batch, counts))
    }

    /// Where `_NullFlags` sits in a record, if the table has it.
    fn null_flags_field(&self) -> Option<(usize, usize)> {
        self.header
            .fields
            .iter()
            .find(|f| f.kind == b'0')
            .map(|f| (f.offset, f.length))
    }

    /// Appends one field's value (or a null) to `builder`.
    fn append(
        &self,
        column: &Column,
        bytes: &[u8],
        builder: &mut ColumnBuilder,
        counts: &mut ChunkCounts,
    ) -> Result<Outcome, DbaseError> {
        use ColumnBuilder as B;
        use Decoder as D;
        let memo;
        let bytes = match column.decoder {
            D::MemoText | D::MemoBinary => {
                let Some(file) = self.memo else {
                    return Ok(match values::memo_block(bytes) {
                        Parsed::Blank => {
                            builder.append_null();
                            Outcome::Appended
                        }
                        _ => {
                            builder.append_null();
                            Outcome::MemoMissing
                        }
                    });
                };
                match values::memo_block(bytes) {
                    Parsed::Value(block) => match file.read(block)? {
                        Some(value) => {
                            memo = value;
                            &memo[..]
                        }
                        None => return Ok(invalid(builder)),
                    },
                    Parsed::Blank => {
                        builder.append_null();
                        return Ok(Outcome::Appended);
                    }
                    Parsed::Invalid => return Ok(invalid(builder)),
                }
            }
            _ => bytes,
        };
        if self.all_strings {
            return Ok(self.append_text(column.decoder, bytes, builder, counts));
        }
        let outcome = match (column.decoder, builder) {
            (D::Text, B::Utf8(b)) => {
                self.append_text_field(bytes, b, counts);
                Outcome::Appended
            }
            (D::MemoText, B::Utf8(b)) if bytes.is_empty() => {
                b.append_null();
                Outcome::Appended
            }
            (D::VarText | D::MemoText | D::Unknown, B::Utf8(b)) => {
                self.append_str(bytes, b, counts);
                Outcome::Appended
            }
            (D::BinaryText | D::VarBinary | D::MemoBinary, B::Binary(b)) => {
                b.append_value(bytes);
                Outcome::Appended
            }
            (D::Integer, B::Int64(b)) => append(b, values::integer(bytes)),
            (D::Decimal { precision, scale }, B::Decimal(b)) => {
                let parsed = match values::decimal(bytes, scale as u8) {
                    Parsed::Value(v) if !values::fits_precision(v, precision) => Parsed::Invalid,
                    other => other,
                };
                append(b, parsed)
            }
            (D::Currency, B::Decimal(b)) => append(b, values::currency(bytes)),
            (D::Date, B::Date(b)) => append(b, values::date(bytes)),
            (D::FoxDateTime, B::Timestamp(b)) => append(b, values::fox_datetime(bytes)),
            (D::Dbase7Timestamp, B::Timestamp(b)) => append(b, values::dbase7_timestamp(bytes)),
            (D::Logical, B::Boolean(b)) => append(b, values::logical(bytes)),
            (D::Int32, B::Int32(b)) => append(b, values::int32_le(bytes)),
            (D::Dbase7Int32, B::Int32(b)) => append(b, values::dbase7_int32(bytes)),
            (D::Double, B::Float64(b)) => append(b, values::double_le(bytes)),
            (D::Dbase7Double, B::Float64(b)) => append(b, values::dbase7_double(bytes)),
            (decoder, _) => unreachable!("{decoder:?} has a builder of its type"),
        };
        Ok(outcome)
    }

    /// `--all-strings`: a value's text as written for text-stored fields
    /// (numbers exactly as written, dates as `YYYY-MM-DD` when valid), and
    /// the canonical text of binary-stored ones.
    fn append_text(
        &self,
        decoder: Decoder,
        bytes: &[u8],
        builder: &mut ColumnBuilder,
        counts: &mut ChunkCounts,
    ) -> Outcome {
        use Decoder as D;
        let b = match builder {
            ColumnBuilder::Binary(b) => {
                b.append_value(bytes);
                return Outcome::Appended;
            }
            ColumnBuilder::Utf8(b) => b,
            _ => unreachable!("--all-strings columns are text or binary"),
        };
        let text: Option<String> = match decoder {
            D::Text => {
                self.append_text_field(bytes, b, counts);
                return Outcome::Appended;
            }
            D::MemoText if bytes.is_empty() => None,
            D::VarText | D::MemoText | D::Unknown => {
                self.append_str(bytes, b, counts);
                return Outcome::Appended;
            }
            D::Date => match values::date(bytes) {
                Parsed::Value(days) => Some(date_text(days)),
                Parsed::Blank => None,
                Parsed::Invalid => Some(String::from_utf8_lossy(bytes).trim().to_string()),
            },
            D::Integer | D::Decimal { .. } | D::Logical => {
                let text = String::from_utf8_lossy(values::trim_padding(bytes));
                let text = text.trim();
                (!text.is_empty()).then(|| text.to_string())
            }
            D::FoxDateTime => text_of(values::fox_datetime(bytes), timestamp_text),
            D::Dbase7Timestamp => text_of(values::dbase7_timestamp(bytes), timestamp_text),
            D::Int32 => text_of(values::int32_le(bytes), |v| v.to_string()),
            D::Dbase7Int32 => text_of(values::dbase7_int32(bytes), |v| v.to_string()),
            D::Currency => text_of(values::currency(bytes), |v| decimal_text(v, 4)),
            D::Double => text_of(values::double_le(bytes), |v| v.to_string()),
            D::Dbase7Double => text_of(values::dbase7_double(bytes), |v| v.to_string()),
            D::BinaryText | D::VarBinary | D::MemoBinary => unreachable!("binary columns"),
        };
        match text {
            Some(text) => b.append_value(text),
            None => b.append_null(),
        }
        Outcome::Appended
    }

    /// A character field: its text without the trailing blanks (kept with
    /// `--keep-padding`); a blank field is null, as an empty CSV cell is.
    fn append_text_field(&self, bytes: &[u8], b: &mut StringBuilder, counts: &mut ChunkCounts) {
        let trimmed = values::trim_padding(bytes);
        if trimmed.is_empty() {
            b.append_null();
        } else if self.keep_padding {
            self.append_str(bytes, b, counts);
        } else {
            self.append_str(trimmed, b, counts);
        }
    }

    /// Decodes `bytes` in the table's code page into `builder`.
    fn append_str(&self, bytes: &[u8], builder: &mut StringBuilder, counts: &mut ChunkCounts) {
        let (text, unmapped) = self.charset.decode(bytes);
        counts.unmapped_characters += unmapped as u64;
        builder.append_value(text);
    }
}

enum Outcome {
    Appended,
    Invalid,
    MemoMissing,
}

fn invalid(builder: &mut ColumnBuilder) -> Outcome {
    builder.append_null();
    Outcome::Invalid
}

/// Bit `bit` of `_NullFlags`, counted from the low bit of its first byte.
fn bit_set(flags: &[u8], bit: usize) -> bool {
    flags
        .get(bit / 8)
        .is_some_and(|byte| byte & (1 << (bit % 8)) != 0)
}

/// Appends a parsed value: blank and invalid become null.
fn append<T, B: AppendParsed<T>>(builder: &mut B, parsed: Parsed<T>) -> Outcome {
    match parsed {
        Parsed::Value(v) => {
            builder.append_parsed(v);
            Outcome::Appended
        }
        Parsed::Blank => {
            builder.append_missing();
            Outcome::Appended
        }
        Parsed::Invalid => {
            builder.append_missing();
            Outcome::Invalid
        }
    }
}

/// An Arrow builder a [`Parsed`] value goes into.
trait AppendParsed<T> {
    fn append_parsed(&mut self, value: T);
    fn append_missing(&mut self);
}

macro_rules! append_parsed {
    ($builder:ty, $value:ty) => {
        impl AppendParsed<$value> for $builder {
            fn append_parsed(&mut self, value: $value) {
                self.append_value(value);
            }
            fn append_missing(&mut self) {
                self.append_null();
            }
        }
    };
}

append_parsed!(Int64Builder, i64);
append_parsed!(Int32Builder, i32);
append_parsed!(Decimal128Builder, i128);
append_parsed!(Date32Builder, i32);
append_parsed!(TimestampMicrosecondBuilder, i64);
append_parsed!(BooleanBuilder, bool);
append_parsed!(Float64Builder, f64);

/// One column's builder.
enum ColumnBuilder {
    Utf8(StringBuilder),
    Binary(BinaryBuilder),
    Int64(Int64Builder),
    Int32(Int32Builder),
    Decimal(Decimal128Builder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Boolean(BooleanBuilder),
    Float64(Float64Builder),
}

impl ColumnBuilder {
    fn new(data_type: &arrow_schema::DataType, capacity: usize) -> ColumnBuilder {
        use arrow_schema::DataType as T;
        match data_type {
            T::Utf8 => ColumnBuilder::Utf8(StringBuilder::with_capacity(capacity, capacity * 8)),
            T::Binary => {
                ColumnBuilder::Binary(BinaryBuilder::with_capacity(capacity, capacity * 8))
            }
            T::Int64 => ColumnBuilder::Int64(Int64Builder::with_capacity(capacity)),
            T::Int32 => ColumnBuilder::Int32(Int32Builder::with_capacity(capacity)),
            T::Decimal128(precision, scale) => ColumnBuilder::Decimal(
                Decimal128Builder::with_capacity(capacity)
                    .with_precision_and_scale(*precision, *scale)
                    .expect("a valid decimal type"),
            ),
            T::Date32 => ColumnBuilder::Date(Date32Builder::with_capacity(capacity)),
            T::Timestamp(..) => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::with_capacity(capacity))
            }
            T::Boolean => ColumnBuilder::Boolean(BooleanBuilder::with_capacity(capacity)),
            T::Float64 => ColumnBuilder::Float64(Float64Builder::with_capacity(capacity)),
            other => unreachable!("no dBase column is {other}"),
        }
    }

    fn append_null(&mut self) {
        match self {
            ColumnBuilder::Utf8(b) => b.append_null(),
            ColumnBuilder::Binary(b) => b.append_null(),
            ColumnBuilder::Int64(b) => b.append_null(),
            ColumnBuilder::Int32(b) => b.append_null(),
            ColumnBuilder::Decimal(b) => b.append_null(),
            ColumnBuilder::Date(b) => b.append_null(),
            ColumnBuilder::Timestamp(b) => b.append_null(),
            ColumnBuilder::Boolean(b) => b.append_null(),
            ColumnBuilder::Float64(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Utf8(b) => Arc::new(b.finish()),
            ColumnBuilder::Binary(b) => Arc::new(b.finish()),
            ColumnBuilder::Int64(b) => Arc::new(b.finish()),
            ColumnBuilder::Int32(b) => Arc::new(b.finish()),
            ColumnBuilder::Decimal(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp(b) => Arc::new(b.finish()),
            ColumnBuilder::Boolean(b) => Arc::new(b.finish()),
            ColumnBuilder::Float64(b) => ArrayBuilder::finish(b),
        }
    }
}

fn text_of<T>(parsed: Parsed<T>, show: impl Fn(T) -> String) -> Option<String> {
    match parsed {
        Parsed::Value(v) => Some(show(v)),
        Parsed::Blank | Parsed::Invalid => None,
    }
}

fn date_text(days: i32) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    (epoch + chrono::Duration::days(i64::from(days)))
        .format("%Y-%m-%d")
        .to_string()
}

fn timestamp_text(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}

/// An unscaled decimal as text: `12345678` at scale 4 is `1234.5678`.
fn decimal_text(value: i128, scale: u32) -> String {
    let divisor = 10i128.pow(scale);
    let sign = if value < 0 { "-" } else { "" };
    let magnitude = value.unsigned_abs();
    let divisor = divisor as u128;
    format!(
        "{sign}{}.{:0width$}",
        magnitude / divisor,
        magnitude % divisor,
        width = scale as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_of_binary_values() {
        assert_eq!(decimal_text(12_345_678, 4), "1234.5678");
        assert_eq!(decimal_text(-5, 4), "-0.0005");
        assert_eq!(date_text(0), "1970-01-01");
        assert_eq!(
            timestamp_text(946_728_000_000_000),
            "2000-01-01 12:00:00.000"
        );
    }

    #[test]
    fn null_flag_bits_count_from_the_low_bit() {
        assert!(bit_set(&[0b0000_0010], 1));
        assert!(!bit_set(&[0b0000_0010], 0));
        assert!(bit_set(&[0, 1], 8));
        assert!(!bit_set(&[0], 9));
    }
}
