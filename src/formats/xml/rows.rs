//! The second pass: the document read again, each record element becoming
//! one row of bounded Arrow batches as the plan says.
//!
//! Only the record being read is held: its values are ranges of one text
//! buffer, appended to the column builders when the record closes. Values
//! of the enclosing elements (carried columns) are kept while their
//! element is open. A path, repetition or value the first pass did not see
//! means the file changed between the passes, and is an error.

use std::path::Path;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use super::columns::{Column, ColumnPlan, Shape, Source};
use super::json_text::JsonCapture;
use super::lists::ListBuilder;
use super::structure::{ElementId, Structure};
use super::tokens::{Token, Tokens};
use super::{XmlError, XmlOptions};
use crate::formats::typed_text::TypedBuilder;
use crate::progress::ProgressRef;

/// Rows, and bytes of record text, per batch.
const BATCH_ROWS: usize = 16 * 1024;
const BATCH_BYTES: usize = 8 << 20;

/// A column's values in the record being read: ranges of the record text.
#[derive(Debug, Default, Clone)]
struct Slot {
    scalar: Option<(usize, usize)>,
    entries: Vec<Option<(usize, usize)>>,
}

/// An open element.
#[derive(Debug, Default)]
struct Frame {
    element: ElementId,
    /// Its text is wanted (a column's value, or carried).
    keep_text: bool,
    text: String,
}

/// What each path feeds, indexed by element and attribute id.
struct Routes {
    text: Vec<Option<usize>>,
    attribute: Vec<Option<usize>>,
    json: Vec<Option<usize>>,
    /// List columns whose unit each element is.
    units: Vec<Vec<usize>>,
    /// Carried columns to forget when each element closes.
    scoped: Vec<Vec<usize>>,
}

impl Routes {
    fn of(structure: &Structure, plan: &ColumnPlan) -> Routes {
        let elements = structure.elements.len();
        let mut routes = Routes {
            text: vec![None; elements],
            attribute: vec![None; structure.attributes.len()],
            json: vec![None; elements],
            units: vec![Vec::new(); elements],
            scoped: vec![Vec::new(); elements],
        };
        for (index, column) in plan.columns.iter().enumerate() {
            let owner = match column.source {
                Source::Text(e) => {
                    routes.text[e as usize] = Some(index);
                    e
                }
                Source::Json(e) => {
                    routes.json[e as usize] = Some(index);
                    e
                }
                Source::Attribute(a) => {
                    routes.attribute[a as usize] = Some(index);
                    structure.attributes[a as usize].element
                }
            };
            if let Shape::List { unit } = column.shape {
                routes.units[unit as usize].push(index);
            }
            if column.carried {
                // An ancestor's attribute lasts while it is open; a leaf
                // child's text and attributes while its parent is.
                let scope = match column.source {
                    Source::Attribute(_) if structure.is_within(plan.record, owner) => owner,
                    _ => structure.element(owner).parent.unwrap_or(owner),
                };
                routes.scoped[scope as usize].push(index);
            }
        }
        routes
    }
}

/// The output builder of one column.
enum Output {
    Scalar(TypedBuilder),
    List(ListBuilder),
}

/// Reads the records of the document at `path` as batches, each handed to
/// `consume`; returns the rows read.
pub fn read<E: From<XmlError>>(
    path: &Path,
    options: &XmlOptions,
    structure: &Structure,
    plan: &ColumnPlan,
    progress: ProgressRef,
    mut consume: impl FnMut(RecordBatch) -> Result<(), E>,
) -> Result<u64, E> {
    let mut tokens = Tokens::open(path, options, progress)?;
    let mut reader = RowReader::new(structure, plan);
    loop {
        match tokens.next()? {
            Token::Open => reader.open(&tokens)?,
            Token::Text(text) => reader.text(text),
            Token::Close => reader.close()?,
            Token::End => break,
        }
        if reader.batch_full() {
            consume(reader.finish_batch()?)?;
        }
    }
    if reader.batch_rows > 0 {
        consume(reader.finish_batch()?)?;
    }
    let expected = structure.element(plan.record).count;
    if reader.rows != expected {
        return Err(XmlError::Changed(format!(
            "{} records where the first pass counted {expected}",
            reader.rows
        ))
        .into());
    }
    Ok(reader.rows)
}

