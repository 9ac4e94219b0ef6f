//! Protocol columns → Arrow types, and protocol values → Arrow builders.
//!
//! Each column's [`ValueType`] says how its values travel (see
//! `jvm::protocol`); [`ColumnBuilder`] parses them into the matching Arrow
//! array. With `all_strings` every column is Utf8 holding the value's text.

use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, BooleanBuilder, Decimal128Builder, Float32Builder, Float64Builder, Int16Builder,
    Int32Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder, UInt8Builder,
};
use arrow_array::ArrayRef;
use arrow_schema::{DataType, Field, TimeUnit};
use base64::Engine as _;

use super::cell::Cell;
use crate::jvm::protocol::{Column, ValueEncoding, ValueType};

/// Access' largest Decimal precision; used when the helper gives none.
const DEFAULT_DECIMAL_PRECISION: u8 = 28;

/// The Arrow type of a column.
pub fn arrow_type(column: &Column, all_strings: bool) -> DataType {
    if all_strings {
        return DataType::Utf8;
    }
    match column.value_type {
        ValueType::Boolean => DataType::Boolean,
        ValueType::Uint8 => DataType::UInt8,
        ValueType::Int16 => DataType::Int16,
        ValueType::Int32 => DataType::Int32,
        ValueType::Int64 => DataType::Int64,
        ValueType::Float32 => DataType::Float32,
        ValueType::Float64 => DataType::Float64,
        ValueType::Decimal => match column.scale {
            Some(scale) => {
                let precision = column
                    .precision
                    .map_or(DEFAULT_DECIMAL_PRECISION, |p| p.clamp(1, 38) as u8);
                let scale = (scale as i8).min(precision as i8);
                DataType::Decimal128(precision.max(1), scale)
            }
            // A calculated Decimal: every value keeps its own scale, so it
            // is kept as exact text.
            None => DataType::Utf8,
        },
        ValueType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
        ValueType::String | ValueType::Guid | ValueType::Complex => DataType::Utf8,
        ValueType::Binary => DataType::Binary,
    }
}

/// The Arrow field of a column.
pub fn arrow_field(column: &Column, all_strings: bool) -> Field {
    Field::new(&column.name, arrow_type(column, all_strings), true)
}

/// A value the column's type cannot hold.
#[derive(Debug, thiserror::Error)]
#[error("column `{column}`: cannot read {value} as {expected}")]
pub struct ValueError {
    pub column: String,
    pub value: String,
    pub expected: &'static str,
}

