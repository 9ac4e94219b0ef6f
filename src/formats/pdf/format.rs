//! PDF behind the format interface: the worker's pages into the text form
//! (`read_text`), into one table of a row per page (`read`: page, text,
//! characters, has_images, has_text), or into what `info` shows.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Int32Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::document::{Facts, Unlocked};
use super::pages::BeyondLastPage;
use super::text::TextLayout;
use super::worker::{self, PageReport, WorkerError, WorkerEvents};
use super::{describe::PdfInfo, PdfOptions, FORMAT};
use crate::formats::{
    stem_without, Description, FormatError, InputFormat, ReadError, ReadOptions, ReadSummary, Stop,
    TableName, TableSink, TextSink,
};
use crate::progress::ProgressRef;

pub struct Pdf;

impl InputFormat for Pdf {
    fn describe(
        &self,
        input: &Path,
        options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError> {
        let mut info = None;
        let on_facts = |facts: &Facts, _: &[u32]| {
            info = Some(PdfInfo::new(facts));
            Ok(())
        };
        let mut pages = Pages::new(&options.pdf, None, on_facts, |_| Ok(()));
        pages.run(input, false).map_err(failure)?;
        let tally = std::mem::take(&mut pages.tally);
        drop(pages);
        let mut info = info.expect("facts come before the pages");
        info.add_pages(&tally);
        Ok(Box::new(info))
    }

    fn read(
        &self,
        input: &Path,
        options: &ReadOptions,
        tables: &mut dyn TableSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        let schema = page_schema(options.all_strings);
        let name = stem_without(input, FORMAT.extensions);
        let mut rows = PageRows::new(schema.clone(), options.all_strings);
        let tables = std::cell::RefCell::new(tables);
        let begun = std::cell::Cell::new(None);
        let on_facts = |_: &Facts, selected: &[u32]| {
            let stated = Some(selected.len() as u64);
            let slot = tables
                .borrow_mut()
                .begin(TableName::whole(&name), &schema, stated)?;
            begun.set(Some(slot));
            Ok(())
        };
        let on_page = |page: PageReport| match (rows.push(page), begun.get()) {
            (Some(batch), Some(slot)) => tables.borrow_mut().write(slot, batch),
            _ => Ok(()),
        };
        let mut pages = Pages::new(&options.pdf, Some(progress), on_facts, on_page);
        let result = pages.run(input, true);
        let notes = pages.notes();
        drop(pages);
        let tables = tables.into_inner();
        let (damage, slot) = match (result, begun.get()) {
            (Ok(_), Some(slot)) => (None, slot),
            (Err(Failure::Stopped), _) => return Err(ReadError::Stopped),
            (Err(Failure::Worker(e)), Some(slot)) if e.is_damage() => (Some(e.to_string()), slot),
            (Err(e), _) => return Err(failure(e).into()),
            (Ok(_), None) => unreachable!("the pages are read after the facts"),
        };
        if let Some(batch) = rows.finish() {
            tables.write(slot, batch)?;
        }
        tables.end(slot, rows.count, damage)?;
        Ok(ReadSummary { notes, retries: 0 })
    }

    fn read_text(
        &self,
        input: &Path,
        options: &ReadOptions,
        text: &mut dyn TextSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        let mut layout = TextLayout::new(options.pdf.page_markers);
        let on_page = |page: PageReport| match layout.part(&page) {
            Some(part) => text.write_part(&part),
            None => Ok(()),
        };
        let mut pages = Pages::new(&options.pdf, Some(progress), |_, _| Ok(()), on_page);
        let result = pages.run(input, true);
        let mut notes = pages.notes();
        drop(pages);
        match result {
            Ok(_) => {}
            Err(Failure::Stopped) => return Err(ReadError::Stopped),
            Err(e) => return Err(failure(e).into()),
        }
        if !layout.without_text.is_empty() {
            notes.push(format!(
                "{} left out of the text: no text on {}",
                plural(layout.without_text.len(), "page"),
                page_list(&layout.without_text)
            ));
        }
        Ok(ReadSummary { notes, retries: 0 })
    }
}

/// Why a read through the worker ended early.
enum Failure {
    Worker(WorkerError),
    Pages(BeyondLastPage),
    /// A sink answered [`Stop`]; it has the reason.
    Stopped,
}

fn failure(failure: Failure) -> FormatError {
    match failure {
        Failure::Worker(e) => FormatError {
            message: e.to_string(),
            hint: e.hint(),
        },
        Failure::Pages(e) => FormatError {
            message: e.to_string(),
            hint: None,
        },
        Failure::Stopped => FormatError {
            message: "the read was stopped".into(),
            hint: None,
        },
    }
}

/// What the pages read held, for notes and `info`.
#[derive(Debug, Default)]
pub struct Tally {
    pub read: u64,
    pub with_text: u64,
    pub with_images: u64,
    /// Pages with images and no text: scans without a text layer.
    pub image_only: Vec<u32>,
    pub characters: u64,
}

type OnFacts<'a> = Box<dyn FnMut(&Facts, &[u32]) -> Result<(), Stop> + 'a>;
type OnPage<'a> = Box<dyn FnMut(PageReport) -> Result<(), Stop> + 'a>;

/// One read of a PDF through its worker: the pages `--pages` selects, a
/// tally of them, progress, and the notes every form shares.
struct Pages<'a> {
    options: &'a PdfOptions,
    progress: Option<&'a ProgressRef>,
    on_facts: OnFacts<'a>,
    on_page: OnPage<'a>,
    facts: Option<Facts>,
    beyond: Option<BeyondLastPage>,
    tally: Tally,
}

