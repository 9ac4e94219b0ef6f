//! One workbook, opened by what its bytes are: a zip package is `.xlsx`
//! (`.xlsb` when it holds `xl/workbook.bin`, `.ods` when it holds
//! `content.xml`), an OLE2 compound file is `.xls`, or an encrypted
//! `.xlsx` when its extension says OOXML. Every calamine call is guarded:
//! a panic inside it becomes [`ExcelError::Panicked`].
//!
//! [`SheetRows`] walks a sheet's non-empty rows in order. `.xlsx` and
//! `.xlsb` sheets are streamed cell by cell (memory follows one row, not the
//! sheet, and a lying `<dimension>` allocates nothing); `.xls` and `.ods`
//! sheets come from calamine's whole-sheet range. A streamed sheet whose
//! cells are out of order is read whole instead.

use std::fs::File;
use std::io::{BufReader, Read, Seek};

use std::path::Path;

use calamine::{
    Cell, Data, DataRef, Dimensions, Ods, Range, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx,
};

use super::value::Value;
use super::{cfb_check, ExcelError};
use crate::panics::contain;

type FileReader = BufReader<File>;

/// What kind of workbook the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkbookKind {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl WorkbookKind {
    pub fn name(self) -> &'static str {
        match self {
            WorkbookKind::Xlsx => "xlsx",
            WorkbookKind::Xlsb => "xlsb",
            WorkbookKind::Xls => "xls",
            WorkbookKind::Ods => "ods",
        }
    }

    /// Whether its sheets are streamed rather than read whole.
    pub fn streams(self) -> bool {
        matches!(self, WorkbookKind::Xlsx | WorkbookKind::Xlsb)
    }
}

/// A sheet as the workbook lists it.
#[derive(Debug, Clone)]
pub struct SheetEntry {
    pub name: String,
    pub kind: SheetKind,
    pub visibility: Visibility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    Worksheet,
    Chart,
    Dialog,
    Macro,
    Vba,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Visible,
    Hidden,
    VeryHidden,
}

enum Book {
    Xlsx(Xlsx<FileReader>),
    Xlsb(Xlsb<FileReader>),
    Xls(Xls<FileReader>),
    Ods(Ods<FileReader>),
}

/// An open workbook.
pub struct Workbook {
    kind: WorkbookKind,
    book: Book,
}

/// Runs a calamine call, a panic inside it becoming an error.
fn guarded<T>(call: impl FnOnce() -> Result<T, ExcelError>) -> Result<T, ExcelError> {
    contain(call).unwrap_or_else(|message| Err(ExcelError::Panicked(message)))
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Workbook {
    pub fn open(path: &Path) -> Result<Workbook, ExcelError> {
        let kind = sniff(path)?;
        if kind == WorkbookKind::Xls {
            let mut file = File::open(path).map_err(ExcelError::Io)?;
            let len = file.metadata().map_err(ExcelError::Io)?.len();
            cfb_check::check(&mut BufReader::new(&mut file), len)
                .map_err(ExcelError::BrokenContainer)?;
        }
        let reader = || File::open(path).map(BufReader::new).map_err(ExcelError::Io);
        let damaged = |source: calamine::Error| damaged(kind, source);
        let book = guarded(|| {
            Ok(match kind {
                WorkbookKind::Xlsx => {
                    Book::Xlsx(Xlsx::new(reader()?).map_err(|e| damaged(e.into()))?)
                }
                WorkbookKind::Xlsb => {
                    Book::Xlsb(Xlsb::new(reader()?).map_err(|e| damaged(e.into()))?)
                }
                WorkbookKind::Xls => Book::Xls(Xls::new(reader()?).map_err(|e| damaged(e.into()))?),
                WorkbookKind::Ods => Book::Ods(Ods::new(reader()?).map_err(|e| damaged(e.into()))?),
            })
        })?;
        Ok(Workbook { kind, book })
    }

    pub fn kind(&self) -> WorkbookKind {
        self.kind
    }

    /// Every sheet, in the workbook's order.
    pub fn sheets(&self) -> Vec<SheetEntry> {
        let metadata = match &self.book {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
        };
        metadata
            .iter()
            .map(|sheet| SheetEntry {
                name: sheet.name.clone(),
                kind: match sheet.typ {
                    SheetType::WorkSheet => SheetKind::Worksheet,
                    SheetType::ChartSheet => SheetKind::Chart,
                    SheetType::DialogSheet => SheetKind::Dialog,
                    SheetType::MacroSheet => SheetKind::Macro,
                    SheetType::Vba => SheetKind::Vba,
                },
                visibility: match sheet.visible {
                    SheetVisible::Visible => Visibility::Visible,
                    SheetVisible::Hidden => Visibility::Hidden,
                    SheetVisible::VeryHidden => Visibility::VeryHidden,
                },
            })
            .collect()
    }

    /// The merged areas of `sheet`; `None` where calamine does not read
    /// them (`.xlsb`, `.ods`).
    pub fn merged_areas(&mut self, sheet: &str) -> Result<Option<Vec<Dimensions>>, ExcelError> {
        guarded(|| match &mut self.book {
            Book::Xlsx(b) => b
                .merge_cells_by_sheet_name(sheet)
                .map(Some)
                .map_err(|e| sheet_error(sheet, e.into())),
            Book::Xls(b) => b
                .merge_cells_by_sheet_name(sheet)
                .map(Some)
                .map_err(|e| sheet_error(sheet, e.into())),
            Book::Xlsb(_) | Book::Ods(_) => Ok(None),
        })
    }

    /// The rows of `sheet`: streamed when the kind allows and `whole` is not
    /// asked for.
    pub fn rows(&mut self, sheet: &str, whole: bool) -> Result<SheetRows<'_>, ExcelError> {
        let cells: Cells<'_> = guarded(|| {
            if whole {
                return match &mut self.book {
                    Book::Xlsx(b) => Cells::whole(b, sheet),
                    Book::Xlsb(b) => Cells::whole(b, sheet),
                    Book::Xls(b) => Cells::whole(b, sheet),
                    Book::Ods(b) => Cells::whole(b, sheet),
                };
            }
            Ok(match &mut self.book {
                Book::Xlsx(b) => {
                    let mut reader = b
                        .worksheet_cells_reader(sheet)
                        .map_err(|e| sheet_error(sheet, e.into()))?;
                    Cells::Streamed(Box::new(move || reader.next_cell().map_err(Into::into)))
                }
                Book::Xlsb(b) => {
                    let mut reader = b
                        .worksheet_cells_reader(sheet)
                        .map_err(|e| sheet_error(sheet, e.into()))?;
                    Cells::Streamed(Box::new(move || reader.next_cell().map_err(Into::into)))
                }
                Book::Xls(b) => Cells::whole(b, sheet)?,
                Book::Ods(b) => Cells::whole(b, sheet)?,
            })
        })?;
        Ok(SheetRows {
            sheet: sheet.to_string(),
            cells,
            pending: None,
            row: Vec::new(),
            last: None,
        })
    }
}

