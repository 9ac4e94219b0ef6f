//! A format that exists only in the unit tests, to prove the seam: this
//! module and one registry entry are all it took for `convert`, `info`,
//! `validate` and `formats` to handle it.
//!
//! A `.seamprobe` file is text: `[name] N` starts a table that states N
//! rows, each following line is one integer of its `value` column, and
//! `#` starts a comment.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use serde::Serialize;

use super::{
    json_document, Description, FormatEntry, FormatError, Header, InputFormat, OutputLayout,
    ReadError, ReadOptions, ReadSummary, TableName, TableSink,
};
use crate::progress::ProgressRef;

pub const FORMAT: FormatEntry = FormatEntry {
    id: "seamprobe",
    name: "SeamProbe",
    extensions: &["seamprobe"],
    description: "test-only tables of integers",
    layout: OutputLayout::Directory(crate::formats::TableFiles::TableName),
    text_by_default: false,
    needs_local_copy: false,
    reader: &SeamProbe,
};

/// Rows per batch: small, so a table spans several.
const BATCH_ROWS: usize = 2;

struct SeamProbe;

#[derive(Serialize)]
struct ProbeTable {
    name: String,
    stated_rows: u64,
    #[serde(skip)]
    values: Vec<i64>,
}

#[derive(Serialize)]
struct ProbeInfo {
    tables: Vec<ProbeTable>,
}

impl Description for ProbeInfo {
    fn json(&self, header: &Header) -> String {
        json_document(header, self)
    }

    fn text(&self, header: &Header) -> String {
        let names: Vec<&str> = self.tables.iter().map(|t| t.name.as_str()).collect();
        format!(
            "file:       {}\ntables:     {}\n",
            header.file,
            names.join(", ")
        )
    }
}

fn parse(input: &Path) -> Result<ProbeInfo, FormatError> {
    let fail = |message: String| FormatError {
        message,
        hint: None,
    };
    let text = std::fs::read_to_string(input).map_err(|e| fail(e.to_string()))?;
    let mut tables: Vec<ProbeTable> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let (name, stated) = rest
                .split_once(']')
                .ok_or_else(|| fail(format!("line {}: no `]`", number + 1)))?;
            tables.push(ProbeTable {
                name: name.to_string(),
                stated_rows: stated.trim().parse().unwrap_or(0),
                values: Vec::new(),
            });
            continue;
        }
        let value = line
            .parse()
            .map_err(|_| fail(format!("line {}: not an integer", number + 1)))?;
        tables
            .last_mut()
            .ok_or_else(|| fail(format!("line {}: a value before any table", number + 1)))?
            .values
            .push(value);
    }
    Ok(ProbeInfo { tables })
}

