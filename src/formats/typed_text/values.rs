//! Reading one text value (a CSV cell, an XML text) as a typed value.
//!
//! Type inference and batch building share these functions, so a column is
//! only given a type whose parser accepts every one of its cells. Inference
//! works on a bit mask of the types still possible for a column; each cell
//! keeps the bits it satisfies.
//!
//! Rules a demanding user relies on:
//! - Numbers with leading zeros (`08123`, `007`) are identifiers: not numeric.
//! - Integers that overflow int64 are not floats either (digits would be lost).
//! - `NA`, `N/A`, `NULL`, `None`, `NaN`, `-` and friends are nulls in a typed
//!   column, and kept verbatim when the column stays text.
//! - Dates: `YYYY-MM-DD` (also `/` and `.`), `M/D/YYYY`, `D/M/YYYY`, `D.M.YYYY`,
//!   `D-M-YYYY`; a column whose days are all ≤ 12 reads month first, as pandas does.
//! - Timestamps: a date, `T` or space, `H:MM[:SS[.ffffff]]`, and for ISO
//!   dates an optional `Z` / `±HH[:MM]` zone (stored as UTC).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

pub const BOOL: u16 = 1 << 0;
pub const INT: u16 = 1 << 1;
pub const FLOAT: u16 = 1 << 2;
pub const DATE_YMD: u16 = 1 << 3;
pub const DATE_MDY: u16 = 1 << 4;
pub const DATE_DMY: u16 = 1 << 5;
pub const TS_YMD: u16 = 1 << 6;
pub const TS_MDY: u16 = 1 << 7;
pub const TS_DMY: u16 = 1 << 8;
pub const TS_ZONED: u16 = 1 << 9;
/// Every type a column may start with.
pub const ALL: u16 = (1 << 10) - 1;

const DATES: u16 = DATE_YMD | DATE_MDY | DATE_DMY | TS_YMD | TS_MDY | TS_DMY | TS_ZONED;

/// Order of the parts of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Ymd,
    Mdy,
    Dmy,
}

impl DateOrder {
    /// Its name in `info`: `ymd`, `mdy` or `dmy`.
    pub fn name(&self) -> &'static str {
        match self {
            DateOrder::Ymd => "ymd",
            DateOrder::Mdy => "mdy",
            DateOrder::Dmy => "dmy",
        }
    }
}

/// The type a column is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Boolean,
    Int64,
    Float64,
    Date(DateOrder),
    Timestamp(DateOrder),
    /// ISO timestamps that all carry a zone; stored as UTC instants.
    TimestampUtc,
    Utf8,
}

impl ColumnType {
    /// The most specific type left in `mask`. A column with no typed cell at
    /// all (only empties or null tokens) is text.
    pub fn from_mask(mask: u16, typed_cells: u64) -> ColumnType {
        if typed_cells == 0 {
            return ColumnType::Utf8;
        }
        const ORDER: [(u16, ColumnType); 10] = [
            (BOOL, ColumnType::Boolean),
            (INT, ColumnType::Int64),
            (FLOAT, ColumnType::Float64),
            (DATE_YMD, ColumnType::Date(DateOrder::Ymd)),
            (DATE_MDY, ColumnType::Date(DateOrder::Mdy)),
            (DATE_DMY, ColumnType::Date(DateOrder::Dmy)),
            (TS_YMD, ColumnType::Timestamp(DateOrder::Ymd)),
            (TS_MDY, ColumnType::Timestamp(DateOrder::Mdy)),
            (TS_DMY, ColumnType::Timestamp(DateOrder::Dmy)),
            (TS_ZONED, ColumnType::TimestampUtc),
        ];
        ORDER
            .iter()
            .find(|(bit, _)| mask & bit != 0)
            .map(|(_, t)| *t)
            .unwrap_or(ColumnType::Utf8)
    }

