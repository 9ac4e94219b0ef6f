//! A cell's value as pyforge reads it, and its text: numbers as Excel's
//! General format shows them (integral values without `.0`, others with up
//! to 15 significant digits), dates in ISO 8601, durations and times of day
//! as `HH:MM:SS[.fff]` (Spark has no time type), booleans as `TRUE`/`FALSE`.

use std::borrow::Cow;

use calamine::{Data, DataRef, ExcelDateTime};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A whole number stored as one (`.xls` RK records, `.ods`).
    Int(i64),
    /// Any other number; an integral one may still be an int64 column.
    Float(f64),
    Bool(bool),
    Text(Cow<'a, str>),
    /// A date cell: a serial number with a date format, or an ISO date.
    DateTime(NaiveDateTime),
    /// An ISO date without a time (`t="d"` cells).
    Date(NaiveDate),
    /// A duration or time of day, in days.
    Duration(f64),
    /// An error cell (`#DIV/0!`), or a date no calendar holds.
    Error(Cow<'static, str>),
}

impl<'a> Value<'a> {
    /// The value of a streamed cell; `None` for an empty one.
    pub fn from_ref(data: DataRef<'a>) -> Option<Value<'a>> {
        Some(match data {
            DataRef::Empty => return None,
            DataRef::Int(i) => Value::Int(i),
            DataRef::Float(f) => Value::Float(f),
            DataRef::Bool(b) => Value::Bool(b),
            DataRef::String(s) => return text(Cow::Owned(s)),
            DataRef::SharedString(s) => return text(Cow::Borrowed(s)),
            DataRef::DateTime(d) => excel_date(d),
            DataRef::DateTimeIso(s) => iso_date(&s).unwrap_or(Value::Text(Cow::Owned(s))),
            DataRef::DurationIso(s) => {
                iso_duration(&s).map_or(Value::Text(Cow::Owned(s)), Value::Duration)
            }
            DataRef::Error(e) => Value::Error(Cow::Owned(e.to_string())),
        })
    }

    /// The value of a cell of a whole-sheet range; `None` for an empty one.
    pub fn from_data(data: &Data) -> Option<Value<'static>> {
        Some(match data {
            Data::Empty => return None,
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::Bool(b) => Value::Bool(*b),
            Data::String(s) => return text(Cow::Owned(s.clone())),
            Data::DateTime(d) => excel_date(*d),
            Data::DateTimeIso(s) => {
                iso_date(s).unwrap_or_else(|| Value::Text(Cow::Owned(s.clone())))
            }
            Data::DurationIso(s) => {
                iso_duration(s).map_or_else(|| Value::Text(Cow::Owned(s.clone())), Value::Duration)
            }
            Data::Error(e) => Value::Error(Cow::Owned(e.to_string())),
        })
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Text(s) => Value::Text(Cow::Owned(s.into_owned())),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Bool(b) => Value::Bool(b),
            Value::DateTime(d) => Value::DateTime(d),
            Value::Date(d) => Value::Date(d),
            Value::Duration(d) => Value::Duration(d),
            Value::Error(e) => Value::Error(e),
        }
    }

    /// The value as a string column holds it; `None` for an error cell
    /// unless `keep_errors`.
    pub fn text(&self, keep_errors: bool) -> Option<Cow<'_, str>> {
        Some(match self {
            Value::Text(s) => Cow::Borrowed(s.as_ref()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Float(f) => Cow::Owned(general_number(*f)),
            Value::Bool(true) => Cow::Borrowed("TRUE"),
            Value::Bool(false) => Cow::Borrowed("FALSE"),
            Value::DateTime(d) => Cow::Owned(datetime_text(d)),
            Value::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            Value::Duration(days) => Cow::Owned(duration_text(*days)),
            Value::Error(e) if keep_errors => Cow::Borrowed(e.as_ref()),
            Value::Error(_) => return None,
        })
    }
}

/// Empty text is an empty cell.
fn text(s: Cow<'_, str>) -> Option<Value<'_>> {
    (!s.is_empty()).then_some(Value::Text(s))
}

/// A date cell; a duration, or a time of day (a serial below 1, on no
/// day), is a duration.
fn excel_date(date: ExcelDateTime) -> Value<'static> {
    if date.is_duration() || (0.0..1.0).contains(&date.as_f64()) {
        return Value::Duration(date.as_f64());
    }
    match date.as_datetime() {
        Some(datetime) => Value::DateTime(datetime),
        None => Value::Error(Cow::Borrowed("#NUM!")),
    }
}

/// An ISO 8601 date cell: a date, a date and time, or a time of day.
fn iso_date(text: &str) -> Option<Value<'static>> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(Value::Date(date));
    }
    for pattern in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(datetime) = NaiveDateTime::parse_from_str(text.trim_end_matches('Z'), pattern) {
            return Some(Value::DateTime(datetime));
        }
    }
    let time = NaiveTime::parse_from_str(text, "%H:%M:%S%.f").ok()?;
    let seconds = time.num_seconds_from_midnight() as f64 + time.nanosecond() as f64 / 1e9;
    Some(Value::Duration(seconds / 86_400.0))
}

