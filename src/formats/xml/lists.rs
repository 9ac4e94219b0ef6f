//! The output of a list column: a typed Arrow list (`expand`), the values
//! joined by a separator (`concatenate`), or a JSON array as text
//! (`json_string`). Entries that are missing (a unit element without the
//! value) are nulls in a list and in a JSON array, and left out of joined
//! text, as pyforge-cli 1.0.9 left out empty values.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, ListArray};
use arrow_buffer::OffsetBuffer;

use super::columns::list_item;
use super::ArrayHandling;
use crate::formats::typed_text::{ColumnType, TypedBuilder};

/// The builder of one list column.
pub enum ListBuilder {
    Expand {
        entries: TypedBuilder,
        offsets: Vec<i32>,
        value_type: ColumnType,
    },
    Joined {
        text: StringBuilder,
        separator: String,
        scratch: String,
    },
    Json {
        text: StringBuilder,
        scratch: String,
    },
}

impl ListBuilder {
    pub fn new(arrays: &ArrayHandling, value_type: ColumnType, rows: usize) -> ListBuilder {
        match arrays {
            ArrayHandling::Expand => ListBuilder::Expand {
                entries: TypedBuilder::new(value_type, rows),
                offsets: vec![0],
                value_type,
            },
            ArrayHandling::Concatenate(separator) => ListBuilder::Joined {
                text: StringBuilder::with_capacity(rows, rows * 16),
                separator: separator.clone(),
                scratch: String::new(),
            },
            ArrayHandling::JsonString => ListBuilder::Json {
                text: StringBuilder::with_capacity(rows, rows * 16),
                scratch: String::new(),
            },
        }
    }

    /// Appends one record's list. `Err` carries an entry that does not
    /// parse as the column's type.
    pub fn append<'v>(
        &mut self,
        values: impl Iterator<Item = Option<&'v str>>,
    ) -> Result<(), &'v str> {
        match self {
            ListBuilder::Expand {
                entries, offsets, ..
            } => {
                let mut count = 0i32;
                for value in values {
                    match value {
                        Some(v) if !entries.append(v) => return Err(v),
                        Some(_) => {}
                        None => entries.append_null(),
                    }
                    count += 1;
                }
                let last = *offsets.last().expect("offsets start with 0");
                offsets.push(last + count);
            }
            ListBuilder::Joined {
                text,
                separator,
                scratch,
            } => {
                scratch.clear();
                let mut any = false;
                for value in values.flatten() {
                    if any {
                        scratch.push_str(separator);
                    }
                    scratch.push_str(value);
                    any = true;
                }
                if any {
                    text.append_value(&*scratch);
                } else {
                    text.append_null();
                }
            }
            ListBuilder::Json { text, scratch } => {
                scratch.clear();
                scratch.push('[');
                for (index, value) in values.enumerate() {
                    if index > 0 {
                        scratch.push(',');
                    }
                    match value {
                        Some(v) => scratch.push_str(&serde_json::Value::from(v).to_string()),
                        None => scratch.push_str("null"),
                    }
                }
                scratch.push(']');
                text.append_value(&*scratch);
            }
        }
        Ok(())
    }

    pub fn finish(&mut self) -> ArrayRef {
        match self {
            ListBuilder::Expand {
                entries,
                offsets,
                value_type,
            } => {
                let values = entries.finish();
                let offsets = OffsetBuffer::new(std::mem::replace(offsets, vec![0]).into());
                Arc::new(
                    ListArray::try_new(Arc::new(list_item(*value_type)), offsets, values, None)
                        .expect("offsets follow the entries appended"),
                )
            }
            ListBuilder::Joined { text, .. } | ListBuilder::Json { text, .. } => {
                Arc::new(text.finish())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::Array;

    #[test]
    fn lists_of_each_kind() {
        let rows = [vec![Some("1"), None, Some("3")], vec![]];
        let mut expand = ListBuilder::new(&ArrayHandling::Expand, ColumnType::Int64, 2);
        let mut joined = ListBuilder::new(
            &ArrayHandling::Concatenate("; ".into()),
            ColumnType::Int64,
            2,
        );
        let mut json = ListBuilder::new(&ArrayHandling::JsonString, ColumnType::Int64, 2);
        for row in &rows {
            for builder in [&mut expand, &mut joined, &mut json] {
                builder.append(row.iter().copied()).unwrap();
            }
        }
        let list = expand.finish();
        let list = list.as_list::<i32>();
        assert_eq!(list.value_length(0), 3);
        assert_eq!(list.value_length(1), 0);
        let first = list.value(0);
        let first = first.as_primitive::<Int64Type>();
        assert_eq!(
            (first.value(0), first.is_null(1), first.value(2)),
            (1, true, 3)
        );
        let joined = joined.finish();
        let joined = joined.as_string::<i32>();
        assert_eq!(joined.value(0), "1; 3");
        assert!(joined.is_null(1));
        let json = json.finish();
        let json = json.as_string::<i32>();
        assert_eq!(json.value(0), r#"["1",null,"3"]"#);
        assert_eq!(json.value(1), "[]");
        let mut bad = ListBuilder::new(&ArrayHandling::Expand, ColumnType::Int64, 1);
        assert_eq!(bad.append([Some("x")].into_iter()), Err("x"));
    }
}
