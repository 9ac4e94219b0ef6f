//! One value of a `rows` message as it stands in the line: a number, a
//! boolean, a string borrowed from the text (owned only when it held
//! escapes), or null. Rows are decoded cell by cell into the column
//! builders ([`decode_row`]) without a `serde_json::Value` per value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};

use super::types::{ColumnBuilder, ValueError};

/// One protocol value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Bool(bool),
    /// A negative integer (serde_json's `i64` range).
    Int(i64),
    /// A non-negative integer.
    UInt(u64),
    /// A number with a fraction or exponent, or too large for 64 bits.
    Float(f64),
    Str(Cow<'a, str>),
    /// An array or object, which the helper never sends as a value.
    Json(serde_json::Value),
}

impl Cell<'_> {
    /// The value as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Cell::Int(v) => Some(v),
            Cell::UInt(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as an `f64`, when it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Cell::Int(v) => Some(v as f64),
            Cell::UInt(v) => Some(v as f64),
            Cell::Float(v) => Some(v),
            _ => None,
        }
    }

    /// The value as a string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Str(text) => Some(text),
            _ => None,
        }
    }
}

/// The value as JSON text, as the helper could have written it.
impl fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Null => f.write_str("null"),
            Cell::Bool(v) => write!(f, "{v}"),
            Cell::Int(v) => write!(f, "{v}"),
            Cell::UInt(v) => write!(f, "{v}"),
            Cell::Float(v) => match serde_json::Number::from_f64(*v) {
                Some(number) => write!(f, "{number}"),
                None => f.write_str("null"),
            },
            Cell::Str(text) => write!(f, "{}", serde_json::Value::from(text.as_ref())),
            Cell::Json(value) => write!(f, "{value}"),
        }
    }
}

impl<'de> Deserialize<'de> for Cell<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CellVisitor)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Cell<'de>, E> {
        Ok(Cell::Null)
    }

    fn visit_none<E>(self) -> Result<Cell<'de>, E> {
        Ok(Cell::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Cell<'de>, E> {
        Ok(Cell::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Cell<'de>, E> {
        // serde_json gives non-negative integers as u64; keep one spelling.
        Ok(u64::try_from(v).map_or(Cell::Int(v), Cell::UInt))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Cell<'de>, E> {
        Ok(Cell::UInt(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Cell<'de>, E> {
        Ok(Cell::Float(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell<'de>, A::Error> {
        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Cell::Json)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Cell<'de>, A::Error> {
        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Cell::Json)
    }
}

/// Decodes one row (a JSON array in column order) into `builders`, whose
/// columns are named `names`. Values past the last column are ignored and
/// missing ones (never sent by a correct helper) become nulls, so the
/// columns stay aligned. A value a builder refuses is put in `refusal` and
/// fails the deserializer.
pub fn decode_row<'de, D: Deserializer<'de>>(
    row: D,
    builders: &mut [ColumnBuilder],
    names: &[String],
    refusal: &mut Option<ValueError>,
) -> Result<(), D::Error> {
    row.deserialize_seq(RowVisitor {
        builders,
        names,
        refusal,
    })
}

struct RowVisitor<'b> {
    builders: &'b mut [ColumnBuilder],
    names: &'b [String],
    refusal: &'b mut Option<ValueError>,
}

impl<'de> Visitor<'de> for RowVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a row (an array of values)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut column = 0;
        while let Some(cell) = seq.next_element::<Cell<'de>>()? {
            if let Some(builder) = self.builders.get_mut(column) {
                if let Err(refused) = builder.append(cell, &self.names[column]) {
                    let message = refused.to_string();
                    *self.refusal = Some(refused);
                    return Err(de::Error::custom(message));
                }
            }
            column += 1;
        }
        for builder in self.builders.iter_mut().skip(column) {
            builder.append_null();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cells(text: &str) -> Vec<Cell<'_>> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn values_keep_their_kind_and_strings_borrow_the_text() {
        let got = cells(r#"[null, true, -3, 3, 1.5, 1e300, "plain", "esc\"aped", [1], {"a": 1}]"#);
        assert_eq!(got[0], Cell::Null);
        assert_eq!(got[1], Cell::Bool(true));
        assert_eq!(got[2], Cell::Int(-3));
        assert_eq!(got[3], Cell::UInt(3));
        assert_eq!(got[4], Cell::Float(1.5));
        assert_eq!(got[5], Cell::Float(1e300));
        assert!(matches!(got[6], Cell::Str(Cow::Borrowed("plain"))));
        assert!(matches!(&got[7], Cell::Str(Cow::Owned(s)) if s == "esc\"aped"));
        assert_eq!(got[8], Cell::Json(json!([1])));
        assert_eq!(got[9], Cell::Json(json!({"a": 1})));
    }

    #[test]
    fn cells_print_as_serde_json_prints_the_same_value() {
        let text = r#"[null,true,-3,18446744073709551615,1.5,1.0E10,2e-7,"a\"b\u0001",[1,"x"]]"#;
        let values: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        for (cell, value) in cells(text).iter().zip(&values) {
            assert_eq!(cell.to_string(), value.to_string());
        }
    }
}
