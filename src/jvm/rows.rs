//! The rows of a `read`, decoded straight from the message text into the
//! caller's [`RowsTarget`]: each row is handed over as a deserializer over
//! the line, so no value of a large read exists as a `serde_json::Value` on
//! the way to its column (the hot path of an Access conversion).
//!
//! The wire format is protocol v1's `rows` message, in any member order; a
//! message for another request is recognised by its `id` and skipped.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::protocol::RequestId;

/// What a read's rows are decoded into.
pub trait RowsTarget {
    /// Why the target ended the read: a value it cannot hold, a stopped sink.
    type Error;

    /// Decodes one row, a JSON array in column order. When the target
    /// refuses a value it keeps the reason (see [`RowsTarget::take_refusal`])
    /// and fails the deserializer with a custom error.
    fn decode_row<'de, D: Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error>;

    /// After each `rows` message: its `rows` rows were decoded.
    fn end_batch(&mut self, rows: usize) -> Result<(), Self::Error>;

    /// The reason behind the last failed [`RowsTarget::decode_row`], when the
    /// target refused a value rather than the text being broken.
    fn take_refusal(&mut self) -> Option<Self::Error>;
}

/// What one `rows` message held.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// This many rows of the awaited request went into the target.
    Rows(usize),
    /// The message answers another request; nothing was decoded.
    OtherRequest(RequestId),
}

/// Decodes the `rows` message `line` of request `awaited` into `target`.
pub fn decode<T: RowsTarget>(
    line: &[u8],
    awaited: RequestId,
    target: &mut T,
) -> Result<Decoded, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(line);
    let decoded = MessageSeed { awaited, target }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(decoded)
}

/// Feeds rows already parsed into values (a message that took the generic
/// path) through `target`, as [`decode`] would have.
pub fn feed<T: RowsTarget>(
    rows: Vec<Vec<serde_json::Value>>,
    target: &mut T,
) -> Result<usize, serde_json::Error> {
    let count = rows.len();
    for row in rows {
        target.decode_row(serde_json::Value::Array(row))?;
    }
    Ok(count)
}

struct MessageSeed<'t, T> {
    awaited: RequestId,
    target: &'t mut T,
}

impl<'de, T: RowsTarget> DeserializeSeed<'de> for MessageSeed<'_, T> {
    type Value = Decoded;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Decoded, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: RowsTarget> Visitor<'de> for MessageSeed<'_, T> {
    type Value = Decoded;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a rows message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut id: Option<RequestId> = None;
        let mut decoded: Option<usize> = None;
        // Rows that came before the id cannot go into the target yet.
        let mut early: Option<Vec<Vec<serde_json::Value>>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => id = Some(map.next_value()?),
                "rows" => match id {
                    Some(got) if got == self.awaited => {
                        decoded = Some(map.next_value_seed(RowsSeed {
                            target: &mut *self.target,
                        })?);
                    }
                    Some(_) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    None => early = Some(map.next_value()?),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        if id != self.awaited {
            return Ok(Decoded::OtherRequest(id));
        }
        match (decoded, early) {
            (Some(count), _) => Ok(Decoded::Rows(count)),
            (None, Some(rows)) => feed(rows, self.target)
                .map(Decoded::Rows)
                .map_err(de::Error::custom),
            (None, None) => Err(de::Error::missing_field("rows")),
        }
    }
}

/// The `rows` array: each element through the target.
struct RowsSeed<'t, T> {
    target: &'t mut T,
}

impl<'de, T: RowsTarget> DeserializeSeed<'de> for RowsSeed<'_, T> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: RowsTarget> Visitor<'de> for RowsSeed<'_, T> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of rows")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<usize, S::Error> {
        let mut count = 0;
        while seq
            .next_element_seed(RowSeed {
                target: &mut *self.target,
            })?
            .is_some()
        {
            count += 1;
        }
        Ok(count)
    }
}

