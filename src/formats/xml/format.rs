//! XML behind the format interface: the first pass and the plan for
//! `info` and `--preview-schema`, both passes for `read`, and notes on what
//! was chosen that the user should know.

use std::path::Path;
use std::sync::Arc;

use super::columns::ColumnPlan;
use super::describe::DocumentInfo;
use super::record::{self, ChoiceReason, RecordChoice};
use super::source::EncodingSource;
use super::structure::Structure;
use super::{rows, XmlError, XmlOptions};
use crate::formats::{
    Description, FormatError, InputFormat, ReadError, ReadOptions, ReadSummary, TableName,
    TableSink,
};
use crate::progress::{NoProgress, ProgressRef};

/// The XML reader.
pub struct Xml;

impl InputFormat for Xml {
    fn describe(
        &self,
        input: &Path,
        options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError> {
        let document = Document::open(
            input,
            &options.xml,
            options.all_strings,
            Arc::new(NoProgress),
        )
        .map_err(|e| failure(&e))?;
        Ok(Box::new(DocumentInfo::new(&document, &options.xml)))
    }

    fn read(
        &self,
        input: &Path,
        options: &ReadOptions,
        tables: &mut dyn TableSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        read_document(input, &options.xml, options.all_strings, tables, progress)
    }
}

/// Reads the document at `input` into `tables`, as one whole-input table.
pub fn read_document(
    input: &Path,
    options: &XmlOptions,
    all_strings: bool,
    tables: &mut dyn TableSink,
    progress: &ProgressRef,
) -> Result<ReadSummary, ReadError> {
    progress.start("scanning", file_bytes(input));
    let document = Document::open(input, options, all_strings, progress.clone())?;
    let schema = document.plan.schema();
    let slot = tables.begin(TableName::whole(&table_name(input)), &schema, None)?;
    progress.start("writing", file_bytes(input));
    let rows = rows::read(
        input,
        options,
        &document.structure,
        &document.plan,
        progress.clone(),
        |batch| tables.write(slot, batch).map_err(ReadError::from),
    )?;
    tables.end(slot, rows, None)?;
    Ok(ReadSummary {
        notes: notes(&document),
        retries: 0,
    })
}

/// `--preview-schema`: the record path and the columns, as text.
pub fn preview_schema(
    input: &Path,
    options: &XmlOptions,
    all_strings: bool,
) -> Result<String, FormatError> {
    let document = Document::open(input, options, all_strings, Arc::new(NoProgress))
        .map_err(|e| failure(&e))?;
    Ok(DocumentInfo::new(&document, options).schema_text())
}

/// A document after its first pass: its structure, record and columns.
pub struct Document {
    pub structure: Structure,
    pub choice: RecordChoice,
    pub plan: ColumnPlan,
}

impl Document {
    pub fn open(
        input: &Path,
        options: &XmlOptions,
        all_strings: bool,
        progress: ProgressRef,
    ) -> Result<Document, XmlError> {
        let structure = Structure::scan(input, options, all_strings, progress)?;
        let choice = record::choose(&structure, options.record_path.as_ref())?;
        let plan = ColumnPlan::build(&structure, choice.element, options.flatten, &options.arrays);
        if plan.columns.is_empty() {
            let record = structure.element(choice.element).qualified.clone();
            return Err(XmlError::NoValues(record));
        }
        Ok(Document {
            structure,
            choice,
            plan,
        })
    }
}

fn file_bytes(input: &Path) -> u64 {
    std::fs::metadata(input).map_or(0, |m| m.len())
}

/// A document holds one table, named after the file without its
/// extensions (`orders.xml.gz` is `orders`).
fn table_name(input: &Path) -> String {
    crate::formats::stem_without(input, super::FORMAT.extensions)
}

fn failure(error: &XmlError) -> FormatError {
    FormatError::new(error, error.hint())
}

impl From<XmlError> for ReadError {
    fn from(error: XmlError) -> ReadError {
        ReadError::Failed(failure(&error))
    }
}

/// What was chosen or found that the user should know.
fn notes(document: &Document) -> Vec<String> {
    let structure = &document.structure;
    let record = structure.element(document.choice.element);
    let path = structure.path_text(document.choice.element);
    let mut notes = vec![match document.choice.how {
        ChoiceReason::Detected => format!(
            "one row per <{}> element at {path} ({}; --record-path chooses another)",
            record.qualified, record.count
        ),
        ChoiceReason::Root => format!(
            "no element repeats: the document <{}> is one row",
            record.qualified
        ),
        ChoiceReason::Requested => {
            format!(
                "one row per <{}> element at {path} ({})",
                record.qualified, record.count
            )
        }
    }];
    let source = &structure.source;
    if !source.charset.is_utf8() && source.encoding_source != EncodingSource::Option {
        notes.push(format!("text read as {} (declared)", source.charset.name()));
    }
    let lists = document
        .plan
        .columns
        .iter()
        .filter(|c| matches!(c.shape, super::columns::Shape::List { .. }))
        .count();
    if lists > 0 {
        notes.push(format!(
            "{lists} column(s) hold the values of elements repeated within a record"
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_drop_every_extension() {
        assert_eq!(table_name(Path::new("a/orders.xml.gz")), "orders");
        assert_eq!(table_name(Path::new("Orders.XML")), "Orders");
        assert_eq!(table_name(Path::new("track.gpx")), "track");
    }
}
