//! The first pass over a sheet: where its header is, which columns the
//! table spans, every column's values counted (so its type comes from all
//! of them), and how many rows it holds. A sheet of up to a budget of cells
//! is also kept ([`SheetCache`]), so the second pass replays it instead of
//! parsing the sheet again; a larger one keeps nothing but the header row and
//! the first rows sampled to find it, and is parsed twice.

use calamine::Dimensions;

use super::columns::{ColumnStats, ColumnType};
use super::header::{header_row, SampledRow, SAMPLE_ROWS};
use super::merged::{walk_rows, WalkError};
use super::value::Value;
use super::workbook::{OrderedError, Workbook};
use super::{ExcelError, ExcelOptions, HeaderChoice};

/// What the first pass learned of one sheet.
#[derive(Debug, Clone)]
pub struct SheetPlan {
    pub sheet: String,
    /// The header's 0-based row; `None` without one.
    pub header_row: Option<u32>,
    /// Non-empty rows above the header, not converted.
    pub rows_above: u64,
    /// Column names (empty header cells are `column_<n>`), the sheet
    /// column each comes from, and what it holds.
    pub columns: Vec<PlannedColumn>,
    /// Non-empty rows of data.
    pub rows: u64,
    /// Empty rows between the header and the last row of data, left out.
    pub blank_rows: u64,
    /// The cells' extent: first and last row and column, 0-based.
    pub used: Option<Dimensions>,
    /// The sheet is read from calamine's whole-sheet range (its cells are
    /// stored out of order, or the kind is never streamed).
    pub read_whole: bool,
    /// Merged areas, when they are filled.
    pub merged: Option<Vec<Dimensions>>,
}

#[derive(Debug, Clone)]
pub struct PlannedColumn {
    pub name: String,
    pub col: u32,
    pub stats: ColumnStats,
}

impl SheetPlan {
    /// The column types as this sheet alone decides them.
    pub fn types(&self, options: &ExcelOptions, all_strings: bool) -> Vec<ColumnType> {
        self.columns
            .iter()
            .map(|c| c.stats.decide(all_strings, options.keep_errors))
            .collect()
    }