impl<'a> Pages<'a> {
    /// A read that tells `on_facts` the file's facts and the pages
    /// selected, then hands each page to `on_page`.
    fn new(
        options: &'a PdfOptions,
        progress: Option<&'a ProgressRef>,
        on_facts: impl FnMut(&Facts, &[u32]) -> Result<(), Stop> + 'a,
        on_page: impl FnMut(PageReport) -> Result<(), Stop> + 'a,
    ) -> Pages<'a> {
        Pages {
            options,
            progress,
            on_facts: Box::new(on_facts),
            on_page: Box::new(on_page),
            facts: None,
            beyond: None,
            tally: Tally::default(),
        }
    }

    /// Reads the file; `text`: with each page's text.
    fn run(&mut self, input: &Path, text: bool) -> Result<(), Failure> {
        let options = self.options;
        let result = worker::read(
            input,
            options.password.as_deref(),
            text,
            &options.limits,
            self,
        );
        match result {
            Ok(()) => Ok(()),
            Err(WorkerError::Stopped) => match self.beyond.take() {
                Some(beyond) => Err(Failure::Pages(beyond)),
                None => Err(Failure::Stopped),
            },
            Err(e) => Err(Failure::Worker(e)),
        }
    }

    /// The notes of a finished read: a password not needed, pages that are
    /// images only.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let (Some(facts), Some(_)) = (&self.facts, &self.options.password) {
            match facts.unlocked {
                Unlocked::NotEncrypted => {
                    notes.push("the PDF is not encrypted: the password was not used".into())
                }
                Unlocked::WithoutPassword => {
                    notes.push("the PDF opens without a password: the password was not used".into())
                }
                Unlocked::WithPassword => {}
            }
        }
        let image_only = &self.tally.image_only;
        if !image_only.is_empty() {
            notes.push(format!(
                "{} only images, no text ({}): scans need OCR, which pyforge does not do",
                match image_only.len() {
                    1 => "1 page holds".to_string(),
                    n => format!("{n} pages hold"),
                },
                page_list(image_only)
            ));
        }
        notes
    }
}

impl WorkerEvents for Pages<'_> {
    fn facts(&mut self, facts: &Facts) -> Result<Vec<u32>, Stop> {
        let selected = match &self.options.pages {
            None => (1..=facts.pages).collect(),
            Some(ranges) => ranges.select(facts.pages).map_err(|beyond| {
                self.beyond = Some(beyond);
                Stop
            })?,
        };
        self.facts = Some(facts.clone());
        if let Some(progress) = self.progress {
            progress.start_rows("pages", selected.len() as u64);
        }
        (self.on_facts)(facts, &selected)?;
        Ok(selected)
    }

    fn page(&mut self, page: PageReport) -> Result<(), Stop> {
        let tally = &mut self.tally;
        tally.read += 1;
        tally.characters += page.characters;
        tally.with_text += u64::from(page.has_text);
        tally.with_images += u64::from(page.images > 0);
        if page.images > 0 && !page.has_text {
            tally.image_only.push(page.number);
        }
        if let Some(progress) = self.progress {
            progress.advance(1);
        }
        (self.on_page)(page)
    }
}

/// The columns of the per-page table.
fn page_schema(all_strings: bool) -> SchemaRef {
    let typed = |data_type: DataType| {
        if all_strings {
            DataType::Utf8
        } else {
            data_type
        }
    };
    Arc::new(Schema::new(vec![
        Field::new("page", typed(DataType::Int32), false),
        Field::new("text", DataType::Utf8, false),
        Field::new("characters", typed(DataType::Int64), false),
        Field::new("has_images", typed(DataType::Boolean), false),
        Field::new("has_text", typed(DataType::Boolean), false),
    ]))
}