impl InputFormat for SeamProbe {
    fn describe(
        &self,
        input: &Path,
        _options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError> {
        Ok(Box::new(parse(input)?))
    }

    fn read(
        &self,
        input: &Path,
        _options: &ReadOptions,
        tables: &mut dyn TableSink,
        _progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        let schema: SchemaRef = Arc::new(Schema::new(vec![Field::new(
            "value",
            DataType::Int64,
            false,
        )]));
        let info = parse(input)?;
        for table in &info.tables {
            let slot = tables.begin(
                TableName::part(&table.name),
                &schema,
                Some(table.stated_rows),
            )?;
            for chunk in table.values.chunks(BATCH_ROWS) {
                let column = Arc::new(Int64Array::from(chunk.to_vec()));
                let batch =
                    RecordBatch::try_new(schema.clone(), vec![column]).expect("one int64 column");
                tables.write(slot, batch)?;
            }
            tables.end(slot, table.values.len() as u64, None)?;
        }
        Ok(ReadSummary {
            notes: vec![format!("{} table(s) probed", info.tables.len())],
            retries: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::path::PathBuf;
    use std::process::ExitCode;

    use clap::Parser;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;
    use crate::cli::Cli;
    use crate::formats::Format;

    fn pyforge(args: &[&str]) -> ExitCode {
        let cli = Cli::try_parse_from(std::iter::once("pyforge").chain(args.iter().copied()))
            .expect("arguments parse");
        crate::dispatch(&cli)
    }

    /// The options of a run with no flags.
    fn no_flags() -> ReadOptions {
        ReadOptions {
            all_strings: false,
            csv: Default::default(),
            excel: Default::default(),
            dbase: Default::default(),
            xml: Default::default(),
            jvm: crate::settings::jvm::jvm_settings(&Default::default()).unwrap(),
            access: Default::default(),
            pdf: Default::default(),
        }
    }

    fn values_and_footer(path: &Path) -> (Vec<i64>, Vec<(String, String)>) {
        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
        let footer = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|kv| (kv.key, kv.value.unwrap_or_default()))
            .collect();
        let mut values = Vec::new();
        for batch in builder.build().unwrap() {
            let batch = batch.unwrap();
            let column = batch
                .column(0)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap();
            values.extend(column.values().iter().copied());
        }
        (values, footer)
    }

    fn probe_file(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_format_added_with_one_module_and_one_entry_converts_describes_and_validates() {
        let dir = tempfile::tempdir().unwrap();
        let input = probe_file(
            dir.path(),
            "probe.seamprobe",
            "# two tables\n[alpha] 3\n1\n2\n3\n[Beta/Gamma] 1\n-7\n",
        );
        let format = Format::of(&input).expect("the registry knows the extension");
        assert!(Format::all().any(|f| f == format));
        assert_eq!(pyforge(&["formats", "--json"]), ExitCode::SUCCESS);

        // convert: the table-directory writer, safe names, provenance.
        let input_arg = input.to_str().unwrap();
        assert_eq!(pyforge(&["convert", "-q", input_arg]), ExitCode::SUCCESS);
        let output = dir.path().join("probe_parquet");
        let (alpha, footer) = values_and_footer(&output.join("alpha.parquet"));
        assert_eq!(alpha, [1, 2, 3]);
        let key = |k: &str| {
            footer
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(key("pyforge.source").as_deref(), Some("probe.seamprobe"));
        assert_eq!(key("pyforge.source_format").as_deref(), Some("seamprobe"));
        assert_eq!(key("pyforge.source_table").as_deref(), Some("alpha"));
        let (beta, _) = values_and_footer(&output.join("Beta_Gamma.parquet"));
        assert_eq!(beta, [-7]);
        assert!(dir.path().join(".probe_parquet.pyforge.json").exists());

        // The earlier output is this input's own: --force replaces it.
        assert_ne!(pyforge(&["convert", "-q", input_arg]), ExitCode::SUCCESS);
        assert_eq!(
            pyforge(&["convert", "-q", "--force", input_arg]),
            ExitCode::SUCCESS
        );

        // info: the format describes itself behind the common header.
        assert_eq!(pyforge(&["info", "--json", input_arg]), ExitCode::SUCCESS);
        let described = format.reader().describe(&input, &no_flags()).unwrap();
        let header = Header {
            schema_version: 1,
            file: input_arg.to_string(),
            format: format.id(),
            bytes: 1,
        };
        let json: serde_json::Value = serde_json::from_str(&described.json(&header)).unwrap();
        assert_eq!(json["format"], "seamprobe");
        assert_eq!(json["tables"][1]["name"], "Beta/Gamma");

        // validate: the same read, into the checking sink.
        assert_eq!(
            pyforge(&["validate", "--json", input_arg]),
            ExitCode::SUCCESS
        );
        let found = crate::check::check(&input, format, &no_flags()).unwrap();
        assert_eq!(found.rows(), 4);
        assert!(found.tables.iter().all(|t| t.valid));
    }

    #[test]
    fn a_table_short_of_its_stated_rows_fails_unless_allow_partial_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let input = probe_file(dir.path(), "short.seamprobe", "[t] 3\n1\n2\n[u] 1\n5\n");
        let input_arg = input.to_str().unwrap();
        let output = dir.path().join("short_parquet");

        assert_ne!(pyforge(&["convert", "-q", input_arg]), ExitCode::SUCCESS);
        assert!(!output.exists(), "nothing half-written");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "only the input is left: {leftovers:?}");

        assert_ne!(pyforge(&["validate", input_arg]), ExitCode::SUCCESS);
        let format = Format::of(&input).unwrap();
        let found = crate::check::check(&input, format, &no_flags()).unwrap();
        let t = &found.tables[0];
        assert!(!t.valid);
        assert_eq!(
            t.error.as_deref(),
            Some("table `t`: read 2 rows but the file states 3 (a damaged table or a stale row count)")
        );
        assert!(found.tables[1].valid);

        assert_eq!(
            pyforge(&["convert", "-q", "--allow-partial", input_arg]),
            ExitCode::SUCCESS
        );
        assert_eq!(values_and_footer(&output.join("t.parquet")).0, [1, 2]);
        assert_eq!(values_and_footer(&output.join("u.parquet")).0, [5]);
    }
}