struct RowReader<'p> {
    structure: &'p Structure,
    plan: &'p ColumnPlan,
    schema: SchemaRef,
    routes: Routes,
    frames: Vec<Frame>,
    depth: usize,
    /// The depth of the record element while one is open.
    record_depth: Option<usize>,
    record_text: String,
    slots: Vec<Slot>,
    carried: Vec<Option<String>>,
    json: JsonCapture,
    /// The column the capture feeds and the depth it started at.
    json_target: Option<(usize, usize)>,
    outputs: Vec<Output>,
    batch_rows: usize,
    batch_bytes: usize,
    rows: u64,
}

impl<'p> RowReader<'p> {
    fn new(structure: &'p Structure, plan: &'p ColumnPlan) -> RowReader<'p> {
        let capacity = (BATCH_ROWS / 16).max(1);
        let outputs = plan
            .columns
            .iter()
            .map(|c| match c.shape {
                Shape::Scalar => Output::Scalar(TypedBuilder::new(c.value_type, capacity)),
                Shape::List { .. } => {
                    Output::List(ListBuilder::new(&plan.arrays, c.value_type, capacity))
                }
            })
            .collect();
        RowReader {
            structure,
            plan,
            schema: plan.schema(),
            routes: Routes::of(structure, plan),
            frames: Vec::new(),
            depth: 0,
            record_depth: None,
            record_text: String::new(),
            slots: vec![Slot::default(); plan.columns.len()],
            carried: vec![None; plan.columns.len()],
            json: JsonCapture::default(),
            json_target: None,
            outputs,
            batch_rows: 0,
            batch_bytes: 0,
            rows: 0,
        }
    }

    fn open(&mut self, tokens: &Tokens) -> Result<(), XmlError> {
        if self.json.is_active() {
            self.json.open(tokens.name(), tokens.attributes());
            self.push_frame(u32::MAX, false);
            return Ok(());
        }
        let element = match self.depth.checked_sub(1) {
            None => Some(super::structure::ROOT),
            Some(d) => self.structure.child(self.frames[d].element, tokens.name()),
        }
        .ok_or_else(|| XmlError::Changed(format!("<{}> was not there before", tokens.name())))?;
        if element == self.plan.record {
            self.record_depth = Some(self.depth);
            self.record_text.clear();
            for slot in &mut self.slots {
                slot.scalar = None;
                slot.entries.clear();
            }
        }
        if self.record_depth.is_some() {
            for &column in &self.routes.units[element as usize] {
                self.slots[column].entries.push(None);
            }
        }
        for (name, value) in tokens.attributes() {
            let id = self.structure.attribute(element, name).ok_or_else(|| {
                XmlError::Changed(format!("attribute {name} was not there before"))
            })?;
            if let Some(column) = self.routes.attribute[id as usize] {
                self.put(column, value)?;
            }
        }
        if let Some(column) = self.routes.json[element as usize] {
            if self.record_depth.is_some() {
                self.json_target = Some((column, self.depth));
                self.json.open(tokens.name(), tokens.attributes());
            }
        }
        let keep_text = self.routes.text[element as usize].is_some();
        self.push_frame(element, keep_text);
        Ok(())
    }

    fn push_frame(&mut self, element: ElementId, keep_text: bool) {
        if self.frames.len() == self.depth {
            self.frames.push(Frame::default());
        }
        let frame = &mut self.frames[self.depth];
        frame.element = element;
        frame.keep_text = keep_text;
        frame.text.clear();
        self.depth += 1;
    }

    fn text(&mut self, text: &str) {
        if self.json.is_active() {
            self.json.text(text);
            return;
        }
        let frame = &mut self.frames[self.depth - 1];
        if frame.keep_text {
            frame.text.push_str(text);
        }
    }

    fn close(&mut self) -> Result<(), XmlError> {
        self.depth -= 1;
        if self.json.is_active() {
            if let Some(json) = self.json.close() {
                let (column, _) = self.json_target.take().expect("a capture has a target");
                self.put(column, &json)?;
            }
            if self.frames[self.depth].element == u32::MAX {
                return Ok(());
            }
        }
        let frame = std::mem::take(&mut self.frames[self.depth]);
        let element = frame.element;
        if let Some(column) = self.routes.text[element as usize] {
            let text = frame.text.trim();
            if !text.is_empty() {
                self.put(column, text)?;
            }
        }
        self.frames[self.depth] = frame;
        for &column in &self.routes.scoped[element as usize] {
            self.carried[column] = None;
        }
        if self.record_depth == Some(self.depth) {
            self.finish_row()?;
            self.record_depth = None;
        }
        Ok(())
    }

    /// One value of `column` in the current record (or carried).
    fn put(&mut self, column: usize, value: &str) -> Result<(), XmlError> {
        let planned = &self.plan.columns[column];
        if planned.carried {
            self.carried[column] = Some(value.to_string());
            return Ok(());
        }
        let start = self.record_text.len();
        self.record_text.push_str(value);
        let range = (start, self.record_text.len());
        let slot = &mut self.slots[column];
        let taken = match planned.shape {
            Shape::Scalar => slot.scalar.replace(range).is_some(),
            Shape::List { .. } => match slot.entries.last_mut() {
                Some(entry) => entry.replace(range).is_some(),
                None => true,
            },
        };
        if taken {
            return Err(XmlError::Changed(format!(
                "column `{}` has more values in one record than the first pass saw",
                planned.name
            )));
        }
        Ok(())
    }

    fn finish_row(&mut self) -> Result<(), XmlError> {
        for (index, column) in self.plan.columns.iter().enumerate() {
            let slot = &self.slots[index];
            let text = &self.record_text;
            let value_of = |range: (usize, usize)| &text[range.0..range.1];
            match &mut self.outputs[index] {
                Output::Scalar(builder) => {
                    let value = match column.carried {
                        true => self.carried[index].as_deref(),
                        false => slot.scalar.map(value_of),
                    };
                    match value {
                        None => builder.append_null(),
                        Some(v) => {
                            if !builder.append(v) {
                                return Err(not_of_type(column, v));
                            }
                        }
                    }
                }
                Output::List(builder) => {
                    let entries = slot.entries.iter().map(|e| e.map(value_of));
                    builder
                        .append(entries)
                        .map_err(|v| not_of_type(column, v))?;
                }
            }
        }
        self.batch_rows += 1;
        self.batch_bytes += self.record_text.len();
        self.rows += 1;
        Ok(())
    }

    fn batch_full(&self) -> bool {
        self.batch_rows >= BATCH_ROWS || self.batch_bytes >= BATCH_BYTES
    }

    fn finish_batch(&mut self) -> Result<RecordBatch, XmlError> {
        let arrays: Vec<ArrayRef> = self
            .outputs
            .iter_mut()
            .map(|output| match output {
                Output::Scalar(builder) => builder.finish(),
                Output::List(builder) => builder.finish(),
            })
            .collect();
        self.batch_rows = 0;
        self.batch_bytes = 0;
        let options = arrow_array::RecordBatchOptions::new()
            .with_row_count(Some(arrays.first().map_or(0, |a| a.len())));
        RecordBatch::try_new_with_options(self.schema.clone(), arrays, &options)
            .map_err(|e| XmlError::Changed(e.to_string()))
    }
}

fn not_of_type(column: &Column, value: &str) -> XmlError {
    XmlError::Changed(format!(
        "column `{}`: `{value}` is not a {}",
        column.name,
        column.value_type.name()
    ))
}