/// Builds one column's Arrow array.
pub enum ColumnBuilder {
    Boolean(BooleanBuilder),
    UInt8(UInt8Builder),
    Int16(Int16Builder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    /// `true`: values arrive as IEEE bits (`compact` encoding).
    Float32(Float32Builder, bool),
    Float64(Float64Builder, bool),
    Decimal(Decimal128Builder, u8, i8),
    Timestamp(TimestampMicrosecondBuilder),
    Utf8(StringBuilder),
    Binary(BinaryBuilder),
}

impl ColumnBuilder {
    /// A builder for `data_type`, reading values in the `encoding` the
    /// helper was asked for (see `jvm::protocol::ValueEncoding`).
    pub fn new(data_type: &DataType, encoding: ValueEncoding) -> ColumnBuilder {
        let bits = encoding == ValueEncoding::Compact;
        match data_type {
            DataType::Boolean => ColumnBuilder::Boolean(BooleanBuilder::new()),
            DataType::UInt8 => ColumnBuilder::UInt8(UInt8Builder::new()),
            DataType::Int16 => ColumnBuilder::Int16(Int16Builder::new()),
            DataType::Int32 => ColumnBuilder::Int32(Int32Builder::new()),
            DataType::Int64 => ColumnBuilder::Int64(Int64Builder::new()),
            DataType::Float32 => ColumnBuilder::Float32(Float32Builder::new(), bits),
            DataType::Float64 => ColumnBuilder::Float64(Float64Builder::new(), bits),
            DataType::Decimal128(p, s) => ColumnBuilder::Decimal(Decimal128Builder::new(), *p, *s),
            DataType::Timestamp(_, _) => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::new())
            }
            DataType::Binary => ColumnBuilder::Binary(BinaryBuilder::new()),
            _ => ColumnBuilder::Utf8(StringBuilder::new()),
        }
    }

    /// Appends one protocol value (`null` is a null of every type).
    pub fn append(&mut self, value: Cell<'_>, column: &str) -> Result<(), ValueError> {
        let bad = |value: &Cell<'_>, expected: &'static str| ValueError {
            column: column.to_string(),
            value: truncated(value),
            expected,
        };
        match (self, value) {
            (builder, Cell::Null) => builder.append_null(),
            (ColumnBuilder::Boolean(b), Cell::Bool(v)) => b.append_value(v),
            (ColumnBuilder::UInt8(b), value) => b.append_value(
                value
                    .as_i64()
                    .and_then(|v| u8::try_from(v).ok())
                    .ok_or_else(|| bad(&value, "a byte"))?,
            ),
            (ColumnBuilder::Int16(b), value) => b.append_value(
                value
                    .as_i64()
                    .and_then(|v| i16::try_from(v).ok())
                    .ok_or_else(|| bad(&value, "a 16-bit integer"))?,
            ),
            (ColumnBuilder::Int32(b), value) => b.append_value(
                value
                    .as_i64()
                    .and_then(|v| i32::try_from(v).ok())
                    .ok_or_else(|| bad(&value, "a 32-bit integer"))?,
            ),
            (ColumnBuilder::Int64(b), value) => b.append_value(
                value
                    .as_i64()
                    .ok_or_else(|| bad(&value, "a 64-bit integer"))?,
            ),
            (ColumnBuilder::Float32(b, true), value) => b.append_value(f32::from_bits(
                value
                    .as_i64()
                    .and_then(|v| i32::try_from(v).ok())
                    .ok_or_else(|| bad(&value, "float bits"))? as u32,
            )),
            (ColumnBuilder::Float32(b, false), value) => {
                b.append_value(float(&value).ok_or_else(|| bad(&value, "a number"))? as f32)
            }
            (ColumnBuilder::Float64(b, true), value) => b.append_value(f64::from_bits(
                value.as_i64().ok_or_else(|| bad(&value, "double bits"))? as u64,
            )),
            (ColumnBuilder::Float64(b, false), value) => {
                b.append_value(float(&value).ok_or_else(|| bad(&value, "a number"))?)
            }
            // Text, or (compact) the unscaled value as an integer.
            (ColumnBuilder::Decimal(b, _, scale), value) => b.append_value(
                match &value {
                    Cell::Str(text) => parse_decimal(text, *scale),
                    number => number.as_i64().map(i128::from),
                }
                .ok_or_else(|| bad(&value, "a decimal"))?,
            ),
            // ISO text, or (compact) microseconds since 1970 as an integer.
            (ColumnBuilder::Timestamp(b), value) => b.append_value(
                match &value {
                    Cell::Str(text) => parse_timestamp(text),
                    number => number.as_i64(),
                }
                .ok_or_else(|| bad(&value, "a date-time"))?,
            ),
            (ColumnBuilder::Utf8(b), Cell::Str(text)) => b.append_value(text),
            (ColumnBuilder::Utf8(b), other) => b.append_value(other.to_string()),
            (ColumnBuilder::Binary(b), value) => b.append_value(
                value
                    .as_str()
                    .and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
                    .ok_or_else(|| bad(&value, "base64 bytes"))?,
            ),
            (ColumnBuilder::Boolean(_), value) => return Err(bad(&value, "a boolean")),
        }
        Ok(())
    }

    /// Appends a null.
    pub fn append_null(&mut self) {
        match self {
            ColumnBuilder::Boolean(b) => b.append_null(),
            ColumnBuilder::UInt8(b) => b.append_null(),
            ColumnBuilder::Int16(b) => b.append_null(),
            ColumnBuilder::Int32(b) => b.append_null(),
            ColumnBuilder::Int64(b) => b.append_null(),
            ColumnBuilder::Float32(b, _) => b.append_null(),
            ColumnBuilder::Float64(b, _) => b.append_null(),
            ColumnBuilder::Decimal(b, _, _) => b.append_null(),
            ColumnBuilder::Timestamp(b) => b.append_null(),
            ColumnBuilder::Utf8(b) => b.append_null(),
            ColumnBuilder::Binary(b) => b.append_null(),
        }
    }

    /// The array built so far; the builder starts over empty.
    pub fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Boolean(b) => Arc::new(b.finish()),
            ColumnBuilder::UInt8(b) => Arc::new(b.finish()),
            ColumnBuilder::Int16(b) => Arc::new(b.finish()),
            ColumnBuilder::Int32(b) => Arc::new(b.finish()),
            ColumnBuilder::Int64(b) => Arc::new(b.finish()),
            ColumnBuilder::Float32(b, _) => Arc::new(b.finish()),
            ColumnBuilder::Float64(b, _) => Arc::new(b.finish()),
            ColumnBuilder::Decimal(b, p, s) => Arc::new(
                b.finish()
                    .with_precision_and_scale(*p, *s)
                    .expect("precision and scale were checked"),
            ),
            ColumnBuilder::Timestamp(b) => Arc::new(b.finish()),
            ColumnBuilder::Utf8(b) => Arc::new(b.finish()),
            ColumnBuilder::Binary(b) => Arc::new(b.finish()),
        }
    }
}

fn truncated(value: &Cell<'_>) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text,
    }
}

fn float(value: &Cell<'_>) -> Option<f64> {
    match value.as_str() {
        Some("NaN") => Some(f64::NAN),
        Some("Infinity") => Some(f64::INFINITY),
        Some("-Infinity") => Some(f64::NEG_INFINITY),
        Some(_) => None,
        None => value.as_f64(),
    }
}

/// `"-12.5000"` at `scale` 4 → -125000. More fraction digits than `scale`
/// is an error (never rounded).
pub fn parse_decimal(text: &str, scale: i8) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let scale = usize::try_from(scale).ok()?;
    if whole.is_empty() && fraction.is_empty() || fraction.len() > scale {
        return None;
    }
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut value: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    for _ in fraction.len()..scale {
        value = value.checked_mul(10)?;
    }
    Some(if negative { -value } else { value })
}

/// `YYYY-MM-DDTHH:MM:SS[.fffffffff]` (a wall-clock value) → microseconds
/// since 1970-01-01T00:00:00 on the same wall clock.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(parsed.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("12.5000", 4), Some(125_000));
        assert_eq!(parse_decimal("-0.0001", 4), Some(-1));
        assert_eq!(parse_decimal("7", 2), Some(700));
        assert_eq!(parse_decimal("1.23456", 4), None);
        assert_eq!(parse_decimal("1e5", 4), None);
        assert_eq!(parse_decimal("", 4), None);
    }

    #[test]
    fn timestamps_are_wall_clock_micros() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:01"), Some(1_000_000));
        assert_eq!(parse_timestamp("1970-01-01T00:00:00.5"), Some(500_000));
        assert_eq!(
            parse_timestamp("1899-12-30T00:00:00"),
            Some(-2_209_161_600_000_000)
        );
        assert_eq!(parse_timestamp("not a date"), None);
    }
}