/// One row: handed to the target as it stands in the text.
struct RowSeed<'t, T> {
    target: &'t mut T,
}

impl<'de, T: RowsTarget> DeserializeSeed<'de> for RowSeed<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.target.decode_row(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{json, Value};

    use super::*;

    /// Keeps rows as values; refuses the string "refused".
    #[derive(Default)]
    struct Collect {
        rows: Vec<Vec<Value>>,
        batches: Vec<usize>,
        refused: bool,
    }

    impl RowsTarget for Collect {
        type Error = &'static str;

        fn decode_row<'de, D: Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error> {
            let row = Vec::<Value>::deserialize(row)?;
            if row.contains(&json!("refused")) {
                self.refused = true;
                return Err(de::Error::custom("refused"));
            }
            self.rows.push(row);
            Ok(())
        }

        fn end_batch(&mut self, rows: usize) -> Result<(), &'static str> {
            self.batches.push(rows);
            Ok(())
        }

        fn take_refusal(&mut self) -> Option<&'static str> {
            std::mem::take(&mut self.refused).then_some("refused")
        }
    }

    #[test]
    fn rows_of_the_awaited_request_go_into_the_target() {
        let mut target = Collect::default();
        let line = br#"{"type":"rows","id":7,"rows":[[1,"a\"b",null],[2,"c",true]]}"#;
        assert_eq!(decode(line, 7, &mut target).unwrap(), Decoded::Rows(2));
        assert_eq!(
            target.rows,
            vec![
                vec![json!(1), json!("a\"b"), json!(null)],
                vec![json!(2), json!("c"), json!(true)]
            ]
        );
    }

    #[test]
    fn rows_before_the_id_are_decoded_once_the_id_is_known() {
        let mut target = Collect::default();
        let line = br#"{"rows":[[1],[2],[3]],"type":"rows","id":3}"#;
        assert_eq!(decode(line, 3, &mut target).unwrap(), Decoded::Rows(3));
        assert_eq!(target.rows.len(), 3);
    }

    #[test]
    fn another_request_s_rows_are_skipped() {
        let mut target = Collect::default();
        for line in [
            &br#"{"type":"rows","id":2,"rows":[[1]]}"#[..],
            br#"{"rows":[[1]],"type":"rows","id":2}"#,
        ] {
            assert_eq!(
                decode(line, 3, &mut target).unwrap(),
                Decoded::OtherRequest(2)
            );
        }
        assert!(target.rows.is_empty());
    }

    #[test]
    fn broken_text_and_a_missing_member_are_errors() {
        let mut target = Collect::default();
        assert!(decode(br#"{"type":"rows","id":1,"rows":[[1]"#, 1, &mut target).is_err());
        assert!(decode(br#"{"type":"rows","id":1,"rows":[[1]]} x"#, 1, &mut target).is_err());
        assert!(decode(br#"{"type":"rows","rows":[[1]]}"#, 1, &mut target).is_err());
        assert!(decode(br#"{"type":"rows","id":1}"#, 1, &mut target).is_err());
        assert!(target.take_refusal().is_none());
    }

    #[test]
    fn a_refusal_stops_the_message_and_is_kept_by_the_target() {
        let mut target = Collect::default();
        let line = br#"{"type":"rows","id":1,"rows":[[1],["refused"],[3]]}"#;
        assert!(decode(line, 1, &mut target).is_err());
        assert_eq!(target.take_refusal(), Some("refused"));
        assert_eq!(target.rows.len(), 1);
    }

    #[test]
    fn fed_values_reach_the_target_as_decoded_text_would() {
        let mut target = Collect::default();
        let count = feed(
            vec![vec![json!(1), json!("x")], vec![json!(2), json!(null)]],
            &mut target,
        )
        .unwrap();
        assert_eq!(count, 2);
        assert_eq!(target.rows[1], vec![json!(2), json!(null)]);
    }
}
