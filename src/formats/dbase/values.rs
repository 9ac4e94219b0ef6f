//! One field's bytes → a value, for every storage dBase programs use: text
//! numbers and dates, Visual FoxPro's little-endian binaries, dBase 7's
//! byte-sortable big-endian ones. A value is [`Parsed::Blank`] (the field
//! holds nothing: null, not counted) or [`Parsed::Invalid`] (it holds
//! something that does not fit its declared type: null, counted per
//! column). Numbers with a scale are parsed as exact decimals, never
//! through a float.

/// A decoded field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parsed<T> {
    Value(T),
    Blank,
    Invalid,
}

/// Days from 0001-01-01 to 1970-01-01... as Julian day numbers: the Julian
/// day of 1970-01-01 (Visual FoxPro stores dates as Julian days).
const JULIAN_DAY_OF_UNIX_EPOCH: i64 = 2_440_588;
const MICROS_PER_DAY: i64 = 86_400_000_000;
const MILLIS_PER_DAY: i64 = 86_400_000;

/// Text with trailing blanks (and NULs some writers pad with) removed.
pub fn trim_padding(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Spaces on both sides removed.
fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Blank: only spaces, or only NULs (what some writers leave in an empty
/// field).
fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b' ') || bytes.iter().all(|&b| b == 0)
}

/// A number field holding only spaces around a point: how dBase II leaves
/// an empty number with decimals.
fn is_blank_number(bytes: &[u8]) -> bool {
    is_blank(bytes) || trim_spaces(bytes) == b"."
}

/// A number written as text (`N`, `F`) as an integer scaled by
/// `10^scale`: `-12.5` at scale 2 is `-1250`. Accepts a sign, digits, a
/// point and an exponent (`1.5E+3`); more significant decimals than `scale`
/// (the field declares fewer than the value has), NUL padding, overflow
/// stars (`****`) and anything else are invalid.
pub fn decimal(bytes: &[u8], scale: u8) -> Parsed<i128> {
    if is_blank_number(bytes) {
        return Parsed::Blank;
    }
    let text = trim_spaces(bytes);
    let (negative, text) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => match parse_exponent(&text[at + 1..]) {
            Some(exponent) => (&text[..at], exponent),
            None => return Parsed::Invalid,
        },
        None => (text, 0),
    };
    let (whole, fraction) = match mantissa.iter().position(|&b| b == b'.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, &[][..]),
    };
    let all_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Parsed::Invalid;
    }
    // The digits without the point, and where the point is after the
    // exponent moved it: value = digits × 10^(exponent − fraction length).
    let fraction = trim_trailing_zeros(fraction);
    let shift = exponent - fraction.len() as i64;
    let mut value: i128 = 0;
    for &digit in whole.iter().chain(fraction) {
        value = match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(digit - b'0')))
        {
            Some(v) => v,
            None => return Parsed::Invalid,
        };
    }
    // Scale it: multiply by 10^(shift + scale), which must not be negative
    // unless the dropped digits are zeros.
    let power = shift + i64::from(scale);
    if power < 0 {
        let divisor = match 10i128.checked_pow(power.unsigned_abs().min(64) as u32) {
            Some(d) => d,
            None => return Parsed::Invalid,
        };
        if value % divisor != 0 {
            return Parsed::Invalid;
        }
        value /= divisor;
    } else {
        value = match 10i128
            .checked_pow(power.min(64) as u32)
            .and_then(|p| value.checked_mul(p))
        {
            Some(v) => v,
            None => return Parsed::Invalid,
        };
    }
    Parsed::Value(if negative { -value } else { value })
}

fn trim_trailing_zeros(digits: &[u8]) -> &[u8] {
    let end = digits.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
    &digits[..end]
}

fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Whether `value` (unscaled) has at most `precision` digits.
pub fn fits_precision(value: i128, precision: u8) -> bool {
    10i128
        .checked_pow(u32::from(precision))
        .is_none_or(|limit| value.abs() < limit)
}

