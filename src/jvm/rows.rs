//! The rows of a `read`, decoded straight from the message text into the
//! caller's [`RowsTarget`]: each row is handed over as a deserializer over
//! the line, so no value of a large read exists as a `serde_json::Value` on
//! the way to its column (the hot path of an Access conversion).
//!
//! The wire format is protocol v1's `rows` message, in any member order. A
//! [`RowsRoute`] says which target each request's rows go to (several reads
//! may be in flight at once); a message for a request it does not know is
//! recognised by its `id` and skipped.

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

/// Where the rows of each read in flight go.
pub trait RowsRoute {
    type Target: RowsTarget;

    /// The target of request `id`'s rows; `None` for a request not read here.
    fn target(&mut self, id: RequestId) -> Option<&mut Self::Target>;
}

/// The route of a single read: request `id`'s rows into `target`.
pub struct OneRead<'t, T> {
    pub id: RequestId,
    pub target: &'t mut T,
}

impl<T: RowsTarget> RowsRoute for OneRead<'_, T> {
    type Target = T;

    fn target(&mut self, id: RequestId) -> Option<&mut T> {
        (id == self.id).then_some(&mut *self.target)
    }
}

/// What one `rows` message held.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// This many rows of request `id` went into its target.
    Rows { id: RequestId, rows: usize },
    /// The message answers a request the route does not know; nothing was
    /// decoded.
    OtherRequest(RequestId),
}

/// A `rows` message that could not be decoded: broken text, or a row its
/// target refused (the target then holds the reason).
#[derive(Debug)]
pub struct DecodeError {
    /// The request the message answers, when the text got as far as its id.
    pub id: Option<RequestId>,
    pub error: serde_json::Error,
}

/// Decodes the `rows` message `line` into the target `route` gives its
/// request.
pub fn decode<R: RowsRoute>(line: &[u8], route: &mut R) -> Result<Decoded, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(line);
    let mut id = None;
    let decoded = MessageSeed { route, id: &mut id }
        .deserialize(&mut deserializer)
        .and_then(|decoded| deserializer.end().map(|()| decoded));
    decoded.map_err(|error| DecodeError { id, error })
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

struct MessageSeed<'r, R> {
    route: &'r mut R,
    /// The message's id, once read.
    id: &'r mut Option<RequestId>,
}

impl<'de, R: RowsRoute> DeserializeSeed<'de> for MessageSeed<'_, R> {
    type Value = Decoded;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Decoded, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: RowsRoute> Visitor<'de> for MessageSeed<'_, R> {
    type Value = Decoded;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a rows message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut decoded: Option<usize> = None;
        // Rows that came before the id cannot go into a target yet.
        let mut early: Option<Vec<Vec<serde_json::Value>>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => *self.id = Some(map.next_value()?),
                "rows" => match (*self.id).map(|id| self.route.target(id)) {
                    Some(Some(target)) => {
                        decoded = Some(map.next_value_seed(RowsSeed { target })?);
                    }
                    Some(None) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    None => early = Some(map.next_value()?),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = (*self.id).ok_or_else(|| de::Error::missing_field("id"))?;
        let Some(target) = self.route.target(id) else {
            return Ok(Decoded::OtherRequest(id));
        };
        match (decoded, early) {
            (Some(rows), _) => Ok(Decoded::Rows { id, rows }),
            (None, Some(rows)) => feed(rows, target)
                .map(|rows| Decoded::Rows { id, rows })
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

    /// Decodes `line` for request `id` alone.
    fn decode_one(
        line: &[u8],
        id: RequestId,
        target: &mut Collect,
    ) -> Result<Decoded, DecodeError> {
        decode(line, &mut OneRead { id, target })
    }

    #[test]
    fn rows_of_the_awaited_request_go_into_the_target() {
        let mut target = Collect::default();
        let line = br#"{"type":"rows","id":7,"rows":[[1,"a\"b",null],[2,"c",true]]}"#;
        assert_eq!(
            decode_one(line, 7, &mut target).unwrap(),
            Decoded::Rows { id: 7, rows: 2 }
        );
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
        assert_eq!(
            decode_one(line, 3, &mut target).unwrap(),
            Decoded::Rows { id: 3, rows: 3 }
        );
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
                decode_one(line, 3, &mut target).unwrap(),
                Decoded::OtherRequest(2)
            );
        }
        assert!(target.rows.is_empty());
    }

    #[test]
    fn broken_text_and_a_missing_member_are_errors() {
        let mut target = Collect::default();
        assert!(decode_one(br#"{"type":"rows","id":1,"rows":[[1]"#, 1, &mut target).is_err());
        assert!(decode_one(br#"{"type":"rows","id":1,"rows":[[1]]} x"#, 1, &mut target).is_err());
        assert!(decode_one(br#"{"type":"rows","rows":[[1]]}"#, 1, &mut target).is_err());
        assert!(decode_one(br#"{"type":"rows","id":1}"#, 1, &mut target).is_err());
        assert!(target.take_refusal().is_none());
    }

    #[test]
    fn a_refusal_stops_the_message_and_is_kept_by_the_target() {
        let mut target = Collect::default();
        let line = br#"{"type":"rows","id":1,"rows":[[1],["refused"],[3]]}"#;
        let error = decode_one(line, 1, &mut target).unwrap_err();
        assert_eq!(error.id, Some(1));
        assert_eq!(target.take_refusal(), Some("refused"));
        assert_eq!(target.rows.len(), 1);
    }

    /// Two reads in flight: each message's rows reach its own target.
    struct Two {
        first: Collect,
        second: Collect,
    }

    impl RowsRoute for Two {
        type Target = Collect;

        fn target(&mut self, id: RequestId) -> Option<&mut Collect> {
            match id {
                4 => Some(&mut self.first),
                5 => Some(&mut self.second),
                _ => None,
            }
        }
    }

    #[test]
    fn interleaved_reads_reach_their_own_targets() {
        let mut route = Two {
            first: Collect::default(),
            second: Collect::default(),
        };
        let lines: [&[u8]; 4] = [
            br#"{"type":"rows","id":4,"rows":[[1]]}"#,
            br#"{"type":"rows","id":5,"rows":[[2],[3]]}"#,
            br#"{"rows":[[4]],"type":"rows","id":4}"#,
            br#"{"type":"rows","id":6,"rows":[[5]]}"#,
        ];
        let decoded: Vec<Decoded> = lines
            .iter()
            .map(|line| decode(line, &mut route).unwrap())
            .collect();
        assert_eq!(
            decoded,
            vec![
                Decoded::Rows { id: 4, rows: 1 },
                Decoded::Rows { id: 5, rows: 2 },
                Decoded::Rows { id: 4, rows: 1 },
                Decoded::OtherRequest(6),
            ]
        );
        assert_eq!(route.first.rows, vec![vec![json!(1)], vec![json!(4)]]);
        assert_eq!(route.second.rows, vec![vec![json!(2)], vec![json!(3)]]);
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
