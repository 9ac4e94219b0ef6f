//! Excel behind the format interface: which sheets are read (`--sheets`,
//! `--skip-hidden`; chart and empty sheets are skipped with a note), the
//! first pass over each, the groups of sheets that share their columns
//! (reported; written as one table each under `--combine`), and the second
//! pass pushing every table into the sink.

use std::path::Path;

use super::batches::{push_sheet, schema, SecondPass, SheetOutput};
use super::columns::{ColumnStats, ColumnType};
use super::describe::WorkbookInfo;
use super::plan::{plan_sheet, SheetCache, SheetPlan};
use super::workbook::{SheetEntry, SheetKind, Visibility, Workbook, WorkbookKind};
use super::{ExcelError, ExcelOptions, HeaderChoice};
use crate::formats::{
    Description, FormatError, InputFormat, ReadError, ReadOptions, ReadSummary, TableName,
    TableSink,
};
use crate::progress::ProgressRef;

/// The Excel reader.
pub struct Excel;

impl InputFormat for Excel {
    fn describe(
        &self,
        input: &Path,
        options: &ReadOptions,
    ) -> Result<Box<dyn Description>, FormatError> {
        let mut workbook = Workbook::open(input).map_err(|e| failure(&e))?;
        let survey = survey(&mut workbook, &options.excel)?;
        Ok(Box::new(WorkbookInfo::new(
            workbook.kind(),
            &survey,
            &options.excel,
            options.all_strings,
        )))
    }

    fn read(
        &self,
        input: &Path,
        options: &ReadOptions,
        tables: &mut dyn TableSink,
        progress: &ProgressRef,
    ) -> Result<ReadSummary, ReadError> {
        read_all(input, &options.excel, options.all_strings, tables, progress)
    }
}

/// Sheets of at most this many cells are parsed once: the second pass
/// replays the cells the first kept (some 40 bytes each, plus text).
const KEPT_CELLS: usize = 2_000_000;

/// Reads every selected sheet of `input` into `tables`. Each sheet is
/// planned and written in turn; under `--combine` every sheet is planned
/// before the groups are written.
pub fn read_all(
    input: &Path,
    excel: &ExcelOptions,
    all_strings: bool,
    tables: &mut dyn TableSink,
    progress: &ProgressRef,
) -> Result<ReadSummary, ReadError> {
    let mut workbook = Workbook::open(input).map_err(|e| failure(&e))?;
    let survey = if excel.combine {
        survey_each(&mut workbook, excel, 0, |_, _, _| Ok(()))?
    } else {
        survey_each(&mut workbook, excel, KEPT_CELLS, |workbook, plan, kept| {
            let source = match kept {
                Some(cache) => SecondPass::Kept(cache),
                None => SecondPass::Parse(workbook),
            };
            let name = TableName::part(&plan.sheet);
            push_table(source, name, &[plan], excel, all_strings, tables, progress)
        })?
    };
    let plans: Vec<&SheetPlan> = survey.planned().collect();
    if plans.is_empty() {
        let reasons = survey
            .sheets
            .iter()
            .map(|s| format!("'{}' {}", s.entry.name, s.skip_reason().unwrap_or("empty")))
            .collect::<Vec<_>>()
            .join(", ");
        let reasons = if reasons.is_empty() {
            "the workbook has no sheets".to_string()
        } else {
            reasons
        };
        return Err(failure(&ExcelError::NothingToConvert(reasons)).into());
    }
    let groups = same_columns(&plans);
    let mut notes = survey.notes(workbook.kind(), excel);
    for group in groups.iter().filter(|g| g.len() > 1) {
        let names = quoted(group.iter().map(|&i| plans[i].sheet.as_str()));
        notes.push(if excel.combine {
            format!("sheets {names} share their columns: written as one table with a sheet column (--combine)")
        } else {
            format!("sheets {names} share their columns (--combine writes them as one file)")
        });
    }
    if excel.combine {
        let whole_workbook = groups.len() == 1 && groups[0].len() > 1;
        for group in &groups {
            let members: Vec<&SheetPlan> = group.iter().map(|&i| plans[i]).collect();
            let name = if whole_workbook {
                TableName::whole(&members[0].sheet)
            } else {
                TableName::part(&members[0].sheet)
            };
            let source = SecondPass::Parse(&mut workbook);
            push_table(source, name, &members, excel, all_strings, tables, progress)?;
        }
    }
    Ok(ReadSummary { notes, retries: 0 })
}

