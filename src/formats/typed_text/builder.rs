//! The Arrow builder of a column of inferred type, fed text values.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::ArrayRef;

use super::values::{self, ColumnType, DateOrder};

/// One column's Arrow builder, with the parser its type needs.
pub enum TypedBuilder {
    Boolean(BooleanBuilder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Date(Date32Builder, DateOrder),
    Timestamp(TimestampMicrosecondBuilder, DateOrder),
    TimestampUtc(TimestampMicrosecondBuilder),
    Utf8(StringBuilder),
}

impl TypedBuilder {
    /// A builder with room for `rows` values.
    pub fn new(column_type: ColumnType, rows: usize) -> TypedBuilder {
        match column_type {
            ColumnType::Boolean => TypedBuilder::Boolean(BooleanBuilder::with_capacity(rows)),
            ColumnType::Int64 => TypedBuilder::Int64(Int64Builder::with_capacity(rows)),
            ColumnType::Float64 => TypedBuilder::Float64(Float64Builder::with_capacity(rows)),
            ColumnType::Date(order) => {
                TypedBuilder::Date(Date32Builder::with_capacity(rows), order)
            }
            ColumnType::Timestamp(order) => {
                TypedBuilder::Timestamp(TimestampMicrosecondBuilder::with_capacity(rows), order)
            }
            ColumnType::TimestampUtc => TypedBuilder::TimestampUtc(
                TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC"),
            ),
            ColumnType::Utf8 => TypedBuilder::Utf8(StringBuilder::with_capacity(rows, rows * 8)),
        }
    }

    pub fn column_type(&self) -> ColumnType {
        match self {
            TypedBuilder::Boolean(_) => ColumnType::Boolean,
            TypedBuilder::Int64(_) => ColumnType::Int64,
            TypedBuilder::Float64(_) => ColumnType::Float64,
            TypedBuilder::Date(_, order) => ColumnType::Date(*order),
            TypedBuilder::Timestamp(_, order) => ColumnType::Timestamp(*order),
            TypedBuilder::TimestampUtc(_) => ColumnType::TimestampUtc,
            TypedBuilder::Utf8(_) => ColumnType::Utf8,
        }
    }

    /// Appends one value; an empty one is null. `false` when it does not
    /// parse as the column's type (nothing is appended then).
    #[inline]
    pub fn append(&mut self, value: &str) -> bool {
        if let TypedBuilder::Utf8(builder) = self {
            if value.is_empty() {
                builder.append_null();
            } else {
                builder.append_value(value);
            }
            return true;
        }
        let value = values::trim(value.as_bytes());
        let is_null = value.is_empty() || values::is_null_token(value);
        macro_rules! put {
            ($builder:expr, $parsed:expr) => {{
                if is_null {
                    $builder.append_null();
                    true
                } else if let Some(parsed) = $parsed {
                    $builder.append_value(parsed);
                    true
                } else {
                    false
                }
            }};
        }
        match self {
            TypedBuilder::Boolean(b) => put!(b, values::parse_bool(value)),
            TypedBuilder::Int64(b) => put!(b, values::parse_int(value)),
            TypedBuilder::Float64(b) => put!(b, values::parse_float(value)),
            TypedBuilder::Date(b, order) => put!(b, values::parse_date(value, *order)),
            TypedBuilder::Timestamp(b, order) => put!(b, values::parse_timestamp(value, *order)),
            TypedBuilder::TimestampUtc(b) => put!(b, values::parse_timestamp_utc(value)),
            TypedBuilder::Utf8(_) => unreachable!("handled above"),
        }
    }

    /// Appends a null.
    pub fn append_null(&mut self) {
        match self {
            TypedBuilder::Boolean(b) => b.append_null(),
            TypedBuilder::Int64(b) => b.append_null(),
            TypedBuilder::Float64(b) => b.append_null(),
            TypedBuilder::Date(b, _) => b.append_null(),
            TypedBuilder::Timestamp(b, _) | TypedBuilder::TimestampUtc(b) => b.append_null(),
            TypedBuilder::Utf8(b) => b.append_null(),
        }
    }

    /// The values appended since the last call, as one array.
    pub fn finish(&mut self) -> ArrayRef {
        match self {
            TypedBuilder::Boolean(b) => Arc::new(b.finish()),
            TypedBuilder::Int64(b) => Arc::new(b.finish()),
            TypedBuilder::Float64(b) => Arc::new(b.finish()),
            TypedBuilder::Date(b, _) => Arc::new(b.finish()),
            TypedBuilder::Timestamp(b, _) => Arc::new(b.finish()),
            TypedBuilder::TimestampUtc(b) => Arc::new(b.finish()),
            TypedBuilder::Utf8(b) => Arc::new(b.finish()),
        }
    }
}
