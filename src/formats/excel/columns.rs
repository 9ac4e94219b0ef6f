//! A sheet column's type, decided from every value in it: int64 when every
//! number is integral, float64, boolean, date (date cells at midnight),
//! timestamp, or string when kinds mix or for durations and times of day.
//! Error cells do not decide a type (they are null and counted), unless
//! `--keep-errors` keeps their text, which makes the column a string.

use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveTime;

use super::value::Value;

/// What kinds of value one column holds, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnStats {
    pub integers: u64,
    pub fractions: u64,
    pub booleans: u64,
    /// Date cells at midnight, and ISO dates.
    pub dates: u64,
    /// Date cells with a time of day.
    pub datetimes: u64,
    pub durations: u64,
    pub texts: u64,
    pub errors: u64,
}

/// The type a column is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Int64,
    Float64,
    Boolean,
    Date,
    Timestamp,
    String,
}

impl ColumnType {
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Int64 => "int64",
            ColumnType::Float64 => "float64",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::String => "string",
        }
    }

    pub fn arrow(self) -> DataType {
        match self {
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Date => DataType::Date32,
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            ColumnType::String => DataType::Utf8,
        }
    }
}

/// Whole numbers beyond this are float64: an f64 at or above 2^63 has no
/// int64.
const INT64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

/// Whether a number cell holds an integral value an int64 keeps exactly.
pub fn is_integral(value: f64) -> bool {
    value.fract() == 0.0 && value.abs() < INT64_LIMIT
}

impl ColumnStats {
    pub fn add(&mut self, value: &Value) {
        match value {
            Value::Int(_) => self.integers += 1,
            Value::Float(f) if is_integral(*f) => self.integers += 1,
            Value::Float(_) => self.fractions += 1,
            Value::Bool(_) => self.booleans += 1,
            Value::Text(_) => self.texts += 1,
            Value::Date(_) => self.dates += 1,
            Value::DateTime(d) if d.time() == NaiveTime::MIN => self.dates += 1,
            Value::DateTime(_) => self.datetimes += 1,
            Value::Duration(_) => self.durations += 1,
            Value::Error(_) => self.errors += 1,
        }
    }

    /// Counts of a column of another sheet with the same name (`--combine`).
    pub fn merge(&mut self, other: &ColumnStats) {
        self.integers += other.integers;
        self.fractions += other.fractions;
        self.booleans += other.booleans;
        self.dates += other.dates;
        self.datetimes += other.datetimes;
        self.durations += other.durations;
        self.texts += other.texts;
        self.errors += other.errors;
    }

    /// The column's type; every column is a string under `all_strings`.
    pub fn decide(&self, all_strings: bool, keep_errors: bool) -> ColumnType {
        if all_strings || (keep_errors && self.errors > 0) {
            return ColumnType::String;
        }
        let numbers = self.integers + self.fractions;
        let calendar = self.dates + self.datetimes;
        let kinds = [numbers, self.booleans, calendar, self.durations, self.texts]
            .iter()
            .filter(|&&n| n > 0)
            .count();
        if kinds != 1 {
            return ColumnType::String;
        }
        if self.fractions > 0 {
            ColumnType::Float64
        } else if self.integers > 0 {
            ColumnType::Int64
        } else if self.booleans > 0 {
            ColumnType::Boolean
        } else if self.datetimes > 0 {
            ColumnType::Timestamp
        } else if self.dates > 0 {
            ColumnType::Date
        } else {
            ColumnType::String
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn decided(values: &[Value]) -> ColumnType {
        let mut stats = ColumnStats::default();
        values.iter().for_each(|v| stats.add(v));
        stats.decide(false, false)
    }

    #[test]
    fn types_from_every_value() {
        use Value::*;
        assert_eq!(decided(&[Float(1.0), Int(2)]), ColumnType::Int64);
        assert_eq!(decided(&[Float(1.0), Float(2.5)]), ColumnType::Float64);
        assert_eq!(decided(&[Float(1e19)]), ColumnType::Float64);
        assert_eq!(decided(&[Bool(true)]), ColumnType::Boolean);
        assert_eq!(
            decided(&[Float(1.0), Text(Cow::Borrowed("x"))]),
            ColumnType::String
        );
        assert_eq!(decided(&[Duration(0.5)]), ColumnType::String);
        assert_eq!(decided(&[]), ColumnType::String);
        // Errors are null and do not decide, unless their text is kept.
        let errors = [Int(1), Error(Cow::Borrowed("#N/A"))];
        assert_eq!(decided(&errors), ColumnType::Int64);
        let mut stats = ColumnStats::default();
        errors.iter().for_each(|v| stats.add(v));
        assert_eq!(stats.decide(false, true), ColumnType::String);
        assert_eq!(stats.decide(true, false), ColumnType::String);
    }

    #[test]
    fn dates_at_midnight_are_dates() {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        let midnight = Value::DateTime(day.and_hms_opt(0, 0, 0).unwrap());
        let noon = Value::DateTime(day.and_hms_opt(12, 0, 0).unwrap());
        assert_eq!(
            decided(&[midnight.clone(), Value::Date(day)]),
            ColumnType::Date
        );
        assert_eq!(decided(&[midnight, noon]), ColumnType::Timestamp);
    }
}