/// `N` / `F` of scale 0 as an int64.
pub fn integer(bytes: &[u8]) -> Parsed<i64> {
    match decimal(bytes, 0) {
        Parsed::Value(v) => i64::try_from(v).map_or(Parsed::Invalid, Parsed::Value),
        Parsed::Blank => Parsed::Blank,
        Parsed::Invalid => Parsed::Invalid,
    }
}

/// `D`: `YYYYMMDD` as days since 1970-01-01. Blank and `00000000` are
/// blank; anything else that is not a calendar date is invalid.
pub fn date(bytes: &[u8]) -> Parsed<i32> {
    if is_blank(bytes) || bytes.iter().all(|&b| b == b'0') {
        return Parsed::Blank;
    }
    let text = trim_spaces(bytes);
    if text.len() != 8 || !text.iter().all(u8::is_ascii_digit) {
        return Parsed::Invalid;
    }
    let number = |range: std::ops::Range<usize>| -> u32 {
        text[range]
            .iter()
            .fold(0, |n, &d| n * 10 + u32::from(d - b'0'))
    };
    let (year, month, day) = (number(0..4) as i32, number(4..6), number(6..8));
    match chrono::NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => Parsed::Value(days_since_epoch(date)),
        None => Parsed::Invalid,
    }
}

fn days_since_epoch(date: chrono::NaiveDate) -> i32 {
    (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days() as i32
}

/// `L`: `T t Y y` true, `F f N n` false, `?`, blank and NUL blank.
pub fn logical(bytes: &[u8]) -> Parsed<bool> {
    match trim_spaces(bytes).first() {
        None | Some(b'?') | Some(0) => Parsed::Blank,
        Some(b'T' | b't' | b'Y' | b'y') => Parsed::Value(true),
        Some(b'F' | b'f' | b'N' | b'n') => Parsed::Value(false),
        Some(_) => Parsed::Invalid,
    }
}

/// `T` (Visual FoxPro): a little-endian Julian day and milliseconds since
/// midnight, as microseconds since 1970-01-01. Zeros (or blanks) are blank.
pub fn fox_datetime(bytes: &[u8]) -> Parsed<i64> {
    let Ok(bytes) = <[u8; 8]>::try_from(bytes) else {
        return Parsed::Invalid;
    };
    if is_blank(&bytes) {
        return Parsed::Blank;
    }
    let day = i64::from(i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
    let millis = i64::from(i32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]));
    if day <= 0 || !(0..MILLIS_PER_DAY).contains(&millis) {
        return Parsed::Invalid;
    }
    (day - JULIAN_DAY_OF_UNIX_EPOCH)
        .checked_mul(MICROS_PER_DAY)
        .and_then(|micros| micros.checked_add(millis * 1000))
        .map_or(Parsed::Invalid, Parsed::Value)
}

/// `I` (Visual FoxPro): int32 little-endian.
pub fn int32_le(bytes: &[u8]) -> Parsed<i32> {
    <[u8; 4]>::try_from(bytes).map_or(Parsed::Invalid, |b| Parsed::Value(i32::from_le_bytes(b)))
}

/// `I` and `+` (dBase 7): int32 big-endian with the sign bit flipped, so
/// the bytes sort as the numbers do. All zeros is blank.
pub fn dbase7_int32(bytes: &[u8]) -> Parsed<i32> {
    let Ok(bytes) = <[u8; 4]>::try_from(bytes) else {
        return Parsed::Invalid;
    };
    if bytes == [0; 4] {
        return Parsed::Blank;
    }
    Parsed::Value((u32::from_be_bytes(bytes) ^ 0x8000_0000) as i32)
}

/// `Y`: int64 little-endian, in ten-thousandths (decimal(19,4) unscaled).
pub fn currency(bytes: &[u8]) -> Parsed<i128> {
    <[u8; 8]>::try_from(bytes).map_or(Parsed::Invalid, |b| {
        Parsed::Value(i128::from(i64::from_le_bytes(b)))
    })
}