/// An ISO 8601 duration of days, hours, minutes and seconds (`PT10H10M10S`,
/// `P1DT2H`, `-PT0.5S`: what `.ods` time cells hold), in days.
fn iso_duration(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut seconds = 0.0;
    for (part, units) in [
        (date, &[('D', 86_400.0)][..]),
        (time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)][..]),
    ] {
        let mut number = String::new();
        let mut unit = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            // Units in order, each once, each after a number.
            let at = units[unit..].iter().position(|(u, _)| *u == c)? + unit;
            seconds += number.parse::<f64>().ok()? * units[at].1;
            number.clear();
            unit = at + 1;
        }
        if !number.is_empty() {
            return None;
        }
    }
    if rest.is_empty() || rest == "T" {
        return None;
    }
    let days = seconds / 86_400.0;
    Some(if negative { -days } else { days })
}

/// `2024-03-01` at midnight, else `2024-03-01T10:30:00` (with `.fff` when
/// there are milliseconds).
pub fn datetime_text(datetime: &NaiveDateTime) -> String {
    if datetime.time() == NaiveTime::MIN {
        datetime.format("%Y-%m-%d").to_string()
    } else if datetime.nanosecond() == 0 {
        datetime.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        datetime.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
    }
}

/// `HH:MM:SS[.fff]` of a duration in days; hours go past 24, a negative
/// duration starts with `-`.
pub fn duration_text(days: f64) -> String {
    let millis = (days * 86_400_000.0).round();
    let sign = if millis < 0.0 { "-" } else { "" };
    let millis = millis.abs() as u64;
    let (hours, rest) = (millis / 3_600_000, millis % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, fraction) = (rest / 1000, rest % 1000);
    if fraction == 0 {
        format!("{sign}{hours:02}:{minutes:02}:{seconds:02}")
    } else {
        format!("{sign}{hours:02}:{minutes:02}:{seconds:02}.{fraction:03}")
    }
}

/// A number as Excel's General format shows it: integral values below 10^15
/// without a fraction, others rounded to 15 significant digits, in
/// scientific notation (`1.5E+20`) outside 10^-5 .. 10^15.
pub fn general_number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value == value.trunc() && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let scientific = format!("{:.14e}", value.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("exponent notation has an e");
    let exponent: i32 = exponent.parse().expect("an integral exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let sign = if value < 0.0 { "-" } else { "" };
    if (-5..15).contains(&exponent) {
        let plain = if exponent >= 0 {
            let point = exponent as usize + 1;
            if digits.len() <= point {
                format!("{digits}{}", "0".repeat(point - digits.len()))
            } else {
                format!("{}.{}", &digits[..point], &digits[point..])
            }
        } else {
            format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
        };
        format!("{sign}{plain}")
    } else {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{first}{fraction}E{exponent_sign}{:02}",
            exponent.abs()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_general_format_shows_them() {
        for (value, text) in [
            (0.0, "0"),
            (42.0, "42"),
            (-7.0, "-7"),
            (0.1 + 0.2, "0.3"),
            (1.5, "1.5"),
            (-0.000123, "-0.000123"),
            (0.00000123, "1.23E-06"),
            (123_456_789.123_456_78, "123456789.123457"),
            (1e15, "1E+15"),
            (1.5e20, "1.5E+20"),
            (2.0f64.powi(53), "9.00719925474099E+15"),
            (99999999999999.9, "99999999999999.9"),
        ] {
            assert_eq!(general_number(value), text, "{value}");
        }
    }

    #[test]
    fn durations_and_dates_as_text() {
        assert_eq!(duration_text(0.5), "12:00:00");
        assert_eq!(duration_text(1.5), "36:00:00");
        assert_eq!(duration_text(1.0 / 86_400.0 * 1.25), "00:00:01.250");
        assert_eq!(duration_text(-1.0 / 24.0), "-01:00:00");
        let at = |h, m, s| {
            NaiveDate::from_ymd_opt(2024, 3, 1)
                .unwrap()
                .and_hms_opt(h, m, s)
                .unwrap()
        };
        assert_eq!(datetime_text(&at(0, 0, 0)), "2024-03-01");
        assert_eq!(datetime_text(&at(10, 30, 5)), "2024-03-01T10:30:05");
    }

    #[test]
    fn iso_durations() {
        let text = |s| iso_duration(s).map(duration_text);
        assert_eq!(text("PT10H10M10S").as_deref(), Some("10:10:10"));
        assert_eq!(text("PT10H10M10.1S").as_deref(), Some("10:10:10.100"));
        assert_eq!(text("PT255H10M10S").as_deref(), Some("255:10:10"));
        assert_eq!(text("P1DT2H").as_deref(), Some("26:00:00"));
        assert_eq!(text("-PT1H").as_deref(), Some("-01:00:00"));
        for bad in ["P", "PT", "10:00", "PT1S2H", "PT5", "PTXS", "P1Y"] {
            assert_eq!(iso_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn iso_cells() {
        assert_eq!(
            iso_date("2024-03-01"),
            Some(Value::Date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()))
        );
        assert!(matches!(
            iso_date("2024-03-01T10:00:00"),
            Some(Value::DateTime(_))
        ));
        assert_eq!(iso_date("12:00:00"), Some(Value::Duration(0.5)));
        assert_eq!(iso_date("soon"), None);
    }
}