/// A batch is handed on after this many pages, or this much text.
const BATCH_PAGES: usize = 256;
const BATCH_TEXT_BYTES: usize = 16 << 20;

/// Pages gathered into bounded batches of the per-page table.
struct PageRows {
    schema: SchemaRef,
    all_strings: bool,
    pending: Vec<PageReport>,
    pending_bytes: usize,
    /// Rows handed on or pending.
    count: u64,
}

impl PageRows {
    fn new(schema: SchemaRef, all_strings: bool) -> PageRows {
        PageRows {
            schema,
            all_strings,
            pending: Vec::new(),
            pending_bytes: 0,
            count: 0,
        }
    }

    /// Takes `page`; a full batch when one is due.
    fn push(&mut self, page: PageReport) -> Option<RecordBatch> {
        self.count += 1;
        self.pending_bytes += page.text.len();
        self.pending.push(page);
        (self.pending.len() >= BATCH_PAGES || self.pending_bytes >= BATCH_TEXT_BYTES)
            .then(|| self.batch())
    }

    /// The last batch, if pages are pending.
    fn finish(&mut self) -> Option<RecordBatch> {
        (!self.pending.is_empty()).then(|| self.batch())
    }

    fn batch(&mut self) -> RecordBatch {
        let pages = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let mut text = StringBuilder::with_capacity(pages.len(), 0);
        for page in &pages {
            text.append_value(&page.text);
        }
        let text: ArrayRef = Arc::new(text.finish());
        let columns: Vec<ArrayRef> = if self.all_strings {
            let strings = |value: &dyn Fn(&PageReport) -> String| -> ArrayRef {
                let mut builder = StringBuilder::new();
                for page in &pages {
                    builder.append_value(value(page));
                }
                Arc::new(builder.finish())
            };
            vec![
                strings(&|p| p.number.to_string()),
                text,
                strings(&|p| p.characters.to_string()),
                strings(&|p| (p.images > 0).to_string()),
                strings(&|p| p.has_text.to_string()),
            ]
        } else {
            let mut number = Int32Builder::with_capacity(pages.len());
            let mut characters = Int64Builder::with_capacity(pages.len());
            let mut has_images = BooleanBuilder::with_capacity(pages.len());
            let mut has_text = BooleanBuilder::with_capacity(pages.len());
            for page in &pages {
                number.append_value(page.number as i32);
                characters.append_value(page.characters as i64);
                has_images.append_value(page.images > 0);
                has_text.append_value(page.has_text);
            }
            vec![
                Arc::new(number.finish()),
                text,
                Arc::new(characters.finish()),
                Arc::new(has_images.finish()),
                Arc::new(has_text.finish()),
            ]
        };
        RecordBatch::try_new(self.schema.clone(), columns).expect("columns match the schema")
    }
}

/// `1-6, 9, 12-13`: page numbers (ascending) as ranges.
pub fn page_list(pages: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut index = 0;
    while index < pages.len() {
        let first = pages[index];
        let mut last = first;
        while index + 1 < pages.len() && pages[index + 1] == last + 1 {
            index += 1;
            last = pages[index];
        }
        parts.push(if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        });
        index += 1;
    }
    if parts.len() > 12 {
        let more = parts.len() - 10;
        parts.truncate(10);
        parts.push(format!("and {more} more ranges"));
    }
    parts.join(", ")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lists_read_as_ranges() {
        assert_eq!(page_list(&[1, 2, 3, 5, 7, 8]), "1-3, 5, 7-8");
        assert_eq!(page_list(&[4]), "4");
        let many: Vec<u32> = (1..=40).map(|n| n * 2).collect();
        assert!(page_list(&many).ends_with("and 30 more ranges"));
    }

    #[test]
    fn rows_come_in_bounded_batches_with_the_schema() {
        let schema = page_schema(false);
        let mut rows = PageRows::new(schema.clone(), false);
        let page = |number| PageReport {
            number,
            text: "x\n".into(),
            characters: 2,
            has_text: true,
            images: 1,
        };
        let batches: Vec<RecordBatch> = (1..=300).filter_map(|n| rows.push(page(n))).collect();
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0].num_rows(), BATCH_PAGES);
        let last = rows.finish().unwrap();
        assert_eq!((last.num_rows(), rows.count), (44, 300));
        assert_eq!(last.schema(), schema);
        let strings = PageRows::new(page_schema(true), true).batch_of(page(3));
        assert_eq!(strings.schema().field(0).data_type(), &DataType::Utf8);
    }

    impl PageRows {
        fn batch_of(mut self, page: PageReport) -> RecordBatch {
            self.push(page);
            self.finish().unwrap()
        }
    }
}