    /// The Arrow type a column of this type is built as.
    pub fn arrow_type(&self) -> arrow_schema::DataType {
        use arrow_schema::{DataType, TimeUnit};
        match self {
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Date(_) => DataType::Date32,
            ColumnType::Timestamp(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
            ColumnType::TimestampUtc => {
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
            }
            ColumnType::Utf8 => DataType::Utf8,
        }
    }

    /// A short name for `info`: the Parquet/Arrow type the column gets.
    pub fn name(&self) -> &'static str {
        match self {
            ColumnType::Boolean => "boolean",
            ColumnType::Int64 => "int64",
            ColumnType::Float64 => "float64",
            ColumnType::Date(_) => "date",
            ColumnType::Timestamp(_) => "timestamp",
            ColumnType::TimestampUtc => "timestamp_utc",
            ColumnType::Utf8 => "string",
        }
    }

    /// How dates in the column are written, for `info`.
    pub fn date_order(&self) -> Option<DateOrder> {
        match self {
            ColumnType::Date(order) | ColumnType::Timestamp(order) => Some(*order),
            ColumnType::TimestampUtc => Some(DateOrder::Ymd),
            _ => None,
        }
    }
}

/// Spaces around a value do not change its type (`1, 2` is common).
pub fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// Tokens that mean "no value" in a column that is otherwise typed.
pub fn is_null_token(cell: &[u8]) -> bool {
    matches!(
        cell,
        b"NA"
            | b"N/A"
            | b"n/a"
            | b"na"
            | b"NULL"
            | b"null"
            | b"Null"
            | b"None"
            | b"none"
            | b"NaN"
            | b"nan"
            | b"NAN"
            | b"#N/A"
            | b"-"
            | b"nil"
    )
}

/// The subset of `mask` that the (trimmed, non-empty) `cell` satisfies.
pub fn satisfied(cell: &[u8], mask: u16) -> u16 {
    let mut keep = 0;
    if mask & BOOL != 0 && parse_bool(cell).is_some() {
        keep |= BOOL;
    }
    if mask & (INT | FLOAT) != 0 {
        match number_shape(cell) {
            NumberShape::Int => {
                if parse_int(cell).is_some() {
                    keep |= mask & (INT | FLOAT);
                }
            }
            NumberShape::Float => keep |= mask & FLOAT,
            NumberShape::No => {}
        }
    }
    if mask & DATES != 0 && cell.len() >= 6 && cell[0].is_ascii_digit() {
        keep |= date_bits(cell, mask);
    }
    keep
}

pub fn parse_bool(cell: &[u8]) -> Option<bool> {
    if cell.len() > 5 {
        return None;
    }
    let mut lower = [0u8; 5];
    for (dst, src) in lower.iter_mut().zip(cell) {
        *dst = src.to_ascii_lowercase();
    }
    match &lower[..cell.len()] {
        b"true" | b"yes" => Some(true),
        b"false" | b"no" => Some(false),
        _ => None,
    }
}

enum NumberShape {
    Int,
    Float,
    No,
}

/// Checks the syntax of a number without parsing it.
fn number_shape(cell: &[u8]) -> NumberShape {
    let digits = cell.strip_prefix(b"-").unwrap_or(cell);
    if digits.is_empty() {
        return NumberShape::No;
    }
    if !digits[0].is_ascii_digit() && digits[0] != b'.' {
        return if is_infinity(digits) {
            NumberShape::Float
        } else {
            NumberShape::No
        };
    }
    let int_len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    // Leading zeros mark identifiers (ZIP codes, account numbers).
    if int_len > 1 && digits[0] == b'0' {
        return NumberShape::No;
    }
    let rest = &digits[int_len..];
    if rest.is_empty() {
        return NumberShape::Int;
    }
    let mut rest = rest;
    let mut frac_len = 0;
    if rest[0] == b'.' {
        frac_len = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        rest = &rest[1 + frac_len..];
    }
    if int_len + frac_len == 0 {
        return NumberShape::No;
    }
    if rest.is_empty() {
        return NumberShape::Float;
    }
    if rest[0] == b'e' || rest[0] == b'E' {
        let exp = &rest[1..];
        let exp = exp
            .strip_prefix(b"-")
            .or_else(|| exp.strip_prefix(b"+"))
            .unwrap_or(exp);
        if !exp.is_empty() && exp.len() <= 4 && exp.iter().all(u8::is_ascii_digit) {
            return NumberShape::Float;
        }
    }
    NumberShape::No
}