/// `B` (Visual FoxPro): float64 little-endian.
pub fn double_le(bytes: &[u8]) -> Parsed<f64> {
    <[u8; 8]>::try_from(bytes).map_or(Parsed::Invalid, |b| Parsed::Value(f64::from_le_bytes(b)))
}

/// `O` (dBase 7): float64 big-endian, stored to sort as bytes: a positive
/// number has its sign bit flipped, a negative one every bit. All zeros is
/// blank.
pub fn dbase7_double(bytes: &[u8]) -> Parsed<f64> {
    let Ok(bytes) = <[u8; 8]>::try_from(bytes) else {
        return Parsed::Invalid;
    };
    if bytes == [0; 8] {
        return Parsed::Blank;
    }
    Parsed::Value(f64::from_bits(dbase7_unsort(u64::from_be_bytes(bytes))))
}

/// Undoes dBase 7's byte-sortable form of a double's bits.
fn dbase7_unsort(bits: u64) -> u64 {
    if bits & (1 << 63) != 0 {
        bits ^ (1 << 63)
    } else {
        !bits
    }
}

/// `@` (dBase 7): a big-endian double of milliseconds since 0001-01-01
/// (counted as day 1), as Free Pascal's TDbf and the BDE write it; a value
/// stored in the sortable form of `O` (sign bit set) is read too. As
/// microseconds since 1970-01-01. All zeros is blank.
pub fn dbase7_timestamp(bytes: &[u8]) -> Parsed<i64> {
    let Ok(bytes) = <[u8; 8]>::try_from(bytes) else {
        return Parsed::Invalid;
    };
    if bytes == [0; 8] {
        return Parsed::Blank;
    }
    let bits = u64::from_be_bytes(bytes);
    let millis = f64::from_bits(if bits & (1 << 63) != 0 {
        bits ^ (1 << 63)
    } else {
        bits
    });
    if !millis.is_finite() || millis < 0.0 {
        return Parsed::Invalid;
    }
    (millis.round() as i64 - DBASE7_EPOCH_MILLIS)
        .checked_mul(1000)
        .map_or(Parsed::Invalid, Parsed::Value)
}

/// Milliseconds between dBase 7's timestamp origin and 1970-01-01.
const DBASE7_EPOCH_MILLIS: i64 = (JULIAN_DAY_OF_UNIX_EPOCH - 1_721_426 + 1) * MILLIS_PER_DAY;