fn failure(error: &ExcelError) -> FormatError {
    FormatError::new(error, error.hint())
}

/// Pushes one table: a sheet alone, or sheets combined with a `sheet` column
/// (each parsed again: `source` is the workbook then).
fn push_table(
    mut source: SecondPass,
    name: TableName,
    members: &[&SheetPlan],
    excel: &ExcelOptions,
    all_strings: bool,
    tables: &mut dyn TableSink,
    progress: &ProgressRef,
) -> Result<(), ReadError> {
    let combined = members.len() > 1;
    let types = group_types(members, excel, all_strings);
    let names: Vec<&str> = members[0].columns.iter().map(|c| c.name.as_str()).collect();
    let schema = schema(&names, &types, combined);
    let stated: u64 = members.iter().map(|p| p.rows).sum();
    let slot = tables.begin(name, &schema, Some(stated))?;
    let mut rows = 0;
    for plan in members {
        progress.start_rows(&plan.sheet, plan.rows);
        let output = SheetOutput {
            schema: &schema,
            types: &types,
            sheet_column: combined.then_some(plan.sheet.as_str()),
            keep_errors: excel.keep_errors,
        };
        let pass = match &mut source {
            SecondPass::Kept(cache) => SecondPass::Kept(cache),
            SecondPass::Parse(workbook) => SecondPass::Parse(workbook),
        };
        match push_sheet(pass, plan, &output, tables, slot, progress.as_ref()) {
            Ok(pushed) => rows += pushed,
            Err(ReadError::Failed(error)) => {
                tables.failed(name.name, Some(slot), &error, false)?;
                return Err(ReadError::Failed(error));
            }
            Err(stopped) => return Err(stopped),
        }
    }
    tables.end(slot, rows, None)?;
    Ok(())
}

/// Each column's type over every sheet of a group.
fn group_types(
    members: &[&SheetPlan],
    options: &ExcelOptions,
    all_strings: bool,
) -> Vec<ColumnType> {
    (0..members[0].columns.len())
        .map(|i| {
            let mut stats = ColumnStats::default();
            for plan in members {
                stats.merge(&plan.columns[i].stats);
            }
            stats.decide(all_strings, options.keep_errors)
        })
        .collect()
}

/// Groups of plans (indexes, in sheet order) with the same column names in
/// the same order.
fn same_columns(plans: &[&SheetPlan]) -> Vec<Vec<usize>> {
    let mut groups: Vec<(Vec<&str>, Vec<usize>)> = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let names: Vec<&str> = plan.columns.iter().map(|c| c.name.as_str()).collect();
        match groups.iter_mut().find(|(n, _)| *n == names) {
            Some((_, members)) => members.push(i),
            None => groups.push((names, vec![i])),
        }
    }
    groups.into_iter().map(|(_, members)| members).collect()
}

pub fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every selected sheet, planned or skipped.
pub struct Survey {
    pub sheets: Vec<SurveyedSheet>,
}

pub struct SurveyedSheet {
    pub entry: SheetEntry,
    pub outcome: Outcome,
}

pub enum Outcome {
    Planned(SheetPlan),
    /// Not a worksheet (a chart, dialog, macro or VBA sheet).
    NotAWorksheet,
    /// Hidden, and `--skip-hidden`.
    Hidden,
    Empty(SheetPlan),
}

impl SurveyedSheet {
    pub fn skip_reason(&self) -> Option<&'static str> {
        match &self.outcome {
            Outcome::Planned(_) => None,
            Outcome::NotAWorksheet => Some(match self.entry.kind {
                SheetKind::Chart => "is a chart sheet",
                SheetKind::Dialog => "is a dialog sheet",
                SheetKind::Macro => "is an Excel 4 macro sheet",
                _ => "is not a worksheet",
            }),
            Outcome::Hidden => Some("is hidden (--skip-hidden)"),
            Outcome::Empty(_) => Some("is empty"),
        }
    }

    pub fn plan(&self) -> Option<&SheetPlan> {
        match &self.outcome {
            Outcome::Planned(plan) | Outcome::Empty(plan) => Some(plan),
            _ => None,
        }
    }
}

impl Survey {
    pub fn planned(&self) -> impl Iterator<Item = &SheetPlan> {
        self.sheets.iter().filter_map(|s| match &s.outcome {
            Outcome::Planned(plan) => Some(plan),
            _ => None,
        })
    }