fn is_infinity(cell: &[u8]) -> bool {
    cell.eq_ignore_ascii_case(b"inf") || cell.eq_ignore_ascii_case(b"infinity")
}

pub fn parse_int(cell: &[u8]) -> Option<i64> {
    let (negative, digits) = match cell.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, cell),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut value: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        let digit = (b - b'0') as i64;
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

pub fn parse_float(cell: &[u8]) -> Option<f64> {
    match number_shape(cell) {
        NumberShape::No => None,
        // SAFETY: `number_shape` accepted only ASCII digits, signs, `.`,
        // `e`/`E` and the letters of `inf`/`infinity`: the bytes are ASCII.
        _ => unsafe { std::str::from_utf8_unchecked(cell) }.parse().ok(),
    }
}

/// The date and timestamp bits of `mask` that `cell` satisfies.
fn date_bits(cell: &[u8], mask: u16) -> u16 {
    let mut keep = 0;
    if cell[..4].iter().all(u8::is_ascii_digit) {
        if let Some((date, rest)) = split_date(cell, DateOrder::Ymd) {
            keep |= with_time(date, rest, mask, DATE_YMD, TS_YMD, true);
        }
        return keep;
    }
    if mask & (DATE_MDY | TS_MDY) != 0 {
        if let Some((date, rest)) = split_date(cell, DateOrder::Mdy) {
            keep |= with_time(date, rest, mask, DATE_MDY, TS_MDY, false);
        }
    }
    if mask & (DATE_DMY | TS_DMY) != 0 {
        if let Some((date, rest)) = split_date(cell, DateOrder::Dmy) {
            keep |= with_time(date, rest, mask, DATE_DMY, TS_DMY, false);
        }
    }
    keep
}

fn with_time(
    _date: NaiveDate,
    rest: &[u8],
    mask: u16,
    date_bit: u16,
    ts_bit: u16,
    zones_allowed: bool,
) -> u16 {
    if rest.is_empty() {
        return mask & (date_bit | ts_bit);
    }
    match split_time(rest) {
        Some((_, [])) => mask & ts_bit,
        Some((_, zone)) if zones_allowed && parse_zone(zone).is_some() => mask & TS_ZONED,
        _ => 0,
    }
}

/// Reads a date at the start of `cell` in `order`; returns it and what follows.
fn split_date(cell: &[u8], order: DateOrder) -> Option<(NaiveDate, &[u8])> {
    let (a, rest) = leading_number(cell, if order == DateOrder::Ymd { 4 } else { 2 })?;
    let sep = *rest.first()?;
    let allowed: &[u8] = match order {
        DateOrder::Ymd => b"-/.",
        DateOrder::Mdy => b"/",
        DateOrder::Dmy => b"/.-",
    };
    if !allowed.contains(&sep) {
        return None;
    }
    let (b, rest) = leading_number(&rest[1..], 2)?;
    if rest.first() != Some(&sep) {
        return None;
    }
    let (c, rest) = leading_number(&rest[1..], if order == DateOrder::Ymd { 2 } else { 4 })?;
    let (year, month, day) = match order {
        DateOrder::Ymd => {
            if cell.iter().take_while(|b| b.is_ascii_digit()).count() != 4 {
                return None;
            }
            (a, b, c)
        }
        DateOrder::Mdy => (c, a, b),
        DateOrder::Dmy => (c, b, a),
    };
    // Four-digit years only: `1/2/03` is too ambiguous to guess.
    if order != DateOrder::Ymd && !(1000..=9999).contains(&year) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    Some((date, rest))
}

/// Up to `max` digits (at least one) at the start of `bytes`.
fn leading_number(bytes: &[u8], max: usize) -> Option<(u32, &[u8])> {
    let len = bytes
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if len == 0 || bytes.get(len).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let value = bytes[..len]
        .iter()
        .fold(0u32, |acc, b| acc * 10 + (b - b'0') as u32);
    Some((value, &bytes[len..]))
}