    /// Whether the sheet holds nothing to convert.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}

/// A sheet's non-empty rows as the first pass read them (merged areas
/// filled when asked), for the second pass.
#[derive(Debug, Default)]
pub struct SheetCache {
    /// Each row's 0-based index and where its cells start in `cells`.
    rows: Vec<(u32, usize)>,
    cells: Vec<(u32, Value<'static>)>,
}

impl SheetCache {
    /// Each row's index and cells, in order.
    pub fn rows(&self) -> impl Iterator<Item = (u32, &[(u32, Value<'static>)])> {
        let ends = self.rows.iter().skip(1).map(|&(_, start)| start);
        self.rows
            .iter()
            .zip(ends.chain(std::iter::once(self.cells.len())))
            .map(|(&(index, start), end)| (index, &self.cells[start..end]))
    }

    fn push(&mut self, index: u32, cells: &[(u32, Value)]) {
        self.rows.push((index, self.cells.len()));
        self.cells
            .extend(cells.iter().map(|(c, v)| (*c, v.clone().into_owned())));
    }
}

/// Reads `sheet` once and plans it, keeping its cells when there are at
/// most `cache_cells` of them.
pub fn plan_sheet(
    workbook: &mut Workbook,
    sheet: &str,
    options: &ExcelOptions,
    cache_cells: usize,
) -> Result<(SheetPlan, Option<SheetCache>), ExcelError> {
    let merged = if options.fill_merged {
        workbook.merged_areas(sheet)?
    } else {
        None
    };
    let whole = !workbook.kind().streams();
    let scanned = match scan(
        workbook,
        sheet,
        options,
        merged.as_deref(),
        whole,
        cache_cells,
    ) {
        Err(OrderedError::OutOfOrder) if !whole => scan(
            workbook,
            sheet,
            options,
            merged.as_deref(),
            true,
            cache_cells,
        ),
        other => other,
    };
    scanned.map_err(|e| match e {
        OrderedError::Excel(e) => e,
        OrderedError::OutOfOrder => ExcelError::out_of_order(sheet),
    })
}

fn scan(
    workbook: &mut Workbook,
    sheet: &str,
    options: &ExcelOptions,
    merged: Option<&[Dimensions]>,
    whole: bool,
    cache_cells: usize,
) -> Result<(SheetPlan, Option<SheetCache>), OrderedError> {
    let mut rows = workbook.rows(sheet, whole)?;
    let mut scan = Scan::new(options.header);
    let mut cache = (cache_cells > 0).then(SheetCache::default);
    let walked = walk_rows(&mut rows, merged, |index, cells| {
        scan.row(index, cells);
        if let Some(kept) = cache.as_mut() {
            kept.push(index, cells);
            if kept.cells.len() > cache_cells {
                cache = None;
            }
        }
        Ok::<(), std::convert::Infallible>(())
    });
    match walked {
        Ok(()) => {}
        Err(WalkError::Rows(e)) => return Err(e),
        Err(WalkError::Visit(never)) => match never {},
    }
    let mut plan = scan.finish(sheet);
    plan.read_whole = whole;
    plan.merged = merged.map(<[Dimensions]>::to_vec);
    Ok((plan, cache))
}

/// The first pass's state.
struct Scan {
    choice: HeaderChoice,
    /// Rows kept until the header is found (title-block detection only).
    sample: Vec<(u32, Vec<(u32, Value<'static>)>)>,
    /// `Some` once the header is decided: its row, or `None` without one.
    header: Option<Option<u32>>,
    header_cells: Vec<(u32, Value<'static>)>,
    /// By sheet column.
    stats: Vec<ColumnStats>,
    /// Columns the header and data span.
    cols: Option<(u32, u32)>,
    used: Option<Dimensions>,
    rows_above: u64,
    rows: u64,
    data_span: Option<(u32, u32)>,
}

impl Scan {
    fn new(choice: HeaderChoice) -> Scan {
        let header = match choice {
            HeaderChoice::Detect => None,
            other => Some(header_row(other, &[])),
        };
        Scan {
            choice,
            sample: Vec::new(),
            header,
            header_cells: Vec::new(),
            stats: Vec::new(),
            cols: None,
            used: None,
            rows_above: 0,
            rows: 0,
            data_span: None,
        }
    }

    fn row(&mut self, index: u32, cells: &[(u32, Value)]) {
        let (first, last) = (cells[0].0, cells[cells.len() - 1].0);
        self.used = Some(match self.used {
            None => Dimensions::new((index, first), (index, last)),
            Some(d) => Dimensions::new(
                (d.start.0, d.start.1.min(first)),
                (index, d.end.1.max(last)),
            ),
        });
        if self.header.is_some() {
            self.take(index, cells);
            return;
        }
        let owned = cells
            .iter()
            .map(|(c, v)| (*c, v.clone().into_owned()))
            .collect();
        self.sample.push((index, owned));
        if self.sample.len() >= SAMPLE_ROWS {
            self.decide();
        }
    }

    /// Decides the header from the sample, then counts the sample's rows.
    fn decide(&mut self) {
        let sampled: Vec<SampledRow> = self
            .sample
            .iter()
            .map(|(index, cells)| SampledRow {
                index: *index,
                first_col: cells[0].0,
                last_col: cells[cells.len() - 1].0,
            })
            .collect();
        self.header = Some(header_row(self.choice, &sampled));
        for (index, cells) in std::mem::take(&mut self.sample) {
            self.take(index, &cells);
        }
    }

    fn take(&mut self, index: u32, cells: &[(u32, Value)]) {
        let header = self.header.expect("the header is decided");
        match header {
            Some(h) if index < h => {
                self.rows_above += 1;
                return;
            }
            Some(h) if index == h => {
                self.header_cells = cells
                    .iter()
                    .map(|(c, v)| (*c, v.clone().into_owned()))
                    .collect();
            }
            _ => {
                self.rows += 1;
                self.data_span = Some(match self.data_span {
                    None => (index, index),
                    Some((first, _)) => (first, index),
                });
                for (col, value) in cells {
                    let col = *col as usize;
                    if self.stats.len() <= col {
                        self.stats.resize(col + 1, ColumnStats::default());
                    }
                    self.stats[col].add(value);
                }
            }
        }
        let (first, last) = (cells[0].0, cells[cells.len() - 1].0);
        self.cols = Some(match self.cols {
            None => (first, last),
            Some((a, b)) => (a.min(first), b.max(last)),
        });
    }

    fn finish(mut self, sheet: &str) -> SheetPlan {
        if self.header.is_none() {
            self.decide();
        }
        let header_row = self.header.flatten();
        let columns = match self.cols {
            None => Vec::new(),
            Some((first, last)) => (first..=last)
                .enumerate()
                .map(|(position, col)| PlannedColumn {
                    name: self.column_name(position, col),
                    col,
                    stats: self.stats.get(col as usize).cloned().unwrap_or_default(),
                })
                .collect(),
        };
        let blank_rows = match self.data_span {
            None => 0,
            Some((first, last)) => {
                let start = header_row.map_or(first, |h| h + 1);
                u64::from(last - start + 1) - self.rows
            }
        };
        SheetPlan {
            sheet: sheet.to_string(),
            header_row,
            rows_above: self.rows_above,
            columns,
            rows: self.rows,
            blank_rows,
            used: self.used,
            read_whole: false,
            merged: None,
        }
    }

    /// The header cell's text, or `column_<n>` (1-based) where it is empty.
    fn column_name(&self, position: usize, col: u32) -> String {
        self.header_cells
            .iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, v)| v.text(true).map(|t| t.into_owned()))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("column_{}", position + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workbook(dir: &tempfile::TempDir) -> Workbook {
        let path = dir.path().join("t.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "n").unwrap();
        sheet.write_string(0, 1, "s").unwrap();
        for row in 1..=5u32 {
            sheet.write_number(row, 0, f64::from(row)).unwrap();
            sheet.write_string(row, 1, "x").unwrap();
        }
        book.save(&path).unwrap();
        Workbook::open(&path).unwrap()
    }

    #[test]
    fn cells_are_kept_within_the_budget_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = workbook(&dir);
        let options = ExcelOptions::default();
        let (plan, kept) = plan_sheet(&mut book, "Sheet1", &options, 100).unwrap();
        assert_eq!(plan.rows, 5);
        let kept = kept.expect("12 cells fit in 100");
        let rows: Vec<(u32, usize)> = kept.rows().map(|(i, cells)| (i, cells.len())).collect();
        assert_eq!(rows, [(0, 2), (1, 2), (2, 2), (3, 2), (4, 2), (5, 2)]);
        assert_eq!(kept.rows().nth(3).unwrap().1[1].1, Value::Text("x".into()));

        let (again, none) = plan_sheet(&mut book, "Sheet1", &options, 4).unwrap();
        assert!(none.is_none(), "12 cells do not fit in 4");
        assert_eq!(again.rows, plan.rows);
        let (_, none) = plan_sheet(&mut book, "Sheet1", &options, 0).unwrap();
        assert!(none.is_none());
    }
}