    /// What the summary says of the sheets: skipped ones, headers below
    /// other rows, rows left out, error cells read as null.
    fn notes(&self, kind: WorkbookKind, options: &ExcelOptions) -> Vec<String> {
        let mut notes = Vec::new();
        for sheet in &self.sheets {
            let name = &sheet.entry.name;
            if let Some(reason) = sheet.skip_reason() {
                notes.push(format!("sheet '{name}' {reason}: skipped"));
                continue;
            }
            let Some(plan) = sheet.plan() else { continue };
            if let Some(header) = plan.header_row {
                if plan.rows_above > 0 {
                    notes.push(format!(
                        "sheet '{name}': header in row {}; {} row(s) above it not converted",
                        header + 1,
                        plan.rows_above
                    ));
                }
            }
            if plan.blank_rows > 0 {
                notes.push(format!(
                    "sheet '{name}': {} empty row(s) inside the table left out",
                    plan.blank_rows
                ));
            }
            let errors: Vec<String> = plan
                .columns
                .iter()
                .filter(|c| c.stats.errors > 0)
                .map(|c| format!("'{}' {}", c.name, c.stats.errors))
                .collect();
            if !errors.is_empty() && !options.keep_errors {
                notes.push(format!(
                    "sheet '{name}': error cells (#DIV/0!, #N/A...) read as null: {} (--keep-errors keeps their text)",
                    errors.join(", ")
                ));
            }
        }
        if options.fill_merged && !matches!(kind, WorkbookKind::Xlsx | WorkbookKind::Xls) {
            notes.push(format!(
                "--fill-merged: merged areas of a .{} workbook cannot be read; their values stay in each area's first cell",
                kind.name()
            ));
        }
        notes
    }
}

/// Selects the sheets `options` asks for and plans each.
pub fn survey(workbook: &mut Workbook, options: &ExcelOptions) -> Result<Survey, FormatError> {
    survey_each(workbook, options, 0, |_, _, _| Ok(())).map_err(|e| match e {
        ReadError::Failed(error) => error,
        ReadError::Stopped => unreachable!("nothing is pushed"),
    })
}

/// [`survey`], handing `each` every sheet with data as soon as it is
/// planned, with its cells when there are at most `kept_cells`.
fn survey_each(
    workbook: &mut Workbook,
    options: &ExcelOptions,
    kept_cells: usize,
    mut each: impl FnMut(&mut Workbook, &SheetPlan, Option<&SheetCache>) -> Result<(), ReadError>,
) -> Result<Survey, ReadError> {
    let all = workbook.sheets();
    let unknown: Vec<String> = options
        .sheets
        .iter()
        .filter(|wanted| !all.iter().any(|s| &s.name == *wanted))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        let error = ExcelError::UnknownSheets {
            unknown,
            available: all.iter().map(|s| s.name.clone()).collect(),
        };
        return Err(failure(&error).into());
    }
    let mut sheets = Vec::new();
    for entry in all {
        if !options.sheets.is_empty() && !options.sheets.contains(&entry.name) {
            continue;
        }
        let outcome = if entry.kind != SheetKind::Worksheet {
            Outcome::NotAWorksheet
        } else if options.skip_hidden && entry.visibility != Visibility::Visible {
            Outcome::Hidden
        } else {
            let (plan, kept) =
                plan_sheet(workbook, &entry.name, options, kept_cells).map_err(|e| failure(&e))?;
            check_header_row(&plan, options).map_err(|e| failure(&e))?;
            if plan.is_empty() {
                Outcome::Empty(plan)
            } else {
                each(workbook, &plan, kept.as_ref())?;
                Outcome::Planned(plan)
            }
        };
        sheets.push(SurveyedSheet { entry, outcome });
    }
    Ok(Survey { sheets })
}

/// A `--header-row` below every row of a sheet with data is a mistake.
fn check_header_row(plan: &SheetPlan, options: &ExcelOptions) -> Result<(), ExcelError> {
    if let (HeaderChoice::Row(row), Some(used)) = (options.header, plan.used) {
        if row > used.end.0 + 1 {
            return Err(ExcelError::HeaderBelowData {
                sheet: plan.sheet.clone(),
                row,
                last: used.end.0 + 1,
            });
        }
    }
    Ok(())
}