/// Reads `T|space H:MM[:SS[.f]]` and returns the time and what follows (the zone).
fn split_time(rest: &[u8]) -> Option<(NaiveTime, &[u8])> {
    if rest[0] != b'T' && rest[0] != b' ' {
        return None;
    }
    let (hour, rest) = leading_number(&rest[1..], 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (minute, mut rest) = two_digits(rest)?;
    let mut second = 0;
    let mut micros = 0;
    if let Some(after) = rest.strip_prefix(b":") {
        let (s, after) = two_digits(after)?;
        second = s;
        rest = after;
        if let Some(after) = rest.strip_prefix(b".") {
            let len = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if len == 0 || len > 9 {
                return None;
            }
            // More than microseconds would be cut off: only zeros may be dropped.
            if after[6.min(len)..len].iter().any(|&b| b != b'0') {
                return None;
            }
            micros = after[..6.min(len)]
                .iter()
                .fold(0u32, |acc, b| acc * 10 + (b - b'0') as u32)
                * 10u32.pow(6 - 6.min(len) as u32);
            rest = &after[len..];
        }
    }
    let time = NaiveTime::from_hms_micro_opt(hour, minute, second, micros)?;
    Some((time, rest))
}

fn two_digits(bytes: &[u8]) -> Option<(u32, &[u8])> {
    if bytes.len() >= 2 && bytes[0].is_ascii_digit() && bytes[1].is_ascii_digit() {
        if bytes.get(2).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        Some((
            ((bytes[0] - b'0') * 10 + (bytes[1] - b'0')) as u32,
            &bytes[2..],
        ))
    } else {
        None
    }
}

/// `Z`, `±HH`, `±HHMM` or `±HH:MM` (optionally after a space); seconds east of UTC.
fn parse_zone(zone: &[u8]) -> Option<i32> {
    let zone = zone.strip_prefix(b" ").unwrap_or(zone);
    if zone == b"Z" || zone == b"z" {
        return Some(0);
    }
    let sign = match zone.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, rest) = two_digits(&zone[1..])?;
    let rest = rest.strip_prefix(b":").unwrap_or(rest);
    let minutes = if rest.is_empty() {
        0
    } else {
        let (m, rest) = two_digits(rest)?;
        if !rest.is_empty() {
            return None;
        }
        m
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours as i32 * 3600 + minutes as i32 * 60))
}

const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Days since 1970-01-01 for a date cell in `order`.
pub fn parse_date(cell: &[u8], order: DateOrder) -> Option<i32> {
    let (date, rest) = split_date(cell, order)?;
    if !rest.is_empty() {
        return None;
    }
    Some(chrono::Datelike::num_days_from_ce(&date) - UNIX_EPOCH_DAYS_FROM_CE)
}

/// Microseconds since 1970-01-01T00:00 (wall clock) for a date or timestamp cell.
pub fn parse_timestamp(cell: &[u8], order: DateOrder) -> Option<i64> {
    let (date, rest) = split_date(cell, order)?;
    let time = if rest.is_empty() {
        NaiveTime::MIN
    } else {
        let (time, zone) = split_time(rest)?;
        if !zone.is_empty() {
            return None;
        }
        time
    };
    Some(NaiveDateTime::new(date, time).and_utc().timestamp_micros())
}