/// A memo pointer: a block number as up to ten ASCII digits (dBase, FoxPro
/// 2) or a 4-byte little-endian integer (Visual FoxPro). Blank and block 0
/// are no memo.
pub fn memo_block(bytes: &[u8]) -> Parsed<u64> {
    if bytes.len() == 4 {
        let block = u64::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
        return if block == 0 {
            Parsed::Blank
        } else {
            Parsed::Value(block)
        };
    }
    match integer(bytes) {
        Parsed::Value(0) | Parsed::Blank => Parsed::Blank,
        Parsed::Value(block) if block > 0 => Parsed::Value(block as u64),
        _ => Parsed::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal(b"  -12.50", 2), Parsed::Value(-1250));
        assert_eq!(decimal(b"12.5", 2), Parsed::Value(1250));
        assert_eq!(decimal(b"0.1", 18), Parsed::Value(100_000_000_000_000_000));
        assert_eq!(decimal(b"1.5E+3", 0), Parsed::Value(1500));
        assert_eq!(decimal(b"1234.", 0), Parsed::Value(1234));
        assert_eq!(decimal(b".5", 1), Parsed::Value(5));
        // Trailing zeros beyond the scale are not more decimals.
        assert_eq!(decimal(b"1.500", 1), Parsed::Value(15));
        assert_eq!(decimal(b"1.25", 1), Parsed::Invalid);
        assert_eq!(decimal(b"        ", 2), Parsed::Blank);
        assert_eq!(decimal(b"\0\0\0\0", 2), Parsed::Blank);
        assert_eq!(decimal(b" 1234.  \0\0", 0), Parsed::Invalid);
        assert_eq!(decimal(b"*****", 0), Parsed::Invalid);
        assert_eq!(decimal(b"1 234", 0), Parsed::Invalid);
        assert_eq!(decimal(b"-", 0), Parsed::Invalid);
        assert_eq!(decimal(b"    .   ", 3), Parsed::Blank);
        assert_eq!(decimal(b"1e999", 0), Parsed::Invalid);
        assert!(fits_precision(999, 3));
        assert!(!fits_precision(1000, 3));
        assert!(fits_precision(i128::MAX, 39));
    }

    #[test]
    fn integers() {
        assert_eq!(integer(b"   42"), Parsed::Value(42));
        assert_eq!(integer(b"-9223372036854775808"), Parsed::Value(i64::MIN));
        assert_eq!(integer(b"9223372036854775808"), Parsed::Invalid);
        assert_eq!(integer(b"1.5"), Parsed::Invalid);
    }

    #[test]
    fn dates() {
        assert_eq!(date(b"19700102"), Parsed::Value(1));
        assert_eq!(date(b"        "), Parsed::Blank);
        assert_eq!(date(b"00000000"), Parsed::Blank);
        assert_eq!(date(b"20231301"), Parsed::Invalid);
        assert_eq!(date(b"20230001"), Parsed::Invalid);
        assert_eq!(date(b"NotAYear"), Parsed::Invalid);
    }

    #[test]
    fn logicals() {
        assert_eq!(logical(b"T"), Parsed::Value(true));
        assert_eq!(logical(b"n"), Parsed::Value(false));
        assert_eq!(logical(b"?"), Parsed::Blank);
        assert_eq!(logical(b" "), Parsed::Blank);
        assert_eq!(logical(b"X"), Parsed::Invalid);
    }

    #[test]
    fn binary_numbers() {
        // 2000-01-01 12:00:00 is Julian day 2451545, 43,200,000 ms.
        let mut t = 2_451_545i32.to_le_bytes().to_vec();
        t.extend_from_slice(&43_200_000i32.to_le_bytes());
        assert_eq!(fox_datetime(&t), Parsed::Value(946_728_000_000_000));
        assert_eq!(fox_datetime(&[0; 8]), Parsed::Blank);
        // A day beyond what microseconds since 1970 can hold.
        assert_eq!(
            fox_datetime(&[0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0]),
            Parsed::Invalid
        );
        assert_eq!(
            currency(&123_4567i64.to_le_bytes()),
            Parsed::Value(1_234_567)
        );
        assert_eq!(dbase7_int32(&[0x80, 0, 0, 1]), Parsed::Value(1));
        assert_eq!(dbase7_int32(&[0x7F, 0xFF, 0xFF, 0xFF]), Parsed::Value(-1));
        assert_eq!(dbase7_int32(&[0; 4]), Parsed::Blank);
        let sortable = |v: f64| {
            let bits = v.to_bits();
            let stored = if v >= 0.0 { bits ^ (1 << 63) } else { !bits };
            stored.to_be_bytes()
        };
        assert_eq!(dbase7_double(&sortable(2.5)), Parsed::Value(2.5));
        assert_eq!(dbase7_double(&sortable(-2.5)), Parsed::Value(-2.5));
        // 2020-01-01 12:00:00: 63,713,563,200,000 ms since 0001-01-01 as day 1.
        let stamp = 63_713_563_200_000f64.to_bits().to_be_bytes();
        assert_eq!(stamp[..2], [0x42, 0xCC]);
        assert_eq!(
            dbase7_timestamp(&stamp),
            Parsed::Value(1_577_880_000_000_000)
        );
        assert_eq!(dbase7_timestamp(&[0; 8]), Parsed::Blank);
        assert_eq!(memo_block(b"        12"), Parsed::Value(12));
        assert_eq!(memo_block(b"          "), Parsed::Blank);
        assert_eq!(memo_block(&7u32.to_le_bytes()), Parsed::Value(7));
        assert_eq!(memo_block(b"      -1.5"), Parsed::Invalid);
    }
}
