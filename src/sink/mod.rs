//! The Parquet sink: the only place in pyforge that writes Parquet.
//!
//! The convert layer's writers (`convert::write`) hand every table's Arrow
//! record batches to a [`ParquetSink`], which owns the writer properties (codec, bounded row groups, `created_by`), the column
//! names (unique ignoring case, originals kept in the footer), the Spark-safe
//! types. It writes under a hidden temporary name and hands the finished
//! file back uncommitted: the convert layer moves it into place.

mod background;
mod names;
mod spark_types;

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::Schema;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression as ParquetCompression, GzipLevel, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::files::{CommitError, TempPath};

pub use background::BackgroundSink;
pub use names::unique_ignoring_case;

/// Footer key read by Spark 3.x: with it, dates before 1582 and timestamps
/// before 1900 are read as written (proleptic Gregorian) instead of failing
/// under the default `datetimeRebaseModeInRead=EXCEPTION`.
pub const SPARK_VERSION_KEY: &str = "org.apache.spark.version";
/// The Spark version announced under [`SPARK_VERSION_KEY`]: any 3.x without
/// `org.apache.spark.legacyDateTime` means "no calendar rebase".
pub const SPARK_VERSION_VALUE: &str = "3.5.0";
/// Footer key holding the column names as the source had them (a JSON array).
pub const ORIGINAL_NAMES_KEY: &str = "pyforge.original_column_names";
/// Footer key holding the pyforge version that wrote the file.
pub const PYFORGE_VERSION_KEY: &str = "pyforge.version";

/// Parquet codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Snappy,
    Gzip,
    Zstd,
    None,
}

/// Settings for every file the sink writes.
#[derive(Debug, Clone)]
pub struct SinkOptions {
    pub compression: Compression,
    /// A row group is closed after this many rows...
    pub row_group_rows: usize,
    /// ...or once its encoded size reaches this many bytes, which bounds the
    /// writer's memory whatever the row width.
    pub row_group_bytes: usize,
}

impl Default for SinkOptions {
    fn default() -> Self {
        SinkOptions {
            compression: Compression::Snappy,
            row_group_rows: 1024 * 1024,
            row_group_bytes: 24 * 1024 * 1024,
        }
    }
}

/// What went wrong while writing one output file.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("cannot create a temporary file in {}: {source}", .dir.display())]
    CreateTemp {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write Parquet to {}: {source}", .path.display())]
    Write { path: PathBuf, source: ParquetError },
    #[error("cannot convert column `{column}` to a Parquet type: {source}")]
    Cast {
        column: String,
        source: arrow_schema::ArrowError,
    },
    #[error(transparent)]
    Commit(#[from] CommitError),
}

/// What a finished file holds.
#[derive(Debug, Clone)]
pub struct SinkSummary {
    pub rows: u64,
    pub bytes: u64,
}

/// One Parquet file being written.
pub struct ParquetSink {
    writer: ArrowWriter<File>,
    mapping: spark_types::SchemaMapping,
    temp: TempPath,
    target: PathBuf,
    rows: u64,
}

impl ParquetSink {
    /// Starts writing `target` (under a temporary name) for batches of `schema`.
    /// `metadata` is added to the footer next to pyforge's own keys.
    pub fn create(
        target: &Path,
        schema: &Schema,
        metadata: Vec<(String, String)>,
        options: &SinkOptions,
    ) -> Result<ParquetSink, SinkError> {
        let original: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let names = unique_ignoring_case(&original);
        let mapping = spark_types::SchemaMapping::new(schema, &names);

        let mut footer = vec![
            KeyValue::new(SPARK_VERSION_KEY.into(), SPARK_VERSION_VALUE.to_string()),
            KeyValue::new(
                PYFORGE_VERSION_KEY.into(),
                env!("CARGO_PKG_VERSION").to_string(),
            ),
            KeyValue::new(
                ORIGINAL_NAMES_KEY.into(),
                serde_json::to_string(&original).expect("names serialize"),
            ),
        ];
        footer.extend(metadata.into_iter().map(|(k, v)| KeyValue::new(k, v)));

        let properties = WriterProperties::builder()
            .set_created_by(format!(
                "pyforge version {} (parquet-rs)",
                env!("CARGO_PKG_VERSION")
            ))
            .set_compression(parquet_codec(options.compression))
            .set_max_row_group_row_count(Some(options.row_group_rows))
            .set_max_row_group_bytes(Some(options.row_group_bytes))
            .set_key_value_metadata(Some(footer))
            .build();

        let (temp, file) = TempPath::file(target).map_err(|source| SinkError::CreateTemp {
            dir: target
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            source,
        })?;
        let writer = ArrowWriter::try_new(file, mapping.output.clone(), Some(properties)).map_err(
            |source| SinkError::Write {
                path: target.to_path_buf(),
                source,
            },
        )?;
        Ok(ParquetSink {
            writer,
            mapping,
            temp,
            target: target.to_path_buf(),
            rows: 0,
        })
    }

    /// Appends one batch; closes the row group when it has grown large.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), SinkError> {
        let batch = self
            .mapping
            .apply(batch)
            .map_err(|(column, source)| SinkError::Cast { column, source })?;
        self.writer
            .write(&batch)
            .map_err(|source| self.write_error(source))?;
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Writes the footer and flushes the file, which is left under its
    /// temporary name for the caller to commit (or drop, which removes it).
    pub fn finish(self) -> Result<(SinkSummary, TempPath), SinkError> {
        let ParquetSink {
            writer,
            temp,
            target,
            rows,
            ..
        } = self;
        let file = writer.into_inner().map_err(|source| SinkError::Write {
            path: target.clone(),
            source,
        })?;
        file.sync_all().map_err(|source| SinkError::Write {
            path: target.clone(),
            source: ParquetError::External(Box::new(source)),
        })?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        drop(file);
        let summary = SinkSummary { rows, bytes };
        Ok((summary, temp))
    }

    fn write_error(&self, source: ParquetError) -> SinkError {
        SinkError::Write {
            path: self.target.clone(),
            source,
        }
    }
}

fn parquet_codec(compression: Compression) -> ParquetCompression {
    match compression {
        Compression::Snappy => ParquetCompression::SNAPPY,
        Compression::Gzip => ParquetCompression::GZIP(GzipLevel::default()),
        Compression::Zstd => ParquetCompression::ZSTD(ZstdLevel::default()),
        Compression::None => ParquetCompression::UNCOMPRESSED,
    }
}
