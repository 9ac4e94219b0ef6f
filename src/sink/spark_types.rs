//! The Arrow types the sink writes, chosen so Spark 3.x, Databricks, DuckDB
//! and pandas all read them back as the same values.
//!
//! - Timestamps are INT64 microseconds: nanoseconds fail in Spark, seconds
//!   and milliseconds land as bare integers or lose the unit in some readers.
//! - Time-of-day becomes text (`HH:MM:SS[.ffffff]`): Spark before 4.1 has no TIME.
//! - Date64 becomes Date32, Float16 becomes Float32, Null becomes an all-null string.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};

/// The type `data_type` is written as, or `None` when it is written as it is.
pub fn spark_safe_type(data_type: &DataType) -> Option<DataType> {
    match data_type {
        DataType::Timestamp(TimeUnit::Microsecond, _) => None,
        DataType::Timestamp(_, tz) => Some(DataType::Timestamp(TimeUnit::Microsecond, tz.clone())),
        DataType::Time32(_) | DataType::Time64(_) => Some(DataType::Utf8),
        DataType::Date64 => Some(DataType::Date32),
        DataType::Float16 => Some(DataType::Float32),
        DataType::Null => Some(DataType::Utf8),
        _ => None,
    }
}

/// Maps an input schema to the written one: new names, Spark-safe types.
#[derive(Debug)]
pub struct SchemaMapping {
    pub output: SchemaRef,
    casts: Vec<Option<DataType>>,
}

impl SchemaMapping {
    pub fn new(input: &Schema, names: &[String]) -> SchemaMapping {
        let mut casts = Vec::with_capacity(input.fields().len());
        let fields: Vec<Field> = input
            .fields()
            .iter()
            .zip(names)
            .map(|(field, name)| {
                let cast = spark_safe_type(field.data_type());
                let data_type = cast.clone().unwrap_or_else(|| field.data_type().clone());
                casts.push(cast);
                Field::new(name, data_type, true).with_metadata(field.metadata().clone())
            })
            .collect();
        SchemaMapping {
            output: Arc::new(Schema::new_with_metadata(fields, input.metadata().clone())),
            casts,
        }
    }

    /// Rebuilds `batch` under the output schema, casting where needed. An
    /// error names the column it concerns.
    pub fn apply(&self, batch: &RecordBatch) -> Result<RecordBatch, (String, ArrowError)> {
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .zip(&self.casts)
            .zip(self.output.fields())
            .map(|((column, cast), field)| match cast {
                Some(to) => arrow_cast::cast(column, to).map_err(|e| (field.name().clone(), e)),
                None => Ok(column.clone()),
            })
            .collect::<Result<_, _>>()?;
        RecordBatch::try_new(self.output.clone(), columns).map_err(|e| (String::new(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_become_microseconds_keeping_the_zone() {
        assert_eq!(
            spark_safe_type(&DataType::Timestamp(
                TimeUnit::Nanosecond,
                Some("UTC".into())
            )),
            Some(DataType::Timestamp(
                TimeUnit::Microsecond,
                Some("UTC".into())
            ))
        );
        assert_eq!(
            spark_safe_type(&DataType::Timestamp(TimeUnit::Second, None)),
            Some(DataType::Timestamp(TimeUnit::Microsecond, None))
        );
        assert_eq!(
            spark_safe_type(&DataType::Timestamp(TimeUnit::Microsecond, None)),
            None
        );
    }

    #[test]
    fn time_of_day_becomes_text() {
        assert_eq!(
            spark_safe_type(&DataType::Time64(TimeUnit::Microsecond)),
            Some(DataType::Utf8)
        );
    }
}