/// The kind of workbook at `path`, from its first bytes and, for a zip
/// package, its parts.
fn sniff(path: &Path) -> Result<WorkbookKind, ExcelError> {
    let mut file = File::open(path).map_err(ExcelError::Io)?;
    let mut magic = [0u8; 8];
    let read = read_up_to(&mut file, &mut magic).map_err(ExcelError::Io)?;
    let magic = &magic[..read];
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if magic.starts_with(CFB_MAGIC) {
        // Office wraps an encrypted OOXML package in a compound file.
        return if matches!(extension.as_str(), "xlsx" | "xlsm" | "xlsb") {
            Err(ExcelError::Encrypted)
        } else {
            Ok(WorkbookKind::Xls)
        };
    }
    if magic.starts_with(ZIP_MAGIC) {
        file.rewind().map_err(ExcelError::Io)?;
        return Ok(zip_kind(file).unwrap_or(WorkbookKind::Xlsx));
    }
    if let [0x09, 0x02 | 0x04, ..] | [0x09, 0x00, ..] = magic {
        return Err(ExcelError::Unsupported(
            "an Excel 2.x-4.0 worksheet (BIFF2-4), which pyforge cannot read".into(),
        ));
    }
    if magic.is_empty() {
        return Err(ExcelError::Unsupported(
            "an empty file, not a workbook".into(),
        ));
    }
    Err(ExcelError::Unsupported(format!(
        "not a workbook: neither a zip package (.xlsx, .xlsb, .ods) nor an OLE2 file (.xls){}",
        if magic
            .iter()
            .all(|b| b.is_ascii() && !b.is_ascii_control() || b"\r\n\t".contains(b))
        {
            " (it looks like text: CSV or HTML saved with an Excel extension?)"
        } else {
            ""
        }
    )))
}

/// `.xlsb` or `.ods` by the parts the package holds; `None` when the
/// central directory cannot be read (calamine then says what is wrong).
fn zip_kind(file: File) -> Option<WorkbookKind> {
    let archive = zip::ZipArchive::new(BufReader::new(file)).ok()?;
    let has = |name: &str| {
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n.eq_ignore_ascii_case(name)))
    };
    Some(if has("xl/workbook.bin") {
        WorkbookKind::Xlsb
    } else if has("content.xml") && !has("xl/workbook.xml") {
        WorkbookKind::Ods
    } else {
        WorkbookKind::Xlsx
    })
}

fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn damaged(kind: WorkbookKind, source: calamine::Error) -> ExcelError {
    let encrypted = matches!(
        &source,
        calamine::Error::Xls(calamine::XlsError::Password)
            | calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Xlsb(calamine::XlsbError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
    );
    if encrypted {
        ExcelError::Encrypted
    } else {
        ExcelError::Damaged {
            kind: kind.name(),
            source,
        }
    }
}

fn sheet_error(sheet: &str, source: calamine::Error) -> ExcelError {
    ExcelError::Sheet {
        sheet: sheet.to_string(),
        source,
    }
}

/// calamine's next streamed cell.
type NextCell<'a> = Box<dyn FnMut() -> Result<Option<Cell<DataRef<'a>>>, calamine::Error> + 'a>;

enum Cells<'a> {
    /// A cell reader (`.xlsx`, `.xlsb`), until it has given its last cell
    /// (it must not be asked again).
    Streamed(NextCell<'a>),
    Finished,
    /// A whole-sheet range and the next cell's index in it.
    Whole(Range<Data>, usize),
}

impl Cells<'_> {
    fn whole<'a, R: Reader<FileReader>>(book: &mut R, sheet: &str) -> Result<Cells<'a>, ExcelError>
    where
        R::Error: Into<calamine::Error>,
    {
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| sheet_error(sheet, e.into()))?;
        Ok(Cells::Whole(range, 0))
    }
}

/// One cell: its 0-based row and column, and value.
type Positioned<'a> = (u32, u32, Value<'a>);

impl<'a> Cells<'a> {
    /// The next non-empty cell, in the order the sheet stores them.
    fn next(&mut self, sheet: &str) -> Result<Option<Positioned<'a>>, ExcelError> {
        loop {
            let cell = match self {
                Cells::Streamed(next_cell) => {
                    match next_cell().map_err(|e| sheet_error(sheet, e))? {
                        Some(c) => {
                            let (row, col) = c.get_position();
                            Some((row, col, Value::from_ref(c.get_value().clone())))
                        }
                        None => {
                            *self = Cells::Finished;
                            None
                        }
                    }
                }
                Cells::Finished => None,
                Cells::Whole(range, next) => whole_next(range, next),
            };
            match cell {
                None => return Ok(None),
                Some((row, col, Some(value))) => return Ok(Some((row, col, value))),
                Some((_, _, None)) => continue,
            }
        }
    }
}

fn whole_next(range: &Range<Data>, next: &mut usize) -> Option<(u32, u32, Option<Value<'static>>)> {
    let (start_row, start_col) = range.start()?;
    let width = range.width();
    let (height, _) = range.get_size();
    while *next < width * height {
        let (r, c) = (*next / width, *next % width);
        *next += 1;
        if let Some(value) = range.get((r, c)).and_then(Value::from_data) {
            return Some((start_row + r as u32, start_col + c as u32, Some(value)));
        }
    }
    None
}

/// One row's non-empty cells, by column, with the 0-based row index.
pub struct Row<'r, 'a> {
    pub index: u32,
    pub cells: &'r [(u32, Value<'a>)],
}

/// The non-empty rows of one sheet, in order.
pub struct SheetRows<'a> {
    sheet: String,
    cells: Cells<'a>,
    /// The first cell of the next row, read ahead.
    pending: Option<Positioned<'a>>,
    row: Vec<(u32, Value<'a>)>,
    /// The last cell's position, to notice cells out of order.
    last: Option<(u32, u32)>,
}

impl<'a> SheetRows<'a> {
    /// The next non-empty row. [`OrderedError::OutOfOrder`] when a streamed
    /// sheet stores a cell before one already read: read it whole instead.
    pub fn next_row(&mut self) -> Result<Option<Row<'_, 'a>>, OrderedError> {
        // One guard per row (not per cell): calamine's cell readers run
        // inside it.
        let index = match contain(|| self.fill_row()) {
            Ok(filled) => filled?,
            Err(message) => return Err(ExcelError::Panicked(message).into()),
        };
        Ok(index.map(|index| Row {
            index,
            cells: &self.row,
        }))
    }

    /// Reads the next row's cells into `row`; its index, or `None` at the end.
    fn fill_row(&mut self) -> Result<Option<u32>, OrderedError> {
        self.row.clear();
        let first = match self.pending.take() {
            Some(cell) => cell,
            None => match self.cells.next(&self.sheet)? {
                Some(cell) => self.check_order(cell)?,
                None => return Ok(None),
            },
        };
        let index = first.0;
        self.row.push((first.1, first.2));
        while let Some(cell) = self.cells.next(&self.sheet)? {
            let cell = self.check_order(cell)?;
            if cell.0 != index {
                self.pending = Some(cell);
                break;
            }
            self.row.push((cell.1, cell.2));
        }
        Ok(Some(index))
    }

    fn check_order(&mut self, cell: Positioned<'a>) -> Result<Positioned<'a>, OrderedError> {
        let position = (cell.0, cell.1);
        if self.last.is_some_and(|last| position <= last) {
            return Err(OrderedError::OutOfOrder);
        }
        self.last = Some(position);
        Ok(cell)
    }
}

/// A row walk's failure.
#[derive(Debug)]
pub enum OrderedError {
    /// The sheet stores its cells out of order: read it whole.
    OutOfOrder,
    Excel(ExcelError),
}

impl From<ExcelError> for OrderedError {
    fn from(error: ExcelError) -> Self {
        OrderedError::Excel(error)
    }
}