/// Microseconds since the Unix epoch (UTC) for an ISO timestamp with a zone.
pub fn parse_timestamp_utc(cell: &[u8]) -> Option<i64> {
    let (date, rest) = split_date(cell, DateOrder::Ymd)?;
    let (time, zone) = split_time(rest)?;
    let offset = parse_zone(zone)?;
    Some(NaiveDateTime::new(date, time).and_utc().timestamp_micros() - offset as i64 * 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(cells: &[&str]) -> ColumnType {
        let mut mask = ALL;
        let mut typed = 0;
        for cell in cells {
            let cell = trim(cell.as_bytes());
            if cell.is_empty() || is_null_token(cell) {
                continue;
            }
            mask = satisfied(cell, mask);
            typed += 1;
        }
        ColumnType::from_mask(mask, typed)
    }

    #[test]
    fn integers_floats_and_identifiers() {
        assert_eq!(infer(&["1", "-2", "30"]), ColumnType::Int64);
        assert_eq!(infer(&["1", "2.5", "-3e4"]), ColumnType::Float64);
        assert_eq!(infer(&["08123", "12345"]), ColumnType::Utf8);
        assert_eq!(infer(&["0", "0.5", "-0"]), ColumnType::Float64);
        assert_eq!(infer(&["12345678901234567890"]), ColumnType::Utf8);
        assert_eq!(infer(&["9223372036854775807"]), ColumnType::Int64);
        assert_eq!(infer(&["1,234"]), ColumnType::Utf8);
        assert_eq!(infer(&["1", "inf", "-Infinity"]), ColumnType::Float64);
    }

    #[test]
    fn late_values_that_do_not_fit_widen_the_type() {
        let mut cells = vec!["1"; 1000];
        cells.push("x");
        assert_eq!(infer(&cells), ColumnType::Utf8);
    }

    #[test]
    fn null_tokens_do_not_decide_a_type() {
        assert_eq!(infer(&["1", "NA", "", "3"]), ColumnType::Int64);
        assert_eq!(infer(&["NA", "NULL"]), ColumnType::Utf8);
        assert_eq!(infer(&["", ""]), ColumnType::Utf8);
    }

    #[test]
    fn booleans() {
        assert_eq!(infer(&["true", "FALSE", "Yes", "no"]), ColumnType::Boolean);
        assert_eq!(infer(&["0", "1"]), ColumnType::Int64);
    }

    #[test]
    fn dates_and_their_order() {
        assert_eq!(
            infer(&["2024-01-31", "1899-12-30"]),
            ColumnType::Date(DateOrder::Ymd)
        );
        assert_eq!(
            infer(&["1/2/2024", "12/31/2024"]),
            ColumnType::Date(DateOrder::Mdy)
        );
        assert_eq!(
            infer(&["1/2/2024", "31/12/2024"]),
            ColumnType::Date(DateOrder::Dmy)
        );
        assert_eq!(infer(&["31.12.2024"]), ColumnType::Date(DateOrder::Dmy));
        assert_eq!(infer(&["2024-02-30"]), ColumnType::Utf8);
        assert_eq!(infer(&["1/2/24"]), ColumnType::Utf8);
        assert_eq!(parse_date(b"1970-01-02", DateOrder::Ymd), Some(1));
        assert_eq!(parse_date(b"1899-12-30", DateOrder::Ymd), Some(-25569));
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            infer(&["2024-01-31 10:00:00", "2024-01-31"]),
            ColumnType::Timestamp(DateOrder::Ymd)
        );
        assert_eq!(
            infer(&["2024-01-31T10:00:00Z", "2024-01-31T10:00:00+02:00"]),
            ColumnType::TimestampUtc
        );
        assert_eq!(
            infer(&["2024-01-31T10:00:00Z", "2024-01-31 10:00"]),
            ColumnType::Utf8
        );
        assert_eq!(
            parse_timestamp(b"1970-01-01 00:00:01.5", DateOrder::Ymd),
            Some(1_500_000)
        );
        assert_eq!(parse_timestamp_utc(b"1970-01-01T02:00:00+02:00"), Some(0));
        assert_eq!(
            parse_timestamp(b"1800-01-01 00:00:00", DateOrder::Ymd),
            Some(-5_364_662_400_000_000)
        );
        // Nanoseconds that are not zero would be cut off: keep the text.
        assert_eq!(infer(&["2024-01-31 10:00:00.123456789"]), ColumnType::Utf8);
        assert_eq!(
            infer(&["2024-01-31 10:00:00.123456000"]),
            ColumnType::Timestamp(DateOrder::Ymd)
        );
    }
}
